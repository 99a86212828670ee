package org.gru4j.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not what its reader expects. The message names the file and what is wrong, in one line. */
public final class ModelFormatException extends IOException {
    public ModelFormatException(Path file, String what) {
        super(file + ": " + what);
    }

    public ModelFormatException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
    }
}
