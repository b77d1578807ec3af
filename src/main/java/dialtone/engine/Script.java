package dialtone.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The in-call command language of {@code --script} and the interactive console, one command per line:
 * <pre>
 *   wait 2s                      dtmf 12#                 info TEXT [{"json": "data"}]
 *   mute / unmute                stats                    hangup
 *   expect-tone 1000 5s          expect-dtmf 12 5s        expect-info REGEX 5s
 *   say TEXT | say @FILE.wav     listen [10s]             barge-in TEXT|@FILE after 1s
 *   expect-speech 5s             expect-quiet 3s          expect-words REGEX [10s]
 * </pre>
 * {@code #} starts a comment. Parsing happens before the call, so a typo fails at once (usage error).
 */
public final class Script {
    /** One parsed command. {@code arg} is the text argument, {@code hz} a frequency, {@code within} a wait. */
    public record Command(int line, String verb, String arg, double hz, Duration within, String json,
                          com.google.re2j.Pattern regex, String text) {
    }

    private static final String DTMF_KEYS = "0123456789ABCD#*,";

    private Script() {
    }

    /** Null when every tone is valid (0-9, A-D, #, *, and ',' for a 2 s pause), else the first bad one as typed. */
    public static String invalidTone(String tones) {
        if (tones.isEmpty()) {
            return "(none)";
        }
        for (char c : tones.toCharArray()) {
            if (DTMF_KEYS.indexOf(Character.toUpperCase(c)) < 0) {
                return String.valueOf(c);
            }
        }
        return null;
    }

    public static List<Command> parse(List<String> lines) {
        if (lines.size() > MAX_LINES) {
            throw new IllegalArgumentException("more than " + MAX_LINES + " lines");
        }
        List<Command> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Command c = parseLine(lines.get(i), i + 1);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** Null for blank and comment lines; IllegalArgumentException with the line number for bad ones. */
    public static Command parseLine(String raw, int line) {
        String s = raw.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return null;
        }
        String where = line > 0 ? "line " + line + ": " : "";
        if (s.length() > MAX_LINE_LENGTH) {
            throw new IllegalArgumentException(where + "longer than " + MAX_LINE_LENGTH + " characters");
        }
        String[] w = s.split("\\s+", 2);
        String verb = w[0].toLowerCase(Locale.ROOT);
        String rest = w.length > 1 ? w[1].strip() : "";
        try {
            switch (verb) {
                case "wait":
                    return new Command(line, verb, null, 0, duration(rest), null, null, s);
                case "dtmf":
                    if (rest.isEmpty() || invalidTone(rest) != null) {
                        throw new IllegalArgumentException("dtmf takes tones 0-9, A-D, #, *, ',' (got '" + rest + "')");
                    }
                    return new Command(line, verb, rest, 0, null, null, null, s);
                case "info": {
                    if (rest.isEmpty()) {
                        throw new IllegalArgumentException("info takes a text, and optionally JSON data");
                    }
                    int brace = rest.indexOf(" {");
                    String text = brace < 0 ? rest : rest.substring(0, brace).strip();
                    String json = brace < 0 ? null : rest.substring(brace + 1).strip();
                    if (json != null) {
                        checkJson(json);
                    }
                    return new Command(line, verb, text, 0, null, json, null, s);
                }
                case "mute":
                case "unmute":
                case "stats":
                case "hangup":
                case "help":
                    return new Command(line, verb, null, 0, null, null, null, s);
                case "expect-tone": {
                    String[] a = rest.split("\\s+");
                    if (a.length != 2) {
                        throw new IllegalArgumentException("expect-tone HZ DURATION (e.g. expect-tone 1000 5s)");
                    }
                    double hz = Double.parseDouble(a[0]);
                    if (!(hz >= 20 && hz <= 20_000)) {
                        throw new IllegalArgumentException("expect-tone: 20-20000 Hz");
                    }
                    return new Command(line, verb, null, hz, duration(a[1]), null, null, s);
                }
                case "expect-dtmf": {
                    String[] a = rest.split("\\s+");
                    if (a.length != 2 || invalidTone(a[0]) != null) {
                        throw new IllegalArgumentException("expect-dtmf DIGITS DURATION (e.g. expect-dtmf 12# 5s)");
                    }
                    return new Command(line, verb, a[0].toUpperCase(Locale.ROOT), 0, duration(a[1]), null, null, s);
                }
                case "expect-info": {
                    int sp = rest.lastIndexOf(' ');
                    if (sp < 0) {
                        throw new IllegalArgumentException("expect-info REGEX DURATION (e.g. expect-info welcome 5s)");
                    }
                    // RE2/J: linear-time matching, whatever the pattern and the INFO body (no catastrophic backtracking)
                    com.google.re2j.Pattern p = com.google.re2j.Pattern.compile(rest.substring(0, sp).strip());
                    return new Command(line, verb, rest.substring(0, sp).strip(), 0, duration(rest.substring(sp + 1)), null, p, s);
                }
                case "say":
                    return new Command(line, verb, speech(rest, "say TEXT or say @FILE.wav"), 0, null, null, null, s);
                case "listen":
                    return new Command(line, verb, null, 0, rest.isEmpty() ? DEFAULT_LISTEN : duration(rest), null, null, s);
                case "expect-speech":
                case "expect-quiet":
                    if (rest.isEmpty()) {
                        throw new IllegalArgumentException(verb + " DURATION (e.g. " + verb + " 5s)");
                    }
                    return new Command(line, verb, null, 0, duration(rest), null, null, s);
                case "expect-words": {
                    if (rest.isEmpty()) {
                        throw new IllegalArgumentException("expect-words REGEX [DURATION] (e.g. expect-words 'balance' 10s)");
                    }
                    int sp = rest.lastIndexOf(' ');
                    String re = rest;
                    Duration within = DEFAULT_LISTEN;
                    if (sp > 0 && DURATION.matcher(rest.substring(sp + 1)).matches()) {
                        re = rest.substring(0, sp).strip();
                        within = duration(rest.substring(sp + 1));
                    }
                    com.google.re2j.Pattern p = com.google.re2j.Pattern.compile(re, com.google.re2j.Pattern.CASE_INSENSITIVE);
                    return new Command(line, verb, re, 0, within, null, p, s);
                }
                case "barge-in": {
                    java.util.regex.Matcher m = Pattern.compile("(.+?)\\s+after\\s+(\\S+)").matcher(rest);
                    if (!m.matches()) {
                        throw new IllegalArgumentException("barge-in TEXT|@FILE after DURATION (e.g. barge-in Stop please after 1s)");
                    }
                    String what = speech(m.group(1).strip(), "barge-in TEXT|@FILE after DURATION");
                    return new Command(line, verb, what, 0, duration(m.group(2)), null, null, s);
                }
                default:
                    throw new IllegalArgumentException("unknown command '" + dialtone.support.Printable.escape(w[0]) + "' (wait, dtmf, info, mute, unmute,"
                            + " stats, hangup, expect-tone, expect-dtmf, expect-info, say, listen, barge-in, expect-speech,"
                            + " expect-quiet, expect-words)");
            }
        } catch (NumberFormatException | com.google.re2j.PatternSyntaxException e) {
            throw new IllegalArgumentException(where + "'" + s + "': " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage());
        }
    }

    /** How long {@code listen} and {@code expect-words} wait for the far end by default. */
    public static final Duration DEFAULT_LISTEN = Duration.ofSeconds(10);
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

    /** The verbs of a spoken conversation: a call whose script holds one listens to the far end (VAD). */
    public static final java.util.Set<String> SPEECH_VERBS = java.util.Set.of("say", "listen", "barge-in", "expect-speech",
            "expect-quiet", "expect-words");

    /** A text to speak (checked) or {@code @FILE.wav} (a readable regular file). */
    static String speech(String rest, String usage) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(usage);
        }
        if (rest.startsWith("@")) {
            java.nio.file.Path p;
            try {
                p = java.nio.file.Path.of(rest.substring(1));
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException("'" + dialtone.support.Printable.escape(rest) + "' is not a file name");
            }
            if (!java.nio.file.Files.isRegularFile(p) || !java.nio.file.Files.isReadable(p)) {
                throw new IllegalArgumentException("no readable WAV file " + dialtone.support.Printable.escape(p.toString()));
            }
            return rest;
        }
        String problem = SpeechTools.checkText(rest);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return rest;
    }

    /** Limits of a script: checked before dialling, so a huge or hostile file costs nothing. */
    public static final int MAX_LINES = 10_000;
    public static final int MAX_LINE_LENGTH = 8_192;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                .maxNestingDepth(32).maxStringLength(MAX_LINE_LENGTH).build());
    }

    /** The data of an info line: a JSON object, at most 32 deep. */
    public static void checkJson(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("info data must be a JSON object");
            }
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new IllegalArgumentException("info data is nested deeper than 32 levels");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("info data is not valid JSON");
        }
    }

    static Duration duration(String s) {
        java.util.regex.Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?").matcher(s.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a duration (500ms, 2s, 1m)");
        }
        double v = Double.parseDouble(m.group(1));
        String u = m.group(2) == null ? "s" : m.group(2);
        return Duration.ofMillis(Math.round(u.equals("ms") ? v : u.equals("m") ? v * 60_000 : v * 1000));
    }

    public static String help() {
        return "commands: wait 2s | dtmf 12# | info TEXT [{json}] | mute | unmute | stats | hangup | "
                + "expect-tone HZ 5s | expect-dtmf DIGITS 5s | expect-info REGEX 5s | say TEXT | say @FILE.wav | listen [10s] | "
                + "barge-in TEXT after 1s | expect-speech 5s | expect-quiet 3s | expect-words REGEX [10s]";
    }
}
