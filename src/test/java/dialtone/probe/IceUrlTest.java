package dialtone.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every ICE server URL is checked here before libwebrtc sees it (these once crashed the JVM in native code). */
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

    @Test
    void validUrlsAreRebuiltFromTheirParts() {
        assertEquals("stun:stun.example.com:3478", IceUrl.parse("stun:stun.example.com").canonical());
        assertEquals("turn:127.0.0.1:13478?transport=tcp", IceUrl.parse(" TURN:127.0.0.1:13478?Transport=TCP ").canonical());
        assertEquals("turns:[::1]:5349", IceUrl.parse("turns:[::1]").canonical());
        assertEquals(List.of("udp", "tcp"), IceUrl.parse("turn:h:1").transports());
        assertEquals(List.of("tls"), IceUrl.parse("turns:h:1").transports());
    }
}
