package dialtone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dialtone.testing.CliRun;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --ice-server is parsed by its converter; the usage message is the one users saw before the converter existed. */
class IceUrlConverterTest {
    @Test
    void aRefusedUrlIsNamedWithItsReason() {
        CliRun r = CliRun.run("probe", "--ice-server", "stun:127.0.0.1:99999");
        assertEquals(2, r.rc(), r.toString());
        assertEquals("dialtone: --ice-server stun:127.0.0.1:99999 has a port outside 1-65535", r.err().lines().findFirst().orElse(""));
    }

    @Test
    void aUrlWithCredentialsIsNeverShown() {
        CliRun r = CliRun.run(Map.of(), "probe", "--ice-server", "turn:admin:Conv-Secret-3@127.0.0.1:3478");
        assertEquals(2, r.rc(), r.toString());
        assertEquals("dialtone: --ice-server (a URL with credentials, not shown) carries credentials: give them with"
                + " --turn-user and a password source", r.err().lines().findFirst().orElse(""));
        assertFalse(r.all().contains("Conv-Secret-3"));
    }

    @Test
    void theParsedUrlIsWhatTheFlagHolds() {
        assertEquals("turn:[::1]:3478?transport=tcp", new IceUrlConverter().convert(" TURN:[::1]?transport=TCP").canonical());
    }
}
