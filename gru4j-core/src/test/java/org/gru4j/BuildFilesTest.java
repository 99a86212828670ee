package org.gru4j;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every jar's manifest carries is decided by the poms, so they are read here (a test cannot open the jars: they
 * are built after the tests): each module names its {@code Automatic-Module-Name} ({@code org.gru4j.core}, …) and the
 * build ships no {@code META-INF/jpms.args}. maven-compiler-plugin writes that file whenever a module option reaches
 * javac as two arguments ({@code --add-modules}, then the module); {@code --add-modules=jdk.incubator.vector} does not.
 */
class BuildFilesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The options maven-compiler-plugin copies into META-INF/jpms.args when one stands alone as an argument. */
    static final Set<String> JPMS_ARGS = Set.of("--add-modules", "--add-exports", "--add-reads", "--limit-modules",
            "--upgrade-module-path", "--patch-module");

    static Document read(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    static List<String> texts(Document d, String tag) {
        List<String> out = new ArrayList<>();
        NodeList nodes = d.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) out.add(nodes.item(i).getTextContent().trim());
        return out;
    }

    static List<String> modules() throws Exception {
        List<String> modules = texts(read(ROOT.resolve("pom.xml")), "module");
        assertTrue(modules.contains("gru4j-core") && modules.size() >= 5, "modules of " + ROOT.resolve("pom.xml") + ": " + modules);
        return modules;
    }

    @Test
    void everyJarNamesItsModule() throws Exception {
        Document parent = read(ROOT.resolve("pom.xml"));
        // the jar plugin's manifest entry, under pluginManagement, for every module
        assertEquals(List.of("${gru4j.module}"), texts(parent, "Automatic-Module-Name"), "the parent pom's jar manifest entry");
        for (String module : modules()) {
            Path pom = ROOT.resolve(module).resolve("pom.xml");
            Document d = read(pom);
            String expected = "org.gru4j." + module.substring("gru4j-".length());
            assertEquals(List.of(expected), texts(d, "gru4j.module"), pom + ": the gru4j.module property");
        }
    }

    @Test
    void noJpmsArgsInAnyJar() throws Exception {
        List<Path> poms = new ArrayList<>(List.of(ROOT.resolve("pom.xml")));
        for (String module : modules()) poms.add(ROOT.resolve(module).resolve("pom.xml"));
        int args = 0;
        for (Path pom : poms) {
            NodeList compilerArgs = read(pom).getElementsByTagName("compilerArgs");
            for (int i = 0; i < compilerArgs.getLength(); i++) {
                for (Node n = compilerArgs.item(i).getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (!(n instanceof Element arg)) continue;
                    args++;
                    String text = arg.getTextContent().trim();
                    assertFalse(JPMS_ARGS.contains(text), pom + ": compiler argument " + text
                            + " on its own makes maven-compiler-plugin write META-INF/jpms.args into the jar; write " + text + "=…");
                }
            }
            Path resource = pom.resolveSibling("src/main/resources/META-INF/jpms.args");
            assertFalse(Files.exists(resource), resource + " would ship in the jar");
        }
        assertTrue(args > 0, "found no compiler arguments in " + poms);
        // the Vector API module still reaches javac, in the one-argument form
        try (Stream<String> lines = Files.lines(ROOT.resolve("pom.xml"))) {
            assertTrue(lines.anyMatch(l -> l.contains("<arg>--add-modules=jdk.incubator.vector</arg>")), "javac's --add-modules=jdk.incubator.vector");
        }
    }
}
