package dialtone.engine;

import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.Originator;
import dialtone.media.MediaPresence;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Whether dialtone kept its own pace over one call (the {@code call} subcommand), as {@code load} and the answerer
 * judge theirs ({@link Overload}). A process that stood still (SIGSTOP, a frozen container, a paused VM, a used-up CPU
 * quota) or fell behind sends nothing and reads nothing meanwhile, so the call's media looks like the far end went
 * silent: measured here, a 5 s SIGSTOP gave "media outage of 5.07 s: no RTP packet arrived" (exit 7, the far end
 * blamed). Its verdict instead: a media or audio failure over time dialtone cannot vouch for is dialtone's (exit 10,
 * {@link Cause#OVERLOADED}) with the figures; a media outage only when, without dialtone's own time, what is left of
 * it would not have failed ({@link MediaPresence#FAILS_FROM_MS}), so a far end that went silent while dialtone also
 * hiccuped is still the far end's. A call that passed while dialtone was behind for {@link Overload#OVERLOADED_SECONDS}
 * or more is not a pass either.
 */
public final class PaceWatch implements AutoCloseable {
    private final Consumer<Event> downstream;
    private final Clock clock;
    private final Overload overload;
    private final Instant began;
    private final List<MediaEvent.Outage> outages = new CopyOnWriteArrayList<>();

    PaceWatch(Consumer<Event> downstream, Clock clock, Overload overload) {
        this.downstream = downstream;
        this.clock = clock;
        this.overload = overload;
        this.began = clock.instant();
    }

    /** Starts judging dialtone's own pace now (a 10 ms heartbeat and the audio pump's pacing, once a second). */
    public static PaceWatch start(Consumer<Event> publish, Clock clock, String scenario) {
        return new PaceWatch(publish, clock, new Overload(publish, clock, scenario).start());
    }

    /** Where the call's events go: forwarded as they come, the failing media outages noted on the way. */
    public void publish(Event e) {
        if (e instanceof MediaEvent.Outage o && o.failing()) {
            outages.add(o);
        }
        downstream.accept(e);
    }

    /** The call's result, its verdict taken back when the failure was dialtone's own. Stops the monitor. */
    public ScenarioResult judge(ScenarioResult r) {
        close();
        Instant ended = clock.instant();
        Failure f = verdict(overload, r.failure(), outages, began, ended);
        if (f == r.failure()) {
            return r;
        }
        Map<String, Object> summary = new LinkedHashMap<>(r.summary());
        summary.putAll(overload.summary(began, ended));
        return new ScenarioResult(f, summary);
    }

    /** The verdict of a call that ended with {@code f} (null: passed), given dialtone's own pace over it. */
    static Failure verdict(Overload o, Failure f, List<MediaEvent.Outage> failingOutages, Instant began, Instant ended) {
        if (f != null && (f.layer() == Layer.MEDIA || f.layer() == Layer.AUDIO)) {
            if (!mine(o, f, failingOutages, began, ended)) {
                return f;
            }
            String figures = o.figuresBetween(began, ended);
            return new Failure(Layer.OVERLOAD, Cause.OVERLOADED, Originator.LOCAL, 0, null,
                    "dialtone fell behind during the call (" + figures + "), so this failure is its own, not the far end's: "
                            + f.message());
        }
        if (f != null) {
            return f; // signalling, registration, configuration, an interruption: not a matter of pace
        }
        long behind = o.secondsBehindBetween(began, ended);
        if (behind < Overload.OVERLOADED_SECONDS) {
            return null;
        }
        return new Failure(Layer.OVERLOAD, Cause.OVERLOADED, Originator.LOCAL, 0, null, "dialtone fell behind for "
                + behind + " s during the call (" + o.figuresBetween(began, ended) + "): its media figures cannot be "
                + "vouched for, not a pass (run it where it has the CPU it needs)");
    }

    /** Whether the call's media or audio failure lies in time dialtone cannot vouch for. */
    private static boolean mine(Overload o, Failure f, List<MediaEvent.Outage> failing, Instant began, Instant ended) {
        if (f.cause() == Cause.MEDIA_OUTAGE && !failing.isEmpty()) {
            for (MediaEvent.Outage x : failing) {
                long theirs = x.lengthMs() - o.ownMillisBetween(x.start(), x.end());
                if (theirs >= MediaPresence.FAILS_FROM_MS) {
                    return false; // an outage of the far end's even without dialtone's own time
                }
            }
            return true;
        }
        return o.figuresBetween(began, ended) != null;
    }

    @Override
    public void close() {
        overload.close();
    }
}
