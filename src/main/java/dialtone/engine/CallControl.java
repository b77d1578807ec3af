package dialtone.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.event.CallEvent;
import dialtone.event.RunEvent;
import dialtone.event.Event;
import dialtone.media.Sdp;
import dialtone.sip.message.Header;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.sip.transaction.ServerTransaction;
import dialtone.sip.ua.InviteSession;
import dialtone.sip.ua.ResponseHandler;
import dialtone.sip.ua.UserAgent;
import dialtone.support.Scheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What a page can do during a call with the Click To Call SDK, for one established call: DTMF (SIP INFO
 * {@code application/dtmf-relay}, what Voice Gateway expects, or RFC 4733), sendInfo ({@code application/json}
 * {@code {"text", "data"}}), mute; and the in-dialog requests the far end sends: INFO (DTMF, JSON, transcripts
 * under {@code _transcription}), re-INVITE and UPDATE (answered; hold shown). All on the UA loop.
 */
final class CallControl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UserAgent ua;
    private final Scheduler loop;
    private final Consumer<Event> publish;
    private final String scenario;
    private final InviteSession call;
    private final CallMedia media;
    private final Consumer<CallEvent> observer;

    CallControl(UserAgent ua, Consumer<Event> publish, String scenario, InviteSession call, CallMedia media,
                Consumer<CallEvent> observer) {
        this.ua = ua;
        this.loop = ua.loop();
        this.publish = publish;
        this.scenario = scenario;
        this.call = call;
        this.media = media;
        this.observer = observer;
    }

    private void emit(CallEvent e) {
        publish.accept(e);
        if (observer != null) {
            observer.accept(e);
        }
    }

    private volatile dialtone.event.Failure failure;

    /** The first thing the user asked for in the call that could not be done (DTMF nobody can receive), or null. */
    dialtone.event.Failure failure() {
        return failure;
    }

    /** libwebrtc's RTCDtmfSender (and the WebRTC spec): a ',' is a pause of 2 s. */
    static final int COMMA_MS = 2000;

    /** RFC 4733 events a little longer than INFO's: the far end's jitter buffer shortens what it plays out. */
    static int rfc4733Duration(int durationMs) {
        return Math.max(160, durationMs);
    }

    static int rfc4733Gap(int gapMs) {
        return Math.max(90, gapMs);
    }

    /**
     * How long {@code tones} take to go out, from the first tone's start to the last one's end: each tone its duration
     * and the gap after it (none after the last), each ',' {@link #COMMA_MS}.
     */
    static long sendingMs(String tones, int durationMs, int gapMs) {
        long at = 0;
        long end = 0;
        for (char c : tones.toCharArray()) {
            if (c == ',') {
                at += COMMA_MS;
                end = at;
                continue;
            }
            end = at + durationMs;
            at = end + gapMs;
        }
        return end;
    }

    /**
     * Sends DTMF; INFO mode sends one INFO per tone, {@code duration + gap} apart (JsSIP's defaults 100/500 ms); RFC
     * 4733 hands the tones to libwebrtc's DTMF sender, which plays them one after the other.
     *
     * @return completes once the last tone has been sent (its INFO gone and its duration over; or libwebrtc's
     *         sender done with it), with false at once when nothing could be sent (RFC 4733 asked for, and the answer
     *         has no telephone-event): that fails the call (exit 8); dialtone does not fall back to INFO behind the
     *         user's back
     */
    CompletableFuture<Boolean> dtmf(String tones, String mode, int durationMs, int gapMs) {
        loop.assertOnLoop();
        String t = tones.toUpperCase(Locale.ROOT);
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        if (mode.equals("rfc4733")) {
            // the media refuses at once when the far end's description has no telephone-event
            int d = rfc4733Duration(durationMs);
            int g = rfc4733Gap(gapMs);
            boolean ok = media != null && media.dtmf(t, d, g, notSent -> {
                if (notSent != null) {
                    publish.accept(new RunEvent.Warning(loop.now(), scenario, "dtmf-not-sent", notSent));
                    sent.complete(true);
                } else {
                    loop.schedule(Duration.ofMillis(sendingMs(t, d, g)), () -> sent.complete(true));
                }
            });
            emit(new CallEvent.DtmfSent(loop.now(), scenario, t, ok ? "rfc4733" : "rfc4733 refused: no telephone-event"));
            if (!ok && failure == null) {
                failure = dialtone.event.Failure.of(dialtone.event.Layer.AUDIO, dialtone.event.Cause.ASSERTION_FAILED,
                        "DTMF " + t + " was not sent: --dtmf-mode rfc4733, but the far end's answer has no"
                                + " telephone-event (use --dtmf-mode info)");
            }
            if (!ok) {
                sent.complete(false);
            }
            return sent;
        }
        emit(new CallEvent.DtmfSent(loop.now(), scenario, t, "info"));
        long at = 0;
        for (char c : t.toCharArray()) {
            if (c == ',') {
                at += COMMA_MS;
                continue;
            }
            String body = "Signal=" + c + "\r\nDuration=" + durationMs + "\r\n";
            loop.schedule(Duration.ofMillis(at), () -> {
                if (call.established()) {
                    call.request("INFO", List.of(), "application/dtmf-relay", body.getBytes(StandardCharsets.UTF_8),
                            ignoreAnswer());
                }
            });
            at += durationMs + gapMs;
        }
        loop.schedule(Duration.ofMillis(sendingMs(t, durationMs, gapMs)), () -> sent.complete(true));
        return sent;
    }

    /** The SDK's sendInfo(text, data): {@code application/json} {@code {"text": text, "data": data}}. */
    void info(String text, JsonNode data) {
        loop.assertOnLoop();
        ObjectNode o = JSON.createObjectNode();
        o.put("text", text);
        o.set("data", data == null ? JSON.createObjectNode() : data);
        String body = o.toString();
        call.request("INFO", List.of(), "application/json", body.getBytes(StandardCharsets.UTF_8), new ResponseHandler() {
            @Override
            public void onFinal(SipResponse r) {
                emit(new CallEvent.InfoSent(loop.now(), scenario, "application/json", body, r.status()));
            }

            @Override
            public void onTimeout() {
                emit(new CallEvent.InfoSent(loop.now(), scenario, "application/json", body, 408));
            }

            @Override
            public void onTransportError() {
                emit(new CallEvent.InfoSent(loop.now(), scenario, "application/json", body, 503));
            }
        });
    }

    void mute(boolean muted) {
        loop.assertOnLoop();
        if (media != null) {
            media.audio().setMuted(muted);
        }
        emit(new CallEvent.Muted(loop.now(), scenario, muted));
    }

    private static ResponseHandler ignoreAnswer() {
        return new ResponseHandler() {
            @Override
            public void onFinal(SipResponse r) {
            }

            @Override
            public void onTimeout() {
            }

            @Override
            public void onTransportError() {
            }
        };
    }

    /** In-dialog requests other than ACK/BYE/REFER; true when answered here. */
    boolean onDialogRequest(ServerTransaction st) {
        loop.assertOnLoop();
        SipRequest r = st.request();
        String ct = r.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (r.is("INFO")) {
            String body = r.bodyText();
            if (ct.startsWith("application/dtmf-relay")) {
                for (String line : body.split("\r?\n")) {
                    String l = line.trim();
                    if (l.regionMatches(true, 0, "Signal", 0, 6) && l.contains("=")) {
                        emit(new CallEvent.DtmfReceived(loop.now(), scenario, l.substring(l.indexOf('=') + 1).trim(), "INFO"));
                    }
                }
            } else if (ct.startsWith("application/dtmf")) {
                emit(new CallEvent.DtmfReceived(loop.now(), scenario, body.trim(), "INFO"));
            } else if (ct.startsWith("application/json") && transcripts(body)) {
                // shown as transcript lines
            } else {
                emit(new CallEvent.InfoReceived(loop.now(), scenario, ct.isEmpty() ? "(none)" : ct, abbreviate(body)));
            }
            ua.answer(st, 200, "OK", List.of());
            return true;
        }
        if (r.is("INVITE") || r.is("UPDATE")) {
            String offer = r.bodyText();
            if (offer.isEmpty()) {
                emit(new CallEvent.Refreshed(loop.now(), scenario, r.method(), null, false));
                ua.answer(st, 200, "OK", List.of(new Header("Contact", "<" + ua.identity().contactUri() + ">")));
                return true;
            }
            String dir = Sdp.audioDirection(offer);
            emit(new CallEvent.Refreshed(loop.now(), scenario, r.method(), dir, "sendonly".equals(dir) || "inactive".equals(dir)));
            if (media == null) {
                ua.answer(st, 488, "Not Acceptable Here", List.of());
                return true;
            }
            CompletableFuture<String> answer = media.answer(offer); // an offer inside the call
            answer.whenComplete((sdp, e) -> loop.execute(() -> {
                if (e != null) {
                    ua.answer(st, 488, "Not Acceptable Here", List.of());
                } else {
                    ua.answer(st, 200, "OK", List.of(new Header("Contact", "<" + ua.identity().contactUri() + ">")),
                            "application/sdp", sdp.getBytes(StandardCharsets.UTF_8));
                }
            }));
            return true;
        }
        return false;
    }

    /** Renders {@code {"_transcription": ...}} as transcript lines; false when the JSON carries none. */
    private boolean transcripts(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return false;
        }
        JsonNode t = root == null ? null : root.get("_transcription");
        if (t == null) {
            JsonNode data = root == null ? null : root.get("data");
            t = data == null ? null : data.get("_transcription");
        }
        if (t == null) {
            return false;
        }
        for (JsonNode item : t.isArray() ? t : List.of(t)) {
            String originator = item.path("originator").asText("?");
            JsonNode messages = item.path("messages");
            if (messages.isArray() && messages.size() > 0) {
                for (JsonNode m : messages) {
                    emit(new CallEvent.Transcript(loop.now(), scenario, originator, m.path("text").asText(m.toString())));
                }
            } else if (item.has("text")) {
                emit(new CallEvent.Transcript(loop.now(), scenario, originator, item.path("text").asText()));
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        String one = s.replace("\r", "").replace("\n", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
