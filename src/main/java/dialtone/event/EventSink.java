package dialtone.event;

/** Something that consumes events: a reporter, or a test's recorder. Called on the bus's own thread. */
public interface EventSink {
    void accept(Event event);

    /** Called once, on the bus thread, after the last event. */
    default void close() {
    }
}
