package org.gru4j.speech;

import java.util.Arrays;
import java.util.List;

/**
 * Word and character error rates: the Levenshtein distance (substitutions + deletions + insertions) between
 * reference and hypothesis, over words or characters, summed over a test set and divided by the reference length.
 */
public final class ErrorRate {
    private long wordErrors, words, charErrors, chars;

    /**
     * Adds one utterance's errors.
     *
     * @param reference the true transcript
     * @param hypothesis the recognised one
     */
    public void add(String reference, String hypothesis) {
        List<String> r = words(reference), h = words(hypothesis);
        wordErrors += distance(r, h);
        words += r.size();
        String rc = String.join(" ", r), hc = String.join(" ", h);
        charErrors += distance(chars(rc), chars(hc));
        chars += rc.length();
    }

    /**
     * Word error rate.
     *
     * @return word errors / reference words (0 with no words)
     */
    public double wer() {
        return words == 0 ? 0 : (double) wordErrors / words;
    }

    /**
     * Character error rate.
     *
     * @return character errors / reference characters (0 with no characters)
     */
    public double cer() {
        return chars == 0 ? 0 : (double) charErrors / chars;
    }

    static List<String> words(String s) {
        String t = s.strip();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }

    static List<Character> chars(String s) {
        return s.chars().mapToObj(c -> (char) c).toList();
    }

    /**
     * Edit distance by the two-row dynamic programme.
     *
     * @param <T> the element type
     * @param a one sequence
     * @param b the other
     * @return the distance
     */
    public static <T> int distance(List<T> a, List<T> b) {
        int[] prev = new int[b.size() + 1], cur = new int[b.size() + 1];
        for (int j = 0; j <= b.size(); j++) prev[j] = j;
        for (int i = 1; i <= a.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.size(); j++) {
                int sub = prev[j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
