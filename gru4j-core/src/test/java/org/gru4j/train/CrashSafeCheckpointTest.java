package org.gru4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety of training checkpoints: a child JVM ({@link CrashChild}) trains with a checkpoint after every step and
 * is killed with SIGKILL (Process.destroyForcibly) at a random moment, 20 times ({@code -Dgru4j.crash.kills=N} for
 * more). After every kill the checkpoint must load whole, its step must not have gone backwards, the next child must
 * resume from exactly that step, and at most the one temporary file of the write the kill interrupted may be left
 * (the next run's start deletes it). Finally a child runs to its step limit undisturbed.
 */
class CrashSafeCheckpointTest {
    @TempDir
    Path dir;

    Process child(Path ck, long maxSteps) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), ck.toString(), Long.toString(maxSteps));
        pb.redirectError(dir.resolve("child.err").toFile());
        return pb.start();
    }

    List<Path> leftovers(Path ck) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + ck.getFileName() + ".")).toList();
        }
    }

    @Test
    void killedAtRandomMomentsTheCheckpointIsWholeAndTrainingGoesOn() throws Exception {
        int kills = Integer.getInteger("gru4j.crash.kills", 20);
        Path ck = dir.resolve("run.safetensors");
        Random rnd = new Random(20261126);
        long last = 0, leftoverTotal = 0;
        for (int k = 0; k < kills; k++) {
            Process p = child(ck, Long.MAX_VALUE);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "child " + k + " printed nothing: " + Files.readString(dir.resolve("child.err")));
            assertEquals("resumed " + last, line, "child " + k + " resumes from the last checkpoint");
            Thread.sleep(rnd.nextInt(50, 500));
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            List<Path> left = leftovers(ck);
            assertTrue(left.size() <= 1, "kill " + k + ": temporary files pile up: " + left);
            leftoverTotal += left.size();
            if (!Files.exists(ck) && last == 0) continue;   // killed before its first checkpoint
            Checkpoint c = org.gru4j.io.CheckpointFile.read(ck);   // whole: it parses, with all its metadata
            assertTrue(c.step() >= last, "kill " + k + ": step went back from " + last + " to " + c.step());
            assertEquals(TrainerTest.model(org.gru4j.model.SequenceModelConfig.seqToSeq(org.gru4j.nn.CellKind.GRU, 2, 8, 1, 1), 1)
                    .parameterCount(), c.params().values().stream().mapToInt(t -> t.data.length).sum());
            last = c.step();
        }
        assertTrue(last > 0, "the children made no progress in " + kills + " runs");
        Process p = child(ck, last + 10);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("resumed " + last, out.readLine());
        assertEquals("done " + (last + 10), out.readLine());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals(last + 10, org.gru4j.io.CheckpointFile.read(ck).step());
        assertEquals(List.of(), leftovers(ck), "the last run cleaned up what the kills left");
        System.out.printf("crash test: %d kills, checkpoint reached step %d, %d interrupted writes left a temporary file%n",
                kills, last, leftoverTotal);
    }
}
