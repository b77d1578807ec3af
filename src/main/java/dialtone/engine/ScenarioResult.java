package dialtone.engine;

import dialtone.event.Failure;
import java.util.Map;

/**
 * What every scenario (call, register, load, probe) returns: its verdict ({@code failure}, null when it passed) and
 * the summary facts of its {@code run.finished} event.
 */
public record ScenarioResult(Failure failure, Map<String, Object> summary) {
}
