package org.gru4j.cli;

import org.gru4j.io.Untrusted;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gru4j} command: one subcommand per job. Errors are one line on stderr and a non-zero exit. */
@Command(name = "gru4j", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Gated recurrent networks (GRU, LSTM, RNN) in pure Java.",
        exitCodeListHeading = "%nExit codes (every command):%n",
        exitCodeList = {"0:done", "1:failed (a bad input, an I/O error, out of memory: one line on stderr)",
                "2:usage (no command, an unknown option, a missing or malformed argument)"},
        subcommands = {DemoCommand.class, RunCommand.class, ConvertCommand.class, InspectCommand.class, LmCommand.class,
                ForecastCommand.class, AnomalyCommand.class, ClassifyCommand.class, ExperimentCommand.class,
                BenchCommand.class, SessionsBenchCommand.class, org.gru4j.cli.speech.SpeechCommand.class, VadCommand.class, CommandLine.HelpCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No command: the help, on stderr, and exit 2 (a usage error). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line and returns the exit code (0 ok, 1 failed, 2 usage). Whatever a command throws — an
     * exception, or an Error such as OutOfMemoryError or StackOverflowError, which picocli's handler does not see —
     * ends as one line on stderr and exit code 1, naming the input files when the error does not.
     */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> failed(cmd, e, args));
        cl.setExecutionStrategy(parsed -> {
            OldNames.refuseBoth(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        try {
            return cl.execute(args);
        } catch (Throwable e) {   // Errors pass picocli's handler: it catches Exception only
            CommandLine cmd = cl;
            try {
                CommandLine.ParseResult pr = cl.getParseResult();
                while (pr != null && pr.subcommand() != null) pr = pr.subcommand();
                if (pr != null) cmd = pr.commandSpec().commandLine();
            } catch (Throwable ignored) {
                // the top-level command names the error then
            }
            return failed(cmd, e, args);
        }
    }

    private static int failed(CommandLine cmd, Throwable e, String[] args) {
        cmd.getErr().println(cmd.getCommandName() + ": error: " + message(e, args));
        if (Boolean.getBoolean("gru4j.trace")) e.printStackTrace(cmd.getErr());
        cmd.getErr().flush();
        return 1;
    }

    /** One line: the exception's own message, or its type when it has none. */
    public static String message(Throwable e) {
        return message(e, new String[0]);
    }

    /**
     * One line of at most 2000 characters with control characters escaped ({@link Untrusted}). For an Error of the
     * JVM (out of memory, stack overflow) the line says what happened and names the arguments that are files.
     */
    static String message(Throwable e, String[] args) {
        Throwable root = e;
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof VirtualMachineError) { root = c; break; }
        }
        if (root instanceof OutOfMemoryError || root instanceof StackOverflowError) {
            String files = files(args);
            String what = root instanceof OutOfMemoryError ? "out of memory" : "stack overflow (input nested too deeply)";
            String m = root.getMessage();
            return Untrusted.text(what + (files.isEmpty() ? "" : " reading " + files) + (m == null ? "" : ": " + m)
                    + (root instanceof OutOfMemoryError ? "; if the input is genuine, give the JVM more heap (-Xmx)" : ""), 2000);
        }
        while (e.getMessage() == null && e.getCause() != null && e.getCause() != e) e = e.getCause();
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) return Untrusted.text(m, 2000) + ": no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return Untrusted.text(m, 2000) + ": permission denied";
        if (e instanceof VirtualMachineError) return Untrusted.text(e.getClass().getSimpleName() + (m == null ? "" : ": " + m), 2000);
        return m == null ? e.getClass().getSimpleName() : Untrusted.text(m, 2000);
    }

    /** The arguments (and --option=value values) that name existing files, comma-separated. */
    private static String files(String[] args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            String v = a.startsWith("-") && a.contains("=") ? a.substring(a.indexOf('=') + 1) : a;
            try {
                if (!v.startsWith("-") && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(v))) {
                    if (sb.length() > 0) sb.append(", ");
                    sb.append(v);
                }
            } catch (RuntimeException ignored) {
                // not a path
            }
        }
        return sb.toString();
    }
}
