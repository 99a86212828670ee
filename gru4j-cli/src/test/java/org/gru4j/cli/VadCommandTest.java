package org.gru4j.cli;

import org.gru4j.audio.Wav;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gru4j vad} on the shipped Silero VAD model and Allison Smith's spoken digits (data/speech-digits). */
class VadCommandTest {
    static final Path MODEL = Path.of("..", "gru4j-onnx", "src", "test", "resources", "silero-vad", "silero_vad_16k_op15.onnx");
    static final Path DIGITS = Path.of("..", "data", "speech-digits");

    record Run(int code, String out, String err) {}

    static Run vad(String... args) {
        PrintStream o = System.out, e = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "vad";
            System.arraycopy(args, 0, all, 1, args.length);
            int code = Main.execute(all);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @Test
    void segmentsOfThreeSpokenDigits(@TempDir Path tmp) throws Exception {
        // one, (0.6 s pause) five, (0.6 s pause) nine, at 8 kHz: resampled to 16 kHz for this 16 kHz-only model
        List<float[]> parts = new ArrayList<>();
        for (String w : new String[]{"one", "five", "nine"}) {
            parts.add(new float[4800]);
            parts.add(Wav.read(DIGITS.resolve("allison-" + w + ".wav")).samples());
        }
        parts.add(new float[4800]);
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        Path wav = tmp.resolve("digits.wav");
        Wav.writePcm16(wav, all, 8000);
        Path csv = tmp.resolve("p.csv");
        Run r = vad("--model", MODEL.toString(), "--wav", wav.toString(), "--probs", csv.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(4, lines.length, r.out());
        for (int k = 0; k < 3; k++) assertTrue(lines[k].matches("\\d+\\.\\d{3} \\d+\\.\\d{3}"), lines[k]);
        assertTrue(lines[3].matches("segments=3 speech_s=\\d+\\.\\d{3} us_per_chunk=\\d+"), lines[3]);
        // each word starts after its pause (0.6 s, 0.6 s + word + 0.6 s, …) less the 30 ms padding
        double first = Double.parseDouble(lines[0].split(" ")[0]);
        assertTrue(first > 0.4 && first < 0.8, lines[0]);
        List<String> rows = Files.readAllLines(csv);
        assertEquals("chunk,start_s,prob", rows.get(0));
        assertEquals((int) Math.ceil(all.length * 2 / 512.0), rows.size() - 1);
        assertTrue(rows.get(1).matches("0,0\\.0000,0\\.\\d{8}"), rows.get(1));
    }

    @Test
    void badInputsAreOneLine(@TempDir Path tmp) throws Exception {
        Path notWav = tmp.resolve("x.wav");
        Files.writeString(notWav, "hello");
        Run r = vad("--model", MODEL.toString(), "--wav", notWav.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a WAV") && r.err().strip().split("\n").length == 1, r.err());
        // a WAV in an encoding gru4j does not decode (format 2, MS ADPCM)
        ByteBuffer b = ByteBuffer.allocate(44 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 8).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 2).putShort((short) 1).putInt(8000).putInt(4000)
                .putShort((short) 256).putShort((short) 4);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(8).put(new byte[8]);
        Path adpcm = tmp.resolve("adpcm.wav");
        Files.write(adpcm, b.array());
        r = vad("--model", MODEL.toString(), "--wav", adpcm.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().strip().split("\n").length == 1 && r.err().contains("adpcm.wav"), r.err());
        // an ONNX model that is no VAD: its inputs are named
        Path relu = Path.of("..", "gru4j-onnx", "src", "test", "resources", "onnx-fixtures", "ops", "u_relu.onnx");
        r = vad("--model", relu.toString(), "--wav", DIGITS.resolve("allison-one.wav").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a Silero VAD model") && r.err().contains("[x]"), r.err());
        // --probs onto the recording itself
        Path copy = tmp.resolve("one.wav");
        Files.copy(DIGITS.resolve("allison-one.wav"), copy);
        long size = Files.size(copy);
        r = vad("--model", MODEL.toString(), "--wav", copy.toString(), "--probs", copy.toString());
        assertEquals(1, r.code());
        assertEquals(size, Files.size(copy));
    }
}
