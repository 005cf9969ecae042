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

# The names below stay importable here (the constants as they always were; the four functions
# for hlcourse.diagnostics); the learner's interface, `__all__`, is train_fast alone.
from hlcourse.training._arguments import DEFAULT_LEARNING_RATE as DEFAULT_LEARNING_RATE
from hlcourse.training._arguments import match_targets as match_targets
from hlcourse.training._arguments import named_loss as named_loss
from hlcourse.training._arguments import output_units as output_units
from hlcourse.training._arguments import resolve_loss as resolve_loss
from hlcourse.training._fast import CACHED_LOOPS as CACHED_LOOPS
from hlcourse.training._fast import MAX_EPOCHS as MAX_EPOCHS
from hlcourse.training._fast import PROGRESS_REPORTS as PROGRESS_REPORTS
from hlcourse.training._fast import train_fast
from hlcourse.training._pooled_loop import POOLED_ARCHITECTURES as POOLED_ARCHITECTURES

__all__ = ["train_fast"]
