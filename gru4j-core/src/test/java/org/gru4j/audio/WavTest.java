package org.gru4j.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every supported encoding round-trips through the test writer; bad files fail with one line naming the file. */
class WavTest {
    /** Three channels of distinct ramps, so a wrong stride or channel mix fails. */
    static double[][] frames(int n, int channels) {
        double[][] f = new double[n][channels];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                f[i][c] = 0.9 * Math.sin(0.05 * (i + 1) * (c + 1) + c);
            }
        }
        return f;
    }

    static void check(int bits, int format, boolean ext, int channels, double tol) throws IOException {
        double[][] f = frames(101, channels);
        Wav.Audio a = Wav.decode(Wav.encode(f, channels, 22050, bits, format, ext), "t.wav");
        assertEquals(22050, a.sampleRate());
        assertEquals(101, a.samples().length);
        for (int i = 0; i < f.length; i++) {
            double mean = Arrays.stream(f[i]).sum() / channels;
            assertEquals(mean, a.samples()[i], tol, "bits=" + bits + " fmt=" + format + " ext=" + ext + " i=" + i);
        }
    }

    @Test
    void pcmAndFloatAllWidthsAndChannels() throws IOException {
        for (int ch : new int[]{1, 2, 3}) {
            for (boolean ext : new boolean[]{false, true}) {
                check(8, 1, ext, ch, 1.0 / 128);
                check(16, 1, ext, ch, 1.0 / 32768);
                check(24, 1, ext, ch, 1.0 / 8388608 + 1e-7);
                check(32, 1, ext, ch, 1e-7);
                check(32, 3, ext, ch, 1e-7);
                check(64, 3, ext, ch, 1e-7);
            }
        }
    }

    @Test
    void integerScaleEndpoints() throws IOException {
        // 16-bit −32768 → −1 exactly, 0 → 0, 8-bit 128 → 0
        byte[] w = Wav.encode(new double[][]{{-1}, {0}, {0.5}}, 1, 8000, 16, 1, false);
        float[] s = Wav.decode(w, "x").samples();
        assertEquals(-1f, s[0]);
        assertEquals(0f, s[1]);
        assertEquals(0.5f, s[2]);
        byte[] w8 = Wav.encode(new double[][]{{0}, {-1}}, 1, 8000, 8, 1, false);
        float[] s8 = Wav.decode(w8, "x").samples();
        assertEquals(0f, s8[0]);
        assertEquals(-1f, s8[1]);
    }

    @Test
    void skipsOddChunksBeforeFmtAndData(@TempDir Path dir) throws IOException {
        byte[] plain = Wav.encode(frames(11, 1), 1, 16000, 16, 1, false);
        // insert an odd-sized LIST chunk (5 bytes + pad) between the RIFF header and "fmt "
        ByteBuffer b = ByteBuffer.allocate(plain.length + 14).order(ByteOrder.LITTLE_ENDIAN);
        b.put(plain, 0, 12);
        b.put("LIST".getBytes()).putInt(5).put(new byte[]{1, 2, 3, 4, 5}).put((byte) 0);
        b.put(plain, 12, plain.length - 12);
        Path f = dir.resolve("odd.wav");
        Files.write(f, b.array());
        float[] got = Wav.read(f).samples();
        assertTrue(Arrays.equals(Wav.decode(plain, "p").samples(), got));
    }

    @Test
    void pcm16WriterRoundTrip(@TempDir Path dir) throws IOException {
        float[] x = {0f, 0.25f, -0.5f, 0.999f, -1f, 1.5f};
        Path f = dir.resolve("w.wav");
        Wav.writePcm16(f, x, 16000);
        Wav.Audio a = Wav.read(f);
        assertEquals(16000, a.sampleRate());
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.max(-1, Math.min(1, x[i])), a.samples()[i], 1.0 / 32768 + 1e-7);
        }
    }

    @Test
    void badFilesFailWithOneLineNamingTheFile(@TempDir Path dir) throws IOException {
        Path notWav = dir.resolve("notes.txt");
        Files.writeString(notWav, "hello, this is not audio at all");
        assertMessage(notWav, "not a WAV");

        Path ulaw = dir.resolve("ulaw.wav");
        byte[] w = Wav.encode(frames(4, 1), 1, 8000, 8, 1, false);
        w[20] = 7; // format tag → mu-law
        Files.write(ulaw, w);
        assertMessage(ulaw, "unsupported WAV encoding (format mu-law");

        Path cut = dir.resolve("cut.wav");
        byte[] full = Wav.encode(frames(100, 2), 2, 8000, 16, 1, false);
        Files.write(cut, Arrays.copyOf(full, full.length - 50));
        assertMessage(cut, "truncated");

        Path noData = dir.resolve("nodata.wav");
        Files.write(noData, Arrays.copyOf(full, 36));
        assertMessage(noData, "truncated WAV (no data chunk)");
    }

    static void assertMessage(Path f, String part) {
        IOException e = assertThrows(IOException.class, () -> Wav.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
