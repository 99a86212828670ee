package org.gru4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One model file format, registered with {@link ModelFiles} under its extensions: {@code .pt}/{@code .pth}
 * ({@link TorchPt}, read only), {@code .safetensors} ({@link TorchSafetensors}), {@code .gru4j} ({@link ModelFile}),
 * and {@code .onnx} (gru4j-onnx's, found through {@link java.util.ServiceLoader}).
 */
public interface ModelFormat {
    /** Lower-case file name endings, with the dot: {@code .pt}, {@code .pth}. */
    List<String> extensions();

    /** For people: "PyTorch state_dict", "ONNX". */
    String label();

    /** The model a file holds (and its training state and metadata, where the format keeps them). */
    ModelFiles.Contents read(Path file, ModelFiles.Options options) throws IOException;

    /** Writes the model atomically; a format that cannot write says why in the exception. */
    void write(Path file, ModelFiles.Contents contents) throws IOException;
}
