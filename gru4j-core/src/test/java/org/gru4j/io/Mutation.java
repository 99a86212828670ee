package org.gru4j.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One edit of a seed file, for fuzzing the readers. Positions are taken modulo the file's length, so a list of
 * mutations applies to any seed. Half the positions are small (below 2^k, k from 1 to 12), so edits often land in the
 * headers and length fields at the start of a file; a quarter of the values are edge values ({@link #EDGES}).
 * <pre>
 * FLIP      flip bit (value mod 8) of byte at
 * SET       set byte at to value (the edge values give 0x00, 0x01, 0xff, 0x7f, 0x80)
 * TRUNCATE  keep the first at bytes
 * INSERT    insert length copies of byte value at at
 * DELETE    delete length bytes from at
 * DUPLICATE repeat the length bytes from at right after them
 * INT32     overwrite 4 bytes at at with a big / negative / boundary value, little-endian (length fields)
 * INT64     the same with 8 bytes
 * VARINT    overwrite with a protobuf varint of a big value (protobuf length and dimension fields)
 * DIGITS    replace the run of ASCII digits nearest after at with a huge or negative number (text headers)
 * TOKEN     overwrite with a syntax character of JSON / Python literals / pickle text opcodes
 * </pre>
 */
public record Mutation(Kind kind, int at, int length, long value) {
    enum Kind { FLIP, SET, TRUNCATE, INSERT, DELETE, DUPLICATE, INT32, INT64, VARINT, DIGITS, TOKEN }

    /** Lengths that sit on the edges: zero, one, sign bits, the int and long limits, and what would overflow x4 or x8. */
    static final long[] BIG = {0, 1, -1, 127, 128, 255, 256, 65535, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE,
            0xffffffffL, 1L << 32, (Integer.MAX_VALUE / 4) + 1, (Integer.MAX_VALUE / 8) + 1, 1L << 40, 1L << 62,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 4 + 1};
    static final String[] DIGIT_RUNS = {"0", "-1", "2147483647", "2147483648", "4294967296", "9223372036854775807",
            "9223372036854775808", "99999999999999999999999", "1e308", "-0", "536870912", "1073741824"};
    static final byte[] TOKENS = "{}[]()\"',:\\.-0123456789eE+ \n\tLNtTfF#".getBytes(StandardCharsets.US_ASCII);

    /** Values that sit on the edges of a byte, an int and a long; a quarter of the values drawn are one of these. */
    static final long[] EDGES = {0, 1, -1, 0x7f, 0x80, 0xff, -0x80, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
            Long.MIN_VALUE};

    /** One edit: any kind, a position (half the time a small one), a length of 1 to 64, a value (often an edge). */
    static Mutation any(SplittableRandom random) {
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        int at = random.nextBoolean() ? random.nextInt(Integer.MAX_VALUE) : random.nextInt(1 << random.nextInt(1, 13));
        int length = random.nextInt(1, 65);
        long value = random.nextInt(4) == 0 ? EDGES[random.nextInt(EDGES.length)] : random.nextLong();
        return new Mutation(kind, at, length, value);
    }

    /**
     * One to eight edits, fewer more often: one in half the tries, two in a quarter, and so on (eight takes the rest).
     * Every extra edit is another chance to be refused at the first check, so this keeps many tries reaching the data
     * (uniform 1 to 8 read a third as many npy and json files).
     */
    public static List<Mutation> edits(SplittableRandom random) {
        int n = 1;
        while (n < 8 && random.nextBoolean()) n++;
        List<Mutation> edits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) edits.add(any(random));
        return edits;
    }

    public static byte[] apply(byte[] seed, List<Mutation> edits) {
        byte[] b = seed;
        for (Mutation m : edits) b = m.apply(b);
        return b;
    }

    byte[] apply(byte[] b) {
        int n = b.length;
        int p = n == 0 ? 0 : Math.floorMod(at, n);
        byte v = (byte) value;
        switch (kind) {
            case FLIP -> { if (n > 0) { b = b.clone(); b[p] ^= (byte) (1 << Math.floorMod(value, 8)); } }
            case SET -> { if (n > 0) { b = b.clone(); b[p] = v; } }
            case TRUNCATE -> b = Arrays.copyOf(b, p);
            case INSERT -> {
                byte[] ins = new byte[length];
                Arrays.fill(ins, v);
                b = splice(b, p, 0, ins);
            }
            case DELETE -> b = splice(b, p, Math.min(length, n - p), new byte[0]);
            case DUPLICATE -> b = splice(b, p, 0, Arrays.copyOfRange(b, p, Math.min(n, p + length)));
            case INT32 -> b = overwrite(b, p, le(big(), 4));
            case INT64 -> b = overwrite(b, p, le(big(), 8));
            case VARINT -> b = overwrite(b, p, varint(big()));
            case DIGITS -> b = digits(b, p);
            case TOKEN -> { if (n > 0) { b = b.clone(); b[p] = TOKENS[Math.floorMod(value, TOKENS.length)]; } }
        }
        return b;
    }

    private long big() {
        return BIG[Math.floorMod(value, BIG.length)] + (length > 60 ? length - 60 : 0);
    }

    private byte[] digits(byte[] b, int p) {
        int s = p;
        while (s < b.length && !(b[s] >= '0' && b[s] <= '9')) s++;
        if (s == b.length) return b;
        int e = s;
        while (e < b.length && b[e] >= '0' && b[e] <= '9') e++;
        return splice(b, s, e - s, DIGIT_RUNS[Math.floorMod(value, DIGIT_RUNS.length)].getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(b.length + insert.length);
        o.write(b, 0, at);
        o.write(insert, 0, insert.length);
        o.write(b, at + remove, b.length - at - remove);
        return o.toByteArray();
    }

    private static byte[] overwrite(byte[] b, int at, byte[] w) {
        b = b.clone();
        for (int i = 0; i < w.length && at + i < b.length; i++) b[at + i] = w[i];
        return b;
    }

    private static byte[] le(long v, int bytes) {
        byte[] w = new byte[bytes];
        for (int i = 0; i < bytes; i++) w[i] = (byte) (v >>> (8 * i));
        return w;
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        while ((v & ~0x7fL) != 0) {
            o.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
        return o.toByteArray();
    }
}
