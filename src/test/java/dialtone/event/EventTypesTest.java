package dialtone.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dialtone.report.HumanFormat;
import dialtone.report.Json;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stands in for the exhaustiveness check Java 17 cannot make: every event leaf has a name and a rendering. */
class EventTypesTest {
    @Test
    void everyLeafHasAUniqueJsonNameAHumanRenderingAndSerialises() throws Exception {
        List<Class<?>> leaves = EventTypes.leaves();
        assertTrue(leaves.size() >= 20, "leaves: " + leaves.size());
        Set<String> names = new HashSet<>();
        ObjectMapper mapper = Json.eventMapper();
        HumanFormat human = new HumanFormat(true);
        for (Class<?> leaf : leaves) {
            assertTrue(leaf.isRecord(), leaf + " is a record");
            String name = EventTypes.name(leaf);
            assertTrue(names.add(name), "duplicate name " + name);
            assertTrue(name.matches("[a-z]+\\.[a-z-]+"), name);
            for (java.lang.reflect.RecordComponent c : leaf.getRecordComponents()) {
                assertTrue(!c.getName().equals("type") && !c.getName().equals("t"), leaf + " has a field that clashes with the JSON envelope: " + c.getName());
            }
            Event e = sample(leaf);
            HumanFormat.Rendered r = human.render(e);
            assertNotNull(r, "no human rendering for " + leaf);
            assertFalse(r.lines().isEmpty());
            JsonNode n = mapper.readTree(mapper.writerFor(Event.class).writeValueAsString(e));
            assertEquals(name, n.get("type").asText());
            Event back = mapper.readValue(mapper.writerFor(Event.class).writeValueAsString(e), Event.class);
            assertEquals(leaf, back.getClass());
        }
    }

    /** Builds an instance of any event record with plausible field values. */
    static Event sample(Class<?> leaf) throws Exception {
        RecordComponent[] rc = leaf.getRecordComponents();
        Class<?>[] types = new Class<?>[rc.length];
        Object[] args = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            types[i] = rc[i].getType();
            args[i] = value(types[i]);
        }
        Constructor<?> c = leaf.getDeclaredConstructor(types);
        return (Event) c.newInstance(args);
    }

    static Object value(Class<?> t) {
        if (t == Instant.class) {
            return Instant.parse("2026-11-28T12:00:00Z");
        } else if (t == String.class) {
            return "x";
        } else if (t == int.class) {
            return 1;
        } else if (t == long.class) {
            return 2L;
        } else if (t == double.class) {
            return 0.5;
        } else if (t == boolean.class) {
            return true;
        } else if (t == Boolean.class) {
            return Boolean.TRUE;
        } else if (t == Failure.class) {
            return Failure.of(Layer.CONFIG, Cause.CONFIG_INVALID, "bad");
        } else if (t == HttpTiming.class) {
            return new HttpTiming(1, 2, 3, 4, 10);
        } else if (t == TlsFacts.class) {
            return new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "CN=x", "CN=ca", Instant.EPOCH, "IP:127.0.0.1");
        } else if (t == ConfigSummary.class) {
            return new ConfigSummary("endpoint", "legacy", true, "wss://x", "r", "u", "id", true, "sip:id@r",
                    "sip:app-1@r", Map.of("X-Source", "webrtc"), true, true, "o", "p", null, "n");
        } else if (t == MediaStats.class) {
            return new MediaStats(10, 1, 10, 1000, 1000, 32.5, 33.1, 2.5, 12.0, 0.2, "audio/opus");
        } else if (t == Double.class) {
            return 1.0;
        } else if (t == Long.class) {
            return 3L;
        } else if (t == List.class) {
            return List.of();
        } else if (t == Map.class) {
            return Map.of();
        } else if (t.isEnum()) {
            return t.getEnumConstants()[0];
        }
        throw new IllegalArgumentException("no sample value for " + t);
    }
}
