package org.gru4j.cli.speech;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gru4j speech}: CTC speech recognition with (bi)GRUs — train, recognize, eval, demo-digits. */
@Command(name = "speech", mixinStandardHelpOptions = true,
        description = {"Speech recognition: log-mel features, stacked (bi)GRUs, CTC over characters.",
                "  gru4j speech demo-digits --out /tmp/digits --minutes 15",
                "  gru4j speech train --manifest train.csv --model digits.gru4j --minutes 10 --bidirectional",
                "  gru4j speech recognize --model digits.gru4j --wav one.wav [--beam 8] [--stream]",
                "  gru4j speech eval --model digits.gru4j --manifest test.csv"},
        subcommands = {SpeechTrainCommand.class, SpeechRecognizeCommand.class, SpeechEvalCommand.class,
                SpeechDemoCommand.class})
public final class SpeechCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
