package dialtone.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Whether the far end's media was there, judged from what arrived: the stats samples' packet counters and the time of
 * the last packet received, NetEq's concealment counters, the decoded audio's level every 10 ms, and the ICE state.
 * Finds the spans without media (outages) to within a packet time, and judges the packets sent and received in each
 * interval between samples against what the packet time makes.
 *
 * <p>Pure: every input carries its own time (epoch milliseconds), nothing here reads a clock or calls libwebrtc.
 * One owner: its state is the UA loop's (the stats and ICE inputs, the figures and the verdict), and no lock guards it.
 * The one input from another thread, the audio level of each decoded frame (libwebrtc's playout thread), goes into a
 * lock-free queue ({@link #audio}); the owner applies the queued frames, in order, before anything else it does. The
 * owner is the first thread to use it (asserted when assertions are on).
 *
 * <p>The definitions (README, "Media presence"):
 * <ul>
 * <li>no packets: the time from the last packet received before a pause to the first one after it, found from
 * inbound-rtp {@code lastPacketReceivedTimestamp} and {@code packetsReceived} (a pause that falls between two samples
 * is measured by the audio NetEq concealed in that interval, plus one packet time);</li>
 * <li>silence: packets arriving, but the decoded audio below -50 dBFS after the far end had sent continuous audio for
 * {@link #CONTINUOUS_MS} (a tone, an echo; speech has pauses and never arms this), until its audio comes back (a
 * silence that lasts until the call ends is the far end's choice, not a hole);</li>
 * <li>ICE disconnected, and relay lost (the TURN server of a relayed path stopped answering);</li>
 * <li>overlapping spans are one outage; its cause is the strongest of them: relay lost, no packets, ICE
 * disconnected, silence.</li>
 * </ul>
 * An outage of {@link #OUTAGE_MS} or more fails the call (media layer); from {@link #GLITCH_MS} it is a warning.
 */
public final class MediaPresence {
    /** An outage this long fails the call. */
    public static final long OUTAGE_MS = 1000;
    /**
     * What a measured length must reach to fail: 1 s less what the measure may miss (the end of a pause is known to
     * within half a fast sampling interval, 50 ms), so that an outage of 1 s always fails.
     */
    public static final long FAILS_FROM_MS = OUTAGE_MS - 50;
    /** Shorter than this is not reported at all (jitter, a late burst). */
    public static final long GLITCH_MS = 200;
    /** The packets of the whole call against what the packet time makes: less fails the call. */
    public static final double CALL_MIN = 0.95;
    /** The packets of any one second (one stats interval) against what the packet time makes: less fails the call. */
    public static final double SECOND_MIN = 0.80;
    /**
     * Continuous audio for this long arms the silence detector (a prompt tone of a few seconds, a ringback cadence of
     * 2 s on, do not: the silence after them is the far end's design).
     */
    public static final long CONTINUOUS_MS = 5000;
    /** A dip in the audio shorter than this does not break "continuous". */
    static final long DIP_MS = 150;
    /** A pause between two samples closer together than this is not looked for by its missing packets. */
    static final long MIN_INTERVAL_MS = 500;
    /** Samples this close together are the fast ones taken while a pause is open (WebRtcMedia: every 100 ms). */
    static final long FAST_WINDOW_MS = 250;
    /** Packet rates are judged over intervals of about a second (at least this long). */
    static final long JUDGE_MS = 900;

    /** Causes, strongest first. */
    public enum Cause {
        RELAY_LOST("relay-lost", "the TURN relay of the media path stopped answering"),
        NO_PACKETS("no-packets", "no RTP packet arrived"),
        ICE_DISCONNECTED("ice-disconnected", "ICE was disconnected"),
        SILENCE("silence", "packets arrived but carried silence where the far end had been sending audio");

        public final String wire;
        public final String words;

        Cause(String wire, String words) {
            this.wire = wire;
            this.words = words;
        }
    }

    /** A span without media. {@code ongoing} when the call ended inside it. */
    public record Outage(long startMs, long endMs, Cause cause, boolean ongoing, long iceDisconnectedMs) {
        public long lengthMs() {
            return endMs - startMs;
        }

        public boolean fails() {
            return lengthMs() >= FAILS_FROM_MS;
        }
    }

    /**
     * The counters of one stats sample (-1 when libwebrtc did not report one). {@code packetsLost}: the far end's
     * packets missing by their RTP sequence numbers (inbound-rtp).
     */
    public record Counters(long atMs, long packetsReceived, long packetsSent, double lastPacketReceivedMs,
                           long concealedSamples, long concealmentEvents, long totalSamplesReceived,
                           double totalSamplesDuration, long jitterBufferEmitted, long packetsLost) {
        /** Without the sequence numbers' count of lost packets. */
        public Counters(long atMs, long packetsReceived, long packetsSent, double lastPacketReceivedMs,
                        long concealedSamples, long concealmentEvents, long totalSamplesReceived,
                        double totalSamplesDuration, long jitterBufferEmitted) {
            this(atMs, packetsReceived, packetsSent, lastPacketReceivedMs, concealedSamples, concealmentEvents,
                    totalSamplesReceived, totalSamplesDuration, jitterBufferEmitted, -1);
        }
    }

    /** One interval between two samples: packets counted and expected (-1 when that direction is not judged). */
    public record Interval(long fromMs, long toMs, long received, long sent, double expectedReceived,
                           double expectedSent) {
    }

    /** What the far end and the SDP say to expect. */
    public record Expect(boolean receive, boolean send, boolean dtxIn, boolean dtxOut, int ptimeInMs, int ptimeOutMs) {
        public static final Expect DEFAULT = new Expect(true, true, false, false, 20, 20);
    }

    /**
     * The call's media figures: percentages of the packets the packet time makes (-1: not judged), the worst interval,
     * the outages, and what the MOS counts as missing.
     */
    public record Figures(double expectedPerSecondIn, double expectedPerSecondOut, double receivedPct, double sentPct,
                          double worstSecondReceivedPct, double worstSecondSentPct, int secondsJudged,
                          long packetsExpected, long packetsMissing, int outages, long outageMs, long longestOutageMs,
                          String notJudged) {
    }

    /**
     * What the far end's SDP says to expect: its audio direction (recvonly or inactive: it sends nothing; sendonly or
     * inactive: it takes nothing, so we send nothing), DTX (Opus {@code usedtx=1} on the codec it lists first: libwebrtc
     * then sends fewer packets in silence, and such a far end is taken to do the same) and its {@code a=ptime} (what
     * libwebrtc packs ours at, and the far end's until its own is measured). Comfort noise (CN) in an SDP is not taken
     * as DTX: libwebrtc offers it to every far end.
     */
    public static Expect fromSdp(String sdp) {
        if (sdp == null || sdp.isBlank()) {
            return Expect.DEFAULT;
        }
        String sessionDir = null;
        String dir = null;
        String first = null;
        String opus = null;
        String fmtp = null;
        int ptime = -1;
        boolean inAudio = false;
        boolean seenAudio = false;
        for (String raw : sdp.split("\r?\n")) {
            String l = raw.trim();
            if (l.startsWith("m=")) {
                inAudio = !seenAudio && l.startsWith("m=audio ");
                if (inAudio) {
                    seenAudio = true;
                    String[] f = l.split(" ");
                    first = f.length > 3 ? f[3] : null;
                }
                continue;
            }
            boolean session = !seenAudio;
            if (!session && !inAudio) {
                continue;
            }
            String d = switch (l) {
                case "a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive" -> l.substring(2);
                default -> null;
            };
            if (d != null) {
                if (session) {
                    sessionDir = d;
                } else {
                    dir = d;
                }
            } else if (inAudio && first != null && l.toLowerCase(java.util.Locale.ROOT).startsWith("a=rtpmap:" + first + " opus/")) {
                opus = first;
            } else if (inAudio && first != null && l.startsWith("a=fmtp:" + first + " ")) {
                fmtp = l.substring(("a=fmtp:" + first + " ").length()).replace(" ", "");
            } else if (l.startsWith("a=ptime:")) {
                try {
                    ptime = (int) Math.round(Double.parseDouble(l.substring(8).trim()));
                } catch (NumberFormatException e) {
                    ptime = -1;
                }
            }
        }
        String direction = dir != null ? dir : sessionDir != null ? sessionDir : "sendrecv";
        boolean dtx = opus != null && fmtp != null && (";" + fmtp + ";").contains(";usedtx=1;");
        int p = ptime >= 10 && ptime <= 120 ? ptime : 20;
        return new Expect(!direction.equals("recvonly") && !direction.equals("inactive"),
                !direction.equals("sendonly") && !direction.equals("inactive"), dtx, dtx, p, p);
    }

    private Expect expect = Expect.DEFAULT;
    // packets
    private Counters prev;
    private long baseIn = -1;      // packetsReceived at the first sample that had any
    private long baseOut = -1;
    private long baseInAt = Long.MAX_VALUE;
    private long baseOutAt = Long.MAX_VALUE;
    private Counters anchor;        // where the interval being counted for packet rates began
    private double lastPacketMs = -1;
    private long gapStart = -1;    // an open no-packet span (from the last packet before it), or -1
    private double ptimeSeen = -1; // the far end's packet time, from NetEq's samples per packet
    private final List<Interval> intervals = new ArrayList<>();
    // audio level
    private long audibleSince = -1;
    private long lastAudible = -1;
    private long silentSince = -1;
    private boolean armed;
    // ICE
    private long iceDownSince = -1;
    private boolean iceUp;
    // relay
    private long relayLostSince = -1;
    // spans: closed (waiting for the others that overlap them to close) and emitted
    private record Span(long start, long end, Cause cause) {
    }

    private final List<Span> pending = new ArrayList<>();
    private final List<Outage> outages = new ArrayList<>();
    private final List<Outage> fresh = new ArrayList<>();
    private boolean finished;
    private long endMs = -1;

    /** What to expect from now on (the SDP changed, hold, resume). A direction no longer expected closes its spans uncounted. */
    public void expect(Expect e) {
        own();
        if (!e.receive() && expect.receive()) {
            gapStart = -1;
            silentSince = -1;
            armed = false;
            audibleSince = -1;
            baseIn = -1; // counted again from the next sample with packets
            baseInAt = Long.MAX_VALUE;
        }
        expect = e;
    }

    public Expect expectation() {
        own();
        return expect;
    }

    private String sentNotJudged;

    /** What we send is not judged, for {@code why} (our counters cannot be trusted to the second). */
    public void dontJudgeSent(String why) {
        own();
        sentNotJudged = why;
    }

    private boolean learnPtime = true;

    /**
     * The far end's packet time is taken from its SDP (else 20 ms), not learned from the jitter buffer's counters: with
     * the sound card's module the playout pulls in bursts, so the samples emitted lag the packets received and the
     * estimate comes out short (10 ms for a 20 ms far end: CallIT's microphone call judged 75 % of 100/s).
     */
    public void dontLearnPtime() {
        own();
        learnPtime = false;
        ptimeSeen = -1;
    }

    /** One stats sample. */
    public void sample(Counters c) {
        own();
        if (finished) {
            return;
        }
        Counters p = prev;
        prev = c;
        learnPtime(c);
        if (p == null) {
            anchor = c;
            if (c.packetsReceived() > 0) {
                baseIn = c.packetsReceived();
                baseInAt = c.atMs();
                lastPacketMs = c.lastPacketReceivedMs();
            }
            if (c.packetsSent() > 0) {
                baseOut = c.packetsSent();
                baseOutAt = c.atMs();
            }
            return;
        }
        long n = c.packetsReceived() - Math.max(0, p.packetsReceived());
        double dt = packetTime();
        long len = c.atMs() - p.atMs();
        boolean gapWasOpen = gapStart >= 0;
        boolean opened = false;
        if (expect.receive() && baseIn >= 0) {
            if (n > 0) {
                double last = c.lastPacketReceivedMs() > 0 ? c.lastPacketReceivedMs() : c.atMs();
                if (gapStart >= 0) {
                    // the first packet after the pause: the last one less the packets between, when they fit after the
                    // previous sample; more than fit came in a burst (a sender letting out what it held), and the first
                    // of them is taken halfway between the two samples
                    // (between two fast samples the first is not taken earlier than halfway either: the error is then
                    // within half the fast interval whichever way the packets came)
                    double byCount = last - (n - 1) * dt;
                    double half = p.atMs() + (Math.min(last, c.atMs()) - p.atMs()) / 2.0;
                    long first = Math.round(byCount < p.atMs() ? half
                            : c.atMs() - p.atMs() <= FAST_WINDOW_MS ? Math.min(last, Math.max(byCount, half))
                            : Math.min(last, byCount));
                    span(gapStart, first, Cause.NO_PACKETS);
                    gapStart = -1;
                }
                lastPacketMs = last;
                if (c.atMs() - last >= openAfter(dt)) {
                    gapStart = Math.round(last);
                    opened = true;
                }
            } else if (gapStart < 0 && lastPacketMs > 0) {
                gapStart = Math.round(lastPacketMs);
                opened = true;
            }
            if (!gapWasOpen && !opened && n > 0 && len >= MIN_INTERVAL_MS) {
                inInterval(p, c, n, dt);
            }
        } else if (c.packetsReceived() > 0 && expect.receive() && baseIn < 0) {
            baseIn = c.packetsReceived();
            baseInAt = c.atMs();
            lastPacketMs = c.lastPacketReceivedMs();
            // the packet rates are judged from here: an interval begun before the first packet would leave the
            // received side unjudged until the next one (a capped call's 2 s of media went unjudged that way)
            anchor = c;
        }
        if (baseOut < 0 && c.packetsSent() > 0 && expect.send()) {
            baseOut = c.packetsSent();
            baseOutAt = c.atMs();
        }
        // packet rates over about a second: samples taken closer together (while a pause is open) are added up
        Counters a = anchor;
        long alen = c.atMs() - a.atMs();
        if (alen >= JUDGE_MS) {
            anchor = c;
            boolean judgeIn = expect.receive() && baseIn >= 0 && a.atMs() >= baseInAt && a.packetsReceived() >= 0;
            boolean judgeOut = expect.send() && sentNotJudged == null && baseOut >= 0 && a.atMs() >= baseOutAt
                    && a.packetsSent() >= 0;
            if (judgeIn || judgeOut) {
                addInterval(a, c, alen, alen, judgeIn, judgeOut);
            }
        }
        settle();
    }

    /**
     * One judged interval from {@code a} to {@code c}: {@code inMs} and {@code outMs} of it expected to carry packets
     * each way, at the packet time. (The packets lost by sequence number are not added per interval: a pause's lost
     * packets are counted when the first packet after it arrives, in the interval after the one it began in, and a
     * glitch of 0.5 s made that second short of packets twice over.)
     */
    private void addInterval(Counters a, Counters c, long inMs, long outMs, boolean judgeIn, boolean judgeOut) {
        long n = Math.max(0, c.packetsReceived() - Math.max(0, a.packetsReceived()));
        double eIn = judgeIn && !expect.dtxIn() ? inMs / ptimeIn() : -1;
        double eOut = judgeOut && !expect.dtxOut() ? outMs / (double) expect.ptimeOutMs() : -1;
        if (eIn >= 0 || eOut >= 0) {
            intervals.add(new Interval(a.atMs(), c.atMs(), n, Math.max(0, c.packetsSent() - Math.max(0, a.packetsSent())),
                    eIn, eOut));
        }
    }

    /**
     * A pause that began and ended between two samples: the packets missing from the interval (its length against the
     * packets counted) make its length, when NetEq concealed about as much audio in few concealment events (one pause,
     * not scattered loss, and not a far end in DTX, whose comfort noise is not concealment).
     */
    private void inInterval(Counters p, Counters c, long n, double dt) {
        if (c.concealedSamples() < 0 || p.concealedSamples() < 0 || c.totalSamplesDuration() <= p.totalSamplesDuration()) {
            return;
        }
        double rate = (c.totalSamplesReceived() - p.totalSamplesReceived()) / (c.totalSamplesDuration() - p.totalSamplesDuration());
        if (rate < 4000) {
            return;
        }
        double concealedMs = (c.concealedSamples() - p.concealedSamples()) / rate * 1000;
        long events = c.concealmentEvents() - p.concealmentEvents();
        long len = c.atMs() - p.atMs();
        double gap;
        if (p.lastPacketReceivedMs() > 0 && c.lastPacketReceivedMs() > p.lastPacketReceivedMs()) {
            // the n packets counted arrived after the previous sample's last packet, the last of them at this sample's
            // last packet: their span is measured by arrival times, not by the samples' timestamps. A report's
            // timestamp is taken when libwebrtc starts collecting it and its counters are read later, on its worker
            // thread; on a busy machine that is hundreds of milliseconds, and a span taken between two such stamps
            // made 0.7 s "outages" out of packets that arrived every 20 ms on the wire (a capture on lo showed them)
            gap = c.lastPacketReceivedMs() - p.lastPacketReceivedMs() - n * dt + dt;
        } else {
            // the part of the pause before the previous sample, too short then to call it open
            double before = p.lastPacketReceivedMs() > 0 ? Math.max(0, p.atMs() - p.lastPacketReceivedMs() - dt) : 0;
            gap = len - n * dt + dt + before;
        }
        // (NetEq's concealment is not the measure: when the far end paused, its RTP timestamps go on where they stopped
        // and NetEq books most of the pause as delayed-packet outage instead; it only tells a pause from jitter)
        if (gap >= GLITCH_MS && !expect.dtxIn() && events <= 3 && (events >= 1 || concealedMs >= 50)) {
            long g = Math.round(gap);
            long mid = p.lastPacketReceivedMs() > 0 && c.lastPacketReceivedMs() > p.lastPacketReceivedMs()
                    ? Math.round((p.lastPacketReceivedMs() + c.lastPacketReceivedMs()) / 2) : p.atMs() + len / 2;
            span(mid - g / 2, mid - g / 2 + g, Cause.NO_PACKETS);
        }
    }

    /** How long without a packet before a sample calls the pause open. */
    private double openAfter(double dt) {
        if (expect.dtxIn()) {
            return 450;
        }
        return Math.max(50, 2 * dt + 10);
    }

    /** The far end's packet time is learned only from a stream that lost at most this share of its packets. */
    static final double LEARN_MAX_LOSS = 0.02;

    private void learnPtime(Counters c) {
        if (!learnPtime || ptimeSeen > 0) {
            return;
        }
        // NetEq's samples emitted per packet received: a lost packet that Opus FEC (or RED) recovers from the next one
        // adds samples without a packet, so a lossy stream reads long (a 20 ms far end losing half its packets read
        // 40 ms and was judged against 25/s). Learned once, from a clean stream, and kept: the counters are cumulative,
        // and packets that arrive in a burst after a hold (a process that stood still, a queue that let go) are
        // counted received while NetEq discards most of them, so the ratio then reads short for the rest of the call
        // (a 20 ms far end read 10 ms after dialtone stood still for 4 s, and was judged against 100/s).
        boolean clean = c.packetsLost() < 0 || c.packetsLost() <= LEARN_MAX_LOSS * (c.packetsLost() + c.packetsReceived());
        if (clean && c.jitterBufferEmitted() > 0 && c.packetsReceived() > 20 && c.totalSamplesDuration() > 1) {
            double rate = c.totalSamplesReceived() / c.totalSamplesDuration();
            double ms = c.jitterBufferEmitted() / (double) c.packetsReceived() / rate * 1000;
            for (int std : new int[] {10, 20, 30, 40, 60, 80, 100, 120}) {
                if (Math.abs(ms - std) <= std * 0.12) {
                    ptimeSeen = std;
                    return;
                }
            }
        }
    }

    /** The far end's packet time: measured (NetEq's samples per packet), else its SDP's, else 20 ms. */
    private double ptimeIn() {
        return ptimeSeen > 0 ? ptimeSeen : expect.ptimeInMs() > 0 ? expect.ptimeInMs() : 20;
    }

    private double packetTime() {
        return ptimeIn();
    }

    /** Frames queued by the playout thread, not yet applied (bounded: beyond it the oldest one a minute is dropped). */
    private final java.util.concurrent.ConcurrentLinkedQueue<long[]> frames = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    static final int MAX_QUEUED = 6000;
    /** Set by the owner when the call is finished: frames after it are not queued at all. */
    private volatile boolean closed;
    private Thread owner;

    /**
     * One decoded 10 ms frame's RMS (0..1), at its playout time. From any thread (the playout thread): queued, never
     * blocks; applied by the owner's next call.
     */
    public void audio(long atMs, double rms) {
        if (closed) {
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) { // the owner stopped looking: keep the last minute
            frames.poll();
            queued.decrementAndGet();
        }
        frames.add(new long[] {atMs, Double.doubleToRawLongBits(rms)});
    }

    /** The owner's first step in every call: applies the queued frames, in the order they came. */
    private void own() {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        assert owner == Thread.currentThread() : "MediaPresence is owned by " + owner.getName() + ", not "
                + Thread.currentThread().getName();
        long[] f;
        while ((f = frames.poll()) != null) {
            queued.decrementAndGet();
            applyAudio(f[0], Double.longBitsToDouble(f[1]));
        }
    }

    private void applyAudio(long atMs, double rms) {
        if (finished || !expect.receive()) {
            return;
        }
        boolean audible = rms > AudioAnalyzer.SILENCE_RMS;
        if (quietNow) {
            return;
        }
        if (audible) {
            if (audibleSince < 0 || atMs - lastAudible > DIP_MS) {
                audibleSince = atMs;
            }
            lastAudible = atMs;
            if (atMs - audibleSince >= CONTINUOUS_MS) {
                armed = true;
            }
            if (silentSince >= 0) {
                span(silentSince, atMs, Cause.SILENCE);
                silentSince = -1;
                settle();
            }
        } else if (armed && silentSince < 0 && lastAudible >= 0 && atMs - lastAudible >= DIP_MS) {
            silentSince = lastAudible + 10;
            armed = false;
            audibleSince = -1;
        }
    }

    /**
     * We stopped sending audio (muted, true) or sent it again (false): a far end that echoes us goes silent with us, so
     * the silence detector is disarmed until the far end's audio has been continuous again for {@link #CONTINUOUS_MS}.
     */
    public void quiet(long atMs, boolean quiet) {
        own();
        armed = false;
        silentSince = -1;
        audibleSince = -1;
        quietNow = quiet;
    }

    private boolean quietNow;

    /** The ICE connection state changed (libwebrtc's names). */
    public void iceState(long atMs, String state) {
        own();
        if (finished) {
            return;
        }
        if (state.equals("connected") || state.equals("completed")) {
            if (iceDownSince >= 0) {
                span(iceDownSince, atMs, Cause.ICE_DISCONNECTED);
                iceDownSince = -1;
            }
            iceUp = true;
        } else if ((state.equals("disconnected") || state.equals("failed")) && iceUp && iceDownSince < 0) {
            iceDownSince = atMs;
        }
        settle();
    }

    /** The TURN server of the selected (relayed) path stopped answering at {@code atMs}; {@code -1}: it answers again. */
    public void relay(long atMs, boolean lost) {
        own();
        if (finished) {
            return;
        }
        if (lost && relayLostSince < 0) {
            relayLostSince = atMs;
        } else if (!lost && relayLostSince >= 0) {
            span(relayLostSince, atMs, Cause.RELAY_LOST);
            relayLostSince = -1;
            settle();
        }
    }

    /**
     * The call ended (its BYE or CANCEL, or the far end's): spans still open end here. {@code last} is a sample taken at
     * or after the end (or null): a pause that began after the last periodic sample shows in its last-packet time.
     */
    public void finish(long atMs, Counters last) {
        own();
        if (finished) {
            return;
        }
        endMs = atMs;
        closed = true;
        if (last != null && expect.receive() && baseIn >= 0 && gapStart < 0) {
            double lp = last.lastPacketReceivedMs();
            if (lp > 0 && lp < atMs && atMs - lp >= openAfter(packetTime())) {
                gapStart = Math.round(lp);
            }
        }
        finalInterval(atMs, last);
        if (gapStart >= 0 && expect.receive()) {
            // without a sample at the end, what came after the last one is not known: the pause is judged up to it
            tail(gapStart, last != null || prev == null ? atMs : Math.min(atMs, prev.atMs()), Cause.NO_PACKETS);
        }
        // a silence that lasts until the end is not counted: a far end may stop its audio on purpose (an IVR waiting
        // for a digit); one that the audio ended is a hole in a stream, and counts
        silentSince = -1;
        if (iceDownSince >= 0) {
            tail(iceDownSince, atMs, Cause.ICE_DISCONNECTED);
        }
        if (relayLostSince >= 0) {
            tail(relayLostSince, atMs, Cause.RELAY_LOST);
        }
        gapStart = silentSince = iceDownSince = relayLostSince = -1;
        finished = true;
        settle();
    }

    /**
     * The packets from the last judged interval to the end, when there is half a second of it: a call of two seconds
     * is judged on all of its media, not on the one full interval it had. The received side up to its last packet (a
     * far end that stops just before hanging up is not missing packets; a pause up to the end is judged as one).
     */
    private void finalInterval(long endAt, Counters last) {
        Counters a = anchor;
        if (last == null || a == null || last == a) {
            return;
        }
        long outMs = Math.min(endAt, last.atMs()) - a.atMs();
        long inMs = -1;
        if (last.lastPacketReceivedMs() > 0) {
            inMs = Math.min(endAt, Math.round(last.lastPacketReceivedMs())) - a.atMs();
        }
        boolean judgeIn = expect.receive() && baseIn >= 0 && a.atMs() >= baseInAt && a.packetsReceived() >= 0
                && inMs >= MIN_INTERVAL_MS && last.packetsReceived() >= 0;
        boolean judgeOut = expect.send() && sentNotJudged == null && baseOut >= 0 && a.atMs() >= baseOutAt
                && a.packetsSent() >= 0 && outMs >= MIN_INTERVAL_MS && last.packetsSent() >= 0;
        if (judgeIn || judgeOut) {
            addInterval(a, last, inMs, outMs, judgeIn, judgeOut);
        }
    }

    /** A span cut by the end of the call counts only when it is an outage by itself (a far end hanging up is not a glitch). */
    private void tail(long start, long end, Cause cause) {
        if (end - start >= FAILS_FROM_MS) {
            pending.add(new Span(start, end, cause));
            ongoingEnd = end;
        }
    }

    private long ongoingEnd = -1;

    private void span(long start, long end, Cause cause) {
        if (end > start) {
            pending.add(new Span(start, end, cause));
        }
    }

    /** When no span is open, the closed ones become outages (overlapping spans merged). */
    private void settle() {
        boolean open = gapStart >= 0 || silentSince >= 0 || iceDownSince >= 0 || relayLostSince >= 0;
        if (open || pending.isEmpty()) {
            return;
        }
        pending.sort(Comparator.comparingLong(Span::start));
        List<List<Span>> groups = new ArrayList<>();
        long groupEnd = Long.MIN_VALUE;
        for (Span s : pending) {
            if (groups.isEmpty() || s.start() > groupEnd) {
                groups.add(new ArrayList<>());
                groupEnd = s.end();
            } else {
                groupEnd = Math.max(groupEnd, s.end());
            }
            groups.get(groups.size() - 1).add(s);
        }
        pending.clear();
        for (List<Span> g : groups) {
            Outage o = merge(g);
            if (o != null && o.lengthMs() >= GLITCH_MS) {
                outages.add(o);
                fresh.add(o);
            }
        }
    }

    private Outage merge(List<Span> g) {
        // the far end's packets are the truth when they were measured: a silence inside a packet gap is the gap's own
        // tail (NetEq's concealment fading out), an ICE state change lags the packets by seconds
        List<Span> packets = g.stream().filter(s -> s.cause() == Cause.NO_PACKETS).toList();
        List<Span> basis = packets.isEmpty() ? g : packets;
        long start = basis.stream().mapToLong(Span::start).min().orElseThrow();
        long end = basis.stream().mapToLong(Span::end).max().orElseThrow();
        Cause cause = basis.get(0).cause();
        for (Span s : g) {
            if (s.cause().ordinal() < cause.ordinal() && s.cause() != Cause.SILENCE) {
                cause = s.cause();
            }
        }
        if (packets.isEmpty()) {
            cause = g.stream().map(Span::cause).min(Comparator.naturalOrder()).orElseThrow();
        }
        long ice = g.stream().filter(s -> s.cause() == Cause.ICE_DISCONNECTED).mapToLong(s -> s.end() - s.start()).sum();
        boolean ongoing = ongoingEnd >= 0 && end == ongoingEnd;
        return new Outage(start, end, cause, ongoing, ice);
    }

    /** Since when (epoch ms) no packet has arrived, as the last sample saw it; -1 when packets arrive. */
    public long noPacketsSince() {
        own();
        return gapStart;
    }

    /** Outages found since the last call (to publish as they happen). */
    public List<Outage> drain() {
        own();
        List<Outage> out = List.copyOf(fresh);
        fresh.clear();
        return out;
    }

    public List<Outage> outages() {
        own();
        return List.copyOf(outages);
    }

    public List<Interval> intervals() {
        own();
        return List.copyOf(intervals);
    }

    /** The packets the far end should have sent so far (judged intervals), or -1 when not judged. */
    public long packetsExpectedSoFar() {
        own();
        double e = 0;
        boolean any = false;
        for (Interval i : intervals) {
            if (i.expectedReceived() >= 0) {
                e += i.expectedReceived();
                any = true;
            }
        }
        return any ? Math.round(e) : -1;
    }

    /**
     * The call's figures. An interval's deficit made up by the next one's surplus is packets arriving late in a burst,
     * not packets missing: it counts as carried.
     */
    public Figures figures() {
        own();
        double[] in = ratios(true);
        double[] out = ratios(false);
        long expected = Math.round(in[2]);
        long missing = Math.max(0, Math.round(in[2] - in[3]));
        long outageMs = 0;
        long longest = 0;
        for (Outage o : outages) {
            outageMs += o.lengthMs();
            longest = Math.max(longest, o.lengthMs());
        }
        // an outage outside the judged intervals still counts as missing packets
        long outagePackets = Math.round(outageMs / ptimeIn());
        missing = Math.max(missing, expect.receive() ? outagePackets : 0);
        List<String> not = new ArrayList<>();
        if (!expect.receive()) {
            not.add("received: the far end does not send (SDP)");
        } else if (expect.dtxIn()) {
            not.add("received: DTX negotiated (usedtx)");
        }
        if (sentNotJudged != null) {
            not.add("sent: " + sentNotJudged);
        } else if (!expect.send()) {
            not.add("sent: the far end does not receive (SDP)");
        } else if (expect.dtxOut()) {
            not.add("sent: DTX negotiated (usedtx)");
        }
        int judged = (int) intervals.stream().filter(i -> i.expectedReceived() >= 0 || i.expectedSent() >= 0).count();
        return new Figures(expect.receive() && !expect.dtxIn() ? round(1000 / ptimeIn()) : -1,
                expect.send() && !expect.dtxOut() && sentNotJudged == null ? round(1000.0 / expect.ptimeOutMs()) : -1,
                in[0], out[0], in[1], out[1], judged, in[2] > 0 ? expected : -1, missing, outages.size(), outageMs, longest,
                not.isEmpty() ? null : String.join("; ", not));
    }

    /** {call %, worst interval %, expected, counted} for one direction; -1 when nothing was judged. */
    private double[] ratios(boolean received) {
        List<Interval> l = new ArrayList<>();
        for (Interval i : intervals) {
            if ((received ? i.expectedReceived() : i.expectedSent()) > 0) {
                l.add(i);
            }
        }
        if (l.isEmpty()) {
            return new double[] {-1, -1, 0, 0};
        }
        double expected = 0;
        double expectedBeside = 0;
        double counted = 0;
        double worst = Double.MAX_VALUE;
        for (int k = 0; k < l.size(); k++) {
            Interval i = l.get(k);
            double e = received ? expectedBesideGlitches(i) : i.expectedSent();
            double c = received ? i.received() : i.sent();
            expected += received ? i.expectedReceived() : e;
            expectedBeside += e;
            counted += c;
            double carried = c;
            if (k + 1 < l.size() && l.get(k + 1).fromMs() == i.toMs()) {
                Interval next = l.get(k + 1);
                double ne = received ? expectedBesideGlitches(next) : next.expectedSent();
                double nc = received ? next.received() : next.sent();
                carried += Math.max(0, nc - ne);
            }
            if (k > 0 && l.get(k - 1).toMs() == i.fromMs()) {
                // the surplus lent to the previous interval is not counted twice
                Interval pv = l.get(k - 1);
                double pe = received ? expectedBesideGlitches(pv) : pv.expectedSent();
                double pc = received ? pv.received() : pv.sent();
                double lent = Math.min(Math.max(0, c - e), Math.max(0, pe - pc));
                carried -= lent;
            }
            worst = Math.min(worst, Math.min(1, Math.max(0, carried) / e));
        }
        // the call's share beside its glitches: a glitch is judged as one (a warning; too many of them fail together)
        return new double[] {round(100 * Math.min(1, counted / Math.max(1, expectedBeside))), round(100 * Math.max(0, worst)),
                expected, counted};
    }

    /**
     * The packets an interval should have had, less those of the glitches (outages under {@link #OUTAGE_MS}) in it: a
     * glitch is judged as one (a warning), not as a second short of packets; the call's share still counts it.
     */
    private double expectedBesideGlitches(Interval i) {
        double e = i.expectedReceived();
        for (Outage o : outages) {
            if (!o.fails()) {
                long overlap = Math.min(o.endMs(), i.toMs()) - Math.max(o.startMs(), i.fromMs());
                if (overlap > 0) {
                    e -= overlap / ptimeIn();
                }
            }
        }
        return Math.max(1, e);
    }

    /**
     * Glitches (outages under 1 s) are warnings one by one, but not without end: together they may not reach 1 s, or 5 %
     * of the judged call if that is more. True when they do (the call fails as for an outage).
     */
    public boolean glitchesAddUp() {
        own();
        return glitchMs() >= Math.max(FAILS_FROM_MS, 0.05 * judgedMs());
    }

    private long glitchMs() {
        long g = 0;
        for (Outage o : outages) {
            g += o.fails() ? 0 : o.lengthMs();
        }
        return g;
    }

    private long judgedMs() {
        long ms = 0;
        for (Interval i : intervals) {
            ms += i.expectedReceived() >= 0 ? i.toMs() - i.fromMs() : 0;
        }
        return ms;
    }

    /** Why the media failed by these figures, or null. */
    public String failure() {
        own();
        Figures f = figures();
        for (Outage o : outages) {
            if (o.fails()) {
                return describe(o);
            }
        }
        // the packet rates before the glitches: a starved link (a bandwidth cap) makes both, and "received 41 % of the
        // packets" is what happened; the glitches of a far end that drops out now and then leave its rates whole
        String rates = rates(f);
        if (rates != null) {
            return rates;
        }
        if (glitchesAddUp()) {
            long n = outages.stream().filter(o -> !o.fails()).count();
            return String.format(java.util.Locale.ROOT, "media outages of %.2f s in all: %d glitches under 1 s each (they may"
                    + " add up to 1 s, or 5 %% of the call)", glitchMs() / 1000.0, n);
        }
        return null;
    }

    /** True when what fails the call is its glitches adding up (an outage), not one outage nor its packet rates. */
    public boolean failsOnGlitches() {
        own();
        return outages.stream().noneMatch(Outage::fails) && rates(figures()) == null && glitchesAddUp();
    }

    private static String rates(Figures f) {
        List<String> why = new ArrayList<>();
        rate(why, "received", f.receivedPct(), f.worstSecondReceivedPct(), f.expectedPerSecondIn());
        rate(why, "sent", f.sentPct(), f.worstSecondSentPct(), f.expectedPerSecondOut());
        return why.isEmpty() ? null : "packets " + String.join("; ", why);
    }

    private static void rate(List<String> why, String dir, double pct, double worst, double perSecond) {
        if (pct >= 0 && (pct < CALL_MIN * 100 || worst < SECOND_MIN * 100)) {
            why.add(String.format(java.util.Locale.ROOT, "%s %.0f %% of the %.0f/s its packet time makes over the call,"
                    + " %.0f %% in its worst second (a call needs %.0f %% and every second %.0f %%)", dir, pct, perSecond,
                    worst, CALL_MIN * 100, SECOND_MIN * 100));
        }
    }

    /** One outage in words: "no RTP packet arrived for 3.02 s from 12:00:01.234 (ICE disconnected 1.2 s of it)". */
    public static String describe(Outage o) {
        String s = String.format(java.util.Locale.ROOT, "media outage of %.2f s: %s", o.lengthMs() / 1000.0, o.cause().words);
        if (o.iceDisconnectedMs() > 0 && o.cause() != Cause.ICE_DISCONNECTED) {
            s += String.format(java.util.Locale.ROOT, " (ICE disconnected %.1f s of it)", o.iceDisconnectedMs() / 1000.0);
        }
        if (o.ongoing()) {
            s += " until the call ended";
        }
        return s;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
