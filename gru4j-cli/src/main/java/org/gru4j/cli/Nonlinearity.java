package org.gru4j.cli;

import org.gru4j.nn.CellKind;
import picocli.CommandLine.Option;

/**
 * {@code --nonlinearity tanh|relu}: a plain RNN's activation (a picocli mixin), on every command that takes a cell or
 * reads a state_dict (which does not record it). The one reader of cell names for the CLI: {@link #cell} is
 * {@link CellKind#parse} (gru, lstm, rnn; rnn_tanh and rnn_relu too) with the flag named, and rnn made relu by
 * {@code --nonlinearity relu}.
 */
final class Nonlinearity {
    @Option(names = "--nonlinearity", paramLabel = "tanh|relu",
            description = "the activation of a plain RNN (--cell rnn, or one read from a state_dict, which does not record it); default tanh")
    String value;

    /** Whether the plain RNN is relu: --nonlinearity relu (tanh when absent). */
    boolean relu() {
        if (value == null || value.equals("tanh")) return false;
        if (value.equals("relu")) return true;
        throw new IllegalArgumentException("--nonlinearity must be tanh or relu, got '" + value + "'");
    }

    /**
     * The cell a name given to {@code flag} means: rnn takes --nonlinearity; a name that says the other activation
     * (rnn_tanh with --nonlinearity relu) is refused.
     */
    CellKind cell(String flag, String name) {
        CellKind k;
        try {
            k = CellKind.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
        if (value == null || !plain(k)) return k;
        boolean relu = relu();
        if (name.trim().equalsIgnoreCase("rnn")) return relu ? CellKind.RNN_RELU : CellKind.RNN_TANH;
        if ((k == CellKind.RNN_RELU) != relu) {
            throw new IllegalArgumentException(flag + " " + name.trim() + " and --nonlinearity " + value + " disagree: give one of them");
        }
        return k;
    }

    /** Refuses --nonlinearity when none of the cells given to {@code flag} is a plain RNN: it would change nothing. */
    void requirePlain(String flag, java.util.Collection<CellKind> cells) {
        if (value != null && cells.stream().noneMatch(Nonlinearity::plain)) {
            throw new IllegalArgumentException("--nonlinearity is for a plain RNN (" + flag + " rnn), not "
                    + String.join(", ", cells.stream().map(CellKind::id).toList()));
        }
    }

    private static boolean plain(CellKind k) {
        return k == CellKind.RNN_TANH || k == CellKind.RNN_RELU;
    }
}
