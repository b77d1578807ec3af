package dialtone.config;

import dialtone.support.RandomTokens;
import java.util.Locale;
import java.util.regex.Pattern;

/** The SDK's default userId, and the check that a userId does not look like personal data. */
public final class UserIds {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}");
    private static final Pattern PHONE_CHARS = Pattern.compile("(tel:|sip:)?\\+?[0-9 ()./-]+");

    private UserIds() {
    }

    /**
     * {@code webrtc-sdk-<endpointName with [^a-zA-Z0-9-] removed, lowercased, or 'endpoint'>-<8 random [A-Za-z0-9]>},
     * as the SDK's ConfigManager derives it.
     */
    public static String derive(String endpointName) {
        String base = endpointName == null ? "" : endpointName.replaceAll("[^a-zA-Z0-9-]", "").toLowerCase(Locale.ROOT);
        if (base.isEmpty()) {
            base = "endpoint";
        }
        return "webrtc-sdk-" + base + "-" + RandomTokens.alnum(8);
    }

    /** "an e-mail address", "a phone number", or null when the userId does not look like personal data. */
    public static String personalDataKind(String userId) {
        if (userId == null) {
            return null;
        }
        if (userId.contains("%")) {
            try {
                // as the server will read it: jane%40example.com is an e-mail address too
                userId = java.net.URLDecoder.decode(userId.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // not valid escapes: judge the text as it is
            }
        }
        if (EMAIL.matcher(userId).find()) {
            return "an e-mail address";
        }
        String s = userId.trim();
        if (PHONE_CHARS.matcher(s).matches()) {
            long digits = s.chars().filter(Character::isDigit).count();
            if (digits >= 7 && digits <= 15) {
                return "a phone number";
            }
        }
        return null;
    }
}
