package org.gru4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gru4j} command: one subcommand per job. Errors are one line on stderr and a non-zero exit. */
@Command(name = "gru4j", mixinStandardHelpOptions = true, version = "gru4j 0.1.0",
        description = "Gated recurrent networks (GRU, LSTM, RNN) in pure Java.",
        subcommands = {DemoCommand.class, RunCommand.class, ConvertCommand.class, InspectCommand.class, LmCommand.class,
                ForecastCommand.class, AnomalyCommand.class, ClassifyCommand.class, ExperimentCommand.class,
                BenchCommand.class, SessionsBenchCommand.class, org.gru4j.cli.speech.SpeechCommand.class, VadCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failed, 2 usage). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandName() + ": error: " + message(e));
            if (Boolean.getBoolean("gru4j.trace")) e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    /** One line: the exception's own message, or its type when it has none. */
    static String message(Throwable e) {
        while (e.getMessage() == null && e.getCause() != null) e = e.getCause();
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) return m + ": no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return m + ": permission denied";
        if (e instanceof OutOfMemoryError) return "out of memory (" + m + ")";
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
