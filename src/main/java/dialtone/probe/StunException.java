package dialtone.probe;

/** A STUN message that does not decode: where (pion's DecodeErr places) and what. */
public final class StunException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String place;

    public StunException(String place, String message) {
        super(place + ": " + message, null, false, false);
        this.place = place;
    }

    public String place() {
        return place;
    }
}
