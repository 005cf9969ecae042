"""Seeded sequence tasks for the recurrent lesson (no downloads, NumPy only).

- `make_periodic`: a noisy sum of two sines to forecast one or more steps ahead.
- `make_memory_task`: remember the symbol shown at the first step, through `delay` steps of
  distraction, and name it at the end.
- `make_adding_task`: the adding problem (Hochreiter and Schmidhuber, 1997, experiment 4):
  add the two numbers marked in a sequence of random numbers, one early and one late.
- `make_text_task`: predict the next character of sentences about coloured shapes, written by
  a small grammar the course owns (``"the red ring is above the blue bar, so the blue bar is
  below the red ring."``: the second half can only be predicted by remembering the first).

Every task returns a `SequenceDataset`: a `hlcourse.data.Dataset` whose x has shape
``(n, steps, features)`` (or ``(n, steps)`` of character ids), ready for Keras' recurrent
layers.

    >>> ds = make_memory_task(200, delay=10, n_symbols=4, seed=0)
    >>> ds.x_train.shape, ds.n_classes
    ((150, 11, 4), 4)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse.data import Dataset

__all__ = [
    "COLOURS",
    "RELATIONS",
    "SHAPES",
    "TEXT_VOCABULARY",
    "SequenceDataset",
    "make_adding_task",
    "make_memory_task",
    "make_periodic",
    "make_text_task",
    "text_sentences",
]

# The grammar of `make_text_task`: "the <colour> <shape> <relation> the <colour> <shape>."
COLOURS = ("red", "blue", "green", "yellow")
SHAPES = ("bar", "cross", "ring", "square")
RELATIONS = {"above": "below", "below": "above", "left of": "right of", "right of": "left of"}
# Every character the grammar can write, in a fixed order (ids do not depend on the seed).
TEXT_VOCABULARY = tuple(
    sorted(set(" .,") | set("".join([*COLOURS, *SHAPES, *RELATIONS, "the is so"])))
)
MAX_SAMPLES = 100_000


@dataclass(frozen=True, repr=False)
class SequenceDataset(Dataset):
    """A `hlcourse.data.Dataset` of sequences, with what a recurrent lesson needs to know.

    Attributes (besides those of `Dataset`):
        vocabulary: for the text task, the character of each id (``vocabulary[3]``); else ().
        details: the settings that made it (``{"delay": 30, ...}``) and, for the text task,
            the training and test texts (``details["text_train"]``).

    x has shape ``(n, steps, features)`` (float32), or ``(n, steps)`` (int64 character ids)
    for the text task without one-hot coding.
    """

    vocabulary: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    def encode(self, text: str) -> np.ndarray:
        """Character ids of `text`, int64 ``(len(text),)`` (text task only)."""
        self._require_vocabulary()
        text = v.check_str("text", text, nonempty=False)
        index = {ch: i for i, ch in enumerate(self.vocabulary)}
        unknown = sorted(set(text) - index.keys())
        if unknown:
            v.fail(
                "text",
                "characters of the vocabulary",
                text,
                hint=f"{''.join(unknown)!r} is not in it; the vocabulary is "
                f"{''.join(self.vocabulary)!r}",
            )
        return np.array([index[ch] for ch in text], dtype=np.int64)

    def decode(self, ids: Any) -> str:
        """The text spelled by character `ids` (integers, or one-hot rows ``(steps, vocab)``)."""
        self._require_vocabulary()
        array = np.asarray(ids)
        if array.ndim == 2 and array.shape[1] == len(self.vocabulary):
            array = array.argmax(axis=1)
        if array.ndim != 1 or not (array.size == 0 or np.issubdtype(array.dtype, np.integer)):
            v.fail(
                "ids",
                "a 1-D list of integer character ids (or one-hot rows)",
                ids,
                error=TypeError,
            )
        if array.size and (array.min() < 0 or array.max() >= len(self.vocabulary)):
            v.fail("ids", f"ids from 0 to {len(self.vocabulary) - 1}", ids)
        return "".join(self.vocabulary[i] for i in array)

    def _require_vocabulary(self) -> None:
        if not self.vocabulary:
            v.fail(
                "dataset",
                "a text task (one made by make_text_task) to encode or decode characters",
                self,
                error=TypeError,
            )


def make_periodic(
    n_samples: int = 1000,
    *,
    length: int = 40,
    horizon: int = 1,
    noise: float = 0.1,
    test_fraction: float = 0.25,
    seed: int = 0,
) -> SequenceDataset:
    """Windows of a noisy sum of two sines, and the value(s) that follow, to forecast.

    Each sample has its own signal ``a1 sin(2 pi f1 t + p1) + a2 sin(2 pi f2 t + p2)`` with
    periods from 6 to 30 steps (f1, f2), amplitudes 0.3 to 0.7 and random phases; the model
    sees `length` noisy values and forecasts the next `horizon` values of the clean signal.

    Args:
        n_samples: number of windows (training + test), 20 to 100,000.
        length: steps the model sees, 4 to 500.
        horizon: steps to forecast, 1 to 100.
        noise: standard deviation of the Gaussian noise on the values seen, 0 to 1.
        test_fraction: share held out for testing, 0.05 to 0.95.
        seed: random seed.

    Returns:
        A `SequenceDataset` (task ``"regression"``) with x of shape ``(n, length, 1)``
        (float32, values in about [-1.4, 1.4]) and y of shape ``(n,)`` when `horizon` is 1,
        else ``(n, horizon)``.
    """
    n_samples = v.check_int("n_samples", n_samples, low=20, high=MAX_SAMPLES)
    length = v.check_int("length", length, low=4, high=500)
    horizon = v.check_int("horizon", horizon, low=1, high=100)
    noise = v.check_number("noise", noise, low=0.0, high=1.0)
    test_fraction = v.check_number("test_fraction", test_fraction, low=0.05, high=0.95)
    seed = v.check_seed("seed", seed)
    rng = np.random.default_rng(seed)
    t = np.arange(length + horizon)[None, :]
    signal = np.zeros((n_samples, length + horizon))
    for _ in range(2):
        period = rng.uniform(6.0, 30.0, size=(n_samples, 1))
        amplitude = rng.uniform(0.3, 0.7, size=(n_samples, 1))
        phase = rng.uniform(0.0, 2 * np.pi, size=(n_samples, 1))
        signal += amplitude * np.sin(2 * np.pi * t / period + phase)
    x = signal[:, :length] + rng.normal(0.0, noise, size=(n_samples, length))
    y = signal[:, length:]
    if horizon == 1:
        y = y[:, 0]
    n_test = _test_count(n_samples, test_fraction)
    return SequenceDataset(
        "periodic", "regression",
        x[n_test:, :, None].astype(np.float32), y[n_test:].astype(np.float32),
        x[:n_test, :, None].astype(np.float32), y[:n_test].astype(np.float32),
        1, ("value",),
        details={"length": length, "horizon": horizon, "noise": noise, "seed": seed},
    )  # fmt: skip


def make_memory_task(
    n_samples: int = 2000,
    *,
    delay: int = 30,
    n_symbols: int = 4,
    distractors: str = "symbols",
    test_fraction: float = 0.25,
    seed: int = 0,
) -> SequenceDataset:
    """Remember the first symbol: the label is the symbol shown `delay` steps before the end.

    Each sequence has ``delay + 1`` steps, one-hot coded. Step 0 shows the symbol to remember;
    the `delay` steps after it are distractions, and the label is the symbol of step 0. The
    longer the delay, the longer the network must carry the symbol in its hidden state.

    Args:
        n_samples: number of sequences (training + test), 20 to 100,000.
        delay: steps between the symbol and the end of the sequence, 1 to 500.
        n_symbols: size of the alphabet (and number of classes), 2 to 26.
        distractors: ``"symbols"`` (random symbols of the same alphabet, which the network
            must learn to ignore) or ``"blank"`` (all-zero steps).
        test_fraction: share held out for testing, 0.05 to 0.95 (stratified by label).
        seed: random seed.

    Returns:
        A `SequenceDataset` (task ``"classes"``) with x of shape
        ``(n, delay + 1, n_symbols)`` (float32 one-hot rows) and int64 labels ``(n,)``;
        ``x[i, -1 - delay].argmax() == y[i]``. Classes are balanced; guessing scores
        ``1 / n_symbols``.
    """
    n_samples = v.check_int("n_samples", n_samples, low=20, high=MAX_SAMPLES)
    delay = v.check_int("delay", delay, low=1, high=500)
    n_symbols = v.check_int("n_symbols", n_symbols, low=2, high=26)
    distractors = v.check_choice("distractors", distractors, ("symbols", "blank"))
    test_fraction = v.check_number("test_fraction", test_fraction, low=0.05, high=0.95)
    seed = v.check_seed("seed", seed)
    n_test = _test_count(n_samples, test_fraction)
    if min(n_test, n_samples - n_test) < n_symbols:
        v.fail(
            "n_samples",
            f"enough sequences for one of each of the {n_symbols} symbols in both parts",
            n_samples,
            hint="Use more samples or fewer symbols",
        )
    if n_samples * (delay + 1) * n_symbols > 50_000_000:
        v.fail(
            "n_samples",
            "at most 50 million numbers in x (n_samples * (delay + 1) * n_symbols)",
            n_samples,
            hint="Use fewer samples, a shorter delay or fewer symbols",
        )
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_symbols
    rng.shuffle(y)
    ids = rng.integers(0, n_symbols, size=(n_samples, delay + 1))
    ids[:, 0] = y
    x = np.eye(n_symbols, dtype=np.float32)[ids]
    if distractors == "blank":
        x[:, 1:] = 0.0
    from sklearn.model_selection import train_test_split

    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y.astype(np.int64), test_size=n_test, random_state=seed, stratify=y
    )
    return SequenceDataset(
        "memory", "classes", x_tr, y_tr, x_te, y_te, n_symbols,
        tuple(f"symbol_{k}" for k in range(n_symbols)),
        details={"delay": delay, "cue_step": 0, "distractors": distractors, "seed": seed},
    )  # fmt: skip


def make_adding_task(
    n_samples: int = 2000,
    *,
    length: int = 50,
    test_fraction: float = 0.25,
    seed: int = 0,
) -> SequenceDataset:
    """The adding problem: add the two marked numbers of a sequence of random numbers.

    Every step has two features: a number drawn uniformly from 0 to 1, and a marker, 1 at
    exactly two steps and 0 elsewhere. The first marked step is in the first half of the
    sequence, the second in the second half; the target is the sum of the two marked numbers.
    To answer, a network must pick out the first number when it sees its marker, carry it
    unchanged (a number, not one of a few symbols) past every later step, and add the second.
    (Hochreiter and Schmidhuber, 1997, section 5.4, put the first marker among the first 10
    steps; both halves, as here, is the form later benchmarks use.) Always answering 1, the
    mean sum, has a mean squared error of 1/6.

    Args:
        n_samples: number of sequences (training + test), 20 to 100,000.
        length: steps per sequence, 4 to 1000.
        test_fraction: share held out for testing, 0.05 to 0.95.
        seed: random seed.

    Returns:
        A `SequenceDataset` (task ``"regression"``) with x of shape ``(n, length, 2)``
        (float32; ``x[..., 0]`` the numbers, ``x[..., 1]`` the markers) and float32 targets
        ``(n,)``, ``y[i] == x[i, x[i, :, 1] == 1, 0].sum()``; ``details["marked"]`` holds the
        two marked steps of every sequence, training then test, ``(n, 2)``.
    """
    n_samples = v.check_int("n_samples", n_samples, low=20, high=MAX_SAMPLES)
    length = v.check_int("length", length, low=4, high=1000)
    test_fraction = v.check_number("test_fraction", test_fraction, low=0.05, high=0.95)
    seed = v.check_seed("seed", seed)
    if n_samples * length > 25_000_000:
        v.fail(
            "n_samples",
            "at most 25 million steps in all (n_samples * length)",
            n_samples,
            hint="Use fewer samples or shorter sequences",
        )
    rng = np.random.default_rng(seed)
    half = length // 2
    numbers = rng.uniform(0.0, 1.0, size=(n_samples, length))
    marked = np.stack(
        [rng.integers(0, half, size=n_samples), rng.integers(half, length, size=n_samples)],
        axis=1,
    )
    markers = np.zeros((n_samples, length))
    np.put_along_axis(markers, marked, 1.0, axis=1)
    x = np.stack([numbers, markers], axis=2).astype(np.float32)
    y = np.take_along_axis(x[:, :, 0], marked, axis=1).sum(axis=1)
    n_test = _test_count(n_samples, test_fraction)
    return SequenceDataset(
        "adding", "regression", x[n_test:], y[n_test:], x[:n_test], y[:n_test], 1,
        ("number", "marker"),
        details={"length": length, "seed": seed,
                 "marked": np.concatenate([marked[n_test:], marked[:n_test]])},
    )  # fmt: skip


def text_sentences(n_sentences: int = 10, *, seed: int = 0) -> list[str]:
    """Sentences of the course's little language about coloured shapes.

    Half the sentences are plain (``"the red ring is above the blue bar."``); the other half
    go on with the same fact turned round (``"..., so the blue bar is below the red ring."``),
    which a model can only complete by remembering the first half.

    Args:
        n_sentences: how many sentences, 1 to 100,000.
        seed: random seed.

    Returns:
        A list of sentences (strings ending in ``"."``).
    """
    n_sentences = v.check_int("n_sentences", n_sentences, low=1, high=MAX_SAMPLES)
    seed = v.check_seed("seed", seed)
    return _sentences(n_sentences, np.random.default_rng(seed))


def make_text_task(
    n_samples: int = 4000,
    *,
    length: int = 24,
    one_hot: bool = False,
    test_fraction: float = 0.25,
    seed: int = 0,
) -> SequenceDataset:
    """Next-character prediction on text written by the course's grammar (`text_sentences`).

    Training and test windows come from two separate texts (different sentences), so no
    test window overlaps a training one. Each window holds `length` characters; the target is
    the character after it.

    Args:
        n_samples: number of windows (training + test), 20 to 100,000.
        length: characters the model sees, 2 to 200.
        one_hot: give x as one-hot rows ``(n, length, vocabulary size)`` float32 instead of
            character ids ``(n, length)`` int64 (ids suit ``keras.layers.Embedding``).
        test_fraction: share held out for testing, 0.05 to 0.95.
        seed: random seed.

    Returns:
        A `SequenceDataset` (task ``"classes"``, one class per character) with int64 targets
        ``(n,)``, ``vocabulary`` (the character of each id), the methods ``encode(text)`` and
        ``decode(ids)``, and ``details["text_train"]``, ``details["text_test"]``.
    """
    n_samples = v.check_int("n_samples", n_samples, low=20, high=MAX_SAMPLES)
    length = v.check_int("length", length, low=2, high=200)
    one_hot = v.check_bool("one_hot", one_hot)
    test_fraction = v.check_number("test_fraction", test_fraction, low=0.05, high=0.95)
    seed = v.check_seed("seed", seed)
    rng = np.random.default_rng(seed)
    n_test = _test_count(n_samples, test_fraction)
    index = {ch: i for i, ch in enumerate(TEXT_VOCABULARY)}
    parts = []
    for count in (n_samples - n_test, n_test):
        text = ""
        while len(text) < count + length:  # one window starts at every character
            text += " ".join(_sentences(max(8, (count + length) // 30), rng)) + " "
        text = text[: count + length]
        ids = np.array([index[ch] for ch in text], dtype=np.int64)
        starts = np.arange(count)[:, None] + np.arange(length + 1)[None, :]
        windows = ids[starts]
        parts.append((text, windows[:, :-1], windows[:, -1]))
    (text_train, x_tr, y_tr), (text_test, x_te, y_te) = parts
    if one_hot:
        eye = np.eye(len(TEXT_VOCABULARY), dtype=np.float32)
        x_tr, x_te = eye[x_tr], eye[x_te]
    return SequenceDataset(
        "text", "classes", x_tr, y_tr, x_te, y_te, len(TEXT_VOCABULARY),
        TEXT_VOCABULARY if one_hot else ("character_id",),
        vocabulary=TEXT_VOCABULARY,
        details={"length": length, "one_hot": one_hot, "seed": seed,
                 "text_train": text_train, "text_test": text_test},
    )  # fmt: skip


def _sentences(n: int, rng: np.random.Generator) -> list[str]:
    relations = list(RELATIONS)
    out = []
    for _ in range(n):
        c1, c2 = rng.choice(len(COLOURS), size=2, replace=False)
        s1, s2 = rng.integers(0, len(SHAPES), size=2)
        first = f"the {COLOURS[c1]} {SHAPES[s1]}"
        second = f"the {COLOURS[c2]} {SHAPES[s2]}"
        relation = relations[rng.integers(len(relations))]
        sentence = f"{first} is {relation} {second}"
        if rng.random() < 0.5:
            sentence += f", so {second} is {RELATIONS[relation]} {first}"
        out.append(sentence + ".")
    return out


def _test_count(n_samples: int, test_fraction: float) -> int:
    return int(min(max(round(n_samples * test_fraction), 1), n_samples - 1))
