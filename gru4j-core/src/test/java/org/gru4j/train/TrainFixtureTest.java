package org.gru4j.train;

import org.gru4j.nn.Param;
import org.gru4j.io.Safetensors;
import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Five optimizer steps against PyTorch, from the fixtures scripts/make_train_fixtures.py writes: the same initial
 * weights and batch, then forward, loss, backward, clip_grad_norm_ and Adam / AdamW / SGD-Nesterov; every parameter
 * after every step, the loss and the gradient norm must agree.
 */
class TrainFixtureTest {
    static final double PARAM_TOL = 1e-4;
    static double worstParam = 0, worstLoss = 0, worstNorm = 0;

    @TestFactory
    List<DynamicTest> fiveStepsMatchPytorch() throws IOException, URISyntaxException {
        Path dir = Path.of(TrainFixtureTest.class.getResource("/train-fixtures").toURI());
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertTrue(files.size() >= 5, "expected the committed training fixtures, found " + files.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
        tests.add(DynamicTest.dynamicTest("largest errors", () -> System.out.printf(
                "Training fixtures: largest parameter error %.3g (abs), loss %.3g (rel), gradient norm %.3g (rel)%n",
                worstParam, worstLoss, worstNorm)));
        return tests;
    }

    private static void check(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> m = c.metadata();
        Map<String, Tensor> t = c.tensors();
        String fn = file.getFileName().toString();
        RecurrentConfig rc = RecurrentConfig.pytorch(CellKind.parse(m.get("cell")), i(m, "input"), i(m, "hidden"),
                i(m, "layers"), Boolean.parseBoolean(m.get("bidirectional")), true);
        Head head = m.get("head").equals("per_step") ? Head.PER_STEP : Head.LAST_STEP;
        SequenceModel model = new SequenceModel(new SequenceModelConfig(i(m, "vocab"), rc, 0, head, i(m, "outputs")));
        Map<String, Tensor> init = new HashMap<>();
        for (Param p : model.parameters()) init.put(p.name(), t.get("init." + p.name()));
        model.load(init);

        Tensor x = t.get("x"), target = t.get("target");
        int T = x.dim(0), B = x.dim(1);
        int[] lengths = null;
        boolean[] mask = null;
        if (t.containsKey("lengths")) {
            lengths = new int[B];
            for (int b = 0; b < B; b++) lengths[b] = (int) t.get("lengths").data[b];
            if (head == Head.PER_STEP) {
                mask = new boolean[T * B];
                for (int s = 0; s < T; s++) for (int b = 0; b < B; b++) mask[s * B + b] = s < lengths[b];
            }
        }
        Loss loss = switch (m.get("loss")) {
            case "huber" -> new Huber(0.5);
            default -> Loss.parse(m.get("loss"));
        };
        int n = model.parameterCount();
        Optimizer opt = switch (m.get("optimizer")) {
            case "adam", "adamw" -> new Adam(n, d(m, "beta1"), d(m, "beta2"), d(m, "eps"), d(m, "weight_decay"),
                    m.get("optimizer").equals("adamw"));
            case "sgd" -> new Sgd(n, d(m, "momentum"), d(m, "dampening"), d(m, "weight_decay"), Boolean.parseBoolean(m.get("nesterov")));
            default -> throw new IllegalArgumentException(fn + ": optimizer " + m.get("optimizer"));
        };
        Clipping clip = new Clipping(d(m, "max_norm"), d(m, "clip_value"));
        for (int k = 1; k <= i(m, "steps"); k++) {
            model.zeroGrads();
            Tensor logits = model.forward(x, lengths, null, null, null).logits();
            Loss.Value v = loss.compute(logits, target, mask);
            model.backward(v.grad());
            Optimizer.StepReport r = opt.update(model.params, model.grads, v.loss(), d(m, "lr"), clip);
            assertTrue(r.applied());
            double wantLoss = t.get("loss").data[k - 1], wantNorm = t.get("grad_norm").data[k - 1];
            worstLoss = Math.max(worstLoss, Math.abs(v.loss() - wantLoss) / Math.abs(wantLoss));
            worstNorm = Math.max(worstNorm, Math.abs(r.gradNorm() - wantNorm) / Math.abs(wantNorm));
            assertEquals(wantLoss, v.loss(), 1e-5 * Math.abs(wantLoss), fn + " loss before step " + k);
            assertEquals(wantNorm, r.gradNorm(), 1e-4 * wantNorm, fn + " gradient norm at step " + k);
            for (Param p : model.parameters()) {
                Tensor want = t.get("step" + k + "." + p.name());
                assertNotNull(want, fn + ": no step" + k + "." + p.name());
                for (int j = 0; j < p.size(); j++) {
                    double err = Math.abs(model.params[p.offset() + j] - want.data[j]);
                    worstParam = Math.max(worstParam, err);
                    if (!(err <= PARAM_TOL)) {
                        throw new AssertionError(fn + " step " + k + " " + p.name() + "[" + j + "]: gru4j "
                                + model.params[p.offset() + j] + ", PyTorch " + want.data[j]);
                    }
                }
            }
        }
    }

    private static int i(Map<String, String> m, String key) {
        return Integer.parseInt(m.get(key));
    }

    private static double d(Map<String, String> m, String key) {
        return Double.parseDouble(m.get(key));
    }
}
