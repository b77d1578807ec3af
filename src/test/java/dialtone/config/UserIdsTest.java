package dialtone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UserIdsTest {
    @Test
    void derivesAsTheSdk() {
        assertTrue(UserIds.derive("Voice Gateway #0f07").matches("webrtc-sdk-voicegateway0f07-[A-Za-z0-9]{8}"));
        assertTrue(UserIds.derive(null).matches("webrtc-sdk-endpoint-[A-Za-z0-9]{8}"));
        assertTrue(UserIds.derive("###").matches("webrtc-sdk-endpoint-[A-Za-z0-9]{8}"));
    }

    @Test
    void flagsPersonalData() {
        assertEquals("an e-mail address", UserIds.personalDataKind("jane.doe@example.com"));
        assertEquals("a phone number", UserIds.personalDataKind("+49 170 1234567"));
        assertEquals("a phone number", UserIds.personalDataKind("(555) 123-4567"));
        assertNull(UserIds.personalDataKind("webrtc-sdk-endpoint-AbCd1234"));
        assertNull(UserIds.personalDataKind("session-2026-11-28"));
        assertNull(UserIds.personalDataKind("12345"));
    }
}
