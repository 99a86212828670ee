package org.gru4j.onnx;

import org.gru4j.io.ModelFiles;
import org.gru4j.io.ModelFormat;
import org.gru4j.model.SequenceModel;
import org.gru4j.nn.Recurrent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code .onnx} in gru4j's model-file registry ({@link ModelFiles}), found through {@link java.util.ServiceLoader}
 * (META-INF/services/org.gru4j.io.ModelFormat) when gru4j-onnx is on the class path: read as {@link OnnxImport#readModel}
 * rebuilds a model, written by {@link OnnxExport}.
 */
public final class OnnxFormat implements ModelFormat {
    @Override
    public List<String> extensions() {
        return List.of(".onnx");
    }

    @Override
    public String label() {
        return "ONNX";
    }

    @Override
    public ModelFiles.Contents read(Path file, ModelFiles.Options options) throws IOException {
        if (options.prefix() != null) throw new IllegalArgumentException("--prefix does not apply to an ONNX file (" + file.getFileName() + ")");
        return OnnxImport.readModel(file);
    }

    @Override
    public void write(Path file, ModelFiles.Contents c) throws IOException {
        if (c.model() instanceof Recurrent r) OnnxExport.write(r, file);
        else OnnxExport.write((SequenceModel) c.model(), file);
    }
}
