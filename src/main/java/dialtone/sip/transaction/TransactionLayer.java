package dialtone.sip.transaction;

import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.sip.message.Via;
import dialtone.support.Scheduler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Matches responses to client transactions (top Via branch + CSeq method, RFC 3261 §17.1.3) and requests to server
 * transactions (branch + sent-by + method, §17.2.3). Keeps server transactions for {@value #SERVER_KEEP_SECONDS} s
 * so retransmissions are absorbed; at most {@value #MAX_SERVER} of them.
 */
public final class TransactionLayer {
    static final int SERVER_KEEP_SECONDS = 32;
    static final int MAX_SERVER = 1024;

    private final Scheduler loop;
    private final Wire wire;
    private final Map<String, ClientTransaction> clients = new LinkedHashMap<>();
    private final Map<String, Kept> servers = new LinkedHashMap<>();

    /** A server transaction and when it may be forgotten. */
    private record Kept(ServerTransaction tx, java.time.Instant until) {
    }
    private java.time.Duration timeout = Timers.F;

    /** Timer B and F (64*T1 = 32 s by default); shorter for CI jobs that want a fast verdict. */
    public void setTimeout(java.time.Duration t) {
        this.timeout = t;
    }

    public TransactionLayer(Scheduler loop, Wire wire) {
        this.loop = loop;
        this.wire = wire;
    }

    /** Starts a client transaction for {@code request}, whose top Via carries {@code branch}. */
    public ClientTransaction send(SipRequest request, String branch, ClientTransactionUser tu) {
        loop.assertOnLoop();
        String key = branch + "/" + request.method();
        ClientTransaction tx = request.is("INVITE")
                ? new InviteClientTransaction(loop, wire, request, branch, tu, () -> clients.remove(key))
                : new NonInviteClientTransaction(loop, wire, request, branch, tu, () -> clients.remove(key));
        clients.put(key, tx);
        tx.start(timeout);
        return tx;
    }

    /** Routes a response; false when no transaction matches (a stray, to be dropped). */
    public boolean receive(SipResponse r) {
        loop.assertOnLoop();
        Optional<Via> via = r.topVia();
        String method = r.cseq().map(c -> c.method()).orElse(null);
        if (via.isEmpty() || via.get().branch().isEmpty() || method == null) {
            return false;
        }
        ClientTransaction tx = clients.get(via.get().branch().get() + "/" + method);
        if (tx == null) {
            return false;
        }
        tx.receive(r);
        return true;
    }

    /**
     * Finds the server transaction of a request. A retransmission is answered again and returns empty; an ACK that
     * matches an INVITE server transaction is absorbed and returns empty; otherwise a new transaction is returned.
     */
    public Optional<ServerTransaction> serverTransaction(SipRequest req) {
        loop.assertOnLoop();
        Via via = req.topVia().orElse(null);
        String branch = via == null ? null : via.branch().orElse(null);
        String sentBy = via == null ? "" : via.sentBy();
        if (branch == null || !branch.startsWith("z9hG4bK")) {
            // RFC 2543 peers: no reliable branch; fall back to Call-ID + CSeq
            branch = "2543:" + req.callId() + ":" + req.cseq().map(c -> Long.toString(c.number())).orElse("");
        }
        String method = req.is("ACK") ? "INVITE" : req.method();
        String key = branch + "/" + sentBy + "/" + method;
        Kept kept = servers.get(key);
        ServerTransaction existing = kept == null || !kept.until().isAfter(loop.now()) ? null : kept.tx();
        if (req.is("ACK")) {
            if (existing != null && existing.answered() && existing.lastResponse().status() >= 300) {
                return Optional.empty();
            }
            return Optional.of(new ServerTransaction(req, key, wire));
        }
        if (existing != null) {
            existing.retransmission();
            return Optional.empty();
        }
        ServerTransaction st = new ServerTransaction(req, key, wire);
        // no timer per transaction (a flood of requests would pile up thousands of them, each holding its
        // messages): entries are kept in arrival order, so the expired ones are at the head
        java.time.Instant now = loop.now();
        java.util.Iterator<Map.Entry<String, Kept>> it = servers.entrySet().iterator();
        while (it.hasNext()) {
            Kept k = it.next().getValue();
            if (servers.size() >= MAX_SERVER || !k.until().isAfter(now)) {
                it.remove();
            } else {
                break;
            }
        }
        servers.put(key, new Kept(st, now.plusSeconds(SERVER_KEEP_SECONDS)));
        return Optional.of(st);
    }

    /** The INVITE server transaction a CANCEL targets (same branch, §9.2). */
    public Optional<ServerTransaction> inviteFor(SipRequest cancel) {
        Via via = cancel.topVia().orElse(null);
        if (via == null) {
            return Optional.empty();
        }
        String branch = via.branch().orElse("2543:" + cancel.callId() + ":" + cancel.cseq().map(c -> Long.toString(c.number())).orElse(""));
        Kept k = servers.get(branch + "/" + via.sentBy() + "/INVITE");
        return Optional.ofNullable(k == null ? null : k.tx());
    }

    public int clientCount() {
        return clients.size();
    }
}
