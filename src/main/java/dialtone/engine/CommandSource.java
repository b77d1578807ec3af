package dialtone.engine;

/** Where in-call commands come from: a script (file or stdin) or the interactive console. */
public interface CommandSource {
    /** The next line, or null at the end. Blocks until one is there. */
    String next() throws InterruptedException;

    /** A console keeps going after a bad line or a failed expectation; a script stops. */
    boolean interactive();

    /** A script whose lines are all known (a checked file). */
    static CommandSource of(Iterable<String> lines) {
        java.util.Iterator<String> it = lines.iterator();
        return new CommandSource() {
            @Override
            public String next() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public boolean interactive() {
                return false;
            }
        };
    }
}
