package org.gru4j.onnx.vad;

import org.gru4j.onnx.vad.SpeechSegments.Params;
import org.gru4j.onnx.vad.SpeechSegments.Segment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * get_speech_timestamps' rules on probability sequences worked out by hand. 16 kHz, 512-sample chunks (32 ms):
 * min_speech 250 ms = 4000 samples, min_silence 100 ms = 1600 samples, pad 30 ms = 480 samples.
 */
class SpeechSegmentsTest {
    static final int W = 512, SR = 16000;

    private static float[] probs(String pattern) {
        // 'S' speech (0.9), '.' silence (0.05), 'm' between the thresholds (0.4: neither starts nor ends speech)
        float[] p = new float[pattern.length()];
        for (int k = 0; k < p.length; k++) p[k] = switch (pattern.charAt(k)) {
            case 'S' -> 0.9f;
            case 'm' -> 0.4f;
            default -> 0.05f;
        };
        return p;
    }

    private static List<Segment> find(String pattern) {
        return SpeechSegments.find(probs(pattern), W, SR, (long) pattern.length() * W, Params.defaults(0.5));
    }

    @Test
    void oneSegmentPaddedOnBothSides() {
        // speech in chunks 5..14 (10 chunks = 5120 samples > 4000); silence from chunk 15: after 4 silent chunks
        // (15..18, 1536 < 1600) it continues; chunk 19 reaches 2048 ≥ 1600: the end is chunk 15's start, 7680
        List<Segment> s = find(".....SSSSSSSSSS.........................");
        assertEquals(List.of(new Segment(5 * W - 480, 15 * W + 480)), s);
    }

    @Test
    void shortBurstsAreDropped() {
        // 7 chunks = 3584 samples ≤ 4000: not kept
        assertEquals(List.of(), find(".....SSSSSSS.........."));
    }

    @Test
    void briefPausesDoNotSplit() {
        // a 3-chunk pause (1536 samples) is shorter than min_silence: one segment
        List<Segment> s = find("..SSSSSSSS...SSSSSSSS..........");
        assertEquals(1, s.size());
        assertEquals(2 * W - 480, s.get(0).start());
        assertEquals(21 * W + 480, s.get(0).end());
    }

    @Test
    void inBetweenValuesNeitherStartNorEnd() {
        // 'm' keeps speech going (not below neg_threshold 0.35) but never starts it
        List<Segment> s = find("mmmmSSSSSSSSmmmmmmmm.......");
        assertEquals(List.of(new Segment(4 * W - 480, 20 * W + 480)), s);
    }

    @Test
    void closeSegmentsShareTheirGap() {
        // two segments 5 silent chunks apart end at the mark; the gap of 5·512 = 2560 ≥ 960: each padded by 480
        // — then with a longer pad (100 ms = 1600: 2·1600 > 2560) the gap is split in half between them (1280 each)
        String pat = "..SSSSSSSSSS.....SSSSSSSSSS.........";
        List<Segment> a = find(pat);
        assertEquals(List.of(new Segment(2 * W - 480, 12 * W + 480), new Segment(17 * W - 480, 27 * W + 480)), a);
        List<Segment> b = SpeechSegments.find(probs(pat), W, SR, (long) pat.length() * W, new Params(0.5, 0.35, 250, 100, 100, Double.POSITIVE_INFINITY));
        assertEquals(List.of(new Segment(0, 12 * W + 1280), new Segment(17 * W - 1280, 27 * W + 1600)), b);   // 2·512 − 1600 < 0: clipped
    }

    @Test
    void speechRunningToTheEndEndsThere() {
        String pat = "...SSSSSSSSSS";
        assertEquals(List.of(new Segment(3 * W - 480, (long) pat.length() * W)), find(pat));
    }
}
