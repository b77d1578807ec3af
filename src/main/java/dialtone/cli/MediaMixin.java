package dialtone.cli;

import dialtone.config.PasswordSource;
import dialtone.config.MediaSetup;
import dialtone.config.IceServer;
import dialtone.config.IceUrl;
import dialtone.support.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** ICE servers, TURN credentials, interfaces and ports: the media path's flags. */
public final class MediaMixin {
    @Option(names = "--ice-server", paramLabel = "URL", converter = IceUrlConverter.class,
            description = "STUN/TURN server, repeatable: stun:host:port, turn:host:port?transport=udp|tcp, turns:host:port.")
    List<IceUrl> iceServers = new ArrayList<>();

    @Option(names = "--turn-user", paramLabel = "USER", description = "TURN username (long-term credentials).")
    String turnUser;

    @Option(names = "--turn-password-env", paramLabel = "VAR", description = "Read the TURN password from this environment variable.")
    String turnPasswordEnv;

    @Option(names = "--turn-password-file", paramLabel = "FILE", description = "Read the TURN password from this file.")
    Path turnPasswordFile;

    @Option(names = "--turn-secret-env", paramLabel = "VAR",
            description = "TURN REST API: derive time-limited credentials from the shared secret in this environment variable.")
    String turnSecretEnv;

    @Option(names = "--turns-insecure",
            description = "Do not check the certificate of turns: servers (libwebrtc cannot take --ca-file); the media stays DTLS-SRTP.")
    boolean turnsInsecure;

    @Option(names = "--relay-only", description = "Use only TURN relay candidates (iceTransportPolicy relay).")
    boolean relayOnly;

    @Option(names = "--ice-bind", paramLabel = "ADDRESS",
            description = "Offer host candidates on this address (e.g. 127.0.0.1); sockets listen on all addresses.")
    String iceBind;

    @Option(names = "--port-range", paramLabel = "MIN-MAX", description = "Confine local media ports (e.g. 40000-40100).")
    String portRange;

    @Option(names = "--no-udp", description = "No UDP candidates (TCP and TURN/TCP/TLS only).")
    boolean noUdp;

    @Option(names = "--no-tcp", description = "No TCP host candidates.")
    boolean noTcp;

    /** Set by the commands that record (call, register): {@code --record-stereo}. */
    boolean recordStereo;

    /** TURN credentials as given (long-term) or derived from the REST secret; null user when none. */
    record TurnAuth(String user, Secret password) {
    }

    TurnAuth turnAuth(Map<String, String> env, Consumer<String> secrets) {
        String user = turnUser;
        Secret password = PasswordSource.read(turnPasswordEnv, turnPasswordFile, env, "TURN password");
        if (turnSecretEnv != null) {
            Secret secret = PasswordSource.read(turnSecretEnv, null, env, "TURN shared secret");
            secrets.accept(secret.reveal());
            long expiry = System.currentTimeMillis() / 1000 + 3600;
            user = expiry + ":" + (turnUser == null ? "dialtone" : turnUser);
            password = Secret.of(restCredential(secret, user));
        }
        if (password != null) {
            secrets.accept(password.reveal());
        }
        return new TurnAuth(user, password);
    }

    MediaSetup toSetup(Map<String, String> env, Consumer<String> secrets, CommandLine cl) {
        int min = 0;
        int max = 0;
        if (portRange != null) {
            String[] p = portRange.split("-", -1);
            try {
                if (p.length != 2) {
                    throw new IllegalArgumentException("not two numbers");
                }
                min = Integer.parseInt(p[0].trim());
                max = Integer.parseInt(p[1].trim());
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(cl, "--port-range must be MIN-MAX (e.g. 40000-40100)");
            }
            if (min < 1024 || max > 65535 || min > max) {
                throw new CommandLine.ParameterException(cl, "--port-range must lie within 1024-65535, MIN <= MAX");
            }
        }
        String bind = null;
        if (iceBind != null) {
            if (!dialtone.support.Hosts.isIpLiteral(iceBind.strip())) {
                throw new CommandLine.ParameterException(cl, "--ice-bind takes an IP address of this machine (got "
                        + dialtone.support.Printable.escape(iceBind) + ")");
            }
            bind = localAddress(iceBind, localAddresses());
            if (bind == null) {
                throw new CommandLine.ParameterException(cl, "--ice-bind " + dialtone.support.Printable.escape(iceBind)
                        + " is not an address of this machine: " + localAddressList());
            }
        }
        TurnAuth auth = turnAuth(env, secrets);
        String user = auth.user();
        Secret password = auth.password();
        List<IceServer> servers = new ArrayList<>();
        if (user != null && dialtone.config.SipFields.headerValue(user) != null) {
            throw new CommandLine.ParameterException(cl, "--turn-user " + dialtone.config.SipFields.headerValue(user));
        }
        if (password != null && (password.reveal().isEmpty() || password.reveal().length() > 512
                || password.reveal().chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new CommandLine.ParameterException(cl, "the TURN password is empty, too long, or contains control characters");
        }
        for (IceUrl u : iceServers) {
            boolean turn = u.turn();
            if (turn && (user == null || password == null)) {
                throw new CommandLine.ParameterException(cl, "--ice-server " + u.canonical()
                        + " needs TURN credentials: --turn-user with --turn-password-env/--turn-password-file, or --turn-secret-env");
            }
            servers.add(new IceServer(u, turn ? user : null, turn ? password : null, u.tls() && turnsInsecure));
        }
        if (relayOnly && servers.stream().noneMatch(s -> s.username() != null)) {
            throw new CommandLine.ParameterException(cl, "--relay-only needs a TURN server (--ice-server turn:...)");
        }
        return new MediaSetup(servers, relayOnly, bind, min, max, noUdp, noTcp, recordStereo);
    }

    /**
     * The --ice-bind value as the address it names, when it is an IP address of one of this machine's interfaces
     * that are up (it becomes the host candidates the far end sends media to); null when it is not. No name is
     * resolved: 999.1.1.1 is no address, and a host name is refused.
     */
    static String localAddress(String text, java.util.Collection<java.net.InetAddress> local) {
        String t = text.strip();
        if (t.indexOf(':') >= 0 && t.indexOf('%') > 0) {
            t = t.substring(0, t.indexOf('%')); // an IPv6 zone (fe80::1%eth0): the address is what is compared and sent
        }
        java.net.InetAddress a;
        if (t.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            byte[] b = new byte[4];
            String[] p = t.split("\\.");
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(p[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            try {
                a = java.net.InetAddress.getByAddress(b);
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        } else if (t.indexOf(':') >= 0 && t.matches("[0-9a-fA-F:.]+")) {
            try {
                a = java.net.InetAddress.getByName(t); // an IPv6 literal: parsed, never looked up
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        } else {
            return null;
        }
        for (java.net.InetAddress l : local) {
            if (java.util.Arrays.equals(l.getAddress(), a.getAddress())) {
                String s = a.getHostAddress();
                int pct = s.indexOf('%');
                return pct < 0 ? s : s.substring(0, pct);
            }
        }
        return null;
    }

    /** The addresses of this machine's interfaces that are up. */
    static java.util.List<java.net.InetAddress> localAddresses() {
        try {
            return java.net.NetworkInterface.networkInterfaces().filter(MediaMixin::up)
                    .flatMap(java.net.NetworkInterface::inetAddresses).toList();
        } catch (java.net.SocketException e) {
            return List.of();
        }
    }

    private static boolean up(java.net.NetworkInterface n) {
        try {
            return n.isUp();
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    private static String localAddressList() {
        List<String> l = localAddresses().stream().map(java.net.InetAddress::getHostAddress)
                .map(s -> s.indexOf('%') < 0 ? s : s.substring(0, s.indexOf('%'))).distinct().limit(8).toList();
        return l.isEmpty() ? "it has no interface that is up" : "give one of " + String.join(", ", l);
    }

    /** TURN REST API (draft-uberti-behave-turn-rest): credential = base64(HMAC-SHA1(secret, username)). */
    static String restCredential(Secret secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
