package org.gru4j.speech;

/**
 * One training or test example.
 *
 * @param features raw (un-normalised, un-stacked) features (T, F)
 * @param text     the normalised transcript
 * @param labels   the transcript as alphabet classes (no blank)
 * @param seconds  the audio's duration
 * @param source   where it came from (a file path), for messages
 */
public record Utterance(float[] features, String text, int[] labels, double seconds, String source) {}
