package org.gru4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The old spellings of renamed options (README, "Command-line vocabulary"). An old name is a hidden option whose setter
 * writes the new option's value, described as {@code "old name of --new"}:
 * <pre>
 * &#64;Option(names = "--steps", paramLabel = "N", description = "…; default ${DEFAULT-VALUE}")
 * int steps = 100;
 * &#64;Option(names = "--seq-len", hidden = true, paramLabel = "N", description = "old name of --steps")
 * void seqLen(int n) { steps = n; }
 * </pre>
 * The new option's default is its field's initial value, not {@code defaultValue}: picocli applies a defaultValue to an
 * option the command line did not give after parsing, over what the old name set. This class refuses a command line
 * that gives both names ({@link #refuseBoth}) and says which one it used ({@link #typed}), so that an error names the
 * flag as it was written.
 */
final class OldNames {
    private OldNames() {}

    static final String PREFIX = "old name of ";

    /** The option an old name stands for ({@code --steps} for "old name of --steps (…)"), or null when o is no old name. */
    static String newName(OptionSpec o) {
        if (!o.hidden() || o.description().length == 0 || !o.description()[0].startsWith(PREFIX)) return null;
        String rest = o.description()[0].substring(PREFIX.length());
        int end = rest.indexOf(' ');
        return end < 0 ? rest : rest.substring(0, end);
    }

    /** A usage error (exit code 2) when the command line gives an option under its new and its old name. */
    static void refuseBoth(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            for (OptionSpec o : p.commandSpec().options()) {
                String now = newName(o);
                if (now != null && p.hasMatchedOption(o.longestName()) && p.hasMatchedOption(now)) {
                    throw new CommandLine.ParameterException(p.commandSpec().commandLine(),
                            o.longestName() + " is the old name of " + now + ": give one of them");
                }
            }
        }
    }

    /** The spelling of {@code flag} the command line used: an old name of it when that was given, else flag itself. */
    static String typed(CommandSpec spec, String flag) {
        ParseResult pr = spec.commandLine().getParseResult();
        if (pr == null) return flag;
        for (OptionSpec o : spec.options()) {
            if (flag.equals(newName(o)) && pr.hasMatchedOption(o.longestName())) return o.longestName();
        }
        return flag;
    }
}
