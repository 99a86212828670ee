package org.gru4j.io;


import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code .pt} / {@code .pth}: a {@code torch.save}d state_dict of an nn.GRU / nn.LSTM / nn.RNN, or of a model holding
 * one (options.prefix picks it among several), read through {@link TorchPickle}'s restricted unpickler. Read only:
 * a .pt is a Python pickle; write .safetensors, which PyTorch loads with load_state_dict.
 */
public final class TorchPt implements ModelFormat {
    @Override
    public List<String> extensions() {
        return List.of(".pt", ".pth");
    }

    @Override
    public String label() {
        return "PyTorch state_dict";
    }

    @Override
    public ModelFiles.Contents read(Path file, ModelFiles.Options options) throws IOException {
        try {
            return StateDict.contents(TorchPickle.read(file), options);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage(), e);
        }
    }

    @Override
    public void write(Path file, ModelFiles.Contents contents) {
        throw new IllegalArgumentException(file + ": writing .pt/.pth is not offered (a .pt is a Python pickle);"
                + " write .safetensors, which PyTorch loads with safetensors.torch.load_file and load_state_dict");
    }
}
