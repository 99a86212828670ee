package org.gru4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every command's output paths, checked before any training or reading of large inputs: the one place that says
 * whether a file may be written. An output must not be a directory, its directory must exist and be writable, and
 * it must not resolve to an input (the same path, or Files.isSameFile when both exist: a hard link or a symlink
 * to it) nor to another output. Each refusal is one line naming the flag.
 */
final class Outputs {
    private Outputs() {}

    /**
     * Checks the outputs, given as flag, path pairs (a null path is an absent option), against each other and the inputs.
     *
     * @param outputs flag1, path1, flag2, path2, …
     * @param inputs  the files the command reads (null entries skipped)
     */
    static void check(Object[] outputs, Path... inputs) {
        for (int i = 0; i < outputs.length; i += 2) {
            String flag = (String) outputs[i];
            Path out = (Path) outputs[i + 1];
            if (out == null) continue;
            writable(flag, out);
            for (Path in : inputs) {
                if (in != null && same(out, in)) throw new IllegalArgumentException(flag + " " + out + " is the input " + in + ": refusing to overwrite it");
            }
            for (int j = 0; j < i; j += 2) {
                Path other = (Path) outputs[j + 1];
                if (other != null && same(out, other)) {
                    throw new IllegalArgumentException(outputs[j] + " and " + flag + " must name different files (" + out + " twice)");
                }
            }
        }
    }

    /** One output against the inputs. */
    static void check(String flag, Path out, Path... inputs) {
        check(new Object[]{flag, out}, inputs);
    }

    /** Not a directory; its directory exists and can be written. */
    private static void writable(String flag, Path out) {
        if (Files.isDirectory(out)) throw new IllegalArgumentException(flag + " " + out + " is a directory");
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new IllegalArgumentException(flag + " " + out + ": directory does not exist (" + dir + ")");
        if (!Files.isWritable(dir)) throw new IllegalArgumentException(flag + " " + out + ": directory is not writable (" + dir + ")");
        if (Files.exists(out) && !Files.isRegularFile(out)) throw new IllegalArgumentException(flag + " " + out + " is not a regular file");
    }

    /** The same file: equal paths once made absolute and normalised, or (both existing) one file by Files.isSameFile. */
    private static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        if (!Files.exists(a) || !Files.exists(b)) return false;
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
