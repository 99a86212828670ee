package org.gru4j.speech;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decoding CTC outputs of one utterance, x (T, C) logits or log-probabilities (only their order per frame and, for
 * the beam, their log-softmax matter).
 *
 * <p>Greedy: the best class per frame, repeats merged, blanks dropped. Prefix beam search (Hannun et al. 2014): for
 * each prefix ℓ keep the log-probabilities p_b(ℓ) of the frames so far ending in blank and p_nb(ℓ) ending in ℓ's last
 * label; per frame t, with y = softmax(x_t),
 * <pre>
 *   p_b'(ℓ)   += (p_b(ℓ) + p_nb(ℓ)) · y(blank)
 *   p_nb'(ℓ)  += p_nb(ℓ) · y(last(ℓ))                      (a repeat merges into ℓ)
 *   p_nb'(ℓc) += (c = last(ℓ) ? p_b(ℓ) : p_b(ℓ) + p_nb(ℓ)) · y(c)
 * </pre>
 * then keep the {@code beam} prefixes with the largest p_b + p_nb. With a word list, a character prefix may only grow
 * into words of the list: a letter must keep the current word a prefix of some listed word, a space must close a
 * listed word, and at the end the last word must be complete; a letter that begins a listed word may also follow a
 * complete word directly, the space between them implied (acoustic models often drop the space where speakers pause
 * or where words run together). Prefix "ab" extended that way is "ab c…".
 */
public final class CtcDecoder {
    private final Alphabet alphabet;
    private final int beam;
    private final Set<String> words;    // null: unconstrained
    private final Set<String> prefixes; // every prefix of every listed word (incl. "")

    /**
     * A decoder over an alphabet.
     *
     * @param alphabet the output classes
     * @param beam prefixes kept (≥ 1)
     * @param wordList the words a transcript may hold, or null or empty for any
     */
    public CtcDecoder(Alphabet alphabet, int beam, Collection<String> wordList) {
        this.alphabet = alphabet;
        this.beam = Math.max(1, beam);
        if (wordList == null || wordList.isEmpty()) {
            words = null;
            prefixes = null;
        } else {
            words = new HashSet<>();
            prefixes = new HashSet<>();
            for (String w : wordList) {
                String n = alphabet.normalize(w);
                if (n.isEmpty() || n.contains(" ")) continue;
                words.add(n);
                for (int i = 0; i <= n.length(); i++) prefixes.add(n.substring(0, i));
            }
        }
    }

    /**
     * Greedy decoding of x (T, C).
     *
     * @param x log-probabilities or logits (T, C)
     * @param t T
     * @param c C
     * @return the transcript
     */
    public String greedy(float[] x, int t, int c) {
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        for (int f = 0; f < t; f++) {
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (x[f * c + k] > x[f * c + best]) best = k;
            }
            if (best != prev && best != Alphabet.BLANK) sb.append(alphabet.symbols().charAt(best - 1));
            prev = best;
        }
        return alphabet.normalize(sb.toString());
    }

    private static final class Beam {
        double pb = Double.NEGATIVE_INFINITY, pnb = Double.NEGATIVE_INFINITY;

        double total() {
            return Ctc.lse(pb, pnb);
        }
    }

    /**
     * Prefix beam search over x (T, C); with beam 1 and no word list this is close to (not always equal to) greedy.
     *
     * @param x logits (T, C)
     * @param t T
     * @param c C
     * @return the transcript
     */
    public String beamSearch(float[] x, int t, int c) {
        Map<String, Beam> beams = new HashMap<>();
        Beam start = new Beam();
        start.pb = 0;
        beams.put("", start);
        double[] logY = new double[c];
        for (int f = 0; f < t; f++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) max = Math.max(max, x[f * c + k]);
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(x[f * c + k] - max);
            double lse = max + Math.log(sum);
            for (int k = 0; k < c; k++) logY[k] = x[f * c + k] - lse;
            Map<String, Beam> next = new HashMap<>();
            for (Map.Entry<String, Beam> e : beams.entrySet()) {
                String p = e.getKey();
                Beam b = e.getValue();
                Beam same = next.computeIfAbsent(p, k -> new Beam());
                same.pb = Ctc.lse(same.pb, b.total() + logY[Alphabet.BLANK]);
                int last = p.isEmpty() ? -1 : alphabet.index(p.charAt(p.length() - 1));
                for (int k = 1; k < c; k++) {
                    if (logY[k] < -12) continue; // negligible extensions
                    if (k == last) {
                        same.pnb = Ctc.lse(same.pnb, b.pnb + logY[k]);
                    }
                    char ch = alphabet.symbols().charAt(k - 1);
                    double from = k == last ? b.pb : b.total();
                    if (allowed(p, ch)) {
                        Beam ext = next.computeIfAbsent(p + ch, kk -> new Beam());
                        ext.pnb = Ctc.lse(ext.pnb, from + logY[k]);
                    }
                    if (ch != ' ' && startsWord(p, ch)) {
                        // an unspoken word boundary: the listed word just ended and ch begins the next one
                        Beam ext = next.computeIfAbsent(p + ' ' + ch, kk -> new Beam());
                        ext.pnb = Ctc.lse(ext.pnb, from + logY[k]);
                    }
                }
            }
            List<Map.Entry<String, Beam>> sorted = new ArrayList<>(next.entrySet());
            sorted.sort((a, b2) -> Double.compare(b2.getValue().total(), a.getValue().total()));
            beams = new HashMap<>();
            for (int i = 0; i < Math.min(beam, sorted.size()); i++) {
                beams.put(sorted.get(i).getKey(), sorted.get(i).getValue());
            }
        }
        String best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Beam> e : beams.entrySet()) {
            if (!complete(e.getKey())) continue;
            double s = e.getValue().total();
            if (s > bestScore) {
                bestScore = s;
                best = e.getKey();
            }
        }
        return best == null ? greedy(x, t, c) : alphabet.normalize(best);
    }

    private boolean allowed(String prefix, char ch) {
        if (words == null) return true;
        int sp = prefix.lastIndexOf(' ');
        String word = prefix.substring(sp + 1);
        if (ch == ' ') {
            return words.contains(word);
        }
        return prefixes.contains(word + ch);
    }

    /** With a word list: prefix ends in a complete listed word (no space yet) and ch begins a listed word. */
    private boolean startsWord(String prefix, char ch) {
        if (words == null || prefix.isEmpty() || prefix.endsWith(" ")) return false;
        return words.contains(prefix.substring(prefix.lastIndexOf(' ') + 1)) && prefixes.contains(String.valueOf(ch));
    }

    private boolean complete(String prefix) {
        if (words == null) return true;
        String word = prefix.substring(prefix.lastIndexOf(' ') + 1);
        return word.isEmpty() || words.contains(word);
    }
}
