package dialtone.sip.parser;

import dialtone.sip.message.CSeq;
import dialtone.sip.message.Grammar;
import dialtone.sip.message.Header;
import dialtone.sip.message.HeaderNames;
import dialtone.sip.message.Headers;
import dialtone.sip.message.Lists;
import dialtone.sip.message.NameAddr;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.sip.message.SipUri;
import dialtone.sip.message.SyntaxError;
import dialtone.sip.message.Via;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parses one whole SIP message from octets (RFC 3261 §7, as RFC 7118 frames it: one message per WebSocket
 * message). Returns a {@link ParseResult}; never throws on any input. Header lines are read as octets (ISO-8859-1)
 * so offsets are octet offsets, then values are decoded as UTF-8. Content-Length counts octets (§20.14); a body
 * shorter than Content-Length is an error, a longer one is cut to it (§18.3).
 *
 * <p>The parser checks syntax, including the structure of the headers whose grammar it knows (Via, From, To,
 * Contact, Route, Record-Route, CSeq, Max-Forwards, Content-Length, Expires, Date). It does not check that the
 * headers a request needs are present: that is the layer above's job (RFC 4475 §3.3).
 */
public final class SipParser {
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT);

    private final ParserLimits limits;

    public SipParser(ParserLimits limits) {
        this.limits = limits;
    }

    public SipParser() {
        this(ParserLimits.DEFAULT);
    }

    public ParseResult parse(byte[] data) {
        try {
            return doParse(data);
        } catch (RuntimeException e) {
            // A bug must not become a crash on hostile input: report it as a parse error.
            return new ParseResult.Err(new ParseError("message", "internal parser error: " + e.getClass().getSimpleName(), 0), null);
        }
    }

    private static final class Fail extends Exception {
        private static final long serialVersionUID = 1L;
        final transient ParseError error;

        Fail(String place, String message, int offset) {
            super(message, null, false, false);
            this.error = new ParseError(place, message, offset);
        }
    }

    private ParseResult doParse(byte[] data) {
        String startLine = null;
        try {
            if (data.length > limits.maxMessage()) {
                throw new Fail("message", "message of " + data.length + " octets exceeds the limit of " + limits.maxMessage(), 0);
            }
            int pos = 0;
            // RFC 3261 §7.5: CRLFs before the start line are ignored.
            while (pos < data.length && (data[pos] == '\r' || data[pos] == '\n')) {
                pos++;
            }
            if (pos == data.length) {
                throw new Fail("message", "empty message", pos);
            }
            int[] end = headerEnd(data, pos);
            boolean noBlankLine = false;
            if (end == null) {
                // Liberal in what we accept: a message that ends right after a header line has no body.
                if (data[data.length - 1] != '\n') {
                    throw new Fail("message", "no empty line after the header fields", data.length);
                }
                int e = data.length - 1;
                end = new int[] {e, data.length};
                noBlankLine = true;
            }
            String head = new String(data, pos, end[0] - pos, StandardCharsets.ISO_8859_1);
            List<int[]> lineSpans = new ArrayList<>();
            List<String> lines = splitLines(head, pos, lineSpans);
            startLine = utf8(lines.get(0));
            int startOffset = lineSpans.get(0)[0];
            Object first = startLine(lines.get(0), startOffset);
            List<Header> headers = new ArrayList<>();
            List<Integer> headerOffsets = new ArrayList<>();
            unfoldHeaders(lines, lineSpans, headers, headerOffsets);
            List<String> defects = new ArrayList<>();
            if (noBlankLine) {
                defects.add("no empty line after the header fields");
            }
            validateHeaders(headers, headerOffsets, first, defects);
            byte[] body = body(data, end[1], headers, headerOffsets, defects);
            Headers h = new Headers(headers);
            if (first instanceof String[] req) {
                return new ParseResult.Ok(new SipRequest(req[0], req[1], h, body), List.copyOf(defects));
            }
            Object[] resp = (Object[]) first;
            return new ParseResult.Ok(new SipResponse((Integer) resp[0], (String) resp[1], h, body), List.copyOf(defects));
        } catch (Fail f) {
            return new ParseResult.Err(f.error, startLine);
        }
    }

    /** [end of header block (exclusive, before the blank line), start of body]; null if there is no blank line. */
    private static int[] headerEnd(byte[] d, int from) {
        for (int i = from; i < d.length; i++) {
            if (d[i] == '\n') {
                int j = i + 1;
                if (j < d.length && d[j] == '\n') {
                    return new int[] {i, j + 1};
                }
                if (j + 1 < d.length && d[j] == '\r' && d[j + 1] == '\n') {
                    return new int[] {i, j + 2};
                }
            }
        }
        return null;
    }

    private List<String> splitLines(String head, int base, List<int[]> spans) throws Fail {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= head.length(); i++) {
            if (i == head.length() || head.charAt(i) == '\n') {
                int e = i > start && head.charAt(i - 1) == '\r' ? i - 1 : i;
                if (e - start > limits.maxLine()) {
                    throw new Fail("header", "a line of " + (e - start) + " octets exceeds the limit of " + limits.maxLine(), base + start);
                }
                out.add(head.substring(start, e));
                spans.add(new int[] {base + start, base + e});
                start = i + 1;
                if (out.size() > limits.maxHeaders() * 4 + 1) {
                    throw new Fail("header", "more than " + limits.maxHeaders() + " header fields", base + start);
                }
            }
        }
        return out;
    }

    private void unfoldHeaders(List<String> lines, List<int[]> spans, List<Header> out, List<Integer> offsets) throws Fail {
        StringBuilder cur = null;
        int curOffset = 0;
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.isEmpty() && (l.charAt(0) == ' ' || l.charAt(0) == '\t')) {
                if (cur == null) {
                    throw new Fail("header", "continuation line without a header field before it", spans.get(i)[0]);
                }
                cur.append(' ').append(l.strip());
                if (cur.length() > limits.maxLine()) {
                    throw new Fail("header", "a folded header exceeds " + limits.maxLine() + " characters", spans.get(i)[0]);
                }
                continue;
            }
            if (cur != null) {
                out.add(header(cur.toString(), curOffset));
                offsets.add(curOffset);
            }
            cur = new StringBuilder(l);
            curOffset = spans.get(i)[0];
        }
        if (cur != null) {
            out.add(header(cur.toString(), curOffset));
            offsets.add(curOffset);
        }
        if (out.size() > limits.maxHeaders()) {
            throw new Fail("header", out.size() + " header fields exceed the limit of " + limits.maxHeaders(), 0);
        }
    }

    private static Header header(String line, int offset) throws Fail {
        int colon = line.indexOf(':');
        if (colon < 0) {
            throw new Fail("header", "header line without a colon: \"" + abbreviate(utf8(line)) + "\"", offset);
        }
        String name = line.substring(0, colon).stripTrailing();
        if (!Grammar.isToken(name)) {
            throw new Fail("header", "header name \"" + abbreviate(utf8(name)) + "\" is not a token", offset);
        }
        return new Header(HeaderNames.canonical(name), utf8(line.substring(colon + 1).strip()));
    }

    /** String[]{method, uri} for a request, Object[]{status, reason} for a response. */
    private static Object startLine(String line, int offset) throws Fail {
        if (line.isEmpty() || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
            throw new Fail("start-line", "the start line begins with white space", offset);
        }
        if (line.regionMatches(true, 0, "SIP/", 0, 4)) {
            int sp1 = line.indexOf(' ');
            if (sp1 < 0) {
                throw new Fail("start-line", "status line without a status code", offset);
            }
            String version = line.substring(0, sp1);
            checkVersion(version, offset);
            int sp2 = line.indexOf(' ', sp1 + 1);
            String code = sp2 < 0 ? line.substring(sp1 + 1) : line.substring(sp1 + 1, sp2);
            if (code.length() != 3 || !Grammar.isDigits(code)) {
                throw new Fail("start-line", "status code \"" + abbreviate(code) + "\" is not three digits", offset + sp1 + 1);
            }
            int status = Integer.parseInt(code);
            if (status < 100 || status > 699) {
                throw new Fail("start-line", "status code " + status + " is outside 100-699", offset + sp1 + 1);
            }
            String reason = sp2 < 0 ? "" : utf8(line.substring(sp2 + 1));
            return new Object[] {status, reason};
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3) {
            throw new Fail("start-line", "a request line must be \"Method SP Request-URI SP SIP-Version\" with single"
                    + " spaces (found " + (parts.length - 1) + " spaces)", offset);
        }
        String method = parts[0];
        String uri = parts[1];
        if (!Grammar.isToken(method)) {
            throw new Fail("start-line", "method \"" + abbreviate(utf8(method)) + "\" is not a token", offset);
        }
        if (uri.isEmpty() || uri.startsWith("<") || uri.indexOf('\t') >= 0) {
            throw new Fail("start-line", "the Request-URI must not be enclosed in <> or contain white space", offset + method.length() + 1);
        }
        int colon = uri.indexOf(':');
        if (colon <= 0 || !uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            throw new Fail("start-line", "the Request-URI \"" + abbreviate(utf8(uri)) + "\" has no scheme", offset + method.length() + 1);
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (scheme.equals("sip") || scheme.equals("sips")) {
            SipUri u = SipUri.parse(uri).orElse(null);
            if (u == null) {
                throw new Fail("start-line", "malformed SIP Request-URI \"" + abbreviate(utf8(uri)) + "\"", offset + method.length() + 1);
            }
            if (u.headers() != null) {
                throw new Fail("start-line", "the Request-URI must not carry headers (?...)", offset + method.length() + 1);
            }
        }
        checkVersion(parts[2], offset + method.length() + uri.length() + 2);
        return new String[] {method, utf8(uri)};
    }

    private static void checkVersion(String v, int offset) throws Fail {
        if (!v.equalsIgnoreCase("SIP/2.0")) {
            throw new Fail("start-line", "unsupported protocol version \"" + abbreviate(v) + "\" (only SIP/2.0)", offset);
        }
    }

    private static void validateHeaders(List<Header> headers, List<Integer> offsets, Object first, List<String> defects)
            throws Fail {
        for (int i = 0; i < headers.size(); i++) {
            Header h = headers.get(i);
            int off = offsets.get(i);
            String place = "header/" + h.name();
            try {
                switch (h.name()) {
                    case "Via" -> Via.parseAll(h.value());
                    case "From", "To" -> NameAddr.parse(h.value());
                    case "Contact" -> {
                        if (!h.value().equals("*")) {
                            for (String c : Lists.split(h.value())) {
                                if (c.isEmpty()) {
                                    throw new SyntaxError("empty Contact value (,,)");
                                }
                                NameAddr.parse(c);
                            }
                        }
                    }
                    case "Route", "Record-Route" -> {
                        for (String r : Lists.split(h.value())) {
                            if (!NameAddr.parse(r).angle()) {
                                throw new SyntaxError("a route must be a <URI>");
                            }
                        }
                    }
                    case "CSeq" -> {
                        CSeq c = CSeq.parse(h.value());
                        if (first instanceof String[] req && !c.method().equals(req[0])) {
                            throw new SyntaxError("CSeq method " + c.method() + " does not match the request method " + req[0]);
                        }
                    }
                    case "Max-Forwards" -> {
                        String v = h.value();
                        if (!Grammar.isDigits(v) || v.length() > 6 || Integer.parseInt(v) > 255) {
                            throw new SyntaxError("Max-Forwards \"" + abbreviate(v) + "\" is not a number from 0 to 255");
                        }
                    }
                    case "Content-Length" -> {
                        for (String v : Lists.split(h.value())) {
                            if (!Grammar.isDigits(v) || v.length() > 9) {
                                throw new SyntaxError("Content-Length \"" + abbreviate(v) + "\" is not a non-negative number");
                            }
                        }
                    }
                    case "Expires" -> {
                        if (!Grammar.isDigits(h.value())) {
                            throw new SyntaxError("Expires \"" + abbreviate(h.value()) + "\" is not a number of seconds");
                        }
                        if (h.value().length() > 10) {
                            defects.add("Expires larger than 2**32-1 (treated as 2**32-1)");
                        }
                    }
                    case "Date" -> {
                        if (!h.value().endsWith(" GMT")) {
                            throw new SyntaxError("the Date must be in GMT (RFC 1123 form)");
                        }
                        ZonedDateTime.parse(h.value(), RFC1123);
                    }
                    default -> {
                        // headers whose grammar dialtone does not need are kept as text
                    }
                }
            } catch (SyntaxError e) {
                throw new Fail(place, e.getMessage(), off);
            } catch (DateTimeParseException e) {
                throw new Fail(place, "not an RFC 1123 date", off);
            }
        }
    }

    private static byte[] body(byte[] data, int start, List<Header> headers, List<Integer> offsets, List<String> defects)
            throws Fail {
        int available = data.length - start;
        List<Integer> lengths = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).name().equals("Content-Length")) {
                off = offsets.get(i);
                for (String v : Lists.split(headers.get(i).value())) {
                    lengths.add(Integer.parseInt(v));
                }
            }
        }
        if (lengths.isEmpty()) {
            return Arrays.copyOfRange(data, start, data.length);
        }
        if (lengths.stream().distinct().count() > 1) {
            // RFC 4475 §3.3.9: the message parses; which length is right cannot be known.
            defects.add("several different Content-Length values " + lengths);
            return Arrays.copyOfRange(data, start, data.length);
        }
        int cl = lengths.get(0);
        if (cl > available) {
            throw new Fail("body/content-length", "Content-Length " + cl + " is larger than the " + available
                    + " octets of body present", off);
        }
        if (cl < available) {
            defects.add((available - cl) + " octets after the body ignored");
        }
        return Arrays.copyOfRange(data, start, start + cl);
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
