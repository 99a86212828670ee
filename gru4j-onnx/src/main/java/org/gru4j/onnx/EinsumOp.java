package org.gru4j.onnx;

import org.gru4j.kernel.Gemm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Einsum for one or two operands, the forms torch emits ("bij,bjk->bik", "bhd,bd->bh", "ij->ji", …), with "..."
 * broadcast dimensions and implicit output (the letters appearing once, in alphabetical order). A letter repeated
 * within one operand (a diagonal) is refused.
 *
 * <p>Two operands: letters are sorted into batch (in A, B and the output), kept-A, kept-B, contracted (in A and B,
 * not the output); letters in one operand only and not in the output are summed out first. Then
 * C (batch, kA, kB) = A (batch, kA, c) · B (batch, c, kB), one {@link Gemm} per batch entry, and C is transposed
 * to the output order.
 */
final class EinsumOp {
    private EinsumOp() {}

    static Value apply(String equation, Value[] in, String where) {
        String eq = equation.replace(" ", "");
        for (Value v : in) if (v == null || !v.isFloat()) throw new IllegalArgumentException(where + ": operands must be float");
        String[] sides = eq.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        if (terms.length != in.length || terms.length > 2 || terms.length == 0) {
            throw new IllegalArgumentException(where + ": equation '" + equation + "' has " + terms.length + " operands, gru4j runs 1 or 2 and got " + in.length);
        }
        // "..." becomes upper-case letters, as many as the broadcast dimensions need
        int ell = 0;
        for (int t = 0; t < terms.length; t++) {
            if (terms[t].contains("...")) ell = Math.max(ell, in[t].rank() - (terms[t].length() - 3));
        }
        String ellLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".substring(0, Math.max(0, ell));
        for (int t = 0; t < terms.length; t++) {
            if (terms[t].contains("...")) {
                int own = in[t].rank() - (terms[t].length() - 3);
                terms[t] = terms[t].replace("...", ellLetters.substring(ell - own));
            }
            if (terms[t].length() != in[t].rank()) throw new IllegalArgumentException(where + ": term '" + terms[t] + "' for operand " + in[t].describe());
            for (int k = 0; k < terms[t].length(); k++) {
                if (terms[t].indexOf(terms[t].charAt(k)) != k) throw new IllegalArgumentException(where + ": repeated index in '" + terms[t] + "' (diagonals) is not supported");
            }
        }
        String out;
        if (sides.length == 2) out = sides[1].replace("...", ellLetters);
        else {
            StringBuilder b = new StringBuilder(ellLetters);
            String all = String.join("", terms);
            all.chars().filter(Character::isLowerCase).distinct().sorted()
                    .filter(c -> all.indexOf(c) == all.lastIndexOf(c)).forEach(c -> b.append((char) c));
            out = b.toString();
        }
        // sizes per letter, broadcasting 1s of the ellipsis
        int[] size = new int[128];
        Arrays.fill(size, -1);
        for (int t = 0; t < terms.length; t++) {
            for (int k = 0; k < terms[t].length(); k++) {
                char c = terms[t].charAt(k);
                int d = in[t].shape()[k];
                if (size[c] == -1 || size[c] == 1) size[c] = d;
                else if (d != size[c] && d != 1) throw new IllegalArgumentException(where + ": index '" + c + "' is " + size[c] + " and " + d);
            }
        }
        for (char c : out.toCharArray()) if (size[c] < 0) throw new IllegalArgumentException(where + ": output index '" + c + "' appears in no operand");
        // sum out letters that occur in one operand only and not in the output
        Value[] ops = in.clone();
        for (int t = 0; t < terms.length; t++) {
            String other = terms.length == 2 ? terms[1 - t] : "";
            StringBuilder keep = new StringBuilder();
            List<Long> axes = new ArrayList<>();
            for (int k = 0; k < terms[t].length(); k++) {
                char c = terms[t].charAt(k);
                if (out.indexOf(c) < 0 && other.indexOf(c) < 0) axes.add((long) k);
                else keep.append(c);
            }
            if (!axes.isEmpty()) {
                ops[t] = ReduceOps.reduce("ReduceSum", ops[t], axes.stream().mapToLong(Long::longValue).toArray(), false, false, where);
                terms[t] = keep.toString();
            }
        }
        if (terms.length == 1) return arrange(ops[0], terms[0], out, size, where);
        String a = terms[0], b = terms[1];
        StringBuilder batch = new StringBuilder(), ka = new StringBuilder(), kb = new StringBuilder(), con = new StringBuilder();
        for (char c : a.toCharArray()) {
            if (b.indexOf(c) >= 0) (out.indexOf(c) >= 0 ? batch : con).append(c);
            else ka.append(c);
        }
        for (char c : b.toCharArray()) if (a.indexOf(c) < 0) kb.append(c);
        int nb = prod(batch, size), na = prod(ka, size), nk = prod(kb, size), nc = prod(con, size);
        Value A = arrange(ops[0], a, batch + "" + ka + con, size, where);
        Value B = arrange(ops[1], b, batch + "" + con + kb, size, where);
        float[] c = new float[Math.multiplyExact(nb, Math.multiplyExact(na, nk))];
        for (int p = 0; p < nb; p++) {
            Gemm.mm(na, nk, nc, A.floats(), p * na * nc, nc, 1, B.floats(), p * nc * nk, nk, c, p * na * nk, nk, false);
        }
        String have = batch + "" + ka + kb;
        return arrange(Value.floats(shapeOf(have, size), c), have, out, size, where);
    }

    private static int prod(CharSequence letters, int[] size) {
        int p = 1;
        for (int k = 0; k < letters.length(); k++) p = Math.multiplyExact(p, size[letters.charAt(k)]);
        return p;
    }

    private static int[] shapeOf(String letters, int[] size) {
        int[] s = new int[letters.length()];
        for (int k = 0; k < s.length; k++) s[k] = size[letters.charAt(k)];
        return s;
    }

    /** x labelled by from, transposed to the order of to and broadcast (size-1 dimensions) to the full sizes. */
    private static Value arrange(Value x, String from, String to, int[] size, String where) {
        if (from.length() != to.length()) throw new IllegalArgumentException(where + ": cannot arrange '" + from + "' as '" + to + "'");
        long[] perm = new long[to.length()];
        for (int k = 0; k < perm.length; k++) perm[k] = from.indexOf(to.charAt(k));
        Value t = Ops.transpose(x, perm, where);
        int[] full = shapeOf(to, size);
        return Arrays.equals(full, t.shape()) ? t : Ops.pick(t, full, Ops.broadcastIndex(full, t.shape()));
    }
}
