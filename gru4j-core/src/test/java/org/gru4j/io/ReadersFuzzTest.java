package org.gru4j.io;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Mutation fuzzing of every core reader (see RELIABILITY.md): valid seed files get one to eight {@link Mutation}s
 * (bit flips, truncation, insertions, deletions, length fields and header numbers set to huge or negative values)
 * and {@link FuzzCheck} judges what the reader does with them. Each test is a plain JUnit loop ({@link FuzzTries}) over
 * tries drawn from a SplittableRandom with a fixed seed, so CI sees the same inputs each run; the number of tries per
 * test is -Dgru4j.fuzz.tries (1200 by default), and a failure names the try index and the seed to replay it.
 */
class ReadersFuzzTest {
    static final List<Class<? extends Throwable>> IO = List.of(IOException.class);
    static final List<Class<? extends Throwable>> JSON = List.of(Json.ParseException.class);

    static final FuzzCheck.Reader NPY = Npy::read;
    static final FuzzCheck.Reader SAFETENSORS = Safetensors::read;
    static final FuzzCheck.Reader TORCH = TorchPickle::read;
    static final FuzzCheck.Reader JSON_TEXT = f -> Json.parse(Files.readString(f, StandardCharsets.ISO_8859_1));

    private static final Map<String, byte[]> SEEDS = new ConcurrentHashMap<>();

    @Test
    void npy() {
        FuzzTries.run("npy", r -> FuzzCheck.check("npy", mutated(r, NPY_SEEDS), work("x.npy"), NPY, IO));
    }

    @Test
    void safetensors() {
        FuzzTries.run("safetensors", r -> FuzzCheck.check("safetensors", mutated(r, SAFETENSORS_SEEDS), work("x.safetensors"),
                SAFETENSORS, IO));
    }

    /** One of the seeds, picked uniformly, with one to eight edits. */
    static byte[] mutated(SplittableRandom random, String[] seeds) {
        String seed = seeds[random.nextInt(seeds.length)];
        return Mutation.apply(seed(seed), Mutation.edits(random));
    }

    /** Well-formed files whose header values are random (HeaderPrograms): the checks behind the syntax. */
    @Test
    void npyHeaders() {
        FuzzTries.run("npyHeaders", r -> FuzzCheck.check("npy", HeaderPrograms.npy(r), work("h.npy"), NPY, IO));
    }

    @Test
    void safetensorsHeaders() {
        FuzzTries.run("safetensorsHeaders", r -> FuzzCheck.check("safetensors", HeaderPrograms.safetensors(r),
                work("h.safetensors"), SAFETENSORS, IO));
    }

    /** The whole archive mutated: mostly exercises the zip layer and its checks. */
    @Test
    void torchZip() {
        FuzzTries.run("torchZip", r -> FuzzCheck.check("torch", mutated(r, TORCH_SEEDS), work("x.pt"), TORCH, IO));
    }

    /** Only data.pkl mutated, then zipped again with the seed's storages: exercises the unpickler. */
    @Test
    void torchPickle() {
        FuzzTries.run("torchPickle", r -> {
            String seed = TORCH_SEEDS[r.nextInt(TORCH_SEEDS.length)];
            return FuzzCheck.check("torch", rezip(seed, Mutation.edits(r)), work("x.pt"), TORCH, IO);
        });
    }

    /**
     * Pickle programs made of opcodes rather than mutated bytes: a random sequence from {@link #PICKLE_OPS} (containers,
     * marks, memo put/get, DUP, the allowlisted globals, REDUCE, BINPERSID, BUILD, small and edge integers, the
     * strings a storage tag needs) inside a dict's SETITEMS ({@link #pickleArchive}). This reaches the
     * unpickler's semantics (cycles through the memo, containers used as keys, wrong argument types for the rebuild
     * calls) that byte mutations of a valid pickle rarely do.
     */
    @Test
    void torchPickleOps() {
        FuzzTries.run("torchPickleOps", r -> FuzzCheck.check("torch", pickleArchive(pickleOps(r)), work("ops.pt"), TORCH, IO));
    }

    /** 1 to 60 opcodes from {@link #PICKLE_OPS}, each picked uniformly. */
    static byte[] pickleOps(SplittableRandom random) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int n = random.nextInt(1, 61);
        for (int i = 0; i < n; i++) body.writeBytes(PICKLE_OPS[random.nextInt(PICKLE_OPS.length)]);
        return body.toByteArray();
    }

    /**
     * Well-formed pickle programs: a dict of random keys to random values, each value a tree of ints, floats (NaN),
     * strings, None, booleans, valid tensors, lists, tuples and dicts (PicklePrograms). Containers may be memoized
     * before they are filled and read back inside themselves, making cycles; keys may be containers. Now and then a
     * stray opcode unbalances the program. Reaches the rebuild calls, the flattening and the key handling.
     */
    @Test
    void torchPickleValues() {
        FuzzTries.run("torchPickleValues", r -> FuzzCheck.check("torch", pickleArchive(PicklePrograms.topLevel(r)),
                work("values.pt"), TORCH, IO));
    }

    /** PROTO 2, a dict and a MARK, the body (key-value pairs), SETITEMS, STOP; zipped with a 16-byte storage '0'. */
    static byte[] pickleArchive(byte[] body) throws IOException {
        ByteArrayOutputStream pkl = new ByteArrayOutputStream();
        pkl.write(0x80);
        pkl.write(2);
        pkl.writeBytes("}(".getBytes(StandardCharsets.US_ASCII));
        pkl.writeBytes(body);
        pkl.writeBytes("u.".getBytes(StandardCharsets.US_ASCII));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pkl.toByteArray());
        entries.put("archive/data/0", new byte[16]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zo = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zo.putNextEntry(new ZipEntry(e.getKey()));
                zo.write(e.getValue());
                zo.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static final byte[][] PICKLE_OPS = pickleOpcodes();

    private static byte[][] pickleOpcodes() {
        List<byte[]> ops = new java.util.ArrayList<>();
        for (String one : new String[]{"(", "}", "]", ")", "t", "\u0085", "\u0086", "\u0087", "l", "d", "a", "e", "s", "u", "2", "0", "1",
                "N", "R", "Q", "b", "\u0088", "\u0089", "\u0094", "\u008f", "\u0090", "\u0091"}) {
            ops.add(one.getBytes(StandardCharsets.ISO_8859_1));
        }
        for (int i = 0; i < 3; i++) {
            ops.add(new byte[]{'q', (byte) i});                                   // BINPUT i
            ops.add(new byte[]{'h', (byte) i});                                   // BINGET i
        }
        for (int v : new int[]{0, 1, 2, 3, 4, 16, 255}) ops.add(new byte[]{'K', (byte) v});   // BININT1
        ops.add(new byte[]{'J', -1, -1, -1, -1});                                  // BININT -1
        ops.add(new byte[]{'J', 0, 0, 0, 0x40});                                   // BININT 2^30
        ops.add(new byte[]{(byte) 0x8a, 8, -1, -1, -1, -1, -1, -1, -1, 0x7f});      // LONG1 Long.MAX_VALUE
        ops.add(new byte[]{'G', 0x7f, (byte) 0xf8, 0, 0, 0, 0, 0, 0});             // BINFLOAT NaN
        for (String str : new String[]{"w", "0", "storage", "cpu", "x.y"}) {
            byte[] b = str.getBytes(StandardCharsets.US_ASCII);
            byte[] op = new byte[2 + b.length];
            op[0] = (byte) 0x8c;
            op[1] = (byte) b.length;
            System.arraycopy(b, 0, op, 2, b.length);
            ops.add(op);                                                           // SHORT_BINUNICODE
        }
        // a whole valid tensor: _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', 4), 0, (2,), (1,), False, OrderedDict())
        ops.add(("ctorch._utils\n_rebuild_tensor_v2\n((\u008c\u0007storagectorch\nFloatStorage\n\u008c\u00010\u008c\u0003cpuK\u0004tQ"
                + "K\u0000K\u0002\u0085K\u0001\u0085\u0089ccollections\nOrderedDict\n)RtR").getBytes(StandardCharsets.ISO_8859_1));
        for (String g : new String[]{"torch\nFloatStorage\n", "torch\nHalfStorage\n", "torch._utils\n_rebuild_tensor_v2\n",
                "collections\nOrderedDict\n", "torch._utils\n_rebuild_parameter\n"}) {
            ops.add(("c" + g).getBytes(StandardCharsets.US_ASCII));                // GLOBAL
        }
        return ops.toArray(new byte[0][]);
    }

    /** Issue 16's shapes (HostilePrograms): one storage viewed many ways, deflated claims, the pickle deflated. */
    @Test
    void torchAmplification() {
        FuzzTries.run("torchAmplification", r -> FuzzCheck.check("torch", HostilePrograms.torchAmplification(r), work("amp.pt"), TORCH, IO));
    }

    /** Deep lists, tuples and dicts, long keys, containers holding themselves as values, keys and sizes. */
    @Test
    void torchNesting() {
        FuzzTries.run("torchNesting", r -> FuzzCheck.check("torch", HostilePrograms.torchNesting(r), work("nest.pt"), TORCH, IO));
    }

    /** One key set many times, one storage declared many ways, many storages, zero-size tensors, DUPs. */
    @Test
    void torchRepetition() {
        FuzzTries.run("torchRepetition", r -> FuzzCheck.check("torch", HostilePrograms.torchRepetition(r), work("rep.pt"), TORCH, IO));
    }

    /** Many entries, duplicate names, zero-size tensors, shared offsets, nested metadata. */
    @Test
    void safetensorsRepetition() {
        FuzzTries.run("safetensorsRepetition", r -> FuzzCheck.check("safetensors", HostilePrograms.safetensors(r), work("rep.safetensors"),
                SAFETENSORS, IO));
    }

    /** Deep brackets and repeated keys. */
    @Test
    void jsonNesting() {
        FuzzTries.run("jsonNesting", r -> FuzzCheck.check("json", HostilePrograms.json(r), work("nest.json"), JSON_TEXT, JSON));
    }

    @Test
    void json() {
        FuzzTries.run("json", r -> FuzzCheck.check("json", mutated(r, JSON_SEEDS), work("x.json"), JSON_TEXT, JSON));
    }

    static final String[] NPY_SEEDS = {"/io-fixtures/npy/f32_2x3x4.npy", "/io-fixtures/npy/f32_scalar.npy",
            "/io-fixtures/npy/f32_empty.npy", "/io-fixtures/npy/f32_fortran_2x3x4.npy", "/io-fixtures/npy/f32_bigendian_2x3x4.npy",
            "/io-fixtures/npy/f32_v2_2x3x4.npy", "/io-fixtures/npy/f64_2x3.npy"};

    static final String[] SAFETENSORS_SEEDS = {"/fixtures/rnn_tanh_l1_nobias_h0.safetensors", "/fixtures/gru_l1_bias.safetensors",
            "dtypes.safetensors"};

    static final String[] TORCH_SEEDS = {"/io-fixtures/torch/gru_state.pt", "/io-fixtures/torch/views.pt",
            "/io-fixtures/torch/dtypes.pt", "/io-fixtures/torch/checkpoint.pt", "/io-fixtures/torch/evil_os_system_p4.pt"};

    static final String[] JSON_SEEDS = {"header:/fixtures/gru_l1_bias.safetensors", "header:dtypes.safetensors",
            "text:{\"a\": [1, -2.5e3, true, false, null, \"s\\u00e9\\n\"], \"b\": {\"c\": [[[]]], \"d\": 9223372036854775807}}"};

    /** The bytes of a seed: a classpath resource, "dtypes.safetensors", "header:&lt;seed&gt;" (its JSON) or "text:&lt;json&gt;". */
    static byte[] seed(String name) {
        return SEEDS.computeIfAbsent(name, n -> {
            try {
                if (n.equals("dtypes.safetensors")) return dtypesSafetensors();
                if (n.startsWith("text:")) return n.substring(5).getBytes(StandardCharsets.UTF_8);
                if (n.startsWith("header:")) {
                    byte[] f = seed(n.substring(7));
                    long len = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                    return java.util.Arrays.copyOfRange(f, 8, 8 + (int) len);
                }
                try (InputStream in = ReadersFuzzTest.class.getResourceAsStream(n)) {
                    if (in == null) throw new IOException("no test resource " + n);
                    return in.readAllBytes();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A safetensors file holding one small tensor of every dtype the reader converts, with metadata. */
    static byte[] dtypesSafetensors() {
        String[] dtypes = {"F64", "F16", "BF16", "I64", "U64", "I32", "U32", "I16", "U16", "I8", "U8", "BOOL"};
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (String d : dtypes) {
            int w = Safetensors.dtypeBytes(d);
            long begin = data.size();
            for (int i = 0; i < 6 * w; i++) data.write(i * 37 + w);
            // a LinkedHashMap, not Map.of, whose order changes from JVM to JVM: the seed must be the same bytes every run
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", d);
            entry.put("shape", new int[]{2, 3});
            entry.put("data_offsets", new long[]{begin, data.size()});
            header.put(d.toLowerCase(), entry);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data.toByteArray());
        return b.array();
    }

    private static final Map<String, Map<String, byte[]>> ENTRIES = new ConcurrentHashMap<>();

    /** The seed archive with its data.pkl mutated, every other entry kept. */
    static byte[] rezip(String seed, List<Mutation> edits) throws IOException {
        Map<String, byte[]> entries = ENTRIES.computeIfAbsent(seed, n -> {
            Map<String, byte[]> m = new LinkedHashMap<>();
            try {
                Path f = work("seed-" + n.replace('/', '_'));
                Files.write(f, seed(n));
                try (ZipFile z = new ZipFile(f.toFile())) {
                    for (ZipEntry e : java.util.Collections.list(z.entries())) {
                        try (InputStream in = z.getInputStream(e)) {
                            m.put(e.getName(), in.readAllBytes());
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return m;
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zo = new ZipOutputStream(out)) {
            zo.setLevel(0);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] b = e.getKey().endsWith("/data.pkl") ? Mutation.apply(e.getValue(), edits) : e.getValue();
                zo.putNextEntry(new ZipEntry(e.getKey()));
                zo.write(b);
                zo.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** A scratch file under target/fuzz-work, one per name (each fuzz test reuses its own). */
    static Path work(String name) throws IOException {
        Path dir = Path.of("target", "fuzz-work");
        Files.createDirectories(dir);
        return dir.resolve(name);
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ReadersFuzzTest.class.getResource(name).toURI());
    }
}
