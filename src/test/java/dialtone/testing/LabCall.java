package dialtone.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two sides of a call in the lab, as dialtone command lines: alice's credentials answering under a per-test
 * user id (so a leftover registration can never answer), and bob calling it. Media stays on 127.0.0.1.
 */
public final class LabCall {
    private LabCall() {
    }

    /** Every lab password by the environment variable the command lines name. */
    public static Map<String, String> env() {
        return Map.of("ALICE_PW", Lab.get("LAB_ALICE_PASSWORD"), "BOB_PW", Lab.get("LAB_BOB_PASSWORD"),
                "TURN_PW", Lab.get("LAB_TURN_PASSWORD"), "TP", Lab.get("LAB_TURN_PASSWORD"),
                "TURN_SECRET", Lab.get("LAB_TURN_SECRET"));
    }

    public static String newCallee() {
        return "alice-" + Long.toHexString(System.nanoTime());
    }

    /** {@code register --answer MODE} as {@code callee}; --user-id and --duration 60s unless {@code more} sets them. */
    public static String[] answerer(String callee, String mode, String... more) {
        List<String> a = new ArrayList<>(List.of("register", "--ws-uri", Lab.wss(), "--user", "alice", "--realm",
                Lab.get("LAB_REALM"), "--password-env", "ALICE_PW", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1",
                "--answer", mode));
        a.addAll(List.of(more));
        if (!a.contains("--user-id")) {
            a.addAll(List.of("--user-id", callee));
        }
        if (!a.contains("--duration")) {
            a.addAll(List.of("--duration", "60s"));
        }
        return a.toArray(new String[0]);
    }

    /** {@code call TARGET} as bob. */
    public static String[] caller(String target, String... more) {
        List<String> a = new ArrayList<>(List.of("call", target, "--ws-uri", Lab.wss(), "--user", "bob", "--realm",
                Lab.get("LAB_REALM"), "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }
}
