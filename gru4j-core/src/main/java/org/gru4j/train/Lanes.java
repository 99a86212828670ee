package org.gru4j.train;

import java.util.List;

/**
 * Truncated BPTT over long series: B lanes, each running its own queue of series one after another in chunks of K
 * steps. A chunk never crosses a series boundary: a lane whose series ends mid-chunk is padded (masked) for the rest
 * of it, and its next chunk starts the next series from a zero state. The lanes' queues deal the epoch's series
 * order round-robin: lane b gets order[b], order[b+B], ….
 */
final class Lanes {
    private final List<Example> examples;
    private final int[][] queue;
    private final int[] at, pos;            // per lane: index into its queue, next step in that series
    final int[] series, from, count;        // the chunk that {@link #advance} chose

    Lanes(List<Example> examples, int[] order, int lanes) {
        this.examples = examples;
        this.queue = new int[lanes][];
        for (int b = 0; b < lanes; b++) {
            int n = order.length > b ? (order.length - b + lanes - 1) / lanes : 0;
            queue[b] = new int[n];
            for (int k = 0; k < n; k++) queue[b][k] = order[b + k * lanes];
        }
        at = new int[lanes];
        pos = new int[lanes];
        series = new int[lanes];
        from = new int[lanes];
        count = new int[lanes];
    }

    /** Chooses the next chunk of at most K steps per lane; false when every lane has finished. */
    boolean advance(int K) {
        boolean any = false;
        for (int b = 0; b < queue.length; b++) {
            if (at[b] < queue[b].length && pos[b] == examples.get(queue[b][at[b]]).steps()) {
                at[b]++;
                pos[b] = 0;
            }
            if (at[b] >= queue[b].length) {
                series[b] = -1;
                from[b] = 0;
                count[b] = 0;
                continue;
            }
            series[b] = queue[b][at[b]];
            from[b] = pos[b];
            count[b] = Math.min(K, examples.get(series[b]).steps() - pos[b]);
            pos[b] += count[b];
            any = true;
        }
        return any;
    }

    /** Chunks in an epoch: the longest lane's Σ ⌈steps / K⌉. */
    static long chunks(List<Example> examples, int[] order, int lanes, int K) {
        long[] per = new long[lanes];
        for (int i = 0; i < order.length; i++) per[i % lanes] += (examples.get(order[i]).steps() + K - 1) / K;
        long max = 0;
        for (long c : per) max = Math.max(max, c);
        return max;
    }
}
