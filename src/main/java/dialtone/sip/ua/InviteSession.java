package dialtone.sip.ua;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.Originator;
import dialtone.sip.dialog.Dialog;
import dialtone.sip.message.Header;
import dialtone.sip.message.Headers;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.sip.message.SyntaxError;
import dialtone.sip.transaction.ClientTransactionUser;
import dialtone.sip.transaction.ServerTransaction;
import dialtone.sip.transaction.Timers;
import dialtone.support.RandomTokens;
import dialtone.support.Scheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One INVITE session (RFC 3261 §13-15), either side: the UAC sends the INVITE (digest retry by the UA), ACKs
 * every 2xx, CANCELs while ringing (§9.1: only after a provisional response) and BYEs when done; the UAS rings,
 * answers (retransmitting the 2xx until the ACK, §13.3.1.4) or rejects. In-dialog requests arrive through
 * {@link #onRequest}. Refer and Replaces are refused (the Click To Call SDK's security invariant). All on the loop.
 */
public final class InviteSession {
    /** Outcomes, on the loop. */
    public interface Listener {
        default void onProgress(SipResponse r) {
        }

        /** UAC: a 2xx arrived and was ACKed; UAS: the ACK for our 2xx arrived. */
        void onAnswered(String remoteSdp);

        void onFailed(Failure failure);

        void onEnded(Originator by, String reason);

        /**
         * The call is ending: a BYE or CANCEL was sent, or a BYE arrived. From here on the media may go away at any
         * moment (a far end closes its peer connection as soon as it sees the BYE), so media changes are no longer
         * failures. Comes before {@link #onEnded}, which for a local BYE waits for its answer.
         */
        default void onEnding(Originator by) {
        }

        /** Other in-dialog requests (INFO, re-INVITE, UPDATE...); return true when answered. */
        default boolean onDialogRequest(InviteSession s, ServerTransaction st) {
            return false;
        }
    }

    enum State { CALLING, EARLY, CANCELLING, CONFIRMED, ENDED, INCOMING, ACCEPTED }

    private final UserAgent ua;
    private final Scheduler loop;
    private final Listener listener;
    private State state;
    private Dialog dialog;
    private SipRequest invite;
    private boolean provisional;
    private boolean cancelWanted;
    private ServerTransaction inviteTx;
    private String localTag;
    private SipResponse okResponse;
    private Scheduler.Cancellable okRetransmit;

    private InviteSession(UserAgent ua, Listener listener, State state) {
        this.ua = ua;
        this.loop = ua.loop();
        this.listener = listener;
        this.state = state;
    }

    // ---- UAC ---------------------------------------------------------------------------------------------------

    public static InviteSession dial(UserAgent ua, String target, String fromAor, List<Header> extra, String sdp,
                                     Listener l) {
        return dial(ua, target, fromAor, extra, sdp, RandomTokens.alnum(22), l);
    }

    /** With the Call-ID given (a load run's prefix and a random part). */
    public static InviteSession dial(UserAgent ua, String target, String fromAor, List<Header> extra, String sdp,
                                     String callId, Listener l) {
        InviteSession s = new InviteSession(ua, l, State.CALLING);
        long[] cseq = {0};
        List<Header> hs = new ArrayList<>();
        hs.add(new Header("Contact", "<" + ua.identity().contactUri() + ";ob>"));
        hs.add(new Header("Allow", UserAgent.ALLOW));
        hs.add(new Header("Supported", "outbound"));
        hs.addAll(extra);
        OutboundRequest req = new OutboundRequest("INVITE", target, "<" + fromAor + ">;tag=" + RandomTokens.alnum(10),
                "<" + target + ">", callId, () -> ++cseq[0], hs, "application/sdp", sdp.getBytes(StandardCharsets.UTF_8));
        ua.send(req, s.new UacHandler());
        return s;
    }

    private final class UacHandler implements ResponseHandler {
        @Override
        public void onSent(SipRequest request) {
            invite = request;
        }

        @Override
        public void onProvisional(SipResponse r) {
            if (r.status() == 100) {
                return;
            }
            provisional = true;
            if (state == State.CALLING) {
                state = State.EARLY;
            }
            listener.onProgress(r);
            if (cancelWanted) {
                sendCancel();
            }
        }

        @Override
        public void onFinal(SipResponse r) {
            if (r.status() >= 200 && r.status() < 300) {
                twoHundred(r);
                return;
            }
            if (state == State.ENDED) {
                return;
            }
            boolean cancelled = state == State.CANCELLING && r.status() == 487;
            state = State.ENDED;
            if (cancelled) {
                listener.onEnded(Originator.LOCAL, "cancelled");
            } else {
                String why = r.status() + " " + r.reason();
                listener.onFailed(new Failure(Layer.CALL, r.status() == 401 || r.status() == 407 ? Cause.AUTHENTICATION_ERROR
                        : Cause.fromStatus(r.status()), Originator.REMOTE, r.status(), r.reason(), "the call was rejected: " + why));
            }
        }

        @Override
        public void onTimeout() {
            if (state != State.ENDED) {
                state = State.ENDED;
                listener.onFailed(Failure.of(Layer.CALL, Cause.REQUEST_TIMEOUT, "no answer to INVITE in time (Timer B)"));
            }
        }

        @Override
        public void onTransportError() {
            if (state != State.ENDED) {
                state = State.ENDED;
                listener.onFailed(Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "the INVITE could not be sent: not connected"));
            }
        }
    }

    private void twoHundred(SipResponse r) {
        if (dialog == null) {
            try {
                dialog = Dialog.asCaller(invite, r);
            } catch (SyntaxError e) {
                state = State.ENDED;
                listener.onFailed(Failure.of(Layer.CALL, Cause.DIALOG_ERROR, "unusable 2xx to INVITE: " + e.getMessage()));
                return;
            }
        }
        long n = invite.cseq().map(c -> c.number()).orElse(1L);
        ua.sendStateless(dialog.ack(n, ua.newVia(), ua.identity().userAgent()));
        if (state == State.CALLING || state == State.EARLY || state == State.CANCELLING) {
            boolean cancelling = state == State.CANCELLING;
            state = State.CONFIRMED;
            if (cancelling) {
                // the far end answered before our CANCEL: §9.1 says the call is up; end it with BYE
                bye("cancelled after answer");
                return;
            }
            listener.onAnswered(r.bodyText());
        }
    }

    /** Stops a call that is not answered yet (CANCEL as soon as a provisional response allows it). */
    public void cancel() {
        loop.assertOnLoop();
        if (state == State.CALLING || state == State.EARLY) {
            state = State.CANCELLING;
            listener.onEnding(Originator.LOCAL);
            cancelWanted = true;
            if (provisional) {
                sendCancel();
            }
        }
    }

    public boolean isRinging() {
        return state == State.CALLING || state == State.EARLY;
    }

    private void sendCancel() {
        if (invite == null) {
            return;
        }
        cancelWanted = false;
        List<Header> h = new ArrayList<>();
        String via = invite.headers().values("Via").get(0);
        h.add(new Header("Via", via));
        h.add(new Header("Max-Forwards", "70"));
        for (String route : invite.headers().lines("Route")) {
            h.add(new Header("Route", route));
        }
        h.add(new Header("From", invite.header("From").orElse("")));
        h.add(new Header("To", invite.header("To").orElse("")));
        h.add(new Header("Call-ID", invite.callId()));
        h.add(new Header("CSeq", invite.cseq().map(c -> c.number()).orElse(1L) + " CANCEL"));
        SipRequest cancel = new SipRequest("CANCEL", invite.uri(), new Headers(h), new byte[0]);
        String branch = invite.topVia().flatMap(v -> v.branch()).orElse("");
        ua.sendInTransaction(cancel, branch, new ClientTransactionUser() {
            @Override
            public void onResponse(SipResponse r) {
                // the INVITE's 487 (or 200) decides
            }

            @Override
            public void onTimeout() {
            }

            @Override
            public void onTransportError() {
            }
        });
    }

    /** Ends a confirmed call with BYE; {@code onEnded(LOCAL)} follows on any answer (or none, after Timer F). */
    public void bye(String reason) {
        loop.assertOnLoop();
        if (state != State.CONFIRMED && state != State.ACCEPTED) {
            return;
        }
        state = State.ENDED;
        stopRetransmitting();
        listener.onEnding(Originator.LOCAL);
        List<Header> h = new ArrayList<>(dialog.routeHeaders());
        long n = dialog.nextCseq();
        ua.send(new OutboundRequest("BYE", dialog.remoteTarget(), dialog.from(), dialog.to(), dialog.callId(), () -> n,
                h, null, null), new ResponseHandler() {
                    @Override
                    public void onFinal(SipResponse r) {
                        listener.onEnded(Originator.LOCAL, reason);
                    }

                    @Override
                    public void onTimeout() {
                        listener.onEnded(Originator.LOCAL, reason + " (no answer to BYE)");
                    }

                    @Override
                    public void onTransportError() {
                        listener.onEnded(Originator.LOCAL, reason + " (BYE not sent: not connected)");
                    }
                });
    }

    /** Sends a request inside the dialog (INFO, ...). */
    public void request(String method, List<Header> extra, String contentType, byte[] body, ResponseHandler h) {
        List<Header> hs = new ArrayList<>(dialog.routeHeaders());
        hs.addAll(extra);
        long n = dialog.nextCseq();
        ua.send(new OutboundRequest(method, dialog.remoteTarget(), dialog.from(), dialog.to(), dialog.callId(), () -> n,
                hs, contentType, body), h);
    }

    public boolean established() {
        return state == State.CONFIRMED || state == State.ACCEPTED;
    }

    public boolean ended() {
        return state == State.ENDED;
    }

    // ---- UAS ---------------------------------------------------------------------------------------------------

    public static InviteSession incoming(UserAgent ua, ServerTransaction st, Listener l) {
        InviteSession s = new InviteSession(ua, l, State.INCOMING);
        s.inviteTx = st;
        s.invite = st.request();
        s.localTag = RandomTokens.alnum(10);
        return s;
    }

    public void ring() {
        if (state == State.INCOMING) {
            respond(180, "Ringing", null);
        }
    }

    public void reject(int status, String reason) {
        if (state == State.INCOMING) {
            state = State.ENDED;
            respond(status, reason, null);
        }
    }

    /** Answers with our SDP; {@code onAnswered} follows when the ACK arrives. */
    public void accept(String sdp) {
        if (state != State.INCOMING) {
            return;
        }
        try {
            dialog = Dialog.asCallee(invite, localTag);
        } catch (SyntaxError e) {
            reject(400, "Bad Request");
            return;
        }
        state = State.ACCEPTED;
        respond(200, "OK", sdp);
        okResponse = inviteTx.lastResponse();
        retransmitOk(Timers.T1, Duration.ZERO);
    }

    private void retransmitOk(Duration interval, Duration elapsed) {
        // §13.3.1.4: retransmit the 2xx with doubling intervals (capped at T2 = 4 s) until the ACK, 64*T1 in all
        if (elapsed.compareTo(Timers.T1.multipliedBy(64)) >= 0) {
            if (state == State.ACCEPTED) {
                bye("no ACK for our 200 OK");
            }
            return;
        }
        okRetransmit = loop.schedule(interval, () -> {
            if (state == State.ACCEPTED && dialog != null && okResponse != null) {
                ua.sendStateless(okResponse);
                Duration next = interval.multipliedBy(2);
                retransmitOk(next.compareTo(Duration.ofSeconds(4)) > 0 ? Duration.ofSeconds(4) : next, elapsed.plus(interval));
            }
        });
    }

    private void stopRetransmitting() {
        if (okRetransmit != null) {
            okRetransmit.cancel();
            okRetransmit = null;
        }
    }

    private void respond(int status, String reason, String sdp) {
        List<Header> extra = new ArrayList<>();
        if (status > 100 && status < 300) {
            extra.add(new Header("Contact", "<" + ua.identity().contactUri() + ">"));
            extra.add(new Header("Allow", UserAgent.ALLOW));
        }
        ua.answerWithTag(inviteTx, status, reason, extra, localTag, sdp == null ? null : "application/sdp",
                sdp == null ? null : sdp.getBytes(StandardCharsets.UTF_8));
    }

    /** The CANCEL matched our INVITE and the UA answered 487: the caller gave up. */
    public void cancelledByCaller() {
        if (state == State.INCOMING) {
            state = State.ENDED;
            listener.onEnding(Originator.REMOTE);
            listener.onEnded(Originator.REMOTE, "cancelled by the caller");
        }
    }

    public ServerTransaction inviteTransaction() {
        return inviteTx;
    }

    // ---- in-dialog requests --------------------------------------------------------------------------------------

    /** True when the request belongs to this session's dialog. */
    public boolean owns(SipRequest r) {
        return dialog != null && dialog.matches(r);
    }

    public void onRequest(ServerTransaction st) {
        SipRequest r = st.request();
        if (!dialog.acceptRemoteCseq(r)) {
            ua.answer(st, 500, "Server Internal Error", List.of(new Header("Retry-After", "1")));
            return;
        }
        switch (r.method()) {
            case "ACK" -> {
                if (state == State.ACCEPTED) {
                    stopRetransmitting();
                    state = State.CONFIRMED;
                    listener.onAnswered(invite.bodyText());
                }
            }
            case "BYE" -> {
                ua.answer(st, 200, "OK", List.of());
                if (state != State.ENDED) {
                    state = State.ENDED;
                    stopRetransmitting();
                    listener.onEnding(Originator.REMOTE);
                    listener.onEnded(Originator.REMOTE, r.header("Reason").orElse("BYE from the far end"));
                }
            }
            case "REFER" -> ua.answer(st, 603, "Decline", List.of());
            default -> {
                if (r.header("Replaces").isPresent()) {
                    ua.answer(st, 603, "Decline", List.of());
                } else if (!listener.onDialogRequest(this, st)) {
                    if (r.is("INFO") || r.is("NOTIFY") || r.is("MESSAGE")) {
                        ua.answer(st, 200, "OK", List.of());
                    } else if (r.is("INVITE") || r.is("UPDATE")) {
                        ua.answer(st, 488, "Not Acceptable Here", List.of());
                    } else {
                        ua.answer(st, 405, "Method Not Allowed", List.of(new Header("Allow", UserAgent.ALLOW)));
                    }
                }
            }
        }
    }

    public Dialog dialog() {
        return dialog;
    }
}
