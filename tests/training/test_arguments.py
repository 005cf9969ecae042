"""Tests for hlcourse.training._arguments: how train_fast resolves its optimizer."""

from __future__ import annotations

from hlcourse.training import _arguments


def test_the_adam_train_fast_makes_has_one_name(net):
    """For models of one name its variables' names repeat from one model to the next
    (TensorFlow caches a kernel per variable name), instead of Keras' adam_1, adam_2, ..."""

    models = [net((3,), name="same_name") for _ in range(2)]
    made = [_arguments.resolve_optimizer(model, None, 0.1) for model in models]
    for optimizer, model in zip(made, models, strict=True):
        optimizer.build(model.trainable_variables)
    assert [o.name for o in made] == ["train_fast_adam"] * 2
    assert [v.path for v in made[0].variables] == [v.path for v in made[1].variables]
