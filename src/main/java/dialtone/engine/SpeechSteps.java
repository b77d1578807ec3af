package dialtone.engine;

import dialtone.event.CallEvent;
import dialtone.media.AudioSource;
import dialtone.media.MediaException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The spoken steps of a script ({@code say}, {@code listen}, {@code barge-in}, {@code expect-speech},
 * {@code expect-quiet}, {@code expect-words}), on the script's thread, against the call's {@link Conversation}.
 * Every wait is on an event (speech sent, a turn started or ended, a transcript), bounded, and ends when the call does.
 */
final class SpeechSteps {
    record Outcome(boolean ok, String detail) {
    }

    /** The longest a far-end turn may last before {@code listen} gives up on its end. */
    static final Duration MAX_TURN = Duration.ofMinutes(2);
    /** How long the far end may keep talking after our barge-in started before it "did not stop". */
    static final Duration MAX_OVERRUN = Duration.ofSeconds(10);

    private final Conversation conv;
    private final CompletableFuture<Void> ended;

    SpeechSteps(Conversation conv, CompletableFuture<Void> ended) {
        this.conv = conv;
        this.ended = ended;
    }

    Outcome run(Script.Command c, ScriptRunner runner) throws InterruptedException {
        conv.spoken();
        return switch (c.verb()) {
            case "say" -> say(c, runner);
            case "listen" -> listen(c, runner);
            case "barge-in" -> bargeIn(c, runner);
            case "expect-speech" -> expectSpeech(c);
            case "expect-quiet" -> expectQuiet(c);
            case "expect-words" -> expectWords(c);
            default -> new Outcome(false, "unknown");
        };
    }

    private short[] speech(String what) throws InterruptedException {
        return conv.tools().speech(what);
    }

    private Outcome say(Script.Command c, ScriptRunner runner) throws InterruptedException {
        short[] pcm;
        try {
            pcm = speech(c.arg());
        } catch (MediaException e) {
            return new Outcome(false, e.getMessage());
        }
        // the far end's turns that were over before we spoke are not the answer to this
        long startedAt = System.nanoTime();
        int over = 0;
        for (int i = 1; i <= conv.turnCount(); i++) {
            Conversation.Turn t = conv.awaitTurn(i, 0, ended);
            if (t != null && t.endNanos >= 0 && t.endNanos <= startedAt) {
                over = i;
            }
        }
        runner.skipTurnsTo(over);
        long[] x = send(conv.say(pcm, c.arg(), false), pcm);
        if (x == null) {
            return new Outcome(false, ended.isDone() ? "not all sent: the call ended" : "the speech was not sent");
        }
        return new Outcome(true, String.format("said %.1f s", (x[1] - x[0]) / 1e9));
    }

    /** Waits for the speech to be sent: its length and some slack, or the end of the call. */
    private long[] send(CompletableFuture<long[]> f, short[] pcm) throws InterruptedException {
        long max = pcm.length * 1000L / AudioSource.RATE + 5000;
        CompletableFuture<Object> any = CompletableFuture.anyOf(f, ended);
        try {
            any.get(max, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
        return f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    private Outcome listen(Script.Command c, ScriptRunner runner) throws InterruptedException {
        int n = runner.takeTurn();
        Conversation.Turn t = conv.awaitTurn(n, System.nanoTime() + c.within().toNanos(), ended);
        if (t == null) {
            return new Outcome(false, "the far end did not speak " + (ended.isDone() ? "before the call ended"
                    : "within " + seconds(c.within())));
        }
        if (!conv.awaitEnd(t, System.nanoTime() + MAX_TURN.toNanos(), ended)) {
            return new Outcome(false, "the far end was still speaking " + (ended.isDone() ? "when the call ended"
                    : "after " + seconds(MAX_TURN)));
        }
        conv.awaitPublished(t, System.nanoTime() + 2_000_000_000L);
        return new Outcome(true, "turn " + t.index + ": " + String.format("%.1f s", (t.endNanos - t.startNanos) / 1e9)
                + (t.latencyMs == null ? "" : ", latency " + t.latencyMs + " ms"));
    }

    private Outcome bargeIn(Script.Command c, ScriptRunner runner) throws InterruptedException {
        short[] pcm;
        try {
            pcm = speech(c.arg()); // before waiting: making the speech must not delay it
        } catch (MediaException e) {
            return new Outcome(false, e.getMessage());
        }
        int n = runner.takeTurn();
        Conversation.Turn t = conv.awaitTurn(n, System.nanoTime() + Script.DEFAULT_LISTEN.toNanos(), ended);
        if (t == null) {
            return new Outcome(false, "the far end did not speak " + (ended.isDone() ? "before the call ended"
                    : "within " + seconds(Script.DEFAULT_LISTEN)));
        }
        long at = t.startNanos + c.within().toNanos();
        long wait = at - System.nanoTime();
        if (wait > 0 && conv.awaitEnd(t, at, ended)) {
            return new Outcome(false, "the far end stopped speaking " + (t.endNanos - t.startNanos) / 1_000_000
                    + " ms into its turn, before " + c.within().toMillis() + " ms");
        }
        if (ended.isDone()) {
            return new Outcome(false, "the call ended first");
        }
        CompletableFuture<long[]> f = conv.say(pcm, c.arg(), true);
        long[] x;
        try {
            x = f.get(pcm.length * 1000L / AudioSource.RATE + 5000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Outcome(false, "the speech was not sent");
        }
        if (!conv.awaitEnd(t, x[0] + MAX_OVERRUN.toNanos(), ended)) {
            return new Outcome(false, "the far end did not stop talking within " + seconds(MAX_OVERRUN)
                    + " of our barge-in" + (ended.isDone() ? " (the call ended)" : ""));
        }
        conv.awaitPublished(t, System.nanoTime() + 2_000_000_000L);
        long overrun = (t.endNanos - x[0]) / 1_000_000;
        return new Outcome(true, "overrun " + overrun + " ms");
    }

    private Outcome expectSpeech(Script.Command c) throws InterruptedException {
        long now = System.nanoTime();
        boolean ok = conv.awaitSpeech(now, now + c.within().toNanos(), ended, true);
        return new Outcome(ok, ok ? "the far end speaks" : "no speech " + (ended.isDone() ? "before the call ended"
                : "within " + seconds(c.within())));
    }

    private Outcome expectQuiet(Script.Command c) throws InterruptedException {
        long now = System.nanoTime();
        long end = now + c.within().toNanos();
        boolean spoke = conv.awaitSpeech(now, end, ended, false);
        if (!spoke && ended.isDone() && System.nanoTime() < end) {
            return new Outcome(false, "the call ended before " + seconds(c.within()) + " of quiet");
        }
        return new Outcome(!spoke, spoke ? "the far end spoke" : "quiet for " + seconds(c.within()));
    }

    private Outcome expectWords(Script.Command c) throws InterruptedException {
        long deadline = System.nanoTime() + c.within().toNanos();
        Conversation.Turn t = conv.current();
        if (t == null) {
            t = conv.last();
        }
        if (t == null) {
            t = conv.awaitTurn(1, deadline, ended);
        }
        if (t == null) {
            return new Outcome(false, "the far end did not speak " + (ended.isDone() ? "before the call ended"
                    : "within " + seconds(c.within())));
        }
        boolean stt = conv.tools().stt() != null;
        if (stt) {
            if (!conv.awaitEnd(t, deadline, ended) || !conv.awaitPublished(t, deadline
                    + conv.tools().timeout().toNanos())) {
                return new Outcome(false, "the far end's turn " + t.index + " did not end (and was not recognised) in time");
            }
            if (t.words != null && "stt".equals(t.wordsSource) && c.regex().matcher(t.words).find()) {
                return new Outcome(true, "matched (stt: \"" + t.words + "\")");
            }
        }
        Conversation.Turn turn = t;
        CallEvent.Transcript tr = conv.awaitTranscript(turn.wordsSinceNanos, s -> c.regex().matcher(s).find(),
                stt ? System.nanoTime() : deadline, ended);
        if (tr != null) {
            return new Outcome(true, "matched (platform transcript: \"" + dialtone.support.Printable.escape(tr.text()) + "\")");
        }
        boolean platform = !conv.transcriptsSince(turn.wordsSinceNanos).isEmpty();
        if (!stt && !platform) {
            return new Outcome(false, "nothing to match: the far end sent no transcript (INFO _transcription) and no"
                    + " --stt-command was given");
        }
        return new Outcome(false, "no match for /" + c.arg() + "/ in turn " + turn.index
                + (turn.words != null ? " (" + turn.wordsSource + ": \"" + turn.words + "\")" : "")
                + (platform ? "" : "; no platform transcript"));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
