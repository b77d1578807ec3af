package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * The conversation of a call, as heard at dialtone: the far end's spoken turns (voice activity detection on the
 * decoded audio), what dialtone said, and the call's conversation figures. Times are when the audio was heard or
 * sent here (so they include the audio path's own delay).
 */
public sealed interface SpeechEvent extends Event {
    /**
     * One far-end turn, published when it has ended. {@code latencyMs}: from the end of our previous speech to its
     * start (null when we had not spoken since the far end's previous turn began; negative when it began before we
     * had finished); {@code overrunMs}: from the start of our speech that talked over it to its end (null unless we
     * did); {@code silenceBeforeMs}: the dead air before it (since the end of the last speech of either side, or the
     * answer); {@code words} and {@code wordsSource} ({@code platform} for an INFO transcript, {@code stt} for
     * --stt-command) when known.
     */
    @JsonTypeName("speech.turn")
    record Turn(Instant at, String scenario, int turn, Instant startedAt, Instant endedAt, long talkMs, Long latencyMs,
                Long overrunMs, Long silenceBeforeMs, String words, String wordsSource) implements SpeechEvent {}

    /** What dialtone said (a script's {@code say} or {@code barge-in}), once it had been sent. */
    @JsonTypeName("speech.said")
    record Said(Instant at, String scenario, String what, Instant startedAt, Instant endedAt, boolean bargeIn)
            implements SpeechEvent {}

    /** The call's conversation figures, at its end (null where nothing was measured). */
    @JsonTypeName("speech.summary")
    record Summary(Instant at, String scenario, int turns, Long greetingMs, Long latencyP50Ms, Long latencyP95Ms,
                   Long latencyMaxMs, Long longestDeadAirMs, Long overrunMaxMs) implements SpeechEvent {}
}
