package dialtone.engine;

import dialtone.event.Failure;
import dialtone.event.MediaStats;
import dialtone.media.AudioAnalyzer;
import dialtone.media.MediaSession;
import dialtone.media.WavRecorder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A call's media without libwebrtc, for unit tests of the call path: it answers at once, records what it was asked
 * to do ({@link #did}), and completes {@link #closed} when closed.
 */
class FakeMedia implements CallMedia {
    static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 AA:BB\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n"
            + "a=setup:actpass\r\n";
    static final String ANSWER = OFFER.replace("actpass", "active");
    /** An answer that takes RFC 4733 telephone-event. */
    static final String ANSWER_WITH_DTMF = ANSWER.replace("SAVPF 111", "SAVPF 111 101")
            .replace("a=sendrecv", "a=rtpmap:101 telephone-event/8000\r\na=sendrecv");

    final List<String> did = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    MediaStats stats = new MediaStats(500, 0, 500, 40000, 40000, 32, 32, 1, 1, 0.2, "audio/opus");
    Failure verdict;
    String remote = ANSWER;

    @Override
    public CompletableFuture<String> offer() {
        return CompletableFuture.completedFuture(OFFER);
    }

    @Override
    public CompletableFuture<String> answer(String offer) {
        did.add("answer");
        return CompletableFuture.completedFuture(ANSWER);
    }

    @Override
    public CompletableFuture<Void> acceptAnswer(String answer) {
        did.add("accept");
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<String> reanswer(String offer) {
        did.add("reanswer");
        return CompletableFuture.completedFuture(ANSWER);
    }

    @Override
    public void showCandidates(String sdp) {
    }

    @Override
    public void negotiated() {
        did.add("negotiated");
    }

    @Override
    public CompletableFuture<MediaStats> ending() {
        did.add("ending");
        return CompletableFuture.completedFuture(stats);
    }

    @Override
    public Failure verdict(MediaStats s) {
        return verdict;
    }

    @Override
    public MediaStats finalStats() {
        return stats;
    }

    @Override
    public boolean close() {
        did.add("close");
        closed.complete(null);
        return true;
    }

    @Override
    public CompletableFuture<Boolean> insertDtmf(String tones, int durationMs, int gapMs) {
        did.add("dtmf " + tones + " " + durationMs + "/" + gapMs);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public void setMuted(boolean muted) {
        did.add(muted ? "mute" : "unmute");
    }

    @Override
    public String remoteDescription() {
        return remote;
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
}
