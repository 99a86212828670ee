package org.gru4j.onnx.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Silero VAD on ONNX Runtime Java, called the usual way: one session, one {@code session.run} per chunk, the state
 * read back and fed again, the chunking and context of the Python wrapper. The peer {@link SileroVad} is checked
 * against (test scope).
 */
final class OrtVad implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final boolean legacy, hasSr;

    OrtVad(Path model) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(1);
        opts.setInterOpNumThreads(1);
        session = env.createSession(model.toString(), opts);
        legacy = session.getInputNames().contains("h");
        hasSr = session.getInputNames().contains("sr");
    }

    /** Probabilities per chunk and the time of each session.run, in nanoseconds. */
    SileroVad.Probabilities run(float[] audio, int rate) throws OrtException {
        int w = SileroVad.window(rate), ctx = legacy ? 0 : (rate == 16000 ? 64 : 32), size = legacy ? 64 : 128;
        int n = (audio.length + w - 1) / w;
        float[] p = new float[n];
        long[] t = new long[n];
        float[] state = new float[2 * size], h = new float[2 * size], c = new float[2 * size], context = new float[ctx];
        long[] stateShape = {2, 1, size};
        for (int k = 0; k < n; k++) {
            float[] x = new float[ctx + w];
            System.arraycopy(context, 0, x, 0, ctx);
            System.arraycopy(audio, k * w, x, ctx, Math.min(w, audio.length - k * w));
            long t0 = System.nanoTime();
            Map<String, OnnxTensor> in = new HashMap<>();
            try {
                in.put("input", OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[]{1, x.length}));
                if (hasSr) in.put("sr", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{rate}), new long[0]));
                if (legacy) {
                    in.put("h", OnnxTensor.createTensor(env, FloatBuffer.wrap(h), stateShape));
                    in.put("c", OnnxTensor.createTensor(env, FloatBuffer.wrap(c), stateShape));
                } else {
                    in.put("state", OnnxTensor.createTensor(env, FloatBuffer.wrap(state), stateShape));
                }
                try (OrtSession.Result r = session.run(in)) {
                    p[k] = floats(r.get(0))[0];
                    if (legacy) {
                        h = floats(r.get(1));
                        c = floats(r.get(2));
                    } else {
                        state = floats(r.get(1));
                    }
                }
            } finally {
                for (OnnxTensor o : in.values()) o.close();
            }
            t[k] = System.nanoTime() - t0;
            context = Arrays.copyOfRange(x, x.length - ctx, x.length);
        }
        return new SileroVad.Probabilities(p, t, w, rate);
    }

    private static float[] floats(OnnxValue v) throws OrtException {
        FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
