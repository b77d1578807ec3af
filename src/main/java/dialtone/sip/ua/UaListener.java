package dialtone.sip.ua;

import dialtone.event.Failure;

/** Connection life of the user agent, for the scenario that drives it. Called on the UA loop. */
public interface UaListener {
    /** The first connection is up. */
    void onConnected();

    /** The first connection could not be made: the scenario fails. */
    void onConnectFailed(Failure failure);

    /** The socket dropped (close code and reason as the server gave them); the UA will try to reconnect. */
    default void onDisconnected(int code, String reason) {
    }

    /** A reconnect succeeded (registration should be renewed). */
    default void onReconnected() {
    }
}
