package org.gru4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON that file headers need (safetensors, the native model file): objects become LinkedHashMap in file
 * order, arrays ArrayList, numbers Long when integral else Double, plus String, Boolean and null. Nesting is capped
 * so a hostile header cannot overflow the stack. The core module depends on the JDK alone, hence by hand.
 */
public final class Json {
    private Json() {}

    private static final int MAX_DEPTH = 64;

    /** A syntax error, with its character offset. */
    public static final class ParseException extends Exception {
        /**
         * An error at character at of the text.
         *
         * @param message what is wrong
         * @param at the character offset
         */
        public ParseException(String message, int at) {
            super(message + " at character " + at);
        }
    }

    /**
     * Parses one JSON value, the whole text.
     *
     * @param text JSON
     * @return the value, as the class comment maps it
     * @throws ParseException at the first syntax error or at trailing characters
     */
    public static Object parse(String text) throws ParseException {
        Json.Parser p = new Json.Parser(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.i != text.length()) throw new ParseException("trailing characters", p.i);
        return v;
    }

    /** Takes one member of a top-level object. */
    public interface Member {
        /**
         * Takes a member.
         *
         * @param key its key
         * @param value its value, as {@link #parse} gives it
         * @param at the key's character offset
         * @throws ParseException to refuse the member
         */
        void accept(String key, Object value, int at) throws ParseException;
    }

    /**
     * Parses a top-level JSON object member by member, handing each key and value (parsed as {@link #parse} would)
     * to member without keeping them: a header of a million entries holds one entry's tree at a time. Duplicate keys
     * are for member to refuse (at is the key's character offset). Linear in the text.
     *
     * @param text JSON text holding one object
     * @param member takes each member in order
     * @throws ParseException at the first syntax error, or as member throws it
     */
    public static void parseObject(String text, Member member) throws ParseException {
        Json.Parser p = new Json.Parser(text);
        p.space();
        p.expect('{');
        p.space();
        if (!p.peek('}')) {
            while (true) {
                p.space();
                if (p.i >= text.length() || text.charAt(p.i) != '"') throw new ParseException("expected a key", p.i);
                int at = p.i;
                String k = p.string();
                p.space();
                p.expect(':');
                p.space();
                member.accept(k, p.value(1), at);
                p.space();
                if (p.peek('}')) break;
                p.expect(',');
            }
        }
        p.space();
        if (p.i != text.length()) throw new ParseException("trailing characters", p.i);
    }

    /**
     * The value as JSON text: maps, lists, strings, numbers, booleans and null.
     *
     * @param value the value
     * @return the text
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            sb.append(v);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON has no " + d);
            sb.append(d);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Iterable<?> l) {
            sb.append('[');
            boolean first = true;
            for (Object o : l) {
                if (!first) sb.append(',');
                first = false;
                write(sb, o);
            }
            sb.append(']');
        } else if (v instanceof int[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
            sb.append(']');
        } else if (v instanceof long[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getSimpleName() + " as JSON");
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) {
            this.s = s;
        }

        void space() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r' || s.charAt(i) == '\t')) i++;
        }

        Object value(int depth) throws ParseException {
            if (depth > MAX_DEPTH) throw new ParseException("nested deeper than " + MAX_DEPTH, i);
            if (i >= s.length()) throw new ParseException("unexpected end", i);
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    space();
                    if (peek('}')) return m;
                    while (true) {
                        space();
                        if (i >= s.length() || s.charAt(i) != '"') throw new ParseException("expected a key", i);
                        int at = i;
                        String k = string();
                        space();
                        expect(':');
                        space();
                        if (m.containsKey(k)) throw new ParseException("duplicate key \"" + Untrusted.text(k) + "\"", at);
                        m.put(k, value(depth + 1));
                        space();
                        if (peek('}')) return m;
                        expect(',');
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    space();
                    if (peek(']')) return l;
                    while (true) {
                        space();
                        l.add(value(depth + 1));
                        space();
                        if (peek(']')) return l;
                        expect(',');
                    }
                }
                case '"':
                    return string();
                case 't':
                    word("true");
                    return Boolean.TRUE;
                case 'f':
                    word("false");
                    return Boolean.FALSE;
                case 'n':
                    word("null");
                    return null;
                default:
                    return number();
            }
        }

        boolean peek(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        void expect(char c) throws ParseException {
            if (!peek(c)) throw new ParseException("expected '" + c + "'", i);
        }

        void word(String w) throws ParseException {
            if (!s.startsWith(w, i)) throw new ParseException("unexpected character", i);
            i += w.length();
        }

        String string() throws ParseException {
            i++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw new ParseException("unterminated string", i);
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c < 0x20) throw new ParseException("control character in string", i - 1);
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) throw new ParseException("unterminated escape", i);
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) throw new ParseException("short \\u escape", i);
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw new ParseException("bad \\u escape", i);
                        }
                        i += 4;
                    }
                    default -> throw new ParseException("bad escape \\" + e, i - 1);
                }
            }
        }

        Object number() throws ParseException {
            int start = i;
            peek('-');
            boolean frac = false;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c >= '0' && c <= '9') i++;
                else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    frac = true;
                    i++;
                } else break;
            }
            String t = s.substring(start, i);
            if (t.isEmpty() || t.equals("-")) throw new ParseException("unexpected character", start);
            try {
                if (!frac) return Long.parseLong(t);
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                if (!frac) throw new ParseException("integer out of range: " + Untrusted.text(t), start);
                throw new ParseException("bad number: " + Untrusted.text(t), start);
            }
        }
    }
}
