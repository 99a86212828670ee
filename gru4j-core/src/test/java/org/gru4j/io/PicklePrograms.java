package org.gru4j.io;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pickle programs that build values, for fuzzing the unpickler past its stack checks. Every value program pushes
 * exactly one value:
 * <pre>
 * value  := leaf | list | tuple | dict | memoized container | stray opcode + value
 * leaf   := BININT1 k | BININT -1 | LONG1 2^63-1 | BINFLOAT NaN | SHORT_BINUNICODE s | NONE | NEWTRUE | a valid tensor
 *         | BINGET m   (may read a memo slot before it is written, or the container it is inside: a cycle)
 * list   := EMPTY_LIST [BINPUT m] MARK value* APPENDS
 * tuple  := MARK value* TUPLE
 * dict   := EMPTY_DICT [BINPUT m] MARK (value value)* SETITEMS
 * </pre>
 * The body of {@link #topLevel} is key-value pairs for the outer dict, keys mostly strings.
 */
final class PicklePrograms {
    private PicklePrograms() {}

    static final String TENSOR = "ctorch._utils\n_rebuild_tensor_v2\n((\u008c\u0007storagectorch\nFloatStorage\n\u008c\u00010"
            + "\u008c\u0003cpuK\u0004tQK\u0000K\u0002\u0085K\u0001\u0085\u0089ccollections\nOrderedDict\n)RtR";

    static final String[] LEAVES = {"K\u0000", "K\u0003", "K\u00ff", "J\u00ff\u00ff\u00ff\u00ff",
            "\u008a\u0008\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u007f", "G\u007f\u00f8\u0000\u0000\u0000\u0000\u0000\u0000",
            "\u008c\u0001w", "\u008c\u0003a.b", "\u008c\u0000", "N", "\u0088", TENSOR, TENSOR, TENSOR, TENSOR, "h\u0000"};

    static final String[] STRAY = {"0", "2", "a", "s", "R", "b", "Q", "t", "(", "1", "\u0094"};

    static Arbitrary<byte[]> value(int depth) {
        Arbitrary<byte[]> leaf = Arbitraries.of(LEAVES).map(PicklePrograms::bytes);
        if (depth == 0) return leaf;
        Arbitrary<byte[]> sub = Arbitraries.lazy(() -> value(depth - 1));
        Arbitrary<String> memo = Arbitraries.of("", "", "q\u0000", "q\u0001");
        Arbitrary<byte[]> list = Combinators.combine(memo, sub.list().ofMaxSize(4))
                .as((m, vs) -> join(bytes("]" + m + "("), vs, bytes("e")));
        Arbitrary<byte[]> tuple = sub.list().ofMaxSize(3).map(vs -> join(bytes("("), vs, bytes("t")));
        Arbitrary<byte[]> dict = Combinators.combine(memo, Combinators.combine(sub, sub).as(PicklePrograms::concat).list().ofMaxSize(3))
                .as((m, kvs) -> join(bytes("}" + m + "("), kvs, bytes("u")));
        Arbitrary<byte[]> stray = Combinators.combine(Arbitraries.of(STRAY), sub).as((op, v) -> concat(bytes(op), v));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, leaf), net.jqwik.api.Tuple.of(6, list), net.jqwik.api.Tuple.of(3, tuple),
                net.jqwik.api.Tuple.of(6, dict), net.jqwik.api.Tuple.of(1, stray));
    }

    /** Key-value pairs for the outer dict: string keys to values, sometimes a value as the key. */
    static Arbitrary<byte[]> topLevel() {
        Arbitrary<byte[]> key = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of("\u008c\u0001w", "\u008c\u0003a.b", "\u008c\u0004rnn.").map(PicklePrograms::bytes)),
                net.jqwik.api.Tuple.of(1, value(2)));
        return Combinators.combine(key, value(3)).as(PicklePrograms::concat).list().ofMinSize(1).ofMaxSize(4)
                .map(kvs -> join(new byte[0], kvs, new byte[0]));
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
