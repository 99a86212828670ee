package org.gru4j.io;

/**
 * Text that came from a file (a tensor name, a header, a pickled string) made safe to print in a one-line message:
 * cut to {@link #MAX} characters (with the full length said), and every control character — line breaks, tab, ESC
 * (so no ANSI sequence reaches the terminal), DEL, the C1 range, and the bidirectional overrides — shown as an
 * escape ({@code \n}, {@code \r}, {@code \t}, {@code \u001b}). Every reader's messages use it for the file's own text.
 */
public final class Untrusted {
    private Untrusted() {}

    /** Characters of file-controlled text kept in a message. */
    public static final int MAX = 200;

    /**
     * s cut to {@link #MAX} characters, escapes shown; "null" for null.
     *
     * @param s any value, or null
     * @return the text
     */
    public static String text(Object s) {
        return text(String.valueOf(s), MAX);
    }

    /**
     * s cut to max characters, escapes shown.
     *
     * @param s the text
     * @param max the most characters to keep
     * @return the text
     */
    public static String text(String s, int max) {
        if (s == null) return "null";
        int n = Math.min(s.length(), max);
        StringBuilder sb = new StringBuilder(n + 16);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                            || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (s.length() > max) sb.append("… (").append(s.length()).append(" characters)");
        return sb.toString();
    }
}
