package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The network probe: one event per check, and the verdict. */
public sealed interface ProbeEvent extends Event {
    /**
     * One check's outcome.
     *
     * @param check     https, wss, stun, turn
     * @param target    what was checked (URL or host:port)
     * @param transport udp, tcp, tls (or null)
     * @param facts     what it found (mapped address, relayed address, lifetime, RTT, loss, TLS version...)
     */
    @JsonTypeName("probe.check")
    record Check(Instant at, String scenario, String check, String target, String transport, boolean passed, long ms,
                 String detail, Map<String, Object> facts) implements ProbeEvent {}

    /**
     * What works: which ways of carrying media (direct UDP, TURN/UDP, TURN/TCP, TURNS), whether TURN is required, and
     * the first broken layer (null when none).
     */
    @JsonTypeName("probe.verdict")
    record Verdict(Instant at, String scenario, List<String> mediaWays, Boolean turnRequired, String firstBroken,
                   int passed, int failed) implements ProbeEvent {}
}
