package dialtone.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Recordings whose speech boundaries are known: espeak-ng phrases (trimmed to their first and last audible sample)
 * between silences of known length, at 48 kHz, optionally passed through a real codec (sox's G.711 mu-law, or
 * opus-tools' Opus encoder and decoder) and mixed with noise. Needs espeak-ng, sox and opus-tools (scripts/install).
 */
final class SpeechFixtures {
    static final int RATE = 48_000;

    /** A recording and its turns' true boundaries, in samples. */
    record Recording(short[] pcm, List<long[]> turns) {
    }

    private SpeechFixtures() {
    }

    static boolean toolsPresent() {
        return onPath("espeak-ng") && onPath("sox") && onPath("opusenc") && onPath("opusdec");
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** espeak-ng's rendering of {@code text}, at 48 kHz, trimmed to its audible samples (|x| above -54 dBFS). */
    static short[] speak(Path dir, String text) throws IOException, InterruptedException {
        Path raw = Files.createTempFile(dir, "say", ".wav");
        run("espeak-ng", "-w", raw.toString(), text);
        WavReader.Pcm p = WavReader.read(raw);
        short[] s = WavSource.resample(p.samples(), p.rate(), RATE);
        int a = 0;
        int b = s.length - 1;
        while (a < s.length && Math.abs(s[a]) < 66) {
            a++;
        }
        while (b > a && Math.abs(s[b]) < 66) {
            b--;
        }
        return java.util.Arrays.copyOfRange(s, a, b + 1);
    }

    /** silence[0], phrase[0], silence[1], phrase[1], ..., silence[n] (milliseconds). */
    static Recording script(Path dir, int[] silencesMs, String... phrases) throws IOException, InterruptedException {
        List<short[]> parts = new ArrayList<>();
        List<long[]> turns = new ArrayList<>();
        long pos = 0;
        for (int i = 0; i <= phrases.length; i++) {
            short[] gap = new short[silencesMs[i] * RATE / 1000];
            parts.add(gap);
            pos += gap.length;
            if (i < phrases.length) {
                short[] sp = speak(dir, phrases[i]);
                parts.add(sp);
                turns.add(new long[] {pos, pos + sp.length});
                pos += sp.length;
            }
        }
        short[] all = new short[(int) pos];
        int o = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, all, o, p.length);
            o += p.length;
        }
        return new Recording(all, turns);
    }

    /** Adds Gaussian noise at {@code dbfs} (RMS) everywhere, or only outside the turns (as comfort noise fills them). */
    static short[] noise(Recording r, double dbfs, boolean onlyInSilence, long seed) {
        Random rnd = new Random(seed);
        double sigma = 32768 * Math.pow(10, dbfs / 20);
        short[] out = r.pcm().clone();
        for (int i = 0; i < out.length; i++) {
            boolean inTurn = false;
            for (long[] t : r.turns()) {
                inTurn |= i >= t[0] && i < t[1];
            }
            if (onlyInSilence && inTurn) {
                continue;
            }
            out[i] = clip(out[i] + sigma * rnd.nextGaussian());
        }
        return out;
    }

    /** Through G.711 mu-law at 8 kHz and back (sox), at 48 kHz. */
    static short[] g711(Path dir, short[] pcm) throws IOException, InterruptedException {
        Path in = write(dir, pcm);
        Path ulaw = dir.resolve("ulaw-" + System.nanoTime() + ".wav");
        Path back = dir.resolve("back-" + System.nanoTime() + ".wav");
        run("sox", in.toString(), "-r", "8000", "-e", "u-law", "-b", "8", ulaw.toString());
        run("sox", ulaw.toString(), "-r", "48000", "-e", "signed-integer", "-b", "16", back.toString());
        return WavReader.read(back).samples();
    }

    /** Through Opus at 24 kbit/s, 20 ms frames, and back (opus-tools; the decoder drops the encoder's pre-skip). */
    static short[] opus(Path dir, short[] pcm) throws IOException, InterruptedException {
        Path in = write(dir, pcm);
        Path enc = dir.resolve("enc-" + System.nanoTime() + ".opus");
        Path back = dir.resolve("dec-" + System.nanoTime() + ".wav");
        run("opusenc", "--quiet", "--bitrate", "24", "--framesize", "20", in.toString(), enc.toString());
        run("opusdec", "--quiet", "--rate", "48000", enc.toString(), back.toString());
        return WavReader.read(back).samples();
    }

    static Path write(Path dir, short[] pcm) throws IOException {
        Path p = dir.resolve("pcm-" + System.nanoTime() + ".wav");
        byte[] data = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
            data[2 * i] = (byte) pcm[i];
            data[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        byte[] h = WavRecorder.header(RATE, 1, data.length);
        byte[] all = new byte[h.length + data.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(data, 0, all, h.length, data.length);
        Files.write(p, all);
        return p;
    }

    static short clip(double v) {
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed");
        }
    }
}
