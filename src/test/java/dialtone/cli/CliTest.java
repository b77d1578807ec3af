package dialtone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @Test
    void helpListsSubcommandsAndTheExitCodeTable() {
        CliRun r = CliRun.run("--help");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("config"), r.out());
        assertTrue(r.out().contains("Exit codes:"), r.out());
        for (String code : ExitCodes.table().keySet()) {
            assertTrue(r.out().matches("(?s).*\\n  " + code + " +\\S.*"), "code " + code + " in help");
        }
        CliRun sub = CliRun.run("config", "--help");
        assertTrue(sub.out().contains("Exit codes:"), sub.out());
        assertTrue(sub.out().contains("--endpoint"), sub.out());
    }

    @Test
    void versionPrints() {
        CliRun r = CliRun.run("--version");
        assertEquals(0, r.rc());
        assertTrue(r.out().startsWith("dialtone "), r.out());
    }

    @Test
    void unknownFlagIsAUsageErrorOnOneLine() {
        CliRun r = CliRun.run("config", "--no-such-flag");
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().startsWith("dialtone: Unknown option: '--no-such-flag'"), r.err());
        assertFalse(r.err().contains("at dialtone."), "no stack trace: " + r.err());
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertEquals(ExitCodes.USAGE, CliRun.run().rc());
    }

    @Test
    void badDurationIsAUsageError() {
        CliRun r = CliRun.run("config", "--config-timeout", "soon");
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().contains("is not a duration"), r.err());
    }

    @Test
    void endpointAndDirectFlagsTogetherIsAUsageError() {
        CliRun r = CliRun.run("config", "--endpoint", "https://e.example.com/t", "--ws-uri", "wss://x");
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
    }

    @Test
    void plainHttpToARemoteHostIsRefusedWithoutAnyTraffic() {
        CliRun r = CliRun.run("config", "--endpoint", "http://192.0.2.1/tok-secret-123");
        assertEquals(ExitCodes.CONFIG, r.rc(), r.toString());
        assertTrue(r.err().contains("refusing plain http://"), r.err());
        assertFalse(r.all().contains("tok-secret-123"), r.toString());
    }

    @Test
    void nothingToConnectToIsAConfigError() {
        CliRun r = CliRun.run("config");
        assertEquals(ExitCodes.CONFIG, r.rc(), r.toString());
        assertTrue(r.err().contains("--endpoint"), r.err());
    }

    @Test
    void directFlagsResolveWithoutNetworkAndHideThePassword(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "Direct-Secret-99\n");
        CliRun r = CliRun.run("config", "--ws-uri", "wss://sip.example.com:8443/ws", "--user", "alice",
                "--password-file", pw.toString(), "--json");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("\"aor\":\"sip:alice@sip.example.com\""), r.out());
        assertTrue(r.out().contains("\"passwordPresent\":true"), r.out());
        assertFalse(r.all().contains("Direct-Secret-99"), r.toString());
    }

    @Test
    void passwordFromEnvAndMissingEnvIsAClearError() {
        CliRun ok = CliRun.run(Map.of("MY_PW", "Env-Secret-77"), "config", "--ws-uri", "wss://sip.example.com",
                "--user", "bob", "--password-env", "MY_PW");
        assertEquals(0, ok.rc(), ok.toString());
        assertTrue(ok.out().contains("present (not shown)"), ok.out());
        CliRun missing = CliRun.run("config", "--ws-uri", "wss://sip.example.com", "--user", "bob",
                "--password-env", "NOPE_NOT_SET");
        assertEquals(ExitCodes.CONFIG, missing.rc(), missing.toString());
        assertTrue(missing.err().contains("NOPE_NOT_SET"), missing.err());
    }

    @Test
    void personalDataUserIdWarns() {
        CliRun r = CliRun.run("config", "--ws-uri", "wss://sip.example.com", "--user", "jane.doe%40example.com");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("looks like an e-mail address"), r.out());
        CliRun phone = CliRun.run("config", "--ws-uri", "wss://sip.example.com", "--user", "x",
                "--user-id", "+14155550123", "--json");
        assertTrue(phone.out().contains("\"type\":\"run.warning\""), phone.out());
        assertTrue(phone.out().contains("a phone number"), phone.out());
    }

    @Test
    void wsUriMustBeWss() {
        CliRun r = CliRun.run("config", "--ws-uri", "ws://sip.example.com", "--user", "a", "--allow-ws");
        assertEquals(ExitCodes.CONFIG, r.rc(), r.toString());
        assertTrue(r.err().contains("loopback only"), r.err());
    }

    @Test
    void unreadableCaFileIsAConfigError(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, "not a certificate");
        CliRun r = CliRun.run("config", "--endpoint", "https://127.0.0.1:1/tok", "--ca-file", ca.toString());
        assertEquals(ExitCodes.CONFIG, r.rc(), r.toString());
        assertTrue(r.err().contains("--ca-file"), r.err());
    }

    @Test
    void jsonLinesStartWithTheSchemaAndEndWithTheSummary() {
        CliRun r = CliRun.run("config", "--ws-uri", "wss://sip.example.com", "--user", "a", "--json");
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[0].startsWith("{\"type\":\"run.started\""), lines[0]);
        assertTrue(lines[0].contains("\"schemaVersion\":1"), lines[0]);
        assertTrue(lines[lines.length - 1].startsWith("{\"type\":\"run.finished\""), lines[lines.length - 1]);
        assertTrue(lines[lines.length - 1].contains("\"exitCode\":0"));
    }

    @Test
    void junitIntoAMissingDirectoryIsAUsageError() {
        CliRun r = CliRun.run("config", "--ws-uri", "wss://sip.example.com", "--user", "a", "--junit",
                "/nonexistent-dir/x.xml");
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
    }

    @Test
    void junitReportIsWritten(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("r.xml");
        CliRun r = CliRun.run("config", "--ws-uri", "ws://127.0.0.1:1", "--user", "a", "--junit", xml.toString());
        assertEquals(ExitCodes.CONFIG, r.rc(), r.toString());
        String s = Files.readString(xml);
        assertTrue(s.contains("<testsuite name=\"dialtone config\""), s);
        assertTrue(s.contains("failures=\"1\""), s);
        assertTrue(s.contains("<failure type=\"CONFIG/CONFIG_INVALID\""), s);
    }

    @Test
    void theShardComesFromTheFlagOrTheSchedulersEnvironment() {
        picocli.CommandLine cl = new picocli.CommandLine(picocli.CommandLine.Model.CommandSpec.create());
        assertEquals("1/3", LoadCommand.shard(cl, Map.of(), "1/3", "r").label());
        assertEquals("2/4", LoadCommand.shard(cl, Map.of("DIALTONE_SHARD", "2/4", "JOB_COMPLETION_INDEX", "0",
                "DIALTONE_SHARDS", "9"), null, null).label());
        assertEquals("5/8", LoadCommand.shard(cl, Map.of("JOB_COMPLETION_INDEX", "5", "DIALTONE_SHARDS", "8"), null, null).label());
        assertEquals("0/2", LoadCommand.shard(cl, Map.of("CI_NODE_INDEX", "1", "CI_NODE_TOTAL", "2"), null, null).label(),
                "GitLab counts from 1");
        assertEquals("0/1", LoadCommand.shard(cl, Map.of(), null, null).label());
        assertEquals("nightly-42", LoadCommand.shard(cl, Map.of("DIALTONE_RUN_ID", "nightly-42"), null, null).runId());
        for (Map<String, String> bad : java.util.List.of(Map.of("JOB_COMPLETION_INDEX", "1"),
                Map.of("DIALTONE_SHARD", "4/4"), Map.of("CI_NODE_INDEX", "0", "CI_NODE_TOTAL", "2"),
                Map.of("DIALTONE_SHARD", "0/2", "DIALTONE_RUN_ID", "has space"))) {
            String label = bad.containsKey("DIALTONE_RUN_ID") ? "DIALTONE_RUN_ID: " : "--shard: ";
            assertTrue(org.junit.jupiter.api.Assertions.assertThrows(picocli.CommandLine.ParameterException.class,
                    () -> LoadCommand.shard(cl, bad, null, null)).getMessage().startsWith(label), bad.toString());
        }
        // a bad --run-id is called --run-id, not --shard (it was)
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(picocli.CommandLine.ParameterException.class,
                () -> LoadCommand.shard(cl, Map.of(), "0/2", "bad id!")).getMessage().startsWith("--run-id: "));
        CliRun r = CliRun.run("load", "sip:x@example.com", "--ws-uri", "wss://sip.example.com", "--user", "a",
                "--run-id", "no spaces please");
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().startsWith("dialtone: --run-id: a run id is"), r.err());
    }

    @Test
    void aShardWithNoCallsIsAUsageError() {
        CliRun r = CliRun.run("load", "sip:x@example.com", "--ws-uri", "wss://sip.example.com", "--user", "a", "--calls", "2",
                "--shard", "3/4");
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().contains("has none of the 2 calls"), r.err());
    }

    // ---- issue 22, case 9 ------------------------------------------------------------------------------------------

    @Test
    void anUnknownSubcommandIsAUsageErrorEvenWithHelp() {
        for (String[] args : java.util.List.of(new String[] {"nosuch", "--help"}, new String[] {"--help", "nosuch"},
                new String[] {"nosuch"}, new String[] {"report", "nosuch", "--help"})) {
            CliRun r = CliRun.run(args);
            assertEquals(ExitCodes.USAGE, r.rc(), String.join(" ", args) + ": " + r);
            assertTrue(r.err().startsWith("dialtone: unknown subcommand 'nosuch'"), r.err());
            assertFalse(r.out().contains("Usage:"), "no help printed: " + r.out());
        }
        assertEquals(ExitCodes.USAGE, CliRun.run("call", "--help", "extra", "words").rc());
        assertEquals(0, CliRun.run("help", "call").rc());
        assertEquals(0, CliRun.run("report", "merge", "--help").rc());
    }

    /** Every help screen, every subcommand, rendered at 80 columns as picocli does when not on a terminal. */
    static java.util.Map<String, String> everyHelp() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("dialtone", CliRun.run("--help").out());
        for (String sub : Dialtone.SUBCOMMANDS.keySet()) {
            if (!sub.equals("help")) {
                m.put(sub, CliRun.run(sub, "--help").out());
            }
        }
        m.put("report merge", CliRun.run("report", "merge", "--help").out());
        return m;
    }

    /**
     * Ragged help: a paragraph cut into source lines that picocli wraps again, so that a short line is followed by
     * the rest of its sentence. A line shorter than half the width, not ending a sentence or a clause, followed by a
     * line at the same indentation that goes on in lower case, is that.
     */
    static java.util.List<String> raggedLines(String help, int width) {
        java.util.List<String> bad = new java.util.ArrayList<>();
        String[] lines = help.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            String a = lines[i].stripTrailing();
            String b = lines[i + 1].stripTrailing();
            int ia = a.length() - a.stripLeading().length();
            int ib = b.length() - b.stripLeading().length();
            if (a.isBlank() || b.isBlank() || ia != ib) {
                continue;
            }
            char last = a.charAt(a.length() - 1);
            char next = b.stripLeading().charAt(0);
            boolean continues = Character.isLowerCase(next) || next == '(' || next == '\'';
            if (a.length() < width / 2 && ".:;\\".indexOf(last) < 0 && continues) {
                bad.add(a + "\n" + b);
            }
        }
        return bad;
    }

    @Test
    void helpIsWrappedOnceAtEightyColumns() {
        for (java.util.Map.Entry<String, String> h : everyHelp().entrySet()) {
            assertTrue(h.getValue().contains("Usage:"), h.getKey());
            assertEquals(java.util.List.of(), raggedLines(h.getValue(), 80), h.getKey() + " --help is ragged:\n" + h.getValue());
            for (String line : h.getValue().split("\n")) {
                assertTrue(line.length() <= 80 || !line.contains(" "), h.getKey() + ": longer than 80: " + line);
            }
            // examples are shell commands: cut with a continuation mark, never wrapped into column 0
            String ex = h.getValue().contains("Examples:") ? h.getValue().substring(h.getValue().indexOf("Examples:") + 10) : "";
            for (String line : ex.split("\n")) {
                assertTrue(line.isEmpty() || line.startsWith("  "), h.getKey() + ": an example cut by wrapping: " + line);
            }
        }
        // the check itself sees what was there: a paragraph cut in the source and wrapped again
        assertEquals(1, raggedLines("Every call is what 'dialtone call' places, with every call option (endpoint or\n"
                + "direct mode, play, expect,\nassert, DTMF, script, ICE servers.\n", 80).size());
        assertEquals(java.util.List.of("a b c"), java.util.List.of(Dialtone.reflow(new String[] {"a", "b", "c"})));
        assertEquals(java.util.List.of("a b", "", "  example", "c"),
                java.util.List.of(Dialtone.reflow(new String[] {"a", "b", "", "  example", "c"})));
    }

    @Test
    void aLoadSummaryWithoutAnyAnsweredCallHasNoPercentiles() throws Exception {
        CliRun r = CliRun.run("load", "sip:x@example.com", "--ws-uri", "wss://127.0.0.1:1", "--user", "a", "--calls", "1",
                "--json");
        assertEquals(ExitCodes.TRANSPORT, r.rc(), r.toString());
        String[] lines = r.out().strip().split("\n");
        com.fasterxml.jackson.databind.JsonNode fin = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals("run.finished", fin.get("type").asText());
        com.fasterxml.jackson.databind.JsonNode s = fin.get("summary");
        assertEquals(1, s.get("calls").asInt(), s.toString());
        for (String k : java.util.List.of("setupMsP50", "setupMsP95", "setupMsMax", "firstAudioMsP50", "firstAudioMsP95")) {
            assertFalse(s.has(k), k + " has no data and is left out: " + s);
        }
        CliRun human = CliRun.run("load", "sip:x@example.com", "--ws-uri", "wss://127.0.0.1:1", "--user", "a", "--calls", "1");
        assertFalse(human.out().matches("(?s).*P(50|95) -1.*"), human.out());
    }
}
