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
    /**
     * Lower-case file name endings, with the dot: {@code .pt}, {@code .pth}.
     *
     * @return the extensions
     */
    List<String> extensions();

    /**
     * For people: "PyTorch state_dict", "ONNX".
     *
     * @return the label
     */
    String label();

    /**
     * The model a file holds (and its training state and metadata, where the format keeps them).
     *
     * @param file the file
     * @param options what a state_dict cannot tell
     * @return the model and what the file carried with it
     * @throws IOException when the file cannot be read or is refused
     */
    ModelFiles.Contents read(Path file, ModelFiles.Options options) throws IOException;

    /**
     * Writes the model atomically; a format that cannot write says why in the exception.
     *
     * @param file the target
     * @param contents the model and what it carries
     * @throws IOException when writing fails or this format cannot write the model
     */
    void write(Path file, ModelFiles.Contents contents) throws IOException;
}
