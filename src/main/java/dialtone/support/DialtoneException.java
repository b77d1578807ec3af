package dialtone.support;

import dialtone.event.Failure;

/**
 * Setup that cannot start, carried as a {@link Failure}: the CLI prints {@code failure.message()} as one line and
 * exits with the failure's layer code. The message never carries a secret.
 */
public class DialtoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Failure failure;

    public DialtoneException(Failure failure) {
        super(failure.message());
        this.failure = failure;
    }

    public DialtoneException(Failure failure, Throwable cause) {
        super(failure.message(), cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
