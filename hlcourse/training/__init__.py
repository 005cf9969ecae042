"""Fast training for small networks: many optimizer steps inside one compiled TensorFlow loop.

``model.fit`` costs 15-35 ms per epoch however little work the epoch holds (measured by timing
``fit`` on networks of a few units), which is most of the time a tiny network takes to train.
`train_fast` runs a whole chunk of epochs inside one ``tf.function`` (GradientTape + the
optimizer's ``apply_gradients``), so a lesson or a widget can train hundreds of epochs in well
under a second, and still report progress and stop early between chunks.

    >>> history = train_fast(model, ds.x_train, ds.y_train, epochs=300,
    ...                      validation_data=(ds.x_test, ds.y_test))
    >>> history["loss"][-1], history["val_accuracy"][-1]

It trains exactly what ``fit`` trains: the compiled loss (plus any regularization penalties),
the model's own optimizer when it was compiled, per-epoch averages in the history. Given
`patience`, it stops early on the validation loss as ``keras.callbacks.EarlyStopping`` does.

Inside: `_arguments` checks and resolves the arguments; three strategies make the compiled loop,
each in its module (`_model_loop`: traced for the model; `_pooled_loop`: shared by the models of
an architecture; `_dense_loop`: shared by plain Dense networks of every size); `_loop` says what
a loop is to `train_fast`; `_fast` is `train_fast` itself. `resolve_loss`, `output_units`,
`match_targets` and `named_loss` are public for `hlcourse.diagnostics`, which computes a loss
exactly as `train_fast` would.
"""

from hlcourse.training._arguments import (
    DEFAULT_LEARNING_RATE,
    match_targets,
    named_loss,
    output_units,
    resolve_loss,
)
from hlcourse.training._fast import CACHED_LOOPS, MAX_EPOCHS, PROGRESS_REPORTS, train_fast
from hlcourse.training._pooled_loop import POOLED_ARCHITECTURES

__all__ = [
    "CACHED_LOOPS",
    "DEFAULT_LEARNING_RATE",
    "MAX_EPOCHS",
    "POOLED_ARCHITECTURES",
    "PROGRESS_REPORTS",
    "match_targets",
    "named_loss",
    "output_units",
    "resolve_loss",
    "train_fast",
]
