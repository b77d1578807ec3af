package dialtone.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The module file: what is taken, what is refused and why; which targets a scrape may ask for. */
class ServeConfigTest {
    static final Map<String, String> ENV = Map.of("BOB_PW", "Bob-Secret-Pw-1", "C2C", "https://c2c.example.com/tok");

    /** The shape the issue gives, as written. */
    static final String ISSUE = """
            modules:
              lab_call:
                command: call                     # config | register | call | probe
                args: [--ws-uri, "wss://sip.example.com", --user, bob, --realm, example.com,
                       --password-env, BOB_PW, --play, "tone:440", --expect-audio, --duration, 3s]
                targets: ["sip:echo@example.com"] # what target= may be (passed as TARGET); none listed: no target
                timeout: 20s
            """;

    static ServeConfig parse(String yaml) throws ServeConfig.Invalid {
        return ServeConfig.parse(yaml, a -> null, ENV);
    }

    static String refusal(String yaml) {
        return assertThrows(ServeConfig.Invalid.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void theIssuesShapeWorksAsWritten() throws Exception {
        List<List<String>> checked = new ArrayList<>();
        ServeConfig c = ServeConfig.parse(ISSUE, a -> {
            checked.add(a);
            return null;
        }, ENV);
        ServeConfig.Module m = c.modules().get("lab_call");
        assertEquals("call", m.command());
        assertEquals(Duration.ofSeconds(20), m.timeout());
        assertEquals(List.of("sip:echo@example.com"), m.targets());
        assertEquals(List.of("call", "--ws-uri", "wss://sip.example.com", "--user", "bob", "--realm", "example.com",
                "--password-env", "BOB_PW", "--play", "tone:440", "--expect-audio", "--duration", "3s", "--json", "--",
                "sip:echo@example.com"), m.childArgs("sip:echo@example.com"));
        // the command line's own parser saw the module's flags with its target
        assertEquals(List.of(m.childArgs("sip:echo@example.com")), checked);
        assertEquals(List.of("BOB_PW"), m.secretEnvs());
    }

    @Test
    void theCommandLinesVerdictOnTheFlagsRefusesTheFile() {
        String why = assertThrows(ServeConfig.Invalid.class,
                () -> ServeConfig.parse(ISSUE, a -> "Unknown option: '--nope'", ENV)).getMessage();
        assertEquals("module lab_call: Unknown option: '--nope'", why);
    }

    @Test
    void flagsThatWriteFilesLeakSecretsOrAreTheExportersOwnAreRefused() {
        for (String flag : List.of("--json", "--junit", "--report", "--pcap", "--record", "--interactive", "--answer",
                "--endpoint", "--help")) {
            String y = ISSUE.replace("--expect-audio,", flag + ", x,");
            assertTrue(refusal(y).contains(flag + " is not allowed"), flag + ": " + refusal(y));
        }
        assertTrue(refusal(ISSUE.replace("--expect-audio,", "--endpoint=https://x/tok,")).contains("endpoint_env"));
        assertTrue(refusal(ISSUE.replace("--expect-audio,", "'--',")).contains("'--' is not allowed"));
    }

    @Test
    void badFilesAreRefusedWithOneLine() {
        assertTrue(refusal("").contains("no modules"));
        assertTrue(refusal("modules: {}").contains("no modules"));
        assertTrue(refusal("modules: [a, b]").contains("wrong kind"));
        assertTrue(refusal("modulez: {}").contains("unknown key 'modulez'"));
        assertTrue(refusal(ISSUE.replace("timeout: 20s", "timeout: 20s\n    tiemout: 3s")).contains("unknown key 'tiemout'"));
        assertTrue(refusal(ISSUE.replace("command: call", "command: load")).contains("command must be one of"));
        assertTrue(refusal(ISSUE.replace("timeout: 20s", "timeout: forever")).contains("timeout must be a duration"));
        assertTrue(refusal(ISSUE.replace("timeout: 20s", "timeout: 11m")).contains("between 500ms and 10m"));
        assertTrue(refusal(ISSUE.replace("lab_call:", "\"bad name!\":")).contains("module name"));
        assertTrue(refusal(ISSUE.replace("BOB_PW", "UNSET_PW")).contains("UNSET_PW is not set"));
        assertTrue(refusal(ISSUE.replace("\"sip:echo@example.com\"", "\"-sip:x\"")).contains("starts with '-'"));
        assertTrue(refusal(ISSUE.replace("\"sip:echo@example.com\"", "\"sip:a b\"")).contains("space or a control"));
        assertTrue(refusal("modules:\n  r:\n    command: register\n    args: [--user, x]\n").contains("needs --duration"));
        assertTrue(refusal("modules:\n  r:\n    command: config\n    targets: [x]\n").contains("takes no TARGET"));
        assertTrue(refusal(ISSUE.replace("timeout: 20s", "target_pattern: \"(\"")).contains("RE2"));
        assertTrue(refusal("modules:\n  c:\n    command: config\n    endpoint_env: \"A B\"\n").contains("endpoint_env"));
        assertTrue(refusal("modules: [").startsWith("not a valid module file"));
    }

    @Test
    void targetsAreOnlyThoseListedOrMatched() throws Exception {
        ServeConfig.Module m = parse(ISSUE).modules().get("lab_call");
        assertNull(m.refuse("sip:echo@example.com"));
        assertNull(m.refuse(null), "the one listed target is the default");
        assertEquals("sip:echo@example.com", m.effectiveTarget(""));
        assertTrue(m.refuse("sip:premium-rate@example.com").contains("not one of"));
        assertTrue(m.refuse("sip:echo@example.com ").contains("space"));
        assertTrue(m.refuse("--help").contains("starts with '-'"));
        assertTrue(m.refuse("sip:echo@example.com\r\nVia: x").contains("control"));
        assertTrue(m.refuse("x".repeat(300)).contains("longer"));

        ServeConfig.Module p = parse(ISSUE.replace("targets: [\"sip:echo@example.com\"]",
                "target_pattern: \"sip:echo-[0-9]{1,3}@example\\\\.com\"")).modules().get("lab_call");
        assertNull(p.refuse("sip:echo-12@example.com"));
        assertTrue(p.refuse("sip:echo-12@example.com.evil.net").contains("does not match"), "the pattern matches the whole target");
        assertTrue(p.refuse("xsip:echo-12@example.com").contains("does not match"));
        assertTrue(p.refuse(null).contains("needs target="));

        ServeConfig.Module c = parse("modules:\n  c:\n    command: config\n    endpoint_env: C2C\n").modules().get("c");
        assertNull(c.refuse(null));
        assertNull(c.refuse(""));
        assertTrue(c.refuse("https://169.254.169.254/").contains("takes no target"));
        assertEquals(List.of("config", "--json"), c.childArgs(null));
        assertEquals(List.of("C2C"), c.secretEnvs());
        assertEquals(ServeConfig.DEFAULT_TIMEOUT, c.timeout());
    }
}
