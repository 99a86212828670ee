package org.gru4j.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The oracle every reader fuzz test and regression replay uses. A reader given any bytes must either return or throw
 * one of its documented exceptions whose message is one non-empty line; it must not throw anything else (NPE, index
 * out of bounds, negative array size, arithmetic, class cast, buffer under/overflow, out of memory, stack overflow),
 * nor hide such a bug as the cause of a documented exception, nor allocate more than {@link #allocationLimit} bytes
 * (measured on the reading thread, so a hostile length field that makes it allocate gigabytes fails here even when
 * the heap could hold them). An input that breaks a rule is saved under target/fuzz-crashes/&lt;reader&gt;/ to be
 * kept as a regression file.
 */
public final class FuzzCheck {
    private FuzzCheck() {}

    /** Reads one input file. */
    public interface Reader {
        Object read(Path file) throws Exception;
    }

    /** Types that are bugs wherever they appear, thrown or as a cause. */
    static final List<Class<? extends Throwable>> BUGS = List.of(NullPointerException.class, IndexOutOfBoundsException.class,
            NegativeArraySizeException.class, ArithmeticException.class, ClassCastException.class,
            BufferUnderflowException.class, BufferOverflowException.class, IllegalStateException.class,
            ArrayStoreException.class, UnsupportedOperationException.class, VirtualMachineError.class);

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * A reader may allocate twice its load budget ({@link LoadBudget}: 64 MiB + 8 bytes per input byte): the budget
     * counts what the file's claims buy (its values as float32, inflated entries, pickle objects), the factor 2 covers
     * the copies and bookkeeping around them. Anything that grows with a claim rather than with the bytes fails.
     */
    static long allocationLimit(long inputBytes) {
        return 2 * LoadBudget.rule(inputBytes);
    }

    /**
     * Writes the input to file, reads it with reader and applies the rules above; allowed lists the documented
     * exception types. Returns what the reader returned, or null when it refused the input.
     */
    public static Object check(String readerName, byte[] input, Path file, Reader reader, List<Class<? extends Throwable>> allowed)
            throws IOException {
        Files.write(file, input);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        Object result = null;
        Throwable thrown = null;
        try {
            result = reader.read(file);
        } catch (Throwable t) {
            thrown = t;
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        String problem = null;
        if (thrown != null) problem = problem(thrown, allowed);
        if (problem == null && allocated > allocationLimit(input.length)) {
            problem = "allocated " + allocated + " bytes for a " + input.length + "-byte input";
        }
        if (problem == null && seconds > 5) problem = "took " + seconds + " s for a " + input.length + "-byte input";
        if (problem != null) {
            Path saved = save(readerName, input, file.getFileName().toString());
            AssertionError e = new AssertionError(readerName + ": " + problem + " (input saved as " + saved + ")");
            if (thrown != null) e.initCause(thrown);
            throw e;
        }
        return result;
    }

    /** Null when t is a documented refusal, else what is wrong with it. */
    static String problem(Throwable t, List<Class<? extends Throwable>> allowed) {
        if (allowed.stream().noneMatch(c -> c.isInstance(t))) return "threw " + t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            for (Class<? extends Throwable> bug : BUGS) if (bug.isInstance(c)) return "refused, but because of " + c;
            // an IllegalArgumentException is a refusal only when gru4j threw it, not a JDK method handed a bad argument
            if (c instanceof IllegalArgumentException && !c.getStackTrace()[0].getClassName().startsWith("org.gru4j")) {
                return "refused, but because of " + c + " at " + c.getStackTrace()[0];
            }
            if (c.getCause() == c) break;
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) return "threw " + t.getClass().getName() + " without a message";
        if (m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) return "threw a message of more than one line: " + m;
        return null;
    }

    private static Path save(String readerName, byte[] input, String fileName) throws IOException {
        Path dir = Path.of("target", "fuzz-crashes", readerName);
        Files.createDirectories(dir);
        int dot = fileName.lastIndexOf('.');
        Path f = dir.resolve(sha1(input) + (dot >= 0 ? fileName.substring(dot) : ".bin"));
        Files.write(f, input);
        return f.toAbsolutePath();
    }

    static String sha1(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
