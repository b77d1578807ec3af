package dialtone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The numbers README.md and docs/ state that the code determines (limits, timeouts, defaults), read from the code
 * itself: change a constant and this test names the sentence that is no longer true; reword the sentence and it
 * names the number it could not find.
 */
class DocumentedNumbersTest {
    static Object constant(String cls, String field) throws Exception {
        Field f = Class.forName(cls).getDeclaredField(field);
        f.setAccessible(true);
        return f.get(null);
    }

    static long longOf(String cls, String field) throws Exception {
        return ((Number) constant(cls, field)).longValue();
    }

    static String percent(String cls, String field) throws Exception {
        return Math.round(((Number) constant(cls, field)).doubleValue() * 100) + " %";
    }

    static String grouped(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    @Test
    void theReadmeStatesWhatTheCodeDoes() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String media = Files.readString(Path.of("docs/media-engine.md"));
        List<String> missing = new ArrayList<>();
        // [text that must appear, where]
        String[][] claims = {
            {"`Retry-After: " + longOf("dialtone.engine.Admission", "RETRY_AFTER_SECONDS") + "`", "README"},
            {"forgotten after " + longOf("dialtone.engine.Admission", "FORGET_NANOS") / 1_000_000_000L + " s without", "README"},
            {"used " + percent("dialtone.engine.Overload", "HEADROOM_SHARE") + " or more of the cores", "README"},
            {"behind (" + longOf("dialtone.engine.Overload", "SUSTAINED_SECONDS") + " s in a row)", "README"},
            {"running " + longOf("dialtone.cli.StopSignal", "GRACE_MILLIS") + " ms after the signal", "README"},
            {"up to " + longOf("dialtone.cli.StopSignal", "MAX_GRACE_MILLIS") / 1000 + " s in a process whose CPU quota", "README"},
            {"takes up to " + longOf("dialtone.cli.RegisterCommand", "MAX_CALLS") + " calls", "README"},
            {"scripts are bounded (" + (longOf("dialtone.cli.CallScenarioSupport", "MAX_SCRIPT_BYTES") >> 20) + " MiB, "
                    + grouped(longOf("dialtone.engine.Script", "MAX_LINES")) + " lines, "
                    + longOf("dialtone.engine.Script", "MAX_LINE_LENGTH") / 1024 + " KiB a line", "README"},
            {"`--ca-file` must be a regular file of at most " + (longOf("dialtone.config.TrustMaterial", "MAX_CA_FILE") >> 20)
                    + " MiB", "README"},
            {"missing for " + longOf("dialtone.media.MediaPresence", "OUTAGE_MS") / 1000 + " s or more (an outage)", "README"},
            {"under " + percent("dialtone.media.MediaPresence", "CALL_MIN") + " of what the packet time makes over the call, or under "
                    + percent("dialtone.media.MediaPresence", "SECOND_MIN") + " in any second", "README"},
            {"catches up at most " + longOf("dialtone.media.AudioPump", "MAX_CATCH_UP") + " frames", "media-engine"},
        };
        for (String[] c : claims) {
            String text = c[1].equals("README") ? readme : media;
            if (!text.replaceAll("\\s+", " ").contains(c[0])) {
                missing.add(c[1] + ": \"" + c[0] + "\"");
            }
        }
        String inFlight = new picocli.CommandLine(Class.forName("dialtone.cli.ServeCommand")).getCommandSpec()
                .findOption("--max-in-flight").defaultValue();
        if (!readme.contains("probes at once (default " + inFlight + ")")) {
            missing.add("README: --max-in-flight's default " + inFlight);
        }
        assertTrue(missing.isEmpty(), "the docs no longer say what the code does:\n" + String.join("\n", missing));
    }
}
