package dialtone.sip.parser;

/**
 * Hard limits that keep a hostile peer from making the parser allocate or loop without bound.
 *
 * <table>
 * <caption>Limits and defaults</caption>
 * <tr><th>limit</th><th>default</th></tr>
 * <tr><td>whole message, octets</td><td>{@value #DEFAULT_MAX_MESSAGE}</td></tr>
 * <tr><td>header field lines</td><td>{@value #DEFAULT_MAX_HEADERS}</td></tr>
 * <tr><td>one (unfolded) header line, characters</td><td>{@value #DEFAULT_MAX_LINE}</td></tr>
 * </table>
 */
public record ParserLimits(int maxMessage, int maxHeaders, int maxLine) {
    public static final int DEFAULT_MAX_MESSAGE = 256 * 1024;
    public static final int DEFAULT_MAX_HEADERS = 256;
    /** A registrar lists every binding of an AOR in its 200 OK, often on one Contact line (a load test makes hundreds). */
    public static final int DEFAULT_MAX_LINE = 128 * 1024;
    public static final ParserLimits DEFAULT = new ParserLimits(DEFAULT_MAX_MESSAGE, DEFAULT_MAX_HEADERS, DEFAULT_MAX_LINE);
}
