package dialtone.media;

/** A sine tone at a fixed frequency and level (-12 dBFS by default). */
public record ToneSource(double hz, double amplitude, double[] phase) implements AudioSource {
    public static ToneSource of(double hz) {
        return new ToneSource(hz, 0.25, new double[1]);
    }

    /** One second of each whole-number tone at the default level, shared by every call that sends it. */
    private static final java.util.Map<Long, short[]> TABLES = new java.util.concurrent.ConcurrentHashMap<>();

    /** One second of this tone when it is the same for every call (a whole number of hertz at the default level), else null. */
    short[] sharedSecond() {
        return table();
    }

    private short[] table() {
        if (hz != Math.rint(hz) || amplitude != 0.25 || hz <= 0 || hz >= RATE / 2.0 || TABLES.size() > 64) {
            return null;
        }
        return TABLES.computeIfAbsent((long) hz, k -> {
            short[] t = new short[RATE];
            for (int i = 0; i < t.length; i++) {
                t[i] = (short) Math.round(Short.MAX_VALUE * amplitude * Math.sin(2 * Math.PI * k * i / RATE));
            }
            return t;
        });
    }

    @Override
    public boolean next(short[] frame) {
        short[] t = table();
        if (t != null && frame.length <= t.length) {
            // a whole number of cycles per second: the second repeats exactly; phase[0] counts samples here
            int at = (int) phase[0];
            int n = Math.min(frame.length, t.length - at);
            System.arraycopy(t, at, frame, 0, n);
            System.arraycopy(t, 0, frame, n, frame.length - n);
            phase[0] = (at + frame.length) % t.length;
            return true;
        }
        double step = 2 * Math.PI * hz / RATE;
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (short) Math.round(Short.MAX_VALUE * amplitude * Math.sin(phase[0]));
            phase[0] += step;
            if (phase[0] > 2 * Math.PI) {
                phase[0] -= 2 * Math.PI;
            }
        }
        return true;
    }

    @Override
    public String describe() {
        return "tone " + (hz == Math.rint(hz) ? Long.toString((long) hz) : Double.toString(hz)) + " Hz";
    }
}
