package dialtone.report;

import dialtone.event.SpeechEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The human timeline's lines for the conversation: one line per far-end turn, per thing said, and the summary. */
final class SpeechFormat {
    private SpeechFormat() {
    }

    static HumanFormat.Rendered render(SpeechEvent e) {
        if (e instanceof SpeechEvent.Turn t) {
            StringBuilder b = new StringBuilder("turn ").append(t.turn()).append(": far end spoke ")
                    .append(String.format("%.1f s", t.talkMs() / 1000.0));
            if (t.latencyMs() != null) {
                b.append(", latency ").append(t.latencyMs()).append(" ms");
            }
            if (t.overrunMs() != null) {
                b.append(", overrun ").append(t.overrunMs()).append(" ms");
            }
            if (t.silenceBeforeMs() != null && t.silenceBeforeMs() > 0) {
                b.append(", after ").append(t.silenceBeforeMs()).append(" ms of silence");
            }
            if (t.words() != null) {
                b.append(": \"").append(t.words()).append("\" (").append(t.wordsSource()).append(')');
            }
            return new HumanFormat.Rendered("turn", HumanFormat.Kind.INFO, List.of(b.toString()));
        } else if (e instanceof SpeechEvent.Said s) {
            return new HumanFormat.Rendered("said", HumanFormat.Kind.INFO, List.of((s.bargeIn() ? "barged in: " : "said: ")
                    + "\"" + s.what() + "\" (" + ms(s.startedAt(), s.endedAt()) + ")"));
        } else if (e instanceof SpeechEvent.Summary s) {
            String l = s.turns() + " far-end turn" + (s.turns() == 1 ? "" : "s")
                    + ", greeting after " + orNa(s.greetingMs())
                    + ", latency p50 " + orNa(s.latencyP50Ms()) + " p95 " + orNa(s.latencyP95Ms()) + " max " + orNa(s.latencyMaxMs())
                    + ", longest dead air " + orNa(s.longestDeadAirMs())
                    + (s.overrunMaxMs() == null ? "" : ", overrun " + s.overrunMaxMs() + " ms");
            return new HumanFormat.Rendered("talk", HumanFormat.Kind.INFO, List.of(l));
        }
        throw new IllegalStateException("unhandled " + e);
    }

    private static String orNa(Long ms) {
        return ms == null ? "n/a" : ms + " ms";
    }

    private static String ms(Instant a, Instant b) {
        return a == null || b == null ? "?" : String.format("%.1f s", Duration.between(a, b).toMillis() / 1000.0);
    }
}
