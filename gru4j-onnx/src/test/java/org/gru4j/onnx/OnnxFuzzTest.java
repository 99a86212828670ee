package org.gru4j.onnx;

import org.gru4j.io.FuzzCheck;
import org.gru4j.io.FuzzTries;
import org.gru4j.io.Mutation;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;


/**
 * Mutation fuzzing of the ONNX reader and graph loader ({@link OnnxGraph#load}: protobuf wire format, initializer
 * decoding, external data, operator and graph checks), see RELIABILITY.md. Documented refusals are IOException
 * (ModelFormatException) and IllegalArgumentException thrown by gru4j with the file named. Each test is a plain JUnit
 * loop ({@link FuzzTries}) over tries from a SplittableRandom with a fixed seed; the tries come from -Dgru4j.fuzz.tries
 * (1200 by default). Inputs that once broke the loader are replayed from fuzz-regressions/onnx/.
 */
class OnnxFuzzTest {
    static final List<Class<? extends Throwable>> ALLOWED = List.of(IOException.class, IllegalArgumentException.class);
    static final FuzzCheck.Reader LOAD = OnnxGraph::load;
    /** Load, then (when the model loads) run it once on zeros of the declared input shapes, symbolic dimensions 2. */
    static final FuzzCheck.Reader LOAD_AND_RUN = file -> {
        OnnxGraph g = OnnxGraph.load(file);
        Map<String, Value> feeds = new java.util.HashMap<>();
        for (OnnxModel.ValueInfo v : g.inputs) {
            int[] shape = new int[v.dims().size()];
            long n = 1;
            for (int k = 0; k < shape.length; k++) {
                shape[k] = v.dims().get(k) instanceof Long d && d >= 0 ? (int) Math.min(d, 64) : 2;
                n *= shape[k];
            }
            if (n > 1 << 16) return g;   // a fuzzed declared shape too big to feed: loading was the test
            feeds.put(v.name(), TensorData.isFloat(v.elemType()) || v.elemType() == 0
                    ? Value.floats(shape, new float[(int) n]) : Value.ints(shape, new long[(int) n]));
        }
        return g.run(feeds);
    };
    private static final Map<String, byte[]> SEEDS = new ConcurrentHashMap<>();

    @Test
    void load() {
        FuzzTries.run("onnx load", r -> FuzzCheck.check("onnx", mutated(r), work("x.onnx"), LOAD, ALLOWED));
    }

    /** What loads is also run once: fuzzed attributes and initializers reach the operators. */
    @Test
    void loadAndRun() {
        FuzzTries.run("onnx loadAndRun", r -> FuzzCheck.check("onnx", mutated(r), work("x.onnx"), LOAD_AND_RUN, ALLOWED));
    }

    /** One of the seeds, picked uniformly, with one to eight edits. */
    static byte[] mutated(SplittableRandom random) {
        String seed = SEED_FILES[random.nextInt(SEED_FILES.length)];
        return Mutation.apply(seed(seed), Mutation.edits(random));
    }

    @TestFactory
    Stream<DynamicTest> savedInputsAreRefusedCleanly() throws IOException, URISyntaxException {
        Path dir = Path.of(OnnxFuzzTest.class.getResource("/fuzz-regressions/onnx").toURI());
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (!f.getFileName().toString().endsWith(".onnx")) continue;
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> FuzzCheck.check("onnx", Files.readAllBytes(f),
                        work("replay.onnx"), LOAD_AND_RUN, ALLOWED)));
            }
        }
        return tests.stream();
    }

    /** Seed models in onnx-fixtures/. */
    static final String[] SEED_FILES = {"helper_gru_lbr0.onnx", "helper_lstm_peephole.onnx", "helper_glue_ops.onnx",
            "helper_gru_external.onnx", "helper_rnn_bi_acts.onnx"};

    static byte[] seed(String name) {
        return SEEDS.computeIfAbsent(name, n -> {
            try (InputStream in = OnnxFuzzTest.class.getResourceAsStream("/onnx-fixtures/" + n)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A scratch file in target/fuzz-work, next to the external weights file the external-data seed names. */
    static Path work(String name) throws IOException {
        Path dir = Path.of("target", "fuzz-work");
        Files.createDirectories(dir);
        Path weights = dir.resolve("helper_gru_external.weights");
        if (!Files.exists(weights)) {
            try (InputStream in = OnnxFuzzTest.class.getResourceAsStream("/onnx-fixtures/helper_gru_external.weights")) {
                Files.copy(in, weights, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir.resolve(name);
    }
}
