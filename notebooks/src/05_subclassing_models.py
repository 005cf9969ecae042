# ---
# jupyter:
#   jupytext:
#     formats: ipynb,src//py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · Subclassed models
#
# Sequential models stack layers; sometimes you want to write the forward pass yourself.
# Subclassing `keras.Model` lets you do that. This lesson builds the article's
# three-hidden-layer model that way, then does what the article leaves out: makes it save
# and load, writes a layer from scratch, and compares it with the Functional API.
#
# **Time:** about 40 minutes
#
# **Objectives**
# - Write a three-hidden-layer model by subclassing `keras.Model`.
# - Know when a subclassed model is built, and how `training` reaches its layers.
# - Write a layer of your own, with `build` and `call`.
# - Save and load it with `get_config` and registration; compare with the Functional API.

# %%
# In Google Colab this installs the course's helper package, the version these lessons were
# written for (and nothing else: Colab already has TensorFlow and Keras). Elsewhere it does
# nothing.
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "hlcourse @ git+https://github.com/hlcourse/hidden-layers-course@v0.1.0"],
        check=True,
    )  # fmt: skip
    from google.colab import output

    output.enable_custom_widget_manager()

# %% [markdown]
# ## Setup

# %%
import hlcourse as hlc

seed = hlc.setup(written_for="0.1.0")

# %%
import tempfile
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf  # for a training loop written by hand

digits = hlc.data.load_digits(seed=seed)
print(f"digits: {digits.x_train.shape[0]} training and {digits.x_test.shape[0]} test images, "
      f"{digits.x_train.shape[1]} pixels each, {digits.n_classes} classes")  # fmt: skip

# %% [markdown]
# ## The article's subclassed model
#
# A subclass of `keras.Model` has two parts:
#
# - `__init__` **creates** the layers and keeps them as attributes (Keras finds their
#   weights there);
# - `call` **uses** them: it receives the inputs and returns the outputs, in plain Python.
#
# Here is the article's model: three hidden Dense layers of 128, 64 and 32 ReLU units, then
# a softmax over the classes. We give every layer a name so the summaries stay readable.


# %%
class ArticleModel(keras.Model):
    def __init__(self, n_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(128, activation="relu", name="hidden1")
        self.hidden2 = keras.layers.Dense(64, activation="relu", name="hidden2")
        self.hidden3 = keras.layers.Dense(32, activation="relu", name="hidden3")
        self.output_layer = keras.layers.Dense(n_classes, activation="softmax", name="output")

    def call(self, inputs):
        x = self.hidden1(inputs)
        x = self.hidden2(x)
        x = self.hidden3(x)
        return self.output_layer(x)


# %% [markdown]
# ### When is it built?
#
# 🤔 **Predict:** the model exists now. How many parameters does its summary show?

# %%
model = ArticleModel(n_classes=10, name="article")
print("built:", model.built)
model.summary()

# %% [markdown]
# None, and no shapes (`?`). Nothing in `__init__` says how many inputs there are, so Keras
# cannot make the first layer's weight matrix yet. A subclassed model is **built on its
# first call**: the first batch it sees tells each layer its input width, and the weights
# appear. (A Sequential or Functional model that starts with `keras.Input(shape=...)` is
# built at once.)

# %%
model(digits.x_train[:1])  # one image is enough to fix every shape
print("built:", model.built)
model.summary()
hlc.expect(model.count_params() == 18_986, "the article's model has 18,986 parameters on digits")

# %% [markdown]
# Now it trains like any other Keras model, with the article's `compile` settings.

# %%
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(digits.x_train, digits.y_train, epochs=15, batch_size=32,
                    validation_data=(digits.x_test, digits.y_test), verbose=0)  # fmt: skip
_, test_accuracy = model.evaluate(digits.x_test, digits.y_test, verbose=0)
ax = hlc.plots.plot_history(history, metric="accuracy")
ax.set_title(f"The subclassed model on digits: test accuracy {test_accuracy:.2f}")
plt.show()
hlc.claim("article model, digits test accuracy", test_accuracy, at_least=0.93)

# %% [markdown]
# ### Exercise 05.1: the article's model on another problem
#
# Use the same three hidden layers (128, 64, 32) on a problem with **20 input features and 5
# classes**. How many parameters does the model have? Store the number in `answer`.

# %%
answer = ...
hlc.check("05.1", answer)

# %%
hlc.solution("05.1")

# %% [markdown]
# ## The `training` flag
#
# Some layers behave differently while training. **Dropout** switches off a random share of
# a layer's units at every training step (lesson 06 shows why that helps), and does nothing
# when the model predicts. Keras tells layers which case it is through a `training`
# argument of `call`. Here is a model that declares it and hands it to its dropout layer:


# %%
class DropoutProbe(keras.Model):
    """One hidden layer followed by dropout; returns the hidden layer's output."""

    def __init__(self, rate=0.5, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(128, activation="relu", name="hidden")
        self.dropout = keras.layers.Dropout(rate, name="dropout")

    def call(self, inputs, training=None):
        return self.dropout(self.hidden(inputs), training=training)


# %% [markdown]
# 🤔 **Predict:** we call it on the same image three times, twice with `training=True` and
# once with `training=False`. Which outputs will be equal?

# %%
keras.utils.set_random_seed(seed)
probe = DropoutProbe(rate=0.5, name="dropout_probe")
image = digits.x_train[:1]
calls = {
    "training=True (1st call)": np.asarray(probe(image, training=True))[0],
    "training=True (2nd call)": np.asarray(probe(image, training=True))[0],
    "training=False": np.asarray(probe(image, training=False))[0],
}
fig, ax = plt.subplots(figsize=(10, 2.4))
picture = ax.imshow(np.stack(list(calls.values())), aspect="auto", cmap="viridis",
                    interpolation="nearest")  # fmt: skip
ax.set(yticks=range(3), yticklabels=list(calls), xlabel="hidden unit (128)",
       title="The same image, three calls: dropout zeroes different units while training")  # fmt: skip
ax.grid(False)
fig.colorbar(picture, ax=ax, label="output", pad=0.01)
plt.show()
active = calls["training=False"] > 0
dropped = [float(np.mean(calls[k][active] == 0)) for k in list(calls)[:2]]
print(f"active units without dropout: {active.sum()} of 128")
print(f"share of them zeroed while training: {dropped[0]:.2f} and {dropped[1]:.2f}")
hlc.expect(not np.array_equal(calls["training=True (1st call)"], calls["training=True (2nd call)"]),
           "two training calls drop different units")  # fmt: skip
hlc.claim("share of active units dropped at rate 0.5", float(np.mean(dropped)), at_least=0.3,
          at_most=0.7)  # fmt: skip

# %% [markdown]
# While training, about half of the active units are zeroed, different ones at each call;
# Keras scales the survivors up by 1 / (1 − rate), here 2, so that the layer's average
# output stays the same (lesson 06 writes this by hand). With `training=False` every unit
# takes part.
#
# ### Who passes `training` on?
#
# When `call` runs a layer without saying `training=...`, Keras fills it in. `Layer.__call__`
# (in Keras' `layers/layer.py`) takes, in this order: the value passed to this call, else
# the value of the *outer* call it runs inside (Keras keeps it in a call context while the
# outer `call` runs), else the default in the layer's `call` signature (Dropout's is
# `training=False`). And `fit` passes `training=True`, `evaluate` and `predict` pass
# `training=False`, but only to a model whose `call` declares a `training` parameter; to
# any other model they pass nothing (Keras' `backend/tensorflow/trainer.py`).
#
# 🤔 **Predict:** three variants of `DropoutProbe`, each changing one line. *Not passed on*
# declares `training` but calls dropout without it; *not declared* has no `training`
# parameter at all; *always off* passes `training=False` to dropout. In which of them does
# dropout act when the model is called with `training=True`, and during `fit`?


# %%
class NotPassedOn(DropoutProbe):
    def call(self, inputs, training=None):
        return self.dropout(self.hidden(inputs))  # training not handed to dropout


class NotDeclared(DropoutProbe):
    def call(self, inputs):  # no training parameter
        return self.dropout(self.hidden(inputs))


class AlwaysOff(DropoutProbe):
    def call(self, inputs, training=None):
        return self.dropout(self.hidden(inputs), training=False)


def where_dropout_acts(model, x):
    """Does dropout change `model`'s output: called with training=True, called plainly,
    in predict, and in one step of fit (learning rate 0, so nothing is learned)?"""
    clean = np.asarray(model.hidden(x))  # the output with no unit dropped

    def changed(output):  # dropout zeroes and doubles: far beyond rounding differences
        return not np.allclose(output, clean, rtol=1e-4, atol=1e-4)

    acts = {
        "model(x, training=True)": changed(model(x, training=True)),
        "model(x)": changed(model(x)),
        "predict": changed(model.predict(x, verbose=0)),
    }
    # With the target 0, fit reports the mean square of the output. Dropout at rate 0.5
    # doubles the survivors and zeroes half the units: that mean square doubles.
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    fit_loss = model.fit(x, np.zeros_like(clean), batch_size=len(x), verbose=0).history["loss"][0]
    acts["fit"] = fit_loss > 1.5 * float(np.mean(clean**2))
    return acts


table = {}
for variant in (DropoutProbe, NotPassedOn, NotDeclared, AlwaysOff):
    keras.utils.set_random_seed(seed)
    variant_model = variant(rate=0.5, name=variant.__name__.lower())
    table[variant.__name__] = where_dropout_acts(variant_model, digits.x_train[:200])
print(f"{'dropout acts in':14}" + "".join(f"{column:>25}" for column in table["DropoutProbe"]))
for name, acts in table.items():
    print(f"{name:14}" + "".join(f"{'yes' if on else 'no':>25}" for on in acts.values()))
hlc.expect(list(table["NotPassedOn"].values()) == [True, False, False, True],
           "an inner layer takes the outer call's training value")  # fmt: skip
hlc.expect(list(table["NotDeclared"].values()) == [True, False, False, False],
           "fit passes training only to a call that declares it")  # fmt: skip
hlc.expect(not any(table["AlwaysOff"].values()), "an explicit training=False always wins")

# %% [markdown]
# Passing `training` on to built-in layers is optional: *not passed on* behaves exactly like
# `DropoutProbe`, because dropout inherits the outer call's value. Declaring it is not:
# *not declared* drops units when you call it with `training=True` yourself, but `fit`
# never tells it that it is training, so **dropout silently never acts during training**.
# Declare `training` in every `call` of a model with such layers. Where the value matters:
#
# - **Your own code in `call`.** A branch such as `if training: inputs = inputs + noise`
#   needs the parameter; Keras hands it the resolved value (the outer call's, if you passed
#   none).
# - **An explicit value wins.** *always off* never drops. That is how you freeze a batch
#   normalization layer while fine-tuning a model around it: call it with `training=False`
#   and it keeps normalizing with its stored statistics and stops updating them.
# - **A plain call, `model(x)`,** gets the signature's default: None here, and Dropout then
#   uses its own default, False: no dropout, as in `predict`.
# - **Your own training loop.** Outside `fit`, nobody passes `training=True` for you.
#
# 🤔 **Predict:** a training step written with `tf.GradientTape` calls `net(x)` and forgets
# `training=True`. The network has batch normalization and dropout. Will the step still
# update batch normalization's moving mean, and drop units?

# %%
keras.utils.set_random_seed(seed)
net = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(32, use_bias=False),
    keras.layers.BatchNormalization(name="norm"),
    keras.layers.Activation("relu"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(10, activation="softmax"),
])  # fmt: skip
loss_fn = keras.losses.SparseCategoricalCrossentropy()
optimizer = keras.optimizers.SGD(learning_rate=0.1)
x_batch, y_batch = digits.x_train[:64], digits.y_train[:64]


def train_step(**training):
    """One gradient step; returns (moving mean changed?, output differs from prediction mode?)."""
    before = net.get_layer("norm").moving_mean.numpy().copy()
    predicted = np.asarray(net(x_batch, training=False))
    with tf.GradientTape() as tape:
        output = net(x_batch, **training)
        loss = loss_fn(y_batch, output)
    gradients = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(gradients, net.trainable_variables, strict=True))
    moved = not np.allclose(net.get_layer("norm").moving_mean.numpy(), before)
    return moved, not np.allclose(output, predicted, atol=1e-6)


forgot = train_step()  # net(x): the mistake
right = train_step(training=True)
for label, (moved, differs) in (("net(x)", forgot), ("net(x, training=True)", right)):
    print(f"{label:22} moving mean updated: {moved!s:5}  output differs from prediction "
          f"mode (batch statistics, dropout): {differs}")  # fmt: skip
hlc.expect(forgot == (False, False), "without training=True the step runs in inference mode")
hlc.expect(right == (True, True), "with training=True batch norm and dropout train")

# %% [markdown]
# No error and no warning: the step runs, but the network trains without dropout, and its
# batch normalization normalizes with its starting statistics (mean 0, variance 1) instead
# of the batch's, and never updates them. In a custom loop, write `training=True` in the
# training step, and leave it out (or write `False`) when you evaluate.

# %% [markdown]
# ## Saving and loading: registration and `get_config`
#
# A model you cannot save is a model you must retrain every time. Let's save the trained
# `ArticleModel` to a `.keras` file and load it back. (Everything here is written into a
# temporary folder that is deleted afterwards, never into your course folder.)
#
# 🤔 **Predict:** will loading work?


# %%
def save_and_load(model):
    """Save `model` to a temporary .keras file and load it back (Keras' safe mode on)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return keras.models.load_model(path, safe_mode=True)


def loading_error(model):
    """The error that saving and loading `model` raises, or None if it round-trips."""
    try:
        save_and_load(model)
    except Exception as error:  # noqa: BLE001  (we show whichever error Keras raises)
        return error
    return None


error = loading_error(model)
print(f"{type(error).__name__}: {str(error).split('. ')[0]}.")
hlc.expect(isinstance(error, TypeError) and "Could not locate class" in str(error),
           "loading a model whose class was never registered fails")  # fmt: skip

# %% [markdown]
# Saving worked; loading did not. The file records the model's *class name* and its
# configuration, not its Python code. To rebuild the model, Keras must map that name back to
# a class. It knows its own classes, classes **registered** with
# `@keras.saving.register_keras_serializable()`, and classes you hand to
# `load_model(..., custom_objects={"ArticleModel": ArticleModel})` each time you load;
# registration is the one that travels with the class.
#
# Registration is not all. Our model takes an argument, `n_classes`. Let's register a copy
# of the class and save a three-class model.


# %%
@keras.saving.register_keras_serializable(package="lesson05")
class RegisteredArticleModel(ArticleModel):
    pass


three_classes = RegisteredArticleModel(n_classes=3, name="three_classes")
three_classes(digits.x_train[:1])
print("made with n_classes=3; the configuration Keras saves says:",
      {k: v for k, v in three_classes.get_config().items() if k == "n_classes"})  # fmt: skip
error = loading_error(three_classes)
why = next(line for line in str(error).splitlines() if "expected" in line)
print(f"{type(error).__name__}: {str(error).split('. ')[0]}.\n{why}")
hlc.expect(isinstance(error, ValueError) and "could not be loaded" in str(error),
           "loading a model without get_config fails")  # fmt: skip

# %% [markdown]
# Without a `get_config` method, Keras fills a subclassed *model's* saved configuration
# from its constructor's *default* values (here `n_classes=10`; `keras.Model.__new__` does
# not hand it the arguments you passed), so loading builds a ten-class model and the saved
# three-class weights no longer fit. The fix is a `get_config` that returns the arguments
# the model was really made with; Keras then calls `cls(**config)` to rebuild it.
#
# The course package holds the article's model done properly,
# `hlc.subclassed.HiddenLayerModel`: registered, with `get_config` (open it with `??` to
# read it). It saves and loads, here and in a fresh Python process, which is what a
# learner who reopens the notebook tomorrow needs. In a fresh process, import the module
# that registers the class (here `import hlcourse`) before loading.

# %%
keras.utils.set_random_seed(seed)
proper = hlc.subclassed.HiddenLayerModel(n_classes=10, dropout=0.2, name="proper")
proper.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
proper.fit(digits.x_train, digits.y_train, epochs=5, batch_size=32, verbose=0)
loaded = save_and_load(proper)
same = np.array_equal(proper.predict(digits.x_test, verbose=0),
                      loaded.predict(digits.x_test, verbose=0))  # fmt: skip
print(f"loaded a {type(loaded).__name__} with units {loaded.units} and dropout {loaded.dropout}")
print("identical predictions on all test images:", same)
hlc.expect(same, "the loaded model predicts exactly what the saved one did")

# %% [markdown]
# **Safe mode.** `keras.models.load_model` refuses to rebuild Python functions stored in a
# file (the lambda of a `Lambda` layer, which could run any code when loaded), unless you
# pass `safe_mode=False`. Keep it on for files you did not make yourself; registered
# classes like ours load with it on, because their code comes from your own installation,
# not from the file. (Safe mode guards against code in the file, not against what your own
# environment imports.)
#
# ### Exercise 05.2: a subclassed model that saves and loads
#
# Here is a small subclassed model with two constructor arguments. It saves, but it does
# not load.


# %%
class TwoLayerNet(keras.Model):
    def __init__(self, hidden_units=16, n_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units, self.n_classes = hidden_units, n_classes
        self.hidden = keras.layers.Dense(hidden_units, activation="relu")
        self.out = keras.layers.Dense(n_classes, activation="softmax")

    def call(self, inputs):
        return self.out(self.hidden(inputs))


# %% [markdown]
# Copy it into the cell below (replacing the `...`), make it register itself (use
# `package="lesson05"`) and give it a `get_config`, then end with `answer = TwoLayerNet`. The
# check makes a `TwoLayerNet(hidden_units=7, n_classes=3)`, saves it, loads it and compares
# predictions.

# %%
answer = ...
hlc.check("05.2", answer)

# %%
hlc.solution("05.2")

# %% [markdown]
# ## A custom layer from scratch
#
# Subclassing works for layers too, and that is where you add operations Keras does not
# have. A layer subclass has up to three parts:
#
# - `__init__` stores the settings (here: the number of units);
# - `build(input_shape)` makes the weights, once the input width is known (Keras calls it on
#   the first call, which is why subclassed models are built late);
# - `call(inputs)` computes the output.
#
# Here is a Dense layer written by hand: `activation(inputs @ kernel + bias)`.


# %%
class ScratchDense(keras.layers.Layer):
    def __init__(self, units, activation="linear", **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        n_inputs = input_shape[-1]
        self.kernel = self.add_weight(shape=(n_inputs, self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return self.activation(keras.ops.matmul(inputs, self.kernel) + self.bias)


# %% [markdown]
# 🤔 **Predict:** how many weights does it hold before its first call, and after a call on
# a batch of digits (64 pixels)?

# %%
scratch = ScratchDense(32, activation="relu")
print("weights before the first call:", len(scratch.weights))
out = scratch(digits.x_train[:5])
print(
    "after:", [tuple(w.shape) for w in scratch.weights], "->", scratch.count_params(), "parameters"
)
dense = keras.layers.Dense(32, activation="relu")
dense(digits.x_train[:5])
dense.set_weights(scratch.get_weights())  # same weights in Keras' own Dense
difference = float(np.max(np.abs(np.asarray(out) - np.asarray(dense(digits.x_train[:5])))))
print(f"largest difference from keras.layers.Dense with the same weights: {difference:.1e}")
hlc.expect(difference < 1e-5, "the hand-written layer computes what Dense computes")

# %% [markdown]
# Same numbers as Keras' `Dense`: there is no magic in a layer, only weights made in `build`
# and arithmetic in `call`. To save a model that uses it, the layer must be registered,
# like the model. And its configuration?
#
# 🤔 **Predict:** `ScratchDense` has no `get_config`. Will its configuration record
# `units=32`, or the constructor's default?

# %%
config = scratch.get_config()
print({key: config[key] for key in ("units", "activation") if key in config})
hlc.expect(config.get("units") == 32 and config.get("activation") == "relu",
           "a layer's automatic configuration records the arguments it was made with")  # fmt: skip

# %% [markdown]
# For a layer, Keras records the constructor's arguments automatically when they are plain
# values (numbers, strings, booleans, None, and lists or dicts of them); a `get_config` is
# needed when an argument is anything else (an initializer object, another layer) or when
# you want to control what is saved. For a model subclass it records only the defaults, as
# we saw. `hlc.subclassed.PlainDense` is this layer, registered and with a `get_config`.
#
# From here you can write what `Dense` cannot do. A Dense unit adds up weighted inputs; a
# unit that measures how *far* the input is from a learned point in input space (a
# prototype) cannot be built from weighted sums alone, since a squared distance contains
# the square of every input. Networks of such units (radial basis function networks) are
# older than deep learning; your turn to write one.
#
# ### Exercise 05.3: a layer of learned prototypes
#
# Write a layer class `Prototypes(keras.layers.Layer)` whose constructor takes
# `n_prototypes`. In `build`, make one trainable weight, the prototypes, of shape
# `(n_prototypes, n_features)` (one point in input space per output unit; any
# initializer). In `call`, return each input's **squared** Euclidean distance to each
# prototype, shape `(batch, n_prototypes)`, computed with `keras.ops` so that gradients
# reach the prototypes. End with `answer = Prototypes`. (Hint:
# `keras.ops.expand_dims(inputs, 1) - self.prototypes` has shape
# `(batch, n_prototypes, n_features)`.)

# %%
answer = ...
hlc.check("05.3", answer)

# %%
hlc.solution("05.3")

# %% [markdown]
# ## The same network, Functional
#
# The third way to build a model is the **Functional API**: start from `keras.Input`, call
# layers on tensors, and hand the inputs and outputs to `keras.Model`. Here is the article's
# network once more.

# %%
inputs = keras.Input(shape=(64,), name="pixels")
x = keras.layers.Dense(128, activation="relu", name="hidden1")(inputs)
x = keras.layers.Dense(64, activation="relu", name="hidden2")(x)
x = keras.layers.Dense(32, activation="relu", name="hidden3")(x)
outputs = keras.layers.Dense(10, activation="softmax", name="output")(x)
functional = keras.Model(inputs, outputs, name="article_functional")
functional.summary()

# %% [markdown]
# Shapes and parameters show at once, before any data: the graph is known from the start.
# It is the same network as the trained subclassed `model`: copy its weights over and the
# two predict the same.

# %%
functional.set_weights(model.get_weights())
gap = float(np.max(np.abs(functional.predict(digits.x_test, verbose=0)
                          - model.predict(digits.x_test, verbose=0))))  # fmt: skip
print(f"parameters: {functional.count_params():,} (Functional) and {model.count_params():,} "
      f"(subclassed); largest difference in predictions: {gap:.1e}")  # fmt: skip
hlc.expect(gap < 1e-5, "the Functional twin predicts what the subclassed model predicts")

# %% [markdown]
# ## Choosing among the three styles
#
# | | Sequential | Functional | Subclassed |
# |---|---|---|---|
# | what it describes | one stack of layers | a graph of layers (branches, merges, several inputs or outputs) | any Python code in `call` |
# | shapes and `summary()` | at once (with `keras.Input`) | at once | after the first call |
# | save and load | works as is | works as is | needs registration and `get_config` |
# | debugging | shapes checked as you build | shapes checked as you build | errors appear when the model first runs |
# | reach for it when | the model is a plain stack | the model is a graph you can draw | the forward pass needs loops, conditions or custom operations |
#
# Start with the simplest style that can say what you mean. All three give real Keras
# models: they train, evaluate and predict the same way, and you can mix them (a subclassed
# layer inside a Functional model, a Sequential block inside a subclass).
#
# ### Exercise 05.4: which style?
#
# For each scenario choose `"sequential"`, `"functional"` or `"subclassed"`, the simplest
# style that fits, and store them in a dict `answer = {"a": ..., "b": ..., "c": ..., "d": ...}`.
#
# - **a.** Digits with two hidden Dense layers: one input, one output.
# - **b.** A model that takes an image and a number (the image's brightness), processes each,
#   and merges them before the output.
# - **c.** A model whose `call` repeats the same hidden layer `n_steps` times, where
#   `n_steps` is an argument of `call`.
# - **d.** A network with a skip connection (a hidden layer's output added to a later one)
#   whose summary you want to check before you have data.

# %%
answer = ...
hlc.check("05.4", answer)

# %%
hlc.solution("05.4")

# %% [markdown]
# ## Summary
#
# - A subclassed model creates its layers in `__init__` and uses them in `call`; it is built,
#   and shows parameters in `summary()`, on its first call.
# - Declare `training` in the `call` of any model with dropout or batch normalization:
#   `fit` passes `training=True` (and `predict` `False`) only to a `call` that declares
#   it. Layers called inside take the outer call's value; an explicit value wins. In your
#   own training loop, call the model with `training=True` yourself.
# - To save and load a subclassed model: register the class and give it a `get_config`
#   that returns its constructor's arguments (a layer with plain arguments gets one
#   automatically; register it too); load with safe mode on.
# - A layer is weights made in `build` plus arithmetic in `call`; write your own when Keras
#   lacks the operation (a distance to learned prototypes, for one).
# - Sequential for stacks, Functional for graphs, subclassing for code: pick the simplest
#   that fits.
#
# **Next:** [06 · Regularization and batch normalization](06_regularization_and_batchnorm.ipynb)
