package dialtone.sip.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code via-parm} (RFC 3261 §20.42): {@code SIP/2.0/WSS host:port;branch=...;rport}. */
public record Via(String protocol, String version, String transport, String sentBy, Map<String, String> params) {
    private static final String TOKEN = "[A-Za-z0-9.!%*_+`'~-]+";
    private static final Pattern PROTO = Pattern.compile(
            "(" + TOKEN + ")\\s*/\\s*(" + TOKEN + ")\\s*/\\s*(" + TOKEN + ")\\s+(\\S+)");

    /** Parses every via-parm of one Via field line; {@code ,,} and {@code ;;} are errors. */
    public static List<Via> parseAll(String line) throws SyntaxError {
        List<Via> out = new ArrayList<>();
        for (String v : Lists.split(line)) {
            if (v.isEmpty()) {
                throw new SyntaxError("empty Via value (,,)");
            }
            out.add(parse(v));
        }
        return out;
    }

    public static Via parse(String v) throws SyntaxError {
        String s = v.trim();
        int semi = s.indexOf(';');
        String head = (semi < 0 ? s : s.substring(0, semi)).trim();
        Matcher m = PROTO.matcher(head);
        if (!m.matches()) {
            throw new SyntaxError("\"" + Params.abbreviate(head) + "\" is not protocol/version/transport sent-by");
        }
        String sentBy = m.group(4);
        if (SipUri.parse("sip:" + sentBy).isEmpty()) {
            throw new SyntaxError("bad sent-by \"" + Params.abbreviate(sentBy) + "\"");
        }
        return new Via(m.group(1), m.group(2), m.group(3).toUpperCase(Locale.ROOT), sentBy,
                Params.parse(semi < 0 ? "" : s.substring(semi)));
    }

    public Optional<String> branch() {
        return Optional.ofNullable(params.get("branch"));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(protocol).append('/').append(version).append('/').append(transport)
                .append(' ').append(sentBy);
        for (Map.Entry<String, String> p : params.entrySet()) {
            sb.append(';').append(p.getKey());
            if (p.getValue() != null) {
                sb.append('=').append(p.getValue());
            }
        }
        return sb.toString();
    }
}
