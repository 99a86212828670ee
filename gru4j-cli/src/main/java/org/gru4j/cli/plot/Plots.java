package org.gru4j.cli.plot;

import org.gru4j.io.AtomicFile;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Writes an XChart chart as a PNG, atomically (a reader never sees half a picture). */
public final class Plots {
    private Plots() {}

    public static void png(XYChart chart, Path out) throws IOException {
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFile.write(out, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }
}
