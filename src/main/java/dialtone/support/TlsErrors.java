package dialtone.support;

import dialtone.event.TlsFacts;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Turns JSSE's exceptions into one line a person understands, and a session into {@link TlsFacts}. */
public final class TlsErrors {
    private TlsErrors() {
    }

    /** A short reason for a failed TLS handshake, or null if {@code t} is not a TLS problem. */
    public static String explain(Throwable t) {
        boolean tls = false;
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return "the server's certificate has expired";
            }
            if (c instanceof CertificateNotYetValidException) {
                return "the server's certificate is not valid yet";
            }
            if (c instanceof javax.net.ssl.SSLException || c instanceof java.security.cert.CertificateException) {
                tls = true;
            }
            for (Throwable s : c.getSuppressed()) {
                if (s instanceof CertificateExpiredException) {
                    return "the server's certificate has expired";
                }
            }
            if (c.getMessage() != null) {
                all.append(c.getMessage()).append(" | ");
            }
        }
        if (!tls) {
            return null;
        }
        String m = all.toString().toLowerCase(Locale.ROOT);
        if (m.contains("no subject alternative") || m.contains("no name matching")
                || m.contains("doesn't match any of the subject alternative")) {
            return "the server's certificate does not match the host name";
        }
        if (m.contains("validity check failed") || m.contains("certificateexpired") || m.contains("has expired")) {
            return "the server's certificate has expired";
        }
        if (m.contains("pkix path") || m.contains("unable to find valid certification path")
                || m.contains("signature check failed") || m.contains("path does not chain")) {
            return "the server's certificate is not trusted (for a private CA, pass it with --ca-file)";
        }
        if (m.contains("protocol_version") || m.contains("no appropriate protocol")
                || m.contains("protocol is disabled") || m.contains("unsupported protocol")) {
            return "no TLS version in common: the server offers only versions that are disabled (TLS 1.0/1.1)";
        }
        if (m.contains("handshake_failure") || m.contains("no cipher suites in common")) {
            return "the TLS handshake failed: no cipher suite in common";
        }
        if (m.contains("unrecognized ssl message") || m.contains("plaintext connection")) {
            return "the server did not answer with TLS (is it plain HTTP/WS on that port?)";
        }
        if (m.contains("remote host terminated") || m.contains("connection reset")) {
            return "the server closed the connection during the TLS handshake";
        }
        String first = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return "TLS failed: " + first;
    }

    public static TlsFacts facts(SSLSession s) {
        if (s == null) {
            return null;
        }
        String subject = null;
        String issuer = null;
        java.time.Instant notAfter = null;
        String sans = null;
        try {
            Certificate[] chain = s.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
                subject = x.getSubjectX500Principal().getName();
                issuer = x.getIssuerX500Principal().getName();
                notAfter = x.getNotAfter().toInstant();
                sans = sans(x);
            }
        } catch (SSLPeerUnverifiedException e) {
            // no certificate to show
        }
        return new TlsFacts(s.getProtocol(), s.getCipherSuite(), subject, issuer, notAfter, sans);
    }

    private static String sans(X509Certificate x) {
        try {
            Collection<List<?>> names = x.getSubjectAlternativeNames();
            if (names == null) {
                return null;
            }
            List<String> out = new ArrayList<>();
            for (List<?> n : names) {
                int type = (Integer) n.get(0);
                String prefix = type == 2 ? "DNS:" : type == 7 ? "IP:" : type + ":";
                out.add(prefix + n.get(1));
            }
            return String.join(",", out);
        } catch (java.security.cert.CertificateParsingException e) {
            return null;
        }
    }
}
