package dialtone.serve;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporters' web config file: bcrypt checked against hashes made by an independent tool, TLS keys loaded. */
class WebConfigTest {
    // made by Apache's htpasswd (apache2-utils): htpasswd -nbB and -nbBC 10, password S3rve-Test-Pa55
    static final String COST5 = "$2y$05$MkNYDrizpv.UuycUoYjm/uGqYjovX585WbE5oaqb9SmYudfbazqI2";
    static final String COST10 = "$2y$10$OOkjsmv9bapvCKthpQqbdex2J.lM7m6d31sfqO.tffvFVJyP29CLm";

    @TempDir
    Path dir;

    @Test
    void basicAuthUsersAreCheckedWithBcrypt() throws Exception {
        Path f = dir.resolve("web.yml");
        Files.writeString(f, "basic_auth_users:\n  prometheus: '" + COST5 + "'\n  grafana: '" + COST10 + "'\n");
        WebConfig w = WebConfig.load(f);
        assertTrue(w.authRequired());
        assertTrue(w.check("prometheus", "S3rve-Test-Pa55"));
        assertTrue(w.check("prometheus", "S3rve-Test-Pa55"), "remembered");
        assertTrue(w.check("grafana", "S3rve-Test-Pa55"));
        assertFalse(w.check("prometheus", "S3rve-Test-Pa56"));
        assertFalse(w.check("prometheus", ""));
        assertFalse(w.check("nobody", "S3rve-Test-Pa55"));
        assertFalse(w.check(null, null));
    }

    @Test
    void whatIsNotUnderstoodIsRefused() throws Exception {
        Path f = dir.resolve("web.yml");
        Files.writeString(f, "basic_auth_users:\n  prometheus: plaintext-password\n");
        assertTrue(assertThrows(ServeConfig.Invalid.class, () -> WebConfig.load(f)).getMessage().contains("not a bcrypt hash"));
        Files.writeString(f, "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n");
        assertTrue(assertThrows(ServeConfig.Invalid.class, () -> WebConfig.load(f)).getMessage().contains("client_auth_type"));
        Files.writeString(f, "tls_server_config:\n  cert_file: nosuch.crt\n  key_file: nosuch.key\n");
        assertTrue(assertThrows(ServeConfig.Invalid.class, () -> WebConfig.load(f)).getMessage().contains("cannot read"));
    }

    @Test
    void tlsKeysInPkcs8AndPkcs1Load() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k8.pem", "-out", "c.pem", "-subj", "/CN=127.0.0.1", "-days", "2");
        run("openssl", "rsa", "-in", "k8.pem", "-traditional", "-out", "k1.pem");
        assertTrue(Files.readString(dir.resolve("k1.pem")).contains("BEGIN RSA PRIVATE KEY"));
        for (String key : new String[] {"k8.pem", "k1.pem"}) {
            Path f = dir.resolve("web-" + key + ".yml");
            Files.writeString(f, "tls_server_config:\n  cert_file: c.pem\n  key_file: " + key + "\n");
            assertNotNull(WebConfig.load(f).ssl(), key);
        }
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem");
        Path f = dir.resolve("web-ec.yml");
        Files.writeString(f, "tls_server_config:\n  cert_file: c.pem\n  key_file: ec.pem\n");
        assertTrue(assertThrows(ServeConfig.Invalid.class, () -> WebConfig.load(f)).getMessage().contains("openssl pkcs8"));
    }

    private void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor() == 0, String.join(" ", cmd));
    }
}
