package org.gru4j.nn;

/**
 * Where one direction of one layer keeps its parameters inside the module's flat parameter array
 * (and, at the same offsets, their gradients). PyTorch layouts: W_ih (G·H, I), W_hh (G·H, H), b_ih and b_hh (G·H);
 * a bias offset is −1 when the module has no biases.
 */
record Weights(int wih, int whh, int bih, int bhh) {
    boolean hasBias() {
        return bih >= 0;
    }
}
