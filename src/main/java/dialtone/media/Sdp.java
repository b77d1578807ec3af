package dialtone.media;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The few SDP facts dialtone reads or changes, on text (RFC 8866 lines, RFC 8839 candidates). Pure. */
public final class Sdp {
    /** One {@code a=candidate} line. */
    public record Candidate(String protocol, String address, int port, String type, String tcpType) {
    }

    private Sdp() {
    }

    /**
     * Rewrites the address of every host candidate (and the {@code c=} lines that name one) to {@code bind}.
     * libwebrtc never offers loopback candidates; with adapter enumeration off its sockets listen on the wildcard
     * address, so a candidate rewritten to 127.0.0.1 with the same port reaches the same socket.
     */
    public static String rewriteHostCandidates(String sdp, String bind) {
        if (bind == null || sdp == null) {
            return sdp;
        }
        Set<String> replaced = new LinkedHashSet<>();
        StringBuilder out = new StringBuilder();
        for (String line : sdp.split("\r\n", -1)) {
            if (line.startsWith("a=candidate:")) {
                String[] p = line.split(" ");
                if (p.length > 7 && p[6].equals("typ") && p[7].equals("host")) {
                    replaced.add(p[4]);
                    p[4] = bind;
                    line = String.join(" ", p);
                }
            }
            out.append(line).append("\r\n");
        }
        String s = out.substring(0, out.length() - 2);
        for (String a : replaced) {
            s = s.replace("c=IN IP4 " + a + "\r\n", "c=IN IP4 " + bind + "\r\n");
        }
        return s;
    }

    public static List<Candidate> candidates(String sdp) {
        List<Candidate> out = new ArrayList<>();
        if (sdp == null) {
            return out;
        }
        for (String line : sdp.split("\r?\n")) {
            if (!line.startsWith("a=candidate:")) {
                continue;
            }
            String[] p = line.substring(2).split(" ");
            if (p.length < 8 || !p[6].equals("typ")) {
                continue;
            }
            String tcp = null;
            for (int i = 8; i + 1 < p.length; i++) {
                if (p[i].equals("tcptype")) {
                    tcp = p[i + 1];
                }
            }
            try {
                out.add(new Candidate(p[2].toLowerCase(Locale.ROOT), p[4], Integer.parseInt(p[5]), p[7], tcp));
            } catch (NumberFormatException e) {
                // not a candidate we can show
            }
        }
        return out;
    }

    /** The first {@code a=fingerprint:} of the description, e.g. {@code sha-256 AB:CD:...}, or null. */
    public static String fingerprint(String sdp) {
        if (sdp == null) {
            return null;
        }
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("a=fingerprint:")) {
                return line.substring("a=fingerprint:".length()).trim();
            }
        }
        return null;
    }

    /** The audio codecs in offer order, e.g. {@code opus/48000/2, G722/8000, PCMU/8000, telephone-event/8000}. */
    public static String audioCodecs(String sdp) {
        if (sdp == null) {
            return "";
        }
        List<String> names = new ArrayList<>();
        boolean audio = false;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) {
                audio = line.startsWith("m=audio");
            } else if (audio && line.startsWith("a=rtpmap:")) {
                String v = line.substring(line.indexOf(' ') + 1);
                if (!names.contains(v)) {
                    names.add(v);
                }
            }
        }
        return String.join(", ", names);
    }

    /** The direction attribute of the first audio m-line (sendrecv when none is given). */
    public static String audioDirection(String sdp) {
        if (sdp == null) {
            return null;
        }
        boolean audio = false;
        String session = null;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) {
                audio = line.startsWith("m=audio");
            }
            for (String d : new String[] {"sendrecv", "sendonly", "recvonly", "inactive"}) {
                if (line.equals("a=" + d)) {
                    if (audio) {
                        return d;
                    }
                    session = d;
                }
            }
        }
        return session == null ? "sendrecv" : session;
    }

    /** The profile of the first audio m-line, e.g. {@code UDP/TLS/RTP/SAVPF}. */
    public static String audioProfile(String sdp) {
        if (sdp == null) {
            return null;
        }
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=audio")) {
                String[] p = line.split(" ");
                return p.length > 2 ? p[2] : null;
            }
        }
        return null;
    }

    /** True when the answer's first audio m-line has a port other than 0 and a DTLS-SRTP profile. */
    public static String checkAnswer(String sdp) {
        String profile = audioProfile(sdp);
        if (profile == null) {
            return "the answer has no audio m-line";
        }
        if (!profile.contains("SAVP") || !profile.contains("TLS")) {
            return "the answer's audio is " + profile + ", not DTLS-SRTP (UDP/TLS/RTP/SAVPF): refusing unencrypted media";
        }
        if (sdp.contains("m=audio 0 ")) {
            return "the answer rejected the audio stream (port 0)";
        }
        if (fingerprint(sdp) == null) {
            return "the answer has no a=fingerprint: DTLS cannot be verified";
        }
        return null;
    }
}
