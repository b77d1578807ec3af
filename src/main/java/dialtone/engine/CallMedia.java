package dialtone.engine;

import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.MediaStats;
import dialtone.media.MediaOptions;
import dialtone.media.MediaPresence;
import dialtone.support.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The media half of a call as a {@link Call} sees it: what SIP.js calls a session description handler. It gives our
 * descriptions (an offer, or the answer to an offer, the first one or one inside the call), takes the far end's answer,
 * sends DTMF, ends with one {@link Outcome} and releases itself. {@link WebRtcMedia} is the real one (libwebrtc); the
 * unit tests of the call path use one that needs no native library.
 *
 * <p>The media reports to its call through what {@link Factory#open} hands it: its events ({@code publish}: ICE, DTLS,
 * statistics, first audio, DTMF heard) and the failure that ends the call ({@code onFailure}); at the end, through
 * {@link #end()}. What the conversation, the script and the checks do with the audio is {@link CallAudio}.
 *
 * <p>Threads: methods without a future are called on the UA loop and never block, but {@link #close()}; every native
 * step happens elsewhere, and what it learns is posted back to the loop.
 */
interface CallMedia {
    /** Opens a call's media; the real one loads the native library on first use. */
    @FunctionalInterface
    interface Factory {
        CompletableFuture<CallMedia> open(Scheduler loop, Consumer<Event> publish, String scenario, MediaOptions options,
                                          Consumer<Failure> onFailure);

        Factory WEBRTC = WebRtcMedia::open;
    }

    /**
     * What the media says at the end of a call: its last statistics (null when none was taken), its verdict (null when
     * it did its job: the failures seen during the call were reported when they happened) and the far end's media
     * presence, finished (null when not judged).
     */
    record Outcome(MediaStats stats, Failure failure, MediaPresence presence) {
    }

    /** Our offer, complete (its candidates gathered). */
    CompletableFuture<String> offer();

    /**
     * Takes the far end's offer and gives our answer: the call's first one (complete, its candidates gathered), or one
     * inside the call (a re-INVITE or an UPDATE: hold, resume, a new path).
     */
    CompletableFuture<String> answer(String offer);

    /** Takes the far end's answer to our offer. */
    CompletableFuture<Void> acceptAnswer(String answer);

    /** Both descriptions are set: the media should connect now (its timers start). On the loop. */
    void negotiated();

    /**
     * Sends {@code tones} as RFC 4733 telephone-events (SIP.js's sendDtmf). Returns false at once, sending nothing,
     * when the far end's description has no telephone-event. Otherwise the media engine takes them off the loop, and
     * {@code taken} runs on the loop with null once it did, or with why it did not. On the loop.
     */
    boolean dtmf(String tones, int durationMs, int gapMs, Consumer<String> taken);

    /**
     * The call is ending (BYE or CANCEL sent, a BYE received, the signalling lost, or the call judged): stop sending,
     * stop judging. Completes on the loop, within about a second, with the {@link Outcome}; later calls return the
     * same future. On the loop.
     */
    CompletableFuture<Outcome> end();

    /** Releases everything (bounded; off the loop); false when that took too long. */
    boolean close();

    /** The call's audio, as its conversation, its script and its checks use it. */
    CallAudio audio();
}
