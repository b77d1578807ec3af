package dialtone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layer table of README.md (Development), checked on every main source file: each package may use only the
 * dialtone packages its row names. A use is an import (static and on-demand ones too) or a fully qualified name
 * anywhere in the code ({@code dialtone.sip.message.SipUri.parse(...)}), comments left out. A package with no row
 * fails, so a new package needs its place in the table.
 */
class ArchitectureTest {
    private static final String SIP_ALL = "sip.ua sip.transport sip.transaction sip.dialog sip.auth sip.parser sip.message";

    /** package → the dialtone packages it may use (its own and its subpackages' always). README's layer table. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            rule("dialtone", "cli engine report support"),
            rule("dialtone.cli", "engine serve config report event support"),
            rule("dialtone.serve", "report event support (root)"), // (root): names dialtone.Main, the child process it runs
            rule("dialtone.engine", "probe media " + SIP_ALL + " config event support"),
            rule("dialtone.probe", "config event support"),
            rule("dialtone.media", "config event support"),
            rule("dialtone.sip.ua", "sip.transport sip.transaction sip.dialog sip.auth sip.parser sip.message event support"),
            rule("dialtone.sip.transport", "event support"),
            rule("dialtone.sip.transaction", "sip.parser sip.message event support"),
            rule("dialtone.sip.dialog", "sip.parser sip.message support"),
            rule("dialtone.sip.auth", "sip.message support"),
            rule("dialtone.sip.parser", "sip.message support"),
            rule("dialtone.sip.message", "support"),
            rule("dialtone.config", "event support"),
            rule("dialtone.report", "event support"),
            rule("dialtone.support", "event"),
            rule("dialtone.event", ""));
    /** SIP's syntax layers: no I/O, no threads, no WebSocket. */
    static final List<String> PURE = List.of("dialtone.sip.message", "dialtone.sip.parser", "dialtone.sip.auth");
    static final List<String> IMPURE = List.of("java.net", "java.nio.file", "java.util.concurrent", "jakarta.", "org.glassfish");
    static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
    static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+(?:static\\s+)?([\\w.]+)");
    /** A dialtone type named by its package: {@code dialtone.sip.message.SipUri}, or an on-demand import's {@code .*}. */
    static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])dialtone((?:\\.[a-z_][a-z0-9_]*)*)\\.(?:[A-Z]|\\*)");

    private static Map.Entry<String, Set<String>> rule(String pkg, String may) {
        Set<String> s = new TreeSet<>();
        for (String p : may.split(" ")) {
            if (!p.isEmpty()) {
                s.add(p.equals("(root)") ? "dialtone" : "dialtone." + p);
            }
        }
        return Map.entry(pkg, s);
    }

    @Test
    void everyPackageUsesOnlyWhatItsRowAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        Path root = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                violations.addAll(check(f.toString(), Files.readString(f)));
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    @Test
    void everyRowNamesPackagesThatExist() throws IOException {
        Set<String> packages = new TreeSet<>();
        Path root = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .forEach(p -> packages.add(root.relativize(p.getParent()).toString().replace('/', '.')));
        }
        assertEquals(packages, new TreeSet<>(ALLOWED.keySet()), "the table's rows are the main packages");
        for (Set<String> may : ALLOWED.values()) {
            assertTrue(packages.containsAll(may), may.toString());
        }
    }

    /** The scanner itself: a fully qualified use is caught as an import is; a comment is not a use. */
    @Test
    void aFullyQualifiedUseIsAUse() {
        String cli = "package dialtone.cli;\nimport dialtone.engine.CallScenario;\nclass X {\n"
                + "  // dialtone.sip.message.SipUri in a comment is no use\n"
                + "  /** nor {@link dialtone.media.WavReader} */\n"
                + "  String s = \"http://x\"; boolean b = dialtone.sip.message.SipUri.parse(s).isEmpty();\n"
                + "  java.util.List<dialtone.media.WavReader.Pcm> l;\n}\n";
        assertEquals(List.of("X.java uses dialtone.sip.message (dialtone.cli may use only dialtone.config, dialtone.engine,"
                        + " dialtone.event, dialtone.report, dialtone.serve, dialtone.support)",
                        "X.java uses dialtone.media (dialtone.cli may use only dialtone.config, dialtone.engine,"
                        + " dialtone.event, dialtone.report, dialtone.serve, dialtone.support)"),
                check("X.java", cli));
        assertEquals(List.of("X.java uses dialtone.cli (dialtone.event may use no other dialtone package)"),
                check("X.java", "package dialtone.event;\nimport static dialtone.cli.ExitCodes.USAGE;\n"));
        assertEquals(List.of("X.java uses dialtone.sip.ua (dialtone.sip.message may use only dialtone.support)"),
                check("X.java", "package dialtone.sip.message;\nimport dialtone.sip.ua.*;\n"));
        assertEquals(List.of("X.java is in dialtone.nowhere, which has no row in the layer table"),
                check("X.java", "package dialtone.nowhere;\n"));
        assertEquals(List.of(), check("X.java", "package dialtone.engine;\nclass Y { dialtone.sip.ua.UserAgent u; }\n"));
    }

    static List<String> check(String file, String source) {
        List<String> violations = new ArrayList<>();
        Matcher pm = PACKAGE.matcher(source);
        String pkg = pm.find() ? pm.group(1) : "";
        Set<String> may = ALLOWED.get(pkg);
        if (may == null) {
            violations.add(file + " is in " + pkg + ", which has no row in the layer table");
            return violations;
        }
        String code = withoutComments(source);
        Set<String> used = new java.util.LinkedHashSet<>();
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            used.add("dialtone" + m.group(1));
        }
        for (String u : used) {
            boolean own = u.equals(pkg) || u.startsWith(pkg + ".") && !pkg.equals("dialtone");
            if (!own && may.stream().noneMatch(a -> u.equals(a) || !a.equals("dialtone") && u.startsWith(a + "."))) {
                violations.add(file + " uses " + u + " (" + pkg + (may.isEmpty() ? " may use no other dialtone package"
                        : " may use only " + String.join(", ", may)) + ")");
            }
        }
        if (PURE.stream().anyMatch(pkg::startsWith)) {
            Matcher im = IMPORT.matcher(code);
            while (im.find()) {
                String imp = im.group(1);
                if (IMPURE.stream().anyMatch(imp::startsWith)) {
                    violations.add(file + " is pure but imports " + imp);
                }
            }
            for (String bad : IMPURE) {
                if (code.matches("(?s).*(?<![\\w.])" + Pattern.quote(bad) + (bad.endsWith(".") ? "" : "\\.") + ".*")
                        && !IMPORT.matcher(code).results().anyMatch(r -> r.group(1).startsWith(bad))) {
                    violations.add(file + " is pure but names " + bad);
                }
            }
        }
        return violations;
    }

    /** The source with its comments blanked out (string, text block and character literals kept). */
    static String withoutComments(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                b.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end + 3;
                b.append(s, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(s.length(), j + 1);
                b.append(s, i, j);
                i = j;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
