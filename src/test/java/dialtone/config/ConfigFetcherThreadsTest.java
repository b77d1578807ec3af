package dialtone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fetch leaves no thread behind: JDK 17's HTTP client cannot be closed and its selector thread used to live until the
 * client was garbage collected, a thread per fetch in a process that fetches on every scrape (dialtone serve).
 */
class ConfigFetcherThreadsTest {
    static long selectors() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")).count();
    }

    @Test
    void twentyFetchesLeaveNoSelectorThread() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/c2c/x", ex -> {
            byte[] b = "{}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            long before = selectors();
            URI u = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/c2c/x");
            List<ConfigFetcher.Phases> phases = new ArrayList<>();
            ConfigFetcher.observe(phases::add);
            try {
                for (int i = 0; i < 20; i++) {
                    ConfigFetcher.Response r = new ConfigFetcher(javax.net.ssl.SSLContext.getDefault(), Duration.ofSeconds(5), "t").fetch(u, "u");
                    assertEquals(200, r.status());
                }
            } finally {
                ConfigFetcher.observe(null);
            }
            assertEquals(20, phases.size(), "each fetch's phases were handed over");
            // plain HTTP: no TLS phase, and processing runs from sending the request
            assertEquals(-1, phases.get(0).tlsNanos());
            assertTrue(phases.get(0).processingNanos() > 0 && phases.get(0).totalNanos() >= phases.get(0).processingNanos());
            long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (selectors() > before && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(before, selectors(), "selector threads left behind by 20 fetches");
        } finally {
            server.stop(0);
        }
    }
}
