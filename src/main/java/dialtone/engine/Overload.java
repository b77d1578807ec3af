package dialtone.engine;

import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.Originator;
import dialtone.event.RunEvent;
import dialtone.media.Pacing;
import dialtone.support.CpuMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Whether dialtone itself keeps up. Once a second it takes the audio pump's pacing over the last second (how late
 * its 10 ms frames were, how many it skipped: {@link Pacing}) and this process's CPU against the cores it may use
 * ({@link CpuMeter}); a second is <em>behind</em> when the frames were late or skipped beyond the thresholds below.
 * A run that was behind for {@link #OVERLOADED_SECONDS} seconds or more, or whose calls failed at the media or audio
 * layer while it was behind, is <em>overloaded</em>: its verdict is dialtone's limit (exit 10), never the far end's.
 *
 * <p>The thresholds were set from measurements on this machine (README, "dialtone overloaded"): a pump with the CPU it
 * needs has its 95th-percentile frame 0-26 ms late, up to 48 ms in single seconds while four other builds kept the
 * 2-core machine at a load average of 12; starved (one core beside a busy loop, at nice 10) it is 36-160 ms late and
 * skips 12-38 % of a second's frames; 50 calls connecting at 25 a second hold it off (activation windows) for up to
 * 400 ms a second, with skips.
 */
public final class Overload implements AutoCloseable {
    /** A second whose 95th-percentile frame is later than this is behind. */
    static final double LATE_P95_MS = 60;
    /** A second that skipped more than this share of its due frames is behind (2 %: 2 frames of 100). */
    static final double SKIPPED_SHARE = 0.02;
    /** A second in which dialtone used this share of the cores it may use is behind (no headroom left). */
    static final double CPU_SHARE = 0.95;
    /** A second whose pump pushed fewer frames than this (calls just starting, none sending) is judged by skips only. */
    static final long MIN_FRAMES = 50;
    /**
     * A second in which the whole machine had no idle CPU and a thread of dialtone's own (the pump, the heartbeat) woke
     * {@link #WAITED_MS} or more late. dialtone cannot vouch for its media timing then even when its pump's 95th
     * percentile kept time: libwebrtc's network, worker and encoder threads wait for a core like everyone else. Captured
     * on lo at a load average of 20 on 2 cores, calls were judged "no RTP packet arrived" for 0.3-1.5 s while the far
     * end's packets reached the host every 20-100 ms. Such a second does not make a run overloaded by itself (a call
     * that carried its media passes); a call that failed at the media or audio layer across it is not the far end's
     * failure. A busy machine alone is not enough: with threads on time, a call without a media path is the far end's.
     */
    static final double SATURATED = 0.95;
    /** How late a thread of dialtone's must have woken, in a saturated second, for that second to count. */
    static final double WAITED_MS = 100;
    /**
     * A thread of dialtone's that woke this late did not run at all meanwhile: the whole process stood still (SIGSTOP,
     * a frozen cgroup or container, a paused VM, a CPU quota used up). Its window is judged as one long second.
     */
    static final double STOOD_STILL_MS = 1000;
    /** Seconds behind (in all) that make a run overloaded by themselves. */
    static final int OVERLOADED_SECONDS = 3;
    static final boolean TRACE = "1".equals(System.getenv("DIALTONE_PACING_TRACE"));
    /** Episodes kept for the report (a long run's later ones are counted, not kept). */
    static final int MAX_EPISODES = 1000;

    /** One second as judged: its figures and, when behind, why (else null). */
    public record Second(Instant at, int calls, long frames, double skippedShare, double lateMsP95, double lateMsMax,
                         double cpuCores, double coresAvailable, double machineBusy, String behind, double heldOffMs,
                         double waitedMsMax) {
        public Second(Instant at, int calls, long frames, double skippedShare, double lateMsP95, double lateMsMax,
                      double cpuCores, double coresAvailable, double machineBusy, String behind, double heldOffMs) {
            this(at, calls, frames, skippedShare, lateMsP95, lateMsMax, cpuCores, coresAvailable, machineBusy, behind,
                    heldOffMs, lateMsMax);
        }

        /** No idle CPU on the machine and a thread of dialtone's woke late: its timing cannot be vouched for. */
        boolean unsure() {
            return machineBusy >= SATURATED && waitedMsMax >= WAITED_MS;
        }

        public Second(Instant at, int calls, long frames, double skippedShare, double lateMsP95, double lateMsMax,
                      double cpuCores, double coresAvailable, double machineBusy, String behind) {
            this(at, calls, frames, skippedShare, lateMsP95, lateMsMax, cpuCores, coresAvailable, machineBusy, behind, 0);
        }

        boolean isBehind() {
            return behind != null;
        }

        /** "frames 38 ms late (p95), 4 % skipped, 1.9 of 2 cores, machine 100 % busy". */
        String figures() {
            StringBuilder b = new StringBuilder();
            b.append("frames ").append(Math.round(lateMsP95)).append(" ms late (p95, max ").append(Math.round(lateMsMax))
                    .append(" ms)");
            if (skippedShare > 0) {
                b.append(", ").append(pct(skippedShare)).append(" % skipped");
            }
            if (cpuCores >= 0) {
                b.append(", ").append(num(cpuCores)).append(" of ").append(coresAvailable < 0 ? "?" : num(coresAvailable))
                        .append(" cores");
            }
            if (machineBusy >= 0) {
                b.append(", machine ").append(pct(machineBusy)).append(" % busy");
                if (machineBusy >= 0.9 && cpuCores >= 0 && coresAvailable > 0 && cpuCores < 0.5 * coresAvailable) {
                    b.append(" with other processes");
                }
            }
            if (waitedMsMax >= STOOD_STILL_MS) { // one wake-up seconds late: nothing of dialtone's ran meanwhile
                b.append(", its threads stood still for ").append(String.format(Locale.ROOT, "%.1f", waitedMsMax / 1000.0))
                        .append(" s (the process was stopped, paused or given no CPU)");
            }
            if (heldOffMs >= 200) { // the pump waited for activation windows: many calls connecting at once
                b.append(", audio held ").append(Math.round(heldOffMs)).append(" ms by calls connecting (a lower --rate helps)");
            }
            return b.toString();
        }
    }

    /** A stretch of consecutive seconds behind. */
    public record Episode(Instant start, Instant end, Second first, Second worst) {
        long millis() {
            return Duration.between(start, end).toMillis();
        }
    }

    /** Judges one second from the pump's frames alone (no heartbeat, no calls counted apart). */
    static Second judge(Instant at, Pacing.Window p, double cpuCores, double coresAvailable, double machineBusy) {
        return judge(at, p, Pacing.Window.EMPTY, p.calls(), cpuCores, coresAvailable, machineBusy);
    }

    /**
     * Judges one second: the pump's frames {@code p}, the monitor's own 10 ms heartbeat {@code beat} (how late a thread
     * of this process wakes: it sees a starved process even before any call sends, when the pump has nothing to
     * push), the calls in progress, and the CPU.
     */
    static Second judge(Instant at, Pacing.Window p, Pacing.Window beat, int calls, double cpuCores, double coresAvailable,
                        double machineBusy) {
        String why = null;
        boolean pumping = p.frames() >= MIN_FRAMES;
        if (p.skippedShare() > SKIPPED_SHARE) {
            why = "frames skipped";
        } else if (pumping && p.lateMsP95() > LATE_P95_MS) {
            why = "frames late";
        } else if (calls > 0 && !pumping && beat.frames() > 0 && beat.lateMsP95() > LATE_P95_MS) {
            why = "threads wake late";
        } else if (pumping && cpuCores >= 0 && coresAvailable > 0 && cpuCores >= CPU_SHARE * coresAvailable) {
            why = "CPU";
        }
        boolean useBeat = !pumping && calls > 0 && beat.frames() > 0;
        double waited = Math.max(p.frames() > 0 ? p.lateMsMax() : 0, beat.frames() > 0 ? beat.lateMsMax() : 0);
        return new Second(at, Math.max(calls, p.calls()), p.frames(), p.skippedShare(),
                useBeat ? beat.lateMsP95() : p.lateMsP95(), useBeat ? beat.lateMsMax() : p.lateMsMax(), cpuCores,
                coresAvailable, machineBusy, why, p.heldOffMs(), waited);
    }

    private final Consumer<Event> publish;
    private final Clock clock;
    private final String scenario;
    private final List<Episode> episodes = new ArrayList<>();
    private volatile boolean behind;
    private volatile int consecutive;
    /** Seconds behind in a row that make it more than a moment (see {@link #sustained()}). */
    static final int SUSTAINED_SECONDS = 2;
    /** A second in which dialtone used this share of the cores it may use leaves no headroom for another call. */
    static final double HEADROOM_SHARE = 0.8;
    /** The last judged second's CPU as a share of the cores available; -1 when unknown. */
    private volatile double cpuShare = -1;
    private Instant since;
    private Instant lastAt;
    /**
     * One judged window: a second, or longer when the monitor itself could not run (the process stood still), from
     * the end of the window before it.
     */
    record Judged(Instant from, Second second) {
    }

    /** The windows judged (the last two hours of them), for a step's own figures. */
    private final java.util.ArrayDeque<Judged> recent = new java.util.ArrayDeque<>();
    /** Where the next judged window starts: the end of the last one (or the monitor's start). */
    private Instant windowFrom;
    static final int MAX_RECENT = 7200;
    private Second first;
    private Second worst;
    private long secondsBehind;
    private long secondsJudged;
    private long episodeCount;
    private volatile Thread thread;
    private final Pacing heartbeat = new Pacing();
    private java.util.function.IntSupplier active = () -> 0;
    static final long BEAT_NS = 10_000_000L;
    private Pacing pacing;
    private CpuMeter meter;
    private CpuMeter.Sample last;
    private double cores;

    public Overload(Consumer<Event> publish, Clock clock, String scenario) {
        this.publish = publish;
        this.clock = clock;
        this.scenario = scenario;
    }

    /** Starts judging once a second, from the process's pump, its own heartbeat and /proc. */
    public synchronized Overload start() {
        pacing = Pacing.process();
        pacing.drain(); // what came before this run is not its own
        meter = new CpuMeter();
        cores = meter.coresAvailable();
        last = meter.sample();
        windowFrom = clock.instant();
        Thread t = new Thread(this::beat, "overload-monitor");
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    /** Calls in progress (for a second in which no call sends yet: a starved process may never get that far). */
    public Overload calls(java.util.function.IntSupplier active) {
        this.active = active;
        return this;
    }

    /** Wakes every 10 ms, recording how late it woke; judges a second every second. */
    private void beat() {
        Thread me = Thread.currentThread();
        long windowStart = System.nanoTime();
        long due = windowStart + BEAT_NS;
        while (thread == me) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                continue;
            }
            long now = System.nanoTime();
            heartbeat.pushed(now - due, 0);
            due = now + BEAT_NS; // each beat measures one sleep's wake-up, as cyclictest does
            if (now - windowStart >= 1_000_000_000L) {
                windowStart = now;
                tick();
            }
        }
    }

    private void tick() {
        try {
            CpuMeter.Sample now = meter.sample();
            Pacing.Window w = pacing.drain();
            Pacing.Window b = heartbeat.drain();
            double cpu = now.coresSince(last);
            double machine = now.machineBusySince(last);
            last = now;
            Second sec = judge(clock.instant(), w, b, active.getAsInt(), cpu, cores, machine);
            if (TRACE) { // calibration: every second's figures on stderr (DIALTONE_PACING_TRACE=1)
                System.err.println("pacing " + sec.at() + " calls " + sec.calls() + " frames " + sec.frames() + " held "
                        + Math.round(w.heldOffMs()) + " ms, beat p95 " + Math.round(b.lateMsP95()) + " ms " + sec.figures()
                        + (sec.isBehind() ? " BEHIND (" + sec.behind() + ")" : ""));
            }
            observe(sec);
        } catch (RuntimeException e) {
            // a monitor that cannot read stays quiet; it must never stop the run
        }
    }

    /** Takes one judged second: starts or ends an episode, publishing {@code run.overloaded}. */
    synchronized void observe(Second s) {
        secondsJudged++;
        // a window is a second unless the process stood still: then it runs from the end of the last one
        Instant from = windowFrom != null && windowFrom.isBefore(s.at()) ? windowFrom : s.at().minusSeconds(1);
        windowFrom = s.at();
        lastAt = s.at();
        recent.addLast(new Judged(from, s));
        if (recent.size() > MAX_RECENT) {
            recent.removeFirst();
        }
        consecutive = s.isBehind() ? consecutive + 1 : 0;
        // the headroom rule judges the CPU of a second that carried a call: with none up, what the process used was its
        // own start-up (class loading, JIT, the native library, TLS and registration: a whole core for the first seconds
        // on a small allowance), which says nothing about the room for a call (issue #23: a 0.25-core answerer refused
        // the first INVITE with 503 while carrying nothing, and Admission learned a capacity of 2 from it)
        cpuShare = s.calls() > 0 && s.cpuCores() >= 0 && s.coresAvailable() > 0 ? s.cpuCores() / s.coresAvailable() : -1;
        if (s.isBehind()) {
            secondsBehind++;
            if (!behind) {
                behind = true;
                since = from;
                first = s;
                worst = s;
                publish.accept(new RunEvent.Overloaded(s.at(), scenario, "behind", s.calls(), s.lateMsP95(), s.lateMsMax(),
                        s.skippedShare(), s.cpuCores(), s.coresAvailable(), s.machineBusy(), 0,
                        "dialtone is behind at " + s.calls() + " calls: " + s.figures()));
            } else if (severity(s) > severity(worst)) {
                worst = s;
            }
        } else if (behind) {
            end(from);
        }
    }

    private void end(Instant at) {
        behind = false;
        Episode e = new Episode(since, at.isBefore(since) ? since : at, first, worst);
        episodeCount++;
        if (episodes.size() < MAX_EPISODES) {
            episodes.add(e);
        }
        publish.accept(new RunEvent.Overloaded(at, scenario, "recovered", worst.calls(), worst.lateMsP95(), worst.lateMsMax(),
                worst.skippedShare(), worst.cpuCores(), worst.coresAvailable(), worst.machineBusy(), e.millis(),
                "dialtone caught up after " + String.format(Locale.ROOT, "%.1f", e.millis() / 1000.0) + " s behind (worst: "
                        + worst.figures() + ")"));
    }

    private static double severity(Second s) {
        return s.lateMsP95() + 1000 * s.skippedShare();
    }

    /** Whether dialtone is behind now (the last second judged was). */
    public boolean behind() {
        return behind;
    }

    /**
     * Whether dialtone has been behind for {@link #SUSTAINED_SECONDS} seconds in a row: not a moment of calls
     * connecting (each activation holds the audio pump off briefly) but more than it can carry. What the answering
     * side sheds on.
     */
    public boolean sustained() {
        return behind && consecutive >= SUSTAINED_SECONDS;
    }

    /**
     * Whether the last second judged carried at least one call and used {@link #HEADROOM_SHARE} or more of the cores
     * dialtone may use (its cgroup quota or affinity): no room for one more call's set-up (ICE, DTLS, a new encoder)
     * without falling behind. A second with no call up is not judged on its CPU (start-up's, not the calls'); its
     * pacing still is ({@link #sustained()}). The
     * answering side sheds on it before the calls it carries suffer, not two seconds after (issue #23: a starved answerer
     * took 10 calls in the two seconds {@link #sustained()} waits, and carried them with outages).
     */
    public boolean noHeadroom() {
        return cpuShare >= HEADROOM_SHARE;
    }

    /**
     * Whether any second between {@code from} and {@code to} was behind, or saw the machine saturated ({@link #SATURATED}):
     * a media or audio failure across such a second is dialtone's to explain, not the far end's.
     */
    public synchronized boolean behindBetween(Instant from, Instant to) {
        for (Episode e : episodes) {
            if (!e.end().isBefore(from) && !e.start().isAfter(to)) {
                return true;
            }
        }
        return behind && !since.isAfter(to) || saturatedBetween(from, to) != null;
    }

    /** The worst second between {@code from} and {@code to} that dialtone cannot vouch for ({@link Second#unsure}), or null. */
    synchronized Second saturatedBetween(Instant from, Instant to) {
        Second w = null;
        for (Judged j : recent) {
            Second s = j.second();
            if (s.unsure() && !s.at().isBefore(from) && !j.from().isAfter(to)
                    && (w == null || s.waitedMsMax() > w.waitedMsMax())) {
                w = s;
            }
        }
        return w;
    }

    private synchronized long secondsSaturatedBetween(Instant from, Instant to) {
        return recent.stream().filter(j -> j.second().unsure() && !j.second().at().isBefore(from)
                && !j.from().isAfter(to)).count();
    }

    /** Seconds behind between {@code from} and {@code to} (whole seconds of episodes overlapping it). */
    public synchronized long secondsBehindBetween(Instant from, Instant to) {
        long ms = 0;
        for (Episode e : all()) {
            Instant a = e.start().isBefore(from) ? from : e.start();
            Instant b = e.end().isAfter(to) ? to : e.end();
            if (b.isAfter(a)) {
                ms += Duration.between(a, b).toMillis();
            }
        }
        return Math.round(ms / 1000.0);
    }

    private List<Episode> all() {
        List<Episode> l = new ArrayList<>(episodes);
        if (behind) {
            l.add(new Episode(since, lastAt, first, worst)); // up to the last second judged
        }
        return l;
    }

    /** The worst second between {@code from} and {@code to}, or null if none was behind. */
    synchronized Episode episodeBetween(Instant from, Instant to) {
        Second f = null;
        Second w = null;
        Instant start = null;
        Instant end = null;
        for (Episode e : all()) {
            if (e.end().isBefore(from) || e.start().isAfter(to)) {
                continue;
            }
            if (f == null) {
                f = e.first();
                start = e.start();
            }
            if (w == null || severity(e.worst()) > severity(w)) {
                w = e.worst();
            }
            end = e.end();
        }
        return f == null ? null : new Episode(start, end, f, w);
    }

    /** Overloaded between the two instants: behind for {@link #OVERLOADED_SECONDS} or more. */
    public synchronized boolean overloadedBetween(Instant from, Instant to) {
        return secondsBehindBetween(from, to) >= OVERLOADED_SECONDS;
    }

    /**
     * The overloaded verdict for the time between the two instants, or null when dialtone kept up: behind for
     * {@link #OVERLOADED_SECONDS} or more, or {@code failedWhileBehind} calls failed at the media or audio layer while
     * it was behind.
     */
    public synchronized Failure failure(Instant from, Instant to, int failedWhileBehind) {
        long secs = secondsBehindBetween(from, to);
        Episode e = episodeBetween(from, to);
        if (e == null && failedWhileBehind > 0) {
            Second sat = saturatedBetween(from, to);
            if (sat != null) { // dialtone kept its own pace, but the machine had no idle CPU when these calls failed
                return new Failure(Layer.OVERLOAD, Cause.OVERLOADED, Originator.LOCAL, 0, null, "dialtone overloaded at "
                        + sat.calls() + " calls: " + sat.figures() + "; no idle CPU on the machine and its threads woke up to "
                        + Math.round(sat.waitedMsMax()) + " ms late for " + secondsSaturatedBetween(from, to) + " s, "
                        + failedWhileBehind + " media/audio failures while "
                        + "behind are dialtone's, not the far end's (run it where the machine has idle CPU)");
            }
        }
        if (e == null || secs < OVERLOADED_SECONDS && failedWhileBehind == 0) {
            return null;
        }
        String msg = "dialtone overloaded at " + e.first().calls() + " calls: " + e.worst().figures() + "; behind "
                + Math.max(1, secs) + " s" + (failedWhileBehind > 0 ? ", " + failedWhileBehind
                + " media/audio failures while behind are dialtone's, not the far end's" : "")
                + " (fewer calls per process, or more CPU)";
        return new Failure(Layer.OVERLOAD, Cause.OVERLOADED, Originator.LOCAL, 0, null, msg);
    }

    /**
     * How much of the time between {@code from} and {@code to} dialtone cannot vouch for: behind (episodes, a process
     * that stood still included) or in a second without idle CPU on the machine while its threads woke late
     * ({@link Second#unsure}). A media outage that lies within it is dialtone's, not the far end's.
     */
    public synchronized long ownMillisBetween(Instant from, Instant to) {
        List<Instant[]> spans = new ArrayList<>();
        for (Episode e : all()) {
            spans.add(new Instant[] {e.start(), e.end()});
        }
        for (Judged j : recent) {
            if (j.second().unsure()) {
                spans.add(new Instant[] {j.from(), j.second().at()});
            }
        }
        spans.sort((a, b) -> a[0].compareTo(b[0]));
        long ms = 0;
        Instant covered = from; // spans overlap (an unsure second inside an episode): count each instant once
        for (Instant[] sp : spans) {
            Instant a = sp[0].isBefore(covered) ? covered : sp[0];
            Instant b = sp[1].isAfter(to) ? to : sp[1];
            if (b.isAfter(a)) {
                ms += Duration.between(a, b).toMillis();
                covered = b;
            }
        }
        return ms;
    }

    /** The figures of the worst second between the two instants that dialtone cannot vouch for, or null. */
    public synchronized String figuresBetween(Instant from, Instant to) {
        Episode e = episodeBetween(from, to);
        if (e != null) {
            return e.worst().figures();
        }
        Second sat = saturatedBetween(from, to);
        return sat == null ? null : sat.figures() + ", threads woke up to " + Math.round(sat.waitedMsMax()) + " ms late";
    }

    /** The run's pacing facts for its summary. */
    public synchronized Map<String, Object> summary(Instant from, Instant to) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("overloadedSeconds", secondsBehindBetween(from, to));
        double late = 0;
        double cpu = -1;
        for (Judged j : recent) {
            Second s = j.second();
            if (!s.at().isBefore(from) && !j.from().isAfter(to)) {
                late = Math.max(late, s.lateMsP95());
                if (s.frames() > 0) {
                    cpu = Math.max(cpu, s.cpuCores());
                }
            }
        }
        m.put("frameLateMsP95Max", Math.round(late));
        if (cpu >= 0) {
            m.put("cpuCoresMax", Math.round(cpu * 100) / 100.0);
        }
        if (cores > 0) {
            m.put("coresAvailable", Math.round(cores * 100) / 100.0);
        }
        return m;
    }

    /** Stops judging; an episode still open ends now. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            java.util.concurrent.locks.LockSupport.unpark(t);
            try {
                t.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!t.isAlive()) {
                tick(); // the last part of a second is judged too: a stall just before the end is the run's
            }
        }
        synchronized (this) {
            if (behind) {
                Instant now = clock.instant();
                end(now.isAfter(lastAt) ? now : lastAt);
            }
        }
    }

    /** 1.9, 2, 0.15: one decimal, two below one core (a quota of 0.15 core is not "0.2"). */
    static String num(double v) {
        String t = String.format(Locale.ROOT, v < 0.995 ? "%.2f" : "%.1f", v);
        return t.contains(".") ? t.replaceAll("0+$", "").replaceAll("\\.$", "") : t;
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.0f", share * 100);
    }
}
