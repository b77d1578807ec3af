package dialtone.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Warms the TLS stack of an exporter that runs {@code config} modules in its JVM, before its listener answers: the
 * JDK's TLS (key exchange, signature checks, certificate path validation, the HTTP client's TLS plumbing) runs
 * interpreted until the JIT has compiled it, which took about 1,000 fetches: a fresh exporter's first probes timed
 * the TLS handshake at 12 ms where blackbox_exporter's Go took 1.3 ms on the same loopback endpoint. Here the same
 * fetch code (given by the CLI layer) makes real HTTPS requests to a server of our own on loopback, each a new TCP
 * connection and a full handshake with a fresh trust context (no session resumed, as no probe resumes one), with
 * what a lab or a typical endpoint negotiates: TLS 1.3, X25519, AES-GCM, a certificate signed by an RSA 2048 CA the
 * trust context holds, so the path is validated as a probe's is. The key pair and certificates are made at
 * start-up, live in memory only and are trusted by the warm-up's own context, never by a probe's.
 */
public final class TlsWarmup {
    /** Fetches made at start-up (measured: a fresh JVM's TLS phase was 3 ms after 200 fetches, 2.5 ms after 500, load 10). */
    public static final int FETCHES = 500;
    /** Fetches made at once. */
    static final int WORKERS = 2;
    /** The most start-up may spend on it, whatever the machine's load. */
    public static final long BUDGET_NANOS = 15_000_000_000L;

    /** One HTTPS GET of {@code uri} with this trust context, by the code a config probe fetches with; its phases. */
    @FunctionalInterface
    public interface Fetch {
        ProbeRun.FetchPhases fetch(URI uri, SSLContext trust) throws Exception;
    }

    /** What the warm-up did: fetches made, how long it took, the TLS handshake's median over its last 20 fetches. */
    public record Result(int fetches, long millis, double lastTlsMedianMs, String failure) {
    }

    private TlsWarmup() {
    }

    /**
     * Makes up to {@code count} fetches to a loopback server of our own (fewer if {@code budgetNanos} runs out). A
     * failure ends the warm-up early and is returned, never thrown: probes work without it, only cold.
     */
    public static Result run(Fetch fetch, int count, long budgetNanos) {
        long t0 = System.nanoTime();
        SSLServerSocket server = null;
        AtomicInteger fetched = new AtomicInteger();
        List<Double> tls = new ArrayList<>();
        try {
            // the CA's RSA signature on the server's certificate is checked as a typical chain's is (RSA 2048); the
            // server's own key is P-256: its handshake signature is made in this JVM too, and an RSA 2048 signature
            // made by a JVM limited to C1 took 15 ms (measured at a load average of 10), which made the warm-up slow
            KeyPair ca = rsa();
            KeyPair leaf = ec();
            X509Certificate caCert = certificate("dialtone serve warm-up CA", "dialtone serve warm-up CA", ca.getPublic(), ca, true);
            X509Certificate leafCert = certificate("127.0.0.1", "dialtone serve warm-up CA", leaf.getPublic(), ca, false);
            char[] pw = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("warmup", leaf.getPrivate(), pw, new X509Certificate[] {leafCert, caCert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pw);
            SSLContext serverCtx = SSLContext.getInstance("TLS");
            serverCtx.init(kmf.getKeyManagers(), null, null);
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", caCert);
            // a plain TLS server socket answering one request per connection (the JDK's HttpsServer made each
            // handshake several times slower, and the warm-up is for the client's side)
            server = (SSLServerSocket) serverCtx.getServerSocketFactory().createServerSocket(0, 8, InetAddress.getLoopbackAddress());
            SSLServerSocket listening = server;
            for (int i = 0; i < WORKERS; i++) {
                Thread t = new Thread(() -> answer(listening), "serve-tls-warmup-server-" + i);
                t.setDaemon(true);
                t.start();
            }
            URI uri = URI.create("https://127.0.0.1:" + server.getLocalPort() + "/warmup");
            // WORKERS clients at once: start-up work that uses the machine's cores (its own handshakes, one at a time
            // each, are what the JIT learns from)
            AtomicInteger started = new AtomicInteger();
            AtomicReference<String> failed = new AtomicReference<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                Thread c = new Thread(() -> {
                    try {
                        while (failed.get() == null && System.nanoTime() - t0 < budgetNanos && started.getAndIncrement() < count) {
                            // a fresh context per fetch, as each probe builds its own: no TLS session is resumed
                            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                            tmf.init(trusted);
                            SSLContext ctx = SSLContext.getInstance("TLS");
                            ctx.init(null, tmf.getTrustManagers(), null);
                            ProbeRun.FetchPhases p = fetch.fetch(uri, ctx);
                            synchronized (tls) {
                                fetched.incrementAndGet();
                                if (p != null && p.tls() >= 0) {
                                    tls.add(p.tls() * 1000);
                                }
                            }
                        }
                    } catch (Exception | LinkageError e) {
                        failed.compareAndSet(null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                    }
                }, "serve-tls-warmup-" + i);
                c.setDaemon(true);
                c.start();
                clients.add(c);
            }
            for (Thread c : clients) {
                c.join(Math.max(1, (budgetNanos - (System.nanoTime() - t0)) / 1_000_000 + 10_000));
            }
            synchronized (tls) {
                return new Result(fetched.get(), (System.nanoTime() - t0) / 1_000_000, lastMedian(tls, 20), failed.get());
            }
        } catch (Exception | LinkageError e) {
            synchronized (tls) {
                return new Result(fetched.get(), (System.nanoTime() - t0) / 1_000_000, lastMedian(tls, 20),
                        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        } finally {
            if (server != null) {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // closing: nothing to do
                }
            }
        }
    }

    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n"
            + "Connection: close\r\n\r\n{\"warmup\":true}").getBytes(StandardCharsets.US_ASCII);

    /** Answers every connection's request (its header block read to the blank line) with a small JSON body. */
    private static void answer(SSLServerSocket server) {
        while (!server.isClosed()) {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                int state = 0;
                for (int n = 0; n < 16384 && state < 4; n++) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
                }
                OutputStream o = s.getOutputStream();
                o.write(ANSWER);
                o.flush();
            } catch (IOException e) {
                // this connection failed (the client gave up): the client's side reports it; the next one is served
            }
        }
    }

    static double lastMedian(List<Double> l, int n) {
        if (l.isEmpty()) {
            return -1;
        }
        List<Double> s = new ArrayList<>(l.subList(Math.max(0, l.size() - n), l.size()));
        s.sort(Double::compare);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    // ---- a minimal X.509 v3 certificate, DER-encoded (RFC 5280), signed SHA256withRSA ----------------------------

    private static final byte[] SHA256_WITH_RSA = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x0b};
    private static final byte[] COMMON_NAME = {0x55, 0x04, 0x03};
    private static final byte[] SUBJECT_ALT_NAME = {0x55, 0x1d, 0x11};
    private static final byte[] BASIC_CONSTRAINTS = {0x55, 0x1d, 0x13};
    private static final byte[] KEY_USAGE = {0x55, 0x1d, 0x0f};

    static X509Certificate certificate(String subject, String issuer, java.security.PublicKey key, KeyPair signer,
                                       boolean ca) throws GeneralSecurityException {
        byte[] alg = der(0x30, der(0x06, SHA256_WITH_RSA), der(0x05));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
        byte[] validity = der(0x30, der(0x17, now.minusHours(1).format(utc).getBytes(StandardCharsets.US_ASCII)),
                der(0x17, now.plusDays(1).format(utc).getBytes(StandardCharsets.US_ASCII)));
        byte[] extensions;
        if (ca) {
            extensions = der(0x30,
                    der(0x30, der(0x06, BASIC_CONSTRAINTS), der(0x01, new byte[] {(byte) 0xff}), der(0x04, der(0x30, der(0x01, new byte[] {(byte) 0xff})))),
                    // keyCertSign, cRLSign
                    der(0x30, der(0x06, KEY_USAGE), der(0x01, new byte[] {(byte) 0xff}), der(0x04, der(0x03, new byte[] {0x01, 0x06}))));
        } else {
            // the host a probe of https://127.0.0.1 verifies: an IP address subject alternative name
            extensions = der(0x30, der(0x30, der(0x06, SUBJECT_ALT_NAME), der(0x04, der(0x30, der(0x87, new byte[] {127, 0, 0, 1})))));
        }
        byte[] tbs = der(0x30,
                der(0xa0, der(0x02, new byte[] {2})),
                der(0x02, new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray()),
                alg, name(issuer), validity, name(subject), key.getEncoded(),
                der(0xa3, extensions));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(signer.getPrivate());
        s.update(tbs);
        byte[] sig = s.sign();
        byte[] bits = new byte[sig.length + 1];
        System.arraycopy(sig, 0, bits, 1, sig.length);
        byte[] cert = der(0x30, tbs, alg, der(0x03, bits));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(cert));
    }

    private static byte[] name(String cn) {
        return der(0x30, der(0x31, der(0x30, der(0x06, COMMON_NAME), der(0x0c, cn.getBytes(StandardCharsets.UTF_8)))));
    }

    /** One DER element: the tag, the definite length, the contents (the parts concatenated). */
    static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        int n = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write((n >> 8) & 0xff);
            out.write(n & 0xff);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    /** Whether a start of this exporter warms its TLS: a config module runs in its JVM, and not switched off. */
    public static boolean wanted(ServeConfig modules, java.util.Map<String, String> env) {
        return !"0".equals(env.get("DIALTONE_SERVE_TLS_WARMUP"))
                && modules.modules().values().stream().anyMatch(InProcessProbe::applies);
    }
}
