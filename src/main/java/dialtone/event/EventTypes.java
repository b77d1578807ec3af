package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.ArrayList;
import java.util.List;

/** The leaves of the {@link Event} family, found by walking the sealed hierarchy. */
public final class EventTypes {
    private EventTypes() {
    }

    public static List<Class<?>> leaves() {
        List<Class<?>> out = new ArrayList<>();
        collect(Event.class, out);
        return out;
    }

    private static void collect(Class<?> c, List<Class<?>> out) {
        if (c.isSealed()) {
            for (Class<?> sub : c.getPermittedSubclasses()) {
                collect(sub, out);
            }
        } else {
            out.add(c);
        }
    }

    /** The stable JSON name of an event type. */
    public static String name(Class<?> leaf) {
        JsonTypeName n = leaf.getAnnotation(JsonTypeName.class);
        if (n == null) {
            throw new IllegalStateException("event type without a JSON name: " + leaf.getName());
        }
        return n.value();
    }

    public static String name(Event e) {
        return name(e.getClass());
    }
}
