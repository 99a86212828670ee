package org.gru4j.speech;

/**
 * The output classes of a character-level recogniser: class 0 is the CTC blank, class i ≥ 1 is
 * {@code symbols.charAt(i − 1)}. Text is lower-cased; characters outside the alphabet are dropped and runs of spaces
 * become one.
 *
 * @param symbols the symbols, class i ≥ 1 being symbols[i − 1]
 */
public record Alphabet(String symbols) {
    /** The CTC blank's class. */
    public static final int BLANK = 0;

    /**
     * Space, a–z and the apostrophe: 28 symbols, 29 classes.
     *
     * @return the alphabet
     */
    public static Alphabet english() {
        return new Alphabet(" abcdefghijklmnopqrstuvwxyz'");
    }

    /**
     * Output classes C: the symbols and the blank.
     *
     * @return C
     */
    public int classes() {
        return symbols.length() + 1;
    }

    /**
     * Normalises text the way the labels see it: lower case, known characters, single spaces, trimmed.
     *
     * @param text any text
     * @return the normalised text
     */
    public String normalize(String text) {
        StringBuilder sb = new StringBuilder();
        for (char ch : text.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            char c = Character.isWhitespace(ch) ? ' ' : ch;
            if (symbols.indexOf(c) < 0) continue;
            if (c == ' ' && (sb.isEmpty() || sb.charAt(sb.length() - 1) == ' ')) continue;
            sb.append(c);
        }
        return sb.toString().strip();
    }

    /**
     * The labels of a text, normalised first.
     *
     * @param text any text
     * @return its classes, none the blank
     */
    public int[] encode(String text) {
        String t = normalize(text);
        int[] out = new int[t.length()];
        for (int i = 0; i < out.length; i++) out[i] = symbols.indexOf(t.charAt(i)) + 1;
        return out;
    }

    /**
     * The text of labels, blanks left out.
     *
     * @param labels classes
     * @return the text
     */
    public String decode(int[] labels) {
        StringBuilder sb = new StringBuilder();
        for (int l : labels) {
            if (l != BLANK) sb.append(symbols.charAt(l - 1));
        }
        return sb.toString();
    }

    /**
     * The class of a character.
     *
     * @param c the character
     * @return its class, or −1 when it is not in the alphabet
     */
    public int index(char c) {
        int i = symbols.indexOf(c);
        return i < 0 ? -1 : i + 1;
    }
}
