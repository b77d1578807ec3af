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
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
