package dialtone.engine;

import dialtone.event.Failure;
import dialtone.event.MediaStats;
import dialtone.media.AudioAnalyzer;
import dialtone.media.MediaPresence;
import dialtone.media.MediaSession;
import dialtone.media.Sdp;
import dialtone.media.WavRecorder;
import dialtone.support.Scheduler;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A call's media without libwebrtc, for unit tests of the call path: it answers at once (an answer's direction the
 * mirror of its offer's, as RFC 3264 asks), keeps the far end's description as applied, records what it was asked to
 * do ({@link #did}), ends with {@link #stats} and {@link #verdict}, and completes {@link #closed} when closed. Given a
 * loop, it runs what the seam says runs on the loop there (posted), as the real one does.
 */
class FakeMedia implements CallMedia, CallAudio {
    static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 AA:BB\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n"
            + "a=setup:actpass\r\n";
    static final String ANSWER = OFFER.replace("actpass", "active");
    /** An answer that takes RFC 4733 telephone-event. */
    static final String ANSWER_WITH_DTMF = ANSWER.replace("SAVPF 111", "SAVPF 111 101")
            .replace("a=sendrecv", "a=rtpmap:101 telephone-event/8000\r\na=sendrecv");

    private final Scheduler loop;
    final List<String> did = new CopyOnWriteArrayList<>();
    /** The offers answered, in order. */
    final List<String> offers = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    MediaStats stats = new MediaStats(500, 0, 500, 40000, 40000, 32, 32, 1, 1, 0.2, "audio/opus");
    Failure verdict;
    MediaPresence presence;
    /** The far end's description as applied: null before the first. */
    volatile String remote;
    /** What the engine says when it does not take DTMF, or null when it does. */
    String dtmfProblem;
    private CompletableFuture<Outcome> ended;

    FakeMedia() {
        this(null);
    }

    FakeMedia(Scheduler loop) {
        this.loop = loop;
    }

    private void onLoop(Runnable r) {
        if (loop == null) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    /** Our answer to {@code offer}: {@link #ANSWER}, its direction the mirror of the offer's. */
    static String answerTo(String offer) {
        String dir = Sdp.audioDirection(offer);
        String mirror = switch (dir == null ? "sendrecv" : dir) {
            case "sendonly" -> "recvonly";
            case "recvonly" -> "sendonly";
            case "inactive" -> "inactive";
            default -> "sendrecv";
        };
        return ANSWER.replace("a=sendrecv", "a=" + mirror);
    }

    @Override
    public CompletableFuture<String> offer() {
        return CompletableFuture.completedFuture(OFFER);
    }

    @Override
    public CompletableFuture<String> answer(String offer) {
        did.add(remote == null ? "answer" : "reanswer");
        offers.add(offer);
        remote = offer;
        return CompletableFuture.completedFuture(answerTo(offer));
    }

    @Override
    public CompletableFuture<Void> acceptAnswer(String answer) {
        did.add("accept");
        remote = answer;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void negotiated() {
        did.add("negotiated");
    }

    @Override
    public boolean dtmf(String tones, int durationMs, int gapMs, Consumer<String> taken) {
        if (remote == null || !Sdp.audioCodecs(remote).toLowerCase(Locale.ROOT).contains("telephone-event")) {
            return false;
        }
        did.add("dtmf " + tones + " " + durationMs + "/" + gapMs);
        String problem = dtmfProblem;
        onLoop(() -> taken.accept(problem));
        return true;
    }

    @Override
    public synchronized CompletableFuture<Outcome> end() {
        if (ended == null) {
            did.add("end");
            ended = new CompletableFuture<>();
            Outcome o = new Outcome(stats, verdict, presence);
            onLoop(() -> ended.complete(o));
        }
        return ended;
    }

    @Override
    public boolean close() {
        did.add("close");
        closed.complete(null);
        return true;
    }

    @Override
    public CallAudio audio() {
        return this;
    }

    @Override
    public void setMuted(boolean muted) {
        did.add(muted ? "mute" : "unmute");
    }

    @Override
    public AudioAnalyzer analyzer() {
        return new AudioAnalyzer(new double[0]);
    }

    @Override
    public WavRecorder recorder() {
        return null;
    }

    @Override
    public CompletableFuture<MediaStats> sample() {
        return CompletableFuture.completedFuture(stats);
    }

    @Override
    public void addTap(MediaSession.AudioTap t) {
    }

    @Override
    public void removeTap(MediaSession.AudioTap t) {
    }

    @Override
    public CompletableFuture<long[]> speak(short[] pcm) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this media cannot send speech"));
    }
}
