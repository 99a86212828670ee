package org.gru4j.cli;

import org.gru4j.nn.CellKind;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --cell CELL [--nonlinearity tanh|relu]}: the cell of a command that builds one network (a picocli mixin). */
final class CellOption {
    @Option(names = "--cell", paramLabel = "CELL",
            description = "gru, lstm or rnn (a plain RNN: tanh, or relu with --nonlinearity relu; rnn_tanh and rnn_relu are accepted too); default ${DEFAULT-VALUE}")
    String cell = "gru";
    @Mixin
    Nonlinearity nonlinearity = new Nonlinearity();

    CellKind kind() {
        CellKind k = nonlinearity.cell("--cell", cell);
        nonlinearity.requirePlain("--cell", java.util.List.of(k));
        return k;
    }
}
