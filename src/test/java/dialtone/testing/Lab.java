package dialtone.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The facts of the lab that scripts/lab-start runs (scripts/lab/lab.env), for integration tests. */
public final class Lab {
    private static Map<String, String> env;

    private Lab() {
    }

    public static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("scripts/lab/lab.env"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find scripts/lab/lab.env above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    public static Path dir() {
        String d = System.getProperty("dialtone.lab");
        return d != null ? Path.of(d) : repo().resolve(".lab");
    }

    public static synchronized String get(String key) {
        if (env == null) {
            env = new HashMap<>();
            try {
                for (String line : Files.readAllLines(repo().resolve("scripts/lab/lab.env"))) {
                    line = line.strip();
                    if (line.isEmpty() || line.startsWith("#") || !line.contains("=")) {
                        continue;
                    }
                    env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String v = env.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + key + " in lab.env");
        }
        return v;
    }

    public static String ca() {
        return dir().resolve("ca.pem").toString();
    }

    public static String configUrl(String name) {
        return "https://" + get("LAB_IP") + ":" + get("LAB_HTTPS_PORT") + "/c2c/" + name;
    }

    public static String legacyUrl() {
        return configUrl(get("LAB_TOKEN_LEGACY"));
    }

    public static String runtimeUrl() {
        return configUrl(get("LAB_TOKEN_RUNTIME"));
    }

    public static String wss() {
        return "wss://" + get("LAB_IP") + ":" + get("LAB_WSS_PORT");
    }

    /** Every secret of the lab, for leak scans. */
    public static String[] secrets() {
        return new String[] {get("LAB_C2C_PASSWORD"), get("LAB_ALICE_PASSWORD"), get("LAB_BOB_PASSWORD"),
            get("LAB_TOKEN_LEGACY"), get("LAB_TOKEN_RUNTIME"), get("LAB_TURN_PASSWORD"), get("LAB_TURN_SECRET"),
            get("LAB_WS_USERINFO_SECRET")};
    }
}
