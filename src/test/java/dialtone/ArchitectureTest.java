package dialtone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The dependency rules of the README's layer table, checked by scanning the imports of every main source file. */
class ArchitectureTest {
    /** package prefix → dialtone packages it must not import. */
    static final Map<String, List<String>> FORBIDDEN = Map.of(
            "dialtone.sip", List.of("dialtone.media", "dialtone.engine", "dialtone.cli", "dialtone.report", "dialtone.config"),
            "dialtone.media", List.of("dialtone.sip", "dialtone.engine", "dialtone.cli", "dialtone.report"),
            "dialtone.report", List.of("dialtone.sip", "dialtone.media", "dialtone.engine", "dialtone.cli", "dialtone.config"),
            "dialtone.event", List.of("dialtone.sip", "dialtone.media", "dialtone.engine", "dialtone.cli", "dialtone.report", "dialtone.config"),
            "dialtone.config", List.of("dialtone.sip", "dialtone.media", "dialtone.engine", "dialtone.cli", "dialtone.report"),
            "dialtone.cli", List.of("dialtone.sip.transaction", "dialtone.sip.dialog"),
            "dialtone.serve", List.of("dialtone.sip", "dialtone.media", "dialtone.engine", "dialtone.cli", "dialtone.config", "dialtone.probe"),
            "dialtone.support", List.of("dialtone.sip", "dialtone.media", "dialtone.engine", "dialtone.cli", "dialtone.report", "dialtone.config"));
    static final List<String> PURE = List.of("dialtone.sip.message", "dialtone.sip.parser", "dialtone.sip.auth");
    static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+(?:static\\s+)?([\\w.]+)");

    @Test
    void layersOnlyImportWhatTheyMay() throws IOException {
        List<String> violations = new ArrayList<>();
        Path root = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f.getParent()).toString().replace('/', '.');
                String src = Files.readString(f);
                Matcher m = IMPORT.matcher(src);
                while (m.find()) {
                    String imp = m.group(1);
                    for (Map.Entry<String, List<String>> rule : FORBIDDEN.entrySet()) {
                        if (pkg.startsWith(rule.getKey())) {
                            for (String bad : rule.getValue()) {
                                if (imp.startsWith(bad + ".") && !imp.startsWith(pkg + ".")) {
                                    violations.add(f + " imports " + imp);
                                }
                            }
                        }
                    }
                    if (PURE.stream().anyMatch(pkg::startsWith) && (imp.startsWith("java.net") || imp.startsWith("java.nio.file")
                            || imp.startsWith("java.util.concurrent") || imp.startsWith("jakarta.") || imp.startsWith("org.glassfish"))) {
                        violations.add(f + " is pure but imports " + imp);
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }
}
