package org.gru4j.cli;

import org.gru4j.io.ModelFile;
import org.gru4j.io.Safetensors;
import org.gru4j.io.TorchCheckpoint;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.StateDict;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Opens a model file by its extension. */
final class Models {
    private Models() {}

    /** An ONNX graph: run by gru4j-onnx's interpreter rather than loaded as a state_dict. */
    static boolean isOnnx(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    static Recurrent load(Path file, String prefix, boolean relu) throws IOException {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + ": is a directory, not a model file");
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Map<String, Tensor> tensors;
        if (name.endsWith(".pt") || name.endsWith(".pth")) {
            tensors = TorchCheckpoint.read(file);
        } else if (name.endsWith(".safetensors")) {
            tensors = Safetensors.read(file).tensors();
        } else if (name.endsWith(".gru4j")) {
            if (prefix != null) throw new IllegalArgumentException("--prefix does not apply to a .gru4j file (" + file.getFileName() + ")");
            ModelFile.Contents c = ModelFile.load(file);
            if (c.recurrent() == null) {
                throw new IllegalArgumentException(file + ": holds a sequence model (" + c.describe() + "); run takes a recurrent module");
            }
            return c.recurrent();
        } else {
            throw new IllegalArgumentException(file + ": unknown model format (expected .pt, .pth, .safetensors, .gru4j or .onnx)");
        }
        try {
            return StateDict.toRecurrent(tensors, prefix, relu);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
