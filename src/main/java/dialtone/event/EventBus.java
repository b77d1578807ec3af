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

    /** Thread-safe; never blocks. Events published after {@link #close()} are dropped. */
    public void publish(Event event) {
        if (!closed) {
            queue.add(event);
        }
    }

    private void drain() {
        try {
            while (true) {
                Object o = queue.take();
                if (o == POISON) {
                    break;
                }
                Event e = (Event) o;
                for (EventSink s : sinks) {
                    try {
                        s.accept(e);
                    } catch (RuntimeException | Error ex) {
                        sinks.remove(s);
                        onSinkError.accept(s, ex);
                    }
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            for (EventSink s : sinks) {
                try {
                    s.close();
                } catch (RuntimeException | Error ex) {
                    onSinkError.accept(s, ex);
                }
            }
        }
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
