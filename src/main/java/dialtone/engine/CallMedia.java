package dialtone.engine;

import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.MediaStats;
import dialtone.media.AudioAnalyzer;
import dialtone.media.MediaOptions;
import dialtone.media.MediaSession;
import dialtone.media.WavRecorder;
import dialtone.support.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The media half of a call as a {@link Call} sees it. {@link WebRtcMedia} is the real one (libwebrtc); unit tests of
 * the call path use one that needs no native library. Methods without a future are called on the UA loop and never
 * block; every native step happens elsewhere.
 */
interface CallMedia {
    /** Opens a call's media; the real one loads the native library on first use. */
    @FunctionalInterface
    interface Factory {
        CompletableFuture<CallMedia> open(Scheduler loop, Consumer<Event> publish, String scenario, MediaOptions options,
                                          Consumer<Failure> onFailure);

        Factory WEBRTC = WebRtcMedia::open;
    }

    CompletableFuture<String> offer();

    CompletableFuture<String> answer(String offer);

    CompletableFuture<Void> acceptAnswer(String answer);

    /** A new offer inside the call (re-INVITE, UPDATE). */
    CompletableFuture<String> reanswer(String offer);

    /** Publishes the candidates of our SDP. */
    void showCandidates(String sdp);

    /** Both descriptions are set: the media should connect now (its timers start). */
    void negotiated();

    /** The call is ending: stop sending, stop judging; completes with the last statistics. */
    CompletableFuture<MediaStats> ending();

    /** What the media says about the call at its end, or null when it did its job. */
    Failure verdict(MediaStats s);

    /**
     * The far end's media presence at the end of the call (outages, packets against the packet time), its last outages
     * published; null when not judged. Off the loop, after {@link #finalStats()}.
     */
    default dialtone.media.MediaPresence presence() {
        return null;
    }

    /** The last statistics (bounded wait; off the loop). */
    MediaStats finalStats();

    /** Releases everything (bounded; off the loop); false when that took too long. */
    boolean close();

    CompletableFuture<Boolean> insertDtmf(String tones, int durationMs, int gapMs);

    void setMuted(boolean muted);

    String remoteDescription();

    AudioAnalyzer analyzer();

    /** The recorder, or null when nothing is recorded. */
    WavRecorder recorder();

    CompletableFuture<MediaStats> sample();

    void addTap(MediaSession.AudioTap t);

    void removeTap(MediaSession.AudioTap t);

    /** Sends speech (48 kHz mono PCM) instead of the source; completes with its start and end (nanoTime). */
    default CompletableFuture<long[]> speak(short[] pcm) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this media cannot send speech"));
    }
}
