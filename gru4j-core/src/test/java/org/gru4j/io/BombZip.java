package org.gru4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip archives whose entries may be huge when inflated but small on disk, without deflating gigabytes: an
 * entry is a chunk repeated n times, compressed once with a sync flush (a block sequence that ends on a byte and
 * refers back only inside itself), the compressed block written n times and closed with an empty final block.
 * Sizes and CRCs are the true ones of the inflated data (below 4 GiB: no zip64).
 */
final class BombZip {
    private record Entry(String name, int method, byte[] data, long size, long crc) {}

    private final List<Entry> entries = new ArrayList<>();

    /** A stored (uncompressed) entry. */
    BombZip stored(String name, byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        entries.add(new Entry(name, 0, data, data.length, c.getValue()));
        return this;
    }

    /** A deflated entry holding chunk repeated n times. */
    BombZip repeated(String name, byte[] chunk, int n) {
        Deflater d = new Deflater(9, true);
        d.setInput(chunk);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        int k;
        while ((k = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) block.write(buf, 0, k);
        d.finish();
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        while (!d.finished()) tail.write(buf, 0, d.deflate(buf));
        d.end();
        byte[] b = block.toByteArray();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) all.writeBytes(b);
        all.writeBytes(tail.toByteArray());
        CRC32 c = new CRC32();
        for (int i = 0; i < n; i++) c.update(chunk);
        entries.add(new Entry(name, 8, all.toByteArray(), (long) chunk.length * n, c.getValue()));
        return this;
    }

    void write(Path f) throws IOException {
        Files.write(f, bytes());
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
            int at = out.size();
            ByteBuffer h = le(30 + name.length);
            h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) e.method).putInt(0)
                    .putInt((int) e.crc).putInt(e.data.length).putInt((int) e.size).putShort((short) name.length).putShort((short) 0).put(name);
            out.writeBytes(h.array());
            out.writeBytes(e.data);
            ByteBuffer c = le(46 + name.length);
            c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) e.method).putInt(0)
                    .putInt((int) e.crc).putInt(e.data.length).putInt((int) e.size).putShort((short) name.length)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(at).put(name);
            central.writeBytes(c.array());
        }
        int cdAt = out.size();
        out.writeBytes(central.toByteArray());
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size()).putShort((short) entries.size())
                .putInt(central.size()).putInt(cdAt).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
