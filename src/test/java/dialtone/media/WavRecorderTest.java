package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording keeps every frame, whatever format libwebrtc delivers it in, and never writes through a link. */
class WavRecorderTest {
    static byte[] frame(int rate, int channels, double hz, int index) {
        int frames = rate / 100;
        byte[] b = new byte[frames * channels * 2];
        for (int i = 0; i < frames; i++) {
            short v = (short) (8000 * Math.sin(2 * Math.PI * hz * (index * frames + i) / rate));
            for (int c = 0; c < channels; c++) {
                int o = (i * channels + c) * 2;
                b[o] = (byte) v;
                b[o + 1] = (byte) (v >> 8);
            }
        }
        return b;
    }

    @Test
    void framesInAnotherFormatThanTheFirstAreConvertedNotDropped(@TempDir Path dir) {
        Path out = dir.resolve("r.wav");
        WavRecorder r = new WavRecorder(out);
        // what was seen: the first frames at one rate or channel count, then the rest at another
        r.accept(frame(16000, 1, 440, 0), 16, 16000, 1, 160);
        for (int i = 0; i < 299; i++) {
            r.accept(frame(48000, 2, 440, i), 16, 48000, 2, 480);
        }
        r.close();
        assertEquals(3.0, r.seconds(), 0.001, "300 frames of 10 ms");
        assertEquals(0, r.droppedFrames());
        WavReader.Pcm pcm = WavReader.read(out);
        assertEquals(48000, pcm.rate());
        assertEquals(1, pcm.channels());
        assertEquals(3.0, pcm.seconds(), 0.001);
        AudioAnalyzer a = new AudioAnalyzer(new double[] {440});
        byte[] all = new byte[pcm.samples().length * 2];
        for (int i = 0; i < pcm.samples().length; i++) {
            all[2 * i] = (byte) pcm.samples()[i];
            all[2 * i + 1] = (byte) (pcm.samples()[i] >> 8);
        }
        for (int i = 0; i + 960 <= all.length; i += 960) {
            a.accept(java.util.Arrays.copyOfRange(all, i, i + 960), 16, 48000, 1, 480);
        }
        assertTrue(a.toneShare(0) > 0.8, "the tone survives: " + a.toneShare(0));
    }

    @Test
    void anExistingFileOrALinkIsRefused(@TempDir Path dir) throws Exception {
        Path existing = Files.writeString(dir.resolve("e.wav"), "keep");
        MediaException e = assertThrows(MediaException.class, () -> new WavRecorder(existing));
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        assertEquals("keep", Files.readString(existing));
        Path target = Files.writeString(dir.resolve("t"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("l.wav"), target);
        assertThrows(MediaException.class, () -> new WavRecorder(link));
        assertThrows(MediaException.class, () -> new WavRecorder(link, true));
        assertEquals("keep", Files.readString(target));
        Path dangling = Files.createSymbolicLink(dir.resolve("d.wav"), dir.resolve("nowhere.wav"));
        assertThrows(MediaException.class, () -> new WavRecorder(dangling));
        assertFalse(Files.exists(dir.resolve("nowhere.wav")), "a dangling link is not followed either");
        new WavRecorder(existing, true).close();
        assertEquals(44, Files.size(existing), "--force replaces a regular file");
    }

    @Test
    void freshNamesNeverCollide(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("inbound-1.wav"), "x");
        Files.writeString(dir.resolve("inbound-1-2.wav"), "x");
        assertEquals(dir.resolve("inbound-1-3.wav"), WavRecorder.fresh(dir, "inbound-1"));
        assertEquals(dir.resolve("inbound-2.wav"), WavRecorder.fresh(dir, "inbound-2"));
    }

    @Test
    void theRecordingIsANewFileRenamedInAtTheEndNeverWrittenInPlace(@TempDir Path dir) throws Exception {
        Path rec = dir.resolve("rec.wav");
        WavRecorder r = new WavRecorder(rec);
        r.accept(frame(48000, 1, 440, 0), 16, 48000, 1, 480);
        assertFalse(Files.exists(rec), "nothing at the path while the call goes on");
        r.close();
        assertEquals(44 + 960, Files.size(rec));
        try (java.util.stream.Stream<Path> l = Files.list(dir)) {
            assertEquals(java.util.List.of(rec), l.toList(), "no temporary file left");
        }
        // something other than a file planted at the path during the call (here a directory) is not replaced
        Path other = dir.resolve("other.wav");
        WavRecorder r2 = new WavRecorder(other, true);
        Files.createDirectory(other);
        assertThrows(MediaException.class, r2::close);
        assertTrue(Files.isDirectory(other));
        try (java.util.stream.Stream<Path> l = Files.list(dir)) {
            assertEquals(2, l.count(), "rec.wav and the directory, no temporary file");
        }
    }
}
