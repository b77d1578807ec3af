package dialtone.event;

/** Who caused an outcome, as JsSIP's {@code RTCSession._failed} reports it. */
public enum Originator { LOCAL, REMOTE, SYSTEM }
