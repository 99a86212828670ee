package org.gru4j.cli.speech;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code --beam} and {@code --words}: how {@code speech eval} and {@code speech recognize} turn CTC outputs into text. */
final class Decoding {
    @Option(names = "--beam", defaultValue = "1", paramLabel = "K", description = "CTC prefix beam width (1: greedy); default ${DEFAULT-VALUE}")
    int beam;
    @Option(names = "--words", paramLabel = "FILE", description = "word list (one a line): only these words are recognised (beam search)")
    Path words;

    /** The word list, or null when none was given. */
    List<String> wordList() throws IOException {
        return words == null ? null : Files.readAllLines(words);
    }

    /** The beam a search keeps: {@code beam}, and at least 8 when a word list constrains it (a narrow beam loses listed words). */
    static int width(int beam, List<String> words) {
        return words != null ? Math.max(beam, 8) : beam;
    }
}
