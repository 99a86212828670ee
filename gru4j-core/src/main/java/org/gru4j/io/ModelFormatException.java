package org.gru4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not what its reader expects. The message names the file and what is wrong, in one line: line breaks
 * that come from the file itself (a quoted header, a name) are shown as \\n and \\r.
 */
public final class ModelFormatException extends IOException {
    public ModelFormatException(Path file, String what) {
        super(oneLine(file + ": " + what));
    }

    public ModelFormatException(Path file, String what, Throwable cause) {
        super(oneLine(file + ": " + what), cause);
    }

    static String oneLine(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
