package dialtone.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * This worker's share of a multi-call run: {@code index} of {@code count} (0-based), and the run's id that every
 * worker shares. Call {@code g} of the run (1-based, global) belongs to shard {@code (g - 1) % count}: the calls
 * interleave, so every shard starts at once and a short run still spreads over all of them. Each call keeps its
 * global number (its scenario name, its userId suffix, its Call-ID prefix), so the shards' outputs merge without
 * clashes.
 */
public record Shard(int index, int count, String runId) {
    public static final Shard WHOLE = new Shard(0, 1, null);
    public static final int MAX_COUNT = 10_000;

    public Shard {
        if (count < 1 || count > MAX_COUNT || index < 0 || index >= count) {
            throw new IllegalArgumentException("a shard is INDEX/COUNT with 0 <= INDEX < COUNT <= " + MAX_COUNT);
        }
        if (runId != null && !runId.matches("[A-Za-z0-9-]{1,63}")) {
            throw new IllegalArgumentException("a run id is 1 to 63 letters, digits or '-'");
        }
    }

    public boolean sharded() {
        return count > 1;
    }

    /** The global call numbers (1-based) of this shard, of {@code calls} in all. */
    public List<Integer> calls(int calls) {
        List<Integer> l = new ArrayList<>();
        for (int g = index + 1; g <= calls; g += count) {
            l.add(g);
        }
        return l;
    }

    /** {@code 2/4}. */
    public String label() {
        return index + "/" + count;
    }

    /** The Call-ID prefix of global call {@code g}: the run, the shard, the call; a random part follows it. */
    public String callIdPrefix(int g) {
        return (runId == null ? "" : runId + "-") + (sharded() ? "s" + index + "-" : "") + "c" + g + "-";
    }

    /** {@code INDEX/COUNT}, as --shard and DIALTONE_SHARD take it. */
    public static Shard parse(String s, String runId) {
        String[] p = s.trim().split("/", -1);
        if (p.length != 2 || !p[0].matches("\\d{1,5}") || !p[1].matches("\\d{1,5}")) {
            throw new IllegalArgumentException("'" + dialtone.support.Printable.escape(s) + "' is not INDEX/COUNT (e.g. 0/4)");
        }
        return new Shard(Integer.parseInt(p[0]), Integer.parseInt(p[1]), runId);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "shard %s%s", label(), runId == null ? "" : " of run " + runId);
    }
}
