package dialtone.engine;

import dialtone.event.MediaStats;
import dialtone.media.AudioAnalyzer;
import dialtone.media.MediaSession;
import dialtone.media.WavRecorder;
import java.util.concurrent.CompletableFuture;

/**
 * A call's audio as its {@link Conversation}, its {@link ScriptRunner} and its checks use it: what was heard (the
 * analyzer, taps on the decoded audio, a sample of the statistics), what we send (speech, mute) and the recording.
 * Obtained from the call's {@link CallMedia}; none of it takes part in the offer and answer.
 */
interface CallAudio {
    /** What the received audio carried (level, tones), for {@code --expect-audio} and {@code --expect-tone}. */
    AudioAnalyzer analyzer();

    /** The recorder, or null when nothing is recorded. */
    WavRecorder recorder();

    /** A statistics sample now (a script's {@code stats}). */
    CompletableFuture<MediaStats> sample();

    /** The far end's decoded audio is delivered to {@code t} too (on the audio thread) until removed. */
    void addTap(MediaSession.AudioTap t);

    void removeTap(MediaSession.AudioTap t);

    /** Sends speech (48 kHz mono PCM) instead of the source; completes with its start and end (nanoTime). */
    CompletableFuture<long[]> speak(short[] pcm);

    /** Sends silence instead of the source (the sender keeps running, as a browser's muted track does), or stops. On the loop. */
    void setMuted(boolean muted);
}
