package dialtone.serve;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dialtone.support.Printable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The web configuration file the Prometheus exporters share (exporter-toolkit's {@code --web.config.file}): TLS on
 * the listener and basic authentication with bcrypt-hashed passwords.
 *
 * <pre>
 * tls_server_config:
 *   cert_file: server.crt      # PEM, the chain
 *   key_file: server.key       # PEM, PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 RSA
 *   min_version: TLS12         # TLS12 (default) or TLS13
 * basic_auth_users:
 *   prometheus: $2y$10$...     # htpasswd -nbB user password
 * </pre>
 *
 * Keys this exporter does not implement (client certificates, cipher lists, HTTP/2, headers) are refused, never
 * ignored: a file that asks for client certificates must not silently run without them.
 */
public final class WebConfig {
    private final SSLContext ssl;
    private final String[] protocols;
    private final Map<String, String> users;
    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();
    /** A valid hash of nothing anyone knows: an unknown user costs as much as a known one. */
    private static final byte[] DUMMY = BCrypt.withDefaults().hash(10, new byte[16], "dummy-password".getBytes(StandardCharsets.UTF_8));

    private WebConfig(SSLContext ssl, String[] protocols, Map<String, String> users) {
        this.ssl = ssl;
        this.protocols = protocols;
        this.users = users;
    }

    /** No TLS, no authentication. */
    public static WebConfig none() {
        return new WebConfig(null, null, Map.of());
    }

    public SSLContext ssl() {
        return ssl;
    }

    public String[] protocols() {
        return protocols;
    }

    public boolean authRequired() {
        return !users.isEmpty();
    }

    /** Whether this user and password are in basic_auth_users (bcrypt; a verified pair is remembered by its hash). */
    public boolean check(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        String key = digest(user + "\0" + password);
        Boolean known = verified.get(key);
        if (known != null) {
            return known;
        }
        String hash = users.get(user);
        boolean ok;
        try {
            ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
                    hash != null ? hash.getBytes(StandardCharsets.UTF_8) : DUMMY).verified && hash != null;
        } catch (RuntimeException e) {
            ok = false;
        }
        if (ok && verified.size() < 1000) {
            // only successes are remembered: a guesser cannot fill the map, and each guess costs a bcrypt
            verified.put(key, true);
        }
        return ok;
    }

    private static String digest(String s) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class Raw {
        @JsonProperty("tls_server_config")
        public RawTls tls;
        @JsonProperty("basic_auth_users")
        public Map<String, String> users;
    }

    static final class RawTls {
        @JsonProperty("cert_file")
        public String certFile;
        @JsonProperty("key_file")
        public String keyFile;
        @JsonProperty("min_version")
        public String minVersion;
    }

    public static WebConfig load(Path file) throws ServeConfig.Invalid {
        String text;
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > ServeConfig.MAX_FILE) {
                throw new ServeConfig.Invalid("web config " + file + " is not a regular file of at most 1 MiB");
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ServeConfig.Invalid("cannot read web config " + file + ": " + e.getClass().getSimpleName());
        }
        Raw raw;
        try {
            ObjectMapper m = new ObjectMapper(new YAMLFactory());
            m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            raw = m.readValue(text, Raw.class);
        } catch (JsonProcessingException e) {
            String msg = e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u
                    ? "unknown or unsupported key '" + Printable.escape(String.valueOf(u.getPropertyName())) + "'"
                    : "not valid YAML of the expected shape";
            throw new ServeConfig.Invalid("web config " + file + ": " + msg);
        }
        if (raw == null) {
            return none();
        }
        Map<String, String> users = new LinkedHashMap<>();
        if (raw.users != null) {
            for (Map.Entry<String, String> e : raw.users.entrySet()) {
                String h = e.getValue();
                if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().contains(":") || !Printable.isClean(e.getKey())) {
                    throw new ServeConfig.Invalid("web config " + file + ": a user name is empty or has ':' or control characters");
                }
                if (h == null || !h.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                    throw new ServeConfig.Invalid("web config " + file + ": the password of " + Printable.escape(e.getKey())
                            + " is not a bcrypt hash (make one with: htpasswd -nbB USER PASSWORD)");
                }
                users.put(e.getKey(), h);
            }
        }
        SSLContext ssl = null;
        String[] protocols = null;
        if (raw.tls != null) {
            if (raw.tls.certFile == null || raw.tls.keyFile == null) {
                throw new ServeConfig.Invalid("web config " + file + ": tls_server_config needs cert_file and key_file");
            }
            Path base = file.toAbsolutePath().getParent();
            ssl = sslContext(base.resolve(raw.tls.certFile), base.resolve(raw.tls.keyFile));
            String min = raw.tls.minVersion == null ? "TLS12" : raw.tls.minVersion;
            protocols = switch (min) {
                case "TLS12" -> new String[] {"TLSv1.3", "TLSv1.2"};
                case "TLS13" -> new String[] {"TLSv1.3"};
                default -> throw new ServeConfig.Invalid("web config " + file + ": min_version must be TLS12 or TLS13");
            };
        }
        return new WebConfig(ssl, protocols, Map.copyOf(users));
    }

    static SSLContext sslContext(Path certFile, Path keyFile) throws ServeConfig.Invalid {
        try {
            Collection<? extends Certificate> certs;
            try (var in = Files.newInputStream(certFile)) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new ServeConfig.Invalid("cert_file " + certFile + " holds no certificate");
            }
            PrivateKey key = privateKey(Files.readString(keyFile), keyFile);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("server", key, pw, certs.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (IOException e) {
            throw new ServeConfig.Invalid("cannot read " + certFile + " or " + keyFile + ": " + e.getClass().getSimpleName());
        } catch (GeneralSecurityException e) {
            throw new ServeConfig.Invalid("the TLS certificate or key is not usable: " + Printable.escape(String.valueOf(e.getMessage())));
        }
    }

    static PrivateKey privateKey(String pem, Path file) throws ServeConfig.Invalid, GeneralSecurityException {
        byte[] der;
        boolean pkcs1 = false;
        if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
            der = block(pem, "PRIVATE KEY");
        } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            der = block(pem, "RSA PRIVATE KEY");
            pkcs1 = true;
        } else {
            throw new ServeConfig.Invalid("key_file " + file + ": not a PEM private key in PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 RSA form"
                    + " (convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
        }
        if (pkcs1) {
            der = pkcs1ToPkcs8(der);
        }
        List<String> algs = new ArrayList<>(List.of("RSA", "EC", "Ed25519", "EdDSA"));
        for (String a : algs) {
            try {
                return KeyFactory.getInstance(a).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ServeConfig.Invalid("key_file " + file + ": not an RSA, EC or Ed25519 private key");
    }

    private static byte[] block(String pem, String label) throws ServeConfig.Invalid {
        int a = pem.indexOf("-----BEGIN " + label + "-----");
        int b = pem.indexOf("-----END " + label + "-----");
        if (a < 0 || b < a) {
            throw new ServeConfig.Invalid("a PEM block " + label + " is incomplete");
        }
        String body = pem.substring(a + ("-----BEGIN " + label + "-----").length(), b).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new ServeConfig.Invalid("a PEM block " + label + " is not base64");
        }
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, the key as an OCTET STRING). */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = TlsWarmup.der(0x04, pkcs1);
        byte[] body = new byte[version.length + algId.length + octet.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algId, 0, body, version.length, algId.length);
        System.arraycopy(octet, 0, body, version.length + algId.length, octet.length);
        return TlsWarmup.der(0x30, body);
    }
}
