package org.gru4j.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pickle programs that build values, for fuzzing the unpickler past its stack checks. Every value program pushes
 * exactly one value:
 * <pre>
 * value  := leaf | list | tuple | dict | stray opcode + value      (weights 20 : 6 : 3 : 6 : 1; a leaf at depth 0)
 * leaf   := BININT1 k | BININT -1 | LONG1 2^63-1 | BINFLOAT NaN | SHORT_BINUNICODE s | NONE | NEWTRUE | a valid tensor
 *         | BINGET m   (may read a memo slot before it is written, or the container it is inside: a cycle)
 * list   := EMPTY_LIST [BINPUT m] MARK value* APPENDS         (0 to 4 values; memoized half the time, m 0 or 1)
 * tuple  := MARK value* TUPLE                                   (0 to 3 values)
 * dict   := EMPTY_DICT [BINPUT m] MARK (value value)* SETITEMS   (0 to 3 pairs)
 * </pre>
 * The body of {@link #topLevel} is 1 to 4 key-value pairs for the outer dict, keys mostly strings.
 */
final class PicklePrograms {
    private PicklePrograms() {}

    static final String TENSOR = "ctorch._utils\n_rebuild_tensor_v2\n((\u008c\u0007storagectorch\nFloatStorage\n\u008c\u00010"
            + "\u008c\u0003cpuK\u0004tQK\u0000K\u0002\u0085K\u0001\u0085\u0089ccollections\nOrderedDict\n)RtR";

    static final String[] LEAVES = {"K\u0000", "K\u0003", "K\u00ff", "J\u00ff\u00ff\u00ff\u00ff",
            "\u008a\u0008\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u007f", "G\u007f\u00f8\u0000\u0000\u0000\u0000\u0000\u0000",
            "\u008c\u0001w", "\u008c\u0003a.b", "\u008c\u0000", "N", "\u0088", TENSOR, TENSOR, TENSOR, TENSOR, "h\u0000"};

    static final String[] STRAY = {"0", "2", "a", "s", "R", "b", "Q", "t", "(", "1", "\u0094"};

    static final String[] MEMO = {"", "", "q\u0000", "q\u0001"};

    static final String[] KEYS = {"\u008c\u0001w", "\u008c\u0003a.b", "\u008c\u0004rnn."};

    static String oneOf(SplittableRandom random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    static byte[] value(SplittableRandom random, int depth) {
        int pick = depth == 0 ? 0 : random.nextInt(36);
        if (pick < 20) return bytes(oneOf(random, LEAVES));                          // leaf: 20 of 36
        if (pick < 26) {                                                               // list: 6
            String m = oneOf(random, MEMO);
            return join(bytes("]" + m + "("), values(random, depth - 1, random.nextInt(0, 5)), bytes("e"));
        }
        if (pick < 29) return join(bytes("("), values(random, depth - 1, random.nextInt(0, 4)), bytes("t"));   // tuple: 3
        if (pick < 35) {                                                               // dict: 6
            String m = oneOf(random, MEMO);
            int pairs = random.nextInt(0, 4);
            List<byte[]> kvs = new ArrayList<>(pairs);
            for (int i = 0; i < pairs; i++) kvs.add(concat(value(random, depth - 1), value(random, depth - 1)));
            return join(bytes("}" + m + "("), kvs, bytes("u"));
        }
        return concat(bytes(oneOf(random, STRAY)), value(random, depth - 1));          // stray opcode: 1
    }

    static List<byte[]> values(SplittableRandom random, int depth, int n) {
        List<byte[]> vs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) vs.add(value(random, depth));
        return vs;
    }

    /** Key-value pairs for the outer dict: string keys to values, sometimes (1 in 5) a value as the key. */
    static byte[] topLevel(SplittableRandom random) {
        int pairs = random.nextInt(1, 5);
        List<byte[]> kvs = new ArrayList<>(pairs);
        for (int i = 0; i < pairs; i++) {
            byte[] key = random.nextInt(5) < 4 ? bytes(oneOf(random, KEYS)) : value(random, 2);
            kvs.add(concat(key, value(random, 3)));
        }
        return join(new byte[0], kvs, new byte[0]);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[] a, byte[] b) {
        return join(a, List.of(b), new byte[0]);
    }

    static byte[] join(byte[] head, List<byte[]> parts, byte[] tail) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(head);
        for (byte[] p : parts) o.writeBytes(p);
        o.writeBytes(tail);
        return o.toByteArray();
    }
}
