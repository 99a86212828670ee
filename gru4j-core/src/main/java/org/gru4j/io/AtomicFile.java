package org.gru4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that a reader (or a crash) never sees it half-written: the bytes go to a temporary file in the
 * same directory, are forced to disk, and the temporary file is renamed over the target.
 * <pre>
 * temporary file   .&lt;target name&gt;.&lt;pid of the writer&gt;.&lt;random&gt;.tmp
 * </pre>
 * A process killed mid-write cannot delete its temporary file; the next write of the same target does, when the pid
 * in its name is no longer a live process (a live writer's file is left alone), and so does {@link #deleteLeftovers}.
 */
public final class AtomicFile {
    private AtomicFile() {}

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** The writer fills the channel; on any failure the target is untouched and no temporary file remains. */
    public interface Writer {
        /**
         * Writes the file's whole content.
         *
         * @param out the temporary file, open for writing
         * @throws IOException when writing fails; the target is left as it was
         */
        void write(FileChannel out) throws IOException;
    }

    /**
     * Writes target through a temporary file in its directory, renamed over it when complete: a reader sees the old
     * file or the new one, never part of one. The new file's mode is that of any new file (0666 less the umask).
     *
     * @param target the file to write
     * @param writer fills it
     * @throws IOException when the directory does not exist or writing fails; target is then untouched
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new IOException(target + ": directory does not exist");
        deleteStale(dir, target);
        // the temporary file is created as any new file is (mode 0666 less the umask), not 0600 as createTempFile makes it:
        // the renamed result is the file the user asked for
        Path tmp;
        FileChannel opened;
        while (true) {
            tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                opened = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
                break;
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                // another name
            }
        }
        try {
            try (FileChannel ch = opened) {
                writer.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Deletes the temporary files an earlier write of target left when its process was killed mid-write (a crash skips
     * the cleanup); returns how many. Call it when no other writer of target is running, e.g. when a run starts.
     *
     * @param target the file whose leftovers to remove
     * @return how many were deleted
     * @throws IOException when the directory cannot be listed
     */
    public static int deleteLeftovers(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return 0;
        String prefix = "." + target.getFileName() + ".";
        int n = 0;
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> {
            String f = p.getFileName().toString();
            return f.startsWith(prefix) && f.endsWith(".tmp");
        })) {
            for (Path p : ds) if (Files.deleteIfExists(p)) n++;
        }
        return n;
    }

    /** How old a temporary file without a pid in its name (an earlier gru4j's) must be to count as stale. */
    private static final long UNNAMED_STALE_MS = 24L * 3600 * 1000;

    /**
     * Deletes target's temporary files whose writer is gone: the pid in the name is not a live process (or, for names
     * without a pid, the file is a day old). Returns how many; a file that cannot be deleted is left.
     */
    static int deleteStale(Path dir, Path target) {
        String prefix = "." + target.getFileName() + ".";
        int n = 0;
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> {
            String f = p.getFileName().toString();
            return f.startsWith(prefix) && f.endsWith(".tmp");
        })) {
            for (Path p : ds) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dot = rest.indexOf('.');
                boolean stale;
                try {
                    long pid = Long.parseLong(dot < 0 ? "x" : rest.substring(0, dot));
                    stale = ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
                } catch (NumberFormatException e) {
                    stale = System.currentTimeMillis() - Files.getLastModifiedTime(p).toMillis() > UNNAMED_STALE_MS;
                }
                if (stale && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(p)) n++;
            }
        } catch (IOException | RuntimeException e) {
            // cleaning up is a courtesy: the write goes on
        }
        return n;
    }

    /** Writes all of a buffer. */
    static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Writes floats little-endian through one 1 MiB buffer: {@code buf} is reused (pass null for a new one); returns it. */
    static java.nio.ByteBuffer writeFloats(FileChannel ch, float[] data, ByteBuffer buf) throws IOException {
        if (buf == null) buf = ByteBuffer.allocate(1 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.length; ) {
            buf.clear();
            int k = Math.min(buf.capacity() / 4, data.length - i);
            buf.asFloatBuffer().put(data, i, k);
            buf.limit(k * 4);
            writeFully(ch, buf);
            i += k;
        }
        return buf;
    }
}
