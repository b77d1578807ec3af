package dialtone.media;

import dialtone.event.MediaStats;

/**
 * What a media session reports. Called on libwebrtc's native threads: implementations only convert and enqueue
 * (onto the UA loop), never block or call back into the session.
 */
public interface MediaListener {
    void onGathering(String state);

    void onIceState(String state);

    void onConnectionState(String state);


    default void onFirstAudio() {
    }

    default void onStats(MediaStats stats) {
    }

    /** A DTMF digit heard in the received audio. */
    default void onDtmf(String digit) {
    }
}
