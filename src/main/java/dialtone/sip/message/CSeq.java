package dialtone.sip.message;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code CSeq: 1*DIGIT LWS Method} (RFC 3261 §20.16); the number must be less than 2**31 (§8.1.1.5). */
public record CSeq(long number, String method) {
    private static final Pattern P = Pattern.compile("(\\d+)\\s+(\\S+)");

    public static CSeq parse(String value) throws SyntaxError {
        Matcher m = P.matcher(value.trim());
        if (!m.matches()) {
            throw new SyntaxError("CSeq \"" + Params.abbreviate(value) + "\" is not \"number method\"");
        }
        String digits = m.group(1);
        if (digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE) {
            throw new SyntaxError("CSeq number " + Params.abbreviate(digits) + " is larger than 2**31-1");
        }
        if (!Grammar.isToken(m.group(2))) {
            throw new SyntaxError("CSeq method is not a token");
        }
        return new CSeq(Long.parseLong(digits), m.group(2));
    }

    @Override
    public String toString() {
        return number + " " + method;
    }
}
