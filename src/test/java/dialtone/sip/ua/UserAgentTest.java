package dialtone.sip.ua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.RegistrationEvent;
import dialtone.event.TransportEvent;
import dialtone.sip.auth.DigestCredentials;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.support.Secret;
import dialtone.testing.FakeTransport;
import dialtone.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The user agent and its registration against a scripted registrar on a fake transport, time driven by hand. */
class UserAgentTest {
    ManualScheduler clock;
    FakeTransport wire;
    UserAgent ua;
    Registration reg;
    List<Event> events;
    List<String> outcomes;

    @BeforeEach
    void setUp() {
        clock = new ManualScheduler();
        events = new ArrayList<>();
        outcomes = new ArrayList<>();
        Identity id = new Identity("sip:alice@example.com", "example.com",
                new DigestCredentials("alice", Secret.of("wonderland")), "dialtone/test", "abc.invalid", "c0ntact",
                "<urn:uuid:00000000-0000-4000-8000-000000000000>");
        ua = new UserAgent(clock, id, l -> wire = new FakeTransport(l), events::add, "t", "wss://example.com");
        reg = new Registration(ua, 600, events::add, "t", new Registration.Listener() {
            @Override
            public void onRegistered(int expires, boolean refresh) {
                outcomes.add("registered " + expires + (refresh ? " refresh" : ""));
            }

            @Override
            public void onFailed(Failure f) {
                outcomes.add("failed " + f.cause() + " " + f.status());
            }
        });
        ua.setListener(new UaListener() {
            @Override
            public void onConnected() {
                reg.register();
            }

            @Override
            public void onConnectFailed(Failure f) {
                outcomes.add("connect failed");
            }

            @Override
            public void onDisconnected(int code, String reason) {
                reg.connectionLost();
            }

            @Override
            public void onReconnected() {
                reg.register();
            }
        });
    }

    static String reply(SipRequest r, int status, String reason, String... extra) {
        return dialtone.testing.SipReplies.reply(r, status, reason, extra);
    }

    @Test
    void registersAfterOneChallengeAndRefreshesBeforeExpiry() {
        ua.start();
        SipRequest first = wire.lastRequest();
        assertEquals("REGISTER", first.method());
        assertEquals("sip:example.com", first.uri());
        assertTrue(first.header("Via").orElseThrow().startsWith("SIP/2.0/WSS abc.invalid;branch=z9hG4bK"));
        assertTrue(first.header("Contact").orElseThrow().contains("<sip:c0ntact@abc.invalid;transport=ws>"));
        assertTrue(first.header("Contact").orElseThrow().contains("+sip.instance=\"<urn:uuid:"));
        assertFalse(first.header("Authorization").isPresent());
        wire.deliver(reply(first, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\""));
        SipRequest second = wire.lastRequest();
        assertEquals(first.callId(), second.callId(), "one Call-ID per registration");
        assertEquals(first.cseq().orElseThrow().number() + 1, second.cseq().orElseThrow().number());
        assertTrue(second.header("Authorization").orElseThrow().contains("username=\"alice\""));
        assertFalse(second.header("Authorization").orElseThrow().contains("wonderland"));
        wire.deliver(reply(second, 200, "OK", "Contact: <sip:c0ntact@abc.invalid;transport=ws>;expires=120"));
        assertEquals(List.of("registered 120"), outcomes);
        clock.advance(Duration.ofSeconds(89));
        assertEquals(2, wire.sent.size(), "no refresh yet");
        clock.advance(Duration.ofSeconds(1));
        SipRequest refresh = wire.lastRequest();
        assertEquals("REGISTER", refresh.method());
        assertEquals(second.cseq().orElseThrow().number() + 1, refresh.cseq().orElseThrow().number());
        wire.deliver(reply(refresh, 200, "OK", "Expires: 120"));
        assertEquals(List.of("registered 120", "registered 120 refresh"), outcomes);
        assertTrue(events.stream().anyMatch(e -> e instanceof RegistrationEvent.Challenged c && c.status() == 401));
    }

    @Test
    void secondChallengeMeansWrongPassword() {
        ua.start();
        SipRequest a = wire.lastRequest();
        wire.deliver(reply(a, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\""));
        SipRequest b = wire.lastRequest();
        wire.deliver(reply(b, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n2\""));
        assertEquals(List.of("failed AUTHENTICATION_ERROR 401"), outcomes);
        assertEquals(2, wire.sent.size());
    }

    @Test
    void staleNonceIsAnsweredOnceMore() {
        ua.start();
        SipRequest a = wire.lastRequest();
        wire.deliver(reply(a, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\""));
        SipRequest b = wire.lastRequest();
        wire.deliver(reply(b, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n2\", stale=true"));
        SipRequest c = wire.lastRequest();
        assertTrue(c.header("Authorization").orElseThrow().contains("nonce=\"n2\""));
        wire.deliver(reply(c, 200, "OK", "Expires: 600"));
        assertEquals(List.of("registered 600"), outcomes);
    }

    @Test
    void intervalTooBriefRetriesWithMinExpires() {
        ua.start();
        SipRequest a = wire.lastRequest();
        wire.deliver(reply(a, 423, "Interval Too Brief", "Min-Expires: 3600"));
        SipRequest b = wire.lastRequest();
        assertEquals("3600", b.header("Expires").orElseThrow());
        assertTrue(b.header("Contact").orElseThrow().endsWith("expires=3600"));
        wire.deliver(reply(b, 200, "OK", "Expires: 3600"));
        assertEquals(List.of("registered 3600"), outcomes);
    }

    @Test
    void rejectionMapsToCause() {
        ua.start();
        wire.deliver(reply(wire.lastRequest(), 403, "Forbidden"));
        assertEquals(List.of("failed REJECTED 403"), outcomes);
    }

    @Test
    void timerFEndsAnUnansweredRegister() {
        ua.start();
        clock.advance(Duration.ofSeconds(31));
        assertTrue(outcomes.isEmpty());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("failed " + Cause.REQUEST_TIMEOUT + " 0"), outcomes);
    }

    @Test
    void reconnectsWithBackoffAndRegistersAgain() {
        ua.start();
        wire.deliver(reply(wire.lastRequest(), 200, "OK", "Expires: 600"));
        wire.failNextConnect = false;
        wire.drop();
        assertTrue(events.stream().anyMatch(e -> e instanceof TransportEvent.Reconnecting r && r.delayMs() == 2000));
        wire.failNextConnect = true;
        clock.advance(Duration.ofSeconds(2));
        assertEquals(2, wire.connects);
        assertTrue(events.stream().anyMatch(e -> e instanceof TransportEvent.Reconnecting r && r.delayMs() == 4000));
        clock.advance(Duration.ofSeconds(4));
        assertEquals(3, wire.connects);
        SipRequest again = wire.lastRequest();
        assertEquals("REGISTER", again.method());
        wire.deliver(reply(again, 200, "OK", "Expires: 600"));
        assertEquals(List.of("registered 600", "registered 600"), outcomes);
    }

    @Test
    void answersOptionsAndRejectsAnUnexpectedInvite() {
        ua.start();
        wire.deliver("OPTIONS sip:c0ntact@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKopt1\n"
                + "From: <sip:probe@example.net>;tag=p1\nTo: <sip:alice@example.com>\nCall-ID: opt-1\nCSeq: 7 OPTIONS\n"
                + "Max-Forwards: 70\nContent-Length: 0\n\n");
        SipResponse ok = (SipResponse) wire.last();
        assertEquals(200, ok.status());
        assertTrue(ok.header("Allow").orElseThrow().contains("INVITE"));
        assertTrue(ok.to().orElseThrow().tag().isPresent());
        wire.deliver("INVITE sip:c0ntact@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKinv1\n"
                + "From: <sip:probe@example.net>;tag=p2\nTo: <sip:alice@example.com>\nCall-ID: inv-1\nCSeq: 1 INVITE\n"
                + "Max-Forwards: 70\nContent-Length: 0\n\n");
        SipResponse busy = (SipResponse) wire.last();
        assertEquals(480, busy.status());
        int n = wire.sent.size();
        // the retransmitted INVITE is answered again from the server transaction, not handled twice
        wire.deliver("INVITE sip:c0ntact@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKinv1\n"
                + "From: <sip:probe@example.net>;tag=p2\nTo: <sip:alice@example.com>\nCall-ID: inv-1\nCSeq: 1 INVITE\n"
                + "Max-Forwards: 70\nContent-Length: 0\n\n");
        assertEquals(n + 1, wire.sent.size());
        assertEquals(480, ((SipResponse) wire.last()).status());
        wire.deliver("BYE sip:c0ntact@abc.invalid SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKbye1\n"
                + "From: <sip:probe@example.net>;tag=p3\nTo: <sip:alice@example.com>;tag=zz\nCall-ID: nope\nCSeq: 2 BYE\n"
                + "Max-Forwards: 70\nContent-Length: 0\n\n");
        assertEquals(481, ((SipResponse) wire.last()).status());
    }

    @Test
    void garbageIsReportedAndDropped() {
        ua.start();
        int n = wire.sent.size();
        wire.listener.onMessage("this is not SIP\r\n\r\n".getBytes());
        assertEquals(n, wire.sent.size());
        assertNotNull(events.stream().filter(e -> e instanceof dialtone.event.SipEvent.Unparseable).findFirst().orElse(null));
    }

    @Test
    void unregisterSendsExpiresZero() {
        ua.start();
        wire.deliver(reply(wire.lastRequest(), 200, "OK", "Expires: 600"));
        List<String> done = new ArrayList<>();
        reg.unregister(() -> done.add("done"));
        SipRequest bye = wire.lastRequest();
        assertEquals("0", bye.header("Expires").orElseThrow());
        wire.deliver(reply(bye, 200, "OK"));
        assertEquals(List.of("done"), done);
        assertEquals(RegistrationState.UNREGISTERED, reg.state());
    }

    @Test
    void aTwoHundredThatGrantsZeroSecondsIsNotARegistration() {
        ua.start();
        SipRequest a = wire.lastRequest();
        wire.deliver(reply(a, 200, "OK", "Contact: <sip:c0ntact@abc.invalid;transport=ws>;expires=0"));
        assertEquals(List.of("failed REJECTED 200"), outcomes);
        assertFalse(events.stream().anyMatch(e -> e instanceof RegistrationEvent.Registered));
    }

    private String failureMessage() {
        return events.stream().filter(e -> e instanceof RegistrationEvent.Failed).map(e -> ((RegistrationEvent.Failed) e)
                .failure().message()).findFirst().orElseThrow();
    }

    @Test
    void aStaleNonceIsNotCalledAWrongPassword() {
        // RFC 7616 §3.3: stale=true means the nonce expired, not the credentials: answer once more with the new one
        ua.start();
        SipRequest a = wire.lastRequest();
        wire.deliver(reply(a, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\""));
        SipRequest b = wire.lastRequest();
        wire.deliver(reply(b, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n2\", stale=true"));
        SipRequest c = wire.lastRequest();
        assertTrue(c.header("Authorization").orElseThrow().contains("nonce=\"n2\""));
        assertTrue(outcomes.isEmpty(), "a stale nonce is no failure: " + outcomes);
        // the registrar refuses the nonce it has just issued: a registrar problem, said as such
        wire.deliver(reply(c, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n3\", stale=TRUE"));
        assertEquals(List.of("failed AUTHENTICATION_ERROR 401"), outcomes);
        assertEquals(3, wire.sent.size(), "one answer to the challenge, one to the stale nonce, no more");
        String why = failureMessage();
        assertFalse(why.contains("password?"), why);
        assertTrue(why.contains("stale=true") && why.contains("nothing about the username or password"), why);
    }

    @Test
    void aFreshNonceRefusedWithoutStaleIsAWrongPassword() {
        ua.start();
        SipRequest a = wire.lastRequest();
        wire.deliver(reply(a, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\""));
        SipRequest b = wire.lastRequest();
        wire.deliver(reply(b, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n2\", stale=true"));
        SipRequest c = wire.lastRequest();
        wire.deliver(reply(c, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n3\""));
        assertEquals(List.of("failed AUTHENTICATION_ERROR 401"), outcomes);
        assertTrue(failureMessage().contains("wrong username or password?"), failureMessage());
    }

    @Test
    void aStaleFirstChallengeIsJustAChallenge() {
        ua.start();
        SipRequest a = wire.lastRequest();
        wire.deliver(reply(a, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", stale=true"));
        SipRequest b = wire.lastRequest();
        wire.deliver(reply(b, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n2\", stale=true"));
        SipRequest c = wire.lastRequest();
        assertTrue(c.header("Authorization").orElseThrow().contains("nonce=\"n2\""));
        wire.deliver(reply(c, 200, "OK", "Expires: 600"));
        assertEquals(List.of("registered 600"), outcomes);
    }
}
