package org.gru4j.lm;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The characters a {@link CharModel} knows: the distinct Unicode code points of its training text, in code-point
 * order; a character's id is its index. A supplementary character (an emoji, say) is one character, not two UTF-16
 * halves.
 */
public final class CharVocabulary {
    private final int[] codePoints;     // sorted, distinct

    private CharVocabulary(int[] sortedDistinct) {
        this.codePoints = sortedDistinct;
    }

    /**
     * The distinct characters of a text.
     *
     * @param text the text
     * @return its characters, in code point order
     */
    public static CharVocabulary of(String text) {
        return new CharVocabulary(text.codePoints().sorted().distinct().toArray());
    }

    /**
     * From a list of one-character strings (as the model file stores it); a repeat or a longer string is refused.
     *
     * @param chars the characters, in id order
     * @return the vocabulary
     */
    public static CharVocabulary of(List<String> chars) {
        int[] cp = new int[chars.size()];
        for (int i = 0; i < cp.length; i++) {
            String s = chars.get(i);
            if (s == null || s.isEmpty() || s.codePointCount(0, s.length()) != 1) {
                throw new IllegalArgumentException("vocabulary entry " + i + " is not one character: " + (s == null ? "null" : "\"" + s + "\""));
            }
            cp[i] = s.codePointAt(0);
        }
        int[] sorted = cp.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) throw new IllegalArgumentException("vocabulary has " + describe(sorted[i]) + " twice");
        }
        if (!Arrays.equals(sorted, cp)) throw new IllegalArgumentException("vocabulary is not in code-point order");
        return new CharVocabulary(cp);
    }

    /**
     * The number of characters V.
     *
     * @return V
     */
    public int size() {
        return codePoints.length;
    }

    /**
     * The id of a code point, or −1 when it is not in the vocabulary.
     *
     * @param codePoint the character
     * @return its id, or −1
     */
    public int id(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        return i >= 0 ? i : -1;
    }

    /**
     * The character of an id.
     *
     * @param id the id, in [0, V)
     * @return its code point
     */
    public int codePoint(int id) {
        return codePoints[id];
    }

    /**
     * The ids of a text's characters; a character outside the vocabulary throws, naming it and where (what: "--prime").
     *
     * @param text the text
     * @param what names the text in the message
     * @return the ids
     */
    public int[] encode(String text, String what) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        for (int i = 0, k = 0; i < text.length(); k++) {
            int c = text.codePointAt(i);
            int id = id(c);
            if (id < 0) {
                throw new IllegalArgumentException(what + " has the character " + describe(c) + " at position " + k
                        + ", which is not in the model's vocabulary of " + size() + " characters");
            }
            ids[k] = id;
            i += Character.charCount(c);
        }
        return ids;
    }

    /**
     * The vocabulary as one-character strings, for the model file.
     *
     * @return the characters, in id order
     */
    public List<String> asStrings() {
        return Arrays.stream(codePoints).mapToObj(Character::toString).toList();
    }

    /**
     * 'x' (U+0078), or the escape for a control character: '\n' (U+000A).
     *
     * @param codePoint the character
     * @return its description
     */
    public static String describe(int codePoint) {
        String shown = switch (codePoint) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(codePoint) || Character.isWhitespace(codePoint) && codePoint != ' '
                    ? "" : Character.toString(codePoint);
        };
        return (shown.isEmpty() ? "" : "'" + shown + "' ") + String.format(Locale.ROOT, "(U+%04X)", codePoint);
    }
}
