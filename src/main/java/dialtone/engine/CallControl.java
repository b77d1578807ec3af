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

    /**
     * Sends DTMF; INFO mode sends one INFO per tone, {@code duration + gap} apart (JsSIP's defaults 100/500 ms).
     *
     * @return false when nothing could be sent (RFC 4733 asked for, and the answer has no telephone-event): that
     *         fails the call (exit 8); dialtone does not fall back to INFO behind the user's back
     */
    boolean dtmf(String tones, String mode, int durationMs, int gapMs) {
        loop.assertOnLoop();
        String t = tones.toUpperCase(Locale.ROOT);
        if (mode.equals("rfc4733")) {
            // RFC 4733 events a little longer than INFO's: the far end's jitter buffer shortens what it plays out
            // whether the far end takes telephone-event is in its answer; the native insert runs off the loop
            String remote = media == null ? null : media.remoteDescription();
            boolean ok = remote != null && Sdp.audioCodecs(remote).toLowerCase(Locale.ROOT).contains("telephone-event");
            if (ok) {
                media.insertDtmf(t, Math.max(160, durationMs), Math.max(90, gapMs)).whenComplete((sent, e) ->
                        loop.execute(() -> {
                            if (!Boolean.TRUE.equals(sent)) {
                                publish.accept(new RunEvent.Warning(loop.now(), scenario, "dtmf-not-sent", "libwebrtc did not send DTMF "
                                        + t + (e == null ? "" : ": " + e.getMessage())));
                            }
                        }));
            }
            emit(new CallEvent.DtmfSent(loop.now(), scenario, t, ok ? "rfc4733" : "rfc4733 refused: no telephone-event"));
            if (!ok && failure == null) {
                failure = dialtone.event.Failure.of(dialtone.event.Layer.AUDIO, dialtone.event.Cause.ASSERTION_FAILED,
                        "DTMF " + t + " was not sent: --dtmf-mode rfc4733, but the far end's answer has no"
                                + " telephone-event (use --dtmf-mode info)");
            }
            return ok;
        }
        emit(new CallEvent.DtmfSent(loop.now(), scenario, t, "info"));
        long at = 0;
        for (char c : t.toCharArray()) {
            if (c == ',') {
                at += 2000;
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
        return true;
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
        if (media != null) {
            media.setMuted(muted);
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
            CompletableFuture<String> answer = media.reanswer(offer);
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
