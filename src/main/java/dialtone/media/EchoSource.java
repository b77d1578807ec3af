package dialtone.media;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Sends back what the far end sent (the answering side's {@code echo} mode): the receive sink offers 48 kHz mono
 * frames, the pump takes them; when nothing is queued it sends silence. Bounded: at most 50 frames (500 ms).
 */
public record EchoSource(ArrayBlockingQueue<short[]> queue) implements AudioSource {
    public static EchoSource create() {
        return new EchoSource(new ArrayBlockingQueue<>(50));
    }

    public void offer(short[] frame48kMono) {
        if (!queue.offer(frame48kMono)) {
            queue.poll();
            queue.offer(frame48kMono);
        }
    }

    @Override
    public boolean next(short[] frame) {
        short[] f = queue.poll();
        if (f == null || f.length != frame.length) {
            Arrays.fill(frame, (short) 0);
        } else {
            System.arraycopy(f, 0, frame, 0, frame.length);
        }
        return true;
    }

    @Override
    public String describe() {
        return "echo of the received audio";
    }
}
