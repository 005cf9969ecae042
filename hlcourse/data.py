"""Seeded data sets for the lessons: 2-D classification, regression, 1-D curves, digits.

Everything is generated on the spot (no downloads), so the same seed gives the same points on
every machine. Coordinates of the 2-D sets lie roughly in [-1, 1] x [-1, 1]; `noise` is the
standard deviation of Gaussian jitter in those same units.

    >>> ds = make_classification("xor", n_samples=200, noise=0.1, seed=0)
    >>> ds.x_train.shape, ds.y_train.shape
    ((150, 2), (150,))
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hlcourse import _validate as v

__all__ = [
    "CLASSIFICATION_SETS",
    "CURVES",
    "REGRESSION_SETS",
    "Dataset",
    "class_overlap",
    "load_digits",
    "make_classification",
    "make_curve",
    "make_regression",
    "regression_target",
    "curve_values",
]

CLASSIFICATION_SETS = ("xor", "circles", "gauss", "spiral", "moons")
REGRESSION_SETS = ("plane", "multi_gaussian")
CURVES = ("sine", "abs", "step", "cubic", "bump")


@dataclass(frozen=True)
class Dataset:
    """A data set split into training and test parts.

    Attributes:
        name: which generator made it (e.g. ``"xor"``).
        task: ``"binary"``, ``"classes"`` (several classes) or ``"regression"``.
        x_train, y_train, x_test, y_test: NumPy arrays; x is ``(n, features)`` float32,
            y is ``(n,)`` int64 labels for classification or float32 targets for regression.
        n_classes: number of classes (1 for regression).
        feature_names: one name per column of x.
        images: for image data, the ``(n, h, w)`` pictures behind x, train then test; else None.
    """

    name: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    feature_names: tuple[str, ...]
    images: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def x(self) -> np.ndarray:
        """All inputs, training then test, shape ``(n_train + n_test, features)``."""
        return np.concatenate([self.x_train, self.x_test])

    @property
    def y(self) -> np.ndarray:
        """All targets, training then test."""
        return np.concatenate([self.y_train, self.y_test])

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, task={self.task!r}, train={len(self.x_train)}, "
            f"test={len(self.x_test)}, features={len(self.feature_names)}, classes={self.n_classes})"
        )


def make_classification(
    name: str = "xor",
    n_samples: int = 400,
    *,
    noise: float = 0.1,
    test_fraction: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """Make a 2-D classification data set with two classes (labels 0 and 1).

    Args:
        name: one of ``"xor"``, ``"circles"``, ``"gauss"``, ``"spiral"``, ``"moons"``.
        n_samples: total number of points (training + test), 20 to 100,000.
        noise: standard deviation of the Gaussian jitter added to each point, 0 to 1.
        test_fraction: share of points held out for testing, 0.05 to 0.95.
        seed: random seed; the same seed gives the same points.

    Returns:
        A `Dataset` with ``x`` of shape ``(n, 2)`` and labels of shape ``(n,)``; classes are
        balanced and the split is stratified.
    """
    name = v.check_choice("name", name, CLASSIFICATION_SETS)
    n_samples, noise, test_fraction, seed = _check_common(n_samples, noise, test_fraction, seed)
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % 2
    rng.shuffle(y)
    x = _CLASSIFIERS[name](y, rng)
    x = x + rng.normal(0.0, noise, size=x.shape)
    return _split(name, "binary", x, y.astype(np.int64), 2, ("x1", "x2"), test_fraction, seed, True)


def make_regression(
    name: str = "plane",
    n_samples: int = 400,
    *,
    noise: float = 0.1,
    test_fraction: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """Make a 2-D regression data set (TensorFlow Playground's two).

    Args:
        name: ``"plane"`` (target rises linearly across the plane) or ``"multi_gaussian"``
            (a landscape of positive and negative bumps).
        n_samples: total number of points, 20 to 100,000.
        noise: standard deviation of Gaussian noise added to the target, 0 to 1.
        test_fraction: share held out for testing, 0.05 to 0.95.
        seed: random seed.

    Returns:
        A `Dataset` with ``x`` of shape ``(n, 2)`` and float targets of shape ``(n,)`` in about
        [-1, 1].
    """
    name = v.check_choice("name", name, REGRESSION_SETS)
    n_samples, noise, test_fraction, seed = _check_common(n_samples, noise, test_fraction, seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    target = regression_target(name, x) + rng.normal(0.0, noise, size=n_samples)
    return _split(name, "regression", x, target, 1, ("x1", "x2"), test_fraction, seed, False)


def regression_target(name: str, x: np.ndarray) -> np.ndarray:
    """The noise-free target of a regression set at points `x` (shape ``(n, 2)``)."""
    name = v.check_choice("name", name, REGRESSION_SETS)
    x = _as_points("x", x, columns=2)
    if name == "plane":
        return (x[:, 0] + x[:, 1]) / 2.0
    centres = np.array([[-0.5, -0.5, 1.0], [0.5, 0.5, 1.0], [-0.5, 0.5, -1.0], [0.5, -0.5, -1.0]])
    out = np.zeros(len(x))
    for cx, cy, sign in centres:
        out += sign * np.exp(-((x[:, 0] - cx) ** 2 + (x[:, 1] - cy) ** 2) / (2 * 0.25**2))
    return out


def make_curve(
    name: str = "sine",
    n_samples: int = 200,
    *,
    noise: float = 0.05,
    test_fraction: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """Make a 1-D regression curve y = f(x) on x in [-1, 1], for "fit this curve" demos.

    Args:
        name: ``"sine"``, ``"abs"``, ``"step"``, ``"cubic"`` or ``"bump"``.
        n_samples: total number of points, 20 to 100,000.
        noise: standard deviation of Gaussian noise on y, 0 to 1.
        test_fraction: share held out for testing, 0.05 to 0.95.
        seed: random seed.

    Returns:
        A `Dataset` with ``x`` of shape ``(n, 1)`` and y of shape ``(n,)``. `curve_values`
        gives the noise-free curve for plotting.
    """
    name = v.check_choice("name", name, CURVES)
    n_samples, noise, test_fraction, seed = _check_common(n_samples, noise, test_fraction, seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n_samples, 1))
    y = curve_values(name, x[:, 0]) + rng.normal(0.0, noise, size=n_samples)
    return _split(name, "regression", x, y, 1, ("x",), test_fraction, seed, False)


def curve_values(name: str, x: np.ndarray) -> np.ndarray:
    """The noise-free curve `name` evaluated at `x` (any shape)."""
    name = v.check_choice("name", name, CURVES)
    x = _as_points("x", x)
    return {
        "sine": lambda t: np.sin(np.pi * t),
        "abs": lambda t: 2.0 * np.abs(t) - 1.0,
        "step": lambda t: np.where(t < 0.0, -0.5, 0.5),
        "cubic": lambda t: 4.0 * t**3 - 3.0 * t,
        "bump": lambda t: 2.0 * np.exp(-(t**2) / 0.08) - 1.0,
    }[name](x)


def load_digits(*, test_fraction: float = 0.25, seed: int = 0, scale: bool = True) -> Dataset:
    """scikit-learn's 8x8 handwritten digits (1,797 images, 10 classes), shipped with it.

    Args:
        test_fraction: share held out for testing, 0.05 to 0.95 (stratified by digit).
        seed: random seed for the split.
        scale: divide pixel values (0-16) by 16 so inputs lie in [0, 1].

    Returns:
        A `Dataset` with ``x`` of shape ``(n, 64)``, labels 0-9, and ``images`` holding the
        ``(n, 8, 8)`` pictures (train, test).
    """
    test_fraction = v.check_number("test_fraction", test_fraction, low=0.05, high=0.95)
    seed = v.check_seed("seed", seed)
    v.check_bool("scale", scale)
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    bunch = sklearn_digits()
    x = bunch.data.astype(np.float32) / (16.0 if scale else 1.0)
    y = bunch.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    names = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))
    return Dataset(
        "digits", "classes", x_tr, y_tr, x_te, y_te, 10, names,
        images=(x_tr.reshape(-1, 8, 8), x_te.reshape(-1, 8, 8)),
    )  # fmt: skip


def class_overlap(dataset: Dataset, k: int = 5) -> float:
    """Share of points whose k nearest neighbours mostly belong to another class.

    A rough measure of how much noise mixes the classes: near 0 for clean data, near 0.5 when
    the classes are indistinguishable.

    Args:
        dataset: a classification `Dataset`.
        k: how many neighbours to ask, 1 to 50.

    Returns:
        A share from 0 to 1.
    """
    if not isinstance(dataset, Dataset):
        v.fail("dataset", "a classification Dataset", dataset, error=TypeError)
    if dataset.task == "regression":
        v.fail(
            "dataset",
            "a classification Dataset",
            dataset,
            hint="Class overlap needs class labels; this one is a regression set",
        )
    k = v.check_int("k", k, low=1, high=50)
    from sklearn.neighbors import NearestNeighbors

    x, y = dataset.x, dataset.y
    neighbours = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x, return_distance=False)
    others = y[neighbours[:, 1:]] != y[:, None]
    return float(np.mean(others.mean(axis=1) > 0.5))


# --- generators of the 2-D classification sets: labels in, clean points out ----------------


def _xor(y, rng):
    pts = rng.uniform(0.05, 1.0, size=(len(y), 2)) * rng.choice([-1.0, 1.0], size=(len(y), 1))
    # Class 1 where the two coordinates have opposite signs.
    pts[:, 1] *= np.where(y == 1, -1.0, 1.0)
    return pts


def _circles(y, rng):
    radius = np.where(y == 0, rng.uniform(0.0, 0.45, len(y)), rng.uniform(0.65, 1.0, len(y)))
    angle = rng.uniform(0.0, 2 * np.pi, len(y))
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _gauss(y, rng):
    centre = np.where(y[:, None] == 0, [-0.45, -0.45], [0.45, 0.45])
    return centre + rng.normal(0.0, 0.2, size=(len(y), 2))


def _spiral(y, rng):
    t = rng.uniform(0.0, 1.0, len(y))
    radius = 0.05 + 0.95 * t
    angle = 1.75 * 2 * np.pi * t + np.pi * y
    return np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])


def _moons(y, rng):
    angle = rng.uniform(0.0, np.pi, len(y))
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    pts = np.where(y[:, None] == 0, upper, lower)
    return (pts - [0.5, 0.25]) / 1.25


_CLASSIFIERS = {
    "xor": _xor,
    "circles": _circles,
    "gauss": _gauss,
    "spiral": _spiral,
    "moons": _moons,
}


def _as_points(name: str, x, columns: int | None = None) -> np.ndarray:
    """`x` as a float array; with `columns`, of shape (n, columns)."""
    try:
        array = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if x is None or array is None:
        v.fail(name, "an array of numbers", x, error=TypeError)
    if not np.all(np.isfinite(array)):
        v.fail(name, "an array of finite numbers", x, hint="It holds NaN or infinite values")
    if columns is not None and (array.ndim != 2 or array.shape[1] != columns):
        raise ValueError(
            f"Received an invalid value for `{name}`, expected an array of shape (n, {columns}). "
            f"Received: {name} with shape {array.shape}. For a single point use "
            f"`np.array([[x1, x2]])`."
        )
    return array


def _check_common(n_samples, noise, test_fraction, seed):
    return (
        v.check_int("n_samples", n_samples, low=20, high=100_000),
        v.check_number("noise", noise, low=0.0, high=1.0),
        v.check_number("test_fraction", test_fraction, low=0.05, high=0.95),
        v.check_seed("seed", seed),
    )


def _split(name, task, x, y, n_classes, features, test_fraction, seed, stratify) -> Dataset:
    from sklearn.model_selection import train_test_split

    x = np.asarray(x, dtype=np.float32)
    if task == "regression":
        y = np.asarray(y, dtype=np.float32)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y if stratify else None
    )
    return Dataset(name, task, x_tr, y_tr, x_te, y_te, n_classes, features)
