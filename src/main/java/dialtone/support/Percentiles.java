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
}
