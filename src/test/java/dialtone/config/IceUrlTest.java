package dialtone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.support.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every ICE server URL is checked here before libwebrtc sees it (these once crashed the JVM in native code). The
 * grammar is RFC 7064 ({@code stun:} / {@code stuns:} host [":" port]) and RFC 7065 ({@code turn:} / {@code turns:}
 * host [":" port] ["?transport=" udp / tcp]).
 */
class IceUrlTest {
    @Test
    void inputsThatCrashedLibwebrtcAreRefused() {
        for (String bad : List.of("stun:127.0.0.1:99999", "turn:h:3478?transport=sctp", "stun:[::1", "stun:[::1]x",
                "stun:", "turn:h:0", "turn:h:-1", "turn:h:abc", "turn:user:pw@h:3478", "stun:h:3478?transport=udp",
                "stun://h:3478", "turn:h\r\n:3478", "turn:h 1", "http://h", "turn:h_x:3478", "turn:[zz::1]:3478",
                "turn:" + "a".repeat(600))) {
            assertThrows(IllegalArgumentException.class, () -> IceUrl.parse(bad), bad);
        }
    }

    /** The reason, in one line, never repeating the URL (the caller names it, or hides it when it has a password). */
    @Test
    void eachRefusalSaysWhyInOneLine() {
        assertEquals("is empty", reason(" "));
        assertEquals("is not a stun:, stuns:, turn: or turns: URL", reason("http://h"));
        assertEquals("is not a stun:, stuns:, turn: or turns: URL", reason("stun.example.com"));
        assertEquals("has '//': write turn:host:port (RFC 7064/7065)", reason("turn://h:3478"));
        assertEquals("carries credentials: give them with --turn-user and a password source", reason("turn:u:Pw-9@h"));
        assertEquals("has a query; only turn: and turns: take ?transport=udp|tcp", reason("stun:h?transport=udp"));
        assertEquals("has an unknown query: only ?transport=udp or ?transport=tcp", reason("turn:h?transport=tls"));
        assertEquals("has an IPv6 address without its closing ']'", reason("turn:[::1:3478"));
        assertEquals("has an invalid IPv6 address", reason("turn:[]:3478"));
        assertEquals("has an invalid IPv6 address", reason("turn:[127.0.0.1]:3478"));
        assertEquals("has text after the IPv6 address", reason("turn:[::1]3478"));
        assertEquals("has a port that is not a number", reason("turn:h:"));
        assertEquals("has a port that is not a number", reason("turn:h:123456"));
        assertEquals("has a port outside 1-65535", reason("turn:h:65536"));
        assertEquals("has a port outside 1-65535", reason("stun:[::1]:0"));
        assertEquals("contains white space, a control or a non-ASCII character", reason("turn:hé"));
        assertEquals("is longer than 512 characters", reason("turn:" + "a".repeat(600)));
        assertTrue(reason("turn:h_x").startsWith("host "), reason("turn:h_x"));
        for (String bad : List.of("turn:u:Pw-9@h", "turn:h:65536", "turn:[::1:3478")) {
            assertFalse(reason(bad).contains("\n"));
            assertFalse(reason(bad).contains("Pw-9"));
        }
    }

    @Test
    void defaultPortsAndTransportsFollowTheRfcs() {
        IceUrl stun = IceUrl.parse("stun:stun.example.com");
        assertEquals(new IceUrl("stun", "stun.example.com", 3478, null), stun);
        assertEquals(List.of("udp"), stun.transports());
        assertEquals(5349, IceUrl.parse("stuns:h").port());
        assertEquals(List.of("tls"), IceUrl.parse("stuns:h").transports());
        assertEquals(3478, IceUrl.parse("turn:h").port());
        assertEquals(List.of("udp", "tcp"), IceUrl.parse("turn:h:1").transports());
        assertEquals(List.of("tcp"), IceUrl.parse("turn:h:1?transport=tcp").transports());
        assertEquals(List.of("udp"), IceUrl.parse("turn:h:1?transport=udp").transports());
        assertEquals(5349, IceUrl.parse("turns:h").port());
        assertEquals(List.of("tls"), IceUrl.parse("turns:h:1").transports());
        assertTrue(IceUrl.parse("turns:h").turn() && IceUrl.parse("turns:h").tls());
        assertFalse(IceUrl.parse("stun:h").turn() || IceUrl.parse("turn:h").tls());
    }

    @Test
    void validUrlsAreRebuiltFromTheirParts() {
        assertEquals("stun:stun.example.com:3478", IceUrl.parse("stun:stun.example.com").canonical());
        assertEquals("turn:127.0.0.1:13478?transport=tcp", IceUrl.parse(" TURN:127.0.0.1:13478?Transport=TCP ").canonical());
        assertEquals("turns:[::1]:5349", IceUrl.parse("turns:[::1]").canonical());
        assertEquals("turns:[::1]:5349", IceUrl.parse("turns:[::1]").toString());
        IceUrl v6 = IceUrl.parse("turn:[2001:db8::1]:3479?transport=udp");
        assertEquals("2001:db8::1", v6.host());
        assertEquals("[2001:db8::1]:3479", v6.hostPort());
        assertEquals("udp", v6.transport());
        assertEquals(v6, IceUrl.parse(v6.canonical()));
    }

    @Test
    void oneTransportOfAServerIsTheUrlLibwebrtcTakesForIt() {
        assertEquals("turn:h:3478?transport=udp", IceUrl.parse("turn:h").over("udp").canonical());
        assertEquals("turn:h:3478?transport=tcp", IceUrl.parse("turn:h").over("tcp").canonical());
        assertEquals("turns:h:5349?transport=tcp", IceUrl.parse("turns:h").over("tls").canonical());
        assertEquals("stun:h:3478", IceUrl.parse("stun:h").over("udp").canonical());
        assertThrows(IllegalArgumentException.class, () -> IceUrl.parse("turn:h?transport=tcp").over("udp"));
    }

    @Test
    void noIceUrlExistsThatParseWouldRefuse() {
        assertThrows(IllegalArgumentException.class, () -> new IceUrl("http", "h", 1, null));
        assertThrows(IllegalArgumentException.class, () -> new IceUrl("turn", "h", 70000, null));
        assertThrows(IllegalArgumentException.class, () -> new IceUrl("stun", "h", 3478, "udp"));
        assertThrows(IllegalArgumentException.class, () -> new IceUrl("turn", "", 3478, null));
    }

    @Test
    void theTurnCredentialIsNeverInToString() {
        IceServer s = new IceServer(IceUrl.parse("turns:h"), "alice", Secret.of("Turn-Secret-77"), true);
        assertFalse(s.toString().contains("Turn-Secret-77"), s.toString());
        assertTrue(s.toString().contains("turns:h:5349") && s.toString().contains("alice"), s.toString());
        assertEquals(List.of("turns:h:5349"), s.urls());
        assertNull(new IceServer(IceUrl.parse("stun:h"), null, null, false).credential());
    }

    private static String reason(String url) {
        return assertThrows(IllegalArgumentException.class, () -> IceUrl.parse(url), url).getMessage();
    }
}
