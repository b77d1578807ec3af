package dialtone.engine;

import dialtone.event.CallEvent;
import dialtone.event.Event;
import dialtone.event.SpeechEvent;
import dialtone.media.MediaSession;
import dialtone.media.Vad;
import dialtone.media.WavSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The spoken conversation of one call, as heard at dialtone: the far end's turns found by the {@link Vad} on the
 * decoded audio (a tap on the call's media), what we said (a script's {@code say} and {@code barge-in}), the
 * per-turn figures ({@code speech.turn}: latency, overrun, dead air, words) and the call's ({@code speech.summary}:
 * time to greeting, latency percentiles, longest dead air).
 *
 * <p>Times are {@link System#nanoTime} values here, turned into instants once: a received frame is the audio of the
 * 10 ms that start when it is delivered, a sent frame of the 10 ms that start when it is pushed. The VAD runs on the
 * audio thread (cheap); ending a turn (the recogniser, the event) runs on a thread of its own, in order.
 */
final class Conversation implements MediaSession.AudioTap, Vad.Listener {
    /** A far-end turn. {@code endNanos} is -1 while it goes on. */
    static final class Turn {
        final int index;
        final long startNanos;
        volatile long endNanos = -1;
        volatile String words;
        volatile String wordsSource;
        volatile Long latencyMs;
        volatile Long overrunMs;
        volatile boolean published;
        /** The far end's transcripts of this turn are those received after this (and before its end). */
        long wordsSinceNanos;
        short[] audio;

        Turn(int index, long startNanos) {
            this.index = index;
            this.startNanos = startNanos;
        }
    }

    /** Something we said: its times once sent. */
    static final class Said {
        final long requestedNanos;
        final CompletableFuture<long[]> times;
        final boolean bargeIn;

        Said(long requestedNanos, CompletableFuture<long[]> times, boolean bargeIn) {
            this.requestedNanos = requestedNanos;
            this.times = times;
            this.bargeIn = bargeIn;
        }

        long[] timesNow() {
            return times.isDone() && !times.isCompletedExceptionally() ? times.join() : null;
        }
    }

    /** How long before a turn's audio its transcript may arrive. */
    static final long WORDS_LEAD_NANOS = 2_000_000_000L;

    /** A sample at or above this magnitude (-54 dBFS) is audible: the edges of what we say are the first and last one. */
    static final int AUDIBLE = 66;

    /** The longest turn audio kept for a recogniser (16 kHz). */
    static final int MAX_TURN_SECONDS = 30;

    private final Consumer<Event> publish;
    private final String scenario;
    private final CallAudio media;
    private final SpeechTools tools;
    private final Instant baseInstant;
    private final long baseNanos;
    private final long answeredNanos;
    private final Vad vad = new Vad(this);
    private final java.util.function.LongSupplier clock;
    private final ExecutorService ender;

    // audio thread
    private long frameNanos;
    private long firstFrameNanos;
    private long deliveredSamples;
    private long deliveredBeforeFrame;
    private long frameStartSample;
    private int rate;
    private short[] keep;
    private int keepLen;
    private long keepStartSample;

    // shared, under "this"
    private final List<Turn> turns = new ArrayList<>();
    private final List<Said> said = new ArrayList<>();
    private final List<CallEvent.Transcript> transcripts = new ArrayList<>();
    private Turn current;
    private long lastLoudInTurnNanos = -1;
    private boolean finished;
    private SpeechEvent.Summary summary;

    Conversation(Consumer<Event> publish, String scenario, CallAudio media, SpeechTools tools, Instant answeredAt) {
        this(publish, scenario, media, tools, answeredAt, System::nanoTime, Instant.now());
    }

    /** With a clock of its own (tests): {@code clock} gives nanoTime values, {@code base} is the instant of its now. */
    Conversation(Consumer<Event> publish, String scenario, CallAudio media, SpeechTools tools, Instant answeredAt,
                 java.util.function.LongSupplier clock, Instant base) {
        this.clock = clock;
        this.publish = publish;
        this.scenario = scenario;
        this.media = media;
        this.tools = tools == null ? SpeechTools.DEFAULT : tools;
        this.baseInstant = base;
        this.baseNanos = clock.getAsLong();
        this.answeredNanos = answeredAt == null ? baseNanos
                : baseNanos - Duration.between(answeredAt, baseInstant).toNanos();
        this.ender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "speech-" + scenario);
            t.setDaemon(true);
            return t;
        });
        media.addTap(this);
    }

    SpeechTools tools() {
        return tools;
    }

    Instant instant(long nanos) {
        return baseInstant.plusNanos(nanos - baseNanos);
    }

    // ---- the audio thread ---------------------------------------------------------------------------------------

    @Override
    public void onAudio(byte[] data, int rate, int channels, int frames) {
        this.frameNanos = clock.getAsLong();
        if (deliveredSamples == 0) {
            firstFrameNanos = frameNanos;
        }
        deliveredBeforeFrame = deliveredSamples;
        this.frameStartSample = vad.position();
        this.rate = rate;
        if (tools.stt() != null) {
            keepAudio(data, rate, channels, frames);
        }
        vad.accept(data, rate, channels, frames);
        if (vad.speaking() && vad.lastDb() > vad.floorDb() + Vad.TRIGGER_DB) {
            synchronized (this) {
                lastLoudInTurnNanos = frameNanos;
            }
        }
        deliveredSamples += frames;
    }

    /** The received audio of the last {@link #MAX_TURN_SECONDS} seconds (first channel, at its rate). */
    private void keepAudio(byte[] data, int rate, int channels, int frames) {
        int max = rate * MAX_TURN_SECONDS;
        if (keep == null || keep.length != max) {
            keep = new short[max];
            keepLen = 0;
            keepStartSample = vad.position();
        }
        if (keepLen + frames > max) {
            int drop = keepLen + frames - max;
            System.arraycopy(keep, drop, keep, 0, keepLen - drop);
            keepLen -= drop;
            keepStartSample += drop;
        }
        for (int i = 0; i < frames; i++) {
            int o = i * channels * 2;
            keep[keepLen++] = (short) ((data[o] & 0xff) | (data[o + 1] << 8));
        }
    }

    static final boolean TRACE = "1".equals(System.getenv("DIALTONE_SPEECH_TRACE"));

    /**
     * How far the playout's delivery of audio fell behind the wall clock (ms): at the start of the last frame, the time
     * since the first one minus the audio delivered before it. The headless audio module's thread waits 10 ms between
     * pulls and does not catch up a late one, so on a starved machine this grows, and the jitter buffer holds the audio
     * meanwhile (README, Conversation tests: the calibration). Printed per turn with DIALTONE_SPEECH_TRACE=1.
     */
    long playoutLagMs() {
        return rate <= 0 ? 0 : (frameNanos - firstFrameNanos) / 1_000_000 - deliveredBeforeFrame * 1000 / rate;
    }

    private long nanosOf(long sample) {
        return frameNanos + (sample - frameStartSample) * 1_000_000_000L / Math.max(1, rate);
    }

    @Override
    public void speechStarted(long startSample) {
        synchronized (this) {
            if (finished) {
                return;
            }
            Turn prev = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            current = new Turn(turns.size() + 1, nanosOf(startSample));
            // a platform may send a turn's transcript as it starts speaking, before its audio reaches us
            current.wordsSinceNanos = Math.max(prev == null || prev.endNanos < 0 ? Long.MIN_VALUE : prev.endNanos,
                    current.startNanos - WORDS_LEAD_NANOS);
            turns.add(current);
            lastLoudInTurnNanos = frameNanos;
            if (TRACE) {
                System.err.println("speech-trace turn " + current.index + " playout lag "
                        + playoutLagMs() + " ms");
            }
            notifyAll();
        }
    }

    @Override
    public void speechEnded(long startSample, long endSample) {
        Turn t;
        synchronized (this) {
            t = current;
            if (t == null) {
                return;
            }
            current = null;
            t.endNanos = nanosOf(endSample);
            notifyAll();
        }
        if (keep != null) {
            int a = (int) Math.max(0, startSample - keepStartSample);
            int b = (int) Math.min(keepLen, endSample - keepStartSample);
            if (b > a) {
                t.audio = WavSource.resample(java.util.Arrays.copyOfRange(keep, a, b), rate, SpeechTools.STT_RATE);
            }
        }
        try {
            ender.execute(() -> endTurn(t));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the call is over
        }
    }

    // ---- the far end's transcripts ------------------------------------------------------------------------------

    /** A tap on the call's events: keeps the far end's transcripts (INFO {@code _transcription}). */
    void onEvent(Event e) {
        if (e instanceof CallEvent.Transcript tr && !ours(tr.originator())) {
            synchronized (this) {
                transcripts.add(tr);
                notifyAll();
            }
        }
    }

    /** Transcript lines whose originator is us, the caller, are not the far end's words. */
    static boolean ours(String originator) {
        String o = originator == null ? "" : originator.toLowerCase(java.util.Locale.ROOT);
        return o.equals("local") || o.equals("caller") || o.equals("customer") || o.equals("user");
    }

    /** The far end's transcript lines received since {@code sinceNanos}. */
    synchronized List<CallEvent.Transcript> transcriptsSince(long sinceNanos) {
        Instant since = instant(sinceNanos);
        List<CallEvent.Transcript> out = new ArrayList<>();
        for (CallEvent.Transcript t : transcripts) {
            if (!t.at().isBefore(since)) {
                out.add(t);
            }
        }
        return out;
    }

    // ---- ending a turn (the ender thread) -----------------------------------------------------------------------

    private void endTurn(Turn t) {
        // our speech that started before the turn ended must have its times: wait for it (bounded)
        List<Said> mine;
        synchronized (this) {
            mine = new ArrayList<>(said);
        }
        for (Said s : mine) {
            if (s.requestedNanos < t.endNanos) {
                try {
                    s.times.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // not sent: it does not count
                }
            }
        }
        Turn prev;
        synchronized (this) {
            prev = t.index >= 2 ? turns.get(t.index - 2) : null;
        }
        long prevStart = prev == null ? Long.MIN_VALUE : prev.startNanos;
        long lastEnd = answeredNanos;
        if (prev != null && prev.endNanos > 0) {
            lastEnd = Math.max(lastEnd, prev.endNanos);
        }
        long[] reply = null;
        long[] over = null;
        for (Said s : mine) {
            long[] x = s.timesNow();
            if (x == null) {
                continue;
            }
            if (x[0] < t.startNanos && x[0] >= prevStart) {
                reply = x; // the last speech of ours before this turn, after the far end's previous one began
            }
            if (x[0] >= t.startNanos && x[0] < t.endNanos && over == null) {
                over = x; // the first speech of ours that talked over this turn
            }
            if (x[1] <= t.startNanos) {
                lastEnd = Math.max(lastEnd, x[1]);
            }
        }
        t.latencyMs = reply == null ? null : (t.startNanos - reply[1]) / 1_000_000;
        t.overrunMs = over == null ? null : (t.endNanos - over[0]) / 1_000_000;
        long silence = Math.max(0, (t.startNanos - lastEnd) / 1_000_000);
        String words = null;
        String source = null;
        if (tools.stt() != null && t.audio != null) {
            try {
                words = tools.transcribe(t.audio);
                source = "stt";
            } catch (RuntimeException e) {
                publish.accept(new dialtone.event.RunEvent.Warning(Instant.now(), scenario, "stt-failed",
                        dialtone.support.Printable.escape(e.getMessage())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (words == null) {
            StringBuilder b = new StringBuilder();
            for (CallEvent.Transcript tr : transcriptsSince(t.wordsSinceNanos)) {
                if (!tr.at().isAfter(instant(t.endNanos))) {
                    b.append(b.length() == 0 ? "" : " ").append(tr.text());
                }
            }
            if (b.length() > 0) {
                words = b.toString();
                source = "platform";
            }
        }
        t.words = words == null ? null : dialtone.support.Printable.escape(words);
        t.wordsSource = source;
        emit(new SpeechEvent.Turn(Instant.now(), scenario, t.index, instant(t.startNanos), instant(t.endNanos),
                (t.endNanos - t.startNanos) / 1_000_000, t.latencyMs, t.overrunMs, silence, t.words, source));
        synchronized (this) {
            t.published = true;
            notifyAll();
        }
    }

    // ---- the events: only for a spoken call ------------------------------------------------------------------------

    /**
     * The call is a spoken one (a spoken step ran, or a speech assertion was given): the turns heard so far are
     * published now, the rest as they come, and the summary at the end. A script of tones and DTMF gets none of this.
     */
    void spoken() {
        List<Event> out;
        synchronized (this) {
            if (spoken) {
                return;
            }
            spoken = true;
            out = new ArrayList<>(held);
            held.clear();
        }
        out.forEach(publish);
    }

    synchronized int held() {
        return held.size();
    }

    boolean isSpoken() {
        return spoken;
    }

    private void emit(Event e) {
        synchronized (this) {
            if (!spoken) {
                if (held.size() < MAX_HELD) {
                    held.add(e);
                }
                return;
            }
        }
        publish.accept(e);
    }

    private volatile boolean spoken;
    private final List<Event> held = new ArrayList<>();
    static final int MAX_HELD = 1000;

    // ---- what we say ----------------------------------------------------------------------------------------------

    /** Sends speech; the returned future completes with its times once sent (and the speech.said event is out). */
    CompletableFuture<long[]> say(short[] pcm, String what, boolean bargeIn) {
        // our speech starts and ends where the clip is audible, not where its leading and trailing silence do
        int first = 0;
        int last = pcm.length;
        while (first < pcm.length && Math.abs(pcm[first]) < AUDIBLE) {
            first++;
        }
        while (last > first && Math.abs(pcm[last - 1]) < AUDIBLE) {
            last--;
        }
        long lead = first * 1_000_000_000L / dialtone.media.AudioSource.RATE;
        long tail = (pcm.length - last) * 1_000_000_000L / dialtone.media.AudioSource.RATE;
        CompletableFuture<long[]> f = media.speak(pcm).thenApply(x -> new long[] {x[0] + lead, Math.max(x[0] + lead, x[1] - tail)});
        Said s = new Said(clock.getAsLong(), f, bargeIn);
        synchronized (this) {
            said.add(s);
        }
        return f.thenApply(x -> {
            emit(new SpeechEvent.Said(Instant.now(), scenario, dialtone.support.Printable.escape(what),
                    instant(x[0]), instant(x[1]), bargeIn));
            return x;
        });
    }

    // ---- waiting (the script's thread) ---------------------------------------------------------------------------

    /** The turn number {@code index} (from 1), waiting for it to start until {@code deadline}; null if it did not. */
    synchronized Turn awaitTurn(int index, long deadlineNanos, CompletableFuture<Void> ended) throws InterruptedException {
        while (turns.size() < index) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || ended.isDone() || finished) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return turns.get(index - 1);
    }

    /** Waits for {@code t} to end until the deadline; true when it did. */
    synchronized boolean awaitEnd(Turn t, long deadlineNanos, CompletableFuture<Void> ended) throws InterruptedException {
        while (t.endNanos < 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || ended.isDone() || finished) {
                return t.endNanos >= 0;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Waits for {@code t}'s event (its words) until the deadline. */
    synchronized boolean awaitPublished(Turn t, long deadlineNanos) throws InterruptedException {
        while (!t.published) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Waits for a transcript line since {@code sinceNanos} that {@code p} accepts, until the deadline. */
    synchronized CallEvent.Transcript awaitTranscript(long sinceNanos, java.util.function.Predicate<String> p,
                                                     long deadlineNanos, CompletableFuture<Void> ended)
            throws InterruptedException {
        while (true) {
            for (CallEvent.Transcript t : transcriptsSince(sinceNanos)) {
                if (p.test(t.text())) {
                    return t;
                }
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || ended.isDone()) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized int turnCount() {
        return turns.size();
    }

    synchronized Turn current() {
        return current;
    }

    synchronized Turn last() {
        return turns.isEmpty() ? null : turns.get(turns.size() - 1);
    }

    /** The far end spoke (a loud frame within a turn) after {@code sinceNanos}. */
    synchronized boolean spokeSince(long sinceNanos) {
        return lastLoudInTurnNanos > sinceNanos || (!turns.isEmpty() && turns.get(turns.size() - 1).startNanos > sinceNanos);
    }

    /** Waits until the far end speaks after {@code sinceNanos}, or the deadline; true when it spoke. */
    synchronized boolean awaitSpeech(long sinceNanos, long deadlineNanos, CompletableFuture<Void> ended, boolean ongoingCounts)
            throws InterruptedException {
        while (true) {
            if (spokeSince(sinceNanos) || (ongoingCounts && current != null)) {
                return true;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || ended.isDone() || finished) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    // ---- the end of the call ---------------------------------------------------------------------------------------

    /**
     * The call is over: the turn in progress ends now, every turn's event is out (bounded), and the summary is
     * published once. Returns it.
     */
    SpeechEvent.Summary finish(Instant callEnded) {
        synchronized (this) {
            if (summary != null) {
                return summary;
            }
        }
        media.removeTap(this);
        long endNanos = callEnded == null ? clock.getAsLong()
                : Math.min(clock.getAsLong(), baseNanos + Duration.between(baseInstant, callEnded).toNanos());
        synchronized (this) {
            for (Said s : said) {
                s.times.completeExceptionally(new dialtone.media.MediaException("the call ended"));
            }
        }
        Turn open;
        synchronized (this) {
            open = current;
        }
        if (open != null) {
            // as the VAD would: the audio thread is done with it (the tap is gone)
            synchronized (this) {
                current = null;
                open.endNanos = Math.max(open.startNanos, lastLoudInTurnNanos + 10_000_000L);
                notifyAll();
            }
            ender.execute(() -> endTurn(open));
        }
        ender.shutdown();
        try {
            ender.awaitTermination(SpeechTools.DEFAULT.timeout().toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SpeechEvent.Summary s;
        synchronized (this) {
            finished = true;
            notifyAll();
            s = summarise(endNanos);
            summary = s;
        }
        if (spoken) {
            publish.accept(s);
        }
        return s;
    }

    /** Every turn's response latency (ms), in order, where it had one. */
    synchronized List<Long> latencies() {
        List<Long> out = new ArrayList<>();
        for (Turn t : turns) {
            if (t.latencyMs != null) {
                out.add(t.latencyMs);
            }
        }
        return out;
    }

    synchronized SpeechEvent.Summary summary() {
        return summary;
    }

    private SpeechEvent.Summary summarise(long endNanos) {
        List<Long> lat = new ArrayList<>();
        Long overrunMax = null;
        for (Turn t : turns) {
            if (t.latencyMs != null) {
                lat.add(t.latencyMs);
            }
            if (t.overrunMs != null) {
                overrunMax = overrunMax == null ? t.overrunMs : Math.max(overrunMax, t.overrunMs);
            }
        }
        java.util.Collections.sort(lat);
        Long greeting = turns.isEmpty() ? null : (turns.get(0).startNanos - answeredNanos) / 1_000_000;
        // dead air: the longest time nobody spoke, from the answer to the last speech; and after our last speech
        // when the far end never answered it (its silence until the call ended)
        List<long[]> spans = new ArrayList<>();
        for (Turn t : turns) {
            spans.add(new long[] {t.startNanos, t.endNanos < 0 ? endNanos : t.endNanos, 1});
        }
        for (Said s : said) {
            long[] x = s.timesNow();
            if (x != null) {
                spans.add(new long[] {x[0], x[1], 0});
            }
        }
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long cursor = answeredNanos;
        long longest = 0;
        boolean lastWasOurs = false;
        for (long[] sp : spans) {
            longest = Math.max(longest, sp[0] - cursor);
            if (sp[1] >= cursor) {
                cursor = sp[1];
                lastWasOurs = sp[2] == 0;
            }
        }
        if (spans.isEmpty() || lastWasOurs) {
            longest = Math.max(longest, endNanos - cursor);
        }
        return new SpeechEvent.Summary(Instant.now(), scenario, turns.size(), greeting, percentile(lat, 50),
                percentile(lat, 95), lat.isEmpty() ? null : lat.get(lat.size() - 1), Math.max(0, longest / 1_000_000),
                overrunMax);
    }

    /** Nearest-rank percentile of sorted values; null when there are none. */
    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
