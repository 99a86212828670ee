package org.gru4j.io;

import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A failed write leaves the target as it was and no temporary file behind. */
class AtomicFileTest {
    @TempDir
    Path tmp;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writerFailingHalfWayLeavesTheOldFile() throws IOException {
        Path f = tmp.resolve("y.npy");
        Files.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, ch -> {
            AtomicFile.writeFully(ch, ByteBuffer.wrap(new byte[1000]));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void replacesTheOldFileWhenDone() throws IOException {
        Path f = tmp.resolve("y.bin");
        Files.writeString(f, "old");
        AtomicFile.write(f, ch -> AtomicFile.writeFully(ch, ByteBuffer.wrap("new".getBytes())));
        assertEquals("new", Files.readString(f));
        assertEquals(List.of(f), files());
    }

    /** Issue 15: the result has the mode any new file gets under the umask (it was 0600 whatever the umask). */
    @Test
    void theWrittenFileRespectsTheUmask() throws IOException {
        if (!java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return;
        Path plain = Files.createFile(tmp.resolve("plain.bin")), target = tmp.resolve("atomic.bin");
        AtomicFile.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[]{1})));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
    }

    @Test
    void missingDirectoryIsNamed() throws IOException {
        Path missing = tmp.resolve("no-such-dir").resolve("y.npy");
        IOException e = assertThrows(IOException.class, () -> Npy.write(missing, Tensor.zeros(2)));
        assertEquals(missing + ": directory does not exist", e.getMessage());
        assertEquals(List.of(), files());
    }

    @Test
    void staleTemporaryFilesOfDeadWritersAreCleanedOnTheNextWrite() throws IOException {
        Path f = tmp.resolve("m.gru4j");
        // a pid that is not running: a process started and waited for
        long dead;
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            dead = p.pid();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Path stale = tmp.resolve(".m.gru4j." + dead + ".123.tmp");
        Path live = tmp.resolve(".m.gru4j." + ProcessHandle.current().pid() + ".456.tmp");
        Path other = tmp.resolve(".other.gru4j." + dead + ".789.tmp");
        for (Path p : List.of(stale, live, other)) Files.writeString(p, "half");
        AtomicFile.write(f, ch -> AtomicFile.writeFully(ch, ByteBuffer.wrap("new".getBytes())));
        assertEquals(List.of(live, other, f), files(), "the dead writer's file of this target is gone, the rest stay");
    }
}
