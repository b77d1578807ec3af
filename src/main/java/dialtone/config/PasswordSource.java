package dialtone.config;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.support.DialtoneException;
import dialtone.support.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a secret from an environment variable or a file, never from a flag's value (which {@code ps} shows).
 * A file's trailing newline is dropped; the file must be a regular file of at most 4 KiB.
 */
public final class PasswordSource {
    private PasswordSource() {
    }

    public static Secret read(String envName, Path file, Map<String, String> env, String what) {
        if (envName != null && file != null) {
            throw setup("give the " + what + " either from an environment variable or from a file, not both");
        }
        if (envName != null) {
            String v = env.get(envName);
            if (v == null || v.isEmpty()) {
                throw setup("the environment variable " + envName + " (" + what + ") is not set");
            }
            return Secret.of(v);
        }
        if (file != null) {
            try {
                if (!Files.isRegularFile(file)) {
                    throw setup("the " + what + " file " + file + (!Files.exists(file) ? " does not exist"
                            : Files.isDirectory(file) ? " is a directory" : " is not a regular file (a device, a FIFO or a socket)"));
                }
                if (Files.size(file) > 4096) {
                    throw setup("the " + what + " file " + file + " is larger than 4 KiB: is it the right file?");
                }
                String v = Files.readString(file, StandardCharsets.UTF_8);
                v = v.endsWith("\r\n") ? v.substring(0, v.length() - 2) : v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
                if (v.isEmpty()) {
                    throw setup("the " + what + " file " + file + " is empty");
                }
                return Secret.of(v);
            } catch (IOException | java.io.UncheckedIOException e) {
                throw setup("cannot read the " + what + " file " + file + ": " + e.getClass().getSimpleName());
            }
        }
        return null;
    }

    private static DialtoneException setup(String msg) {
        return new DialtoneException(Failure.of(Layer.CONFIG, Cause.SETUP_FAILED, msg));
    }
}
