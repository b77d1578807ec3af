package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** The run itself: start, warnings, the verdict. */
public sealed interface RunEvent extends Event {
    /** First event of every run; the first line of a JSON-lines file. */
    @JsonTypeName("run.started")
    record Started(Instant at, String scenario, int schemaVersion, String tool, String version, String command)
            implements RunEvent {}

    /** Something the user should know that does not fail the run (e.g. a userId that looks like personal data). */
    @JsonTypeName("run.warning")
    record Warning(Instant at, String scenario, String code, String message) implements RunEvent {}

    /**
     * {@code times} more events of the kind {@code of} (the type; for SIP messages and call progress, the same method
     * or status class) came beyond ten a second, or while the reporters were behind (a flood from a server: 183s whose
     * reason phrase differs, ×5231); the first came at {@code at}, the last at {@code last}. Output stays readable and
     * bounded whatever a server sends.
     */
    @JsonTypeName("run.repeated")
    record Repeated(Instant at, String scenario, String of, long times, Instant last) implements RunEvent {}

    /**
     * dialtone itself fell behind ({@code state} "behind") or caught up again ("recovered", with the worst figures of
     * the episode and its length): its 10 ms audio frames were late or skipped, measured by its own audio pump, with
     * its CPU against the cores it may use and how busy the machine was (-1: unknown). See the README's "dialtone
     * overloaded" (exit 10).
     */
    @JsonTypeName("run.overloaded")
    record Overloaded(Instant at, String scenario, String state, int calls, double lateMsP95, double lateMsMax,
                      double skippedShare, double cpuCores, double coresAvailable, double machineBusy, long behindMs,
                      String message) implements RunEvent {}

    /**
     * One step of {@code load --ramp}: {@code concurrency} calls held at once; whether every call carried its media
     * and neither side was overloaded ({@code passed}), and if not, which side saturated ({@code saturated}:
     * "dialtone" or "far end") and why.
     */
    @JsonTypeName("load.step")
    record LoadStep(Instant at, String scenario, int step, int concurrency, int calls, int passed, int failed,
                    boolean overloaded, boolean stepPassed, String saturated, String reason,
                    java.util.Map<String, Object> summary) implements RunEvent {}

    /** A bug caught at a boundary; the run goes on where it can. */
    @JsonTypeName("run.internal-error")
    record InternalError(Instant at, String scenario, String where, String message) implements RunEvent {}

    /**
     * Last event of every run; the last line of a JSON-lines file. {@code failure} is null when it passed;
     * {@code summary} holds the command's key facts (e.g. registered, refreshes, reconnects), in order.
     */
    @JsonTypeName("run.finished")
    record Finished(Instant at, String scenario, boolean passed, int exitCode, long durationMs, Failure failure,
                    java.util.Map<String, Object> summary) implements RunEvent {}
}
