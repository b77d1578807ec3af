package dialtone.config;

import dialtone.support.Secret;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the user told dialtone about the far end: an endpoint URL, or the same facts directly.
 *
 * @param endpoint the config URL (carries a secret token), or null for direct mode
 * @param allowWs  permit {@code ws://} (loopback only)
 */
public record TargetSpec(String endpoint, Path caFile, String wsUri, String user, String authUser, String realm,
                         Secret password, String userId, boolean allowWs, Duration fetchTimeout) {
}
