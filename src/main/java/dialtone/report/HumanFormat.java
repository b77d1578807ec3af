package dialtone.report;

import dialtone.event.CallEvent;
import dialtone.event.ConfigEvent;
import dialtone.event.MediaEvent;
import dialtone.event.ProbeEvent;
import dialtone.event.ConfigSummary;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.HttpTiming;
import dialtone.event.RegistrationEvent;
import dialtone.event.RunEvent;
import dialtone.event.SipEvent;
import dialtone.event.TlsFacts;
import dialtone.event.TransportEvent;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How each event reads to a person: a short tag naming the layer, and one line (sometimes a few indented ones).
 * Pure: no terminal handling, no colour; {@link HumanReporter} adds those. The dispatch is an instanceof chain
 * that ends in an exception, and a test walks every event type through it.
 */
public final class HumanFormat {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /** A rendered event: its layer tag, its kind (for colour) and its lines. */
    public record Rendered(String tag, Kind kind, List<String> lines) {
        /** Every line is made printable here, whatever built it: server and config text never reaches a terminal raw. */
        public Rendered {
            lines = lines.stream().map(dialtone.support.Printable::escape).toList();
        }
    }

    public enum Kind { INFO, GOOD, BAD, WARN, DETAIL }

    private final boolean sipTrace;

    public HumanFormat(boolean sipTrace) {
        this.sipTrace = sipTrace;
    }

    /** Null when the event is not shown at this verbosity. */
    public Rendered render(Event e) {
        if (e instanceof RunEvent r) {
            return run(r);
        } else if (e instanceof ConfigEvent c) {
            return config(c);
        } else if (e instanceof TransportEvent t) {
            return transport(t);
        } else if (e instanceof SipEvent s) {
            return sip(s);
        } else if (e instanceof RegistrationEvent r) {
            return registration(r);
        } else if (e instanceof CallEvent c) {
            return call(c);
        } else if (e instanceof MediaEvent m) {
            return media(m);
        } else if (e instanceof ProbeEvent p) {
            return probe(p);
        } else if (e instanceof dialtone.event.SpeechEvent s) {
            return SpeechFormat.render(s);
        }
        throw new IllegalStateException("unhandled " + e);
    }

    private Rendered probe(ProbeEvent e) {
        if (e instanceof ProbeEvent.Check c) {
            String what = String.format("%-5s %-4s %-34s %6d ms  %s", c.check(), c.transport() == null ? "" : c.transport(),
                    c.target(), c.ms(), c.detail());
            return one(c.passed() ? "ok" : "FAIL", c.passed() ? Kind.GOOD : Kind.BAD, what);
        } else if (e instanceof ProbeEvent.Verdict v) {
            List<String> l = new ArrayList<>();
            l.add(v.passed() + " passed, " + v.failed() + " failed");
            l.add("  media can use: " + (v.mediaWays().isEmpty() ? "nothing that was checked" : String.join(", ", v.mediaWays())));
            if (v.turnRequired() != null) {
                l.add("  TURN required: " + (v.turnRequired() ? "yes (direct UDP did not work)" : "no"));
            }
            if (v.firstBroken() != null) {
                l.add("  first broken layer: " + v.firstBroken());
            }
            return new Rendered("probe", v.failed() == 0 ? Kind.GOOD : Kind.BAD, l);
        }
        throw new IllegalStateException("unhandled " + e);
    }

    private Rendered call(CallEvent e) {
        if (e instanceof CallEvent.Dialing d) {
            return lines("call", Kind.INFO, "INVITE " + d.target(), "offering " + d.codecs());
        } else if (e instanceof CallEvent.Progress p) {
            return one("call", Kind.INFO, p.status() + " " + p.reason() + (p.earlyMedia() ? " (early media)" : ""));
        } else if (e instanceof CallEvent.Incoming i) {
            return one("call", Kind.INFO, "incoming call from " + i.from());
        } else if (e instanceof CallEvent.Answered a) {
            return one("call", Kind.GOOD, "answered" + (a.setupMs() > 0 ? " after " + a.setupMs() + " ms" : "")
                    + (a.codec() == null || a.codec().isEmpty() ? "" : ", codec " + a.codec()));
        } else if (e instanceof CallEvent.Cancelling c) {
            return one("call", Kind.WARN, "CANCEL: " + c.why());
        } else if (e instanceof CallEvent.Ended x) {
            return one("call", Kind.INFO, "ended by " + x.by().name().toLowerCase(java.util.Locale.ROOT) + ": " + x.reason()
                    + (x.talkMs() > 0 ? String.format(" after %.1f s of talk", x.talkMs() / 1000.0) : ""));
        } else if (e instanceof CallEvent.Failed f) {
            return one("call", Kind.BAD, f.failure().message());
        } else if (e instanceof CallEvent.Check c) {
            return one("check", c.passed() ? Kind.GOOD : Kind.BAD, (c.passed() ? "ok   " : "FAIL ") + c.name() + ": " + c.detail());
        } else if (e instanceof CallEvent.DtmfSent d) {
            return one("dtmf", Kind.INFO, "sent " + d.digits() + " (" + d.mode() + ")");
        } else if (e instanceof CallEvent.DtmfReceived d) {
            return one("dtmf", Kind.GOOD, "received " + d.digit() + " (" + d.via() + ")");
        } else if (e instanceof CallEvent.InfoSent i) {
            return one("info", i.status() / 100 == 2 ? Kind.INFO : Kind.BAD, "sent INFO " + i.contentType() + " " + i.body()
                    + " -> " + i.status());
        } else if (e instanceof CallEvent.InfoReceived i) {
            return one("info", Kind.INFO, "received INFO " + i.contentType() + " " + i.body());
        } else if (e instanceof CallEvent.Transcript t) {
            return one("say", Kind.GOOD, t.originator() + ": " + t.text());
        } else if (e instanceof CallEvent.Muted m) {
            return one("call", Kind.INFO, m.muted() ? "muted (sending silence)" : "unmuted");
        } else if (e instanceof CallEvent.Refreshed r) {
            return one("call", r.hold() ? Kind.WARN : Kind.INFO, r.method() + " from the far end"
                    + (r.direction() == null ? "" : ", direction " + r.direction()) + (r.hold() ? " (on hold)" : ""));
        } else if (e instanceof CallEvent.Step st) {
            return one("step", st.passed() ? Kind.GOOD : Kind.BAD, (st.line() > 0 ? "#" + st.line() + " " : "") + st.command()
                    + (st.detail() == null || st.detail().isEmpty() ? "" : ": " + st.detail()) + (st.passed() ? "" : " (FAILED)"));
        } else if (e instanceof CallEvent.Summary s) {
            List<String> l = new ArrayList<>();
            l.add(String.format("setup %s, talk %.1f s, estimated MOS %s", s.setupMs() > 0 ? s.setupMs() + " ms" : "n/a",
                    s.talkMs() / 1000.0, s.mos() < 0 ? "n/a (nothing received)" : String.format("%.2f", s.mos())));
            if (s.stats() != null) {
                l.add("  " + stats(s.stats()));
            }
            return new Rendered("call", Kind.INFO, l);
        }
        throw new IllegalStateException("unhandled " + e);
    }

    private Rendered media(MediaEvent e) {
        if (e instanceof MediaEvent.Gathering g) {
            return one("ice", Kind.DETAIL, g.state().equals("gathering") ? "gathering candidates" : "gathering " + g.state());
        } else if (e instanceof MediaEvent.Candidate c) {
            return one("ice", Kind.INFO, "local candidate " + c.candidateType() + " " + c.protocol() + " " + c.address() + ":" + c.port()
                    + (c.relayProtocol() == null ? "" : " relayed over " + c.relayProtocol()));
        } else if (e instanceof MediaEvent.IceState s) {
            return one("ice", s.state().equals("failed") ? Kind.BAD : s.state().equals("connected") || s.state().equals("completed")
                    ? Kind.GOOD : Kind.INFO, "ICE " + s.state());
        } else if (e instanceof MediaEvent.ConnectionState s) {
            return one("pc", Kind.DETAIL, "peer connection " + s.state());
        } else if (e instanceof MediaEvent.SelectedPair p) {
            return one("ice", Kind.GOOD, "selected pair: local " + p.localType() + " " + p.localProtocol() + " " + p.localAddress()
                    + " <-> remote " + p.remoteType() + " " + p.remoteAddress()
                    + (p.relayProtocol() == null ? "" : ", relay over " + p.relayProtocol())
                    + (p.rttMs() >= 0 ? String.format(", rtt %.1f ms", p.rttMs()) : ""));
        } else if (e instanceof MediaEvent.Dtls d) {
            if (d.cipher() == null) {
                return one("dtls", d.state().equals("failed") ? Kind.BAD : Kind.DETAIL, "DTLS " + d.state());
            }
            return lines("dtls", Kind.GOOD, "DTLS connected" + (d.role() == null ? "" : " as " + d.role()) + ": "
                    + dtlsVersion(d.tlsVersion()) + " " + d.cipher() + ", SRTP " + d.srtpProfile(),
                    "remote fingerprint " + d.remoteFingerprint() + (d.fingerprintMatches() == null ? ""
                            : d.fingerprintMatches() ? " (matches the SDP)" : " (DOES NOT MATCH the SDP)"));
        } else if (e instanceof MediaEvent.FirstAudio f) {
            return one("rtp", Kind.GOOD, "first remote audio " + f.sinceAnswerMs() + " ms after the answer");
        } else if (e instanceof MediaEvent.Stats s) {
            return one("rtp", Kind.DETAIL, stats(s.stats()));
        } else if (e instanceof MediaEvent.Outage o) {
            return one("rtp", o.failing() ? Kind.BAD : Kind.WARN, o.message() + String.format(java.util.Locale.ROOT,
                    " (%s to %s)%s", clock(o.start()), clock(o.end()), o.failing() ? "" : " - under 1 s: a warning"));
        } else if (e instanceof MediaEvent.Presence p) {
            return one("rtp", p.passed() ? Kind.GOOD : Kind.BAD, presence(p));
        } else if (e instanceof MediaEvent.RecordingSaved r) {
            return one("audio", Kind.INFO, String.format("recorded %.1f s (%d Hz, %d ch) to %s", r.seconds(), r.sampleRate(),
                    r.channels(), r.path()));
        }
        throw new IllegalStateException("unhandled " + e);
    }

    /** The wall-clock time of day of an instant, UTC, to the millisecond. */
    static String clock(java.time.Instant i) {
        return i == null ? "?" : java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC).format(i);
    }

    static String presence(MediaEvent.Presence p) {
        StringBuilder b = new StringBuilder("media presence: ");
        if (p.receivedPct() >= 0) {
            b.append(String.format(java.util.Locale.ROOT, "received %.0f %% of %.0f packets/s (worst second %.0f %%), ",
                    p.receivedPct(), p.expectedPerSecondIn(), p.worstSecondReceivedPct()));
        }
        if (p.sentPct() >= 0) {
            b.append(String.format(java.util.Locale.ROOT, "sent %.0f %% of %.0f/s (worst second %.0f %%), ",
                    p.sentPct(), p.expectedPerSecondOut(), p.worstSecondSentPct()));
        }
        if (p.notJudged() != null) {
            b.append("not judged: ").append(p.notJudged()).append(", ");
        }
        b.append(p.outages() == 0 ? "no outage" : String.format(java.util.Locale.ROOT, "%d outage%s (%.2f s, the longest %.2f s)",
                p.outages(), p.outages() == 1 ? "" : "s", p.outageMs() / 1000.0, p.longestOutageMs() / 1000.0));
        return b.toString();
    }

    /** libwebrtc reports the DTLS version as its wire code: FEFD is DTLS 1.2, FEFF DTLS 1.0, FEFC DTLS 1.3. */
    static String dtlsVersion(String v) {
        if (v == null) {
            return "DTLS";
        }
        return switch (v.toUpperCase(java.util.Locale.ROOT)) {
            case "FEFD" -> "DTLS 1.2";
            case "FEFF" -> "DTLS 1.0";
            case "FEFC" -> "DTLS 1.3";
            default -> v;
        };
    }

    static String stats(dialtone.event.MediaStats m) {
        return String.format("in %s kbit/s, out %s kbit/s, lost %d/%d, jitter %s, rtt %s, level %.3f%s",
                num(m.bitrateInKbps()), num(m.bitrateOutKbps()), Math.max(0, m.packetsLost()), Math.max(0, m.packetsReceived()),
                m.jitterMs() < 0 ? "n/a" : num(m.jitterMs()) + " ms", m.rttMs() < 0 ? "n/a" : num(m.rttMs()) + " ms",
                Math.max(0, m.audioLevel()), m.codec() == null ? "" : ", " + m.codec());
    }

    private static String num(double v) {
        return v < 0 ? "n/a" : v == Math.rint(v) ? Long.toString((long) v) : String.format("%.1f", v);
    }

    private Rendered run(RunEvent e) {
        if (e instanceof RunEvent.Started s) {
            return one("run", Kind.DETAIL, s.tool() + " " + s.version() + " " + s.command());
        } else if (e instanceof RunEvent.Warning w) {
            return one("warn", Kind.WARN, w.message());
        } else if (e instanceof RunEvent.Repeated r) {
            return one("", Kind.DETAIL, "\u00d7" + r.times() + " more " + r.of() + " like the one above, over "
                    + String.format("%.3f", Duration.between(r.at(), r.last()).toMillis() / 1000.0) + " s");
        } else if (e instanceof RunEvent.Overloaded o) {
            return one("load", o.state().equals("behind") ? Kind.BAD : Kind.WARN, o.message());
        } else if (e instanceof RunEvent.LoadStep st) {
            java.util.Map<String, Object> m = st.summary() == null ? java.util.Map.of() : st.summary();
            String figures = String.format(java.util.Locale.ROOT, " | frames late p95 %s ms | CPU %s cores | MOS min %s",
                    m.getOrDefault("frameLateMsP95Max", "-"), m.getOrDefault("cpuCoresMax", "-"), m.getOrDefault("mosMin", "-"));
            return one("ramp", st.stepPassed() ? Kind.GOOD : Kind.BAD, String.format(java.util.Locale.ROOT,
                    "step %d: %4d calls at once, %4d passed%s | %s", st.step(), st.concurrency(), st.passed(), figures,
                    st.stepPassed() ? "PASS" : "FAIL, saturated: " + st.saturated() + " (" + st.reason() + ")"));
        } else if (e instanceof RunEvent.InternalError ie) {
            return one("error", Kind.BAD, "internal error in " + ie.where() + ": " + ie.message());
        } else if (e instanceof RunEvent.Finished f) {
            String time = String.format("%.1f s", f.durationMs() / 1000.0);
            String facts = facts(f.summary());
            if (f.passed()) {
                return lines("PASS", Kind.GOOD, e.scenario() + " in " + time, facts);
            }
            Failure fl = f.failure();
            String what = fl == null ? "" : ": " + fl.message();
            return lines("FAIL", Kind.BAD, e.scenario() + what + " (exit " + f.exitCode() + ", " + time + ")", facts);
        }
        throw new IllegalStateException("unhandled " + e);
    }

    private Rendered config(ConfigEvent e) {
        if (e instanceof ConfigEvent.Fetching f) {
            return one("config", Kind.INFO, "GET " + f.url());
        } else if (e instanceof ConfigEvent.TlsEstablished t) {
            return one("tls", Kind.INFO, tls(t.tls()));
        } else if (e instanceof ConfigEvent.Fetched f) {
            return one("config", f.status() / 100 == 2 ? Kind.INFO : Kind.BAD,
                    "HTTP " + f.status() + ", " + f.bytes() + " bytes"
                            + (f.contentType() == null ? "" : " " + f.contentType()) + " in " + timing(f.timing()));
        } else if (e instanceof ConfigEvent.Resolved r) {
            return new Rendered("config", Kind.GOOD, summary(r.config()));
        } else if (e instanceof ConfigEvent.Failed f) {
            return one("config", Kind.BAD, f.failure().message());
        }
        throw new IllegalStateException("unhandled " + e);
    }

    private Rendered transport(TransportEvent e) {
        if (e instanceof TransportEvent.Connecting c) {
            return one("ws", Kind.INFO, "connecting to " + c.url() + (c.attempt() > 1 ? " (attempt " + c.attempt() + ")" : ""));
        } else if (e instanceof TransportEvent.Connected c) {
            List<String> l = new ArrayList<>();
            l.add("connected in " + c.handshakeMs() + " ms, sub-protocol " + (c.subprotocol() == null || c.subprotocol().isEmpty() ? "(none)" : c.subprotocol())
                    + (c.remoteAddress() == null ? "" : ", " + c.localAddress() + " -> " + c.remoteAddress()));
            if (c.tls() != null) {
                l.add("  " + tls(c.tls()));
            }
            return new Rendered("ws", Kind.GOOD, l);
        } else if (e instanceof TransportEvent.Closed c) {
            return one("ws", c.byLocal() ? Kind.INFO : Kind.WARN, "closed " + c.code()
                    + (c.reason() == null || c.reason().isEmpty() ? "" : " " + c.reason()) + (c.byLocal() ? " (by us)" : " (by the server)"));
        } else if (e instanceof TransportEvent.Failed f) {
            return one("ws", Kind.BAD, f.failure().message());
        } else if (e instanceof TransportEvent.Reconnecting r) {
            return one("ws", Kind.WARN, "reconnecting in " + String.format("%.1f s", r.delayMs() / 1000.0) + " (attempt " + r.attempt() + ")");
        }
        throw new IllegalStateException("unhandled " + e);
    }

    private Rendered sip(SipEvent e) {
        if (e instanceof SipEvent.Sent s) {
            return sipTrace ? trace("sip", "--> " + s.summary(), s.raw()) : one("sip", Kind.DETAIL, "--> " + s.summary());
        } else if (e instanceof SipEvent.Received r) {
            return sipTrace ? trace("sip", "<-- " + r.summary(), r.raw()) : one("sip", Kind.DETAIL, "<-- " + r.summary());
        } else if (e instanceof SipEvent.Unparseable u) {
            return one("sip", Kind.WARN, "dropped an unparseable message (" + u.bytes() + " bytes): " + u.error());
        } else if (e instanceof SipEvent.Answered a) {
            return one("sip", Kind.INFO, "answered " + a.method() + " with " + a.status() + " " + a.reason());
        }
        throw new IllegalStateException("unhandled " + e);
    }

    private Rendered registration(RegistrationEvent e) {
        if (e instanceof RegistrationEvent.Sending s) {
            return one("reg", Kind.INFO, (s.refresh() ? "refreshing " : s.expires() == 0 ? "unregistering " : "registering ")
                    + s.aor() + (s.expires() > 0 ? " (expires " + s.expires() + " s)" : ""));
        } else if (e instanceof RegistrationEvent.Challenged c) {
            return one("reg", Kind.INFO, c.status() + " challenge: realm \"" + c.realm() + "\", " + c.algorithm()
                    + (c.stale() ? ", stale nonce" : ""));
        } else if (e instanceof RegistrationEvent.Registered r) {
            return one("reg", Kind.GOOD, (r.refresh() ? "refreshed " : "registered ") + r.aor() + ", expires in "
                    + r.expires() + " s" + (r.contacts() > 1 ? " (" + r.contacts() + " contacts)" : ""));
        } else if (e instanceof RegistrationEvent.Unregistered u) {
            return one("reg", Kind.INFO, "unregistered " + u.aor() + (u.status() > 0 ? " (" + u.status() + ")" : ""));
        } else if (e instanceof RegistrationEvent.Failed f) {
            return one("reg", Kind.BAD, f.failure().message());
        } else if (e instanceof RegistrationEvent.NotNeeded n) {
            return one("reg", Kind.INFO, "no registration: " + n.reason());
        }
        throw new IllegalStateException("unhandled " + e);
    }

    static String tls(TlsFacts t) {
        StringBuilder sb = new StringBuilder();
        sb.append(t.protocol()).append(' ').append(t.cipherSuite());
        if (t.subject() != null) {
            sb.append(", certificate ").append(t.subject());
            if (t.issuer() != null) {
                sb.append(" issued by ").append(t.issuer());
            }
            if (t.notAfter() != null) {
                sb.append(", expires ").append(DAY.format(t.notAfter()));
            }
        }
        return sb.toString();
    }

    static String timing(HttpTiming t) {
        StringBuilder sb = new StringBuilder();
        sb.append(t.totalMs()).append(" ms (dns ").append(ms(t.dnsMs())).append(", connect ").append(ms(t.connectMs()));
        if (t.tlsMs() >= 0) {
            sb.append(", tls ").append(ms(t.tlsMs()));
        }
        sb.append(", first byte ").append(ms(t.firstByteMs())).append(')');
        return sb.toString();
    }

    private static String ms(long v) {
        return v < 0 ? "n/a" : v + " ms";
    }

    static List<String> summary(ConfigSummary c) {
        List<String> l = new ArrayList<>();
        String how = switch (c.mode()) {
            case "legacy" -> "legacy endpoint: REGISTER, then INVITE the application";
            case "runtime" -> "runtime endpoint: no REGISTER, INVITE the endpoint id";
            default -> "direct: facts given as flags";
        };
        l.add("valid configuration (" + how + ")");
        row(l, "source", c.source());
        row(l, "wsUri", c.wsUri());
        row(l, "realm", c.realm());
        row(l, "register as", c.aor() + (c.userIdDerived() ? "  (userId derived as the SDK does)" : ""));
        row(l, "auth user", c.authUser());
        row(l, "password", c.passwordPresent() ? "present (not shown)" : "none");
        row(l, "call target", c.target());
        if (c.headers() != null) {
            for (Map.Entry<String, String> h : c.headers().entrySet()) {
                row(l, "header", h.getKey() + ": " + h.getValue());
            }
        }
        if (c.widgetActive() != null) {
            row(l, "widget", c.widgetActive() ? "active" : "inactive");
        }
        row(l, "endpoint", c.endpointName());
        return l;
    }

    private static void row(List<String> l, String k, String v) {
        if (v != null) {
            l.add(String.format("  %-12s %s", k, v));
        }
    }

    private static String facts(Map<String, Object> summary) {
        if (summary == null || summary.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : summary.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            Object v = e.getValue();
            sb.append(e.getKey()).append(' ').append(v instanceof Boolean b ? (b ? "yes" : "no") : String.valueOf(v));
        }
        return sb.toString();
    }

    private static Rendered lines(String tag, Kind kind, String first, String second) {
        return second == null ? one(tag, kind, first) : new Rendered(tag, kind, List.of(first, "  " + second));
    }

    private static Rendered one(String tag, Kind kind, String line) {
        return new Rendered(tag, kind, List.of(line));
    }

    private static Rendered trace(String tag, String first, String raw) {
        List<String> l = new ArrayList<>();
        l.add(first);
        for (String s : raw.split("\r?\n", -1)) {
            l.add("    " + s);
        }
        while (l.size() > 1 && l.get(l.size() - 1).isBlank()) {
            l.remove(l.size() - 1);
        }
        return new Rendered(tag, Kind.DETAIL, l);
    }
}
