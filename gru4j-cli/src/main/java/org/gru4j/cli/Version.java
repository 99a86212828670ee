package org.gru4j.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * {@code gru4j --version}: {@code gru4j 0.1.0-SNAPSHOT (commit 1a2b3c4)}. The version is the Maven project's, written
 * into version.properties at build time; the commit is the checkout's, which the launcher passes as -Dgru4j.commit
 * ("unknown" when the jar runs without it, or outside a git checkout).
 */
final class Version implements CommandLine.IVersionProvider {
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // then unknown
        }
        String v = p.getProperty("version", "unknown");
        return v.startsWith("${") ? "unknown" : v;
    }

    static String commit() {
        String c = System.getProperty("gru4j.commit", "");
        return c.matches("[0-9a-f]{4,40}(-dirty)?") ? c : "unknown";
    }

    @Override
    public String[] getVersion() {
        return new String[]{"gru4j " + version() + " (commit " + commit() + ")"};
    }
}
