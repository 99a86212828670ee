package org.gru4j.flink;

import java.util.Arrays;

/**
 * One scored event (a Flink POJO): which key, the key's event number (0 for its first event; it counts the state
 * updates that key has had, so a lost or doubled update shows as a gap or a repeat), the head's output (or h),
 * the label (arg-max class, -1 when the head is not a classifier), the score and the anomaly flag.
 */
public class Scored {
    /** The event's key, as text. */
    public String key;
    /** The key's event number, from 0. */
    public long sequence;
    /** The head's output (or the last layer's h). */
    public float[] output;
    /** The arg-max class, or -1 when the head is not a classifier. */
    public int label;
    /**
     * The score: the mean squared error of the forecast made at the key's previous event, or the class's probability,
     * or NaN without a head.
     */
    public double score;
    /** Whether the score exceeds the threshold (forecasters only). */
    public boolean anomaly;

    /** An empty event, for Flink's POJO serializer. */
    public Scored() {}

    /**
     * A scored event.
     *
     * @param key the key, as text
     * @param sequence the key's event number
     * @param output the head's output
     * @param label the arg-max class, or -1
     * @param score the score
     * @param anomaly whether it is an anomaly
     */
    public Scored(String key, long sequence, float[] output, int label, double score, boolean anomaly) {
        this.key = key;
        this.sequence = sequence;
        this.output = output;
        this.label = label;
        this.score = score;
        this.anomaly = anomaly;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scored s && key.equals(s.key) && sequence == s.sequence && Arrays.equals(output, s.output)
                && label == s.label && Double.compare(score, s.score) == 0 && anomaly == s.anomaly;
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Long.hashCode(sequence);
    }

    @Override
    public String toString() {
        return key + "#" + sequence + " label=" + label + " score=" + score + (anomaly ? " ANOMALY" : "");
    }
}
