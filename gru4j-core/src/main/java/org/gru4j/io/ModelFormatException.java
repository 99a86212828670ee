package org.gru4j.io;

import java.nio.file.Path;
import java.io.IOException;

/**
 * A file that is not what its reader expects. The message names the file and what is wrong, in one line: control
 * characters that come from the file itself (a quoted header, a name) are shown as escapes ({@link Untrusted}), and
 * the whole message is cut to {@link #MAX} characters however much file text a reader put in it.
 */
public final class ModelFormatException extends IOException {
    /** Characters of a whole message (the readers cut each piece of file text to {@link Untrusted#MAX}). */
    static final int MAX = 2000;

    /**
     * A refusal of file.
     *
     * @param file the file
     * @param what what is wrong with it
     */
    public ModelFormatException(Path file, String what) {
        super(oneLine(file + ": " + what));
    }

    /**
     * A refusal of file, caused by another exception.
     *
     * @param file the file
     * @param what what is wrong with it
     * @param cause the exception
     */
    public ModelFormatException(Path file, String what, Throwable cause) {
        super(oneLine(file + ": " + what), cause);
    }

    static String oneLine(String s) {
        return Untrusted.text(s, MAX);
    }
}
