package dialtone.serve;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dialtone.support.Printable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The module file of {@code dialtone serve}, parsed and checked as a whole: a file with one bad module is refused,
 * never half-loaded. The shape:
 *
 * <pre>
 * modules:
 *   lab_call:
 *     command: call                  # config | register | call | probe
 *     args: [--ws-uri, "wss://sip.example.com", --user, bob, --password-env, BOB_PW, --duration, 3s]
 *     targets: ["sip:echo@example.com"]   # what target= may be (passed as TARGET); none: no target
 *     target_pattern: "sip:[a-z0-9]+@example\\.com"   # or: target= must match this RE2 pattern (whole)
 *     endpoint_env: C2C_ENDPOINT     # the endpoint URL (it carries a token) from this environment variable
 *     timeout: 20s
 * </pre>
 */
public record ServeConfig(Map<String, Module> modules) {
    /** The subcommands a module may run: the checks. Not {@code load} (a load test is not a probe), not {@code report}. */
    public static final Set<String> COMMANDS = Set.of("config", "register", "call", "probe");
    /** Only {@code call} takes a TARGET. */
    static final Set<String> TARGETED = Set.of("call");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    static final int MAX_FILE = 1 << 20;
    static final int MAX_TARGET = 256;
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
    private static final java.util.regex.Pattern ENV = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /**
     * Flags a module may not carry, with the reason: the exporter adds {@code --json} itself, a probe writes no files
     * (every scrape would), runs nothing interactive, never answers calls, and never takes a secret in the file.
     */
    static final Map<String, String> FORBIDDEN_FLAGS = forbidden();

    private static Map<String, String> forbidden() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--json", "the exporter adds --json itself");
        for (String f : List.of("--junit", "--report", "--report-audio", "--pcap", "--pcap-unredacted", "--record",
                "--record-dir", "--force")) {
            m.put(f, "a probe writes no files (every scrape would)");
        }
        m.put("--interactive", "a probe has no terminal");
        m.put("--answer", "a probe places checks, it does not answer calls");
        m.put("--answer-after", "a probe places checks, it does not answer calls");
        m.put("--max-calls", "a probe places checks, it does not answer calls");
        m.put("--endpoint", "the endpoint URL carries a token: name an environment variable with endpoint_env instead");
        m.put("--help", "not a check");
        m.put("-h", "not a check");
        m.put("--version", "not a check");
        m.put("-V", "not a check");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** One module: what a scrape of {@code module=NAME} runs. */
    public record Module(String name, String command, List<String> args, List<String> targets, Pattern targetPattern,
                         String endpointEnv, Duration timeout) {

        /** Whether a scrape may ask for this target (null or empty: no target). Null when allowed, else the reason. */
        public String refuse(String target) {
            boolean none = target == null || target.isEmpty();
            if (!TARGETED.contains(command) || (targets.isEmpty() && targetPattern == null)) {
                return none ? null : "module " + name + " takes no target";
            }
            if (none) {
                return targets.size() == 1 && targetPattern == null ? null
                        : "module " + name + " needs target= (one of its targets)";
            }
            String bad = targetSyntax(target);
            if (bad != null) {
                return "target " + bad;
            }
            if (targets.contains(target)) {
                return null;
            }
            if (targetPattern != null && targetPattern.matches(target)) {
                return null;
            }
            return "target is not one of module " + name + "'s targets" + (targetPattern != null ? " and does not match its target_pattern" : "");
        }

        /** The target a scrape runs: the one asked for, or the only listed one when none was asked for. */
        public String effectiveTarget(String target) {
            if ((target == null || target.isEmpty()) && TARGETED.contains(command) && targets.size() == 1 && targetPattern == null) {
                return targets.get(0);
            }
            return target == null || target.isEmpty() ? null : target;
        }

        /** The child's arguments: the subcommand, the module's flags, {@code --json}, and the target after {@code --}. */
        public List<String> childArgs(String target) {
            List<String> a = new ArrayList<>();
            a.add(command);
            a.addAll(args);
            a.add("--json");
            String t = effectiveTarget(target);
            if (t != null) {
                a.add("--");
                a.add(t);
            }
            return a;
        }

        /** Environment variable names the module's flags read secrets from. */
        public List<String> secretEnvs() {
            List<String> l = new ArrayList<>();
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).endsWith("-env")) {
                    l.add(args.get(i + 1));
                }
            }
            for (String a : args) {
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0 && a.substring(0, eq).endsWith("-env")) {
                    l.add(a.substring(eq + 1));
                }
            }
            if (endpointEnv != null) {
                l.add(endpointEnv);
            }
            return l;
        }

        /** Files the module's flags read secrets from ({@code --password-file}, {@code --turn-password-file}). */
        public List<String> secretFiles() {
            List<String> l = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--password-file") || a.equals("--turn-password-file")) {
                    if (i + 1 < args.size()) {
                        l.add(args.get(i + 1));
                    }
                } else if (a.startsWith("--password-file=") || a.startsWith("--turn-password-file=")) {
                    l.add(a.substring(a.indexOf('=') + 1));
                }
            }
            return l;
        }
    }

    /** Why a target can never be passed on, whatever the module says; null when its form is fine. */
    static String targetSyntax(String t) {
        if (t.length() > MAX_TARGET) {
            return "is longer than " + MAX_TARGET + " characters";
        }
        if (t.startsWith("-")) {
            return "starts with '-'";
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                return "contains a space or a control character";
            }
        }
        if (!Printable.isClean(t)) {
            return "contains a control or bidi character";
        }
        return null;
    }

    /** The file's syntax, for Jackson; everything is checked afterwards with messages of our own. */
    static final class RawFile {
        @JsonProperty("modules")
        public Map<String, RawModule> modules;
    }

    static final class RawModule {
        @JsonProperty("command")
        public String command;
        @JsonProperty("args")
        public List<String> args;
        @JsonProperty("targets")
        public List<String> targets;
        @JsonProperty("target_pattern")
        public String targetPattern;
        @JsonProperty("endpoint_env")
        public String endpointEnv;
        @JsonProperty("timeout")
        public String timeout;
    }

    /** A file that cannot be used, with a one-line reason (never its content: it may be anything). */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        public Invalid(String message) {
            super(message);
        }
    }

    /**
     * Reads and checks a module file.
     *
     * @param flags checks a module's subcommand and flags as the command line would (null when fine, else why not)
     * @param env the exporter's environment: every variable a module names must be set
     */
    public static ServeConfig load(Path file, Function<List<String>, String> flags, Map<String, String> env) throws Invalid {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new Invalid(file + " is not a regular file");
            }
            if (Files.size(file) > MAX_FILE) {
                throw new Invalid(file + " is larger than " + MAX_FILE + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Invalid("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        return parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), flags, env);
    }

    public static ServeConfig parse(String yaml, Function<List<String>, String> flags, Map<String, String> env) throws Invalid {
        if (yaml.isBlank()) {
            throw new Invalid("no modules: the file is empty");
        }
        RawFile raw;
        try {
            ObjectMapper m = new ObjectMapper(new YAMLFactory());
            m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
            raw = m.readValue(yaml, RawFile.class);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            com.fasterxml.jackson.core.JsonLocation loc = e.getLocation();
            if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
                msg = "unknown key '" + Printable.escape(String.valueOf(u.getPropertyName())) + "'";
            } else if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException) {
                msg = "a value of the wrong kind (" + firstLine(msg) + ")";
            } else {
                msg = firstLine(msg);
            }
            throw new Invalid("not a valid module file: " + Printable.escape(msg)
                    + (loc != null && loc.getLineNr() > 0 ? " (line " + loc.getLineNr() + ")" : ""));
        }
        if (raw == null || raw.modules == null || raw.modules.isEmpty()) {
            throw new Invalid("no modules: the file needs a 'modules:' map with at least one module");
        }
        Map<String, Module> modules = new LinkedHashMap<>();
        for (Map.Entry<String, RawModule> e : raw.modules.entrySet()) {
            modules.put(e.getKey(), module(e.getKey(), e.getValue(), flags, env));
        }
        return new ServeConfig(java.util.Collections.unmodifiableMap(modules));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Module module(String name, RawModule r, Function<List<String>, String> flags, Map<String, String> env)
            throws Invalid {
        if (!NAME.matcher(name).matches()) {
            throw new Invalid("module name '" + Printable.escape(abbreviate(name)) + "': letters, digits, _ . - only (at most 64, not starting with a digit)");
        }
        String where = "module " + name + ": ";
        if (r == null) {
            throw new Invalid(where + "empty");
        }
        if (r.command == null || !COMMANDS.contains(r.command)) {
            throw new Invalid(where + "command must be one of config, register, call, probe"
                    + (r.command == null ? "" : " (not '" + Printable.escape(abbreviate(r.command)) + "')"));
        }
        List<String> args = r.args == null ? List.of() : List.copyOf(r.args);
        for (String a : args) {
            if (a == null) {
                throw new Invalid(where + "an empty argument");
            }
            if (a.length() > 4096 || !Printable.isClean(a)) {
                throw new Invalid(where + "an argument is longer than 4096 characters or has control characters");
            }
            String flag = a.contains("=") && a.startsWith("--") ? a.substring(0, a.indexOf('=')) : a;
            String why = FORBIDDEN_FLAGS.get(flag);
            if (why != null) {
                throw new Invalid(where + flag + " is not allowed: " + why);
            }
            if (a.equals("--")) {
                throw new Invalid(where + "'--' is not allowed: the target is passed by the exporter");
            }
        }
        if (r.command.equals("register") && !args.contains("--duration") && args.stream().noneMatch(a -> a.startsWith("--duration="))) {
            throw new Invalid(where + "register needs --duration (a probe must end)");
        }
        List<String> targets = r.targets == null ? List.of() : List.copyOf(r.targets);
        Pattern pattern = null;
        if (r.targetPattern != null) {
            try {
                pattern = Pattern.compile(r.targetPattern);
            } catch (PatternSyntaxException e) {
                throw new Invalid(where + "target_pattern is not a valid RE2 regular expression: " + Printable.escape(firstLine(e.getMessage())));
            }
        }
        if (!TARGETED.contains(r.command) && (!targets.isEmpty() || pattern != null)) {
            throw new Invalid(where + r.command + " takes no TARGET: remove targets and target_pattern");
        }
        for (String t : targets) {
            String bad = t == null ? "is empty" : t.isEmpty() ? "is empty" : targetSyntax(t);
            if (bad != null) {
                throw new Invalid(where + "a target " + bad);
            }
        }
        String endpointEnv = r.endpointEnv;
        if (endpointEnv != null && !ENV.matcher(endpointEnv).matches()) {
            throw new Invalid(where + "endpoint_env must be an environment variable's name");
        }
        Duration timeout = r.timeout == null ? DEFAULT_TIMEOUT : duration(where, r.timeout);
        Module m = new Module(name, r.command, args, targets, pattern, endpointEnv, timeout);
        for (String v : m.secretEnvs()) {
            if (!ENV.matcher(v).matches()) {
                throw new Invalid(where + "'" + Printable.escape(abbreviate(v)) + "' is not an environment variable's name");
            }
            String val = env.get(v);
            if (val == null || val.isEmpty()) {
                throw new Invalid(where + "the environment variable " + v + " is not set in dialtone serve's environment");
            }
        }
        if (flags != null) {
            // the target is part of what the command line checks (a URI with headers, a bad user part): the listed ones
            List<String> probe = new ArrayList<>(m.childArgs(targets.isEmpty() ? null : targets.get(0)));
            String why = flags.apply(probe);
            if (why != null) {
                throw new Invalid(where + Printable.escape(why));
            }
            for (int i = 1; i < targets.size(); i++) {
                why = flags.apply(m.childArgs(targets.get(i)));
                if (why != null) {
                    throw new Invalid(where + "target " + targets.get(i) + ": " + Printable.escape(why));
                }
            }
        }
        return m;
    }

    static Duration duration(String where, String s) throws Invalid {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})(ms|s|m)").matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new Invalid(where + "timeout must be a duration like 500ms, 20s or 2m");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
        if (d.compareTo(Duration.ofMillis(500)) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
            throw new Invalid(where + "timeout must be between 500ms and 10m");
        }
        return d;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
