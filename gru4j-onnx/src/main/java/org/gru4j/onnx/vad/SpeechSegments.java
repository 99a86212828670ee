package org.gru4j.onnx.vad;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Speech segments from per-chunk probabilities, by the rules of silero-vad's get_speech_timestamps (written after
 * its description and behaviour; sample positions are chunk starts, i·window):
 * <ul>
 * <li>speech starts at the first chunk with p ≥ threshold;</li>
 * <li>while in speech, a chunk with p &lt; neg_threshold (default max(threshold − 0.15, 0.01)) marks a possible end;
 *     p ≥ threshold again clears it; once the silence since that mark reaches min_silence the segment ends at the
 *     mark, and is kept if longer than min_speech;</li>
 * <li>a segment longer than max_speech (default unbounded) is cut at the longest silence above 98 ms seen inside
 *     it, or else right there;</li>
 * <li>a segment still open at the end ends at the audio's end (kept if longer than min_speech);</li>
 * <li>padding: each segment grows by speech_pad on both sides, clipped to the audio; where two segments are closer
 *     than 2·speech_pad, the gap is split between them instead.</li>
 * </ul>
 */
public final class SpeechSegments {
    private SpeechSegments() {}

    /**
     * The rules' settings, named as get_speech_timestamps names them.
     *
     * @param threshold speech starts at p ≥ this
     * @param negThreshold a possible end at p below this
     * @param minSpeechMs shorter segments are dropped
     * @param minSilenceMs the silence that ends a segment
     * @param speechPadMs padding on each side
     * @param maxSpeechS the longest segment, in seconds
     */
    public record Params(double threshold, double negThreshold, int minSpeechMs, int minSilenceMs, int speechPadMs,
                         double maxSpeechS) {
        /**
         * The wrapper's defaults for a threshold: neg_threshold max(threshold − 0.15, 0.01), 250 ms, 100 ms, 30 ms,
         * unbounded.
         *
         * @param threshold the speech threshold
         * @return the settings
         */
        public static Params defaults(double threshold) {
            return new Params(threshold, Math.max(threshold - 0.15, 0.01), 250, 100, 30, Double.POSITIVE_INFINITY);
        }
    }

    /**
     * A segment in samples, [start, end).
     *
     * @param start the first sample
     * @param end past the last sample
     */
    public record Segment(long start, long end) {
        /**
         * The start in seconds.
         *
         * @param rate the sample rate
         * @return seconds
         */
        public double startSeconds(int rate) {
            return start / (double) rate;
        }

        /**
         * The end in seconds.
         *
         * @param rate the sample rate
         * @return seconds
         */
        public double endSeconds(int rate) {
            return end / (double) rate;
        }
    }

    private record Silence(long at, long length) {}

    /**
     * The speech segments.
     *
     * @param probs each chunk's probability
     * @param window samples per chunk
     * @param rate the sample rate
     * @param audioLength samples of the audio
     * @param p the settings
     * @return the segments, in order
     */
    public static List<Segment> find(float[] probs, int window, int rate, long audioLength, Params p) {
        double minSpeech = rate * p.minSpeechMs() / 1000.0, pad = rate * p.speechPadMs() / 1000.0;
        double maxSpeech = rate * p.maxSpeechS() - window - 2 * pad, minSilence = rate * p.minSilenceMs() / 1000.0;
        double minSilenceAtMax = rate * 98 / 1000.0;
        List<long[]> speeches = new ArrayList<>();   // {start, end}
        boolean triggered = false;
        long start = -1, tempEnd = 0, prevEnd = 0, nextStart = 0;
        List<Silence> possibleEnds = new ArrayList<>();
        for (int i = 0; i < probs.length; i++) {
            double prob = probs[i];
            long cur = (long) window * i;
            if (prob >= p.threshold() && tempEnd != 0) {
                long sil = cur - tempEnd;
                if (sil > minSilenceAtMax) possibleEnds.add(new Silence(tempEnd, sil));
                tempEnd = 0;
                if (nextStart < prevEnd) nextStart = cur;
            }
            if (prob >= p.threshold() && !triggered) {
                triggered = true;
                start = cur;
                continue;
            }
            if (triggered && cur - start > maxSpeech) {
                if (!possibleEnds.isEmpty()) {
                    Silence longest = possibleEnds.stream().max(Comparator.comparingLong(Silence::length)).orElseThrow();
                    speeches.add(new long[]{start, longest.at()});
                    nextStart = longest.at() + longest.length();
                    if (nextStart < longest.at() + cur) start = nextStart;
                    else {
                        triggered = false;
                        start = -1;
                    }
                } else {
                    speeches.add(new long[]{start, cur});
                    triggered = false;
                    start = -1;
                    prevEnd = nextStart = tempEnd = 0;
                    possibleEnds.clear();
                    continue;
                }
                prevEnd = nextStart = tempEnd = 0;
                possibleEnds.clear();
            }
            if (prob < p.negThreshold() && triggered) {
                if (tempEnd == 0) tempEnd = cur;
                if (cur - tempEnd < minSilence) continue;
                if (tempEnd - start > minSpeech) speeches.add(new long[]{start, tempEnd});
                start = -1;
                prevEnd = nextStart = tempEnd = 0;
                triggered = false;
                possibleEnds.clear();
            }
        }
        if (start >= 0 && audioLength - start > minSpeech) speeches.add(new long[]{start, audioLength});
        for (int i = 0; i < speeches.size(); i++) {
            long[] s = speeches.get(i);
            if (i == 0) s[0] = (long) Math.max(0, s[0] - pad);
            if (i != speeches.size() - 1) {
                long[] next = speeches.get(i + 1);
                long gap = next[0] - s[1];
                if (gap < 2 * pad) {
                    s[1] += gap / 2;
                    next[0] = Math.max(0, next[0] - gap / 2);
                } else {
                    s[1] = (long) Math.min(audioLength, s[1] + pad);
                    next[0] = (long) Math.max(0, next[0] - pad);
                }
            } else {
                s[1] = (long) Math.min(audioLength, s[1] + pad);
            }
        }
        List<Segment> out = new ArrayList<>();
        for (long[] s : speeches) out.add(new Segment(s[0], s[1]));
        return out;
    }
}
