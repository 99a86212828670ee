package org.gru4j.io;

import org.gru4j.tensor.Tensor;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads what {@code torch.save} writes (the zip format of PyTorch 1.6 and later) without running any code from it.
 * <pre>
 * archive/data.pkl      pickle of the saved object; tensors refer to storages by persistent id
 *                       ('storage', torch.FloatStorage, key, location, numel)
 * archive/data/&lt;key&gt;    raw storage bytes, little-endian (archive/byteorder says so when present)
 * </pre>
 * The unpickler understands the pickle opcodes of protocols 0–5 that carry plain data, and calls only an allowlist:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code _rebuild_tensor},
 * {@code _rebuild_parameter}, {@code _rebuild_parameter_with_state} and the {@code torch.*Storage} types as storage
 * tags. Any other global (a module class, {@code os.system}, …) is refused by name before anything is called.
 * Nested dictionaries are flattened with dots ({@code {"model": {"rnn.weight_ih_l0": t}}} → {@code model.rnn.weight_ih_l0});
 * values that are not tensors (epoch counters, hyper-parameters) are left out.
 */
public final class TorchPickle {
    private TorchPickle() {}

    private static final long MAX_PICKLE = 256L << 20;
    private static final int MAX_DEPTH = 64, MAX_ENTRIES = 1 << 20;
    /** Objects data.pkl may make (containers, strings, numbers, items added), opcodes it may run, MARKs open at once. */
    private static final int MAX_OBJECTS = 1 << 20, MAX_OPS = 1 << 24, MAX_MARKS = 1 << 12;
    /** Characters of a flattened tensor name. */
    private static final int MAX_NAME = 1 << 12;
    /** What one object data.pkl makes costs the budget: about an empty dict, or a list slot and its boxed value. */
    private static final long OBJECT_BYTES = 64;
    /** A deflated entry may inflate to at most this many times its stored size (beyond 1 MiB): torch.save stores entries uncompressed. */
    private static final long MAX_RATIO = 256;
    /** Values an expanded (stride 0) view may hold beyond its storage's own elements: 64 MB of float32. */
    private static final long MAX_EXPANDED = 1L << 24;

    /**
     * The tensors of a torch.save file, flattened to dotted names, as float32.
     *
     * @param file the torch.save file
     * @return name → tensor
     * @throws IOException when the file cannot be read or holds what the restricted unpickler refuses
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        LoadBudget budget = LoadBudget.of(file);
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n >= 2 && (head[0] & 0xff) == 0x80) {
                throw new ModelFormatException(file, "legacy (pre-1.6, non-zip) torch.save format is not supported: "
                        + "re-save it with a current torch.save");
            }
            if (n < 4 || head[0] != 'P' || head[1] != 'K') throw new ModelFormatException(file, "not a torch.save file (not a zip archive)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String root = null;
            boolean script = false;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) root = name.substring(0, name.length() - "data.pkl".length());
                if (name.endsWith("/constants.pkl") || name.contains("/code/")) script = true;
            }
            if (script) throw new ModelFormatException(file, "a TorchScript archive (torch.jit.save); save the module's state_dict() with torch.save instead");
            if (root == null) throw new ModelFormatException(file, "zip archive without data.pkl: not a torch.save file");
            ZipEntry order = zip.getEntry(root + "byteorder");
            if (order != null) {
                String bo = new String(readEntry(zip, order, file, 16, budget), StandardCharsets.US_ASCII).trim();
                if (!bo.equals("little")) throw new ModelFormatException(file, "byte order '" + Untrusted.text(bo) + "' is not supported (only little-endian)");
            }
            byte[] pkl = readEntry(zip, zip.getEntry(root + "data.pkl"), file, MAX_PICKLE, budget);
            final String dataDir = root + "data/";
            Unpickler u = new Unpickler(file, pkl, key -> {
                ZipEntry e = zip.getEntry(dataDir + key);
                if (e == null) throw new ModelFormatException(file, "storage '" + key + "' is missing from the archive");
                return e;
            }, zip, budget);
            Object top = u.load();
            if (top instanceof View) throw new ModelFormatException(file, "holds a single tensor, not a state_dict");
            if (!(top instanceof Map<?, ?> m)) throw new ModelFormatException(file, "holds a " + Unpickler.kind(top) + ", not a state_dict");
            Map<String, View> views = new LinkedHashMap<>();
            flatten(file, "", m, views, 0, new int[]{MAX_ENTRIES}, Collections.newSetFromMap(new IdentityHashMap<>()));
            if (views.isEmpty()) throw new ModelFormatException(file, "holds no tensors");
            return Collections.unmodifiableMap(u.materialise(views));
        } catch (ZipException e) {
            throw new ModelFormatException(file, "corrupt zip archive: " + e.getMessage(), e);
        } catch (EOFException e) {   // an entry's offset or size points past the end of the file
            throw new ModelFormatException(file, "corrupt zip archive: an entry runs past the end of the file", e);
        }
    }

    /**
     * Depth, name length and the number of entries visited are bounded, and a dict on the path being flattened may
     * not appear inside itself: a pickle can make a dict that holds itself, or one shared at every level of a chain,
     * which would name 2^depth tensors.
     */
    private static void flatten(Path file, String prefix, Map<?, ?> m, Map<String, View> out, int depth, int[] budget,
                                Set<Map<?, ?>> path) throws ModelFormatException {
        if (depth > MAX_DEPTH) throw new ModelFormatException(file, "dictionaries nested deeper than " + MAX_DEPTH + " (at '" + Untrusted.text(prefix) + "')");
        if (!path.add(m)) throw new ModelFormatException(file, "a dictionary contains itself (at '" + Untrusted.text(prefix) + "')");
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (--budget[0] < 0) throw new ModelFormatException(file, "more than " + MAX_ENTRIES + " dictionary entries");
            if (!(e.getValue() instanceof View) && !(e.getValue() instanceof Map)) continue;
            String key = String.valueOf(e.getKey());
            if ((long) prefix.length() + key.length() > MAX_NAME) {
                throw new ModelFormatException(file, "a tensor name of over " + MAX_NAME + " characters ('" + Untrusted.text(prefix) + "' + '"
                        + Untrusted.text(key) + "')");
            }
            String k = prefix + key;
            if (e.getValue() instanceof View t) out.put(k, t);
            else flatten(file, k + ".", (Map<?, ?>) e.getValue(), out, depth + 1, budget, path);
        }
        path.remove(m);
    }

    /** Refuses a deflated entry that would inflate more than {@link #MAX_RATIO} times (beyond 1 MiB). */
    static void checkRatio(ZipEntry e, Path file) throws ModelFormatException {
        long size = e.getSize(), packed = e.getCompressedSize();
        if (e.getMethod() == ZipEntry.DEFLATED && size > (1L << 20) && (packed <= 0 || size / packed > MAX_RATIO)) {
            throw new ModelFormatException(file, "archive entry " + Untrusted.text(e.getName()) + " inflates " + packed + " stored bytes to "
                    + size + ", over " + MAX_RATIO + " times (a zip bomb?)");
        }
    }

    static byte[] readEntry(ZipFile zip, ZipEntry e, Path file, long limit, LoadBudget budget) throws IOException {
        long size = e.getSize();
        if (size > limit) throw new ModelFormatException(file, "archive entry " + Untrusted.text(e.getName()) + " is " + size + " bytes, over the " + limit + " limit");
        checkRatio(e, file);
        budget.charge(size >= 0 ? size : limit, "archive entry " + Untrusted.text(e.getName()));
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) Math.min(limit, size >= 0 ? size : limit));
            if (size >= 0 && b.length != size) throw new ModelFormatException(file, "archive entry " + e.getName() + " is truncated");
            if (size < 0 && in.read() >= 0) throw new ModelFormatException(file, "archive entry " + e.getName() + " is over the " + limit + " byte limit");
            return b;
        }
    }

    /** A global the pickle named with GLOBAL / STACK_GLOBAL, allowlisted. */
    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A storage tag from a persistent id: its element type, key in the archive and element count. */
    private record Storage(String dtype, String key, long numel) {}

    /**
     * A tensor as the pickle rebuilds it: a view of a storage (offset, sizes, strides in elements), not yet read. Views
     * share their storage; only the views the returned state_dict reaches are read, each once.
     */
    private record View(Storage storage, long offset, List<Long> size, List<Long> stride, long count) {}

    private static final Map<String, String> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", "F32"), Map.entry("DoubleStorage", "F64"), Map.entry("HalfStorage", "F16"),
            Map.entry("BFloat16Storage", "BF16"), Map.entry("LongStorage", "I64"), Map.entry("IntStorage", "I32"),
            Map.entry("ShortStorage", "I16"), Map.entry("CharStorage", "I8"), Map.entry("ByteStorage", "U8"),
            Map.entry("BoolStorage", "BOOL"));

    private static final Set<String> CALLABLE = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state");

    /** Finds a storage's archive entry by key. */
    private interface StorageEntries {
        ZipEntry find(String key) throws IOException;
    }

    /** A pickle machine restricted to data: the stack, the memo, marks, and the allowlisted calls. */
    private static final class Unpickler {
        private static final Object MARK = new Object();
        final Path file;
        final ByteBuffer in;
        final StorageEntries entries;
        final ZipFile zip;
        final ArrayList<Object> stack = new ArrayList<>();
        final ArrayList<Integer> marks = new ArrayList<>();
        final Map<Long, Object> memo = new HashMap<>();
        final Map<String, Storage> storages = new HashMap<>();
        final LoadBudget budget;
        int ops, objects, charged;

        Unpickler(Path file, byte[] pkl, StorageEntries entries, ZipFile zip, LoadBudget budget) {
            this.file = file;
            this.in = ByteBuffer.wrap(pkl).order(ByteOrder.LITTLE_ENDIAN);
            this.entries = entries;
            this.zip = zip;
            this.budget = budget;
        }

        ModelFormatException bad(String what) {
            return new ModelFormatException(file, "data.pkl: " + what);
        }

        Object load() throws IOException {
            try {
                while (true) {
                    int op = in.get() & 0xff;
                    if (++ops > MAX_OPS) throw bad("more than " + MAX_OPS + " opcodes");
                    // every opcode but these makes an object or adds an item to one: bounded, so a small deflated
                    // data.pkl cannot fill the heap with empty dicts
                    if (op != '0' && op != '1' && op != '.' && op != 0x80 && op != 0x95) countItems(1);
                    switch (op) {
                        case 0x80 -> in.get();                                      // PROTO
                        case 0x95 -> in.getLong();                                  // FRAME
                        case '.' -> {                                               // STOP
                            if (stack.size() != 1) throw bad("malformed pickle (stack holds " + stack.size() + " at STOP)");
                            return stack.get(0);
                        }
                        case '(' -> { if (marks.size() >= MAX_MARKS) throw bad("MARKs nested deeper than " + MAX_MARKS);
                            marks.add(stack.size()); stack.add(MARK); }                // MARK
                        case '}' -> stack.add(new LinkedHashMap<>());               // EMPTY_DICT
                        case ']' -> stack.add(new ArrayList<>());                   // EMPTY_LIST
                        case ')' -> stack.add(List.of());                           // EMPTY_TUPLE
                        case 0x8f -> stack.add(new ArrayList<>());                  // EMPTY_SET (as a list)
                        case 't' -> stack.add(nullSafe(popMark()));                 // TUPLE (may hold None)
                        case 0x85 -> stack.add(tuple(pop()));                       // TUPLE1
                        case 0x86 -> { Object b = pop(), a = pop(); stack.add(tuple(a, b)); }
                        case 0x87 -> { Object c = pop(), b = pop(), a = pop(); stack.add(tuple(a, b, c)); }
                        case 'l' -> stack.add(new ArrayList<>(popMark()));          // LIST
                        case 'd' -> stack.add(dict(popMark()));                     // DICT
                        case 0x91 -> stack.add(new ArrayList<>(popMark()));         // FROZENSET
                        case 'a' -> { Object v = pop(); list(peek()).add(v); }      // APPEND
                        case 'e', 0x90 -> { List<Object> vs = popMark(); countItems(vs.size()); list(peek()).addAll(vs); }  // APPENDS, ADDITEMS
                        case 's' -> { Object v = pop(), k = pop(); map(peek()).put(key(k), v); }   // SETITEM
                        case 'u' -> { List<Object> kv = popMark(); Map<Object, Object> m = map(peek()); // SETITEMS
                            if (kv.size() % 2 != 0) throw bad("SETITEMS with an odd number of items");
                            countItems(kv.size());
                            for (int i = 0; i < kv.size(); i += 2) m.put(key(kv.get(i)), kv.get(i + 1)); }
                        case 'J' -> stack.add((long) in.getInt());                  // BININT
                        case 'K' -> stack.add((long) (in.get() & 0xff));            // BININT1
                        case 'M' -> stack.add((long) (in.getShort() & 0xffff));     // BININT2
                        case 0x8a -> stack.add(longN(in.get() & 0xff));             // LONG1
                        case 0x8b -> stack.add(longN(length(in.getInt())));         // LONG4
                        case 'I' -> stack.add(textInt(line()));                     // INT
                        case 'L' -> stack.add(textInt(line().replace("L", "")));    // LONG
                        case 'G' -> stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT, big-endian
                        case 'F' -> stack.add(textFloat(line()));                   // FLOAT
                        case 'N' -> stack.add(null);                                // NONE
                        case 0x88 -> stack.add(Boolean.TRUE);
                        case 0x89 -> stack.add(Boolean.FALSE);
                        case 'X' -> stack.add(utf8(length(in.getInt())));           // BINUNICODE
                        case 0x8c -> stack.add(utf8(in.get() & 0xff));              // SHORT_BINUNICODE
                        case 0x8d -> stack.add(utf8(length(in.getLong())));         // BINUNICODE8
                        case 'T' -> stack.add(latin1(length(in.getInt())));         // BINSTRING
                        case 'U' -> stack.add(latin1(in.get() & 0xff));             // SHORT_BINSTRING
                        case 'B' -> stack.add(bytes(length(in.getInt())));          // BINBYTES
                        case 'C' -> stack.add(bytes(in.get() & 0xff));              // SHORT_BINBYTES
                        case 0x8e -> stack.add(bytes(length(in.getLong())));        // BINBYTES8
                        case 'V' -> stack.add(line());                              // UNICODE (raw-unicode-escape; ASCII here)
                        case 'S' -> stack.add(unquote(line()));                     // STRING
                        case 'p' -> memo.put(textInt(line()), peek());              // PUT
                        case 'q' -> memo.put((long) (in.get() & 0xff), peek());     // BINPUT
                        case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());   // LONG_BINPUT
                        case 0x94 -> memo.put((long) memo.size(), peek());          // MEMOIZE
                        case 'g' -> stack.add(memoGet(textInt(line())));            // GET
                        case 'h' -> stack.add(memoGet(in.get() & 0xff));            // BINGET
                        case 'j' -> stack.add(memoGet(in.getInt() & 0xffffffffL));  // LONG_BINGET
                        case '0' -> pop();                                          // POP
                        case '1' -> popMark();                                      // POP_MARK
                        case '2' -> stack.add(peek());                              // DUP
                        case 'c' -> stack.add(global(line(), line()));              // GLOBAL
                        case 0x93 -> { Object n = pop(), m = pop();                 // STACK_GLOBAL
                            if (!(m instanceof String ms) || !(n instanceof String ns)) throw bad("STACK_GLOBAL without names");
                            stack.add(global(ms, ns)); }
                        case 'R' -> { Object args = pop(), f = pop(); stack.add(call(f, args)); }  // REDUCE
                        case 'b' -> { Object state = pop(); Object target = peek();            // BUILD
                            if (!(target instanceof Map) && !(target instanceof View)) {
                                throw bad("BUILD on a " + kind(target) + " is not allowed"); } }
                        case 'Q' -> stack.add(persistent(pop()));                   // BINPERSID
                        case 'P' -> throw bad("text persistent ids (PERSID) are not used by torch.save");
                        default -> throw bad(String.format("opcode 0x%02x at byte %d is not allowed (only plain data and tensor rebuilds are read)",
                                op, in.position() - 1));
                    }
                }
            } catch (java.nio.BufferUnderflowException e) {
                throw bad("truncated pickle");
            }
        }

        Object global(String module, String name) throws ModelFormatException {
            String q = module + "." + name;
            if (CALLABLE.contains(q) || (module.equals("torch") && STORAGES.containsKey(name))) return new Global(module, name);
            String hint = module.startsWith("torch.nn") || module.startsWith("__main__")
                    ? ": the file holds a pickled object, not tensors; save model.state_dict() instead" : "";
            throw new ModelFormatException(file, "refusing global '" + q + "' in data.pkl: only tensors and plain containers are read" + hint);
        }

        Object call(Object f, Object args) throws IOException {
            if (!(f instanceof Global g)) throw bad("REDUCE on a " + kind(f) + ", not an allowed global");
            if (!(args instanceof List<?> a)) throw bad("REDUCE arguments are not a tuple");
            switch (g.qualified()) {
                case "collections.OrderedDict" -> {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    if (!a.isEmpty() && a.get(0) instanceof List<?> pairs) {
                        for (Object p : pairs) if (p instanceof List<?> kv && kv.size() == 2) m.put(key(kv.get(0)), kv.get(1));
                    }
                    return m;
                }
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                    if (a.size() < 4) throw bad(g.name() + " with " + a.size() + " arguments");
                    return rebuild(a.get(0), a.get(1), a.get(2), a.get(3));
                }
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                    if (a.isEmpty() || !(a.get(0) instanceof View t)) throw bad(g.name() + " without a tensor");
                    return t;
                }
                default -> throw bad("'" + g.qualified() + "' is a storage type, not a function");
            }
        }

        Object persistent(Object pid) throws ModelFormatException {
            if (!(pid instanceof List<?> p) || p.size() < 5 || !"storage".equals(p.get(0)) || !(p.get(1) instanceof Global type)
                    || !(p.get(2) instanceof String key) || !(p.get(4) instanceof Long numel)) {
                throw bad("persistent id is not a ('storage', type, key, location, numel) tuple");
            }
            if (key.length() > MAX_NAME) throw bad("a storage key of " + key.length() + " characters");
            String dtype = STORAGES.get(type.name());
            if (dtype == null || !type.module().equals("torch")) throw bad("'" + type.qualified() + "' is not a storage type");
            if (numel < 0) throw bad("storage '" + key + "' has a negative size");
            return new Storage(dtype, key, numel);
        }

        /** A view of a storage, checked against it but not read: rebuilding allocates nothing. */
        View rebuild(Object storage, Object offset, Object size, Object stride) throws IOException {
            if (!(storage instanceof Storage s)) throw bad("tensor rebuilt from a " + kind(storage) + ", not a storage");
            if (!(offset instanceof Long off) || !(size instanceof List<?> sz) || !(stride instanceof List<?> st) || sz.size() != st.size()) {
                throw bad("tensor from storage '" + s.key() + "' has malformed offset/size/stride");
            }
            Storage first = storages.putIfAbsent(s.key(), s);
            if (first != null && !first.equals(s)) {   // torch.save tags every use of a storage alike
                throw bad("storage '" + s.key() + "' is declared as " + first.numel() + " " + first.dtype() + " elements and as "
                        + s.numel() + " " + s.dtype());
            }
            int r = sz.size();
            if (r > 64) throw bad("tensor from storage '" + s.key() + "' has " + r + " dimensions");
            Long[] shape = new Long[r], strides = new Long[r];
            long count = 1, last = off;
            try {
                for (int i = 0; i < r; i++) {
                    if (!(sz.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE || !(st.get(i) instanceof Long sd) || sd < 0) {
                        throw bad("tensor from storage '" + s.key() + "' has a bad size " + show(sz) + " or stride " + show(st));
                    }
                    shape[i] = d;
                    strides[i] = sd;
                    count = Math.multiplyExact(count, d);
                    if (d > 0) last = Math.addExact(last, Math.multiplyExact(d - 1, sd));
                }
            } catch (ArithmeticException e) {
                throw bad("tensor from storage '" + s.key() + "' of size " + show(sz) + ", stride " + show(st) + " is too large");
            }
            if (count > Integer.MAX_VALUE - 8) throw bad("tensor from storage '" + s.key() + "' of " + count + " values is too large");
            // a view with a zero stride (expand) repeats its storage: a few bytes of file could ask for gigabytes
            if (count > s.numel() && count > MAX_EXPANDED) {
                throw bad("tensor from storage '" + s.key() + "' repeats its " + s.numel() + " elements as " + count
                        + " values (size " + show(sz) + ", stride " + show(st) + "), over the " + MAX_EXPANDED + " limit for expanded views");
            }
            if (off < 0 || (count > 0 && last >= s.numel())) {
                throw bad("tensor view (offset " + off + ", size " + show(sz) + ", stride " + show(st) + ") reaches past storage '"
                        + s.key() + "' of " + s.numel() + " elements");
            }
            return new View(s, off, List.of(shape), List.of(strides), count);
        }

        /**
         * The tensors of the state_dict, read: each distinct view once (a view named twice, or two equal views, give
         * one Tensor), each storage read once and dropped when its views are done, all of it charged to the budget.
         */
        Map<String, Tensor> materialise(Map<String, View> named) throws IOException {
            Map<View, Tensor> done = new HashMap<>();
            Map<String, List<View>> byStorage = new LinkedHashMap<>();
            for (View v : named.values()) {
                List<View> l = byStorage.computeIfAbsent(v.storage().key(), k -> new ArrayList<>());
                if (!done.containsKey(v)) { done.put(v, null); l.add(v); }
            }
            for (List<View> views : byStorage.values()) {
                Storage s = views.get(0).storage();
                long values = 0;
                for (View v : views) values += v.count();
                // charged before anything is read: the outputs (4 bytes a value), then the storage's bytes
                budget.charge(4 * values, views.size() + " tensor(s) from storage '" + s.key() + "'");
                ByteBuffer b = values == 0 ? null : storageBytes(s);
                for (View v : views) done.put(v, read(b, v));
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, View> e : named.entrySet()) out.put(e.getKey(), done.get(e.getValue()));
            return out;
        }

        /** y[flat] = storage[offset + Σ_i idx_i · stride_i], converted to float32. */
        static Tensor read(ByteBuffer b, View v) {
            int r = v.size().size();
            int[] shape = new int[r];
            long[] strides = new long[r];
            for (int i = 0; i < r; i++) {
                shape[i] = (int) (long) v.size().get(i);
                strides[i] = v.stride().get(i);
            }
            float[] out = new float[(int) v.count()];
            String dtype = v.storage().dtype();
            int w = Safetensors.dtypeBytes(dtype);
            int[] idx = new int[r];
            for (int flat = 0; flat < out.length; flat++) {
                long e = v.offset();
                for (int i = 0; i < r; i++) e += idx[i] * strides[i];
                int at = (int) (e * w);
                out[flat] = switch (dtype) {
                    case "F32" -> b.getFloat(at);
                    case "F64" -> (float) b.getDouble(at);
                    case "F16" -> Half.toFloat(b.getShort(at));
                    case "BF16" -> Float.intBitsToFloat((b.getShort(at) & 0xffff) << 16);
                    case "I64" -> b.getLong(at);
                    case "I32" -> b.getInt(at);
                    case "I16" -> b.getShort(at);
                    case "I8" -> b.get(at);
                    default -> b.get(at) & 0xff;
                };
                for (int i = r - 1; i >= 0; i--) {
                    if (++idx[i] < shape[i]) break;
                    idx[i] = 0;
                }
            }
            return new Tensor(shape, out);
        }

        /** A storage's bytes, checked against its entry's declared size and inflation ratio and charged to the budget. */
        ByteBuffer storageBytes(Storage s) throws IOException {
            int width = Safetensors.dtypeBytes(s.dtype());
            if (s.numel() > (Integer.MAX_VALUE - 8) / width) throw bad("storage '" + s.key() + "' of " + s.numel() + " elements is too large");
            long bytes = s.numel() * width;
            ZipEntry e = entries.find(s.key());
            if (e.getSize() >= 0 && e.getSize() < bytes) {
                throw bad("storage '" + s.key() + "' declares " + s.numel() + " elements but holds " + e.getSize() + " bytes");
            }
            checkRatio(e, file);
            budget.charge(bytes, "storage '" + s.key() + "'");
            byte[] data;
            try (InputStream is = zip.getInputStream(e)) {
                data = is.readNBytes((int) bytes);
            }
            if (data.length < bytes) throw bad("storage '" + s.key() + "' is truncated");
            return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Counts objects made (or items added) and charges them to the budget, {@link #OBJECT_BYTES} each, 4096 at a time. */
        void countItems(int n) throws ModelFormatException {
            objects += n;
            if (objects > MAX_OBJECTS || objects < 0) {
                throw bad("makes more than " + MAX_OBJECTS + " objects (a state_dict of a few thousand tensors makes about 20 000)");
            }
            while (objects - charged >= 4096) {
                budget.charge(4096L * OBJECT_BYTES, "data.pkl's objects");
                charged += 4096;
            }
        }

        static String kind(Object o) {
            if (o == null) return "None";
            if (o instanceof Global g) return "global " + g.qualified();
            if (o instanceof Storage) return "storage";
            if (o instanceof View) return "tensor";
            if (o instanceof Map) return "dict";
            if (o instanceof List) return "list/tuple";
            return o.getClass().getSimpleName();
        }

        Object pop() throws ModelFormatException {
            if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw bad("malformed pickle (stack underflow)");
            return stack.remove(stack.size() - 1);
        }

        Object peek() throws ModelFormatException {
            if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw bad("malformed pickle (empty stack)");
            return stack.get(stack.size() - 1);
        }

        List<Object> popMark() throws ModelFormatException {
            if (marks.isEmpty()) throw bad("malformed pickle (no MARK)");
            int at = marks.remove(marks.size() - 1);
            List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
            stack.subList(at, stack.size()).clear();
            return items;
        }

        static List<Object> nullSafe(List<Object> l) {
            return Collections.unmodifiableList(new ArrayList<>(l));
        }

        static List<Object> tuple(Object... items) {
            return Collections.unmodifiableList(Arrays.asList(items));
        }

        @SuppressWarnings("unchecked")
        List<Object> list(Object o) throws ModelFormatException {
            if (o instanceof ArrayList<?> l) return (List<Object>) l;
            throw bad("APPEND to a " + kind(o));
        }

        @SuppressWarnings("unchecked")
        Map<Object, Object> map(Object o) throws ModelFormatException {
            if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
            throw bad("SETITEM on a " + kind(o));
        }

        /** Keys become strings: numbers as Python prints them, anything else (a tuple) as {@link #show} renders it. */
        static Object key(Object k) {
            if (k instanceof String || k == null) return k;
            if (k instanceof Long || k instanceof Double || k instanceof Boolean) return String.valueOf(k);
            return show(k);
        }

        /**
         * A bounded rendering of a pickle value for keys and messages: lists cut after 8 items and 3 levels, strings
         * after 40 characters (a pickle can make a list that holds itself, or one of a million items).
         */
        static String show(Object o) {
            StringBuilder sb = new StringBuilder();
            show(sb, o, 0);
            return sb.toString();
        }

        private static void show(StringBuilder sb, Object o, int depth) {
            if (o instanceof List<?> l) {
                if (depth >= 3) {
                    sb.append("[…]");
                    return;
                }
                sb.append('[');
                for (int i = 0; i < l.size() && i < 8; i++) {
                    if (i > 0) sb.append(", ");
                    show(sb, l.get(i), depth + 1);
                }
                if (l.size() > 8) sb.append(", … (").append(l.size()).append(" items)");
                sb.append(']');
            } else if (o instanceof String str) {
                sb.append(str.length() > 40 ? str.substring(0, 40) + "…" : str);
            } else if (o == null || o instanceof Long || o instanceof Double || o instanceof Boolean) {
                sb.append(o);
            } else {
                sb.append(kind(o));
            }
        }

        Map<Object, Object> dict(List<Object> kv) throws ModelFormatException {
            if (kv.size() % 2 != 0) throw bad("DICT with an odd number of items");
            Map<Object, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.size(); i += 2) m.put(key(kv.get(i)), kv.get(i + 1));
            return m;
        }

        Object memoGet(long i) throws ModelFormatException {
            if (!memo.containsKey(i)) throw bad("memo " + i + " read before it was written");
            return memo.get(i);
        }

        int length(long n) throws ModelFormatException {
            if (n < 0 || n > in.remaining()) throw bad("a length of " + n + " runs past the end of the pickle");
            return (int) n;
        }

        byte[] bytes(int n) throws ModelFormatException {
            if (n > in.remaining()) throw bad("truncated pickle");
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        String utf8(int n) throws ModelFormatException {
            return new String(bytes(n), StandardCharsets.UTF_8);
        }

        String latin1(int n) throws ModelFormatException {
            return new String(bytes(n), StandardCharsets.ISO_8859_1);
        }

        String line() throws ModelFormatException {
            int start = in.position();
            while (in.hasRemaining()) {
                if (in.get() == '\n') {
                    return new String(in.array(), start, in.position() - start - 1, StandardCharsets.ISO_8859_1);
                }
            }
            throw bad("truncated pickle (unterminated line)");
        }

        long textInt(String s) throws ModelFormatException {
            s = s.trim();
            if (s.equals("00")) return 0;
            if (s.equals("01")) return 1;
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw bad("bad integer '" + s + "'");
            }
        }

        double textFloat(String s) throws ModelFormatException {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw bad("bad float '" + s.trim() + "'");
            }
        }

        static String unquote(String s) {
            if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"')) return s.substring(1, s.length() - 1);
            return s;
        }

        Object longN(int n) throws ModelFormatException {
            byte[] b = bytes(n);
            if (n == 0) return 0L;
            if (n > 8) return new java.math.BigInteger(reverse(b)).doubleValue();
            long v = b[n - 1];                                // sign-extended top byte
            for (int i = n - 2; i >= 0; i--) v = (v << 8) | (b[i] & 0xff);
            return v;
        }

        static byte[] reverse(byte[] b) {
            byte[] r = new byte[b.length];
            for (int i = 0; i < b.length; i++) r[i] = b[b.length - 1 - i];
            return r;
        }
    }
}
