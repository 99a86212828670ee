package org.gru4j.cli;

import picocli.CommandLine.Option;

/** {@code --input-size I} (old name {@code --input}): the features of each step of the benchmarks' random data (a picocli mixin). */
final class InputSize {
    @Option(names = "--input-size", paramLabel = "I", description = "input features per step; default ${DEFAULT-VALUE}")
    int value;

    @Option(names = "--input", hidden = true, paramLabel = "I", description = OldNames.PREFIX + "--input-size")
    void input(int i) {
        value = i;
    }

    /** The command's default (no defaultValue: see {@link OldNames}). */
    InputSize(int byDefault) {
        value = byDefault;
    }
}
