package dialtone.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Delivers events in order, on one thread of its own ({@code report}), to every sink. A slow stdout or file never
 * delays the SIP loop's timers. A sink that throws is dropped from the run and the failure is reported through
 * {@code onSinkError}; the other sinks carry on.
 *
 * <p>Bounded whatever a far end sends (the memory bound the README states):
 * <ul>
 * <li><b>Coalescing by kind.</b> Past {@link #BURST} events of one kind a second in one scenario, the rest of that
 * second become one {@code run.repeated} (how many, first and last time). The kind is the event's type and, for SIP
 * messages and call progress, the method or the status class: 183s whose reason phrase differs, INFOs whose bodies
 * differ, or 20 kB headers that differ are still one kind. Verdicts ({@link #vital}) are never coalesced.
 * <li><b>A bounded queue.</b> Events waiting for this thread weigh at most {@link #MAX_QUEUED_BYTES} (their text's
 * size, estimated); past that, publish counts an event instead of queueing it, and the count reaches the sinks as
 * {@code run.repeated} like a coalesced one. Verdicts are always queued.
 * <li><b>{@code run.finished} is last.</b> Whatever is published after it is dropped.
 * </ul>
 */
public final class EventBus implements AutoCloseable {
    private static final Object POISON = new Object();

    private final List<EventSink> sinks = new CopyOnWriteArrayList<>();
    private final List<EventSink> everyEvent = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread thread;
    private final BiConsumer<EventSink, Throwable> onSinkError;
    private volatile boolean closed;
    /** Set when close must be quick (a stop signal): the uncoalesced sinks (the pcap) no longer get the backlog. */
    private volatile long hurryAfterNanos = Long.MAX_VALUE;
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    /** Events that publish could not queue (the queue was full): per kind, counted, reported as run.repeated. */
    private final java.util.Map<String, Rate> overflow = new java.util.HashMap<>();
    private volatile boolean overflowed;

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

    /**
     * At most this many bytes of events (estimated by {@link #weight}) wait for the report thread: 8 MB, or a sixteenth
     * of the heap when that is less (the launcher gives `register` 64 MB: 4 MB).
     */
    static final long MAX_QUEUED_BYTES = Math.min(8L << 20, Runtime.getRuntime().maxMemory() / 16);

    /** Thread-safe; never blocks. Events published after {@link #close()} are dropped. */
    public void publish(Event event) {
        if (closed) {
            return;
        }
        long w = weight(event);
        if (!vital(event) && queuedBytes.get() + w > MAX_QUEUED_BYTES) {
            synchronized (overflow) {
                Rate r = overflow.computeIfAbsent(repeatKey(event), k -> new Rate());
                if (r.held++ == 0) {
                    r.first = event;
                }
                r.last = event;
            }
            overflowed = true;
            return;
        }
        queuedBytes.addAndGet(w);
        queue.add(event);
    }

    /** The estimated bytes of events waiting (for tests). */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Per kind of event: how often it came in the current second, and how many were held back. */
    private static final class Rate {
        long windowStart;
        int inWindow;
        long held;
        Event first;
        Event last;
    }

    /** At most this many events of one kind a second (in one scenario) are delivered one by one. */
    static final int BURST = 10;
    private final java.util.LinkedHashMap<String, Rate> rates = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Rate> eldest) {
            return size() > 64 && eldest.getValue().held == 0;
        }
    };
    private boolean finished;

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
                queuedBytes.addAndGet(-weight(e));
                if (finished) {
                    continue; // run.finished stays the last line
                }
                long now = System.nanoTime();
                if (now < hurryAfterNanos || vital(e)) {
                    deliver(everyEvent, e);
                }
                if (vital(e)) {
                    flushHeld(now, true);
                    deliver(e);
                    finished = e instanceof RunEvent.Finished;
                    continue;
                }
                Rate r = rates.computeIfAbsent(repeatKey(e), k -> new Rate());
                if (now - r.windowStart > 1_000_000_000L) {
                    summarise(r);
                    r.windowStart = now;
                    r.inWindow = 0;
                }
                if (++r.inWindow <= BURST) {
                    flushHeld(now, true, false);
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
        } catch (RuntimeException | Error ex) {
            onSinkError.accept(null, ex);
        } finally {
            try {
                if (!finished) {
                    flushHeld(System.nanoTime(), true);
                }
            } finally {
                closeAll(concat(everyEvent, sinks));
                done.countDown();
            }
        }
    }

    private long lastOverflowReport;

    /**
     * Closes the sinks, each on a thread of its own: they write different files (the HTML page, the JUnit file, the
     * pcap), and a stop signal leaves them little time. Waits for all of them.
     */
    private void closeAll(List<EventSink> all) {
        List<Thread> threads = new java.util.ArrayList<>();
        for (EventSink s : all) {
            Thread t = new Thread(() -> {
                try {
                    s.close();
                } catch (RuntimeException | Error ex) {
                    onSinkError.accept(s, ex);
                }
            }, "report-close");
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What publish could not queue, as run.repeated (at most once a second unless {@code now}; never after run.finished). */
    private void reportOverflow(long now, boolean all) {
        if (!all && now - lastOverflowReport < 1_000_000_000L) {
            return;
        }
        lastOverflowReport = now;
        List<Rate> lost;
        synchronized (overflow) {
            overflowed = false;
            lost = new java.util.ArrayList<>(overflow.values());
            overflow.clear();
        }
        if (!finished) {
            lost.forEach(this::summarise);
        }
    }

    /** Says how many were held back: for every kind, or only those whose second is over. */
    private void flushHeld(long now, boolean all) {
        flushHeld(now, all, all);
    }

    private void flushHeld(long now, boolean all, boolean allOverflow) {
        if (overflowed) {
            reportOverflow(now, allOverflow);
        }
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
     * The verdicts and the run's own facts: never coalesced, never dropped (none of them is made by what a far end
     * sends, one per call or per check at most): the run's start, end and warnings, a call's dialling, answer, end,
     * failure, checks, steps and summary, registration results, configuration, probe results, local media facts.
     */
    public static boolean vital(Event e) {
        return (e instanceof RunEvent && !(e instanceof RunEvent.Repeated)) || e instanceof ProbeEvent || e instanceof ConfigEvent
                || e instanceof CallEvent.Dialing || e instanceof CallEvent.Answered || e instanceof CallEvent.Cancelling
                || e instanceof CallEvent.Ended || e instanceof CallEvent.Failed || e instanceof CallEvent.Check
                || e instanceof CallEvent.Step || e instanceof CallEvent.Summary || e instanceof CallEvent.DtmfSent
                || e instanceof RegistrationEvent.Registered || e instanceof RegistrationEvent.Unregistered
                || e instanceof RegistrationEvent.Failed || e instanceof RegistrationEvent.NotNeeded
                || e instanceof TransportEvent.Failed || e instanceof TransportEvent.Connected
                || e instanceof MediaEvent.Gathering || e instanceof MediaEvent.Candidate || e instanceof MediaEvent.SelectedPair
                || e instanceof MediaEvent.Dtls || e instanceof MediaEvent.FirstAudio || e instanceof MediaEvent.RecordingSaved;
    }

    /**
     * The kind of an event, for coalescing: its type and scenario, and for SIP messages and call progress the method
     * (one of the standard ones, else "other") or the status class. Never the text a far end chose.
     */
    static String repeatKey(Event e) {
        String kind = "";
        if (e instanceof SipEvent.Received r) {
            kind = startLineKind(r.summary());
        } else if (e instanceof SipEvent.Sent s) {
            kind = startLineKind(s.summary());
        } else if (e instanceof CallEvent.Progress p) {
            kind = p.status() / 100 + "xx";
        } else if (e instanceof SipEvent.Answered a) {
            kind = a.status() / 100 + "xx";
        }
        return EventTypes.name(e) + "|" + e.scenario() + "|" + kind;
    }

    private static final java.util.Set<String> METHODS = java.util.Set.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS",
            "REGISTER", "INFO", "NOTIFY", "MESSAGE", "UPDATE", "PRACK", "REFER", "SUBSCRIBE", "PUBLISH");

    static String startLineKind(String startLine) {
        if (startLine == null) {
            return "?";
        }
        if (startLine.startsWith("SIP/2.0 ") && startLine.length() >= 9) {
            char c = startLine.charAt(8);
            return c >= '1' && c <= '6' ? c + "xx" : "?xx";
        }
        int sp = startLine.indexOf(' ');
        String m = sp < 0 ? startLine : startLine.substring(0, sp);
        return METHODS.contains(m) ? m : "other";
    }

    /** An estimate of an event's size in memory: its variable text, plus a fixed part. */
    public static long weight(Event e) {
        long w = 200;
        if (e instanceof SipEvent.Received r) {
            w += len(r.raw()) + len(r.summary());
        } else if (e instanceof SipEvent.Sent s) {
            w += len(s.raw()) + len(s.summary());
        } else if (e instanceof CallEvent.InfoReceived i) {
            w += len(i.body()) + len(i.contentType());
        } else if (e instanceof CallEvent.InfoSent i) {
            w += len(i.body()) + len(i.contentType());
        } else if (e instanceof CallEvent.Transcript t) {
            w += len(t.text()) + len(t.originator());
        } else if (e instanceof CallEvent.Progress p) {
            w += len(p.reason());
        } else if (e instanceof SipEvent.Unparseable u) {
            w += len(u.error());
        } else if (e instanceof SipEvent.Answered a) {
            w += len(a.reason());
        }
        return w;
    }

    private static long len(String s) {
        return s == null ? 0 : 2L * s.length();
    }

    /** Delivers what is queued, closes the sinks, and waits up to 5 s for that to finish. */
    @Override
    public void close() {
        close(5000, 5000);
    }

    /**
     * Delivers what is queued and closes the sinks (which write their files). Past {@code hurryMillis}, the backlog no
     * longer goes to the uncoalesced sinks (the pcap); waits at most {@code waitMillis}. True when the sinks are
     * closed.
     */
    public boolean close(long hurryMillis, long waitMillis) {
        if (!closed) {
            closed = true;
            hurryAfterNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hurryMillis);
            queue.add(POISON);
        }
        try {
            return done.await(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
