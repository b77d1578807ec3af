package dialtone.engine;

import dialtone.event.CallEvent;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
import dialtone.event.Originator;
import dialtone.event.RunEvent;
import dialtone.media.Sdp;
import dialtone.media.WavRecorder;
import dialtone.sip.message.Header;
import dialtone.sip.message.SipResponse;
import dialtone.sip.transaction.ServerTransaction;
import dialtone.sip.ua.InviteSession;
import dialtone.sip.ua.UserAgent;
import dialtone.support.Scheduler;
import dialtone.support.RandomTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One call, outbound or inbound: its dialog, its media, its in-call control and script, its checks and its verdict.
 * Every subcommand's calls are this object ({@code call}, {@code register --answer}, {@code load}); the
 * {@link Session} it runs in owns the loop, the user agent and the registration.
 *
 * <p>One owner: every piece of its state is read and written on the UA loop, and every entry point checks that it
 * runs there ({@link Scheduler#assertOnLoop}); other threads post to it ({@link #failures()}, the script's outcome,
 * the media's end). Where it is in its life is a {@link CallState} that refuses an illegal move. The blocking part
 * of the end (waiting for the script, the last statistics, closing the media) runs once on a thread of its own,
 * which hands the figures back to the loop; the verdict is taken there, and then {@link #finished()} completes with
 * the {@link Result}.
 */
public final class Call implements InviteSession.Listener {
    /** What the call should do and check. */
    public record Spec(Duration talk, Duration setupTimeout, Duration expectAudio, Double expectTone, List<Check> checks,
                       CallScenario.InCall inCall, boolean hangUpWhenScriptEnds) {
        public static Spec answering(CommandSource script) {
            return answering(script, null);
        }

        public static Spec answering(CommandSource script, SpeechTools speech) {
            return new Spec(null, Duration.ofSeconds(10), null, null, List.of(),
                    new CallScenario.InCall(null, "info", Duration.ofSeconds(1), null, null, script, speech), false);
        }

        /** A spoken conversation is followed (VAD on the far end's audio) with a script, a console or a speech assert. */
        boolean conversation() {
            return (inCall != null && inCall.commands() != null) || checks.stream().anyMatch(Check::speech);
        }
    }

    /**
     * How the call ended: its verdict (null = passed), the summary facts, and the figures a load run aggregates
     * ({@code -1} when not measured).
     */
    public record Result(String scenario, Failure failure, Map<String, Object> summary, boolean answered, long setupMs,
                         long firstAudioMs, long talkMs, double mos, MediaStats stats,
                         dialtone.media.MediaPresence.Figures presence) {
        public Result(String scenario, Failure failure, Map<String, Object> summary, boolean answered, long setupMs,
                      long firstAudioMs, long talkMs, double mos, MediaStats stats) {
            this(scenario, failure, summary, answered, setupMs, firstAudioMs, talkMs, mos, stats, null);
        }
    }

    /** A BYE that gets no answer must not hold the verdict for Timer F: the media stopped already. */
    static final Duration BYE_WAIT = Duration.ofSeconds(4);

    private final Scheduler loop;
    private final UserAgent ua;
    private final String scenario;
    private final Spec spec;
    private final boolean outbound;
    private final CopyOnWriteArrayList<Consumer<Event>> taps = ScriptRunner.newTaps();
    private final Consumer<Event> publish;
    private final CompletableFuture<Result> done = new CompletableFuture<>();

    // ---- the call's state: the UA loop's alone ----
    private CallState state = CallState.IDLE;
    private InviteSession dialog;
    private CallMedia media;
    private CallControl control;
    private ScriptRunner runner;
    private Conversation conversation;
    private Thread scriptThread;
    private Instant invitedAt;
    private Instant answeredAt;
    private Instant endedAt;
    private Originator endedBy;
    /** The CANCEL was ours, at the setup timeout: the verdict is "no answer". */
    private boolean cancelledAtSetupTimeout;
    private boolean failedPublished;
    private Failure failure;
    private Failure scriptFailure;
    private long firstAudioMs = -1;

    public Call(Scheduler loop, UserAgent ua, Consumer<Event> publish, String scenario, Spec spec, boolean outbound) {
        this.loop = loop;
        this.ua = ua;
        this.scenario = scenario;
        this.spec = spec;
        this.outbound = outbound;
        this.publish = e -> { // from the loop, and from the script's and the conversation's threads
            if (e instanceof MediaEvent.FirstAudio f) {
                loop.execute(() -> {
                    if (firstAudioMs < 0) {
                        firstAudioMs = f.sinceAnswerMs();
                    }
                });
            }
            publish.accept(e);
            for (Consumer<Event> t : taps) {
                t.accept(e);
            }
        };
    }

    public String scenario() {
        return scenario;
    }

    /** Where the call is. On the loop. */
    CallState state() {
        loop.assertOnLoop();
        return state;
    }

    /**
     * Moves to {@code next}. An illegal move is a bug, never a state to go on from: the call keeps its state and fails
     * with an INTERNAL error (and, with assertions on, as in the tests, the move throws).
     */
    private boolean moveTo(CallState next) {
        if (state == next) {
            return true;
        }
        if (!state.mayMoveTo(next)) {
            CallState.IllegalMove bug = new CallState.IllegalMove(state, next);
            record(Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, bug.getMessage()));
            assert false : bug.getMessage();
            return false;
        }
        state = next;
        return true;
    }

    /** Failures reported from any thread (the media, a head start): each is posted to the loop and fails the call there. */
    Consumer<Failure> failures() {
        return f -> loop.execute(() -> fail(f));
    }

    Consumer<Event> publisher() {
        return publish;
    }

    private String callIdPrefix = "";

    /**
     * The Call-ID of an outbound call starts with this ({@code [A-Za-z0-9-]}); a random part follows it. Set before the
     * call is handed to its loop (the loop's start publishes it).
     */
    public Call callIdPrefix(String p) {
        if (p != null && !p.matches("[A-Za-z0-9-]{0,80}")) {
            throw new IllegalArgumentException("a Call-ID prefix is letters, digits and '-'");
        }
        this.callIdPrefix = p == null ? "" : p;
        return this;
    }

    InviteSession dialog() {
        loop.assertOnLoop();
        return dialog;
    }

    CallMedia media() {
        loop.assertOnLoop();
        return media;
    }

    /** Completes once the call is over and judged. */
    public CompletableFuture<Result> finished() {
        return done;
    }

    boolean answered() {
        loop.assertOnLoop();
        return answeredAt != null;
    }

    // ---- outbound ------------------------------------------------------------------------------------------------

    /** Sends the INVITE with the media's complete offer; CANCELs when not answered within the setup timeout. On the loop. */
    public void dial(String target, String fromAor, List<Header> headers, CallMedia m, String offerSdp) {
        loop.assertOnLoop();
        if (!moveTo(CallState.INVITING)) {
            return;
        }
        media = m;
        showCandidates(offerSdp);
        publish.accept(new CallEvent.Dialing(loop.now(), scenario, target, Sdp.audioCodecs(offerSdp)));
        invitedAt = loop.now();
        dialog = InviteSession.dial(ua, target, fromAor, headers, offerSdp, callIdPrefix + RandomTokens.alnum(22), this);
        loop.schedule(spec.setupTimeout(), () -> {
            if (dialog.isRinging()) {
                publish.accept(new CallEvent.Cancelling(loop.now(), scenario, "no answer within "
                        + spec.setupTimeout().toSeconds() + " s (--setup-timeout)"));
                cancelledAtSetupTimeout = true;
                dialog.cancel();
                loop.schedule(Duration.ofSeconds(5), () -> end(noAnswer()));
            }
        });
    }

    private Failure noAnswer() {
        return Failure.of(Layer.CALL, Cause.NO_ANSWER, "no answer within " + spec.setupTimeout().toSeconds()
                + " s (--setup-timeout); the call was cancelled");
    }

    // ---- inbound -------------------------------------------------------------------------------------------------

    /** Takes an inbound INVITE (not yet answered). On the loop. */
    void incoming(ServerTransaction st) {
        loop.assertOnLoop();
        if (!moveTo(CallState.OFFERED)) {
            return;
        }
        publish.accept(new CallEvent.Incoming(loop.now(), scenario, st.request().header("From").orElse("?"),
                st.request().callId()));
        invitedAt = loop.now();
        dialog = InviteSession.incoming(ua, st, this);
    }

    void ring() {
        loop.assertOnLoop();
        dialog.ring();
    }

    /** Rejects the inbound call; the call ends here (a deliberate outcome, not a failure). On the loop. */
    void reject(int status, String reason, String why) {
        loop.assertOnLoop();
        dialog.reject(status, reason);
        publish.accept(new CallEvent.Ended(loop.now(), scenario, Originator.LOCAL, why, 0));
        end(null);
    }

    /** Answers the inbound offer with media from {@code opening}. On the loop. */
    void answer(CompletableFuture<CallMedia> opening, String offer) {
        loop.assertOnLoop();
        opening.whenComplete((m, e) -> loop.execute(() -> {
            if (e != null) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                record(Failure.of(Layer.MEDIA, Cause.SETUP_FAILED, "media setup failed: " + c.getMessage()));
                if (!dialog.ended()) {
                    reject(500, "Server Internal Error", "media setup failed: " + c.getMessage());
                } else {
                    end(null);
                }
                return;
            }
            if (dialog.ended()) {
                closeQuietly(m);
                return;
            }
            media = m;
            m.answer(offer).whenComplete((sdp, x) -> loop.execute(() -> {
                if (x != null) {
                    record(Failure.of(Layer.CALL, Cause.INCOMPATIBLE_SDP, "the offer was not accepted by the media engine: "
                            + (x.getCause() == null ? x.getMessage() : x.getCause().getMessage())));
                    if (!dialog.ended()) {
                        reject(488, "Not Acceptable Here", "the offer was not accepted by the media engine");
                    } else {
                        end(null);
                    }
                    return;
                }
                if (!dialog.ended()) {
                    showCandidates(sdp);
                    dialog.accept(sdp);
                }
            }));
        }));
    }

    /** Publishes the candidates of our SDP (what the far end will try). */
    private void showCandidates(String sdp) {
        for (Sdp.Candidate c : Sdp.candidates(sdp)) {
            publish.accept(new MediaEvent.Candidate(loop.now(), scenario, c.type(), c.protocol()
                    + (c.tcpType() == null ? "" : "/" + c.tcpType()), c.address(), c.port(), null));
        }
    }

    // ---- the dialog's outcomes (on the loop) ---------------------------------------------------------------------

    @Override
    public void onProgress(SipResponse r) {
        loop.assertOnLoop();
        publish.accept(new CallEvent.Progress(loop.now(), scenario, r.status(), r.reason(),
                r.body().length > 0 && r.header("Content-Type").orElse("").contains("sdp")));
    }

    @Override
    public void onAnswered(String remoteSdp) {
        loop.assertOnLoop();
        if (!moveTo(CallState.ANSWERED)) {
            return;
        }
        answeredAt = loop.now();
        if (!outbound) {
            publish.accept(new CallEvent.Answered(loop.now(), scenario, 0, Sdp.audioCodecs(remoteSdp).split(",")[0]));
            started();
            return;
        }
        String problem = Sdp.checkAnswer(remoteSdp);
        if (problem != null) {
            fail(Failure.of(Layer.CALL, Cause.INCOMPATIBLE_SDP, problem));
            return;
        }
        publish.accept(new CallEvent.Answered(loop.now(), scenario, Duration.between(invitedAt, answeredAt).toMillis(),
                Sdp.audioCodecs(remoteSdp).split(",")[0]));
        media.acceptAnswer(remoteSdp).whenComplete((v, e) -> loop.execute(() -> {
            if (e != null) {
                fail(Failure.of(Layer.CALL, Cause.INCOMPATIBLE_SDP, "the answer SDP was not accepted: "
                        + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())));
                return;
            }
            started();
        }));
    }

    /** Both sides have each other's SDP: media timers, in-call control, the talk timer. */
    private void started() {
        if (dialog.ended()) {
            return;
        }
        if (media != null) {
            media.negotiated();
        }
        control = new CallControl(ua, publish, scenario, dialog, media, null);
        startInCall();
        if (spec.talk() != null) {
            loop.schedule(spec.talk(), () -> {
                if (dialog.established()) {
                    dialog.bye("--duration reached");
                }
            });
        }
    }

    private void startInCall() {
        CallScenario.InCall in = spec.inCall() == null ? CallScenario.InCall.none() : spec.inCall();
        if (in.dtmf() != null || in.infoText() != null) {
            loop.schedule(in.delay(), () -> {
                if (!dialog.established()) {
                    return;
                }
                if (in.dtmf() != null) {
                    control.dtmf(in.dtmf(), in.dtmfMode(), 100, 70);
                }
                if (in.infoText() != null) {
                    com.fasterxml.jackson.databind.JsonNode data = null;
                    try {
                        data = in.infoData() == null ? null : new com.fasterxml.jackson.databind.ObjectMapper().readTree(in.infoData());
                    } catch (java.io.IOException e) {
                        // validated by the command before the call
                    }
                    control.info(in.infoText(), data);
                }
            });
        }
        if (media != null && spec.conversation()) {
            Conversation cv = new Conversation(publish, scenario, media.audio(), in.speech(), answeredAt);
            if (spec.checks().stream().anyMatch(Check::speech)) {
                cv.spoken();
            }
            conversation = cv;
            taps.add(cv::onEvent);
        }
        if (in.commands() != null) {
            ScriptRunner r = new ScriptRunner(loop, publish, scenario, dialog, media == null ? null : media.audio(), control,
                    taps, in.dtmfMode(), conversation);
            runner = r;
            boolean hangUp = spec.hangUpWhenScriptEnds();
            Thread t = new Thread(() -> {
                Failure f = r.runAll(in.commands(), hangUp);
                if (f != null) {
                    loop.execute(() -> scriptFailure = f); // before the end's judging, which waits for this thread
                }
            }, "script-" + scenario);
            t.setDaemon(true);
            scriptThread = t;
            t.start();
        }
    }

    @Override
    public boolean onDialogRequest(InviteSession s, ServerTransaction st) {
        loop.assertOnLoop();
        return control != null && control.onDialogRequest(st);
    }

    @Override
    public void onFailed(Failure f) {
        loop.assertOnLoop();
        fail(f);
        end(null);
    }

    @Override
    public void onEnding(Originator by) {
        loop.assertOnLoop();
        if (!state.over()) {
            moveTo(CallState.ENDING);
        }
        if (endedAt == null) {
            endedAt = loop.now();
        }
        if (media != null) {
            media.end();
        }
        if (runner != null) {
            runner.callEnded();
        }
        if (by == Originator.LOCAL && answeredAt != null) {
            loop.schedule(BYE_WAIT, () -> {
                if (!state.over() && endedBy == null) {
                    publish.accept(new RunEvent.Warning(loop.now(), scenario, "bye-unanswered", "no answer to our BYE within "
                            + BYE_WAIT.toSeconds() + " s; the call is over on our side"));
                    endedBy = Originator.LOCAL;
                    end(null);
                }
            });
        }
    }

    @Override
    public void onEnded(Originator by, String reason) {
        loop.assertOnLoop();
        if (endedAt == null) {
            endedAt = loop.now();
        }
        boolean warned = endedBy != null;
        endedBy = by;
        long talk = answeredAt == null ? 0 : Duration.between(answeredAt, endedAt).toMillis();
        publish.accept(new CallEvent.Ended(loop.now(), scenario, by, reason, talk));
        if (reason.endsWith("(no answer to BYE)") && !warned) {
            publish.accept(new RunEvent.Warning(loop.now(), scenario, "bye-unanswered", "the far end never answered our BYE"));
        }
        if (outbound && answeredAt == null && cancelledAtSetupTimeout) {
            end(noAnswer());
        } else if (outbound && answeredAt == null && by == Originator.LOCAL) {
            end(Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted while ringing; the call was cancelled"));
        } else {
            end(null); // the media verdict (lost, never connected, no RTP) is taken with the final figures
        }
    }

    // ---- failing and ending ----------------------------------------------------------------------------------------

    /**
     * The call failed (media, script, signalling): the first failure is its verdict; an established call is hung up,
     * a ringing one cancelled, one without a dialog ends here. On the loop.
     */
    void fail(Failure f) {
        loop.assertOnLoop();
        record(f);
        if (dialog == null) {
            end(null);
        } else if (dialog.established()) {
            dialog.bye(f.message());
        } else if (dialog.isRinging()) {
            dialog.cancel();
        } else if (!outbound && !dialog.ended()) {
            reject(500, "Server Internal Error", f.message());
        } else if (dialog.ended() && endedAt == null) {
            end(null);
        }
    }

    /** The signalling is gone (the WebSocket dropped): nothing can be sent, so the call ends now. On the loop. */
    void lost(Failure f) {
        loop.assertOnLoop();
        record(f);
        if (!state.over()) {
            moveTo(CallState.ENDING);
        }
        if (media != null && endedAt == null) {
            endedAt = loop.now();
            media.end();
        }
        end(null);
    }

    private void record(Failure f) {
        if (failure == null) {
            failure = f;
            failedPublished = true;
            publish.accept(new CallEvent.Failed(loop.now(), scenario, f));
        }
    }

    /** Hangs up for the user (Ctrl-C, the run ending): CANCEL, BYE, or 480 for an unanswered inbound call. On the loop. */
    void hangUp(String why) {
        loop.assertOnLoop();
        if (dialog == null) {
            end(null);
        } else if (outbound && dialog.isRinging()) {
            publish.accept(new CallEvent.Cancelling(loop.now(), scenario, why));
            dialog.cancel();
        } else if (dialog.established()) {
            dialog.bye(why);
        } else if (!outbound && !dialog.ended()) {
            reject(480, "Temporarily Unavailable", why);
        } else if (dialog.ended()) {
            end(null);
        }
    }

    /** How long the end's thread waits for the media's {@link CallMedia.Outcome} before it closes the media anyway. */
    static final Duration MEDIA_END_WAIT = Duration.ofSeconds(3);

    /**
     * The call is over: judge it once. What may block (waiting for the script, the media's outcome, closing the media)
     * runs on a thread of its own, which hands its figures back to the loop; the verdict is taken on the loop. On the loop.
     */
    void end(Failure f) {
        loop.assertOnLoop();
        if (f != null) {
            record(f);
        }
        if (state.over() || !moveTo(CallState.JUDGING)) {
            return;
        }
        Instant end = endedAt != null ? endedAt : loop.now();
        Thread script = scriptThread;
        Conversation cv = conversation;
        CallMedia m = media;
        CompletableFuture<CallMedia.Outcome> ended = m == null ? null : m.end(); // stops sending, takes the last figures
        Thread t = new Thread(() -> {
            boolean closed = true;
            try {
                if (script != null) {
                    script.join(3000); // a pending expectation fails as soon as the call ends
                }
                if (cv != null) {
                    cv.finish(end);
                }
                if (m != null) {
                    try {
                        ended.get(MEDIA_END_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        // judged below once it comes (the media completes it on the loop in any case)
                    }
                    closed = m.close(); // after the last sample
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                loop.execute(() -> judged(internal(e)));
                return;
            }
            boolean quick = closed;
            loop.execute(() -> {
                if (ended == null) {
                    judgeNow(end, null, quick);
                } else { // the outcome completes on the loop: this runs there
                    ended.whenComplete((o, e) -> {
                        if (e != null) {
                            judged(internal(e));
                        } else {
                            judgeNow(end, o, quick);
                        }
                    });
                }
            });
        }, "call-end-" + scenario);
        t.setDaemon(true);
        t.start();
    }

    private void judgeNow(Instant end, CallMedia.Outcome outcome, boolean closedInTime) {
        Result r;
        try {
            r = judge(end, outcome, closedInTime);
        } catch (RuntimeException | Error e) {
            r = internal(e);
        }
        judged(r);
    }

    private Result internal(Throwable e) {
        return new Result(scenario, Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, "judging the call failed: " + e), Map.of(),
                answeredAt != null, -1, -1, 0, -1, null);
    }

    private void judged(Result r) {
        moveTo(CallState.ENDED);
        done.complete(r);
    }

    private static void closeQuietly(CallMedia m) {
        Thread t = new Thread(m::close, "media-close-wait");
        t.setDaemon(true);
        t.start();
    }

    /** The verdict, from the media's outcome the end's thread waited for (null without media). On the loop. */
    private Result judge(Instant end, CallMedia.Outcome outcome, boolean closedInTime) {
        Conversation cv = conversation;
        CallMedia m = media;
        MediaStats stats = outcome == null ? null : outcome.stats();
        String recorded = null;
        if (m != null) {
            if (!closedInTime) {
                publish.accept(new RunEvent.Warning(loop.now(), scenario, "media-close-slow",
                        "closing the WebRTC session took longer than 5 s; going on without waiting"));
            }
            WavRecorder r = m.audio().recorder();
            if (r != null) {
                recorded = r.path().toString();
                publish.accept(new MediaEvent.RecordingSaved(loop.now(), scenario, r.path().toString(),
                        Math.round(r.seconds() * 100) / 100.0, r.rate(), r.channels()));
            }
        }
        Instant answered = answeredAt;
        long setupMs = !outbound ? (answered == null ? -1 : 0)
                : invitedAt == null || answered == null ? -1 : Duration.between(invitedAt, answered).toMillis();
        long talkMs = answered == null ? 0 : Math.max(0, Duration.between(answered, end).toMillis());
        stats = averaged(stats, talkMs);
        dialtone.media.MediaPresence presence = answered != null && outcome != null ? outcome.presence() : null;
        dialtone.media.MediaPresence.Figures figures = presence == null ? null : presence.figures();
        double mos = Check.mos(stats, figures);
        Failure checkFailure = null;
        if (answered != null && m != null) {
            if (figures != null) {
                String why = presence.failure();
                publish.accept(new MediaEvent.Presence(loop.now(), scenario, figures.expectedPerSecondIn(),
                        figures.expectedPerSecondOut(), figures.receivedPct(), figures.sentPct(),
                        figures.worstSecondReceivedPct(), figures.worstSecondSentPct(), figures.secondsJudged(),
                        figures.packetsExpected(), figures.packetsMissing(), figures.outages(), figures.outageMs(),
                        figures.longestOutageMs(), figures.notJudged(), why == null));
                check("media presence", why == null, presenceDetail(figures, why));
            }
            checkFailure = checks(m.audio(), stats, setupMs, mos);
            publish.accept(new CallEvent.Summary(loop.now(), scenario, setupMs, talkMs, mos, stats));
        }
        Failure mediaFailure = answered != null && outcome != null ? outcome.failure() : null;
        Failure controlFailure = control == null ? null : control.failure();
        Failure f = failure != null ? failure : mediaFailure != null ? mediaFailure
                : scriptFailure != null ? scriptFailure : controlFailure != null ? controlFailure : checkFailure;
        if (f != null && !failedPublished) {
            failedPublished = true;
            publish.accept(new CallEvent.Failed(loop.now(), scenario, f));
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("answered", answered != null);
        if (setupMs >= 0 && outbound) {
            s.put("setupMs", setupMs);
        }
        s.put("talkMs", talkMs);
        if (answered != null && mos >= 0) {
            s.put("mos", mos);
        }
        if (figures != null) {
            s.put("receivedPct", figures.receivedPct());
            s.put("sentPct", figures.sentPct());
            s.put("outages", figures.outages());
            s.put("outageMs", figures.outageMs());
        }
        if (endedBy != null) {
            s.put("endedBy", endedBy.name().toLowerCase(Locale.ROOT));
        }
        if (recorded != null) {
            s.put("recording", recorded);
        }
        dialtone.event.SpeechEvent.Summary talk = cv == null || !cv.isSpoken() ? null : cv.summary();
        if (talk != null) {
            s.put("turns", talk.turns());
            if (talk.greetingMs() != null) {
                s.put("greetingMs", talk.greetingMs());
            }
            s.put("latenciesMs", cv.latencies());
        }
        return new Result(scenario, f, s, answered != null, setupMs, firstAudioMs, talkMs, mos, stats, figures);
    }

    /** "received 99 % of 50/s (worst second 96 %), sent 100 % of 50/s (worst second 98 %); no outage". */
    static String presenceDetail(dialtone.media.MediaPresence.Figures f, String why) {
        List<String> l = new java.util.ArrayList<>();
        if (f.receivedPct() >= 0) {
            l.add(String.format(Locale.ROOT, "received %.0f %% of %.0f/s (worst second %.0f %%)", f.receivedPct(),
                    f.expectedPerSecondIn(), f.worstSecondReceivedPct()));
        }
        if (f.sentPct() >= 0) {
            l.add(String.format(Locale.ROOT, "sent %.0f %% of %.0f/s (worst second %.0f %%)", f.sentPct(),
                    f.expectedPerSecondOut(), f.worstSecondSentPct()));
        }
        if (f.notJudged() != null) {
            l.add("not judged: " + f.notJudged());
        }
        String out = f.outages() == 0 ? "no outage" : String.format(Locale.ROOT, "%d outage%s, %.2f s in all, the longest %.2f s",
                f.outages(), f.outages() == 1 ? "" : "s", f.outageMs() / 1000.0, f.longestOutageMs() / 1000.0);
        return String.join(", ", l) + (l.isEmpty() ? "" : "; ") + out + (why == null ? "" : " - " + why);
    }

    /** The expectations and assertions on the final figures; each is a call.check event. Returns the first failure. */
    private Failure checks(CallAudio m, MediaStats stats, long setupMs, double mos) {
        Failure first = null;
        Conversation cv = conversation;
        if (spec.expectAudio() != null) {
            boolean ok = m.analyzer().firstAudioNanos() > 0;
            String detail = ok ? "remote audio heard" : "no remote audio above -50 dBFS";
            check("expect-audio", ok, detail);
            if (!ok) {
                first = Failure.of(Layer.AUDIO, Cause.NO_MEDIA, "--expect-audio: " + detail);
            }
        }
        if (spec.expectTone() != null) {
            double share = m.analyzer().toneShare(0);
            long frames = m.analyzer().audibleFrames();
            boolean ok = m.analyzer().carriesTone(0) && frames >= 30;
            String detail = String.format("%.0f Hz carries %.0f%% of the received power over %.1f s of audio",
                    spec.expectTone(), share * 100, frames / 100.0);
            check("expect-tone " + Math.round(spec.expectTone()), ok, detail);
            if (!ok && first == null) {
                first = Failure.of(Layer.AUDIO, Cause.ASSERTION_FAILED, "--expect-tone " + Math.round(spec.expectTone())
                        + ": " + detail);
            }
        }
        for (Check c : spec.checks()) {
            double v = c.speech() ? c.measure(cv == null ? null : cv.summary()) : c.measure(stats, setupMs, mos);
            boolean ok = c.holds(v);
            String detail = Double.isNaN(v) ? "not measured" : "measured " + Math.round(v * 100) / 100.0;
            check("assert " + c.text(), ok, detail);
            if (!ok && first == null) {
                first = Failure.of(Layer.AUDIO, Cause.ASSERTION_FAILED, "--assert " + c.text() + " failed: " + detail);
            }
        }
        return first;
    }

    private void check(String name, boolean passed, String detail) {
        publish.accept(new CallEvent.Check(loop.now(), scenario, name, passed, detail));
    }

    /** The summary's bitrates are the call's averages (the last interval may be the silence after BYE). */
    static MediaStats averaged(MediaStats s, long talkMs) {
        if (s == null || talkMs <= 0) {
            return s;
        }
        double in = s.bytesReceived() < 0 ? -1 : Math.round(s.bytesReceived() * 8.0 / talkMs * 100) / 100.0;
        double out = s.bytesSent() < 0 ? -1 : Math.round(s.bytesSent() * 8.0 / talkMs * 100) / 100.0;
        return new MediaStats(s.packetsReceived(), s.packetsLost(), s.packetsSent(), s.bytesReceived(), s.bytesSent(),
                in, out, s.jitterMs(), s.rttMs(), s.audioLevel(), s.codec());
    }
}
