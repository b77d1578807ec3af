package dialtone.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Loopback tests that never resolve a name: only literals and the name {@code localhost} count. */
public final class Hosts {
    private Hosts() {
    }

    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (!isIpLiteral(h)) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** True for an IPv4 dotted quad or an IPv6 literal (no name resolution happens for those). */
    public static boolean isIpLiteral(String h) {
        if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return true;
        }
        return h.indexOf(':') >= 0 && h.matches("[0-9a-fA-F:.%]+");
    }
}
