package dialtone.media;

/** A sine tone at a fixed frequency and level (-12 dBFS by default). */
public record ToneSource(double hz, double amplitude, double[] phase) implements AudioSource {
    public static ToneSource of(double hz) {
        return new ToneSource(hz, 0.25, new double[1]);
    }

    @Override
    public boolean next(short[] frame) {
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
