package org.gru4j.cli;

import picocli.CommandLine.Option;

/** {@code --threads N}: the cores a command uses, 0 for all of them (a picocli mixin; its default is the command's). */
public final class Threads {
    @Option(names = "--threads", paramLabel = "N", description = "cores to use (0: all cores); default ${DEFAULT-VALUE}")
    int threads;

    /** All cores by default. */
    public Threads() {
        this(0);
    }

    public Threads(int byDefault) {
        threads = byDefault;
    }

    /** N as given, checked: 0 for all cores (for a library call that takes 0 so). */
    int given() {
        if (threads < 0) throw new IllegalArgumentException("--threads must be ≥ 0 (0: all cores), got " + threads);
        return threads;
    }

    /** The kernels run on N threads from now on ({@code Parallel.setThreads}); 0 leaves their setting: all cores (unless -Dgru4j.threads). */
    void applyToKernels() {
        if (given() > 0) org.gru4j.kernel.Parallel.setThreads(threads);
    }

    /** The number of threads: N, or the available processors for 0. */
    public int count() {
        return given() == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
