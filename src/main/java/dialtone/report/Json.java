package dialtone.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dialtone.event.EventTypes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/** The one ObjectMapper for event output: stable type names, ISO instants, durations in milliseconds. */
public final class Json {
    private Json() {
    }

    private static final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<ObjectMapper>>
            SHARED = new java.util.concurrent.atomic.AtomicReference<>();

    /** Starts building the event mapper on another thread (about 70 ms in a cold JVM); {@link #shared} joins it. */
    public static void prewarm() {
        java.util.concurrent.CompletableFuture<ObjectMapper> f = new java.util.concurrent.CompletableFuture<>();
        if (SHARED.compareAndSet(null, f)) {
            Thread t = new Thread(() -> {
                try {
                    ObjectMapper m = eventMapper();
                    m.writeValueAsString(new dialtone.event.RunEvent.Warning(Instant.EPOCH, "w", "w", "w"));
                    f.complete(m);
                } catch (Exception | Error e) {
                    f.completeExceptionally(e);
                }
            }, "json-prewarm");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The process's event mapper (thread-safe once configured). */
    public static ObjectMapper shared() {
        java.util.concurrent.CompletableFuture<ObjectMapper> f = SHARED.get();
        if (f == null) {
            java.util.concurrent.CompletableFuture<ObjectMapper> mine = java.util.concurrent.CompletableFuture.completedFuture(eventMapper());
            return SHARED.compareAndSet(null, mine) ? mine.join() : SHARED.get().join();
        }
        try {
            return f.join();
        } catch (RuntimeException e) {
            return eventMapper();
        }
    }

    public static ObjectMapper eventMapper() {
        ObjectMapper m = new ObjectMapper();
        SimpleModule mod = new SimpleModule("dialtone-events");
        mod.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.toString());
            }
        });
        mod.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeNumber(v.toMillis());
            }
        });
        mod.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return Instant.parse(p.getValueAsString());
            }
        });
        mod.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return Duration.ofMillis(p.getValueAsLong());
            }
        });
        m.registerModule(mod);
        for (Class<?> leaf : EventTypes.leaves()) {
            m.registerSubtypes(leaf);
        }
        m.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        m.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        return m;
    }
}
