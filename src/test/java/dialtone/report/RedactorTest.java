package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RedactorTest {
    @Test
    void masksRegisteredSecretInAllItsForms() {
        Redactor r = new Redactor();
        r.addSecret("p\"a&ss<word>");
        assertEquals("x *** y", r.redact("x p\"a&ss<word> y"));
        assertEquals("{\"password\":\"***\"}", r.redact("{\"password\":\"p\\\"a&ss<word>\"}"));
        assertEquals("<a v=\"***\"/>", r.redact("<a v=\"p&quot;a&amp;ss&lt;word&gt;\"/>"));
        assertEquals("q=***", r.redact("q=p%22a%26ss%3Cword%3E"));
    }

    @Test
    void masksDigestCredentialParameters() {
        Redactor r = new Redactor();
        String in = "Authorization: Digest username=\"alice\", realm=\"x\", nonce=\"abc\", uri=\"sip:x\", "
                + "response=\"6629fae49393a05397450978507c4ef1\", cnonce=\"0a4f113b\", qop=auth, nc=00000001";
        String out = r.redact(in);
        assertFalse(out.contains("6629fae4"), out);
        assertFalse(out.contains("0a4f113b"), out);
        assertTrue(out.contains("username=\"alice\""), out);
        assertTrue(out.contains("response=\"***\""), out);
    }

    @Test
    void masksDigestParametersInsideJsonStrings() {
        Redactor r = new Redactor();
        String json = "{\"raw\":\"Authorization: Digest username=\\\"u\\\", response=\\\"60ca7e22bfcfa261\\\", "
                + "algorithm=MD5, qop=auth, nc=00000001, cnonce=\\\"yUsoWVBm\\\"\\r\\n\"}";
        String out = r.redact(json);
        assertFalse(out.contains("60ca7e22"), out);
        assertFalse(out.contains("yUsoWVBm"), out);
        assertTrue(out.contains("response=\\\"***\\\""), out);
    }

    @Test
    void writerMasksASecretSplitAcrossWrites() throws Exception {
        Redactor r = new Redactor();
        r.addSecret("topsecret");
        StringWriter sink = new StringWriter();
        try (RedactingWriter w = new RedactingWriter(sink, r)) {
            w.write("a top");
            w.write("secret b\n");
            w.write("tail topsecret");
        }
        assertEquals("a *** b\ntail ***", sink.toString());
    }

    @Test
    void ignoresTooShortSecrets() {
        Redactor r = new Redactor();
        r.addSecret("ab");
        r.addSecret(null);
        r.addSecret("   ");
        assertEquals("abc", r.redact("abc"));
    }

    @Test
    void longerSecretsWinOverTheirPrefixes() {
        Redactor r = new Redactor();
        r.addSecret("secret");
        r.addSecret("secret-longer");
        assertEquals("*** and ***", r.redact("secret-longer and secret"));
    }

    @org.junit.jupiter.api.Test
    void masksTheUpperCaseJsonEscapesThatJacksonWrites() throws Exception {
        Redactor r = new Redactor();
        r.addSecret("pa\u001bss-word");
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("v", "pa\u001bss-word"));
        org.junit.jupiter.api.Assertions.assertTrue(json.contains("\\u001B"), json);
        org.junit.jupiter.api.Assertions.assertEquals("{\"v\":\"***\"}", r.redact(json));
        org.junit.jupiter.api.Assertions.assertEquals("x *** y", r.redact("x pa\\ess-word y"), "the escaped form people see");
    }
}
