package org.gru4j.cli.csv;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A CSV file with a header row, read whole (commons-csv: RFC 4180 quoting, a BOM and blank lines tolerated), with
 * columns fetched by name. Missing cells (empty, NA, N/A, NaN, null, in any case) read as NaN. Every error names the
 * file and, for a cell, its line and column, in one line.
 */
public final class Csv {
    private static final Set<String> MISSING = Set.of("", "na", "n/a", "nan", "null", "none");

    public final Path file;
    public final List<String> header;
    private final List<CSVRecord> records;
    private final long[] lines;                  // the line each record ends on (1: the header)

    private Csv(Path file, List<String> header, List<CSVRecord> records, long[] lines, char delimiter) {
        this.delimiter = delimiter;
        this.file = file;
        this.header = header;
        this.records = records;
        this.lines = lines;
    }

    /** The delimiter this file was read with. */
    public final char delimiter;

    public static Csv read(Path file) {
        return read(file, null);
    }

    /**
     * @param delimiter the field separator; null detects it from the header line: the most frequent of ',', ';' and
     *                  tab outside quotes (',' when none occurs)
     */
    public static Csv read(Path file, Character delimiter) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": " + (Files.isDirectory(file) ? "is a directory, not a CSV file" : "no such file"));
        }
        char d = delimiter != null ? delimiter : detect(file);
        if (d == '"' || d == '\n' || d == '\r') throw new IllegalArgumentException("--delimiter cannot be a quote or a line break");
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(d).setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                .setIgnoreSurroundingSpaces(true).setAllowMissingColumnNames(true).get();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            reader.mark(1);
            if (reader.read() != '\uFEFF') reader.reset();             // a UTF-8 byte order mark is not part of the first name
            try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
                List<String> header = parser.getHeaderNames();
                if (header.isEmpty()) throw new IllegalArgumentException(file + ": empty file (a header row is needed)");
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (int i = 0; i < header.size(); i++) {
                    if (!header.get(i).isEmpty() && !seen.add(header.get(i))) {
                        throw new IllegalArgumentException(file + ": column '" + header.get(i) + "' appears twice in the header");
                    }
                }
                List<CSVRecord> records = new ArrayList<>();
                List<Long> lines = new ArrayList<>();
                for (CSVRecord r : parser) {
                    // the parser has read past the record's line end (unless the file ends without one)
                    long line = Math.max(parser.getCurrentLineNumber(), lines.isEmpty() ? 2 : lines.get(lines.size() - 1) + 1);
                    if (r.size() != header.size()) {
                        throw new IllegalArgumentException(file + " line " + line + ": " + r.size()
                                + " fields, the header has " + header.size());
                    }
                    records.add(r);
                    lines.add(line);
                }
                if (records.isEmpty()) throw new IllegalArgumentException(file + ": no data rows after the header");
                return new Csv(file, List.copyOf(header), records, lines.stream().mapToLong(Long::longValue).toArray(), d);
            }
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            // commons-csv reports malformed quoting as these: "(startline 7) EOF reached before encapsulated token finished"
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String m = org.gru4j.cli.Main.message(cause).replaceFirst("^\\(startline (\\d+)\\) ", "line $1: ");
            throw new IllegalArgumentException(file + (m.startsWith("line ") ? " " : ": ") + m, e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + org.gru4j.cli.Main.message(e), e);
        }
    }

    /** The most frequent of ',', ';' and tab outside quotes on the first line; ',' when none occurs. */
    private static char detect(Path file) {
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int comma = 0, semicolon = 0, tab = 0, c, read = 0;
            boolean quoted = false;
            while ((c = reader.read()) >= 0 && read++ < 1 << 20) {
                if (c == '"') quoted = !quoted;
                else if (!quoted && (c == '\n' || c == '\r')) break;
                else if (!quoted && c == ',') comma++;
                else if (!quoted && c == ';') semicolon++;
                else if (!quoted && c == '\t') tab++;
            }
            if (semicolon > comma && semicolon >= tab) return ';';
            if (tab > comma && tab > semicolon) return '\t';
            return ',';
        } catch (IOException | UncheckedIOException e) {
            return ',';          // read will report the file
        }
    }

    /** How a delimiter is named in messages. */
    static String name(char d) {
        return d == '\t' ? "tab" : "'" + d + "'";
    }

    public int rows() {
        return records.size();
    }

    /** The line of row i (1 is the header; a quoted field over several lines: its last). */
    public long line(int row) {
        return lines[row];
    }

    /** The index of a column; a missing one is named with the header. */
    public int column(String name, String flag) {
        int i = header.indexOf(name);
        if (i < 0) {
            String hint = "";
            if (header.size() == 1) {
                for (char d : new char[]{',', ';', '\t', '|'}) {
                    if (d != delimiter && header.get(0).indexOf(d) >= 0) {
                        hint = " (one column: the delimiter is likely " + name(d) + "; try --delimiter " + (d == '\t' ? "tab" : String.valueOf(d)) + ")";
                        break;
                    }
                }
            }
            String shown = header.size() <= 50 ? String.join(", ", header) : String.join(", ", header.subList(0, 50)) + ", … (" + header.size() + " columns)";
            throw new IllegalArgumentException(file + ": no column '" + name + "' (" + flag + "); the header has: " + shown + hint);
        }
        return i;
    }

    public String[] strings(String name, String flag) {
        int c = column(name, flag);
        String[] out = new String[records.size()];
        for (int i = 0; i < out.length; i++) out[i] = records.get(i).get(c);
        return out;
    }

    /** A numeric column; missing cells are NaN, anything else that is not a number is an error naming line and column. */
    public double[] numbers(String name, String flag) {
        int c = column(name, flag);
        double[] out = new double[records.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(i, c);
        return out;
    }

    public double number(int row, int c) {
        String s = records.get(row).get(c);
        if (MISSING.contains(s.toLowerCase(Locale.ROOT))) return Double.NaN;
        try {
            double v = Double.parseDouble(s);
            if (Double.isInfinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + line(row) + ", column '" + header.get(c) + "': '" + s + "' is not a number");
        }
    }
}
