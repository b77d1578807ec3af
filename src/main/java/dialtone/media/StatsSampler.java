package dialtone.media;

import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dialtone.event.MediaStats;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads libwebrtc's stats report into typed records: the audio stream's figures ({@link MediaStats}), the
 * selected candidate pair, and the DTLS transport. Keeps the previous sample to turn byte counters into bitrates.
 */
public final class StatsSampler {
    /** The transport and the chosen path, as the stats report tells them. */
    public record Path(String localType, String localProtocol, String localAddress, String remoteType,
                       String remoteAddress, String relayProtocol, double rttMs, String dtlsState, String dtlsRole,
                       String tlsVersion, String dtlsCipher, String srtpCipher, String remoteFingerprint,
                       String remoteCertificate) {
    }

    /** One whole sample: the figures, the path, and the counters media presence is judged on (null before any inbound-rtp). */
    public record Sample(MediaStats media, Path path, MediaPresence.Counters counters) {
        public Sample(MediaStats media, Path path) {
            this(media, path, null);
        }
    }

    /** Sessions open in this process, and when libwebrtc last answered any stats request (System.nanoTime). */
    private static final java.util.concurrent.atomic.AtomicInteger LIVE = new java.util.concurrent.atomic.AtomicInteger();
    private static volatile long lastAnswerNanos = System.nanoTime();
    private static final java.util.concurrent.atomic.AtomicInteger PENDING = new java.util.concurrent.atomic.AtomicInteger();

    static void opened() {
        LIVE.incrementAndGet();
    }

    static void closed() {
        LIVE.decrementAndGet();
    }

    /**
     * How often each call asks for statistics: every second, and less often when many calls share the engine (a
     * stats report costs libwebrtc's signalling thread a few ms; 200 calls asking every second saturated it), so
     * that the process asks about 40 times a second at most.
     */
    public static java.time.Duration interval() {
        return java.time.Duration.ofMillis(Math.max(1000, LIVE.get() * 25L));
    }

    /** Sessions open in this process. */
    public static int live() {
        return LIVE.get();
    }

    /**
     * True when libwebrtc answers no stats request at all, process-wide, for {@code max} while some are pending: the
     * engine is stuck. A busy engine that answers slowly is not.
     */
    public static boolean engineSilentFor(java.time.Duration max) {
        return PENDING.get() > 0 && System.nanoTime() - lastAnswerNanos >= max.toNanos();
    }

    /**
     * Stats requests go through two threads of their own: libwebrtc serves them one at a time on its signalling thread
     * (the JNI call blocks until it is queued there), so more threads only pile up blocked (1,300 threads at 200
     * calls when they shared the native-ops pool).
     */
    private static final java.util.concurrent.ExecutorService ASK = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "media-stats");
        t.setDaemon(true);
        return t;
    });

    private final RTCPeerConnection pc;
    private final AudioAnalyzer analyzer;
    private final MediaSession owner;
    private long lastAt;
    private long lastIn;
    private long lastOut;

    StatsSampler(RTCPeerConnection pc, AudioAnalyzer analyzer, MediaSession owner) {
        this.pc = pc;
        this.analyzer = analyzer;
        this.owner = owner;
    }

    /** Asks libwebrtc for its report on a native-ops thread (never the caller's); completes when the report arrives. */
    public CompletableFuture<Sample> sample() {
        CompletableFuture<Sample> f = new CompletableFuture<>();
        ASK.execute(() -> {
            try {
                boolean asked = owner.alive(() -> {
                    PENDING.incrementAndGet();
                    pc.getStats(report -> {
                        lastAnswerNanos = System.nanoTime();
                        PENDING.decrementAndGet();
                        try {
                            f.complete(read(report));
                        } catch (RuntimeException e) {
                            f.completeExceptionally(e);
                        }
                    });
                    return true;
                }, false);
                if (!asked) {
                    f.completeExceptionally(new MediaException("the media session is closed"));
                }
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private synchronized Sample read(RTCStatsReport report) {
        Map<String, RTCStats> all = report.getStats();
        long pr = -1;
        long pl = -1;
        long ps = -1;
        long br = -1;
        long bs = -1;
        double jitter = -1;
        double rtt = -1;
        String codecId = null;
        String transportId = null;
        long at = report.getTimestamp() > 0 ? report.getTimestamp() / 1000 : System.currentTimeMillis();
        Map<String, Object> inbound = null;
        for (RTCStats s : all.values()) {
            Map<String, Object> a = s.getAttributes();
            if (s.getType() == RTCStatsType.INBOUND_RTP && "audio".equals(str(a.get("kind")))) {
                inbound = a;
                if (s.getTimestamp() > 0) {
                    at = s.getTimestamp() / 1000; // microseconds, the same wall clock as lastPacketReceivedTimestamp
                }
                pr = num(a.get("packetsReceived"));
                pl = num(a.get("packetsLost"));
                br = num(a.get("bytesReceived"));
                jitter = dbl(a.get("jitter")) * 1000;
                codecId = str(a.get("codecId"));
                transportId = str(a.get("transportId"));
            } else if (s.getType() == RTCStatsType.OUTBOUND_RTP && "audio".equals(str(a.get("kind")))) {
                ps = num(a.get("packetsSent"));
                bs = num(a.get("bytesSent"));
                if (transportId == null) {
                    transportId = str(a.get("transportId"));
                }
                if (codecId == null) {
                    codecId = str(a.get("codecId"));
                }
            } else if (s.getType() == RTCStatsType.REMOTE_INBOUND_RTP && a.get("roundTripTime") != null) {
                rtt = dbl(a.get("roundTripTime")) * 1000;
            }
        }
        RTCStats transport = transportId == null ? null : all.get(transportId);
        if (transport == null) {
            transport = all.values().stream().filter(s -> s.getType() == RTCStatsType.TRANSPORT).findFirst().orElse(null);
        }
        Path path = null;
        if (transport != null) {
            Map<String, Object> t = transport.getAttributes();
            RTCStats pair = all.get(str(t.get("selectedCandidatePairId")));
            String lt = null;
            String lp = null;
            String la = null;
            String rt = null;
            String ra = null;
            String relay = null;
            double pairRtt = -1;
            if (pair != null) {
                Map<String, Object> p = pair.getAttributes();
                pairRtt = p.get("currentRoundTripTime") == null ? -1 : dbl(p.get("currentRoundTripTime")) * 1000;
                RTCStats l = all.get(str(p.get("localCandidateId")));
                RTCStats r = all.get(str(p.get("remoteCandidateId")));
                if (l != null) {
                    Map<String, Object> m = l.getAttributes();
                    lt = str(m.get("candidateType"));
                    lp = str(m.get("protocol"));
                    la = addr(m);
                    relay = str(m.get("relayProtocol"));
                    if (relay != null && !"relay".equals(lt)) {
                        lt = "relay"; // libwebrtc can label the relayed local candidate of a pair as prflx
                    }
                }
                if (r != null) {
                    Map<String, Object> m = r.getAttributes();
                    rt = str(m.get("candidateType"));
                    ra = addr(m);
                }
            }
            if (rtt < 0) {
                rtt = pairRtt;
            }
            RTCStats cert = all.get(str(t.get("remoteCertificateId")));
            String fp = cert == null ? null
                    : str(cert.getAttributes().get("fingerprintAlgorithm")) + " " + str(cert.getAttributes().get("fingerprint"));
            path = new Path(lt, lp, la, rt, ra, relay, pairRtt, str(t.get("dtlsState")), str(t.get("dtlsRole")),
                    str(t.get("tlsVersion")), str(t.get("dtlsCipher")), str(t.get("srtpCipher")), fp,
                    cert == null ? null : str(cert.getAttributes().get("base64Certificate")));
        }
        String codec = null;
        RTCStats c = codecId == null ? null : all.get(codecId);
        if (c != null) {
            codec = str(c.getAttributes().get("mimeType"));
        }
        long now = System.nanoTime();
        double inKbps = -1;
        double outKbps = -1;
        if (lastAt > 0 && now > lastAt) {
            double secs = (now - lastAt) / 1e9;
            inKbps = br < 0 ? -1 : Math.max(0, (br - lastIn) * 8 / 1000.0 / secs);
            outKbps = bs < 0 ? -1 : Math.max(0, (bs - lastOut) * 8 / 1000.0 / secs);
        }
        lastAt = now;
        lastIn = Math.max(0, br);
        lastOut = Math.max(0, bs);
        MediaStats m = new MediaStats(pr, pl, ps, br, bs, round(inKbps), round(outKbps), round(jitter), round(rtt),
                round(analyzer.level()), codec);
        MediaPresence.Counters counters = new MediaPresence.Counters(at, pr, ps,
                inbound == null ? -1 : dbl(inbound.get("lastPacketReceivedTimestamp")),
                inbound == null ? -1 : num(inbound.get("concealedSamples")),
                inbound == null ? -1 : num(inbound.get("concealmentEvents")),
                inbound == null ? -1 : num(inbound.get("totalSamplesReceived")),
                inbound == null ? -1 : dbl(inbound.get("totalSamplesDuration")),
                inbound == null ? -1 : num(inbound.get("jitterBufferEmittedCount")),
                inbound == null ? -1 : num(inbound.get("packetsLost")));
        return new Sample(m, path, counters);
    }

    private static String addr(Map<String, Object> m) {
        Object a = m.get("address") != null ? m.get("address") : m.get("ip");
        String host = a == null ? "?" : a.toString().replace("::ffff:", "");
        return host + ":" + (m.get("port") == null ? "?" : m.get("port"));
    }

    private static double round(double v) {
        return v < 0 ? -1 : Math.round(v * 100) / 100.0;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }

    private static double dbl(Object o) {
        return o instanceof Number n ? n.doubleValue() : -1;
    }
}
