package org.gru4j.io;

import org.gru4j.io.TorchPickleTest.Pickle;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 1 and 2: small .pt files that asked for gigabytes (or a stack overflow) end in one line, in a
 * 512 MiB heap (this class runs in the surefire execution "hostile", -Xmx512m) and a few seconds.
 */
@Tag("hostile")
class HostileTorchTest {
    @TempDir
    Path tmp;

    /** Refused with one line naming the file and holding every word, within 5 s. */
    static String refused(Path f, String... words) {
        long t0 = System.nanoTime();
        IOException e = assertThrows(ModelFormatException.class, () -> TorchPickle.read(f));
        double s = (System.nanoTime() - t0) / 1e9;
        String m = e.getMessage();
        for (String w : words) assertTrue(m.contains(w), "'" + w + "' not in: " + m);
        assertTrue(m.startsWith(f.toString()), "names the file: " + m);
        assertTrue(m.indexOf('\n') < 0 && m.length() <= ModelFormatException.MAX + 40, "one short line: " + m.length() + " characters");
        assertTrue(s < 5, "took " + s + " s");
        System.out.printf("hostile: %.2f s: %s%n", s, m);
        return m;
    }

    private static byte[] floats(int n) {
        return new byte[4 * n];
    }

    @Test
    void manyViewsOfOneStorageAreChargedNotCopiedEach() throws IOException {
        int n = 2 << 20;   // 8 MB of float32, viewed 400 times at 400 offsets: 5.6 GB if each view were copied
        Pickle p = new Pickle().op('}', '(');
        for (int i = 0; i < 400; i++) p.str("v" + i).tensor(n, i, new long[]{n - 400}, new long[]{1});
        Path f = tmp.resolve("views400.pt");
        new BombZip().stored("archive/data.pkl", p.op('u').stop()).stored("archive/data/0", floats(n)).write(f);
        refused(f, "budget", "64 MiB + 8 × the file's");
    }

    @Test
    void viewsInIgnoredContainersAreNotRead() throws IOException {
        int n = 2 << 20;
        // {'w': view, 'optimizer': [400 views of the same 8 MB storage]}: only 'w' is read
        Pickle p = new Pickle().op('}', '(').str("w").tensor(n, 0, new long[]{4}, new long[]{1}).str("optimizer").op(']', '(');
        for (int i = 0; i < 400; i++) p.tensor(n, i, new long[]{n - 400}, new long[]{1});
        Path f = tmp.resolve("ignored.pt");
        new BombZip().stored("archive/data.pkl", p.op('e', 'u').stop()).stored("archive/data/0", floats(n)).write(f);
        long t0 = System.nanoTime();
        Map<String, Tensor> t = TorchPickle.read(f);
        assertEquals(1, t.size());
        assertTrue(System.nanoTime() - t0 < 5e9);
    }

    @Test
    void oneViewNamedManyTimesIsOneTensor() throws IOException {
        int n = 1 << 20;
        Pickle p = new Pickle().op('}', '(').str("w0").tensor(n, 0, new long[]{n}, new long[]{1}).op('q', 1);
        for (int i = 1; i < 400; i++) p.str("w" + i).op('h', 1);
        Path f = tmp.resolve("named.pt");
        new BombZip().stored("archive/data.pkl", p.op('u').stop()).stored("archive/data/0", floats(n)).write(f);
        Map<String, Tensor> t = TorchPickle.read(f);
        assertEquals(400, t.size());
        assertSame(t.get("w0"), t.get("w399"));
    }

    @Test
    void deflatedStorageOfTwoGigabytesIsRefusedBeforeInflating() throws IOException {
        int chunk = 1 << 20, copies = 2047;   // 2047 MiB of zeros in about 2 MB
        long numel = (long) chunk * copies;
        Pickle p = new Pickle().op('}').str("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", "ByteStorage").str("0").str("cpu").int64(numel).op('t', 'Q');
        p.int64(0).op('(').int64(numel).op('t', '(').int64(1).op('t', 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R', 's');
        Path f = tmp.resolve("bytebomb.pt");
        new BombZip().stored("archive/data.pkl", p.stop()).repeated("archive/data/0", new byte[chunk], copies).write(f);
        assertTrue(Files.size(f) < 4 << 20);
        refused(f, "storage '0'", "budget");
        // a 4-value view of a 64 MiB deflated storage: the storage's inflation is refused before it is read
        Pickle q = new Pickle().op('}').str("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
        q.op('(').str("storage").global("torch", "ByteStorage").str("0").str("cpu").int64(64L << 20).op('t', 'Q');
        q.int64(0).op('(').int64(4).op('t', '(').int64(1).op('t', 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R', 's');
        Path g = tmp.resolve("ratio.pt");
        new BombZip().stored("archive/data.pkl", q.stop()).repeated("archive/data/0", new byte[chunk], 64).write(g);
        refused(g, "archive/data/0", "inflates", "over 256 times");
    }

    /** n copies of one opcode. */
    private static byte[] ops(char op, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) op);
        return b;
    }

    /** An archive whose data.pkl is pkl (stored) and a 16-byte storage '0'. */
    private Path storedPickle(String name, byte[] pkl) throws IOException {
        Path f = tmp.resolve(name);
        new BombZip().stored("archive/data.pkl", pkl).stored("archive/data/0", floats(4)).write(f);
        return f;
    }

    @Test
    void deflatedPickleOfEmptyDictsIsRefused() throws IOException {
        Path f = tmp.resolve("dicts.pt");   // 250 M EMPTY_DICT opcodes in about 250 KB
        new BombZip().repeated("archive/data.pkl", ops('}', 1 << 20), 250).stored("archive/data/0", floats(4)).write(f);
        refused(f, "data.pkl", "over");
        // stored, 2 MB of '}': under the byte limits, stopped by the object count
        refused(storedPickle("dicts2.pt", ops('}', 2 << 20)), "more than 1048576 objects");
    }

    @Test
    void deeplyNestedMarksAreRefused() throws IOException {
        refused(storedPickle("marks.pt", ops('(', 1 << 20)), "MARKs nested deeper than 4096");
    }

    @Test
    void selfContainingDictWithALongKeyGivesAShortLine() throws IOException {
        String key = "k".repeat(300_000);
        // d = {}; d[key] = d; d['w'] = tensor
        Pickle p = new Pickle().op('}', 'q', 0).str("w").tensor(4, 0, new long[]{4}, new long[]{1}).op('s');
        p.op('X');
        int len = key.length();
        p.op(len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, len >>> 24);
        p.out.writeBytes(key.getBytes());
        p.op('h', 0, 's');
        Path f = tmp.resolve("selfdict.pt");
        new BombZip().stored("archive/data.pkl", p.stop()).stored("archive/data/0", floats(4)).write(f);
        String m = refused(f, "tensor name of over 4096 characters", "(300000 characters)");
        assertTrue(m.length() < 1000, m.length() + " characters");
        // a chain of distinct dicts with 200-character keys: refused by the name length, not built to megabytes
        Pickle chain = new Pickle();
        for (int i = 0; i < 40; i++) chain.op('}').str("n".repeat(200));
        chain.tensor(4, 0, new long[]{4}, new long[]{1});
        for (int i = 0; i < 40; i++) chain.op('s');
        Path g = tmp.resolve("chain.pt");
        new BombZip().stored("archive/data.pkl", chain.stop()).stored("archive/data/0", floats(4)).write(g);
        refused(g, "tensor name of over 4096 characters");
    }

    @Test
    void sizeListThatContainsItselfIsShownBounded() throws IOException {
        // size = []; size.append(size): the message used to concatenate it (StackOverflowError)
        Pickle p = new Pickle().op('}').str("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").int64(4).op('t', 'Q');
        p.int64(0).op(']', 'q', 7, 'h', 7, 'a').op('(').int64(1).op('t', 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R', 's');
        Path f = tmp.resolve("selfsize.pt");
        new BombZip().stored("archive/data.pkl", p.stop()).stored("archive/data/0", floats(4)).write(f);
        refused(f, "bad size [[[[…]]]]");
    }

    @Test
    void savedRegressionFilesEndInTheirLines() throws Exception {
        Path dir = ReadersFuzzTest.resource("/fuzz-regressions/torch");
        refused(dir.resolve("pickle-2M-empty-dicts-deflated-OOM.pt"), "archive/data.pkl", "inflates");
        refused(dir.resolve("pickle-1M-marks-deflated.pt"), "MARKs nested deeper");
        refused(dir.resolve("pickle-self-containing-size-list-StackOverflow.pt"), "bad size [[[[…]]]]");
        refused(dir.resolve("pickle-self-containing-dict-300k-key.pt"), "tensor name of over 4096 characters");
        Map<String, Tensor> views = TorchPickle.read(dir.resolve("pickle-400-views-one-storage.pt"));
        assertEquals(400, views.size());
        assertSame(views.get("v0"), views.get("v399"), "equal views of one storage are one tensor");
        IOException npy = assertThrows(ModelFormatException.class,
                () -> Npy.read(ReadersFuzzTest.resource("/fuzz-regressions/npy/header-duplicate-shape-key.npy")));
        assertTrue(npy.getMessage().contains("gives 'shape' twice"), npy.getMessage());
    }
}
