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

    public final int gates;

    CellKind(int gates) {
        this.gates = gates;
    }

    /** "gru", "lstm", "rnn_tanh", "rnn_relu". */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The names every command and file accepts, case-insensitive: gru, lstm, rnn (= rnn_tanh), rnn_tanh, rnn_relu. */
    public static final String NAMES = "gru, lstm, rnn, rnn_tanh, rnn_relu";

    /** The one parser of cell names (see {@link #NAMES}); anything else throws, listing them. */
    public static CellKind parse(String s) {
        String t = s.trim();
        if (t.equalsIgnoreCase("rnn")) return RNN_TANH;
        for (CellKind k : values()) if (k.id().equalsIgnoreCase(t)) return k;
        throw new IllegalArgumentException("unknown cell '" + s + "' (" + NAMES + ")");
    }
}
