package dialtone.engine;

import dialtone.event.Failure;
import dialtone.event.Layer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code load --ramp FROM:TO:STEP[:HOLD]}: steps of FROM, FROM+STEP, ... up to TO calls held at once, each for HOLD
 * (default 20 s). A step passes when every one of its calls passed (carried its media, heard what it expected) and
 * dialtone was not overloaded; the ramp stops after the first step that did not, and names the side that saturated.
 */
public record Ramp(int from, int to, int step, Duration hold) {
    public static final Duration DEFAULT_HOLD = Duration.ofSeconds(20);
    /** Steps at most (a ramp is a few steps, each held for seconds). */
    public static final int MAX_STEPS = 50;

    public Ramp {
        if (from < 1 || to < from || step < 1) {
            throw new IllegalArgumentException("FROM must be 1 or more, TO at least FROM, STEP 1 or more");
        }
        if ((to - from) / step + 1 > MAX_STEPS) {
            throw new IllegalArgumentException("more than " + MAX_STEPS + " steps");
        }
        if (hold.compareTo(Duration.ofSeconds(1)) < 0 || hold.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("HOLD must be between 1 s and 1 h");
        }
    }

    /** Parses {@code FROM:TO:STEP[:HOLD]}; HOLD in seconds ({@code 20}) or with a unit ({@code 20s}, {@code 2m}). */
    public static Ramp parse(String s) {
        String[] p = s.trim().split(":", -1);
        if (p.length < 3 || p.length > 4) {
            throw new IllegalArgumentException("expected FROM:TO:STEP[:HOLD], e.g. 50:400:50:20s");
        }
        int[] n = new int[3];
        for (int i = 0; i < 3; i++) {
            if (!p[i].trim().matches("\\d{1,5}")) {
                throw new IllegalArgumentException("'" + dialtone.support.Printable.escape(p[i]) + "' is not a number of calls");
            }
            n[i] = Integer.parseInt(p[i].trim());
        }
        Duration hold = DEFAULT_HOLD;
        if (p.length == 4) {
            String h = p[3].trim();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,4})(s|m)?").matcher(h);
            if (!m.matches()) {
                throw new IllegalArgumentException("HOLD '" + dialtone.support.Printable.escape(h) + "' is not a duration like 20s");
            }
            long v = Long.parseLong(m.group(1));
            hold = "m".equals(m.group(2)) ? Duration.ofMinutes(v) : Duration.ofSeconds(v);
        }
        return new Ramp(n[0], n[1], n[2], hold);
    }

    /** The concurrent calls of each step: FROM, FROM+STEP, ..., TO (TO itself even when STEP does not land on it). */
    public List<Integer> levels() {
        List<Integer> l = new ArrayList<>();
        for (int c = from; c <= to; c += step) {
            l.add(c);
        }
        if (l.get(l.size() - 1) != to) {
            l.add(to);
        }
        return l;
    }

    /** Every call of every step. */
    public int totalCalls() {
        return levels().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * How long call {@code i} (0-based) of a step of {@code c} calls started at {@code rate} per second talks, so that
     * every call of the step is up at once for {@code hold}: the first started talks longest, the last {@code hold}.
     */
    Duration talk(int i, int c, double rate) {
        long extra = rate <= 0 ? 0 : (long) ((c - 1 - i) * 1000 / rate);
        return hold.plusMillis(extra);
    }

    /** A step as judged. */
    public record StepVerdict(boolean passed, String saturated, String reason) {
    }

    /**
     * Judges a step: its overload verdict (null when dialtone kept up) and its calls' failures by layer/cause (count).
     * dialtone's overload comes first: the far end's failures while dialtone was behind are not the far end's.
     */
    static StepVerdict judge(Failure overload, Map<String, Integer> failures, int calls, int finished) {
        if (overload != null) {
            return new StepVerdict(false, "dialtone", overload.message());
        }
        if (finished < calls) {
            return new StepVerdict(false, "dialtone", "only " + finished + " of " + calls + " calls finished");
        }
        if (failures.isEmpty()) {
            return new StepVerdict(true, null, null);
        }
        Map.Entry<String, Integer> top = failures.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
        boolean internal = top.getKey().startsWith(Layer.INTERNAL.name() + "/");
        return new StepVerdict(false, internal ? "dialtone" : "far end", failed + " of " + calls + " calls failed, most often "
                + top.getKey() + " (" + top.getValue() + ")");
    }

    /** The ramp's summary: the capacity found (the highest step that passed; 0 if none) and which side saturated. */
    static Map<String, Object> summary(List<Map<String, Object>> steps) {
        Map<String, Object> m = new LinkedHashMap<>();
        int capacity = 0;
        String saturated = null;
        for (Map<String, Object> s : steps) {
            if (Boolean.TRUE.equals(s.get("passed"))) {
                capacity = Math.max(capacity, (Integer) s.get("concurrency"));
            } else if (saturated == null) {
                saturated = (String) s.get("saturated");
            }
        }
        m.put("capacity", capacity);
        if (saturated != null) {
            m.put("saturatedFirst", saturated);
        }
        return m;
    }
}
