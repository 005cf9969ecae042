"""Exercises of lesson 06: dropout's scaling, a regularization recipe for the overfitting
lab, and the parameters of a batch normalization layer."""

from __future__ import annotations

import math
import numbers

from hlcourse.exercises import Wrong, exercise

RATE = 0.25
RECIPE_SAMPLES = 60
RECIPE_GAP = 0.3
RECIPE_ACCURACY = 0.85
RECIPE_KEYS = ("dropout", "regularizer", "reg_strength", "patience", "batch_norm")
BN_UNITS = 128


@exercise(
    "06.1",
    "Dropout's scaling",
    solution="""
    answer = 1 / (1 - 0.25)   # the kept units are divided by the share kept
    """,
)
def dropout_scaling(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for one number.")
    right = 1 / (1 - RATE)
    if math.isclose(answer, right, rel_tol=1e-3):
        return (
            f"× {right:.3g}: three units in four are kept, so each is multiplied by 4/3 and the "
            "layer's average output is the same in training and in prediction."
        )
    if math.isclose(answer, 1 - RATE, rel_tol=1e-3):
        raise Wrong(
            "0.75 is the share of units kept. The kept units are *divided* by it, to make up "
            "for the ones dropped."
        )
    if math.isclose(answer, 1 / RATE, rel_tol=1e-3):
        raise Wrong("1 / 0.25 divides by the share dropped; divide by the share kept instead.")
    if math.isclose(answer, 1.0):
        raise Wrong(
            "Without scaling, the layer's average output would be a quarter lower while "
            "training than when predicting. Keras scales the kept units up."
        )
    raise Wrong(f"Not {answer}. A quarter of the units are dropped; what are the rest scaled by?")


@exercise(
    "06.2",
    "A regularization recipe",
    solution="""
    answer = {"dropout": 0.0, "regularizer": "l2", "reg_strength": 0.01, "patience": None,
              "batch_norm": False}
    """,
)
def recipe(answer) -> str:
    from hlcourse.regularization import run_regularization

    if not isinstance(answer, dict):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a dict of "
            f"settings, with keys among {', '.join(RECIPE_KEYS)}."
        )
    if "samples" in answer:
        raise Wrong(
            "More data would be the best cure, but here the data is fixed at 60 samples: leave "
            "`samples` out and regularize instead."
        )
    unknown = sorted(set(answer) - set(RECIPE_KEYS))
    if unknown:
        raise Wrong(f"Unknown setting(s) {', '.join(unknown)}; use {', '.join(RECIPE_KEYS)}.")
    try:
        run = run_regularization(samples=RECIPE_SAMPLES, seed=0, **answer)
    except (TypeError, ValueError) as error:
        raise Wrong(f"Those settings were refused: {error}") from error
    if run.gap > RECIPE_GAP:
        raise Wrong(
            f"{run.label}: the gap is {run.gap:.2f} (validation loss {run.val_loss:.2f}, "
            f"training loss {run.train_loss:.2f}); bring it to at most {RECIPE_GAP}. "
            "Stronger dropout, a larger penalty or early stopping."
        )
    if run.val_accuracy < RECIPE_ACCURACY:
        raise Wrong(
            f"{run.label}: the gap is small ({run.gap:.2f}) but validation accuracy is only "
            f"{run.val_accuracy:.2f}; the goal is {RECIPE_ACCURACY}. Too strong a "
            "regularization underfits: ease off a little."
        )
    return (
        f"{run.label}: gap {run.gap:.2f}, validation accuracy {run.val_accuracy:.2f}. The "
        "network still fits the moons, without memorizing its 60 points."
    )


@exercise(
    "06.3",
    "What a batch normalization layer holds",
    solution="""
    # gamma and beta (trained), moving mean and moving variance (updated, not trained)
    answer = (2 * 128, 2 * 128)
    """,
)
def batch_norm_parameters(answer) -> str:
    right = (2 * BN_UNITS, 2 * BN_UNITS)
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a pair "
            "`(trainable, non_trainable)`."
        )
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in answer):
        raise Wrong("Both counts should be whole numbers.")
    if answer == right:
        return (
            "256 trainable (a scale gamma and a shift beta per unit) and 256 non-trainable (the "
            "moving mean and variance per unit, updated while training and used in prediction)."
        )
    if answer == (4 * BN_UNITS, 0):
        raise Wrong(
            "512 in all is right, but not all are trained by gradient descent: the moving "
            "mean and variance are averages updated on the side."
        )
    if answer == (BN_UNITS, BN_UNITS):
        raise Wrong("Each unit has two trained numbers and two averaged ones: count again.")
    raise Wrong(
        "Not yet. Per unit: a trained scale and shift, and a moving mean and variance that are "
        "not trained."
    )
