package dialtone.sip.parser;

/**
 * Why a message did not parse: where ({@code start-line}, {@code header/Via}, {@code body/content-length},
 * {@code message}), what, and the octet offset of the offending line or element.
 */
public record ParseError(String place, String message, int offset) {
    @Override
    public String toString() {
        return place + " at octet " + offset + ": " + message;
    }
}
