package org.gru4j.cli;

import org.gru4j.lm.CharModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gru4j lm sample}: the prime, then N characters drawn from a character model, printed as they are drawn. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate text from a character model written by 'gru4j lm train'.",
                "Prints the prime followed by --chars sampled characters (UTF-8), each as it is drawn."})
final class LmSampleCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "M", description = "a model written by gru4j lm train")
    Path model;
    @Option(names = "--chars", required = true, paramLabel = "N", description = "characters to generate")
    int chars;
    @Option(names = "--prime", defaultValue = "", paramLabel = "TEXT", description = "text to start from (default: a newline, not printed)")
    String prime;
    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "X",
            description = "> 0; below 1 is more conservative, above 1 more random; default ${DEFAULT-VALUE}")
    double temperature;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "random seed; default ${DEFAULT-VALUE}")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (chars < 0) throw new IllegalArgumentException("--chars must be ≥ 0, got " + chars);
        if (!(temperature > 0 && Double.isFinite(temperature))) throw new IllegalArgumentException("--temperature must be > 0, got " + temperature);
        if (!Files.exists(model)) throw new NoSuchFileException("--model " + model);
        if (Files.isDirectory(model)) throw new IllegalArgumentException("--model " + model + " is a directory, not a model file");
        CharModel lm = CharModel.load(model);
        lm.vocabulary.encode(prime, "--prime");                  // an unknown character is named before anything is printed
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        out.print(prime);
        out.flush();
        lm.sample(prime, chars, temperature, seed, cp -> {
            out.print(Character.toString(cp));
            out.flush();
        });
        out.println();
        out.flush();
        return 0;
    }
}
