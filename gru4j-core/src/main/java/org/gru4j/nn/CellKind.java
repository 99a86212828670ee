package org.gru4j.nn;

/** The recurrent cells gru4j runs, with how many gate blocks of H rows their weight matrices stack. */
public enum CellKind {
    /** Gated recurrent unit; PyTorch gate order r, z, n. */
    GRU(3),
    /** Long short-term memory; PyTorch gate order i, f, g, o. */
    LSTM(4),
    /** Elman RNN, h' = tanh(W x + b_ih + U h + b_hh). */
    RNN_TANH(1),
    /** Elman RNN with relu. */
    RNN_RELU(1);

    /** Gate blocks G in each weight matrix: 3 for a GRU, 4 for an LSTM, 1 for a plain RNN. */
    public final int gates;

    CellKind(int gates) {
        this.gates = gates;
    }

    /**
     * "gru", "lstm", "rnn_tanh", "rnn_relu".
     *
     * @return the cell's name in model files and on the command line
     */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The names every command and file accepts, case-insensitive: gru, lstm, rnn (= rnn_tanh), rnn_tanh, rnn_relu. */
    public static final String NAMES = "gru, lstm, rnn, rnn_tanh, rnn_relu";

    /**
     * The one parser of cell names (see {@link #NAMES}); anything else throws, listing them.
     *
     * @param s a cell name (case and "-" or "_" as {@link #NAMES} accepts)
     * @return the cell kind
     */
    public static CellKind parse(String s) {
        String t = s.trim();
        if (t.equalsIgnoreCase("rnn")) return RNN_TANH;
        for (CellKind k : values()) if (k.id().equalsIgnoreCase(t)) return k;
        throw new IllegalArgumentException("unknown cell '" + s + "' (" + NAMES + ")");
    }
}
