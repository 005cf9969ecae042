"""The article's subclassed model, done properly, and a Dense layer written from scratch.

`HiddenLayerModel` is the article's ``keras.Model`` subclass (three hidden Dense layers of
128, 64 and 32 units and a softmax output) with the two things the article leaves out, so that
``model.save("x.keras")`` and ``keras.models.load_model("x.keras")`` give back the same model:

- it is **registered** (``@keras.saving.register_keras_serializable``): the saved file names
  the class as ``"hlcourse>HiddenLayerModel"`` and Keras finds it again once ``hlcourse`` is
  imported (without registration loading fails with "Could not locate class");
- it has **get_config**: the saved file records the constructor's arguments, so loading
  rebuilds a model with the same layer sizes (without it, loading rebuilds the defaults and the
  saved weights no longer fit).

`PlainDense` is the layer a lesson writes by hand (weights made in ``build``, the forward pass
in ``call``), registered and configurable the same way.

Both load with Keras' safe mode on (the default): they contain no Python lambdas.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras

from hlcourse import _validate as v

__all__ = ["ARTICLE_UNITS", "HiddenLayerModel", "PlainDense", "load_model"]

ARTICLE_UNITS = (128, 64, 32)
"""Units of the article's three hidden layers."""

_PACKAGE = "hlcourse"


def _check_activation(name: str, value: Any) -> str:
    value = v.check_str(name, value)
    try:
        keras.activations.get(value)
    except (ValueError, TypeError):
        v.fail(name, "an activation name Keras knows", value, hint="For example 'relu' or 'tanh'")
    return value


@keras.saving.register_keras_serializable(package=_PACKAGE)
class PlainDense(keras.layers.Layer):
    """A fully connected layer written from scratch: ``activation(inputs @ kernel + bias)``.

    Args:
        units: number of neurons (outputs), 1 to 4,096.
        activation: an activation name (``"relu"``, ``"tanh"``, ...) or ``"linear"``.

    Weights are made in ``build`` on the first call, when the input width is known:
    ``kernel`` of shape ``(n_inputs, units)`` (Glorot uniform) and ``bias`` of shape
    ``(units,)`` (zeros), ``n_inputs * units + units`` parameters in all, as ``Dense`` has.
    """

    def __init__(self, units: int = 32, activation: str = "linear", **kwargs: Any):
        super().__init__(**kwargs)
        self.units = v.check_int("units", units, low=1, high=4096)
        self.activation_name = _check_activation("activation", activation)
        self.activation = keras.activations.get(self.activation_name)

    def build(self, input_shape: tuple) -> None:
        n_inputs = input_shape[-1]
        if n_inputs is None:
            v.fail(
                "input_shape",
                "a known last dimension (the number of input features)",
                input_shape,
                hint="Call the layer on data or give the model a keras.Input(shape=(n,))",
            )
        self.kernel = self.add_weight(
            shape=(n_inputs, self.units), initializer="glorot_uniform", name="kernel"
        )
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs: Any) -> Any:
        return self.activation(keras.ops.matmul(inputs, self.kernel) + self.bias)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units, "activation": self.activation_name}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class HiddenLayerModel(keras.Model):
    """The article's classifier as a ``keras.Model`` subclass that saves and loads.

    ``inputs -> hidden1 -> [dropout] -> hidden2 -> [dropout] -> hidden3 -> [dropout] -> output``

    Args:
        n_classes: number of classes, 2 to 1,000 (softmax output units).
        units: units of the three hidden layers, default ``(128, 64, 32)`` as in the article.
        activation: activation of the hidden layers, default ``"relu"``.
        dropout: share of each hidden layer's outputs dropped while training, 0 (default, no
            dropout layers) up to 0.9. Active only when called with ``training=True`` (as
            ``fit`` does); predictions (``training=False``) use every unit.

    Like every subclassed model it has no weights until it is first called (``model(x)``,
    ``fit`` or ``build``): before that ``summary()`` shows ``?`` shapes and ``0 (unbuilt)``.
    """

    def __init__(
        self,
        n_classes: int = 10,
        units: Sequence[int] = ARTICLE_UNITS,
        activation: str = "relu",
        dropout: float = 0.0,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.n_classes = v.check_int("n_classes", n_classes, low=2, high=1000)
        units = v.check_int_list(
            "units", units, low=1, high=4096, min_len=3, max_len=3,
            hint="The article's model has three hidden layers, e.g. units=(128, 64, 32)",
        )  # fmt: skip
        self.units = tuple(units)
        self.activation = _check_activation("activation", activation)
        self.dropout = v.check_number("dropout", dropout, low=0, high=0.9)
        self.hidden1 = keras.layers.Dense(self.units[0], activation=self.activation, name="hidden1")
        self.hidden2 = keras.layers.Dense(self.units[1], activation=self.activation, name="hidden2")
        self.hidden3 = keras.layers.Dense(self.units[2], activation=self.activation, name="hidden3")
        self.output_layer = keras.layers.Dense(self.n_classes, activation="softmax", name="output")
        self.dropout_layers = (
            [keras.layers.Dropout(self.dropout, name=f"dropout{i}") for i in (1, 2, 3)]
            if self.dropout > 0
            else []
        )

    def call(self, inputs: Any, training: bool = False) -> Any:
        x = inputs
        for i, hidden in enumerate((self.hidden1, self.hidden2, self.hidden3)):
            x = hidden(x)
            if self.dropout_layers:
                x = self.dropout_layers[i](x, training=training)
        return self.output_layer(x)

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "trainable": self.trainable,
            "n_classes": self.n_classes,
            "units": list(self.units),
            "activation": self.activation,
            "dropout": self.dropout,
        }


def load_model(path: str | Path) -> keras.Model:
    """Load a model saved with ``model.save("name.keras")``, with Keras' safe mode on.

    Importing this module registered the course's own classes (`HiddenLayerModel`,
    `PlainDense`), so files holding them load in any process. Safe mode refuses files that
    would run arbitrary Python code on loading (``Lambda`` layers).

    Args:
        path: the ``.keras`` file.

    Returns:
        The model, with its weights (and its compile settings, if it was compiled).
    """
    if not isinstance(path, (str, Path)):
        v.fail("path", "a file path (a string or pathlib.Path)", path, error=TypeError)
    path = Path(path)
    if path.suffix != ".keras":
        v.fail(
            "path", "a file ending in .keras", str(path), hint="Save with model.save('name.keras')"
        )
    if not path.is_file():
        v.fail(
            "path",
            "an existing .keras file",
            str(path),
            hint="Check the name, or save the model first",
        )
    return keras.models.load_model(path, safe_mode=True)
