package dialtone.engine;

import dialtone.event.CallEvent;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.MediaStats;
import dialtone.event.Originator;
import dialtone.media.MediaOptions;
import dialtone.media.Sdp;
import dialtone.sip.message.SipRequest;
import dialtone.sip.transaction.ServerTransaction;
import dialtone.sip.ua.InviteSession;
import dialtone.sip.ua.RequestHandler;
import dialtone.sip.ua.UserAgent;
import dialtone.support.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The answering side ({@code register --answer MODE}): takes up to {@code maxCalls} inbound INVITEs at once (more
 * get 486), rings, then answers with media (echo, a tone, a WAV), rejects with a status, or only rings. Each inbound
 * call is its own scenario ({@code inbound#N}) with the same timeline, stats and summary as an outbound one, and
 * may run a script (the IVR's side).
 */
final class Answerer implements RequestHandler {
    /** Media options for one inbound call (its source made fresh, its recording path). */
    interface MediaOptionsFactory {
        MediaOptions create(Play play, int callNumber);
    }

    /** One inbound call. */
    private final class Inbound implements InviteSession.Listener {
        final String scenario;
        final int number;
        InviteSession session;
        CallMedia media;
        CallControl control;
        Instant answeredAt;
        Instant endedAt;
        Failure failure;
        volatile ScriptRunner runner;
        final CopyOnWriteArrayList<Consumer<Event>> taps = ScriptRunner.newTaps();
        final Consumer<Event> publish;

        Inbound(int number) {
            this.number = number;
            this.scenario = "inbound#" + number;
            this.publish = e -> {
                Answerer.this.publish.accept(e);
                for (Consumer<Event> t : taps) {
                    t.accept(e);
                }
            };
        }

        @Override
        public boolean onDialogRequest(InviteSession s, ServerTransaction st) {
            return control != null && control.onDialogRequest(st);
        }

        @Override
        public void onAnswered(String remoteSdp) {
            answeredAt = loop.now();
            answered++;
            publish.accept(new CallEvent.Answered(loop.now(), scenario, 0, Sdp.audioCodecs(remoteSdp).split(",")[0]));
            control = new CallControl(ua, publish, scenario, session, media, null);
            if (media != null) {
                media.negotiated();
            }
            if (script != null) {
                startScript();
            }
        }

        private void startScript() {
            ScriptRunner r = new ScriptRunner(loop, publish, scenario, session, media, control, taps, "info");
            runner = r;
            CommandSource src = CommandSource.of(script);
            Thread t = new Thread(() -> {
                Failure f = r.runAll(src, false);
                if (f != null) {
                    loop.execute(() -> failed(f));
                }
            }, "answer-script-" + number);
            t.setDaemon(true);
            t.start();
        }

        /** The first failure of this call decides its verdict (and the run's exit code). On the loop. */
        void failed(Failure f) {
            if (failure == null) {
                failure = f;
                failures.add(f);
                publish.accept(new CallEvent.Failed(loop.now(), scenario, f));
            }
        }

        @Override
        public void onFailed(Failure f) {
            failed(f);
        }

        @Override
        public void onEnding(Originator by) {
            if (endedAt == null) {
                endedAt = loop.now();
            }
            CallMedia.ending(media, runner);
        }

        @Override
        public void onEnded(Originator by, String reason) {
            Instant end = endedAt == null ? loop.now() : endedAt;
            long talk = answeredAt == null ? 0 : Duration.between(answeredAt, end).toMillis();
            publish.accept(new CallEvent.Ended(loop.now(), scenario, by, reason, talk));
            CallMedia m = media;
            media = null;
            calls.remove(this);
            if (m == null || answeredAt == null) {
                closeMedia(m);
                return;
            }
            pending.incrementAndGet();
            m.ending().whenComplete((st, e) -> loop.execute(() -> {
                publish.accept(new CallEvent.Summary(loop.now(), scenario, 0, talk, Check.mos(st), st));
                Failure v = m.verdict(st);
                if (v != null) {
                    failed(v);
                }
                // the recording is finished when the media is closed: say where it is, and how long
                Thread t = new Thread(() -> {
                    try {
                        m.close();
                        dialtone.media.WavRecorder r = m.session().recorder();
                        if (r != null) {
                            publish.accept(new dialtone.event.MediaEvent.RecordingSaved(loop.now(), scenario,
                                    r.path().toString(), Math.round(r.seconds() * 100) / 100.0, r.rate(), r.channels()));
                        }
                    } finally {
                        pending.decrementAndGet();
                    }
                }, "media-close-wait");
                t.setDaemon(true);
                t.start();
            }));
        }
    }

    private final UserAgent ua;
    private final Scheduler loop;
    private final Consumer<Event> publish;
    private final AnswerMode mode;
    private final MediaOptionsFactory mediaOptions;
    private final List<String> script;
    private final int maxCalls;
    private final List<Inbound> calls = new ArrayList<>();
    private int total;
    private int answered;
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();

    /** The failures of the inbound calls so far, in order (each call's first). */
    List<Failure> failures() {
        return failures;
    }

    /** Calls whose end (last statistics, verdict) is still being taken. */
    int pendingVerdicts() {
        return pending.get();
    }

    Answerer(UserAgent ua, Consumer<Event> publish, AnswerMode mode, MediaOptionsFactory mediaOptions,
             List<String> script, int maxCalls) {
        this.ua = ua;
        this.loop = ua.loop();
        this.publish = publish;
        this.mode = mode;
        this.mediaOptions = mediaOptions;
        this.script = script;
        this.maxCalls = Math.max(1, maxCalls);
        ua.setCancelListener(st -> {
            for (Inbound c : List.copyOf(calls)) {
                if (c.session.inviteTransaction() == st) {
                    c.session.cancelledByCaller();
                }
            }
        });
    }

    int calls() {
        return total;
    }

    int answered() {
        return answered;
    }

    @Override
    public boolean onRequest(ServerTransaction st) {
        SipRequest r = st.request();
        for (Inbound c : List.copyOf(calls)) {
            if (c.session.owns(r)) {
                c.session.onRequest(st);
                return true;
            }
        }
        if (!r.is("INVITE") || r.to().flatMap(t -> t.tag()).isPresent()) {
            return false;
        }
        calls.removeIf(c -> c.session.ended());
        if (calls.size() >= maxCalls) {
            ua.answer(st, 486, "Busy Here", List.of());
            return true;
        }
        Inbound in = new Inbound(++total);
        in.publish.accept(new CallEvent.Incoming(loop.now(), in.scenario, r.header("From").orElse("?"), r.callId()));
        InviteSession s = InviteSession.incoming(ua, st, in);
        in.session = s;
        calls.add(in);
        if (mode.kind().equals("reject")) {
            s.reject(mode.rejectStatus(), AnswerMode.reason(mode.rejectStatus()));
            in.publish.accept(new CallEvent.Ended(loop.now(), in.scenario, Originator.LOCAL, "rejected with " + mode.rejectStatus(), 0));
            calls.remove(in);
            return true;
        }
        s.ring();
        if (mode.kind().equals("ring")) {
            return true;
        }
        String offer = r.bodyText();
        String problem = offer.isEmpty() ? "the INVITE has no SDP offer" : Sdp.checkAnswer(offer);
        if (problem != null) {
            s.reject(488, "Not Acceptable Here");
            in.publish.accept(new CallEvent.Ended(loop.now(), in.scenario, Originator.LOCAL, "rejected with 488: "
                    + problem.replace("the answer", "the offer"), 0));
            calls.remove(in);
            return true;
        }
        loop.schedule(mode.after(), () -> answer(in, offer));
        return true;
    }

    private void answer(Inbound in, String offer) {
        InviteSession s = in.session;
        if (s.ended()) {
            return;
        }
        try {
            in.media = new CallMedia(loop, in.publish, in.scenario, mediaOptions.create(mode.play(), in.number), f -> {
                in.failed(f);
                s.bye(f.message());
            });
        } catch (RuntimeException e) {
            in.failed(Failure.of(dialtone.event.Layer.MEDIA, dialtone.event.Cause.SETUP_FAILED, "media setup failed: " + e.getMessage()));
            s.reject(500, "Server Internal Error");
            in.publish.accept(new CallEvent.Ended(loop.now(), in.scenario, Originator.LOCAL, "media setup failed: " + e.getMessage(), 0));
            calls.remove(in);
            return;
        }
        CallMedia m = in.media;
        m.session().answer(offer).whenComplete((sdp, e) -> loop.execute(() -> {
            if (e != null) {
                in.failed(Failure.of(dialtone.event.Layer.CALL, dialtone.event.Cause.INCOMPATIBLE_SDP,
                        "the offer was not accepted by the media engine: " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())));
                s.reject(488, "Not Acceptable Here");
                closeMedia(m);
                return;
            }
            m.showCandidates(sdp);
            s.accept(sdp);
        }));
    }

    private static void closeMedia(CallMedia m) {
        if (m != null) {
            Thread t = new Thread(m::close, "media-close-wait");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Ends every call in progress (the register run is ending). */
    void hangUp() {
        loop.assertOnLoop();
        for (Inbound c : List.copyOf(calls)) {
            if (c.session.established()) {
                c.session.bye("dialtone is stopping");
            } else if (!c.session.ended()) {
                c.session.reject(480, "Temporarily Unavailable");
            }
        }
    }

    /** The media still open (to close at the end of the run). */
    List<CallMedia> media() {
        List<CallMedia> out = new ArrayList<>();
        for (Inbound c : List.copyOf(calls)) {
            if (c.media != null) {
                out.add(c.media);
            }
        }
        return out;
    }
}
