#!/usr/bin/python3
"""Writes the speech reference fixtures the Java tests compare against.

    /usr/bin/python3 scripts/make_speech_fixtures.py     # Debian's python3-numpy, python3-scipy, python3-torch

gru4j-core/src/test/resources/speech-fixtures/
  features_<case>.safetensors  one front-end case each: "signal" (n,) float32 at 16 kHz and "features" (T, D),
      computed in float64 here with numpy/scipy, independently of the Java code; the settings are in __metadata__.
      Conventions (documented in Frontend.java): Kaldi framing (no centre padding, T = 1 + (n - win) // hop),
      pre-emphasis y[n] = x[n] - a x[n-1] over the whole signal, periodic window (scipy.signal.get_window,
      fftbins=True), numpy.fft.rfft over the frame zero-padded to n_fft, |X|^power, the filterbank of
      librosa.filters.mel (mel points equally spaced, triangles in Hz, optional Slaney area norm; HTK or Slaney
      scale), natural log with a floor, scipy.fft.dct(type=2, norm="ortho") for MFCC.
  ctc_<case>.safetensors  one CTC case each: "logits" (T, B, C), "targets" (sum U_b,) concatenated, "target_lengths"
      (B,), "input_lengths" (B,), "loss" (scalar, as shape (1,)), "per_utterance" (B,) (reduction='none'), and
      "grad" (T, B, C) = d loss / d logits, where loss = torch.nn.functional.ctc_loss(log_softmax(logits), ...,
      blank, reduction, zero_infinity=False), computed in float64. Integers are stored as float32 (exact).

Every case is seeded: the output is the same each run.
"""
import os
import sys

import numpy as np
import scipy.fft
import scipy.signal
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "gru4j-core", "src", "test", "resources", "speech-fixtures")


# ------------------------------------------------------------------------------------------------ features
def hz_to_mel(f, htk):
    f = np.asarray(f, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(f < min_log_hz, f / f_sp, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep)


def mel_to_hz(m, htk):
    m = np.asarray(m, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(m < min_log_mel, m * f_sp, min_log_hz * np.exp(logstep * (m - min_log_mel)))


def mel_filters(sr, n_fft, n_mels, fmin, fmax, htk, area_norm):
    fftfreqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    hz = mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels + 2), htk)
    fdiff = np.diff(hz)
    ramps = hz[:, None] - fftfreqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    w = np.maximum(0, np.minimum(lower, upper))
    if area_norm:
        w *= (2.0 / (hz[2:n_mels + 2] - hz[:n_mels]))[:, None]
    return w


def features(x, sr, win, hop, n_fft, window, pre, n_mels, fmin, fmax, htk, area_norm, power, n_mfcc, floor):
    x = x.astype(np.float64)
    y = np.concatenate([x[:1], x[1:] - pre * x[:-1]])
    T = 1 + (len(y) - win) // hop if len(y) >= win else 1
    w = scipy.signal.get_window(window, win, fftbins=True)
    frames = np.zeros((T, n_fft))
    for t in range(T):
        seg = y[t * hop:t * hop + win]
        frames[t, :len(seg)] = seg * w[:len(seg)]
    spec = np.abs(np.fft.rfft(frames, axis=1)) ** power
    mel = np.log(np.maximum(spec @ mel_filters(sr, n_fft, n_mels, fmin, fmax, htk, area_norm).T, floor))
    if n_mfcc:
        return scipy.fft.dct(mel, type=2, norm="ortho", axis=1)[:, :n_mfcc]
    return mel


def signal(rng, n, sr):
    """A chirp plus two tones plus noise: energy in every band."""
    t = np.arange(n) / sr
    x = 0.3 * scipy.signal.chirp(t, 100, t[-1], 7000) + 0.2 * np.sin(2 * np.pi * 440 * t) \
        + 0.1 * np.sin(2 * np.pi * 2500 * t + 1) + 0.05 * rng.standard_normal(n)
    return x.astype(np.float32)


FEATURE_CASES = [
    # name, n, window, pre, n_mels, fmin, fmax, htk, area_norm, power, n_mfcc
    ("logmel40_htk_hann", 4000, "hann", 0.97, 40, 20.0, 8000.0, True, False, 2.0, 0),
    ("logmel80_slaney_hamming_norm", 3521, "hamming", 0.97, 80, 0.0, 8000.0, False, True, 2.0, 0),
    ("logmel64_htk_magnitude_nopre", 2000, "hann", 0.0, 64, 60.0, 7600.0, True, False, 1.0, 0),
    ("mfcc13_htk_hamming", 4321, "hamming", 0.97, 40, 20.0, 8000.0, True, False, 2.0, 13),
    ("mfcc20_slaney_hann_norm", 3000, "hann", 0.97, 60, 0.0, 8000.0, False, True, 2.0, 20),
    ("short_one_frame", 250, "hann", 0.97, 40, 20.0, 8000.0, True, False, 2.0, 0),
]


def make_features():
    for i, (name, n, window, pre, n_mels, fmin, fmax, htk, norm, power, n_mfcc) in enumerate(FEATURE_CASES):
        rng = np.random.default_rng(100 + i)
        x = signal(rng, n, 16000)
        f = features(x, 16000, 400, 160, 512, window, pre, n_mels, fmin, fmax, htk, norm, power, n_mfcc, 1e-10)
        meta = dict(sample_rate=16000, window_length=400, hop_length=160, n_fft=512, window=window,
                    preemphasis=pre, n_mels=n_mels, fmin=fmin, fmax=fmax, scale="htk" if htk else "slaney",
                    area_norm=str(norm).lower(), power=power, n_mfcc=n_mfcc, log_floor=1e-10)
        write_safetensors(os.path.join(OUT, "features_" + name + ".safetensors"),
                          [("signal", torch.tensor(x)), ("features", torch.tensor(f))], meta)


# ------------------------------------------------------------------------------------------------ CTC
CTC_CASES = [
    # name, T, C, blank, target lengths, input lengths (None = all T), reduction, repeated labels
    ("small_mean", 7, 5, 0, [3, 2], None, "mean", False),
    ("repeats_sum", 12, 4, 0, [4, 5, 3], [12, 11, 9], "sum", True),
    ("repeats_mean_lengths", 15, 6, 0, [5, 1, 7, 0], [15, 10, 15, 6], "mean", True),
    ("len0_len1_mean", 5, 3, 0, [0, 1, 0], [5, 4, 1], "mean", False),
    ("blank_last_mean", 20, 9, 8, [6, 9, 2], [20, 18, 7], "mean", True),
    ("tight_all_repeats_sum", 9, 3, 0, [5, 4], [9, 9], "sum", True),  # T = 2U - 1: the only alignments
    ("big_logits_mean", 30, 29, 0, [12, 3, 8, 14, 1], [30, 22, 25, 30, 9], "mean", False),
]


def make_ctc():
    for i, (name, T, C, blank, tl, il, red, repeats) in enumerate(CTC_CASES):
        g = torch.Generator().manual_seed(200 + i)
        B = len(tl)
        scale = 4.0 if name.startswith("big") else 1.5
        logits32 = (torch.randn(T, B, C, generator=g) * scale).float()
        labels = [c for c in range(C) if c != blank]
        targets = []
        for u in tl:
            if repeats:
                # runs of equal labels (l_s == l_{s-2} in the extended label): the no-skip rule matters
                seq, cur = [], labels[int(torch.randint(len(labels), (1,), generator=g))]
                for _ in range(u):
                    if torch.rand(1, generator=g).item() < 0.5:
                        cur = labels[int(torch.randint(len(labels), (1,), generator=g))]
                    seq.append(cur)
            else:
                seq = [labels[int(j)] for j in torch.randint(len(labels), (u,), generator=g)]
            targets.append(seq)
        il = il or [T] * B
        flat = torch.tensor([c for s in targets for c in s], dtype=torch.long)
        x = logits32.double().requires_grad_(True)
        lp = torch.log_softmax(x, dim=2)
        args = (flat, torch.tensor(il, dtype=torch.long), torch.tensor(tl, dtype=torch.long))
        loss = torch.nn.functional.ctc_loss(lp, *args, blank=blank, reduction=red, zero_infinity=False)
        loss.backward()
        per = torch.nn.functional.ctc_loss(lp.detach(), *args, blank=blank, reduction="none")
        assert torch.isfinite(loss), name
        write_safetensors(os.path.join(OUT, "ctc_" + name + ".safetensors"), [
            ("logits", logits32), ("targets", flat.float()), ("target_lengths", torch.tensor(tl).float()),
            ("input_lengths", torch.tensor(il).float()), ("loss", loss.detach().reshape(1)),
            ("per_utterance", per), ("grad", x.grad)], dict(blank=blank, reduction=red, torch=torch.__version__))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".safetensors"):
            os.remove(os.path.join(OUT, f))
    make_features()
    make_ctc()
    print("wrote", len(os.listdir(OUT)), "files to", os.path.normpath(OUT))
