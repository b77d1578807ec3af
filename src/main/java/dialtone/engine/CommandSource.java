package dialtone.engine;

/** Where in-call commands come from: a script (file or stdin) or the interactive console. */
public interface CommandSource {
    /** The next line, or null at the end. Blocks until one is there. */
    String next() throws InterruptedException;

    /** A console keeps going after a bad line or a failed expectation; a script stops. */
    boolean interactive();
}
