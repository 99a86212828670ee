package org.gru4j.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RIFF/WAVE audio, read to mono float samples in [-1, 1] and written as 16-bit PCM (or 32-bit float).
 *
 * <p>Reads PCM 8 (unsigned), 16, 24 and 32-bit integer, IEEE float 32/64, either plainly tagged (format 1 / 3) or as
 * WAVE_FORMAT_EXTENSIBLE (0xFFFE, whose sub-format GUID names PCM or float). Any channel count is mixed to mono as
 * the mean of the channels. Chunks other than {@code fmt } and {@code data} (LIST, fact, cue, …) are skipped, with
 * their pad byte when odd-sized. Bad input fails with one {@link IOException} line naming the file: not a WAV,
 * unsupported encoding, or truncated.
 *
 * <p>Integer scaling: a b-bit signed sample s becomes s / 2^(b−1) (so −2^(b−1) maps to −1 exactly); 8-bit samples
 * are unsigned with 128 as zero.
 */
public final class Wav {
    /**
     * Mono samples and their rate in Hz.
     *
     * @param samples the samples, in [-1, 1]
     * @param sampleRate their rate in Hz
     */
    public record Audio(float[] samples, int sampleRate) {
        /**
         * The duration.
         *
         * @return seconds
         */
        public double seconds() {
            return samples.length / (double) sampleRate;
        }
    }

    private static final int FORMAT_PCM = 1, FORMAT_FLOAT = 3, FORMAT_EXTENSIBLE = 0xFFFE;

    private Wav() {
    }

    /**
     * Reads a WAV file as the class comment says, mixed to mono.
     *
     * @param file the file
     * @return its samples and rate
     * @throws IOException when it cannot be read or is not a WAV file gru4j decodes, naming it
     */
    public static Audio read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return decode(bytes, file.toString());
    }

    /**
     * Decodes a whole WAV file held in memory; {@code name} is used in error messages.
     *
     * @param bytes the file's bytes
     * @param name the file's name
     * @return its samples and rate
     * @throws IOException when it is not a WAV file gru4j decodes
     */
    public static Audio decode(byte[] bytes, String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || !tag(bytes, 0, "RIFF") || !tag(bytes, 8, "WAVE")) {
            throw new IOException(name + ": not a WAV file (no RIFF/WAVE header)");
        }
        int format = -1, channels = 0, rate = 0, bits = 0, blockAlign = 0;
        int pos = 12;
        while (pos + 8 <= bytes.length) {
            String id = new String(bytes, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
            long size = b.getInt(pos + 4) & 0xFFFFFFFFL;
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + size > bytes.length) {
                    throw new IOException(name + ": truncated WAV (fmt chunk of " + size + " bytes)");
                }
                format = b.getShort(body) & 0xFFFF;
                channels = b.getShort(body + 2) & 0xFFFF;
                rate = b.getInt(body + 4);
                blockAlign = b.getShort(body + 12) & 0xFFFF;
                bits = b.getShort(body + 14) & 0xFFFF;
                if (format == FORMAT_EXTENSIBLE) {
                    if (size < 40) {
                        throw new IOException(name + ": truncated WAV (extensible fmt chunk of " + size + " bytes)");
                    }
                    // cbSize(2) validBits(2) channelMask(4) then the GUID whose first two bytes are the format code
                    format = b.getShort(body + 24) & 0xFFFF;
                }
            } else if (id.equals("data")) {
                if (format < 0) {
                    throw new IOException(name + ": not a WAV file (data chunk before fmt chunk)");
                }
                // Streaming writers put 0 or 0xFFFFFFFF here; take what the file holds.
                long available = bytes.length - body;
                if (size == 0 || size == 0xFFFFFFFFL) {
                    size = available;
                } else if (size > available) {
                    throw new IOException(name + ": truncated WAV (data chunk says " + size + " bytes, file holds "
                            + available + ")");
                }
                return new Audio(samples(b, body, (int) size, format, channels, bits, blockAlign, rate, name), rate);
            }
            if (body + size > bytes.length) {
                throw new IOException(name + ": truncated WAV (chunk '" + id.strip() + "' runs past the end)");
            }
            pos = (int) (body + size + (size & 1));
        }
        throw new IOException(name + (format < 0 ? ": not a WAV file (no fmt chunk)" : ": truncated WAV (no data chunk)"));
    }

    private static float[] samples(ByteBuffer b, int start, int size, int format, int channels, int bits,
                                   int blockAlign, int rate, String name) throws IOException {
        if (channels <= 0 || rate <= 0) {
            throw new IOException(name + ": unsupported WAV encoding (" + channels + " channels at " + rate + " Hz)");
        }
        boolean pcm = format == FORMAT_PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean flt = format == FORMAT_FLOAT && (bits == 32 || bits == 64);
        if (!pcm && !flt) {
            throw new IOException(name + ": unsupported WAV encoding (format " + formatName(format) + ", " + bits
                    + " bits); supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit");
        }
        int bytesPer = bits / 8;
        int frame = Math.max(blockAlign, bytesPer * channels);
        int n = size / frame;
        float[] out = new float[n];
        double scale = 1.0 / channels;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int p = start + i * frame;
            for (int c = 0; c < channels; c++, p += bytesPer) {
                sum += sample(b, p, bits, flt);
            }
            out[i] = (float) (sum * scale);
        }
        return out;
    }

    private static double sample(ByteBuffer b, int p, int bits, boolean flt) {
        if (flt) {
            return bits == 32 ? b.getFloat(p) : b.getDouble(p);
        }
        return switch (bits) {
            case 8 -> ((b.get(p) & 0xFF) - 128) / 128.0;
            case 16 -> b.getShort(p) / 32768.0;
            case 24 -> ((b.get(p) & 0xFF) | ((b.get(p + 1) & 0xFF) << 8) | (b.get(p + 2) << 16)) / 8388608.0;
            default -> b.getInt(p) / 2147483648.0;
        };
    }

    private static String formatName(int format) {
        return switch (format) {
            case FORMAT_PCM -> "PCM";
            case FORMAT_FLOAT -> "IEEE float";
            case 2 -> "MS ADPCM";
            case 6 -> "A-law";
            case 7 -> "mu-law";
            case 0x11 -> "IMA ADPCM";
            case 0x55 -> "MP3";
            default -> String.format("0x%04X", format);
        };
    }

    private static boolean tag(byte[] bytes, int at, String tag) {
        for (int i = 0; i < 4; i++) {
            if (bytes[at + i] != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Encodes mono samples as 16-bit PCM (clipped to [-1, 1], rounded).
     *
     * @param samples the samples
     * @param sampleRate their rate in Hz
     * @return the WAV file's bytes
     */
    public static byte[] encodePcm16(float[] samples, int sampleRate) {
        ByteBuffer b = header(samples.length * 2, 1, sampleRate, 16, FORMAT_PCM);
        for (float s : samples) {
            double v = Math.max(-1, Math.min(1, s));
            b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
        }
        return b.array();
    }

    /**
     * Encodes interleaved frames in any supported layout, for tests: {@code frames[i][c]} is channel c of frame i;
     * {@code format} is 1 (PCM) or 3 (float); {@code extensible} wraps it as WAVE_FORMAT_EXTENSIBLE.
     *
     * @param frames the frames, channels interleaved
     * @param channels the channel count
     * @param sampleRate the rate in Hz
     * @param bits bits per sample
     * @param format 1 (PCM) or 3 (float)
     * @param extensible as WAVE_FORMAT_EXTENSIBLE
     * @return the WAV file's bytes
     */
    public static byte[] encode(double[][] frames, int channels, int sampleRate, int bits, int format, boolean extensible) {
        int bytesPer = bits / 8;
        int dataSize = frames.length * channels * bytesPer;
        ByteBuffer b = header(dataSize, channels, sampleRate, bits, extensible ? FORMAT_EXTENSIBLE : format, format);
        for (double[] f : frames) {
            for (int c = 0; c < channels; c++) {
                double v = f[c];
                if (format == FORMAT_FLOAT) {
                    if (bits == 32) b.putFloat((float) v);
                    else b.putDouble(v);
                    continue;
                }
                long full = 1L << (bits - 1);
                long q = Math.max(-full, Math.min(full - 1, Math.round(v * full)));
                switch (bits) {
                    case 8 -> b.put((byte) (q + 128));
                    case 16 -> b.putShort((short) q);
                    case 24 -> {
                        b.put((byte) q);
                        b.put((byte) (q >> 8));
                        b.put((byte) (q >> 16));
                    }
                    default -> b.putInt((int) q);
                }
            }
        }
        if ((dataSize & 1) == 1) {
            b.put((byte) 0);
        }
        return b.array();
    }

    /**
     * Writes mono samples as a 16-bit PCM WAV file.
     *
     * @param file the file
     * @param samples the samples
     * @param sampleRate their rate in Hz
     * @throws IOException when it cannot be written
     */
    public static void writePcm16(Path file, float[] samples, int sampleRate) throws IOException {
        Files.write(file, encodePcm16(samples, sampleRate));
    }

    private static ByteBuffer header(int dataSize, int channels, int rate, int bits, int format) {
        return header(dataSize, channels, rate, bits, format, format);
    }

    private static ByteBuffer header(int dataSize, int channels, int rate, int bits, int tag, int subFormat) {
        boolean ext = tag == FORMAT_EXTENSIBLE;
        int fmtSize = ext ? 40 : 16;
        int pad = dataSize & 1;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + dataSize + pad).order(ByteOrder.LITTLE_ENDIAN);
        int blockAlign = channels * bits / 8;
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(4 + 8 + fmtSize + 8 + dataSize + pad)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(fmtSize)
                .putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
                .putShort((short) blockAlign).putShort((short) bits);
        if (ext) {
            // cbSize, valid bits, channel mask, then KSDATAFORMAT_SUBTYPE_{PCM,IEEE_FLOAT} GUID
            b.putShort((short) 22).putShort((short) bits).putInt(channels == 1 ? 4 : 3);
            b.putShort((short) subFormat).putShort((short) 0x0000)
                    .put(new byte[]{0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
        }
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataSize);
        return b;
    }
}
