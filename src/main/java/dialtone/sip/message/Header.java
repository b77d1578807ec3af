package dialtone.sip.message;

/** One header field line as received or to be sent: its canonical name and its (unfolded, trimmed) value. */
public record Header(String name, String value) {
}
