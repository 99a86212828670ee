package org.gru4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15: no command is a usage error with the help; the launcher honours GRU4J_JAVA / JAVA_HOME and symlinks. */
class LauncherTest {
    @TempDir
    Path tmp;

    @Test
    void noCommandPrintsTheHelpAndExitsTwo() {
        RunCommandTest.Result r = RunCommandTest.gru4j();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Usage: gru4j") && r.err().contains("Exit codes"), r.err());
        assertTrue(RunCommandTest.gru4j("--help").out().contains("2   usage"), "exit codes in --help");
    }

    @Test
    void versionNamesTheVersionAndTheCommit() {
        String old = System.getProperty("gru4j.commit");
        try {
            System.setProperty("gru4j.commit", "1a2b3c4");
            RunCommandTest.Result r = RunCommandTest.gru4j("--version");
            assertEquals(0, r.code());
            assertTrue(r.out().strip().matches("gru4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit 1a2b3c4\\)"), r.out());
            System.setProperty("gru4j.commit", "$(rm -rf /)");
            assertTrue(RunCommandTest.gru4j("--version").out().contains("(commit unknown)"));
        } finally {
            if (old == null) System.clearProperty("gru4j.commit");
            else System.setProperty("gru4j.commit", old);
        }
    }

    /** Runs the launcher with env; a fake java that says which one it is shows the choice without a build. */
    private record Run(int code, String out) {}

    private Run launch(Path script, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("GRU4J_JAVA");
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    /** A JDK home whose java reports version v and, when run, prints "fake java v" and its arguments. */
    private Path fakeJdk(String name, int v) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve(name).resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "case \"$*\" in *-XshowSettings*) echo '    java.specification.version = " + v + "' >&2; exit 0;; esac\n"
                + "echo \"fake java " + v + " $*\"\n");
        java.toFile().setExecutable(true);
        return tmp.resolve(name);
    }

    @Test
    void theLauncherHonoursGru4jJavaAndJavaHomeAndWorksThroughASymlink() throws Exception {
        Path launcher = Path.of("..", "gru4j").toAbsolutePath().normalize();
        Path jar = launcher.resolveSibling("gru4j-cli/target/gru4j.jar");
        if (!Files.exists(launcher) || !Files.exists(jar) || !Files.exists(Path.of("/bin/sh"))) return;
        // a copy of the checkout's layout is not needed: the launcher only rebuilds when a source is newer than the jar
        if (new ProcessBuilder("find", launcher.getParent().toString() + "/gru4j-cli/src", "-newer", jar.toString(), "-name", "*.java", "-print", "-quit")
                .start().inputReader().readLine() != null) return;     // a stale jar would start a build; skip then
        Path home = fakeJdk("jdk-home", 21), explicit = fakeJdk("jdk-explicit", 22), old = fakeJdk("jdk-old", 11);
        Run viaHome = launch(launcher, Map.of("JAVA_HOME", home.toString()), "--version");
        assertTrue(viaHome.out().contains("fake java 21") && viaHome.out().contains("-Dgru4j.tty=0"), viaHome.out());
        if (Files.exists(launcher.resolveSibling(".git"))) assertTrue(viaHome.out().matches("(?s).*-Dgru4j\\.commit=[0-9a-f]{4,40}.*"), viaHome.out());
        Run viaExplicit = launch(launcher, Map.of("JAVA_HOME", home.toString(), "GRU4J_JAVA", explicit.resolve("bin/java").toString()), "--version");
        assertTrue(viaExplicit.out().contains("fake java 22"), viaExplicit.out());
        Run tooOld = launch(launcher, Map.of("GRU4J_JAVA", old.toString()));
        assertEquals(1, tooOld.code());
        assertTrue(tooOld.out().contains("GRU4J_JAVA") && tooOld.out().contains("needs 17"), tooOld.out());
        Path link = Files.createSymbolicLink(tmp.resolve("gru4j"), launcher);
        Run viaLink = launch(link, Map.of("JAVA_HOME", home.toString()), "--version");
        assertEquals(0, viaLink.code(), viaLink.out());
        assertTrue(viaLink.out().contains("fake java 21") && viaLink.out().contains(jar.toString()), viaLink.out());
    }
}
