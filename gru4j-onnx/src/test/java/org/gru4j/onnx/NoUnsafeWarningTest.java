package org.gru4j.onnx;

import org.gru4j.io.ModelFiles;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 15: on JDK 24 and later the JVM prints four WARNING lines the first time code calls a sun.misc.Unsafe
 * memory-access method (JEP 471/498). protobuf-java before 4.36 did so as soon as CodedOutputStream was loaded
 * (its static init asks UnsafeUtil, whose own static init calls Unsafe.arrayBaseOffset), i.e. on every ONNX export.
 * Here a child JVM of 24+ ({@link Child}) exports and imports ONNX models with --sun-misc-unsafe-memory-access=warn
 * and must print nothing on stderr; a control run, in which the child calls Unsafe.arrayBaseOffset itself, shows that
 * the warning would be seen. Skipped when no JDK 24+ is found (this JVM, /usr/lib/jvm/*, /opt/java/*).
 */
class NoUnsafeWarningTest {
    @TempDir
    Path tmp;

    /** Exports a GRU, a bidirectional LSTM and an RNN, loads and runs each, and reads a torch.onnx.export fixture. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            if (args.length > 2 && args[2].equals("control")) {
                Class<?> u = Class.forName("sun.misc.Unsafe");
                java.lang.reflect.Field f = u.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                u.getMethod("arrayBaseOffset", Class.class).invoke(f.get(null), byte[].class);
            }
            int k = 0;
            for (RecurrentConfig cf : List.of(RecurrentConfig.pytorch(CellKind.GRU, 3, 4, 2, false, true),
                    RecurrentConfig.pytorch(CellKind.LSTM, 3, 4, 1, true, true),
                    RecurrentConfig.pytorch(CellKind.RNN_RELU, 3, 4, 1, false, true))) {
                Path file = dir.resolve("m" + k++ + ".onnx");
                OnnxExport.write(new Recurrent(cf), file);
                OnnxGraph g = OnnxGraph.load(file);
                g.run(Map.of("X", Value.of(Tensor.zeros(2, 1, 3))));
                ModelFiles.read(file);   // OnnxImport
            }
            OnnxGraph.load(Path.of(args[1])).run(Map.of("x", Value.of(Tensor.zeros(4, 2, 8))));
            System.out.println("ok");
        }
    }

    /** A JDK of feature release 24 or later: this JVM's, else the newest installed in the usual places. */
    static Optional<Path> jdk24() throws IOException {
        if (Runtime.version().feature() >= 24) return Optional.of(Path.of(System.getProperty("java.home")));
        List<Path> homes = new ArrayList<>();
        for (String root : List.of("/usr/lib/jvm", "/opt/java")) {
            if (!Files.isDirectory(Path.of(root))) continue;
            try (Stream<Path> s = Files.list(Path.of(root))) {
                s.filter(h -> Files.isExecutable(h.resolve("bin/java")) && feature(h) >= 24).forEach(homes::add);
            }
        }
        return homes.stream().max(Comparator.comparingInt(NoUnsafeWarningTest::feature));
    }

    /** The feature release in a JDK home's release file (JAVA_VERSION="25.0.3"), or 0. */
    private static int feature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (!line.startsWith("JAVA_VERSION=")) continue;
                String v = line.substring(line.indexOf('"') + 1).replaceAll("[^0-9].*", "");
                return v.isEmpty() ? 0 : Integer.parseInt(v);
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private String[] runChild(Path home, String mode) throws Exception {
        Path fixture = Path.of("src", "test", "resources", "onnx-fixtures", "torch_lstm_L2_bi_h0_op11.onnx").toAbsolutePath();
        Path err = tmp.resolve(mode + ".err");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/java").toString(), "--sun-misc-unsafe-memory-access=warn",
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), tmp.toString(), fixture.toString(), mode);
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM finished");
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), "child (" + mode + ") failed:\n" + stderr);
        assertEquals("ok", out.strip(), stderr);
        return new String[]{out, stderr};
    }

    @Test
    void onnxExportAndImportPrintNoUnsafeWarningOnJdk24Plus() throws Exception {
        Optional<Path> home = jdk24();
        assumeTrue(home.isPresent(), "no JDK 24 or later found");
        String control = runChild(home.get(), "control")[1];
        assertTrue(control.contains("WARNING: sun.misc.Unsafe::arrayBaseOffset has been called by"),
                "the control run shows the JVM's warning on " + home.get() + ":\n" + control);
        String stderr = runChild(home.get(), "plain")[1];
        assertEquals("", stderr, "ONNX export and import on " + home.get() + " print nothing on stderr");
    }
}
