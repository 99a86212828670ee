package org.gru4j.speech;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A corpus listing: a CSV file with the header {@code path,text}, one utterance a line; paths are relative to the
 * manifest's folder; a field may be double-quoted (with "" for a quote inside).
 *
 * @param file the manifest
 * @param entries its utterances
 */
public record Manifest(Path file, List<Entry> entries) {
    /**
     * One utterance: its audio file and transcript.
     *
     * @param wav the audio file, resolved against the manifest's folder
     * @param text the transcript
     */
    public record Entry(Path wav, String text) {}

    /**
     * Reads a manifest.
     *
     * @param file the CSV file
     * @return the manifest
     * @throws IOException when it cannot be read or is malformed, naming the line
     */
    public static Manifest read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the manifest (" + e.getMessage() + ")");
        }
        if (lines.isEmpty() || !lines.get(0).strip().replace(" ", "").equalsIgnoreCase("path,text")) {
            throw new IOException(file + ": a manifest starts with the header 'path,text'");
        }
        Path dir = file.toAbsolutePath().getParent();
        List<Entry> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            List<String> f = fields(line);
            if (f.size() != 2) {
                throw new IOException(file + ":" + (i + 1) + ": expected 2 fields (path,text), found " + f.size());
            }
            out.add(new Entry(dir.resolve(f.get(0)), f.get(1)));
        }
        return new Manifest(file, out);
    }

    /**
     * Writes a manifest.
     *
     * @param file the CSV file
     * @param rows the rows (path, text)
     * @throws IOException when it cannot be written
     */
    public static void write(Path file, List<String[]> rows) throws IOException {
        StringBuilder sb = new StringBuilder("path,text\n");
        for (String[] r : rows) sb.append(quote(r[0])).append(',').append(quote(r[1])).append('\n');
        Files.writeString(file, sb.toString());
    }

    static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
