package org.gru4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A UTF-8 text file, strictly decoded: a malformed byte is an error naming the file and its byte offset. */
final class Utf8Text {
    private Utf8Text() {}

    static String read(Path file, String flag) throws IOException {
        if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(flag + " " + file);
        if (Files.isDirectory(file)) throw new IllegalArgumentException(flag + " " + file + " is a directory, not a text file");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(flag + " " + file + " is a device, FIFO or socket, not a text file");
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(in.remaining());     // UTF-8 never has fewer bytes than UTF-16 chars
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            throw new IllegalArgumentException(flag + " " + file + " is not UTF-8 text: malformed byte 0x"
                    + String.format("%02X", in.get(in.position()) & 0xFF) + " at byte offset " + in.position());
        }
        dec.flush(out);
        out.flip();
        String s = out.toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;      // a byte-order mark is not text
    }
}
