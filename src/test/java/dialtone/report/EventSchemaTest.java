package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.EventTypes;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/events.md, the JSON-lines schema, is generated from the event records and the descriptions below: every
 * event type, every field (with its JSON type) and what it means, with units. This test fails when an event type or
 * a field has no description, and when the committed file is stale; {@code scripts/gen-docs} rewrites it.
 */
class EventSchemaTest {
    static final Path DOC = Path.of("docs/events.md");

    /** What each event type says, one line. */
    static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("run.started", "The first line of every run."),
            Map.entry("run.warning", "Something worth knowing that does not fail the run."),
            Map.entry("run.repeated", "Stands for events of one kind beyond ten a second in a scenario (a flood; the kind is the type, and the method or status class of SIP messages and call progress): how many were folded into this line."),
            Map.entry("run.internal-error", "A bug in dialtone caught and reported instead of crashing; the run goes on if it can."),
            Map.entry("run.finished", "The last line of every run: the verdict and the exit code."),
            Map.entry("run.overloaded", "dialtone itself fell behind (`state` `behind`: its 10 ms audio frames late or skipped) or caught up again (`recovered`, with the episode's worst second). Two seconds behind, or a media/audio failure while behind, make the run's verdict exit 10."),
            Map.entry("load.step", "One step of `load --ramp`: how many calls were held at once, whether the step passed (every call carried its media, dialtone not overloaded), and if not which side saturated."),
            Map.entry("config.fetching", "The endpoint configuration is being fetched (HTTPS GET)."),
            Map.entry("config.tls", "The configuration server's TLS session."),
            Map.entry("config.fetched", "The configuration server answered."),
            Map.entry("config.resolved", "The configuration the run uses (fetched, or from flags), secrets left out."),
            Map.entry("config.failed", "The configuration could not be fetched or is not valid."),
            Map.entry("transport.connecting", "A WebSocket (WSS) connection to the SIP server is being opened."),
            Map.entry("transport.connected", "The WebSocket is open (TLS and the HTTP upgrade done)."),
            Map.entry("transport.closed", "The WebSocket closed."),
            Map.entry("transport.failed", "The WebSocket could not be opened, or broke."),
            Map.entry("transport.reconnecting", "dialtone will open the WebSocket again after a delay."),
            Map.entry("sip.sent", "A SIP message dialtone sent (credentials masked; the human timeline shows these with `--sip-trace`)."),
            Map.entry("sip.received", "A SIP message dialtone received (escaped, credentials masked; the human timeline shows these with `--sip-trace`)."),
            Map.entry("sip.unparseable", "Bytes from the server that are not a valid SIP message (dropped)."),
            Map.entry("sip.answered", "dialtone answered a request from the server (OPTIONS, an unexpected method)."),
            Map.entry("registration.sending", "A REGISTER is being sent."),
            Map.entry("registration.challenged", "The registrar asked for digest authentication."),
            Map.entry("registration.registered", "The registrar accepted the registration."),
            Map.entry("registration.unregistered", "The registration was removed (Expires: 0) at the end of the run."),
            Map.entry("registration.failed", "The registration failed."),
            Map.entry("registration.not-needed", "The endpoint does not register (a runtime endpoint calls without it)."),
            Map.entry("call.dialing", "An INVITE is being sent."),
            Map.entry("call.progress", "A provisional answer (1xx) to the INVITE."),
            Map.entry("call.incoming", "An INVITE arrived (answering side)."),
            Map.entry("call.answered", "The call was answered (2xx to the INVITE, or dialtone's own answer)."),
            Map.entry("call.cancelling", "dialtone is cancelling the INVITE (CANCEL)."),
            Map.entry("call.ended", "The call ended (BYE either way, or a hang-up)."),
            Map.entry("call.failed", "The call failed."),
            Map.entry("call.check", "The outcome of one check of the call (--expect-audio, --expect-tone, --assert ...)."),
            Map.entry("call.dtmf-sent", "DTMF digits were sent."),
            Map.entry("call.dtmf-received", "A DTMF digit was received."),
            Map.entry("call.info-sent", "A SIP INFO was sent in the call."),
            Map.entry("call.info-received", "A SIP INFO arrived in the call."),
            Map.entry("call.transcript", "A transcript line the far end sent (in an INFO)."),
            Map.entry("call.muted", "The sender was muted or unmuted."),
            Map.entry("call.refreshed", "The call was renegotiated (re-INVITE or UPDATE), e.g. hold or resume."),
            Map.entry("call.step", "One line of a call script (--script) was carried out."),
            Map.entry("call.summary", "The call's figures at its end."),
            Map.entry("media.gathering", "ICE candidate gathering started or finished."),
            Map.entry("media.candidate", "One local ICE candidate offered to the far end."),
            Map.entry("media.ice-state", "The ICE connection state changed."),
            Map.entry("media.connection-state", "The peer connection state changed."),
            Map.entry("media.selected-pair", "The ICE candidate pair the media flows on."),
            Map.entry("media.dtls", "The DTLS-SRTP handshake: connecting, then connected with its facts."),
            Map.entry("media.first-audio", "The first audible frame from the far end."),
            Map.entry("media.stats", "A media statistics sample (about once a second; less often with many calls)."),
            Map.entry("media.outage", "A span without the far end's media (no packets, silence where it had sent audio, ICE disconnected, relay lost), when it ends: 1 s or more fails the call (exit 7), shorter is a warning."),
            Map.entry("media.presence", "The call's media presence at its end: packets received and sent against what the packet time makes, and the outages."),
            Map.entry("media.recording-saved", "The received audio was written to the --record file."),
            Map.entry("probe.check", "One check of `dialtone probe`."),
            Map.entry("probe.verdict", "The probe's conclusion: which ways media can take."),
            Map.entry("speech.turn", "One far-end spoken turn (voice activity detection on the decoded audio), when it has ended."),
            Map.entry("speech.said", "What dialtone said (a script's say or barge-in), once it had been sent."),
            Map.entry("speech.summary", "The call's conversation figures, at its end."));

    /** What each field means (by name; "type.field" where a name means something else in one type). */
    static final Map<String, String> FIELDS = Map.ofEntries(
            Map.entry("type", "The event type (this section's name)."),
            Map.entry("t", "Milliseconds since `run.started`."),
            Map.entry("tUs", "Microseconds since `run.started` (the same instant as `t`, at sub-millisecond resolution)."),
            Map.entry("at", "When it happened: ISO-8601, UTC, nanosecond precision."),
            Map.entry("scenario", "Which run or call it belongs to: the command's name, `call#N` in `load`, `inbound#N` when answering."),
            Map.entry("schemaVersion", "The version of this schema (1). Fields are added without a change of version; a field removed, renamed or changed in meaning changes it."),
            Map.entry("tool", "`dialtone`."),
            Map.entry("version", "dialtone's version."),
            Map.entry("command", "The subcommand (`call`, `register`, ...)."),
            Map.entry("code", "A stable name for the warning: `user-id-personal-data`, `rtp-stopped`, `bye-unanswered`, `dtmf-not-sent`, `media-close-slow`, `probe-deadline`, `load-held-back` (a new call waited while dialtone was behind), `load-given-up` (the calls not yet placed were given up after 20 s behind), `stt-failed`."),
            Map.entry("transport.closed.code", "The WebSocket close code (RFC 6455)."),
            Map.entry("message", "What happened, in words (escaped)."),
            Map.entry("run.overloaded.state", "`behind` when an episode starts, `recovered` when it ends (also at the end of the run)."),
            Map.entry("run.overloaded.calls", "Calls sending audio during the second (the worst one for `recovered`)."),
            Map.entry("run.overloaded.lateMsP95", "95th percentile of how late the audio pump's 10 ms frames were against their due time, ms."),
            Map.entry("run.overloaded.lateMsMax", "The latest frame of the second, ms."),
            Map.entry("run.overloaded.skippedShare", "Share (0 to 1) of the second's due frames that the pump skipped (more than 200 ms behind)."),
            Map.entry("run.overloaded.cpuCores", "Cores this process used during the second (1.0 = one core); -1 unknown."),
            Map.entry("run.overloaded.coresAvailable", "Cores this process may use: its CPU affinity and cgroup quota, the fewer; -1 unknown."),
            Map.entry("run.overloaded.machineBusy", "Share (0 to 1) of the whole machine's CPU that was busy (anyone's); -1 unknown."),
            Map.entry("run.overloaded.behindMs", "For `recovered`: how long the episode lasted, ms (0 for `behind`)."),
            Map.entry("load.step.step", "The step's number, from 1."),
            Map.entry("load.step.concurrency", "Calls held at once in this step."),
            Map.entry("load.step.calls", "Calls of the step that ended with a verdict."),
            Map.entry("load.step.passed", "Calls of the step that passed."),
            Map.entry("load.step.failed", "Calls of the step that failed."),
            Map.entry("load.step.overloaded", "Whether dialtone was overloaded during the step."),
            Map.entry("load.step.stepPassed", "Whether the step passed: every call passed and dialtone was not overloaded."),
            Map.entry("load.step.saturated", "For a failed step, the side that saturated: `dialtone` (its own limit) or `far end` (calls failed while dialtone kept up); null when it passed."),
            Map.entry("load.step.reason", "Why the step failed, in words; null when it passed."),
            Map.entry("load.step.summary", "The step's figures: concurrency, passed, calls, callsPassed, overloadedSeconds, frameLateMsP95Max, cpuCoresMax, mosMin, setupMsP95, heldBack, and saturated/reason when it failed."),
            Map.entry("of", "The type of the folded events."),
            Map.entry("times", "How many events were folded."),
            Map.entry("last", "When the last folded event happened."),
            Map.entry("where", "The component where the bug was caught."),
            Map.entry("passed", "Whether it passed."),
            Map.entry("speech.turn.turn", "The turn's number in the call, from 1."),
            Map.entry("startedAt", "When the speech started, as heard (far end) or sent (dialtone) here: ISO-8601, UTC."),
            Map.entry("endedAt", "When the speech ended, as heard (far end) or sent (dialtone) here: ISO-8601, UTC."),
            Map.entry("speech.turn.talkMs", "How long the far end spoke (milliseconds)."),
            Map.entry("latencyMs", "Response latency: from the end of our previous speech to the start of this turn (ms; negative when it started before we had finished). Absent when we had not spoken since the far end's previous turn began."),
            Map.entry("overrunMs", "From the start of our speech that talked over this turn (barge-in) to the turn's end (ms). Absent unless we talked over it."),
            Map.entry("silenceBeforeMs", "Dead air before the turn: since the end of the last speech of either side, or the answer (ms)."),
            Map.entry("words", "What the far end said in this turn, when known (escaped)."),
            Map.entry("wordsSource", "Where the words come from: `platform` (an INFO `_transcription`) or `stt` (--stt-command)."),
            Map.entry("what", "The text said, or @FILE for a recording (escaped)."),
            Map.entry("bargeIn", "Whether it was a barge-in (spoken into the far end's turn)."),
            Map.entry("turns", "How many far-end turns were heard."),
            Map.entry("greetingMs", "Time to greeting: from the answer to the far end's first speech (ms). Absent when it never spoke."),
            Map.entry("latencyP50Ms", "The median response latency over the turns that had one (ms, nearest rank)."),
            Map.entry("latencyP95Ms", "The 95th percentile response latency (ms, nearest rank)."),
            Map.entry("latencyMaxMs", "The largest response latency (ms); `--assert latency<...` checks this one."),
            Map.entry("longestDeadAirMs", "The longest time nobody spoke, from the answer to the last speech, and after our last speech until the call ended when the far end never answered it (ms)."),
            Map.entry("overrunMaxMs", "The largest barge-in overrun (ms). Absent without a barge-in."),
            Map.entry("probe.verdict.passed", "How many checks passed."),
            Map.entry("failed", "How many checks failed."),
            Map.entry("exitCode", "The process's exit code (see the README's exit codes)."),
            Map.entry("durationMs", "Milliseconds the run took."),
            Map.entry("failure", "Why it failed: see Failure below. Absent when it passed."),
            Map.entry("summary", "The command's figures (call: setupMs, talkMs, mos, stats; load: calls, passed, failed, percentiles (left out when no call has the figure, never -1); register: registrations, refreshes ...)."),
            Map.entry("sip.sent.summary", "The start line (`INVITE sip:... SIP/2.0`, `SIP/2.0 200 OK`)."),
            Map.entry("sip.received.summary", "The start line (`INVITE sip:... SIP/2.0`, `SIP/2.0 200 OK`)."),
            Map.entry("url", "The URL, with the configuration token masked."),
            Map.entry("tls", "The TLS session: see TlsFacts below."),
            Map.entry("status", "The SIP status code."),
            Map.entry("config.fetched.status", "The HTTP status code."),
            Map.entry("contentType", "The Content-Type."),
            Map.entry("bytes", "Size in bytes."),
            Map.entry("timing", "How long each step of the request took: see HttpTiming below."),
            Map.entry("config", "The configuration: see ConfigSummary below."),
            Map.entry("attempt", "The connection attempt, from 1."),
            Map.entry("subprotocol", "The WebSocket sub-protocol agreed (`sip`)."),
            Map.entry("handshakeMs", "Milliseconds from the TCP connect to the end of the WebSocket upgrade."),
            Map.entry("transport.connected.localAddress", "The TCP connection's local end, `ip:port` (IPv6 in brackets); null when unknown."),
            Map.entry("transport.connected.remoteAddress", "The TCP connection's remote end (the SIP server), `ip:port`; null when unknown."),
            Map.entry("reason", "The reason phrase or reason given (escaped)."),
            Map.entry("byLocal", "Whether dialtone closed it."),
            Map.entry("delayMs", "Milliseconds until the next attempt."),
            Map.entry("raw", "The whole message (credentials masked, escaped)."),
            Map.entry("error", "Why it could not be parsed."),
            Map.entry("method", "The SIP method."),
            Map.entry("aor", "The address of record (`sip:user@realm`)."),
            Map.entry("expires", "Seconds the registration lasts (asked for, or granted)."),
            Map.entry("refresh", "Whether this is a refresh of a live registration."),
            Map.entry("realm", "The digest realm."),
            Map.entry("algorithm", "The digest algorithm (MD5, SHA-256, ...)."),
            Map.entry("stale", "Whether the server said the nonce was stale."),
            Map.entry("contacts", "How many Contact bindings the registrar listed."),
            Map.entry("target", "The request target (SIP URI)."),
            Map.entry("probe.check.target", "What the check was aimed at (host:port or URL)."),
            Map.entry("codecs", "The audio codecs offered, in order."),
            Map.entry("earlyMedia", "Whether the answer carried SDP (early media)."),
            Map.entry("from", "The caller (From header, escaped)."),
            Map.entry("callId", "The Call-ID."),
            Map.entry("setupMs", "Milliseconds from the INVITE to the answer."),
            Map.entry("codec", "The audio codec agreed (`opus/48000/2`, `PCMU/8000`)."),
            Map.entry("why", "Why dialtone cancels."),
            Map.entry("by", "Who ended it."),
            Map.entry("talkMs", "Milliseconds from the answer to the end."),
            Map.entry("name", "The check's name (e.g. `expect-tone 1000`)."),
            Map.entry("detail", "What was measured or found (escaped)."),
            Map.entry("digits", "The digits sent."),
            Map.entry("mode", "How DTMF was sent: `rfc4733` (RTP telephone-events), `info` (SIP INFO), or `rfc4733 refused: no telephone-event` when the far end did not accept telephone-event."),
            Map.entry("digit", "The digit received."),
            Map.entry("via", "How it arrived: `INFO` (SIP INFO) or `audio` (detected in the received audio)."),
            Map.entry("body", "The body (escaped, bounded)."),
            Map.entry("originator", "Who said it, as the far end labels it (`?` when it does not)."),
            Map.entry("text", "The transcript text (escaped)."),
            Map.entry("muted", "Whether the sender is muted now."),
            Map.entry("direction", "The audio direction of the far end's new offer (`sendrecv`, `sendonly`, `recvonly`, `inactive`); absent when it had none."),
            Map.entry("hold", "Whether the call is on hold after it."),
            Map.entry("line", "The script's line number, from 1."),
            Map.entry("call.step.command", "The script line's command."),
            Map.entry("mos", "An estimated MOS, 1 to 4.5, from the simplified ITU-T G.107 E-model (loss, jitter, round-trip time); -1 when nothing was received."),
            Map.entry("stats", "The media figures: see MediaStats below."),
            Map.entry("state", "The new state (libwebrtc's names in lower case: `new`, `checking`, `connected`, `completed`, `failed`, `closed`, ...)."),
            Map.entry("candidateType", "`host`, `srflx`, `prflx` or `relay`."),
            Map.entry("protocol", "`udp` or `tcp`."),
            Map.entry("address", "The candidate's IP address."),
            Map.entry("port", "The candidate's port."),
            Map.entry("relayProtocol", "For a relay candidate: how dialtone reaches the TURN server (`udp`, `tcp`, `tls`)."),
            Map.entry("localType", "The local candidate's type."),
            Map.entry("localProtocol", "The local candidate's protocol."),
            Map.entry("localAddress", "The local candidate's address:port."),
            Map.entry("remoteType", "The remote candidate's type."),
            Map.entry("remoteAddress", "The remote candidate's address:port."),
            Map.entry("rttMs", "Round-trip time in milliseconds."),
            Map.entry("role", "dialtone's DTLS role: `client` or `server`."),
            Map.entry("tlsVersion", "The DTLS version as libwebrtc reports it (`FEFD` is DTLS 1.2)."),
            Map.entry("cipher", "The DTLS cipher suite."),
            Map.entry("srtpProfile", "The SRTP protection profile."),
            Map.entry("remoteFingerprint", "The far end's certificate fingerprint (algorithm and hex)."),
            Map.entry("fingerprintMatches", "Whether it matches the a=fingerprint of the far end's SDP."),
            Map.entry("sinceAnswerMs", "Milliseconds from the answer to the first audible frame."),
            Map.entry("path", "The file written."),
            Map.entry("seconds", "Seconds of audio written."),
            Map.entry("sampleRate", "Samples per second."),
            Map.entry("channels", "Audio channels."),
            Map.entry("check", "The check's name (e.g. `https`, `wss`, `stun`, `turn`)."),
            Map.entry("transport", "The transport the check used (`udp`, `tcp`, `tls`)."),
            Map.entry("ms", "Milliseconds the check took."),
            Map.entry("facts", "What the check found (e.g. the mapped address)."),
            Map.entry("mediaWays", "The ways media can take: `direct UDP`, `TURN/UDP`, `TURN/TCP`, `TURNS`."),
            Map.entry("turnRequired", "Whether only a relay works."),
            Map.entry("firstBroken", "The first check that failed, in the order a call needs them."),
            // Failure
            Map.entry("layer", "The layer that failed (it also names the exit code)."),
            Map.entry("cause", "A stable cause name."),
            Map.entry("Failure.originator", "Who caused it."),
            Map.entry("Failure.status", "The SIP or HTTP status involved, or 0."),
            // TlsFacts
            Map.entry("cipherSuite", "The TLS cipher suite."),
            Map.entry("subject", "The certificate's subject (escaped)."),
            Map.entry("issuer", "The certificate's issuer (escaped)."),
            Map.entry("notAfter", "When the certificate expires."),
            Map.entry("subjectAltNames", "The certificate's subject alternative names."),
            Map.entry("TlsFacts.protocol", "The TLS version (`TLSv1.3`)."),
            // HttpTiming
            Map.entry("dnsMs", "Milliseconds resolving the host (0 for an IP address)."),
            Map.entry("connectMs", "Milliseconds to connect TCP (-1 when not measured)."),
            Map.entry("tlsMs", "Milliseconds of the TLS handshake (-1 for plain HTTP)."),
            Map.entry("firstByteMs", "Milliseconds from the request to the answer's first byte."),
            Map.entry("totalMs", "Milliseconds for the whole request."),
            Map.entry("dnsUs", "`dnsMs` in microseconds (-1 when not measured)."),
            Map.entry("connectUs", "`connectMs` in microseconds (-1 when not measured)."),
            Map.entry("tlsUs", "`tlsMs` in microseconds (-1 for plain HTTP or when not measured)."),
            Map.entry("firstByteUs", "`firstByteMs` in microseconds (-1 when not measured)."),
            Map.entry("totalUs", "`totalMs` in microseconds (-1 when not measured)."),
            // ConfigSummary
            Map.entry("source", "Where the configuration came from: `endpoint` (fetched) or `flags`."),
            Map.entry("ConfigSummary.mode", "`legacy` (SIP credentials: registers), `runtime` (calls without registering) or `direct` (facts from flags)."),
            Map.entry("register", "Whether the run registers."),
            Map.entry("wsUri", "The SIP server's WebSocket URI."),
            Map.entry("authUser", "The digest user name."),
            Map.entry("userId", "The user id (session identity; a warning says when it looks like personal data)."),
            Map.entry("userIdDerived", "Whether dialtone derived the user id (the SDK's rule) rather than being given one."),
            Map.entry("ConfigSummary.aor", "The address dialtone registers as."),
            Map.entry("ConfigSummary.target", "The call target the configuration names."),
            Map.entry("headers", "The X- headers the calls carry (escaped)."),
            Map.entry("widgetActive", "`webrtcWidgetConfig.active`, when the configuration has it."),
            Map.entry("passwordPresent", "Whether a SIP password is present (never the password)."),
            Map.entry("organisationId", "The Cognigy organisation id, when the configuration has it."),
            Map.entry("projectId", "The Cognigy project id, when the configuration has it."),
            Map.entry("endpointId", "The endpoint's id, when the configuration has it."),
            Map.entry("endpointName", "The endpoint's name, when the configuration has it."),
            // MediaStats
            Map.entry("packetsReceived", "RTP packets received so far."),
            Map.entry("packetsLost", "RTP packets lost so far (as the receiver counts them)."),
            Map.entry("packetsSent", "RTP packets sent so far (padding-only packets of bandwidth probing included)."),
            Map.entry("bytesReceived", "RTP payload bytes received so far."),
            Map.entry("bytesSent", "RTP payload bytes sent so far."),
            Map.entry("bitrateInKbps", "Received payload bitrate over the last interval, kbit/s."),
            Map.entry("bitrateOutKbps", "Sent payload bitrate over the last interval, kbit/s."),
            Map.entry("jitterMs", "Interarrival jitter in milliseconds (RFC 3550)."),
            Map.entry("MediaStats.rttMs", "Round-trip time from RTCP, milliseconds."),
            Map.entry("audioLevel", "The received audio level, 0 to 1."),
            // media.outage, media.presence
            Map.entry("start", "When the outage began: the last packet before it (ISO-8601, UTC, millisecond precision)."),
            Map.entry("end", "When it ended: the first packet after it, or the end of the call."),
            Map.entry("lengthMs", "Its length in milliseconds (measured to about a packet time: +-150 ms calibrated)."),
            Map.entry("media.outage.cause", "`no-packets`, `silence` (packets of silence after continuous audio), `ice-disconnected` or `relay-lost` (the TURN server of a relayed path stopped answering)."),
            Map.entry("failing", "Whether it fails the call (1 s or longer)."),
            Map.entry("untilEnd", "Whether the call ended inside it."),
            Map.entry("iceDisconnectedMs", "Milliseconds of it during which ICE was disconnected."),
            Map.entry("media.outage.message", "The outage in words."),
            Map.entry("expectedPerSecondIn", "Packets a second the far end's packet time makes (measured from the samples per packet, else its a=ptime, else 20 ms); -1 when not judged."),
            Map.entry("expectedPerSecondOut", "Packets a second dialtone's packet time makes (the far end's a=ptime, else 20 ms); -1 when not judged."),
            Map.entry("receivedPct", "Packets received over the call, in % of what the far end's packet time makes beside its glitches (outages under 1 s, judged apart); -1 when not judged."),
            Map.entry("sentPct", "Packets sent over the call, in % of what the packet time makes; -1 when not judged."),
            Map.entry("worstSecondReceivedPct", "The worst second (stats interval) of packets received, in % (a late burst counts for the second it was due in; glitches under 1 s are judged apart)."),
            Map.entry("worstSecondSentPct", "The worst second (stats interval) of packets sent, in %."),
            Map.entry("secondsJudged", "Stats intervals judged (the first and last partial seconds are not)."),
            Map.entry("packetsExpected", "Packets the far end should have sent in the judged intervals; -1 when not judged."),
            Map.entry("packetsMissing", "Packets that did not come (what the MOS counts as lost when it is more than packetsLost)."),
            Map.entry("outages", "How many outages (200 ms or longer) the call had."),
            Map.entry("outageMs", "Their total length, milliseconds."),
            Map.entry("longestOutageMs", "The longest, milliseconds."),
            Map.entry("notJudged", "Why a direction's packet rate is not judged (the far end's SDP says it does not send or receive; DTX negotiated); absent when both are."),
            Map.entry("media.presence.passed", "Whether the media was present: no outage of 1 s or more, at least 95 % of the packets over the call and 80 % in every second."),
            Map.entry("MediaStats.codec", "The codec as libwebrtc names it (`audio/opus`, `audio/PCMU`)."));

    /** The nested objects, documented once each. */
    static final List<Class<?>> NESTED = List.of(dialtone.event.Failure.class, dialtone.event.TlsFacts.class,
            dialtone.event.HttpTiming.class, dialtone.event.ConfigSummary.class, dialtone.event.MediaStats.class);

    static String jsonType(Class<?> t) {
        if (t == String.class) {
            return "string";
        }
        if (t == int.class || t == long.class || t == Integer.class || t == Long.class) {
            return "integer";
        }
        if (t == double.class || t == Double.class || t == float.class) {
            return "number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "boolean";
        }
        if (t == Instant.class) {
            return "string (ISO-8601)";
        }
        if (t.isEnum()) {
            return "string (" + String.join(", ", Arrays.stream(t.getEnumConstants()).map(Object::toString).toList()) + ")";
        }
        if (Map.class.isAssignableFrom(t)) {
            return "object";
        }
        if (List.class.isAssignableFrom(t)) {
            return "array";
        }
        if (t.isRecord()) {
            return "object (" + t.getSimpleName() + ")";
        }
        return t.getSimpleName();
    }

    static String describe(String owner, String field) {
        String d = FIELDS.get(owner + "." + field);
        return d != null ? d : FIELDS.get(field);
    }

    static List<String> missing = new ArrayList<>();

    static String row(String owner, String field, String type) {
        String d = describe(owner, field);
        if (d == null) {
            missing.add(owner + "." + field);
            d = "";
        }
        return "| `" + field + "` | " + type.replace("|", "\\|") + " | " + d.replace("|", "\\|") + " |\n";
    }

    static String generate() {
        missing = new ArrayList<>();
        StringBuilder s = new StringBuilder();
        s.append("# Events: the JSON-lines schema (`--json`)\n\n");
        s.append("Generated from the event records by `scripts/gen-docs` (EventSchemaTest fails when this file is stale, or\n");
        s.append("when an event type or a field has no description). One JSON object per line; the first line is `run.started`,\n");
        s.append("the last `run.finished`. Schema version ").append(JsonLinesReporter.SCHEMA_VERSION)
                .append(" (in `run.started`): fields may be added without a new version; a field removed,\n");
        s.append("renamed or changed in meaning, or an event type removed, changes it. Fields whose value is unknown are\n");
        s.append("left out rather than written as null. Durations are milliseconds (`...Ms`), times ISO-8601 UTC.\n");
        s.append("Everything a server or a configuration sent is escaped (control and bidi characters), and secrets are masked.\n\n");
        s.append("Every event has these fields:\n\n| field | JSON type | meaning |\n|---|---|---|\n");
        s.append(row("", "type", "string"));
        s.append(row("", "t", "integer"));
        s.append(row("", "tUs", "integer"));
        s.append(row("", "at", jsonType(Instant.class)));
        s.append(row("", "scenario", "string"));
        s.append("\n## Event types\n");
        // by family, in the order the records are declared (the order things happen in)
        List<Class<?>> leaves = new ArrayList<>(EventTypes.leaves());
        leaves.sort(Comparator.comparingInt(c -> familyOrder(EventTypes.name(c))));
        for (Class<?> leaf : leaves) {
            String name = EventTypes.name(leaf);
            String what = TYPES.get(name);
            if (what == null) {
                missing.add(name);
                what = "";
            }
            s.append("\n### `").append(name).append("`\n\n").append(what).append("\n");
            List<RecordComponent> own = new ArrayList<>();
            for (RecordComponent rc : leaf.getRecordComponents()) {
                if (!rc.getName().equals("at") && !rc.getName().equals("scenario")) {
                    own.add(rc);
                }
            }
            if (!own.isEmpty()) {
                s.append("\n| field | JSON type | meaning |\n|---|---|---|\n");
                for (RecordComponent rc : own) {
                    s.append(row(name, rc.getName(), jsonType(rc.getType())));
                }
            }
        }
        s.append("\n## Objects inside events\n");
        for (Class<?> n : NESTED) {
            s.append("\n### ").append(n.getSimpleName()).append("\n\n| field | JSON type | meaning |\n|---|---|---|\n");
            for (RecordComponent rc : n.getRecordComponents()) {
                s.append(row(n.getSimpleName(), rc.getName(), jsonType(rc.getType())));
            }
        }
        return s.toString();
    }

    static final List<String> FAMILIES = List.of("run", "config", "transport", "sip", "registration", "call", "media", "probe");

    static int familyOrder(String type) {
        int i = FAMILIES.indexOf(type.substring(0, type.indexOf('.')));
        return i < 0 ? FAMILIES.size() : i;
    }

    @Test
    void everyEventTypeAndFieldIsDocumentedAndTheFileIsCurrent() throws IOException {
        String doc = generate();
        assertEquals(List.of(), missing, "event types or fields without a description in EventSchemaTest");
        if (Boolean.getBoolean("dialtone.regen")) {
            Files.writeString(DOC, doc);
        }
        assertTrue(Files.exists(DOC), DOC + " is missing: run scripts/gen-docs");
        assertEquals(doc, Files.readString(DOC), DOC + " is stale: run scripts/gen-docs");
    }

    @Test
    void everyDescribedTypeExists() {
        Set<String> names = new LinkedHashSet<>();
        for (Class<?> c : EventTypes.leaves()) {
            names.add(EventTypes.name(c));
        }
        List<String> stale = TYPES.keySet().stream().filter(n -> !names.contains(n)).sorted().toList();
        assertEquals(List.of(), stale, "descriptions of event types that no longer exist");
    }
}
