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

    public static CellKind parse(String s) {
        for (CellKind k : values()) if (k.id().equalsIgnoreCase(s)) return k;
        throw new IllegalArgumentException("unknown cell '" + s + "' (gru, lstm, rnn_tanh, rnn_relu)");
    }
}
