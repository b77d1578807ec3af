package dialtone.sip.ua;

import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.SipEvent;
import dialtone.event.TlsFacts;
import dialtone.event.TransportEvent;
import dialtone.sip.auth.DigestAuthenticator;
import dialtone.sip.auth.DigestChallenge;
import dialtone.sip.message.Header;
import dialtone.sip.message.Headers;
import dialtone.sip.message.SipMessage;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.sip.parser.ParseResult;
import dialtone.sip.parser.SipEncoder;
import dialtone.sip.parser.SipParser;
import dialtone.sip.transaction.ClientTransactionUser;
import dialtone.sip.transaction.ServerTransaction;
import dialtone.sip.transaction.TransactionLayer;
import dialtone.sip.transport.Reconnection;
import dialtone.sip.transport.SipTransport;
import dialtone.sip.transport.TransportListener;
import dialtone.support.RandomTokens;
import dialtone.support.Scheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A SIP user agent over one WebSocket (RFC 3261, RFC 7118): sends requests through client transactions with one
 * digest retry, routes responses by branch, answers the requests nobody else takes (OPTIONS 200, INVITE 480,
 * in-dialog requests 481, CANCEL), and comes back when the socket drops ({@link Reconnection}'s policy). Responses
 * are built by {@link Responses}. All state lives on the {@link Scheduler} loop.
 */
public final class UserAgent implements TransportListener {
    public static final String ALLOW = "INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,INFO,NOTIFY";

    private final Scheduler loop;
    private final Identity id;
    private final Consumer<Event> publish;
    private final String scenario;
    private final SipTransport transport;
    private final TransactionLayer tx;
    private final SipParser parser = new SipParser();
    private final DigestAuthenticator digest = new DigestAuthenticator(() -> RandomTokens.alnum(16));
    private final String url;
    private UaListener listener;
    private RequestHandler handler;
    private Consumer<ServerTransaction> cancelListener;
    private final Reconnection reconnection;

    public UserAgent(Scheduler loop, Identity id, Function<TransportListener, SipTransport> transportFactory,
                     Consumer<Event> publish, String scenario, String url) {
        this.loop = loop;
        this.id = id;
        this.publish = publish;
        this.scenario = scenario;
        this.url = url;
        this.transport = transportFactory.apply(this);
        this.reconnection = new Reconnection(loop, transport, new Reconnection.Attempts() {
            @Override
            public void connecting(int n) {
                publish.accept(new TransportEvent.Connecting(loop.now(), scenario, url, n));
            }

            @Override
            public void reconnecting(int n, long delayMs) {
                publish.accept(new TransportEvent.Reconnecting(loop.now(), scenario, n, delayMs));
            }
        });
        this.tx = new TransactionLayer(loop, this::wire);
    }

    public Identity identity() {
        return id;
    }

    public Scheduler loop() {
        return loop;
    }

    public void setListener(UaListener l) {
        this.listener = l;
    }

    public void setRequestHandler(RequestHandler h) {
        this.handler = h;
    }

    /** Timer B/F for every client transaction of this UA. */
    public void setRequestTimeout(Duration t) {
        tx.setTimeout(t);
    }

    /** Told when a CANCEL ended an INVITE server transaction (after the 487 went out). */
    public void setCancelListener(Consumer<ServerTransaction> l) {
        this.cancelListener = l;
    }

    public boolean isConnected() {
        return transport.isConnected();
    }

    public void start() {
        loop.assertOnLoop();
        reconnection.start();
    }

    /** Stops reconnecting and closes the socket. */
    public void stop() {
        loop.assertOnLoop();
        reconnection.stop();
    }

    // ---- transport events -----------------------------------------------------------------------------------

    @Override
    public void onConnected(String subprotocol, long handshakeMs, TlsFacts tls, String local, String remote) {
        publish.accept(new TransportEvent.Connected(loop.now(), scenario, url, subprotocol, handshakeMs, tls, local,
                remote));
        if (reconnection.connected()) {
            if (listener != null) {
                listener.onConnected();
            }
        } else if (listener != null) {
            listener.onReconnected();
        }
    }

    @Override
    public void onConnectFailed(Failure failure) {
        publish.accept(new TransportEvent.Failed(loop.now(), scenario, failure));
        if (!reconnection.everConnected()) {
            if (listener != null) {
                listener.onConnectFailed(failure);
            }
        } else {
            reconnection.lost();
        }
    }

    @Override
    public void onClosed(int code, String reason, boolean byLocal) {
        publish.accept(new TransportEvent.Closed(loop.now(), scenario, code, reason, byLocal || reconnection.stopping()));
        if (reconnection.stopping() || byLocal) {
            return;
        }
        if (listener != null) {
            listener.onDisconnected(code, reason);
        }
        reconnection.lost();
    }

    @Override
    public void onMessage(byte[] data) {
        if (data.length <= 4 && new String(data, StandardCharsets.US_ASCII).isBlank()) {
            return; // CRLF keep-alive (RFC 5626 §4.4.1 style) from the server
        }
        ParseResult r = parser.parse(data);
        if (r instanceof ParseResult.Err e) {
            publish.accept(new SipEvent.Unparseable(loop.now(), scenario, e.error().toString(), data.length));
            return;
        }
        SipMessage m = ((ParseResult.Ok) r).message();
        publish.accept(new SipEvent.Received(loop.now(), scenario, m.startLine(), new String(data, StandardCharsets.UTF_8)));
        if (m instanceof SipResponse resp) {
            tx.receive(resp);
        } else {
            onRequest((SipRequest) m);
        }
    }

    // ---- sending ----------------------------------------------------------------------------------------------

    private boolean wire(SipMessage m) {
        String text;
        try {
            text = SipEncoder.encodeText(m);
        } catch (SipEncoder.UnsafeMessageException e) {
            // an injected line from somewhere (config, flag, script, server echo): never on the wire
            publish.accept(new dialtone.event.RunEvent.Warning(loop.now(), scenario, "sip-refused", e.getMessage()));
            return false;
        }
        boolean ok = transport.send(text);
        if (ok) {
            publish.accept(new SipEvent.Sent(loop.now(), scenario, m.startLine(), text));
        }
        return ok;
    }

    /** Sends a request in a new client transaction, answering one digest challenge (two if the nonce was stale). */
    public void send(OutboundRequest req, ResponseHandler h) {
        loop.assertOnLoop();
        new Attempt(req, h).go(null, null);
    }

    private final class Attempt implements ClientTransactionUser {
        private final OutboundRequest req;
        private final ResponseHandler h;
        private int challenges;

        Attempt(OutboundRequest req, ResponseHandler h) {
            this.req = req;
            this.h = h;
        }

        void go(String authName, String authValue) {
            String branch = "z9hG4bK" + RandomTokens.alnum(16);
            List<Header> hs = new ArrayList<>();
            hs.add(new Header("Via", "SIP/2.0/" + transport.viaTransport() + " " + id.viaHost() + ";branch=" + branch + ";rport"));
            hs.add(new Header("Max-Forwards", "70"));
            hs.add(new Header("To", req.to()));
            hs.add(new Header("From", req.from()));
            hs.add(new Header("Call-ID", req.callId()));
            hs.add(new Header("CSeq", req.cseq().getAsLong() + " " + req.method()));
            if (authName != null) {
                hs.add(new Header(authName, authValue));
            }
            hs.addAll(req.headers());
            if (id.userAgent() != null) {
                hs.add(new Header("User-Agent", id.userAgent()));
            }
            if (req.contentType() != null) {
                hs.add(new Header("Content-Type", req.contentType()));
            }
            byte[] body = req.body() == null ? new byte[0] : req.body();
            SipRequest r = new SipRequest(req.method(), req.requestUri(), new Headers(hs), body);
            h.onSent(r);
            tx.send(r, branch, this);
        }

        @Override
        public void onResponse(SipResponse r) {
            if (r.isProvisional()) {
                h.onProvisional(r);
                return;
            }
            if ((r.status() == 401 || r.status() == 407) && id.credentials() != null) {
                Optional<DigestChallenge> ch = bestChallenge(r, r.status() == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
                if (ch.isPresent() && (challenges == 0 || (challenges == 1 && ch.get().stale()))) {
                    challenges++;
                    h.onChallenged(r.status(), ch.get());
                    String value = digest.authorize(ch.get(), id.credentials(), req.method(), req.requestUri());
                    go(r.status() == 401 ? "Authorization" : "Proxy-Authorization", value);
                    return;
                }
            }
            h.onFinal(r);
        }

        @Override
        public void onTimeout() {
            h.onTimeout();
        }

        @Override
        public void onTransportError() {
            h.onTransportError();
        }
    }

    /** A new top Via for a request sent outside the send() path (the ACK of a 2xx). */
    public String newVia() {
        return "SIP/2.0/" + transport.viaTransport() + " " + id.viaHost() + ";branch=z9hG4bK" + RandomTokens.alnum(16) + ";rport";
    }

    /** Sends a message with no transaction (the ACK of a 2xx, §13.2.2.4); false when not connected. */
    public boolean sendStateless(SipMessage m) {
        loop.assertOnLoop();
        return wire(m);
    }

    /** Starts a client transaction for a request built elsewhere (CANCEL: same Via as the INVITE, §9.1). */
    public void sendInTransaction(SipRequest r, String branch, ClientTransactionUser tu) {
        loop.assertOnLoop();
        tx.send(r, branch, tu);
    }

    public DigestAuthenticator digest() {
        return digest;
    }

    static Optional<DigestChallenge> bestChallenge(SipResponse r, String header) {
        return r.headers().lines(header).stream()
                .map(DigestChallenge::parse)
                .flatMap(Optional::stream)
                .max(Comparator.comparingInt(c -> c.algorithm().strength()));
    }

    // ---- receiving requests -----------------------------------------------------------------------------------

    private void onRequest(SipRequest req) {
        if (req.topVia().isEmpty()) {
            return; // nowhere to send a response
        }
        for (String h : List.of("From", "To", "Call-ID", "CSeq")) {
            if (req.header(h).isEmpty() && !req.is("ACK")) {
                respondStateless(req, 400, "Missing " + h);
                return;
            }
        }
        Optional<ServerTransaction> st = tx.serverTransaction(req);
        if (st.isEmpty()) {
            return;
        }
        if (req.is("CANCEL")) {
            onCancel(st.get());
            return;
        }
        if (handler != null && handler.onRequest(st.get())) {
            return;
        }
        switch (req.method()) {
            case "ACK" -> {
                // an ACK for a 2xx nobody handles: nothing to answer
            }
            case "OPTIONS" -> answer(st.get(), 200, "OK", List.of(new Header("Allow", ALLOW),
                    new Header("Accept", "application/sdp"), new Header("Supported", "outbound")));
            case "INVITE" -> answer(st.get(), 480, "Temporarily Unavailable", List.of());
            case "MESSAGE" -> answer(st.get(), 200, "OK", List.of());
            case "BYE", "INFO", "UPDATE", "NOTIFY", "PRACK", "REFER" ->
                    answer(st.get(), 481, "Call/Transaction Does Not Exist", List.of());
            default -> answer(st.get(), 405, "Method Not Allowed", List.of(new Header("Allow", ALLOW)));
        }
    }

    private void onCancel(ServerTransaction cancel) {
        Optional<ServerTransaction> invite = tx.inviteFor(cancel.request());
        if (invite.isPresent() && !invite.get().answered()) {
            answer(cancel, 200, "OK", List.of());
            answer(invite.get(), 487, "Request Terminated", List.of());
            if (cancelListener != null) {
                cancelListener.accept(invite.get());
            }
        } else {
            answer(cancel, 481, "Call/Transaction Does Not Exist", List.of());
        }
    }

    /** Answers a server transaction, adding a To tag to final responses that lack one. */
    public void answer(ServerTransaction st, int status, String reason, List<Header> extra) {
        answer(st, status, reason, extra, null, null);
    }

    public void answer(ServerTransaction st, int status, String reason, List<Header> extra, String contentType,
                       byte[] body) {
        loop.assertOnLoop();
        SipResponse r = response(st.request(), status, reason, extra, contentType, body);
        st.respond(r);
        if (status >= 200) {
            publish.accept(new SipEvent.Answered(loop.now(), scenario, st.request().method(), status, reason));
        }
    }

    /** Answers with a chosen To tag (a dialog's), so every response of the session carries the same one. */
    public void answerWithTag(ServerTransaction st, int status, String reason, List<Header> extra, String tag,
                              String contentType, byte[] body) {
        loop.assertOnLoop();
        SipResponse r = response(st.request(), status, reason, extra, contentType, body, tag);
        st.respond(r);
        if (status >= 200) {
            publish.accept(new SipEvent.Answered(loop.now(), scenario, st.request().method(), status, reason));
        }
    }

    private void respondStateless(SipRequest req, int status, String reason) {
        wire(response(req, status, reason, List.of(), null, null));
    }

    SipResponse response(SipRequest req, int status, String reason, List<Header> extra, String contentType, byte[] body) {
        return response(req, status, reason, extra, contentType, body, null);
    }

    SipResponse response(SipRequest req, int status, String reason, List<Header> extra, String contentType, byte[] body,
                         String tag) {
        return Responses.build(req, status, reason, extra, contentType, body, tag, id.userAgent());
    }
}
