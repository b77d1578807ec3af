package dialtone.fuzz;

import dialtone.config.EndpointConfigParser;
import dialtone.support.DialtoneException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The injection property, in every test run with a fixed seed (FuzzTargets#noConfigurationCanAddALineToASipMessage
 * explores it coverage-guided): configurations whose fields are drawn from an alphabet rich in CR, LF, NUL, quotes,
 * angle brackets, semicolons and escapes are refused, or give messages that parse back line for line.
 */
class InjectionPropertyTest {
    private static final String ALPHABET = "aZ09-._~\r\n\0\t \"\\<>;,:@=%&?/\u001b\u202e\u00e9\u2028";

    @Test
    void noConfigurationFieldCanAddALine() {
        Random rnd = new Random(20261129);
        int accepted = 0;
        for (int n = 0; n < 3000; n++) {
            String[] v = new String[6];
            for (int i = 0; i < v.length; i++) {
                StringBuilder sb = new StringBuilder();
                int len = 1 + rnd.nextInt(12);
                for (int k = 0; k < len; k++) {
                    // mostly safe characters, so that some configurations pass and reach the wire
                    sb.append(rnd.nextInt(4) == 0 ? ALPHABET.charAt(rnd.nextInt(ALPHABET.length())) : (char) ('a' + rnd.nextInt(26)));
                }
                v[i] = sb.toString();
            }
            dialtone.config.SipProfile p;
            try {
                p = EndpointConfigParser.resolve(EndpointConfigParser.parse(Injection.config(v).getBytes(StandardCharsets.UTF_8),
                        s -> { }), null, false);
            } catch (DialtoneException refused) {
                continue;
            }
            accepted++;
            Injection.assertNoLineAdded(p, v[3] + "\r\nX-Evil: 1");
        }
        org.junit.jupiter.api.Assertions.assertTrue(accepted > 100, "the property must reach the wire: " + accepted);
    }
}
