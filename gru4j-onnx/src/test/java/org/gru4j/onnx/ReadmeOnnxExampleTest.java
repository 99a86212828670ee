package org.gru4j.onnx;

import com.google.protobuf.CodedInputStream;
import org.gru4j.io.ModelFiles;
import org.gru4j.io.Npy;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15: the README's ONNX program compiles as written and runs, against what a consumer of gru4j-onnx has
 * (gru4j-core, gru4j-onnx, protobuf-java); the README's inline ONNX calls compile; and the call it shows runs on
 * gru4j's export of examples/gru.pt with X alone, giving PyTorch's outputs.
 */
class ReadmeOnnxExampleTest {
    static final Path README = Path.of("..", "README.md");

    @TempDir
    Path tmp;

    /** gru4j-core's and gru4j-onnx's classes and the protobuf-java jar. */
    private static String consumerClassPath() throws Exception {
        List<String> cp = new ArrayList<>();
        for (String module : List.of("gru4j-core", "gru4j-onnx")) {
            cp.add(Path.of("..", module, "target", "classes").toAbsolutePath().normalize().toString());
        }
        cp.add(Path.of(CodedInputStream.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        return String.join(File.pathSeparator, cp);
    }

    private void compile(Path src) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-d", tmp.toString(), "-cp", consumerClassPath(), src.toString());
        assertEquals(0, rc, src.getFileName() + ":\n" + diagnostics.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theReadmeOnnxProgramCompilesAndRuns() throws Exception {
        String readme = Files.readString(README);
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        String source = null;
        while (m.find()) if (m.group(1).contains("public class OnnxExample")) source = m.group(1);
        assertTrue(source != null, "README has a java block with 'public class OnnxExample'");
        compile(Files.writeString(tmp.resolve("OnnxExample.java"), source));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{tmp.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("OnnxExample").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        // what the README says it prints
        assertTrue(readme.contains("It prints `inputs [X, h0], initial states [h0]`, `y [5, 3, 8], hn [2, 3, 8]` and a difference of `0.0e+00`"));
        assertEquals("inputs [X, h0], initial states [h0]\ny [5, 3, 8], hn [2, 3, 8]\nlargest difference from Recurrent.forward 0.0e+00\n",
                printed.replace(System.lineSeparator(), "\n"));
    }

    @Test
    void theReadmesInlineOnnxCallsCompile() throws Exception {
        String readme = Files.readString(README);
        // every inline code span that is a call on OnnxGraph / OnnxExport / OnnxImport, as a statement
        Matcher m = Pattern.compile("`((?:OnnxGraph|OnnxExport|OnnxImport)\\.[a-zA-Z]+\\([^`]*\\))`").matcher(readme);
        StringBuilder body = new StringBuilder();
        int n = 0;
        while (m.find()) {
            body.append("    static void snippet").append(n++).append("(Path path, Tensor x, Tensor tensor, int[] shape, long[] ids,"
                    + " Recurrent recurrent) throws Exception {\n        ").append(m.group(1)).append(";\n    }\n");
        }
        assertTrue(n >= 3, "the README's inline ONNX calls were found (" + n + ")");
        String source = "import java.nio.file.Path;\nimport java.util.Map;\nimport org.gru4j.nn.Recurrent;\nimport org.gru4j.onnx.*;\n"
                + "import org.gru4j.tensor.Tensor;\n\nclass Snippets {\n" + body + "}\n";
        compile(Files.writeString(tmp.resolve("Snippets.java"), source));
    }

    @Test
    void theReadmesCallRunsOnTheConvertedExampleWithXAlone() throws Exception {
        // what `gru4j convert examples/gru.pt gru.onnx` writes (ModelFiles by extension), then X alone, as the README shows
        Path ex = Path.of("..", "examples");
        Path onnx = tmp.resolve("gru.onnx");
        ModelFiles.write(onnx, ModelFiles.read(ex.resolve("gru.pt")));
        OnnxGraph g = OnnxGraph.load(onnx);
        assertEquals(List.of("X", "h0"), g.inputNames());
        Map<String, Value> out = g.run(Map.of("X", Value.of(Npy.read(ex.resolve("x.npy")))));
        for (String[] pair : new String[][]{{"y", "y_torch.npy"}, {"hn", "hn_torch.npy"}}) {
            Tensor want = Npy.read(ex.resolve(pair[1])), got = out.get(pair[0]).toTensor(pair[0]);
            assertArrayEquals(want.shape, got.shape, pair[0]);
            for (int i = 0; i < want.size(); i++) assertEquals(want.data[i], got.data[i], 1e-5, pair[0] + "[" + i + "]");
        }
    }
}
