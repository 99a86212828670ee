package org.gru4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.gru4j.cli.RunCommandTest.gru4j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 16: every failure is one line and exit 1, JVM errors included, with file text cut and escaped. */
class MainErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void jvmErrorsBecomeOneLineNamingTheFiles() throws IOException {
        Path m = Files.write(tmp.resolve("m.pt"), new byte[4]);
        String[] args = {"run", "--model", m.toString(), "--input=" + m};
        String oom = Main.message(new OutOfMemoryError("Java heap space"), args);
        assertTrue(oom.startsWith("out of memory reading " + m + ", " + m + ": Java heap space"), oom);
        String soe = Main.message(new RuntimeException("wrapped", new StackOverflowError()), args);
        assertTrue(soe.startsWith("stack overflow (input nested too deeply) reading " + m), soe);
    }

    @Test
    void fileTextInMessagesIsCutAndEscaped() {
        String m = Main.message(new IllegalArgumentException("bad name '\u001b[31mred\u001b[0m\nline' " + "x".repeat(100_000)));
        assertTrue(m.indexOf('\u001b') < 0 && m.indexOf('\n') < 0, m);
        assertTrue(m.contains("\\u001b[31mred") && m.contains("\\nline"), m);
        assertTrue(m.length() < 2100, m.length() + " characters");
    }

    @Test
    void aDeviceAsModelIsOneLineAndExitOne() throws IOException {
        if (!Files.exists(Path.of("/dev/zero"))) return;
        Path x = tmp.resolve("x.npy");
        org.gru4j.io.Npy.write(x, org.gru4j.tensor.Tensor.zeros(2, 1, 3));
        for (String model : new String[]{"/dev/zero", tmp.toString()}) {
            RunCommandTest.Result r = gru4j("run", "--model", model, "--input", x.toString(), "--output", tmp.resolve("y.npy").toString());
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("run: error: "), r.err());
        }
    }
}
