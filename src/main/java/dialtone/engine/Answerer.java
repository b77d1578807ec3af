package dialtone.engine;

import dialtone.event.CallEvent;
import dialtone.event.Event;
import dialtone.event.Failure;
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
import java.util.List;
import java.util.function.Consumer;

/**
 * The answering side ({@code register --answer MODE}): takes inbound INVITEs one at a time, rings, then answers
 * with media (echo, a tone, a WAV), rejects with a status, or only rings. Each inbound call is its own scenario
 * ({@code inbound#N}) with the same timeline, stats and summary as an outbound one.
 */
final class Answerer implements RequestHandler {
    private final UserAgent ua;
    private final Scheduler loop;
    private final Consumer<Event> publish;
    private final AnswerMode mode;
    private final MediaOptionsFactory mediaOptions;
    private InviteSession current;
    private CallMedia media;
    private String scenario;
    private Instant answeredAt;
    private int calls;
    private int answered;

    /** Media options for one inbound call (its source made fresh, its recording path). */
    interface MediaOptionsFactory {
        MediaOptions create(Play play, int callNumber);
    }

    private final List<String> script;
    private final java.util.concurrent.CopyOnWriteArrayList<Consumer<Event>> taps = ScriptRunner.newTaps();

    Answerer(UserAgent ua, Consumer<Event> publish, AnswerMode mode, MediaOptionsFactory mediaOptions, List<String> script) {
        this.ua = ua;
        this.loop = ua.loop();
        this.script = script;
        this.publish = e -> {
            publish.accept(e);
            for (Consumer<Event> t : taps) {
                t.accept(e);
            }
        };
        this.mode = mode;
        this.mediaOptions = mediaOptions;
        ua.setCancelListener(st -> {
            if (current != null && current.inviteTransaction() == st) {
                current.cancelledByCaller();
            }
        });
    }

    int calls() {
        return calls;
    }

    int answered() {
        return answered;
    }

    @Override
    public boolean onRequest(ServerTransaction st) {
        SipRequest r = st.request();
        if (current != null && current.owns(r)) {
            current.onRequest(st);
            return true;
        }
        if (!r.is("INVITE") || r.to().flatMap(t -> t.tag()).isPresent()) {
            return false;
        }
        if (current != null && !current.ended()) {
            ua.answer(st, 486, "Busy Here", List.of());
            return true;
        }
        calls++;
        scenario = "inbound#" + calls;
        answeredAt = null;
        publish.accept(new CallEvent.Incoming(loop.now(), scenario, r.header("From").orElse("?"), r.callId()));
        InviteSession s = InviteSession.incoming(ua, st, new Listener());
        current = s;
        if (mode.kind().equals("reject")) {
            s.reject(mode.rejectStatus(), AnswerMode.reason(mode.rejectStatus()));
            publish.accept(new CallEvent.Ended(loop.now(), scenario, Originator.LOCAL,
                    "rejected with " + mode.rejectStatus(), 0));
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
            publish.accept(new CallEvent.Ended(loop.now(), scenario, Originator.LOCAL, "rejected with 488: "
                    + problem.replace("the answer", "the offer"), 0));
            return true;
        }
        loop.schedule(mode.after(), () -> answer(s, offer));
        return true;
    }

    private void answer(InviteSession s, String offer) {
        if (s != current || s.ended()) {
            return;
        }
        String sc = scenario;
        try {
            media = new CallMedia(loop, publish, sc, mediaOptions.create(mode.play(), calls), f -> {
                publish.accept(new CallEvent.Failed(loop.now(), sc, f));
                s.bye(f.message());
            });
        } catch (RuntimeException e) {
            s.reject(500, "Server Internal Error");
            publish.accept(new CallEvent.Ended(loop.now(), sc, Originator.LOCAL, "media setup failed: " + e.getMessage(), 0));
            return;
        }
        CallMedia m = media;
        m.session().answer(offer).whenComplete((sdp, e) -> loop.execute(() -> {
            if (e != null) {
                s.reject(488, "Not Acceptable Here");
                closeMedia(m);
                return;
            }
            m.showCandidates(sdp);
            s.accept(sdp);
        }));
    }

    private void closeMedia(CallMedia m) {
        if (m != null) {
            Thread t = new Thread(m::close, "media-close-wait");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Ends any call in progress (the register run is ending). */
    void hangUp() {
        loop.assertOnLoop();
        if (current != null && current.established()) {
            current.bye("dialtone is stopping");
        } else if (current != null && !current.ended()) {
            current.reject(480, "Temporarily Unavailable");
        }
    }

    CallMedia media() {
        return media;
    }

    private CallControl control;

    private final class Listener implements InviteSession.Listener {
        @Override
        public boolean onDialogRequest(InviteSession s, ServerTransaction st) {
            return control != null && control.onDialogRequest(st);
        }

        @Override
        public void onAnswered(String remoteSdp) {
            answeredAt = loop.now();
            answered++;
            control = new CallControl(ua, publish, scenario, current, media, null);
            if (media != null) {
                media.negotiated();
            }
            if (script != null) {
                ScriptRunner runner = new ScriptRunner(loop, publish, scenario, current, media, control, taps, "info");
                InviteSession s = current;
                Thread t = new Thread(() -> {
                    int n = 0;
                    try {
                        for (String line : script) {
                            n++;
                            Script.Command c = Script.parseLine(line, n);
                            if (c == null) {
                                continue;
                            }
                            if (!s.established() || runner.run(c) != null || c.verb().equals("hangup")) {
                                return;
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "answer-script");
                t.setDaemon(true);
                t.start();
            }
            publish.accept(new CallEvent.Answered(loop.now(), scenario, 0, Sdp.audioCodecs(remoteSdp).split(",")[0]));
        }

        @Override
        public void onFailed(Failure failure) {
            publish.accept(new CallEvent.Failed(loop.now(), scenario, failure));
        }

        @Override
        public void onEnded(Originator by, String reason) {
            long talk = answeredAt == null ? 0 : Duration.between(answeredAt, loop.now()).toMillis();
            publish.accept(new CallEvent.Ended(loop.now(), scenario, by, reason, talk));
            CallMedia m = media;
            media = null;
            if (m != null && answeredAt != null) {
                dialtone.event.MediaStats st = m.lastStats();
                publish.accept(new CallEvent.Summary(loop.now(), scenario, 0, talk, Check.mos(st), st));
            }
            closeMedia(m);
        }
    }
}
