package org.gru4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15: the README's "Use as a library" program compiles as written and runs, against gru4j-core alone. */
class ReadmeLibraryExampleTest {
    @TempDir
    Path tmp;

    @Test
    void theReadmeExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Use as a library");
        assertTrue(section >= 0, "README has a 'Use as a library' section");
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(section), "a java block in it");
        String source = m.group(1);
        assertTrue(source.contains("public class Example"), source);
        Path src = Files.writeString(tmp.resolve("Example.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        // gru4j-core alone on the class path: what a consumer depending on it has
        String core = Path.of("..", "gru4j-core", "target", "classes").toAbsolutePath().normalize().toString();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-d", tmp.toString(), "-cp", core, src.toString());
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{tmp.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("Example").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("y [5, 2, 8], hn [1, 2, 8]") && printed.contains("MASE "), printed);
    }
}
