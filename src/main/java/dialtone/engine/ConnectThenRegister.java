package dialtone.engine;

import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.RegistrationEvent;
import dialtone.sip.ua.Registration;
import dialtone.sip.ua.UaListener;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The start every scenario shares: once the WebSocket is up, REGISTER (legacy and direct profiles) or, for a
 * runtime endpoint, say that none is needed and go on; a failed connection is the scenario's first outcome.
 * {@code ready} completes with null when the scenario may proceed (the registration listener completes it for
 * registering profiles), or with the failure.
 */
abstract class ConnectThenRegister implements UaListener {
    private final Registration reg;
    private final Consumer<Event> publish;
    private final Clock clock;
    private final String scenario;
    private final String notNeeded;
    final CompletableFuture<Failure> ready;

    ConnectThenRegister(Registration reg, Consumer<Event> publish, Clock clock, String scenario, String notNeeded,
                        CompletableFuture<Failure> ready) {
        this.reg = reg;
        this.publish = publish;
        this.clock = clock;
        this.scenario = scenario;
        this.notNeeded = notNeeded;
        this.ready = ready;
    }

    @Override
    public void onConnected() {
        if (reg != null) {
            reg.register();
        } else {
            publish.accept(new RegistrationEvent.NotNeeded(clock.instant(), scenario, notNeeded));
            ready.complete(null);
        }
    }

    @Override
    public void onConnectFailed(Failure f) {
        ready.complete(f);
    }
}
