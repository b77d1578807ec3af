package dialtone.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dialtone.event.CallEvent;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.media.MediaSession;
import dialtone.sip.ua.InviteSession;
import dialtone.support.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs {@link Script} commands against an established call, one after the other, on its own thread; every step is
 * a {@code call.step} event (and a JUnit test case). The first failed expectation stops the script: the call is
 * hung up and the run fails with the audio/assertion exit code.
 */
final class ScriptRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A script's DTMF: each tone 100 ms, 70 ms apart (RFC 4733 makes them 160 and 90: {@link CallControl}). */
    static final int DTMF_MS = 100;
    static final int DTMF_GAP_MS = 70;

    private final Scheduler loop;
    private final Consumer<Event> publish;
    private final String scenario;
    private final InviteSession call;
    private final CallAudio media;
    private final CallControl control;
    private final List<Consumer<Event>> taps;
    private final String dtmfMode;
    private final Conversation conversation;
    /** The far-end turns {@code listen} and {@code barge-in} have taken (turns are numbered from 1). */
    private int turnsTaken;

    ScriptRunner(Scheduler loop, Consumer<Event> publish, String scenario, InviteSession call, CallAudio media,
                 CallControl control, List<Consumer<Event>> taps, String dtmfMode) {
        this(loop, publish, scenario, call, media, control, taps, dtmfMode, null);
    }

    ScriptRunner(Scheduler loop, Consumer<Event> publish, String scenario, InviteSession call, CallAudio media,
                 CallControl control, List<Consumer<Event>> taps, String dtmfMode, Conversation conversation) {
        this.conversation = conversation;
        this.loop = loop;
        this.publish = publish;
        this.scenario = scenario;
        this.call = call;
        this.media = media;
        this.control = control;
        this.taps = taps;
        this.dtmfMode = dtmfMode;
        taps.add(e -> {
            if (e instanceof CallEvent.DtmfReceived || e instanceof CallEvent.InfoReceived || e instanceof CallEvent.Transcript) {
                synchronized (history) {
                    history.add(e);
                    history.notifyAll();
                }
            }
        });
    }

    private volatile boolean ended;
    private final CompletableFuture<Void> endedFuture = new CompletableFuture<>();

    /** The call is ending: a pending expectation fails now, and the lines not reached are reported, not skipped. */
    void callEnded() {
        ended = true;
        endedFuture.complete(null);
        synchronized (history) {
            history.notifyAll();
        }
    }

    /**
     * Runs every command of {@code src} in order (on the calling thread). A bad line or a failed expectation ends a
     * script (not the console): the call is hung up and the failure returned. When the call ends first, the pending
     * expectation and every expectation not reached fail: an expectation that was never met is never a pass.
     *
     * @param hangUpAtEnd hang up when a script runs out of lines (no --duration)
     */
    Failure runAll(CommandSource src, boolean hangUpAtEnd) {
        boolean interactive = src.interactive();
        int n = 0;
        try {
            String line;
            while (!ended && (line = src.next()) != null) {
                n++;
                Script.Command c;
                try {
                    c = Script.parseLine(line, interactive ? 0 : n);
                } catch (IllegalArgumentException e) {
                    publish.accept(new CallEvent.Step(loop.now(), scenario, interactive ? 0 : n, line.strip(), false, e.getMessage()));
                    if (interactive) {
                        continue;
                    }
                    return hangUp(Failure.of(Layer.AUDIO, Cause.ASSERTION_FAILED, e.getMessage()));
                }
                if (c == null) {
                    continue;
                }
                Failure f = run(c);
                if (c.verb().equals("hangup")) {
                    return null;
                }
                if (f != null && !interactive) {
                    if (ended) {
                        notReached(src, n);
                        return f;
                    }
                    return hangUp(f);
                }
            }
            if (ended) {
                return interactive ? null : notReached(src, n);
            }
            if (interactive || hangUpAtEnd) {
                loop.execute(() -> call.bye(interactive ? "the console was closed" : "the script ended"));
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Failure hangUp(Failure f) {
        loop.execute(() -> call.bye("the script failed"));
        return f;
    }

    /** The expectations after line {@code n} that the call ended before: each a failed step; the first is returned. */
    private Failure notReached(CommandSource src, int n) throws InterruptedException {
        Failure first = null;
        String line;
        while ((line = src.next()) != null) {
            n++;
            Script.Command c;
            try {
                c = Script.parseLine(line, n);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (c != null && c.verb().startsWith("expect-")) {
                String detail = "not run: the call ended first";
                publish.accept(new CallEvent.Step(loop.now(), scenario, c.line(), c.text(), false, detail));
                if (first == null) {
                    first = fail(c, detail);
                }
            }
        }
        return first;
    }

    /** What the far end sent since the script started; expectations consume it in order, so nothing is missed. */
    private final List<Event> history = new java.util.ArrayList<>();
    private int cursor;

    /** Waits for an event after the cursor that {@code p} accepts; moves the cursor past it. */
    private Event consume(Predicate<Event> p, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        synchronized (history) {
            while (true) {
                for (int i = cursor; i < history.size(); i++) {
                    if (p.test(history.get(i))) {
                        cursor = i + 1;
                        return history.get(i);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || ended) {
                    return null;
                }
                history.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Runs one command; returns the failure of an expectation, else null. {@code hangup} returns null too. */
    Failure run(Script.Command c) throws InterruptedException {
        String detail;
        boolean ok = true;
        switch (c.verb()) {
            case "wait" -> {
                try {
                    endedFuture.get(c.within().toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // waited the whole time
                }
                detail = "";
            }
            case "dtmf" -> {
                // the step ends when its tones have been sent (CallControl says when), not after a guess
                CompletableFuture<CompletableFuture<Boolean>> asked = new CompletableFuture<>();
                loop.execute(() -> asked.complete(control.dtmf(c.arg(), dtmfMode, DTMF_MS, DTMF_GAP_MS)));
                CompletableFuture<Boolean> sent = get(asked, Duration.ofSeconds(5));
                long longest = CallControl.sendingMs(c.arg(), CallControl.rfc4733Duration(DTMF_MS),
                        CallControl.rfc4733Gap(DTMF_GAP_MS)) + 5000;
                if (sent != null) {
                    get(CompletableFuture.anyOf(sent, endedFuture), Duration.ofMillis(longest)); // or the call ended first
                }
                ok = sent != null && !Boolean.FALSE.equals(sent.getNow(null)); // false: refused (no telephone-event)
                detail = ok ? dtmfMode : dtmfMode + ": not sent (the far end did not accept telephone-event)";
            }
            case "info" -> {
                JsonNode data = null;
                if (c.json() != null) {
                    try {
                        data = JSON.readTree(c.json());
                    } catch (java.io.IOException e) {
                        return fail(c, "the data is not JSON");
                    }
                }
                CompletableFuture<CallEvent.InfoSent> sent = await(e -> e instanceof CallEvent.InfoSent, CallEvent.InfoSent.class);
                JsonNode d = data;
                loop.execute(() -> control.info(c.arg(), d));
                CallEvent.InfoSent r = get(sent, Duration.ofSeconds(10));
                ok = r != null && r.status() / 100 == 2;
                detail = r == null ? "no answer" : "answered " + r.status();
            }
            case "mute", "unmute" -> {
                loop.execute(() -> control.mute(c.verb().equals("mute")));
                detail = "";
            }
            case "stats" -> {
                if (media != null) {
                    media.sample().thenAccept(s -> publish.accept(new MediaEvent.Stats(loop.now(), scenario, s)));
                }
                detail = "";
            }
            case "hangup" -> {
                loop.execute(() -> call.bye("hangup command"));
                detail = "";
            }
            case "help" -> detail = Script.help();
            case "expect-tone" -> {
                boolean heard = media != null && heard(media, c.hz(), c.within(), endedFuture);
                ok = heard;
                detail = heard ? Math.round(c.hz()) + " Hz heard" : "no " + Math.round(c.hz()) + " Hz "
                        + (ended ? "before the call ended" : "within " + c.within().toMillis() / 1000.0 + " s");
            }
            case "expect-dtmf" -> {
                StringBuilder got = new StringBuilder();
                long end = System.nanoTime() + c.within().toNanos();
                while (got.indexOf(c.arg()) < 0) {
                    Event e = consume(x -> x instanceof CallEvent.DtmfReceived,
                            Duration.ofNanos(Math.max(0, end - System.nanoTime())));
                    if (e == null) {
                        break;
                    }
                    got.append(((CallEvent.DtmfReceived) e).digit());
                }
                ok = got.indexOf(c.arg()) >= 0;
                detail = ok ? "received " + c.arg() : "received '" + got + "', not " + c.arg()
                        + (ended ? " before the call ended" : "");
            }
            case "expect-info" -> {
                Event e = consume(x -> (x instanceof CallEvent.InfoReceived i && c.regex().matcher(i.body()).find())
                        || (x instanceof CallEvent.Transcript tr && c.regex().matcher(tr.text()).find()), c.within());
                ok = e != null;
                detail = ok ? "matched" : "no INFO or transcript matching /" + c.arg() + "/ "
                        + (ended ? "before the call ended" : "within " + c.within().toMillis() / 1000.0 + " s");
            }
            case "say", "listen", "barge-in", "expect-speech", "expect-quiet", "expect-words" -> {
                String problem = conversation == null ? "no audio to talk over (no media)" : null;
                SpeechSteps.Outcome o = problem != null ? new SpeechSteps.Outcome(false, problem)
                        : new SpeechSteps(conversation, endedFuture).run(c, this);
                ok = o.ok();
                detail = o.detail();
            }
            default -> detail = "unknown";
        }
        publish.accept(new CallEvent.Step(loop.now(), scenario, c.line(), c.text(), ok, detail));
        return ok ? null : fail(c, detail);
    }

    /** The next far-end turn for {@code listen} / {@code barge-in}: its number, and counts it as taken. */
    int takeTurn() {
        return ++turnsTaken;
    }

    /** The turns up to {@code n} are over before what we say now: {@code listen} waits for a later one. */
    void skipTurnsTo(int n) {
        turnsTaken = Math.max(turnsTaken, n);
    }

    private Failure fail(Script.Command c, String detail) {
        return Failure.of(Layer.AUDIO, Cause.ASSERTION_FAILED, (c.line() > 0 ? "script line " + c.line() + ": " : "")
                + c.text() + ": " + detail);
    }

    private <T> CompletableFuture<T> await(Predicate<Event> p, Class<T> type) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Consumer<Event> t = new Consumer<>() {
            @Override
            public void accept(Event e) {
                if (p.test(e)) {
                    f.complete(type.cast(e));
                    taps.remove(this);
                }
            }
        };
        taps.add(t);
        f.whenComplete((v, e) -> taps.remove(t));
        return f;
    }

    private static <T> T get(CompletableFuture<T> f, Duration max) throws InterruptedException {
        try {
            return f.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            f.cancel(false);
            return null;
        }
    }

    /** True when {@code hz} carries most of the received power for 200 ms in a row within {@code max}. */
    static boolean heard(CallAudio session, double hz, Duration max, CompletableFuture<Void> ended)
            throws InterruptedException {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        ended.thenRun(() -> f.complete(false));
        int[] run = {0};
        MediaSession.AudioTap tap = (data, rate, channels, frames) -> {
            if (dialtone.media.ToneDetector.isTone(data, rate, channels, frames, hz)) {
                if (++run[0] >= 20) {
                    f.complete(true);
                }
            } else {
                run[0] = 0;
            }
        };
        session.addTap(tap);
        try {
            return Boolean.TRUE.equals(get(f, max));
        } finally {
            session.removeTap(tap);
        }
    }

    static CopyOnWriteArrayList<Consumer<Event>> newTaps() {
        return new CopyOnWriteArrayList<>();
    }
}
