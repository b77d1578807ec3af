package dialtone.engine;

import dialtone.media.AudioSource;
import dialtone.media.MediaException;
import dialtone.media.WavReader;
import dialtone.media.WavSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The speech engines a conversation test uses: text to speech (espeak-ng by default, or {@code --tts-command}) and
 * an optional recogniser ({@code --stt-command}). Every program runs without a shell, from an argument list, with a
 * timeout; what the user typed reaches it as one argument (or, for espeak-ng, on its standard input), never parsed by a
 * shell. A command template is split at spaces; the words {@code {text}} and {@code {wav}} are replaced whole.
 *
 * @param tts     the TTS command template ({@code {text}} and {@code {wav}}: it writes a WAV there), or null for espeak-ng
 * @param stt     the recogniser template ({@code {wav}}: a 16 kHz mono WAV; it prints the text), or null
 * @param timeout how long a command may run
 */
public record SpeechTools(List<String> tts, List<String> stt, Duration timeout) {
    public static final SpeechTools DEFAULT = new SpeechTools(null, null, Duration.ofSeconds(30));
    /** The most text one {@code say} speaks. */
    public static final int MAX_TEXT = 1000;
    /** The most a recogniser may print. */
    static final int MAX_OUTPUT = 64 * 1024;
    public static final int STT_RATE = 16_000;

    /** Parses a --tts-command or --stt-command template; IllegalArgumentException when it cannot work. */
    public static List<String> template(String s, boolean tts) {
        if (s == null) {
            return null;
        }
        List<String> words = new ArrayList<>();
        for (String w : s.strip().split("\\s+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        String flag = tts ? "--tts-command" : "--stt-command";
        if (words.isEmpty()) {
            throw new IllegalArgumentException(flag + " is empty");
        }
        for (String w : words) {
            if (!dialtone.support.Printable.isClean(w)) {
                throw new IllegalArgumentException(flag + " holds control characters");
            }
        }
        if (!runnable(words.get(0))) {
            throw new IllegalArgumentException(flag + ": no program '" + dialtone.support.Printable.escape(words.get(0))
                    + "' (not an executable file, nor on PATH)");
        }
        if (tts && (!words.contains("{wav}") || !words.contains("{text}"))) {
            throw new IllegalArgumentException("--tts-command needs the words {text} and {wav} (e.g. 'flite -t {text} -o {wav}')");
        }
        if (!tts && !words.contains("{wav}")) {
            words.add("{wav}");
        }
        return List.copyOf(words);
    }

    /** An executable file, or a name found in a directory of PATH. */
    static boolean runnable(String program) {
        if (program.contains("/")) {
            return Files.isRegularFile(Path.of(program)) && Files.isExecutable(Path.of(program));
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    /** Null when {@code text} may be spoken, else why not. */
    public static String checkText(String text) {
        if (text == null || text.isBlank()) {
            return "say takes a text or @FILE.wav";
        }
        if (text.length() > MAX_TEXT) {
            return "the text is longer than " + MAX_TEXT + " characters";
        }
        if (!dialtone.support.Printable.isClean(text)) {
            return "the text holds control or bidi characters";
        }
        return null;
    }

    /** Speech for {@code text} or {@code @FILE.wav}, at 48 kHz mono; a MediaException says what went wrong. */
    short[] speech(String what) throws InterruptedException {
        if (what.startsWith("@")) {
            WavReader.Pcm p = WavReader.read(Path.of(what.substring(1)));
            return WavSource.resample(p.samples(), p.rate(), AudioSource.RATE);
        }
        String problem = checkText(what);
        if (problem != null) {
            throw new MediaException(problem);
        }
        Path wav = null;
        try {
            wav = Files.createTempFile("dialtone-say", ".wav");
            if (tts == null) {
                run(List.of("espeak-ng", "-w", wav.toString(), "--stdin"), what, "espeak-ng");
            } else {
                if (what.startsWith("-")) {
                    // one argument, but a program may still take it for an option of its own
                    throw new MediaException("with --tts-command, a text may not start with '-'");
                }
                List<String> cmd = new ArrayList<>();
                for (String w : tts) {
                    cmd.add(w.equals("{text}") ? what : w.equals("{wav}") ? wav.toString() : w);
                }
                run(cmd, null, "--tts-command");
            }
            WavReader.Pcm p = WavReader.read(wav);
            return WavSource.resample(p.samples(), p.rate(), AudioSource.RATE);
        } catch (IOException e) {
            throw new MediaException("text to speech failed: " + e.getMessage());
        } finally {
            deleteQuietly(wav);
        }
    }

    /** The recogniser's text for {@code pcm} (16 kHz mono), or null without --stt-command. */
    String transcribe(short[] pcm) throws InterruptedException {
        if (stt == null) {
            return null;
        }
        Path wav = null;
        try {
            wav = Files.createTempFile("dialtone-turn", ".wav");
            byte[] data = new byte[pcm.length * 2];
            for (int i = 0; i < pcm.length; i++) {
                data[2 * i] = (byte) pcm[i];
                data[2 * i + 1] = (byte) (pcm[i] >> 8);
            }
            Files.write(wav, wavHeader(STT_RATE, data.length));
            Files.write(wav, data, java.nio.file.StandardOpenOption.APPEND);
            List<String> cmd = new ArrayList<>();
            for (String w : stt) {
                cmd.add(w.equals("{wav}") ? wav.toString() : w);
            }
            return run(cmd, null, "--stt-command").strip().replaceAll("\\s+", " ");
        } catch (IOException e) {
            throw new MediaException("speech recognition failed: " + e.getMessage());
        } finally {
            deleteQuietly(wav);
        }
    }

    static byte[] wavHeader(int rate, long dataBytes) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes));
        b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return b.array();
    }

    /** Runs {@code cmd} (no shell) with {@code input} on its stdin; returns its stdout (bounded); IOException on failure. */
    private String run(List<String> cmd, String input, String what) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException(what + ": cannot run " + dialtone.support.Printable.escape(cmd.get(0))
                    + (cmd.get(0).equals("espeak-ng") ? " (Debian: apt install espeak-ng; or give --tts-command)" : ""));
        }
        try {
            try (var in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the program does not read its input: its exit status says the rest
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copyBounded(p.getInputStream(), out), "speech-command-out");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + " did not finish within " + timeout.toSeconds() + " s");
            }
            reader.join(1000);
            if (p.exitValue() != 0) {
                throw new IOException(what + " exited with status " + p.exitValue());
            }
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    private static void copyBounded(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    if (out.size() < MAX_OUTPUT) {
                        out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temporary file
            }
        }
    }
}
