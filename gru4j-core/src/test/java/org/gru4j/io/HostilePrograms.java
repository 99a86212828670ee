package org.gru4j.io;

import org.gru4j.io.TorchPickleTest.Pickle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Well-formed files of the shapes issue 16 found, with random sizes, for the fuzz tests: each asks for far more than
 * its bytes, or nests or repeats something a reader might walk once per level or per repeat.
 * <pre>
 * torch amplification  one storage (4 … 2^18 elements, stored whole, short, or deflated from a chunk repeated to claim
 *                      up to 2^30 bytes) viewed 1 … 4096 times: named, inside an ignored list, or one view named again
 *                      and again through the memo; views whole, at random offsets, expanded (stride 0) to up to 2^26
 *                      values, or 2-d; data.pkl itself sometimes deflated
 * torch nesting        1 … 20 000 levels of MARK+LIST, TUPLE1, dict-in-dict with keys of up to 2^16 characters,
 *                      a list or dict that contains itself, used as a value, a key or a tensor's size
 * torch repetition     one key set 1 … 20 000 times, one storage declared with other sizes and types, many tiny
 *                      storages, zero-size tensors, one string DUPed into a list
 * safetensors          up to 20 000 entries: duplicate names, zero-size tensors, shared offsets; metadata nested
 * json                 up to 10^5 nested brackets, or one key repeated
 * </pre>
 */
final class HostilePrograms {
    private HostilePrograms() {}

    private static int pow2(SplittableRandom r, int maxLog) {
        return 1 << r.nextInt(maxLog + 1);
    }

    private static Pickle view(Pickle p, String dtype, String key, long numel, long offset, long[] size, long[] stride) {
        p.global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", dtype).str(key).str("cpu").int64(numel).op('t', 'Q');
        p.int64(offset).op('(');
        for (long s : size) p.int64(s);
        p.op('t', '(');
        for (long s : stride) p.int64(s);
        return p.op('t', 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R');
    }

    /**
     * A view of a storage of numel elements, of one of four kinds (one kind per file, so one bad view does not refuse
     * every file): whole, at a random offset, expanded (stride 0) to 2^0 … 2^26 values, or 2-d within the storage.
     */
    private static Pickle randomView(SplittableRandom r, Pickle p, long numel, int kind) {
        long off = r.nextLong(Math.max(1, numel));
        return switch (kind) {
            case 0 -> view(p, "FloatStorage", "0", numel, 0, new long[]{numel}, new long[]{1});
            case 1 -> view(p, "FloatStorage", "0", numel, off, new long[]{numel - off}, new long[]{1});
            case 2 -> view(p, "FloatStorage", "0", numel, off, new long[]{1L << r.nextInt(r.nextInt(4) == 0 ? 27 : 21)}, new long[]{0});
            default -> {
                long cols = 1 + r.nextLong(Math.max(1, (long) Math.sqrt(numel))), rows = Math.max(1, numel / cols);
                yield view(p, "FloatStorage", "0", numel, 0, new long[]{rows, cols}, new long[]{cols, 1});
            }
        };
    }

    static byte[] torchAmplification(SplittableRandom r) {
        int numel = pow2(r, r.nextInt(3) == 0 ? 18 : 12) + r.nextInt(4);
        int views = pow2(r, r.nextInt(3) == 0 ? 12 : 6);
        int kind = r.nextInt(4);
        Pickle p = new Pickle().op('}', '(');
        switch (r.nextInt(3)) {
            case 0 -> { for (int i = 0; i < views; i++) randomView(r, p.str("v" + i), numel, kind); }
            case 1 -> {
                randomView(r, p.str("w"), numel, kind).str("ignored").op(']', '(');
                for (int i = 0; i < views; i++) randomView(r, p, numel, kind);
                p.op('e');
            }
            default -> {
                randomView(r, p.str("v0"), numel, kind).op('q', 1);
                for (int i = 1; i < views; i++) p.str("v" + i).op('h', 1);
            }
        }
        byte[] pkl = p.op('u').stop();
        BombZip z = new BombZip();
        if (r.nextInt(4) == 0) z.repeated("archive/data.pkl", pkl, 1); else z.stored("archive/data.pkl", pkl);
        switch (r.nextInt(4)) {
            case 0, 1 -> z.stored("archive/data/0", new byte[4 * numel]);
            case 2 -> z.stored("archive/data/0", new byte[r.nextInt(4 * numel)]);
            default -> z.repeated("archive/data/0", new byte[1 << 16], Math.max(1, pow2(r, 14)));
        }
        return zip(z);
    }

    static byte[] torchNesting(SplittableRandom r) {
        int depth = pow2(r, r.nextInt(3) == 0 ? 14 : 8) + r.nextInt(3);
        Pickle p = new Pickle().op('}', '(');
        p.str("w");
        view(p, "FloatStorage", "0", 4, 0, new long[]{4}, new long[]{1});
        switch (r.nextInt(5)) {
            case 0 -> {   // MARK … LIST, nested lists
                p.str("lists");
                for (int i = 0; i < depth; i++) p.op('(');
                for (int i = 0; i < depth; i++) p.op('l');
            }
            case 1 -> {   // TUPLE1 over TUPLE1 …: nesting without marks, used as a key or a value
                boolean key = r.nextBoolean();
                if (!key) p.str("tuples");
                p.op('N');
                for (int i = 0; i < depth; i++) p.op(0x85);
                if (key) p.str("value");
            }
            case 2 -> {   // dicts in dicts with long keys, a tensor at the bottom
                int d = Math.min(depth, 100), len = pow2(r, 16);
                p.str("nest");
                String k = "k".repeat(len);
                for (int i = 0; i < d; i++) p.op('}').op('X').op(len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, 0).op(bytes(k));
                view(p, "FloatStorage", "0", 4, 0, new long[]{4}, new long[]{1});
                for (int i = 0; i < d; i++) p.op('s');
            }
            case 3 -> {   // a dict that contains itself, under a key of random length
                int len = pow2(r, 16);
                p.str("self").op('}', 'q', 9).op('X').op(len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, 0).op(bytes("s".repeat(len)));
                p.op('h', 9, 's');
            }
            default -> {  // a list that contains itself, as a tensor's size
                p.str("sized");
                p.global("torch._utils", "_rebuild_tensor_v2").op('(');
                p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").int64(4).op('t', 'Q');
                p.int64(0).op(']', 'q', 7, 'h', 7, 'a').op('(').int64(1).op('t', 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R');
            }
        }
        return zip(new BombZip().stored("archive/data.pkl", p.op('u').stop()).stored("archive/data/0", new byte[16]));
    }

    static byte[] torchRepetition(SplittableRandom r) {
        int n = pow2(r, r.nextInt(3) == 0 ? 14 : 8);
        Pickle p = new Pickle().op('}', '(');
        BombZip z = new BombZip();
        switch (r.nextInt(5)) {
            case 0 -> { for (int i = 0; i < n; i++) view(p.str("w"), "FloatStorage", "0", 4, i % 4, new long[]{4 - i % 4}, new long[]{1}); }
            case 1 -> {   // one storage key, other sizes and types
                String[] types = {"FloatStorage", "HalfStorage", "ByteStorage", "LongStorage"};
                for (int i = 0; i < Math.min(n, 64); i++) {
                    view(p.str("w" + i), types[r.nextInt(types.length)], "0", 1 + r.nextInt(4), 0, new long[]{1}, new long[]{1});
                }
            }
            case 2 -> {   // many tiny storages
                for (int i = 0; i < n; i++) {
                    view(p.str("w" + i), "FloatStorage", "s" + i, 1, 0, new long[]{1}, new long[]{1});
                    z.stored("archive/data/s" + i, new byte[4]);
                }
            }
            case 3 -> { for (int i = 0; i < n; i++) view(p.str("z" + i), "FloatStorage", "0", 4, 0, new long[]{0, 1 << 30}, new long[]{1, 1}); }
            default -> {
                p.str("strings").op(']', '(').str("x".repeat(200));
                for (int i = 0; i < n; i++) p.op('2');
                p.op('e').str("w");
                view(p, "FloatStorage", "0", 4, 0, new long[]{4}, new long[]{1});
            }
        }
        return zip(z.stored("archive/data.pkl", p.op('u').stop()).stored("archive/data/0", new byte[16]));
    }

    static byte[] safetensors(SplittableRandom r) {
        int n = pow2(r, r.nextInt(3) == 0 ? 14 : 7);
        StringBuilder h = new StringBuilder("{");
        int kind = r.nextInt(4);
        if (kind == 3) {
            int d = pow2(r, 8);
            h.append("\"__metadata__\":").append("{\"a\":".repeat(d)).append("\"x\"").append("}".repeat(d)).append(',');
        }
        long data = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) h.append(',');
            String name = kind == 0 && r.nextInt(8) == 0 ? "dup" : "t" + i;
            boolean empty = kind == 1 || r.nextInt(4) == 0;
            long begin = kind == 2 ? 0 : data, end = begin + (empty ? 0 : 4);
            h.append('"').append(name).append("\":{\"dtype\":\"F32\",\"shape\":[").append(empty ? 0 : 1).append("],\"data_offsets\":[")
                    .append(begin).append(',').append(end).append("]}");
            data = Math.max(data, end);
        }
        byte[] json = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + (int) data).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(json.length).put(json).array();
    }

    static byte[] json(SplittableRandom r) {
        int n = pow2(r, r.nextInt(3) == 0 ? 17 : 10);
        if (r.nextBoolean()) return ("[".repeat(n) + "]".repeat(n)).getBytes(StandardCharsets.US_ASCII);
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < n; i++) sb.append(i > 0 ? "," : "").append("\"k").append(r.nextInt(Math.max(1, n / 2))).append("\":").append(i);
        return sb.append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] zip(BombZip z) {
        return z.bytes();
    }
}
