package org.gru4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gru4j experiment}: reproductions of the textbook claims, one subcommand each. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Reproduce published claims about GRU, LSTM and RNN from one command.",
        subcommands = {LongMemoryCommand.class})
final class ExperimentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
