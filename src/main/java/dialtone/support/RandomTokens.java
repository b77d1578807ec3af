package dialtone.support;

import java.security.SecureRandom;

/** Random tokens for tags, branches, Call-IDs and the default userId. */
public final class RandomTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";

    private RandomTokens() {
    }

    public static String alnum(int n) {
        return pick(ALNUM, n);
    }

    public static String lower(int n) {
        return pick(LOWER, n);
    }

    private static String pick(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
