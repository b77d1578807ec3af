package dialtone.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.config.SipProfile;
import dialtone.sip.auth.DigestCredentials;
import dialtone.sip.message.Header;
import dialtone.sip.message.SipMessage;
import dialtone.sip.parser.ParseResult;
import dialtone.sip.parser.SipParser;
import dialtone.sip.ua.Identity;
import dialtone.sip.ua.InviteSession;
import dialtone.sip.ua.Registration;
import dialtone.sip.ua.UserAgent;
import dialtone.testing.FakeTransport;
import dialtone.testing.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The oracle of the injection fuzz target and property test: a message parses back to what was written. */
final class Injection {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Injection() {
    }

    /** A legacy configuration whose organisationId, projectId, applicationSid, realm, username, endpointName are given. */
    static String config(String[] v) {
        ObjectNode root = JSON.createObjectNode();
        root.put("organisationId", v[0]);
        root.put("projectId", v[1]);
        ObjectNode es = root.putObject("endpointSettings");
        es.put("endpointName", v[5]);
        ObjectNode sip = es.putObject("sipConnectivityInfo");
        sip.put("applicationSid", v[2]);
        sip.put("realm", v[3]);
        sip.put("username", v[4]);
        sip.put("password", "fuzz-password");
        sip.put("wsUri", "wss://sip.example.com");
        es.putObject("webrtcWidgetConfig").put("active", true);
        return root.toString();
    }

    /** Registers (with a digest retry) and dials with the profile; every message sent must parse back line for line. */
    static void assertNoLineAdded(SipProfile p, String challengeRealm) {
        ManualScheduler loop = new ManualScheduler();
        FakeTransport[] wire = new FakeTransport[1];
        Identity id = Identity.of(p.aor(), p.realm(), new DigestCredentials(p.authUser(), p.password()), "dialtone/fuzz");
        UserAgent ua = new UserAgent(loop, id, l -> wire[0] = new FakeTransport(l), e -> { }, "fuzz", "wss://x");
        Registration reg = new Registration(ua, 600, e -> { }, "fuzz", new Registration.Listener() {
            @Override
            public void onRegistered(int expires, boolean refresh) {
            }

            @Override
            public void onFailed(dialtone.event.Failure f) {
            }
        });
        ua.start();
        reg.register();
        String realm = challengeRealm.replace("\\", "").replace("\"", "");
        if (!wire[0].sent.isEmpty()) {
            SipMessage first = FakeTransport.parse(wire[0].sent.get(0));
            wire[0].deliver(dialtone.testing.SipReplies.reply(first, 401, "Unauthorized",
                    "WWW-Authenticate: Digest realm=\"" + realm.replaceAll("[\\r\\n]", "") + "\", nonce=\"n1\", qop=\"auth\""));
        }
        List<Header> headers = new ArrayList<>();
        for (Map.Entry<String, String> h : p.headers().entrySet()) {
            headers.add(new Header(h.getKey(), h.getValue()));
        }
        InviteSession.dial(ua, p.target(), p.aor(), headers, "v=0\r\n", new InviteSession.Listener() {
            @Override
            public void onAnswered(String remoteSdp) {
            }

            @Override
            public void onFailed(dialtone.event.Failure failure) {
            }

            @Override
            public void onEnded(dialtone.event.Originator by, String reason) {
            }
        });
        for (String text : wire[0].sent) {
            int written = text.substring(0, text.indexOf("\r\n\r\n")).split("\r\n", -1).length - 1;
            ParseResult r = new SipParser().parse(text.getBytes(StandardCharsets.UTF_8));
            if (!(r instanceof ParseResult.Ok ok)) {
                throw new IllegalStateException("dialtone wrote a message it cannot parse back: " + r);
            }
            int parsed = ok.message().headers().asList().size();
            if (parsed != written) {
                throw new IllegalStateException("a header line was added: " + written + " written, " + parsed + " parsed");
            }
        }
    }
}
