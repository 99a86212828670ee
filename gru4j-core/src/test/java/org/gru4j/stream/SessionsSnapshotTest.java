package org.gru4j.stream;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import static org.gru4j.stream.SessionsTest.event;
import static org.gru4j.stream.SessionsTest.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 16, item 10: streamed, checksummed snapshots; NaN refused at every way in of a state or a weight. */
@Tag("hostile")
class SessionsSnapshotTest {
    @Test
    void streamedSnapshotOfManyChunksRestores() throws IOException {
        Recurrent m = model(CellKind.GRU, 2, 3, 1, 7);
        Sessions a = new Sessions(m, 4);
        SplittableRandom rnd = new SplittableRandom(1);
        for (long k = 0; k < 3 * Sessions.CHUNK + 17; k++) a.step(k * 31, event(rnd, 2));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        a.snapshot(out);
        assertArrayEquals(out.toByteArray(), a.snapshot(), "the byte[] form is the stream's bytes");
        Sessions b = new Sessions(m, 16);
        b.restore(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(a.size(), b.size());
        for (long k = 0; k < 3 * Sessions.CHUNK + 17; k++) assertArrayEquals(a.state(k * 31), b.state(k * 31), 0f);
    }

    @Test
    void snapshotIsWrittenInBoundedPieces() throws IOException {
        Sessions a = new Sessions(model(CellKind.LSTM, 2, 8, 2, 7), 4);
        for (long k = 0; k < 20_000; k++) a.setState(k, new float[a.stateSize]);
        long[] most = {0}, total = {0};
        a.snapshot(new OutputStream() {
            @Override
            public void write(int b) {
                total[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                most[0] = Math.max(most[0], len);
                total[0] += len;
            }
        });
        assertTrue(total[0] > 20_000L * 32 * 4, total[0] + " bytes");
        assertTrue(most[0] <= 1 << 16, "largest write " + most[0]);
    }

    @Test
    void alteredFloatOrTruncationIsRefusedAndNothingChanges() {
        Recurrent m = model(CellKind.GRU, 2, 3, 1, 7);
        Sessions a = new Sessions(m);
        SplittableRandom rnd = new SplittableRandom(3);
        for (long k = 0; k < 100; k++) a.step(k, event(rnd, 2));
        byte[] snap = a.snapshot();
        Sessions b = new Sessions(m);
        b.step(5555, event(rnd, 2));
        // patch the first state's first float to NaN: the checksum no longer matches
        byte[] nan = snap.clone();
        int at = 4 + 4 + 2 + 3 + 4 + 4 + 4 + 4 + 8;   // magic, version, UTF "gru", layers, hidden, size, chunk n, key
        ByteBuffer.wrap(nan).putFloat(at, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restore(nan));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        // the same NaN with the checksums recomputed is refused as a NaN state
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> b.restore(reChecksummed(nan)));
        assertTrue(f.getMessage().contains("holds NaN"), f.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.restore(java.util.Arrays.copyOf(snap, snap.length - 1)));
        assertEquals(1, b.size(), "a refused restore changes nothing");
        b.restore(snap);
        assertEquals(100, b.size());
    }

    /** The snapshot with every stored CRC replaced by the running CRC of the bytes before it (one chunk here). */
    private static byte[] reChecksummed(byte[] s) {
        byte[] out = s.clone();
        ByteBuffer b = ByteBuffer.wrap(out);
        int p = 4 + 4 + 2 + 3 + 4 + 4 + 4;
        int n = b.getInt(p);
        int crcAt = p + 4 + n * (8 + 3 * 4);
        CRC32 c = new CRC32();
        c.update(out, 0, crcAt);
        b.putInt(crcAt, (int) c.getValue());
        int endCrc = crcAt + 4 + 4 + 8;
        c.update(out, crcAt, endCrc - crcAt);
        b.putInt(endCrc, (int) c.getValue());
        return out;
    }

    @Test
    void nonFiniteStatesAndWeightsAreRefused() {
        Recurrent m = model(CellKind.GRU, 2, 3, 1, 7);
        Sessions s = new Sessions(m);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setState(1, new float[]{0, Float.NaN, 0}));
        assertTrue(e.getMessage().contains("state for key 1 holds NaN"), e.getMessage());
        m.params[m.parameters().get(1).offset() + 4] = Float.POSITIVE_INFINITY;
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> new Sessions(m));
        assertTrue(w.getMessage().contains("model parameter weight_hh_l0 holds Infinity at (row,col) = (1,1)"), w.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.stepBatch(new long[]{1, 2}, new float[]{0, 0, Float.NaN, 0}, new float[6]));
    }

    @Test
    void oneKeyRepeatedIsLinear() {
        Sessions s = new Sessions(model(CellKind.GRU, 1, 2, 1, 7));
        repeats(s, 20_000);                                   // warm-up
        // 4× the repeats take about 4× the time (quadratic: 16×); a ratio, not a wall-clock limit, so that a loaded
        // machine slows both alike
        double quarter = repeats(s, 25_000), whole = repeats(s, 100_000);
        assertTrue(whole < 8 * quarter + 0.5, whole + " s for 100,000 repeats of one key vs " + quarter + " s for 25,000");
        assertEquals(1, s.size());
    }

    private static double repeats(Sessions s, int n) {
        long t0 = System.nanoTime();
        s.stepBatch(new long[n], new float[n], new float[2 * n]);
        return (System.nanoTime() - t0) / 1e9;
    }
}
