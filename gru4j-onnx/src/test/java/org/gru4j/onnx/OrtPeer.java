package org.gru4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a model file on ONNX Runtime (test scope): float inputs as float, integer inputs as the type ORT asks for. */
final class OrtPeer {
    private OrtPeer() {}

    static Map<String, Value> run(Path model, Map<String, Value> feeds) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model.toString(), opts)) {
                Map<String, OnnxTensor> in = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, Value> e : feeds.entrySet()) {
                        Value v = e.getValue();
                        long[] shape = new long[v.rank()];
                        for (int k = 0; k < shape.length; k++) shape[k] = v.shape()[k];
                        OnnxTensor t;
                        if (v.isFloat()) {
                            t = OnnxTensor.createTensor(env, FloatBuffer.wrap(v.floats()), shape);
                        } else if (s.getInputInfo().get(e.getKey()).getInfo().toString().contains("INT32")) {
                            int[] ints = new int[v.size()];
                            for (int k = 0; k < ints.length; k++) ints[k] = (int) v.ints()[k];
                            t = OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
                        } else {
                            t = OnnxTensor.createTensor(env, LongBuffer.wrap(v.ints()), shape);
                        }
                        in.put(e.getKey(), t);
                    }
                    Map<String, Value> out = new LinkedHashMap<>();
                    try (OrtSession.Result r = s.run(in)) {
                        for (Map.Entry<String, OnnxValue> e : r) {
                            OnnxTensor t = (OnnxTensor) e.getValue();
                            long[] sh = t.getInfo().getShape();
                            int[] shape = new int[sh.length];
                            for (int k = 0; k < sh.length; k++) shape[k] = (int) sh[k];
                            String type = t.getInfo().type.toString();
                            if (type.equals("FLOAT")) {
                                FloatBuffer fb = t.getFloatBuffer();
                                float[] f = new float[fb.remaining()];
                                fb.get(f);
                                out.put(e.getKey(), Value.floats(shape, f));
                            } else if (type.equals("INT64")) {
                                LongBuffer lb = t.getLongBuffer();
                                long[] l = new long[lb.remaining()];
                                lb.get(l);
                                out.put(e.getKey(), Value.ints(shape, l));
                            } else if (type.equals("BOOL")) {
                                boolean[] flat = new boolean[(int) Value.size(shape, "output")];
                                Object arr = t.getValue();
                                long[] l = new long[flat.length];
                                int[] at = {0};
                                flattenBools(arr, l, at);
                                out.put(e.getKey(), Value.bools(shape, l));
                            } else {
                                throw new IllegalStateException("OrtPeer reads float, int64 and bool outputs, not " + type);
                            }
                        }
                    }
                    return out;
                } finally {
                    for (OnnxTensor t : in.values()) t.close();
                }
            }
        }
    }

    private static void flattenBools(Object arr, long[] out, int[] at) {
        if (arr instanceof Boolean b) {
            out[at[0]++] = b ? 1 : 0;
        } else if (arr instanceof boolean[] bs) {
            for (boolean b : bs) out[at[0]++] = b ? 1 : 0;
        } else {
            for (Object o : (Object[]) arr) flattenBools(o, out, at);
        }
    }
}
