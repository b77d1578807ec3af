package dialtone.config;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.HttpTiming;
import dialtone.event.Layer;
import dialtone.event.TlsFacts;
import dialtone.support.DialtoneException;
import dialtone.support.HandshakeClock;
import dialtone.support.Hosts;
import dialtone.support.TlsErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * GETs the endpoint configuration as the Click To Call SDK does (one GET, {@code Content-Type: application/json},
 * no body, no redirects followed, a 10 s budget for the whole exchange), and measures where the time went:
 * DNS, TCP connect, TLS handshake, first byte. Bodies over {@value #MAX_BODY} bytes are refused.
 */
public final class ConfigFetcher {
    public static final int MAX_BODY = 1 << 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** What the server answered; the body is raw bytes (it carries credentials: never print it). */
    public record Response(int status, String contentType, byte[] body, HttpTiming timing, TlsFacts tls) {
    }

    /**
     * The phases of one fetch in nanoseconds, as blackbox_exporter's {@code probe_http_duration_seconds} splits a
     * request: resolve (DNS), connect (from sending the request to the TLS handshake's start: TCP), tls (the
     * handshake), processing (handshake done to the answer's headers), transfer (headers to the body's last byte).
     * -1: not seen (connect and tls on plain HTTP, where processing runs from sending the request). The total also
     * holds building the HTTP client, which is no phase.
     */
    public record Phases(long resolveNanos, long connectNanos, long tlsNanos, long processingNanos, long transferNanos,
                         long totalNanos) {
    }

    /** Who wants this thread's fetches' phases at full precision (the exporter, which runs a fetch in-process). */
    private static final ThreadLocal<java.util.function.Consumer<Phases>> OBSERVER = new ThreadLocal<>();

    /** Hands the phases of every fetch this thread makes to {@code sink} (null: no longer). */
    public static void observe(java.util.function.Consumer<Phases> sink) {
        if (sink == null) {
            OBSERVER.remove();
        } else {
            OBSERVER.set(sink);
        }
    }

    private final SSLContext ssl;
    private final Duration timeout;
    private final String userAgent;

    public ConfigFetcher(SSLContext ssl, Duration timeout, String userAgent) {
        this.ssl = ssl;
        this.timeout = timeout;
        this.userAgent = userAgent;
    }

    /** @param shown the URL as it may be printed (token masked) */
    public Response fetch(URI uri, String shown) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        String host = uri.getHost();
        if (!Hosts.isIpLiteral(host.replace("[", "").replace("]", "")) && !Hosts.isLoopback(host)) {
            resolve(host, deadline, shown);
        }
        long tDns = System.nanoTime();
        HandshakeClock clock = new HandshakeClock();
        HttpClient client = HttpClient.newBuilder()
                .sslContext(clock.wrap(ssl))
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(remaining(deadline))
                .build();
        HttpRequest req = HttpRequest.newBuilder(uri)
                .GET()
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("User-Agent", userAgent)
                .timeout(remaining(deadline))
                .build();
        long[] headersAt = {-1};
        long[] bodyAt = {-1};
        // the client is built: TCP connect is timed from here (building it is no network time)
        long tSend = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(req, info -> {
            headersAt[0] = System.nanoTime();
            return new LimitedBody(MAX_BODY, bodyAt);
        });
        HttpResponse<byte[]> r;
        long end;
        try {
            r = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            end = System.nanoTime();
        } catch (TimeoutException e) {
            f.cancel(true);
            throw fail("no complete answer from " + shown + " within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw fail("interrupted while fetching " + shown, e);
        } catch (ExecutionException e) {
            throw explain(e.getCause(), uri, shown);
        } finally {
            stopSelector(client);
        }
        long last = bodyAt[0] > 0 ? bodyAt[0] : end;
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        Phases ph;
        if (tls && clock.startNanos() > 0 && clock.doneNanos() > 0) {
            ph = new Phases(tDns - t0, Math.max(0, clock.startNanos() - tSend), clock.doneNanos() - clock.startNanos(),
                    Math.max(0, headersAt[0] - clock.doneNanos()), Math.max(0, last - headersAt[0]), end - t0);
        } else {
            ph = new Phases(tDns - t0, -1, -1, Math.max(0, headersAt[0] - tSend), Math.max(0, last - headersAt[0]), end - t0);
        }
        java.util.function.Consumer<Phases> sink = OBSERVER.get();
        if (sink != null) {
            sink.accept(ph);
        }
        HttpTiming timing = new HttpTiming(ms(ph.resolveNanos()), ph.connectNanos() < 0 ? -1 : ms(ph.connectNanos()),
                ph.tlsNanos() < 0 ? -1 : ms(ph.tlsNanos()), ms(ph.processingNanos()), ms(ph.totalNanos()),
                us(ph.resolveNanos()), us(ph.connectNanos()), us(ph.tlsNanos()), us(ph.processingNanos()), us(ph.totalNanos()));
        TlsFacts facts = r.sslSession().map(TlsErrors::facts).orElse(null);
        String ct = r.headers().firstValue("Content-Type").orElse(null);
        return new Response(r.statusCode(), ct, r.body(), timing, facts);
    }

    /**
     * JDK 17's HTTP client cannot be closed: its selector thread lives on until the client has been garbage collected,
     * so a process that fetches again and again (dialtone serve, a fetch per scrape) held a thread per fetch until the
     * next collection (measured: about 200 threads). This client is used once: its thread is told to stop now (an
     * interrupt wakes the selector and ends the thread, as dialtone's exit does for every client). The JDK names
     * the thread from the client's id, which the client's toString() ends with, in parentheses.
     */
    static void stopSelector(HttpClient client) {
        String s = client.toString();
        int open = s.lastIndexOf('(');
        int close = s.lastIndexOf(')');
        if (open < 0 || close <= open + 1) {
            return;
        }
        String name = "HttpClient-" + s.substring(open + 1, close) + "-SelectorManager";
        ThreadGroup g = Thread.currentThread().getThreadGroup();
        while (g != null && g.getParent() != null) {
            g = g.getParent();
        }
        if (g == null) {
            return;
        }
        Thread[] all = new Thread[g.activeCount() + 16];
        int n = g.enumerate(all, true);
        for (int i = 0; i < n; i++) {
            if (all[i].isDaemon() && name.equals(all[i].getName())) {
                all[i].interrupt();
                return;
            }
        }
    }

    private static void resolve(String host, long deadline, String shown) {
        CompletableFuture<InetAddress[]> f = CompletableFuture.supplyAsync(() -> {
            try {
                return InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        try {
            f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw fail("DNS lookup of " + host + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("interrupted while resolving " + host, e);
        } catch (ExecutionException e) {
            throw fail("cannot resolve " + host + " (DNS): " + shown + " is unreachable", e.getCause());
        }
    }

    private DialtoneException explain(Throwable t, URI uri, String shown) {
        String where = uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        String tls = TlsErrors.explain(t);
        if (tls != null) {
            return new DialtoneException(Failure.of(Layer.CONFIG, Cause.CONFIG_FETCH_FAILED,
                    "TLS to " + where + " failed: " + tls), t);
        }
        if (t instanceof HttpConnectTimeoutException) {
            return fail("TCP connect to " + where + " timed out", t);
        }
        if (t instanceof HttpTimeoutException) {
            return fail("no answer from " + shown + " within " + timeout.toSeconds() + " s", t);
        }
        if (t instanceof ConnectException) {
            return fail("cannot connect to " + where + ": connection refused", t);
        }
        if (t instanceof BodyTooLarge) {
            return fail("the response from " + shown + " is larger than " + MAX_BODY + " bytes", t);
        }
        if (t instanceof IOException) {
            String m = t.getMessage();
            return fail("fetching " + shown + " failed: " + (m == null ? t.getClass().getSimpleName() : m), t);
        }
        return fail("fetching " + shown + " failed: " + t, t);
    }

    private static DialtoneException fail(String msg, Throwable cause) {
        return new DialtoneException(Failure.of(Layer.CONFIG, Cause.CONFIG_FETCH_FAILED, msg), cause);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static long us(long nanos) {
        return nanos < 0 ? -1 : nanos / 1_000;
    }

    private static long ms(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super("response body too large");
        }
    }

    /** Collects the body, failing as soon as it passes the limit (a hostile server cannot make us buffer more). */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final long[] completedAt;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription sub;

        LimitedBody(int limit, long[] completedAt) {
            this.limit = limit;
            this.completedAt = completedAt;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            sub = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (buf.size() + b.remaining() > limit) {
                    sub.cancel();
                    result.completeExceptionally(new BodyTooLarge());
                    return;
                }
                byte[] a = new byte[b.remaining()];
                b.get(a);
                buf.write(a, 0, a.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            completedAt[0] = System.nanoTime();
            result.complete(buf.toByteArray());
        }
    }
}
