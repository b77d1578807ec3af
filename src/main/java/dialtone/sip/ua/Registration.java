package dialtone.sip.ua;

import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.Originator;
import dialtone.event.RegistrationEvent;
import dialtone.sip.auth.DigestChallenge;
import dialtone.sip.message.Header;
import dialtone.sip.message.NameAddr;
import dialtone.sip.message.SipResponse;
import dialtone.sip.message.SyntaxError;
import dialtone.support.RandomTokens;
import dialtone.support.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Registration of one AoR (RFC 3261 §10.2): REGISTER with the RFC 5626 instance parameters browser clients send,
 * digest challenge answered by the {@link UserAgent}, refresh before expiry, 423 Interval Too Brief answered with
 * Min-Expires, and REGISTER with expires 0 to leave. One Call-ID for the life of the registration, CSeq increasing
 * (§10.2.4).
 */
public final class Registration {
    /** Called on the loop with each outcome. */
    public interface Listener {
        void onRegistered(int expires, boolean refresh);

        void onFailed(Failure failure);

        default void onUnregistered() {
        }
    }

    private final UserAgent ua;
    private final Consumer<Event> publish;
    private final String scenario;
    private final Listener listener;
    private final String callId = RandomTokens.alnum(22);
    private final String fromTag = RandomTokens.alnum(10);
    private final Scheduler loop;
    private int expires;
    private long cseq;
    private RegistrationState state = RegistrationState.UNREGISTERED;
    private boolean everRegistered;
    private int intervalRetries;
    private Scheduler.Cancellable refreshTimer;

    public Registration(UserAgent ua, int expires, Consumer<Event> publish, String scenario, Listener listener) {
        this.ua = ua;
        this.loop = ua.loop();
        this.expires = expires;
        this.publish = publish;
        this.scenario = scenario;
        this.listener = listener;
    }

    public RegistrationState state() {
        return state;
    }

    public void register() {
        loop.assertOnLoop();
        if (state == RegistrationState.REGISTERING || state == RegistrationState.UNREGISTERING) {
            // "UAs MUST NOT send a new registration (that is, containing new Contact header field values, as
            // opposed to a retransmission) until they have received a final response from the registrar for the
            // previous one or the previous REGISTER request has timed out." (§10.2)
            return;
        }
        boolean refresh = state == RegistrationState.REGISTERED;
        state = RegistrationState.REGISTERING;
        cancelRefresh();
        publish.accept(new RegistrationEvent.Sending(loop.now(), scenario, ua.identity().aor(), expires, refresh));
        ua.send(request(expires), new ResponseHandler() {
            @Override
            public void onChallenged(int status, DigestChallenge c) {
                publish.accept(new RegistrationEvent.Challenged(loop.now(), scenario, status, c.realm(),
                        c.algorithm().wire(), c.stale()));
            }

            @Override
            public void onFinal(SipResponse r) {
                registered(r, refresh);
            }

            @Override
            public void onTimeout() {
                fail(Failure.of(Layer.REGISTRATION, Cause.REQUEST_TIMEOUT, "no answer to REGISTER in time (Timer F)"));
            }

            @Override
            public void onTransportError() {
                // the socket is gone; the UA reconnects and the scenario calls register() again
                state = RegistrationState.UNREGISTERED;
            }
        });
    }

    private void registered(SipResponse r, boolean refresh) {
        if (r.status() >= 200 && r.status() < 300) {
            int granted = grantedExpires(r);
            if (granted <= 0) {
                // a 2xx that binds our contact for 0 s (or removed it) is no registration, whatever its status
                fail(new Failure(Layer.REGISTRATION, Cause.REJECTED, Originator.REMOTE, r.status(), r.reason(),
                        "the registrar answered " + r.status() + " " + r.reason() + " but granted our contact 0 s:"
                                + " not registered"));
                return;
            }
            int contacts = r.headers().values("Contact").size();
            state = RegistrationState.REGISTERED;
            everRegistered = true;
            intervalRetries = 0;
            publish.accept(new RegistrationEvent.Registered(loop.now(), scenario, ua.identity().aor(), granted, contacts, refresh));
            if (granted > 0) {
                long delay = granted > 60 ? granted - 30 : Math.max(1, granted / 2);
                refreshTimer = loop.schedule(Duration.ofSeconds(delay), this::register);
            }
            listener.onRegistered(granted, refresh);
            return;
        }
        if (r.status() == 423 && intervalRetries < 3) {
            int min = r.header("Min-Expires").filter(v -> v.matches("\\d{1,9}")).map(Integer::parseInt).orElse(0);
            if (min > expires) {
                intervalRetries++;
                expires = min;
                state = RegistrationState.UNREGISTERED;
                register();
                return;
            }
        }
        Cause cause = r.status() == 401 || r.status() == 407 ? Cause.AUTHENTICATION_ERROR : Cause.fromStatus(r.status());
        boolean stale = (r.status() == 401 || r.status() == 407) && UserAgent.bestChallenge(r,
                r.status() == 401 ? "WWW-Authenticate" : "Proxy-Authenticate").map(DigestChallenge::stale).orElse(false);
        String why = switch (r.status()) {
            // RFC 7616 §3.3: stale=true says the nonce was refused, not the credentials; the user agent answered with
            // the fresh nonce once already, so the registrar refused a nonce it had just issued
            case 401, 407 -> stale ? "the registrar answered " + r.status() + " " + r.reason() + " with stale=true again"
                    + " after dialtone answered its fresh nonce: it refuses its own nonces (a nonce lifetime or clock"
                    + " problem at the registrar), which says nothing about the username or password"
                    : "the registrar rejected the credentials (" + r.status() + " " + r.reason()
                    + " after answering the challenge): wrong username or password?";
            case 403 -> "the registrar refused the registration: " + r.status() + " " + r.reason();
            case 404 -> "the registrar does not know this user or domain: 404 " + r.reason();
            default -> "REGISTER failed: " + r.status() + " " + r.reason();
        };
        fail(new Failure(Layer.REGISTRATION, cause, Originator.REMOTE, r.status(), r.reason(), why));
    }

    private void fail(Failure f) {
        state = RegistrationState.FAILED;
        cancelRefresh();
        publish.accept(new RegistrationEvent.Failed(loop.now(), scenario, f));
        listener.onFailed(f);
    }

    /** Leaves: REGISTER with expires 0; {@code done} runs on any outcome. */
    public void unregister(Runnable done) {
        loop.assertOnLoop();
        cancelRefresh();
        if (!everRegistered || !ua.isConnected()) {
            state = RegistrationState.UNREGISTERED;
            done.run();
            return;
        }
        state = RegistrationState.UNREGISTERING;
        publish.accept(new RegistrationEvent.Sending(loop.now(), scenario, ua.identity().aor(), 0, false));
        ua.send(request(0), new ResponseHandler() {
            @Override
            public void onFinal(SipResponse r) {
                state = RegistrationState.UNREGISTERED;
                publish.accept(new RegistrationEvent.Unregistered(loop.now(), scenario, ua.identity().aor(), r.status()));
                listener.onUnregistered();
                done.run();
            }

            @Override
            public void onTimeout() {
                state = RegistrationState.UNREGISTERED;
                done.run();
            }

            @Override
            public void onTransportError() {
                state = RegistrationState.UNREGISTERED;
                done.run();
            }
        });
    }

    /** The socket dropped: the registration is gone with it until the UA reconnects. */
    public void connectionLost() {
        cancelRefresh();
        if (state != RegistrationState.FAILED) {
            state = RegistrationState.UNREGISTERED;
        }
    }

    private void cancelRefresh() {
        if (refreshTimer != null) {
            refreshTimer.cancel();
            refreshTimer = null;
        }
    }

    private OutboundRequest request(int exp) {
        Identity id = ua.identity();
        String contact = "<" + id.contactUri() + ">;+sip.ice;reg-id=1;+sip.instance=\"" + id.instanceId() + "\";expires=" + exp;
        List<Header> headers = List.of(
                new Header("Contact", contact),
                new Header("Expires", Integer.toString(exp)),
                new Header("Allow", UserAgent.ALLOW),
                new Header("Supported", "path,gruu,outbound"));
        return new OutboundRequest("REGISTER", "sip:" + id.realm(), "<" + id.aor() + ">;tag=" + fromTag,
                "<" + id.aor() + ">", callId, () -> ++cseq, headers, null, null);
    }

    /** Our contact's expires in the 2xx (§10.2.4), else the Expires header, else what we asked for. */
    private int grantedExpires(SipResponse r) {
        String mine = ua.identity().contactUser() + "@" + ua.identity().viaHost();
        for (String c : r.headers().values("Contact")) {
            try {
                NameAddr na = NameAddr.parse(c);
                if (na.uri().contains(mine)) {
                    String e = na.param("expires").orElse(null);
                    if (e != null && e.matches("\\d{1,9}")) {
                        return Integer.parseInt(e);
                    }
                }
            } catch (SyntaxError e) {
                // a contact we cannot read is not ours
            }
        }
        return r.header("Expires").filter(v -> v.matches("\\d{1,9}")).map(Integer::parseInt).orElse(expires);
    }
}
