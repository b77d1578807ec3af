package dialtone.support;

/** Percentiles of measured figures, by the nearest-rank method (a value that was measured, never an interpolation). */
public final class Percentiles {
    private Percentiles() {
    }

    /** The {@code p}th percentile (0-100) of ascending {@code sorted}; -1 when there is nothing. */
    public static long nearestRank(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[rank(sorted.length, p)];
    }

    /** The {@code p}th percentile (0-100) of ascending {@code sorted}; -1 when there is nothing. */
    public static double nearestRank(double[] sorted, double p) {
        return sorted.length == 0 ? -1 : sorted[rank(sorted.length, p)];
    }

    private static int rank(int n, double p) {
        return Math.max(0, Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1));
    }

    /**
     * The call figures a load run and a merge of runs both report, from ascending arrays (a figure with no data is left
     * out, never written as -1: docs/events.md): setup p50/p95/max, first audio p50/p95, MOS min (and p5), p50.
     */
    public static void putCallFigures(java.util.Map<String, Object> m, long[] setup, long[] audio, double[] mos,
                                      boolean mosP5) {
        if (setup.length > 0) {
            m.put("setupMsP50", nearestRank(setup, 50));
            m.put("setupMsP95", nearestRank(setup, 95));
            m.put("setupMsMax", setup[setup.length - 1]);
        }
        if (audio.length > 0) {
            m.put("firstAudioMsP50", nearestRank(audio, 50));
            m.put("firstAudioMsP95", nearestRank(audio, 95));
        }
        if (mos.length > 0) {
            m.put("mosMin", mos[0]);
            if (mosP5) {
                m.put("mosP5", nearestRank(mos, 5));
            }
            m.put("mosP50", nearestRank(mos, 50));
        }
    }
}
