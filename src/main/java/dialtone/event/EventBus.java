package dialtone.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Delivers events in order, on one thread of its own ({@code report}), to every sink. A slow stdout or file never
 * delays the SIP loop's timers. A sink that throws is dropped from the run and the failure is reported through
 * {@code onSinkError}; the other sinks carry on.
 */
public final class EventBus implements AutoCloseable {
    private static final Object POISON = new Object();

    private final List<EventSink> sinks = new CopyOnWriteArrayList<>();
    private final List<EventSink> everyEvent = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final BiConsumer<EventSink, Throwable> onSinkError;
    private volatile boolean closed;

    public EventBus(BiConsumer<EventSink, Throwable> onSinkError) {
        this.onSinkError = onSinkError;
        this.thread = new Thread(this::drain, "report");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public EventBus add(EventSink sink) {
        sinks.add(sink);
        return this;
    }

    /**
     * A sink that gets every event, before floods are coalesced into {@code run.repeated} (the --pcap file, which
     * must hold every SIP message and bounds itself). It is closed with the others.
     */
    public EventBus addUncoalesced(EventSink sink) {
        everyEvent.add(sink);
        return this;
    }

    /** Thread-safe; never blocks. Events published after {@link #close()} are dropped. */
    public void publish(Event event) {
        if (!closed) {
            queue.add(event);
        }
    }

    /** Per kind of event (all but its time): how often it came in the current second, and how many were held back. */
    private static final class Rate {
        long windowStart;
        int inWindow;
        long held;
        Event first;
        Event last;
    }

    /** At most this many identical events a second are delivered one by one; the rest become one run.repeated. */
    static final int BURST = 3;
    /**
     * SIP messages of one start line a second before coalescing: a short run's own REGISTER, 401, REGISTER, 200 and
     * the same again to unregister, or a 200 OK retransmitted, are not a flood; 183 x5231 is.
     */
    static final int SIP_BURST = 10;
    private final java.util.LinkedHashMap<String, Rate> rates = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Rate> eldest) {
            return size() > 64 && eldest.getValue().held == 0;
        }
    };

    private void drain() {
        try {
            while (true) {
                Object o = queue.poll(250, TimeUnit.MILLISECONDS);
                if (o == POISON) {
                    break;
                }
                if (o == null) {
                    flushHeld(System.nanoTime(), false);
                    continue;
                }
                Event e = (Event) o;
                deliver(everyEvent, e);
                String key = repeatKey(e);
                long now = System.nanoTime();
                if (key == null) {
                    flushHeld(now, true);
                    deliver(e);
                    continue;
                }
                Rate r = rates.computeIfAbsent(key, k -> new Rate());
                if (now - r.windowStart > 1_000_000_000L) {
                    summarise(r);
                    r.windowStart = now;
                    r.inWindow = 0;
                }
                if (++r.inWindow <= (e instanceof SipEvent ? SIP_BURST : BURST)) {
                    flushHeld(now, true);
                    deliver(e);
                } else {
                    if (r.held++ == 0) {
                        r.first = e;
                    }
                    r.last = e;
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            flushHeld(System.nanoTime(), true);
            for (EventSink s : concat(everyEvent, sinks)) {
                try {
                    s.close();
                } catch (RuntimeException | Error ex) {
                    onSinkError.accept(s, ex);
                }
            }
        }
    }

    /** Says how many were held back: for every kind, or only those whose second is over. */
    private void flushHeld(long now, boolean all) {
        for (Rate r : rates.values()) {
            if (r.held > 0 && (all || now - r.windowStart > 1_000_000_000L)) {
                summarise(r);
            }
        }
    }

    private void summarise(Rate r) {
        if (r.held > 0) {
            deliver(new RunEvent.Repeated(r.first.at(), r.first.scenario(), EventTypes.name(r.first), r.held, r.last.at()));
            r.held = 0;
        }
    }

    private static List<EventSink> concat(List<EventSink> a, List<EventSink> b) {
        List<EventSink> l = new java.util.ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    private void deliver(Event e) {
        deliver(sinks, e);
    }

    private void deliver(List<EventSink> to, Event e) {
        for (EventSink s : to) {
            try {
                s.accept(e);
            } catch (RuntimeException | Error ex) {
                to.remove(s);
                onSinkError.accept(s, ex);
            }
        }
    }

    /**
     * What makes two events "the same" for coalescing: everything but the time (records print their fields in
     * order, the time first). Run events are never coalesced (the last line must stay run.finished).
     */
    static String repeatKey(Event e) {
        if (e instanceof RunEvent) {
            return null;
        }
        // SIP messages of a flood differ in their branch or CSeq: the same start line is the same kind of message
        if (e instanceof SipEvent.Received r) {
            return "sip.received|" + r.scenario() + "|" + r.summary();
        }
        if (e instanceof SipEvent.Sent r) {
            return "sip.sent|" + r.scenario() + "|" + r.summary();
        }
        String s = e.toString();
        int open = s.indexOf('[');
        int comma = s.indexOf(", ", open);
        return open < 0 || comma < 0 ? s : s.substring(0, open) + s.substring(comma);
    }

    /** Delivers what is queued, closes the sinks, and waits up to 5 s for that to finish. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(POISON);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
