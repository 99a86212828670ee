package org.gru4j.onnx;

import com.google.protobuf.CodedInputStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ONNX backend node tests (onnx-backend/node/, copied from the onnx package's test data; see SOURCE.md there):
 * each directory holds model.onnx and test_data_set_0/input_k.pb, output_k.pb (serialized TensorProtos). Every
 * directory shipped must load and match its outputs within |Δ| ≤ 1e-4 + 1e-3·|expected| (the onnx backend runner's
 * tolerances, loosened for float32-only arithmetic). With -Dgru4j.onnx.backendDir=DIR the test also walks the full
 * set in DIR and prints how many ran, passed, were refused at load (unsupported operators or types) and failed.
 */
class BackendNodeTest {

    record Outcome(String status, String detail) {}

    static Value tensor(Path pb) throws IOException {
        OnnxModel.TensorProto t = OnnxReader.tensor(CodedInputStream.newInstance(Files.readAllBytes(pb)));
        return TensorData.decode(t, pb.getParent(), pb.getFileName().toString());
    }

    static Outcome check(Path dir) {
        OnnxGraph g;
        try {
            g = OnnxGraph.load(dir.resolve("model.onnx"));
        } catch (Exception e) {
            return new Outcome("refused", String.valueOf(e.getMessage()));
        }
        try {
            Path data = dir.resolve("test_data_set_0");
            Map<String, Value> feeds = new LinkedHashMap<>();
            for (int k = 0; k < g.inputs.size(); k++) feeds.put(g.inputs.get(k).name(), tensor(data.resolve("input_" + k + ".pb")));
            Map<String, Value> out = g.run(feeds);
            int k = 0;
            for (Map.Entry<String, Value> e : out.entrySet()) {
                Value want = tensor(data.resolve("output_" + k++ + ".pb")), got = e.getValue();
                if (!java.util.Arrays.equals(want.shape(), got.shape())) {
                    return new Outcome("failed", e.getKey() + " shape " + java.util.Arrays.toString(got.shape()) + " want " + java.util.Arrays.toString(want.shape()));
                }
                for (int i = 0; i < want.size(); i++) {
                    double w = want.get(i), v = got.get(i);
                    boolean same = Double.isNaN(w) ? Double.isNaN(v) : w == v || Math.abs(w - v) <= 1e-4 + 1e-3 * Math.abs(w);
                    if (!same) return new Outcome("failed", e.getKey() + "[" + i + "] = " + v + ", want " + w);
                }
            }
            return new Outcome("passed", "");
        } catch (Exception e) {
            return new Outcome("failed", String.valueOf(e.getMessage()));
        }
    }

    static Map<String, Outcome> walk(Path root) throws IOException {
        Map<String, Outcome> all = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(p -> Files.exists(p.resolve("model.onnx"))).toList()) all.put(d.getFileName().toString(), check(d));
        }
        return all;
    }

    static void summarise(String what, Map<String, Outcome> all) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Outcome o : all.values()) counts.merge(o.status, 1, Integer::sum);
        System.out.println("ONNX backend node tests (" + what + "): " + all.size() + " directories, " + counts);
        all.forEach((k, o) -> {
            if (!o.status.equals("passed")) System.out.println("  " + o.status + " " + k + ": " + o.detail);
        });
    }

    @Test
    void shippedBackendTestsPass() throws IOException, URISyntaxException {
        Path root = Path.of(BackendNodeTest.class.getResource("/onnx-backend/node").toURI());
        Map<String, Outcome> all = walk(root);
        summarise("shipped", all);
        List<String> bad = new ArrayList<>();
        all.forEach((k, o) -> {
            if (!o.status.equals("passed")) bad.add(k + " " + o.status + ": " + o.detail);
        });
        assertEquals(List.of(), bad);
        for (String must : List.of("test_if", "test_loop11", "test_scan9_sum", "test_conv_with_strides_padding", "test_einsum_batch_matmul")) {
            assertTrue(all.containsKey(must), must + " is shipped");
        }
    }

    @Test
    void fullSetWhenGiven() throws IOException {
        String dir = System.getProperty("gru4j.onnx.backendDir");
        if (dir == null) return;
        Map<String, Outcome> all = walk(Path.of(dir));
        summarise(dir, all);
        String list = System.getProperty("gru4j.onnx.backendPassed");   // where to write the names of those that pass
        if (list != null) {
            Files.write(Path.of(list), all.entrySet().stream().filter(e -> e.getValue().status.equals("passed")).map(Map.Entry::getKey).toList());
        }
    }
}
