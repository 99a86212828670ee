package org.gru4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gru4j lm}: the character language model (train, sample). */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = {"Character language model: train a GRU/LSTM/RNN on a UTF-8 text, then sample from it.",
                "  gru4j lm train --text moby.txt --model moby.safetensors --minutes 2",
                "  gru4j lm sample --model moby.safetensors --prime 'Call me ' --chars 300"},
        subcommands = {LmTrainCommand.class, LmSampleCommand.class})
final class LmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
