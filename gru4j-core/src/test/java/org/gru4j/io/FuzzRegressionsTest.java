package org.gru4j.io;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Replays every input the fuzz tests ever broke a reader with (src/test/resources/fuzz-regressions/&lt;reader&gt;/,
 * copied from target/fuzz-crashes/) through the same {@link FuzzCheck} rules: each must now be refused cleanly.
 */
class FuzzRegressionsTest {
    private static final Map<String, FuzzCheck.Reader> READERS = Map.of("npy", ReadersFuzzTest.NPY,
            "safetensors", ReadersFuzzTest.SAFETENSORS, "torch", ReadersFuzzTest.TORCH, "json", ReadersFuzzTest.JSON_TEXT);

    @TestFactory
    Stream<DynamicTest> everySavedInputIsRefusedCleanly() throws IOException, URISyntaxException {
        Path root = ReadersFuzzTest.resource("/fuzz-regressions");
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, FuzzCheck.Reader> r : READERS.entrySet()) {
            Path dir = root.resolve(r.getKey());
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(".")) continue;
                    tests.add(DynamicTest.dynamicTest(r.getKey() + "/" + name, () -> FuzzCheck.check(r.getKey(), Files.readAllBytes(f),
                            ReadersFuzzTest.work("replay-" + name), r.getValue(),
                            r.getKey().equals("json") ? ReadersFuzzTest.JSON : ReadersFuzzTest.IO)));
                }
            }
        }
        assertFalse(tests.isEmpty(), "no regression inputs found under " + root);
        return tests.stream();
    }
}
