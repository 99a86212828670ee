package org.gru4j.cli;

import org.gru4j.io.ModelFile;
import org.gru4j.io.ModelFormatException;
import org.gru4j.io.TorchCheckpoint;
import org.gru4j.io.TorchSafetensors;
import org.gru4j.nn.StateDict;
import org.gru4j.onnx.OnnxExport;
import org.gru4j.onnx.OnnxImport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The model files {@code convert} and {@code inspect} know, by extension. Every writer is atomic (a temporary file
 * renamed over the target), so a failed conversion leaves no partial output.
 * <pre>
 * .pt .pth      a torch.save'd state_dict of nn.GRU/LSTM/RNN (or a model holding one: --prefix)  read only
 * .safetensors  PyTorch's names (load_state_dict takes it), gru4j's config in __metadata__          read, write
 * .gru4j        gru4j's native file: safetensors + config (+ training state)                        read, write
 * .onnx         a plain recurrent stack (gru4j's exports, torch.onnx.export, one node)             read, write
 * </pre>
 */
enum Format {
    TORCH("PyTorch state_dict"), SAFETENSORS("safetensors, PyTorch names"), GRU4J("gru4j model file"), ONNX("ONNX");

    final String label;

    Format(String label) {
        this.label = label;
    }

    static Format of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pt") || name.endsWith(".pth")) return TORCH;
        if (name.endsWith(".safetensors")) return SAFETENSORS;
        if (name.endsWith(".gru4j")) return GRU4J;
        if (name.endsWith(".onnx")) return ONNX;
        int dot = name.lastIndexOf('.');
        throw new IllegalArgumentException(file + ": unknown model format " + (dot < 0 ? "(no extension)" : "'" + name.substring(dot) + "'")
                + " (expected .pt, .pth, .safetensors, .gru4j or .onnx)");
    }

    /** The model in a file; prefix and relu matter where the file does not record them (a state_dict). */
    ModelFile.Contents read(Path file, String prefix, boolean relu) throws IOException {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + ": is a directory, not a model file");
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        switch (this) {
            case TORCH -> {
                try {
                    return ModelFile.Contents.of(StateDict.toRecurrent(TorchCheckpoint.read(file), prefix, relu));
                } catch (IllegalArgumentException e) {
                    throw new ModelFormatException(file, e.getMessage(), e);
                }
            }
            case SAFETENSORS -> {
                return TorchSafetensors.read(file, prefix, relu);
            }
            case GRU4J -> {
                return ModelFile.load(file);
            }
            default -> {
                return OnnxImport.readModel(file);
            }
        }
    }

    void write(Path file, ModelFile.Contents c) throws IOException {
        switch (this) {
            case TORCH -> throw new IllegalArgumentException(file + ": writing .pt/.pth is not offered (a .pt is a Python pickle);"
                    + " write .safetensors, which PyTorch loads with safetensors.torch.load_file and load_state_dict");
            case SAFETENSORS -> TorchSafetensors.write(file, c);
            case GRU4J -> ModelFile.save(file, c);
            case ONNX -> {
                if (c.recurrent() != null) OnnxExport.write(c.recurrent(), file);
                else OnnxExport.write(c.sequence(), file);
            }
        }
    }
}
