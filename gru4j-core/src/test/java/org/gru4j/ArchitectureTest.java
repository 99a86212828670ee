package org.gru4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages of gru4j-core stay in a line, each using only those to its left (README, "Architecture"):
 * <pre>
 * tensor ← kernel ← nn ← model ← train ← io ← apps, lm, speech, stream        audio: the JDK only
 * </pre>
 * Read off the sources: every {@code org.gru4j.<package>} a main source file names (imports, qualified names).
 */
class ArchitectureTest {
    static final Map<String, Integer> RANK = Map.ofEntries(Map.entry("tensor", 0), Map.entry("audio", 0), Map.entry("kernel", 1),
            Map.entry("nn", 2), Map.entry("model", 3), Map.entry("train", 4), Map.entry("io", 5), Map.entry("apps", 6),
            Map.entry("lm", 6), Map.entry("speech", 6), Map.entry("stream", 6));
    static final Pattern USE = Pattern.compile("org\\.gru4j\\.(\\w+)");

    @Test
    void everyPackageUsesOnlyThoseToItsLeft() throws IOException {
        Path root = Path.of("src/main/java/org/gru4j");
        List<String> wrong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                assertTrue(RANK.containsKey(pkg), "package org.gru4j." + pkg + " has no place in the line: add it to the README and here");
                files++;
                // javadoc, comments and messages may point anywhere; code may not
                String code = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"")
                        .replaceAll("//[^\\n]*", "");
                Matcher m = USE.matcher(code);
                while (m.find()) {
                    String used = m.group(1);
                    if (used.equals(pkg) || !RANK.containsKey(used)) continue;
                    boolean ok = pkg.equals("audio") ? false : RANK.get(used) < RANK.get(pkg);
                    if (!ok) wrong.add(root.relativize(f) + " uses org.gru4j." + used);
                }
            }
        }
        assertTrue(files > 50, "read " + files + " files");
        assertEquals(List.of(), wrong.stream().distinct().toList());
    }
}
