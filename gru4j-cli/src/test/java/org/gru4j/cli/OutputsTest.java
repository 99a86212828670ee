package org.gru4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.gru4j.cli.RunCommandTest.gru4j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15/16: every output path is checked before any work (the inputs here would take long to train on, or are not
 * even readable), and no output may resolve to an input: the same path, a hard link or a symlink.
 */
class OutputsTest {
    @TempDir
    Path tmp;

    /** Exit 1, one line naming the flag and the words, the input byte for byte as it was. */
    private static void refused(Path input, String[] args, String flag, String words) throws IOException {
        byte[] before = Files.readAllBytes(input);
        var res = gru4j(args);
        assertEquals(1, res.code(), res.out() + res.err());
        String err = res.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains(flag) && err.contains(words), err);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(input)), "the input is unchanged");
    }

    @Test
    void anOutputThatIsAnInputIsRefusedForEveryCommand() throws IOException {
        Path csv = Files.writeString(tmp.resolve("in.csv"), "t,v\n" + "1,2\n".repeat(50));
        Path hard = Files.createLink(tmp.resolve("hard.csv"), csv), sym = Files.createSymbolicLink(tmp.resolve("sym.csv"), csv);
        refused(csv, new String[]{"forecast", "--csv", csv.toString(), "--column", "v", "--horizon", "2", "--plot", csv.toString()}, "--plot", "is the input");
        refused(csv, new String[]{"forecast", "--csv", csv.toString(), "--column", "v", "--horizon", "2", "--plot", sym.toString()}, "--plot", "is the input");
        refused(csv, new String[]{"anomaly", "--csv", csv.toString(), "--columns", "v", "--out", hard.toString()}, "--out", "is the input");
        refused(csv, new String[]{"anomaly", "--csv", csv.toString(), "--columns", "v", "--plot", tmp.resolve("a.png").toString(),
                "--out", tmp.resolve("a.png").toString()}, "--plot", "different files");
        Path text = Files.writeString(tmp.resolve("t.txt"), "abc ".repeat(500));
        refused(text, new String[]{"lm", "train", "--text", text.toString(), "--model", text.toString()}, "--model", "is the input");
        Path model = Files.write(tmp.resolve("m.gru4j"), new byte[]{1, 2, 3});
        Path modelLink = Files.createSymbolicLink(tmp.resolve("m2.gru4j"), model);
        refused(model, new String[]{"convert", model.toString(), modelLink.toString()}, "OUT", "is the input");
        Path x = Files.write(tmp.resolve("x.npy"), new byte[]{9});
        refused(x, new String[]{"run", "--model", model.toString(), "--input", x.toString(), "--output", tmp.resolve("y.npy").toString(),
                "--hn", x.toString()}, "--hn", "is the input");
        refused(model, new String[]{"run", "--model", model.toString(), "--input", x.toString(), "--output", modelLink.toString()}, "--output", "is the input");
    }

    @Test
    void directoriesAndMissingDirectoriesAreRefusedBeforeAnyReading() throws IOException {
        // a CSV that is not even readable as one: the output's error comes first
        Path csv = Files.writeString(tmp.resolve("bad.csv"), "\"unterminated\n");
        Path dir = Files.createDirectories(tmp.resolve("d.png"));
        refused(csv, new String[]{"forecast", "--csv", csv.toString(), "--column", "v", "--horizon", "2", "--plot", dir.toString()}, "--plot", "is a directory");
        refused(csv, new String[]{"anomaly", "--csv", csv.toString(), "--columns", "v", "--out", tmp.resolve("no/s.csv").toString()}, "--out", "directory does not exist");
        refused(csv, new String[]{"classify", "--csv", csv.toString(), "--label-column", "v", "--steps", "1"}, "bad.csv", "");
    }
}
