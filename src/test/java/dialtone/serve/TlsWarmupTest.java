package dialtone.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.config.ConfigFetcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The start-up TLS warm-up: real handshakes to itself on loopback, verified as a probe's are. */
class TlsWarmupTest {
    @Test
    void fetchesFromItselfWithVerifiedHandshakesAndAFreshTrustContextEachTime() {
        List<SSLContext> contexts = java.util.Collections.synchronizedList(new ArrayList<>());
        TlsWarmup.Result r = TlsWarmup.run((uri, trust) -> {
            contexts.add(trust);
            ProbeRun.FetchPhases[] p = {null};
            ConfigFetcher.observe(x -> p[0] = new ProbeRun.FetchPhases(x.resolveNanos() / 1e9, x.connectNanos() / 1e9,
                    x.tlsNanos() / 1e9, x.processingNanos() / 1e9, x.transferNanos() / 1e9, x.totalNanos() / 1e9));
            try {
                ConfigFetcher.Response res = new ConfigFetcher(trust, Duration.ofSeconds(5), "test").fetch(uri, "warm-up");
                assertEquals(200, res.status());
                assertEquals("127.0.0.1", uri.getHost(), "loopback only");
            } finally {
                ConfigFetcher.observe(null);
            }
            return p[0];
        }, 3, 30_000_000_000L);
        assertNull(r.failure(), r.toString());
        assertEquals(3, r.fetches());
        assertTrue(r.lastTlsMedianMs() > 0, r.toString());
        assertEquals(3, contexts.stream().distinct().count(), "a fresh trust context per fetch");
    }

    @Test
    void aFailingFetchEndsItEarlyAndSaysWhy() {
        TlsWarmup.Result r = TlsWarmup.run((uri, trust) -> {
            // the JDK's default trust does not know the warm-up's CA: the handshake must be refused, not accepted
            new ConfigFetcher(SSLContext.getDefault(), Duration.ofSeconds(5), "test").fetch(uri, "warm-up");
            return null;
        }, 3, 30_000_000_000L);
        assertNotNull(r.failure());
        assertEquals(0, r.fetches());
        assertTrue(r.failure().contains("not trusted") || r.failure().contains("certificat"), r.failure());
    }
}
