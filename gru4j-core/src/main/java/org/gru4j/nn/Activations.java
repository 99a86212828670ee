package org.gru4j.nn;

/** The scalar nonlinearities, in float. */
final class Activations {
    private Activations() {}

    /** σ(a) = 1 / (1 + e^(−a)) */
    static float sigmoid(float a) {
        return (float) (1.0 / (1.0 + Math.exp(-a)));
    }

    static float tanh(float a) {
        return (float) Math.tanh(a);
    }
}
