package dialtone.config;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.support.DialtoneException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust dialtone uses for one run: the JDK's default CAs, plus the CAs of {@code --ca-file} if given. The
 * result is an {@link SSLContext} handed to the HTTP client and the WebSocket client of this run only; nothing
 * JVM-wide changes, and host names are always verified.
 */
public final class TrustMaterial {
    private TrustMaterial() {
    }

    /** The JDK's trust store, loaded once (about 50 ms in a cold JVM), possibly ahead of time by {@link #prewarm}. */
    private static final class SystemTrust {
        static final X509ExtendedTrustManager TM;

        static {
            try {
                TM = trustManager(null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Loads the JDK's trust store now, so that the first fetch or WSS connect does not wait for it. */
    public static void prewarm() {
        try {
            X509ExtendedTrustManager tm = SystemTrust.TM;
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            // a ClientHello, generated and thrown away: initialises the TLS engine and its key exchange
            javax.net.ssl.SSLEngine e = ctx.createSSLEngine("prewarm.invalid", 443);
            e.setUseClientMode(true);
            e.beginHandshake();
            e.wrap(java.nio.ByteBuffer.allocate(0), java.nio.ByteBuffer.allocate(e.getSession().getPacketBufferSize()));
        } catch (Exception | Error e) {
            // only a head start: the real use reports any problem
        }
    }

    public static SSLContext sslContext(Path caFile) {
        try {
            X509ExtendedTrustManager system;
            try {
                system = SystemTrust.TM;
            } catch (ExceptionInInitializerError e) {
                system = trustManager(null); // reports the real problem
            }
            X509ExtendedTrustManager tm = system;
            if (caFile != null) {
                // the --ca-file's CA first: a private CA's chain (what --ca-file is for) then passes without a failed path
                // search of the whole system store on every handshake (measured: 0.5 ms warm, more cold, per fetch)
                tm = new EitherTrustManager(trustManager(loadCas(caFile)), system);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.SETUP_FAILED,
                    "cannot set up TLS trust: " + e.getMessage()), e);
        }
    }

    static final int MAX_CA_FILE = 1 << 20;

    private static byte[] readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(MAX_CA_FILE + 1);
            if (b.length > MAX_CA_FILE) {
                throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.SETUP_FAILED,
                        "--ca-file " + file + " is larger than " + MAX_CA_FILE / 1024 + " KiB: not a CA bundle"));
            }
            return b;
        }
    }

    static KeyStore loadCas(Path caFile) {
        Collection<? extends Certificate> certs;
        // a regular file of bounded size: /dev/zero or a FIFO would never end
        if (caFile.toString().isEmpty()) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.SETUP_FAILED, "--ca-file is empty: give a PEM file"));
        }
        if (!Files.isRegularFile(caFile)) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.SETUP_FAILED, "--ca-file " + caFile
                    + (!Files.exists(caFile) ? " does not exist" : Files.isDirectory(caFile)
                    ? " is a directory, not a regular file: give the PEM file in it"
                    : " is not a regular file (a device, a FIFO or a socket)")));
        }
        try (InputStream in = new java.io.ByteArrayInputStream(readBounded(caFile))) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.SETUP_FAILED,
                    "cannot read --ca-file " + caFile + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage())), e);
        } catch (CertificateException e) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.SETUP_FAILED,
                    "--ca-file " + caFile + " is not a PEM or DER certificate file"), e);
        }
        if (certs.isEmpty()) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.SETUP_FAILED,
                    "--ca-file " + caFile + " holds no certificate"));
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.SETUP_FAILED,
                    "cannot use --ca-file " + caFile + ": " + e.getMessage()), e);
        }
    }

    private static X509ExtendedTrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    /** Trusts a chain that either manager trusts (a, the extra CA, first); both check the host name (endpoint identification). */
    private static final class EitherTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager a;
        private final X509ExtendedTrustManager b;

        EitherTrustManager(X509ExtendedTrustManager a, X509ExtendedTrustManager b) {
            this.a = a;
            this.b = b;
        }

        private interface Check {
            void run(X509ExtendedTrustManager tm) throws CertificateException;
        }

        private void either(Check c) throws CertificateException {
            try {
                c.run(a);
            } catch (CertificateException first) {
                try {
                    c.run(b);
                } catch (CertificateException second) {
                    // The extra CA's verdict (a's) is the more telling one (host name, expiry) when the chain ends there.
                    first.addSuppressed(second);
                    throw first;
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            either(tm -> tm.checkClientTrusted(chain, authType, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            either(tm -> tm.checkClientTrusted(chain, authType, socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(tm -> tm.checkClientTrusted(chain, authType));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> l = new ArrayList<>(List.of(a.getAcceptedIssuers()));
            l.addAll(List.of(b.getAcceptedIssuers()));
            return l.toArray(new X509Certificate[0]);
        }
    }
}
