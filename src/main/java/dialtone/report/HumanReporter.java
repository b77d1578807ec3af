package dialtone.report;

import dialtone.event.ConfigEvent;
import dialtone.event.Event;
import dialtone.event.EventSink;
import dialtone.event.RegistrationEvent;
import dialtone.event.RunEvent;
import dialtone.event.TransportEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The timeline for people: {@code +1.234s tag  text}. On a terminal it uses colour (unless NO_COLOR or
 * {@code --no-color}) and shows a live status line during long waits (connecting, registering, ringing) that the
 * next event line replaces. Piped output carries neither.
 *
 * <p>Lines are in the order of the times they show. Events reach the bus in the order they were published, which is
 * not always the order they happened in (a native callback is stamped when it fires and published when the UA loop
 * gets to it; the DTLS line is stamped when the peer connection connected and published once the statistics name
 * the cipher). So each event is held for {@link #HOLD} and printed in time order; the run's last event and
 * {@link #close()} print everything held. A repeated ICE state (libwebrtc reports connected and completed again
 * when a new candidate pair is checked while media flows) is shown once per connected period.
 */
public final class HumanReporter implements EventSink {
    private static final String RESET = "\u001b[0m";
    private static final String CLEAR_LINE = "\r\u001b[2K";
    private static final char[] SPINNER = {'|', '/', '-', '\\'};

    private final PrintWriter out;
    private final HumanFormat format;
    private final boolean color;
    private final boolean live;
    private Instant start;
    private String status;
    private long statusSince;
    private int spin;
    private boolean statusShown;
    private ScheduledExecutorService ticker;

    /**
     * @param color colour escapes on
     * @param live  a live status line (a terminal, not piped)
     */
    public HumanReporter(PrintWriter out, boolean sipTrace, boolean color, boolean live) {
        this.out = out;
        this.format = new HumanFormat(sipTrace);
        this.color = color;
        this.live = live;
    }

    private String runScenario = "";

    /** How long an event waits for earlier ones that reach the bus after it. */
    static final Duration HOLD = Duration.ofMillis(300);

    private record Pending(Event event, long seq, long arrivedNanos) {
    }

    private final java.util.PriorityQueue<Pending> held = new java.util.PriorityQueue<>(
            java.util.Comparator.comparing((Pending p) -> p.event().at()).thenComparingLong(Pending::seq));
    private long seq;
    private Instant latest;
    /** Per scenario: the ICE states shown since ICE last left connected/completed, and the last state shown. */
    private final java.util.Map<String, java.util.Set<String>> iceUp = new java.util.HashMap<>();
    private final java.util.Map<String, String> iceLast = new java.util.HashMap<>();
    private ScheduledExecutorService flusher;

    @Override
    public synchronized void accept(Event e) {
        if (start == null || e instanceof RunEvent.Started) {
            start = e.at();
            runScenario = e.scenario();
        }
        held.add(new Pending(e, seq++, System.nanoTime()));
        if (latest == null || e.at().isAfter(latest)) {
            latest = e.at();
        }
        release(e instanceof RunEvent.Finished);
        if (flusher == null && !held.isEmpty()) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "timeline-flush");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleAtFixedRate(() -> {
                synchronized (this) {
                    release(false);
                    out.flush();
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
        }
        String next = waitingFor(e);
        if (next != null) {
            status = next;
            statusSince = System.nanoTime();
            showStatus();
        } else if (!(e instanceof dialtone.event.SipEvent)) {
            status = null;
        } else if (status != null) {
            showStatus();
        }
        out.flush();
    }

    /** Prints, in time order, what has waited long enough (everything when {@code all}). */
    private void release(boolean all) {
        long now = System.nanoTime();
        while (!held.isEmpty()) {
            Pending p = held.peek();
            boolean due = all || now - p.arrivedNanos() >= HOLD.toNanos()
                    || !p.event().at().isAfter(latest.minus(HOLD));
            if (!due) {
                return;
            }
            held.poll();
            print(p.event());
        }
    }

    /** False for an ICE state that says nothing new (see the class comment). */
    private boolean news(dialtone.event.MediaEvent.IceState s) {
        String state = s.state();
        java.util.Set<String> up = iceUp.computeIfAbsent(s.scenario(), k -> new java.util.HashSet<>());
        boolean connected = state.equals("connected") || state.equals("completed");
        if (!connected) {
            up.clear();
            return !state.equals(iceLast.put(s.scenario(), state));
        }
        iceLast.put(s.scenario(), state);
        if (up.contains(state) || state.equals("connected") && up.contains("completed")) {
            return false;
        }
        up.add(state);
        return true;
    }

    private void print(Event e) {
        if (e instanceof dialtone.event.MediaEvent.IceState s && !news(s)) {
            return;
        }
        clearStatus();
        HumanFormat.Rendered r = format.render(e);
        if (r != null) {
            long ms = Duration.between(start, e.at()).toMillis();
            String stamp = String.format("+%6.3fs", ms / 1000.0);
            List<String> lines = r.lines();
            for (int i = 0; i < lines.size(); i++) {
                String tag = i == 0 ? r.tag() : "";
                out.print(paint(stamp, "2") + " " + paint(String.format("%-6s", tag), tagColor(r.kind())) + " ");
                // a run with many calls (load, answering) names the call on its lines
                String who = i == 0 && !e.scenario().equals(runScenario) && e.scenario().startsWith("call#")
                        ? "[" + e.scenario() + "] " : "";
                out.println(who + (i == 0 ? paintText(lines.get(i), r.kind()) : lines.get(i)));
                if (i == 0) {
                    stamp = " ".repeat(stamp.length());
                }
            }
        }
    }

    /** The text of the live status line this event starts, or null. */
    private static String waitingFor(Event e) {
        if (e instanceof ConfigEvent.Fetching) {
            return "fetching the endpoint configuration";
        } else if (e instanceof TransportEvent.Connecting c) {
            return "connecting to " + c.url();
        } else if (e instanceof RegistrationEvent.Sending s) {
            return s.expires() == 0 ? "unregistering" : "registering";
        } else if (e instanceof TransportEvent.Reconnecting) {
            return "waiting to reconnect";
        }
        return null;
    }

    private void showStatus() {
        if (!live || status == null) {
            return;
        }
        double secs = (System.nanoTime() - statusSince) / 1e9;
        out.print(CLEAR_LINE + paint(SPINNER[spin++ % SPINNER.length] + " " + status + "... "
                + String.format("%.1fs", secs), "36"));
        out.flush();
        statusShown = true;
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "status-line");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::tick, 200, 200, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void tick() {
        if (status != null) {
            showStatus();
        }
    }

    private void clearStatus() {
        if (statusShown) {
            out.print(CLEAR_LINE);
            statusShown = false;
        }
    }

    @Override
    public synchronized void close() {
        status = null;
        clearStatus();
        release(true);
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (flusher != null) {
            flusher.shutdownNow();
        }
        out.flush();
    }

    private String paint(String s, String code) {
        return color ? "\u001b[" + code + "m" + s + RESET : s;
    }

    private String paintText(String s, HumanFormat.Kind k) {
        return switch (k) {
            case BAD -> paint(s, "31");
            case GOOD -> paint(s, "32");
            case WARN -> paint(s, "33");
            default -> s;
        };
    }

    private static String tagColor(HumanFormat.Kind k) {
        return switch (k) {
            case BAD -> "1;31";
            case GOOD -> "1;32";
            case WARN -> "1;33";
            case DETAIL -> "2";
            default -> "1;34";
        };
    }
}
