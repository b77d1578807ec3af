package dialtone.event;

/**
 * Where the time of one HTTPS request went, in milliseconds, and the same in microseconds ({@code ...Us}, from the
 * fetch's nanosecond clock; -1 when not measured at that resolution). A phase that did not happen or could not be
 * seen (TLS on plain HTTP) is -1.
 */
public record HttpTiming(long dnsMs, long connectMs, long tlsMs, long firstByteMs, long totalMs,
                         long dnsUs, long connectUs, long tlsUs, long firstByteUs, long totalUs) {
    /** Whole milliseconds only (the microsecond figures unknown). */
    public HttpTiming(long dnsMs, long connectMs, long tlsMs, long firstByteMs, long totalMs) {
        this(dnsMs, connectMs, tlsMs, firstByteMs, totalMs, -1, -1, -1, -1, -1);
    }
}
