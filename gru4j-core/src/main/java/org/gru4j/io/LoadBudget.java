package org.gru4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What one load of a model or input file may allocate on the file's word, checked before each allocation:
 * <pre>
 * budget = 64 MiB + 8 × (the file's size in bytes)
 * </pre>
 * A reader charges what a claim in the file makes it allocate — inflated zip entries, storage bytes, the float32
 * arrays it returns (4 bytes a value), header text — not per tensor but summed over the whole load. A float32 file
 * read as float32 costs about 2 × its size (bytes read, floats returned), an int8 / uint8 file 5 ×; the 64 MiB cover
 * small files with expanded views and headers. Past the budget the load stops with one line naming the file, what
 * asked, and the rule, instead of an OutOfMemoryError: a few kilobytes cannot buy gigabytes.
 * <p>
 * {@link #of} is also the readers' one check that a path is a regular file: a device ({@code /dev/zero}), a FIFO or a
 * directory is refused before it is opened, since its size says nothing about what reading it would cost.
 */
public final class LoadBudget {
    /** Bytes every load may use whatever the file's size: 64 MiB. */
    public static final long BASE = 64L << 20;
    /** Bytes a load may use per byte of the file. */
    public static final long PER_FILE_BYTE = 8;

    private final Path file;
    private final long fileBytes, limit;
    private long used;

    private LoadBudget(Path file, long fileBytes, long limit) {
        this.file = file;
        this.fileBytes = fileBytes;
        this.limit = limit;
    }

    /**
     * The budget of one load of file, after checking that it is a regular file.
     *
     * @param file the file to be read
     * @return its budget
     * @throws IOException when it is not a regular file or its size cannot be read
     */
    public static LoadBudget of(Path file) throws IOException {
        requireRegular(file);
        long size = Files.size(file);
        return new LoadBudget(file, size, rule(size));
    }

    /**
     * A budget for bytes that do not come from one file on disk (a test, an in-memory model), of the same rule.
     *
     * @param name names the bytes in messages
     * @param size how many bytes
     * @return their budget
     */
    public static LoadBudget forBytes(Path name, long size) {
        return new LoadBudget(name, size, rule(size));
    }

    /**
     * 64 MiB + 8 × size, saturating.
     *
     * @param size bytes of a file
     * @return the bytes a load of it may use
     */
    public static long rule(long size) {
        return size > (Long.MAX_VALUE - BASE) / PER_FILE_BYTE ? Long.MAX_VALUE : BASE + PER_FILE_BYTE * size;
    }

    /**
     * Refuses a path that is not a regular file (after following links): devices, FIFOs, sockets, directories.
     *
     * @param file the path
     * @throws IOException when it is not a regular file, naming it
     */
    public static void requireRegular(Path file) throws IOException {
        if (Files.isRegularFile(file)) return;
        if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(file.toString());
        String kind = Files.isDirectory(file) ? "a directory" : "a device, FIFO or socket";
        if (Files.isSymbolicLink(file) && !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) kind = "a broken link";
        throw new ModelFormatException(file, "is " + kind + ", not a regular file: models and inputs are read from regular files only");
    }

    /**
     * Accounts bytes for what; refuses, naming it, when the load would pass its budget.
     *
     * @param bytes what is about to be allocated
     * @param what names it in the message
     * @throws ModelFormatException when the load would exceed its budget
     */
    public void charge(long bytes, String what) throws ModelFormatException {
        if (bytes < 0 || bytes > limit - used) {
            throw new ModelFormatException(file, what + " needs " + bytes + " bytes, which would bring this load past its budget of "
                    + limit + " bytes (64 MiB + 8 × the file's " + fileBytes + " bytes; " + used + " already used)");
        }
        used += bytes;
    }

    /**
     * Bytes charged so far.
     *
     * @return the bytes
     */
    public long used() {
        return used;
    }

    /**
     * The bytes this load may use.
     *
     * @return the limit
     */
    public long limit() {
        return limit;
    }
}
