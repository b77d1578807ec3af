package dialtone.engine;

import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.sip.ua.Identity;
import dialtone.sip.ua.UserAgent;
import dialtone.testing.FakeTransport;
import dialtone.testing.ManualScheduler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;

/**
 * A started user agent on a {@link ManualScheduler} (the test's thread is the loop) over a {@link FakeTransport}, its
 * events collected: what the engine's unit tests of a call start from.
 */
abstract class UaTestBase {
    ManualScheduler loop;
    FakeTransport wire;
    UserAgent ua;
    List<Event> events;

    @BeforeEach
    void startUa() {
        loop = new ManualScheduler();
        events = new CopyOnWriteArrayList<>();
        Identity id = new Identity("sip:alice@example.com", "example.com", null, "dialtone/test", "abc.invalid", "c0ntact",
                "<urn:uuid:00000000-0000-4000-8000-000000000000>");
        ua = new UserAgent(loop, id, l -> wire = new FakeTransport(l), events::add, "t", "wss://example.com");
        ua.setListener(new dialtone.sip.ua.UaListener() {
            @Override
            public void onConnected() {
            }

            @Override
            public void onConnectFailed(Failure f) {
            }
        });
        ua.start();
    }
}
