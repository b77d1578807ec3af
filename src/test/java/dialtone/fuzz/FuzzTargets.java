package dialtone.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dialtone.config.EndpointConfigParser;
import dialtone.engine.Script;
import dialtone.media.MediaException;
import dialtone.media.Sdp;
import dialtone.media.WavReader;
import dialtone.probe.StunException;
import dialtone.probe.StunMessage;
import dialtone.sip.auth.DigestChallenge;
import dialtone.sip.parser.ParseResult;
import dialtone.sip.parser.SipParser;
import dialtone.support.DialtoneException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzz targets (Jazzer). In the normal test run they replay their seed corpus
 * (src/test/resources/dialtone/fuzz/FuzzTargetsInputs/...); {@code scripts/fuzz SECONDS} fuzzes each one. The rule
 * is the same everywhere: bad input is a result or a documented exception, never a crash, a hang or unbounded
 * allocation.
 */
class FuzzTargets {
    private static final SipParser PARSER = new SipParser();

    @FuzzTest(maxDuration = "10s")
    void sipParser(byte[] data) {
        ParseResult r = PARSER.parse(data);
        if (r instanceof ParseResult.Err e && e.error().message().startsWith("internal parser error")) {
            throw new IllegalStateException("the parser hit a bug: " + e.error());
        }
        if (r instanceof ParseResult.Ok ok) {
            // reading the parsed values must not throw either
            ok.message().cseq();
            ok.message().from();
            ok.message().to();
            ok.message().topVia();
            ok.message().headers().values("Contact");
        }
    }

    @FuzzTest(maxDuration = "10s")
    void stun(byte[] data) {
        try {
            StunMessage m = StunMessage.parse(data);
            m.integrityValid(StunMessage.shortTermKey("key"));
            m.fingerprintValid();
            m.error();
            m.xorAddress(StunMessage.XOR_MAPPED_ADDRESS);
            m.xorAddress(StunMessage.XOR_RELAYED_ADDRESS);
        } catch (StunException expected) {
            // malformed: fine
        }
    }

    @FuzzTest(maxDuration = "10s")
    void endpointConfig(byte[] data) {
        try {
            EndpointConfigParser.resolve(EndpointConfigParser.parse(data, s -> { }), null, false);
        } catch (DialtoneException expected) {
            // invalid configuration: fine
        }
    }

    @FuzzTest(maxDuration = "10s")
    void sdp(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        Sdp.candidates(s);
        Sdp.fingerprint(s);
        Sdp.audioCodecs(s);
        Sdp.audioDirection(s);
        Sdp.checkAnswer(s);
        Sdp.rewriteHostCandidates(s, "127.0.0.1");
    }

    @FuzzTest(maxDuration = "10s")
    void digestChallengeAndScript(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        DigestChallenge.parse(s);
        try {
            // expect-info REGEX compiles with RE2/J: linear time whatever the pattern
            Script.parseLine(s, 1);
        } catch (IllegalArgumentException expected) {
            // a bad command: fine
        }
    }

    @FuzzTest(maxDuration = "10s")
    void wav(byte[] data) throws IOException {
        Path f = Files.createTempFile("fuzz", ".wav");
        try {
            Files.write(f, data);
            WavReader.read(f);
        } catch (MediaException expected) {
            // not a WAV we can read: fine
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /**
     * The injection oracle: whatever a configuration server puts in its fields, either the configuration is refused
     * or every SIP message built from it (REGISTER with digest, INVITE with the SDK's X- headers) parses back with
     * exactly the header lines dialtone wrote: no field can add a line, a header or a second message.
     */
    @FuzzTest(maxDuration = "10s")
    void noConfigurationCanAddALineToASipMessage(com.code_intelligence.jazzer.api.FuzzedDataProvider in) {
        String[] v = new String[6];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.consumeString(40);
        }
        String json = Injection.config(v);
        dialtone.config.SipProfile p;
        try {
            p = EndpointConfigParser.resolve(EndpointConfigParser.parse(json.getBytes(StandardCharsets.UTF_8), s -> { }),
                    in.consumeBoolean() ? null : in.consumeString(40), false);
        } catch (DialtoneException refused) {
            return;
        }
        Injection.assertNoLineAdded(p, in.consumeString(60));
    }
}
