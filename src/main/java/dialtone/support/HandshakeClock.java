package dialtone.support;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Times the TLS handshake of a connection made by a client we do not own (the JDK's HttpClient): an
 * {@link SSLContext} that hands out engines which note when the handshake starts (the first {@code wrap}, right
 * after TCP connected) and when it finishes. Everything else is delegated unchanged.
 */
public final class HandshakeClock {
    private volatile long startNanos = -1;
    private volatile long doneNanos = -1;

    private volatile SSLEngine lastEngine;

    /** The engine of the most recent connection made through the wrapped context (for its session facts). */
    public SSLEngine lastEngine() {
        return lastEngine;
    }

    public long startNanos() {
        return startNanos;
    }

    public long doneNanos() {
        return doneNanos;
    }

    public SSLContext wrap(SSLContext real) {
        return new SSLContext(new Spi(real), real.getProvider(), real.getProtocol()) {
        };
    }

    private final class Spi extends SSLContextSpi {
        private final SSLContext real;

        Spi(SSLContext real) {
            this.real = real;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            real.init(km, tm, sr);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return real.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return new TimedEngine(real.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine e = real.createSSLEngine(host, port);
            // Host names are always verified, whoever the client is (the JDK HttpClient sets this too).
            SSLParameters p = e.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            e.setSSLParameters(p);
            return new TimedEngine(e);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return real.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return real.getSupportedSSLParameters();
        }
    }

    private final class TimedEngine extends SSLEngine {
        private final SSLEngine e;

        TimedEngine(SSLEngine e) {
            super(e.getPeerHost(), e.getPeerPort());
            this.e = e;
            lastEngine = this;
        }

        private SSLEngineResult note(SSLEngineResult r) {
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED && doneNanos < 0) {
                doneNanos = System.nanoTime();
            }
            return r;
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int off, int len, ByteBuffer dst) throws SSLException {
            if (startNanos < 0) {
                startNanos = System.nanoTime();
            }
            return note(e.wrap(srcs, off, len, dst));
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int off, int len) throws SSLException {
            return note(e.unwrap(src, dsts, off, len));
        }

        @Override
        public Runnable getDelegatedTask() {
            return e.getDelegatedTask();
        }

        @Override
        public void closeInbound() throws SSLException {
            e.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return e.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            e.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return e.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return e.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return e.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] s) {
            e.setEnabledCipherSuites(s);
        }

        @Override
        public String[] getSupportedProtocols() {
            return e.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return e.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] p) {
            e.setEnabledProtocols(p);
        }

        @Override
        public SSLSession getSession() {
            return e.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return e.getHandshakeSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            if (startNanos < 0) {
                startNanos = System.nanoTime();
            }
            e.beginHandshake();
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return e.getHandshakeStatus();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            e.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return e.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            e.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return e.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            e.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return e.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            e.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return e.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return e.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            e.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return e.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return e.getHandshakeApplicationProtocol();
        }

        @Override
        public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
            e.setHandshakeApplicationProtocolSelector(selector);
        }

        @Override
        public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
            return e.getHandshakeApplicationProtocolSelector();
        }
    }
}
