package dialtone.event;

import java.util.Map;

/**
 * The validated facts of an endpoint configuration (or of the direct flags) that dialtone will act on.
 * It never holds the password: {@code passwordPresent} says whether there is one.
 *
 * @param source       {@code endpoint} (fetched) or {@code flags} (given directly)
 * @param mode         {@code legacy}, {@code runtime} or {@code direct}
 * @param register     whether a REGISTER is needed before calling
 * @param aor          the URI dialtone registers as (and puts in From)
 * @param target       the Request-URI an INVITE would go to, or null when there is none
 * @param headers      the extra headers an INVITE would carry
 * @param widgetActive {@code webrtcWidgetConfig.active}, or null in direct mode
 */
public record ConfigSummary(String source, String mode, boolean register, String wsUri, String realm,
                            String authUser, String userId, boolean userIdDerived, String aor, String target,
                            Map<String, String> headers, Boolean widgetActive, boolean passwordPresent,
                            String organisationId, String projectId, String endpointId, String endpointName) {
}
