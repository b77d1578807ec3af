package dialtone.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Nearest rank: the smallest measured value with at least p % of the values at or below it. */
class PercentilesTest {
    @Test
    void nearestRankOfLongsAndDoubles() {
        long[] l = {100, 120, 150, 200, 300};
        assertEquals(150, Percentiles.nearestRank(l, 50));
        assertEquals(300, Percentiles.nearestRank(l, 95));
        assertEquals(100, Percentiles.nearestRank(l, 0));
        assertEquals(120, Percentiles.nearestRank(l, 40));
        assertEquals(150, Percentiles.nearestRank(l, 40.1));
        assertEquals(-1, Percentiles.nearestRank(new long[0], 50));
        double[] d = new double[40];
        for (int i = 0; i < d.length; i++) {
            d[i] = 1 + i / 10.0;
        }
        assertEquals(1.1, Percentiles.nearestRank(d, 5), 1e-9, "rank 2 of 40");
        assertEquals(2.9, Percentiles.nearestRank(d, 50), 1e-9, "rank 20 of 40: the lower median");
        assertEquals(4.9, Percentiles.nearestRank(d, 100), 1e-9);
        assertEquals(-1, Percentiles.nearestRank(new double[0], 5));
    }
}
