package dialtone.engine;

import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.media.MediaOptions;
import dialtone.media.Sdp;
import dialtone.sip.message.SipRequest;
import dialtone.sip.transaction.ServerTransaction;
import dialtone.sip.ua.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The answering side ({@code register --answer MODE}): takes up to {@code maxCalls} inbound INVITEs at once (more
 * get 486; while dialtone is behind, or beyond what it carried when it fell behind, 503 with Retry-After: see
 * {@link Admission}), rings, then answers with media (echo, a tone, a WAV), rejects with a status, or only rings. Each inbound
 * call is a {@link Call} ({@code inbound#N}), the same object an outbound call is, with the same timeline, stats,
 * summary and verdict, and may run a script (the IVR's side). Its calls and counts are written on the UA loop only;
 * the counters read from other threads are atomic.
 */
final class Answerer implements RequestHandler {
    /** Media options for one inbound call (its source made fresh, its recording path). */
    interface MediaOptionsFactory {
        MediaOptions create(Play play, int callNumber);
    }

    private final Session session;
    private final Consumer<Event> publish;
    private final AnswerMode mode;
    private final MediaOptionsFactory mediaOptions;
    private final CallMedia.Factory mediaFactory;
    private final List<String> script;
    private final int maxCalls;
    private final List<Call> active = new ArrayList<>();
    private volatile int total; // written on the loop only
    private final AtomicInteger answered = new AtomicInteger();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger pending = new AtomicInteger();
    private SpeechTools speech;

    /** The speech engines of the calls' scripts (null: espeak-ng, no recogniser). */
    Answerer speech(SpeechTools s) {
        this.speech = s;
        return this;
    }

    private final Admission admission;
    private final java.util.function.BooleanSupplier behind;
    private final java.util.function.LongSupplier nanos;
    /** When each failed call began and ended, beside its failure (to set it beside dialtone's own pacing). */
    private final List<Timed> failed = new CopyOnWriteArrayList<>();

    /** A failed inbound call's span. */
    record Timed(java.time.Instant start, java.time.Instant end, Failure failure) {
    }

    Answerer(Session session, Consumer<Event> publish, AnswerMode mode, MediaOptionsFactory mediaOptions,
             CallMedia.Factory mediaFactory, List<String> script, int maxCalls) {
        this(session, publish, mode, mediaOptions, mediaFactory, script, maxCalls, () -> false, System::nanoTime);
    }

    /** {@code behind}: whether dialtone is behind now (its {@link Overload}); {@code nanos}: the clock for Admission. */
    Answerer(Session session, Consumer<Event> publish, AnswerMode mode, MediaOptionsFactory mediaOptions,
             CallMedia.Factory mediaFactory, List<String> script, int maxCalls, java.util.function.BooleanSupplier behind,
             java.util.function.LongSupplier nanos) {
        this.admission = new Admission(maxCalls);
        this.behind = behind;
        this.nanos = nanos;
        this.session = session;
        this.publish = publish;
        this.mode = mode;
        this.mediaOptions = mediaOptions;
        this.mediaFactory = mediaFactory;
        this.script = script;
        this.maxCalls = Math.max(1, maxCalls);
        session.ua().setCancelListener(st -> {
            for (Call c : List.copyOf(active)) {
                if (c.dialog().inviteTransaction() == st) {
                    c.dialog().cancelledByCaller();
                }
            }
        });
    }

    /** The failures of the inbound calls so far, in order (each call's verdict). */
    List<Failure> failures() {
        return failures;
    }

    /** Calls whose end (last statistics, verdict) is still being taken. */
    int pendingVerdicts() {
        return pending.get();
    }

    int calls() {
        return total;
    }

    /** INVITEs refused: 486 beyond --max-calls, and 503 while dialtone was behind or at its learned capacity. */
    long refusedBusy() {
        return admission.busy();
    }

    long refusedOverloaded() {
        return admission.overloaded();
    }

    /** Failed calls with their spans. */
    List<Timed> timedFailures() {
        return failed;
    }

    int answered() {
        return answered.get();
    }

    @Override
    public boolean onRequest(ServerTransaction st) {
        session.loop().assertOnLoop();
        SipRequest r = st.request();
        if (!r.is("INVITE") || r.to().flatMap(t -> t.tag()).isPresent()) {
            return false;
        }
        active.removeIf(c -> c.dialog().ended()); // a call whose dialog is over is being judged, not taking a line
        switch (admission.decide(active.size(), behind.getAsBoolean(), nanos.getAsLong())) {
            case BUSY -> {
                session.ua().answer(st, 486, "Busy Here", List.of());
                return true;
            }
            case OVERLOADED -> { // shed what it cannot carry, so that the calls it carries stay whole
                session.ua().answer(st, 503, "Service Unavailable", List.of(new dialtone.sip.message.Header("Retry-After",
                        Integer.toString(Admission.RETRY_AFTER_SECONDS))));
                return true;
            }
            default -> {
            }
        }
        int n = total + 1;
        total = n;
        java.time.Instant began = java.time.Instant.now();
        CommandSource commands = script == null ? null : CommandSource.of(script);
        Call call = new Call(session.loop(), session.ua(), publish, "inbound#" + n, Call.Spec.answering(commands, speech), false);
        active.add(call);
        pending.incrementAndGet();
        call.finished().whenComplete((res, e) -> {
            if (res != null && res.answered()) {
                answered.incrementAndGet();
            }
            if (res != null && res.failure() != null) {
                failures.add(res.failure());
                failed.add(new Timed(began, java.time.Instant.now(), res.failure()));
            }
            pending.decrementAndGet();
            session.loop().execute(() -> active.remove(call));
        });
        call.incoming(st);
        session.add(call);
        if (mode.kind().equals("reject")) {
            call.reject(mode.rejectStatus(), AnswerMode.reason(mode.rejectStatus()), "rejected with " + mode.rejectStatus());
            return true;
        }
        call.ring();
        if (mode.kind().equals("ring")) {
            return true;
        }
        String offer = r.bodyText();
        String problem = offer.isEmpty() ? "the INVITE has no SDP offer" : Sdp.checkAnswer(offer);
        if (problem != null) {
            call.reject(488, "Not Acceptable Here", "rejected with 488: " + problem.replace("the answer", "the offer"));
            return true;
        }
        session.loop().schedule(mode.after(), () -> {
            if (!call.dialog().ended()) {
                call.answer(mediaFactory.open(session.loop(), call.publisher(), call.scenario(),
                        mediaOptions.create(mode.play(), n), call.failures()), offer);
            }
        });
        return true;
    }

    /** Ends every call in progress (the register run is ending). On the loop. */
    void hangUp() {
        session.loop().assertOnLoop();
        for (Call c : List.copyOf(active)) {
            c.hangUp("dialtone is stopping");
        }
    }
}
