package dialtone.event;

/**
 * Where the time of one HTTPS request went, in milliseconds. A phase that did not happen or could not be seen
 * (TLS on plain HTTP) is -1.
 */
public record HttpTiming(long dnsMs, long connectMs, long tlsMs, long firstByteMs, long totalMs) {
}
