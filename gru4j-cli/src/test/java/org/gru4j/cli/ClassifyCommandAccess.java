package org.gru4j.cli;

import java.util.List;

/** Opens ClassifyCommand's package-private summary to tests in other packages. */
public final class ClassifyCommandAccess {
    private ClassifyCommandAccess() {}

    public static String confusions(int[] truth, int[] pred, List<String> names) {
        return ClassifyCommand.confusions(truth, pred, names);
    }
}
