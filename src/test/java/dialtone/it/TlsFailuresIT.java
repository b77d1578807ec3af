package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.cli.ExitCodes;
import dialtone.testing.CliRun;
import dialtone.testing.Lab;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TLS that must be refused, with a clear reason, for the config endpoint (exit 3) and for WSS (exit 4): an expired
 * certificate, one for another host, a self-signed one (only the lab CA is trusted), a TLS 1.0-only server.
 */
class TlsFailuresIT {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "LAB_TLS_EXPIRED_PORT    | the server's certificate has expired",
        "LAB_TLS_WRONGHOST_PORT  | the server's certificate does not match the host name",
        "LAB_TLS_SELFSIGNED_PORT | the server's certificate is not trusted",
        "LAB_TLS_OLD_PORT        | no TLS version in common",
    })
    void refusedWithTheReason(String port, String reason) {
        String hostPort = "127.0.0.1:" + Lab.get(port.strip());
        CliRun config = CliRun.run("config", "--endpoint", "https://" + hostPort + "/c2c/" + Lab.get("LAB_TOKEN_LEGACY"),
                "--ca-file", Lab.ca());
        assertEquals(ExitCodes.CONFIG, config.rc(), config.toString());
        assertTrue(config.err().contains("TLS to " + hostPort + " failed: " + reason.strip()), config.err());
        assertFalse(config.all().contains(Lab.get("LAB_TOKEN_LEGACY")), config.toString());
        CliRun wss = CliRun.run(Map.of("PW", "x"), "register", "--ws-uri", "wss://" + hostPort, "--user", "alice",
                "--password-env", "PW", "--ca-file", Lab.ca(), "--duration", "1s");
        assertEquals(ExitCodes.TRANSPORT, wss.rc(), wss.toString());
        assertTrue(wss.err().contains("TLS to " + hostPort + " failed: " + reason.strip()), wss.err());
    }
}
