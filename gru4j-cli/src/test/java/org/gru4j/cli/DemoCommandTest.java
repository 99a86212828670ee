package org.gru4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's main job, on a short budget: every step runs, the files exist, the last line parses. */
class DemoCommandTest {
    @Test
    void demoWritesModelSamplePlotAndLastLine(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "the whale, the sea and the ship. ".repeat(400));
        Path out = dir.resolve("out");
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = Main.execute("demo", "--text", text.toString(), "--out", out.toString(), "--seconds", "2");
        } finally {
            System.setOut(saved);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        String[] lines = printed.strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("val_bpc=[0-9.]+ gru_mse=\\S+ lstm_mse=\\S+ rnn_mse=\\S+ out=.+"), last);
        assertTrue(Files.size(out.resolve("moby-gru.safetensors")) > 0);
        // the sample starts with the prime (the text's first 8 characters: "Call me " is not in its vocabulary); what follows
        // depends on how many steps 2 s of training took on the machine
        assertTrue(Files.readString(out.resolve("moby-sample.txt")).startsWith("the whal"));
        assertTrue(Files.size(out.resolve("long-memory/adding-T50.png")) > 1000);
    }
}
