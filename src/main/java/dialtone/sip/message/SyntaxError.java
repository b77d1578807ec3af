package dialtone.sip.message;

/** A grammar violation found while reading a header value; the parser turns it into a ParseError result. */
public final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    public SyntaxError(String message) {
        super(message, null, false, false);
    }
}
