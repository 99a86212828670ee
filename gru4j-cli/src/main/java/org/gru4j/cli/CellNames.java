package org.gru4j.cli;

import org.gru4j.nn.CellKind;

/**
 * The cell names of every command's {@code --cell}/{@code --cells}: gru, lstm, rnn (the tanh RNN), rnn_tanh, rnn_relu,
 * case-insensitive — {@link CellKind#parse}, with the flag named when a name is none of them.
 */
final class CellNames {
    private CellNames() {}

    static CellKind parse(String flag, String value) {
        try {
            return CellKind.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }
}
