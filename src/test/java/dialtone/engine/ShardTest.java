package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Shards partition a run's calls: every call once, each with a number and a Call-ID prefix no other shard has. */
class ShardTest {
    @Test
    void theShardsOfARunPlaceEveryCallExactlyOnce() {
        for (int calls : new int[] {1, 7, 8, 100}) {
            for (int count = 1; count <= Math.min(calls, 9); count++) {
                List<Integer> all = new ArrayList<>();
                Set<String> prefixes = new HashSet<>();
                for (int i = 0; i < count; i++) {
                    Shard s = new Shard(i, count, "run-1");
                    List<Integer> mine = s.calls(calls);
                    assertTrue(mine.size() >= calls / count && mine.size() <= calls / count + 1, "balanced");
                    all.addAll(mine);
                    mine.forEach(g -> assertTrue(prefixes.add(s.callIdPrefix(g)), "unique prefix"));
                }
                all.sort(Integer::compare);
                List<Integer> expected = new ArrayList<>();
                for (int g = 1; g <= calls; g++) {
                    expected.add(g);
                }
                assertEquals(expected, all, calls + " calls in " + count + " shards");
            }
        }
    }

    @Test
    void parseAndItsErrors() {
        Shard s = Shard.parse("2/4", "abc");
        assertEquals(2, s.index());
        assertEquals(4, s.count());
        assertEquals("abc-s2-c7-", s.callIdPrefix(7));
        assertEquals("c7-", Shard.WHOLE.callIdPrefix(7));
        for (String bad : new String[] {"4/4", "-1/4", "1/0", "a/b", "1", "1/2/3", "", "99999/100000", "1/\u001b"}) {
            assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad, "r"), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new Shard(0, 2, "a b"));
        assertThrows(IllegalArgumentException.class, () -> new Shard(0, 2, "x".repeat(64)));
    }
}
