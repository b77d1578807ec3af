package dialtone.sip.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** An ordered, immutable list of header fields with case-insensitive lookup by canonical name. */
public final class Headers {
    private final List<Header> list;

    public Headers(List<Header> list) {
        this.list = List.copyOf(list);
    }

    public static Headers empty() {
        return new Headers(Collections.emptyList());
    }

    public List<Header> asList() {
        return list;
    }

    public Optional<String> first(String name) {
        String n = HeaderNames.canonical(name);
        for (Header h : list) {
            if (h.name().equalsIgnoreCase(n)) {
                return Optional.of(h.value());
            }
        }
        return Optional.empty();
    }

    /** Every field line of that name, unsplit. */
    public List<String> lines(String name) {
        String n = HeaderNames.canonical(name);
        List<String> out = new ArrayList<>();
        for (Header h : list) {
            if (h.name().equalsIgnoreCase(n)) {
                out.add(h.value());
            }
        }
        return out;
    }

    /** Every value of a list header: all field lines, split on top-level commas. */
    public List<String> values(String name) {
        List<String> out = new ArrayList<>();
        for (String line : lines(name)) {
            for (String v : Lists.split(line)) {
                if (!v.isEmpty()) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    public boolean has(String name) {
        return first(name).isPresent();
    }

    public int size() {
        return list.size();
    }
}
