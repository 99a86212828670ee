package org.gru4j.cli;

import org.gru4j.cli.csv.Csv;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The CSV-reading options every command on a CSV file shares (a picocli mixin). */
final class CsvOptions {
    @Option(names = "--delimiter", paramLabel = "C",
            description = "field separator: one character, or tab; default: detected from the header line (',', ';' or tab)")
    String delimiter;

    Csv read(Path csv) {
        return Csv.read(csv, delimiter());
    }

    private Character delimiter() {
        if (delimiter == null) return null;
        if (delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t")) return '\t';
        if (delimiter.length() != 1) throw new IllegalArgumentException("--delimiter must be one character or 'tab', got '" + delimiter + "'");
        return delimiter.charAt(0);
    }
}
