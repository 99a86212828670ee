package org.gru4j.io;

import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restricted torch.save reader on files torch.save wrote (io-fixtures/torch, from scripts/make_io_fixtures.py),
 * checked value for value against what numpy dumped (io-fixtures/expected), and on files it must refuse: pickled
 * modules, malicious pickles, TorchScript, the legacy format, broken archives and hand-made hostile pickles.
 */
class TorchPickleTest {
    /** What the malicious fixtures would write if anything ran them. */
    static final Path MARKER = Path.of("/tmp/gru4j-pwned");

    @TempDir
    Path tmp;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(TorchPickleTest.class.getResource("/io-fixtures/" + name).toURI());
    }

    @BeforeAll
    static void noMarkerYet() throws IOException {
        Files.deleteIfExists(MARKER);
    }

    /** Every expected/<case>/<name>.npy, by name. */
    static Map<String, Tensor> expected(String kase) throws Exception {
        Map<String, Tensor> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(fixture("expected/" + kase))) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                out.put(n.substring(0, n.length() - ".npy".length()), Npy.read(p));
            }
        }
        return out;
    }

    /** Each expected tensor is read with the same shape and the same float32 bits. */
    static Map<String, Tensor> readsAsNumpySaw(String kase, boolean allNames) throws Exception {
        Map<String, Tensor> got = TorchPickle.read(fixture("torch/" + kase + ".pt"));
        Map<String, Tensor> want = expected(kase);
        if (allNames) assertEquals(want.keySet(), new TreeMap<>(got).keySet(), kase);
        for (Map.Entry<String, Tensor> e : want.entrySet()) {
            Tensor g = got.get(e.getKey());
            assertTrue(g != null, kase + ": no tensor '" + e.getKey() + "' among " + got.keySet());
            assertArrayEquals(e.getValue().shape, g.shape, kase + "/" + e.getKey());
            assertArrayEquals(e.getValue().data, g.data, kase + "/" + e.getKey());
        }
        return got;
    }

    @Test
    void gruStateDict() throws Exception {
        Map<String, Tensor> t = readsAsNumpySaw("gru_state", true);
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"), List.copyOf(t.keySet()), "state_dict order");
        assertArrayEquals(new int[]{15, 3}, t.get("weight_ih_l0").shape);
    }

    @Test
    void bidirectionalLstmStateDict() throws Exception {
        Map<String, Tensor> t = readsAsNumpySaw("lstm_bi_state", true);
        assertArrayEquals(new int[]{12, 3}, t.get("weight_hh_l0_reverse").shape);
    }

    @Test
    void trainingCheckpointIsFlattenedWithDots() throws Exception {
        Map<String, Tensor> t = readsAsNumpySaw("checkpoint", false);
        Set<String> names = t.keySet();
        assertTrue(names.contains("model.weight_ih_l0") && names.contains("model.bias_hh_l1"), names.toString());
        assertTrue(names.contains("optimizer.state.0.exp_avg_sq") && names.contains("optimizer.state.7.exp_avg"), names.toString());
        assertFalse(names.contains("epoch"), "plain numbers are left out");
        assertTrue(names.stream().allMatch(n -> n.startsWith("model.") || n.startsWith("optimizer.state.")), names.toString());
    }

    @Test
    void floatBeforeLargeIntegersAndLongMemo() throws Exception {
        Map<String, Tensor> t = readsAsNumpySaw("float_first", false);
        assertArrayEquals(new int[]{300, 1}, t.get("model.tall").shape);
        assertEquals(62, t.size());
    }

    @Test
    void viewsWithOffsetsStridesAndSharedStorage() throws Exception {
        Map<String, Tensor> t = readsAsNumpySaw("views", true);
        assertArrayEquals(new float[]{5 / 8f, 6 / 8f, 7 / 8f, 8 / 8f, 9 / 8f, 10 / 8f}, t.get("offset").data);
        assertArrayEquals(new int[]{6, 4}, t.get("transposed").shape);
        assertArrayEquals(new float[]{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}, t.get("broadcast").data);
    }

    @Test
    void halfBfloat16DoubleAndLongAreConverted() throws Exception {
        Map<String, Tensor> t = readsAsNumpySaw("dtypes", true);
        assertEquals(65504f, t.get("half").data[2]);
        assertEquals(0x1p40f, t.get("long").data[2]);
    }

    private static String refused(Path f, String... words) {
        IOException e = assertThrows(ModelFormatException.class, () -> TorchPickle.read(f));
        for (String w : words) assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    @Test
    void refusesAWholePickledModule() throws Exception {
        refused(fixture("torch/whole_module.pt"), "torch.nn.modules.rnn.GRU", "state_dict()");
    }

    @Test
    void refusesMaliciousPicklesWithoutRunningThem() throws Exception {
        refused(fixture("torch/evil_os_system.pt"), "refusing global 'posix.system'");
        refused(fixture("torch/evil_os_system_p4.pt"), "refusing global 'posix.system'");
        refused(fixture("torch/evil_eval.pt"), "refusing global 'builtins.eval'");
        refused(fixture("torch/evil_popen.pt"), "refusing global 'subprocess.Popen'");
        refused(fixture("torch/evil_nested.pt"), "refusing global 'posix.system'");
        assertFalse(Files.exists(MARKER), "a malicious pickle ran");
    }

    @Test
    void refusesOtherFormatsClearly() throws Exception {
        refused(fixture("torch/torchscript.pt"), "TorchScript", "torch.jit.save");
        refused(fixture("torch/legacy.pt"), "legacy", "non-zip");
        refused(fixture("torch/truncated.pt"), "corrupt zip");
        refused(fixture("npy/f32_3.npy"), "not a torch.save file");
        Path empty = tmp.resolve("empty.pt");
        Files.write(empty, new byte[0]);
        refused(empty, "not a torch.save file");
        Path zip = tmp.resolve("other.pt");
        writeZip(zip, Map.of("stuff/readme.txt", "hello".getBytes()));
        refused(zip, "without data.pkl");
    }

    // ----------------------------------------------------------------------------------- hand-made pickles

    /** Pickle protocol 2 bytes, opcode by opcode. */
    static final class Pickle {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            op(0x80).op(2);
        }

        Pickle op(int... ops) {
            for (int o : ops) out.write(o);
            return this;
        }

        Pickle op(byte[] raw) {
            out.writeBytes(raw);
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op(0x8c, b.length);
            out.writeBytes(b);
            return this;
        }

        /** LONG1 with 8 bytes, little-endian. */
        Pickle int64(long v) {
            op(0x8a, 8);
            for (int i = 0; i < 8; i++) op((int) (v >>> (8 * i)) & 0xff);
            return this;
        }

        Pickle global(String module, String name) {
            out.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        /** _rebuild_tensor_v2(storage '0' of numel floats, offset, size, stride, False, OrderedDict()) */
        Pickle tensor(long numel, long offset, long[] size, long[] stride) {
            return tensor("0", numel, offset, size, stride);
        }

        Pickle tensor(String key, long numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").op('(');
            op('(').str("storage").global("torch", "FloatStorage").str(key).str("cpu").int64(numel).op('t', 'Q');
            int64(offset);
            op('(');
            for (long s : size) int64(s);
            op('t', '(');
            for (long s : stride) int64(s);
            op('t', 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R');
            return this;
        }

        byte[] stop() {
            return op('.').out.toByteArray();
        }
    }

    static void writeZip(Path f, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }

    /** A torch.save layout holding the pickle and a 16-byte storage '0'. */
    private Path archive(byte[] pickle) throws IOException {
        Path f = tmp.resolve("hand.pt");
        writeZip(f, Map.of("archive/data.pkl", pickle, "archive/data/0", new byte[16], "archive/version", "3\n".getBytes()));
        return f;
    }

    @Test
    void handMadeTensorIsRead() throws IOException {
        byte[] p = new Pickle().op('}').str("w").tensor(4, 1, new long[]{3}, new long[]{1}).op('s').stop();
        Map<String, Tensor> t = TorchPickle.read(archive(p));
        assertArrayEquals(new int[]{3}, t.get("w").shape);
    }

    @Test
    void refusesViewsOutsideTheirStorage() throws IOException {
        refused(archive(new Pickle().op('}').str("w").tensor(4, 2, new long[]{3}, new long[]{1}).op('s').stop()),
                "reaches past storage '0' of 4 elements");
        refused(archive(new Pickle().op('}').str("w").tensor(8, 0, new long[]{2}, new long[]{1}).op('s').stop()),
                "storage '0' declares 8 elements but holds 16 bytes");
        refused(archive(new Pickle().op('}').str("w").tensor(4, 0, new long[]{-1}, new long[]{1}).op('s').stop()), "bad size");
        refused(archive(new Pickle().op('}').str("w").tensor(4, -1, new long[]{1}, new long[]{1}).op('s').stop()), "reaches past");
        // strides and element counts whose products overflow a long
        refused(archive(new Pickle().op('}').str("w").tensor(4, 0, new long[]{3}, new long[]{Long.MAX_VALUE}).op('s').stop()),
                "storage '0'");
        refused(archive(new Pickle().op('}').str("w").tensor(1L << 62, 0, new long[]{1}, new long[]{1}).op('s').stop()),
                "storage '0'");
        refused(archive(new Pickle().op('}').str("w")
                        .tensor(4, 0, new long[]{1L << 30, 1L << 30, 1L << 30}, new long[]{0, 0, 0}).op('s').stop()),
                "storage '0'");
        // no overflow, but a 4-element storage expanded to 2^30 values would allocate 4 GB
        refused(archive(new Pickle().op('}').str("w").tensor(4, 0, new long[]{1L << 30}, new long[]{0}).op('s').stop()),
                "expanded views");
    }

    @Test
    void refusesMalformedPickles() throws IOException {
        refused(archive(new Pickle().op('}').str("w").stop()), "stack holds 2");
        refused(archive(new Pickle().op('}', 's').stop()), "malformed pickle");
        refused(archive(new Pickle().op('}').stop()), "holds no tensors");
        refused(archive(new Pickle().op('N').stop()), "holds a None");
        refused(archive(new Pickle().tensor(4, 0, new long[]{2}, new long[]{1}).stop()), "single tensor");
        // a tuple holding None (common in real pickles) must not break the reader
        refused(archive(new Pickle().op('(', 'N', 'N', 'N', 'N', 't').stop()), "holds a list/tuple");
        refused(archive(new Pickle().op('}').str("w").op('h', 9).stop()), "memo 9");
        refused(archive(new Pickle().op('}').str("w").op(0x81).stop()), "opcode 0x81");
        refused(archive(new byte[]{(byte) 0x80, 2, '}'}), "truncated pickle");
        refused(archive(new Pickle().op('X', 0xff, 0xff, 0xff, 0x7f).stop()), "runs past the end");
        refused(archive(new Pickle().global("torch", "FloatStorage").op(')', 'R').stop()), "storage type, not a function");
        refused(archive(new Pickle().global("torch._utils", "_rebuild_tensor_v2").op('N', 0x85, 'R').stop()), "1 arguments");
        refused(archive(new Pickle().op('(').str("storage").global("os", "system").str("0").str("cpu").int64(4).op('t', 'Q').stop()),
                "refusing global 'os.system'");
    }

    @Test
    void refusesDictionariesThatContainThemselvesOrNestTooDeep() throws IOException {
        // d = {}; d['a'] = d
        refused(archive(new Pickle().op('}', 'q', 0).str("a").op('h', 0, 's').stop()), "contains itself");
        Pickle deep = new Pickle();
        for (int i = 0; i < 200; i++) deep.op('}').str("k");
        deep.tensor(4, 0, new long[]{4}, new long[]{1});
        for (int i = 0; i < 200; i++) deep.op('s');
        refused(archive(deep.stop()), "nested deeper");
        // 2^40 dotted names from 40 levels of a dict shared twice over: refused, not expanded
        Pickle wide = new Pickle().op('}').str("w").tensor(4, 0, new long[]{4}, new long[]{1}).op('s', 'q', 0);
        for (int i = 1; i <= 40; i++) wide.op('0', '}', '(').str("a").op('h', i - 1).str("b").op('h', i - 1, 'u', 'q', i);
        refused(archive(wide.stop()), "entries");
    }

    @Test
    void refusesTextPersistentIdsAndBadStorageTags() throws IOException {
        refused(archive(new Pickle().str("x").op('P').stop()), "PERSID");
        refused(archive(new Pickle().op('}').str("w").tensor("missing", 4, 0, new long[]{4}, new long[]{1}).op('s').stop()),
                "storage 'missing' is missing from the archive");
    }

    @Test
    void bigEndianArchivesAreRefused() throws IOException {
        Path f = tmp.resolve("be.pt");
        byte[] p = new Pickle().op('}').str("w").tensor(4, 0, new long[]{4}, new long[]{1}).op('s').stop();
        writeZip(f, Map.of("archive/data.pkl", p, "archive/data/0", new byte[16], "archive/byteorder", "big".getBytes()));
        refused(f, "byte order 'big'");
    }
}
