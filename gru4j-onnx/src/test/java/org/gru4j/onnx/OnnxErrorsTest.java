package org.gru4j.onnx;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken models (onnx-fixtures/invalid/, from scripts/make_onnx_fixtures.py) fail with one message naming the culprit. */
class OnnxErrorsTest {

    private static String failure(String name) throws URISyntaxException {
        Path p = Path.of(OnnxErrorsTest.class.getResource("/onnx-fixtures/invalid/" + name + ".onnx").toURI());
        Exception e = assertThrows(Exception.class, () -> OnnxGraph.load(p));
        assertTrue(e instanceof IllegalArgumentException || e instanceof IOException, e.toString());
        return e.getMessage();
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + message + "' should name " + p);
    }

    @Test
    void unsupportedOperatorIsNamedWithItsNode() throws Exception {
        contains(failure("unsupported_op"), "unsupported operator", "Det", "det_0", "unsupported_op.onnx");
    }

    @Test
    void missingInitializerNamesTensorAndNode() throws Exception {
        contains(failure("missing_initializer"), "'bias'", "add_bias");
    }

    @Test
    void cycleNamesItsNodes() throws Exception {
        contains(failure("cycle"), "cycle", "first", "second");
    }

    @Test
    void negativeDimensionNamesTheTensor() throws Exception {
        contains(failure("negative_dim"), "initializer 'bias'", "-3");
    }

    @Test
    void hugeTensorNamesTheTensor() throws Exception {
        contains(failure("huge_dim"), "initializer 'bias'", "too large");
    }

    @Test
    void externalDataOutsideTheModelDirectoryIsRefused() throws Exception {
        contains(failure("external_escape"), "initializer 'bias'", "outside the model's directory");
    }

    @Test
    void garbageIsNotAModel() throws Exception {
        contains(failure("not_onnx"), "not_onnx.onnx", "not a readable ONNX model");
    }

    @Test
    void missingAndMisshapenInputsAreNamed() throws Exception {
        Path p = Path.of(OnnxErrorsTest.class.getResource("/onnx-fixtures/helper_gru_lbr0.onnx").toURI());
        OnnxGraph g = OnnxGraph.load(p);
        Exception missing = assertThrows(IllegalArgumentException.class, () -> g.run(Map.of()));
        contains(missing.getMessage(), "input 'X' is required");
        Exception shape = assertThrows(IllegalArgumentException.class,
                () -> g.run(Map.of("X", Value.floats(new int[]{2, 2}, new float[4]), "initial_h", Value.floats(new int[]{1, 3, 5}, new float[15]))));
        contains(shape.getMessage(), "input 'X'", "[2, 2]");
    }
}
