package org.gru4j.train;

import org.gru4j.tensor.Tensor;

/**
 * A training objective: its mean value over the counted elements and the gradient with respect to the predictions.
 *
 * <p>Predictions are (…, C): N = size / C rows of C values. A row mask (N), when given, leaves out rows whose entry is
 * false (padded steps past a sequence's length); the mean is over counted rows only, and left-out rows get zero
 * gradient. When nothing is counted the loss and gradient are zero (PyTorch would give NaN).
 */
public interface Loss {

    /**
     * The mean loss and dLoss/dPrediction (same shape as the predictions).
     *
     * @param loss the mean loss
     * @param grad dLoss/dPrediction
     */
    record Value(double loss, Tensor grad) {}

    /**
     * The loss of predictions against targets.
     *
     * @param predictions the model's outputs, (…, C)
     * @param targets the targets: as the predictions for a regression loss, class indices for a classification loss
     * @param mask the rows that count, or null for all
     * @return the mean loss and its gradient
     */
    Value compute(Tensor predictions, Tensor targets, boolean[] mask);

    /**
     * The loss's name on a command line.
     *
     * @return the name
     */
    String name();

    /**
     * Whether the targets are one row per sequence, (B,…), even where the predictions are per step (T,B,C), and the
     * loss averages over sequences: a CTC loss's label sequences. The trainer then splits a batch among its replicas
     * along the targets' first dimension and weighs the shares by sequences; an evaluation counts sequences.
     *
     * @return true for per-sequence targets
     */
    default boolean targetsPerSequence() {
        return false;
    }

    /**
     * The loss named on a command line: cross_entropy, mse, mae, huber (δ = 1), bce_with_logits.
     *
     * @param name the loss's name
     * @return the loss
     */
    static Loss parse(String name) {
        return switch (name) {
            case "cross_entropy", "ce" -> new CrossEntropy(CrossEntropy.IGNORE_INDEX);
            case "mse" -> new MeanSquaredError();
            case "mae", "l1" -> new MeanAbsoluteError();
            case "huber" -> new Huber(1.0);
            case "bce_with_logits", "bce" -> new BinaryCrossEntropyWithLogits();
            default -> throw new IllegalArgumentException("unknown loss '" + name + "' (cross_entropy, mse, mae, huber, bce_with_logits)");
        };
    }

    /**
     * Rows N of predictions shaped (…, C).
     *
     * @param predictions the predictions
     * @return N
     */
    static int rows(Tensor predictions) {
        return predictions.size() / predictions.dim(-1);
    }

    /**
     * Refuses a mask whose length is not the number of rows.
     *
     * @param mask the mask, or null
     * @param rows the rows of the predictions
     */
    static void checkMask(boolean[] mask, int rows) {
        if (mask != null && mask.length != rows) {
            throw new IllegalArgumentException("mask has " + mask.length + " entries for " + rows + " prediction rows");
        }
    }

    /**
     * Regression losses need targets shaped as the predictions.
     *
     * @param predictions the predictions
     * @param targets the targets
     */
    static void checkSameShape(Tensor predictions, Tensor targets) {
        if (!java.util.Arrays.equals(predictions.shape, targets.shape)) {
            throw new IllegalArgumentException("targets have shape " + targets.shapeString() + ", predictions "
                    + predictions.shapeString());
        }
    }
}
