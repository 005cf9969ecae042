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
# # 08 · Pitfalls and diagnostics
#
# A network that trains badly rarely says why. Lesson 07 dealt with the start, the initial
# weights; this lesson goes through the classic pitfalls of hidden layers that remain, one
# at a time (each with a picture, a fix and an exercise), and gives you a toolkit that
# measures what is going on inside any Keras model: `hlc.diagnostics`.
#
# **Time:** about 45 minutes
#
# **Objectives**
# - Diagnose vanishing and exploding gradients with per-layer gradient norms.
# - See what a forgotten input shape, a logits mismatch and unscaled inputs do.
# - Read per-layer activation statistics and update-to-weight ratios.

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
import re
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

spiral = hlc.data.make_classification("spiral", n_samples=400, noise=0.05, seed=seed)
circles = hlc.data.make_classification("circles", n_samples=400, noise=0.05, seed=seed)
digits = hlc.data.load_digits(seed=seed)


def first_line(error):
    """An exception's first line, without the terminal colour codes Keras adds."""
    return re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()[0]


# %% [markdown]
# ## A check-up for hidden layers
#
# `hlc.diagnostics.diagnose(model, x, y)` runs one batch through a model and reports, for
# every hidden layer:
#
# - **mean** and **std** of its outputs on the batch: a layer whose outputs barely vary from
#   sample to sample passes little information on;
# - **saturated**: the share of sigmoid or tanh outputs in the flat ends of the curve, where
#   the slope is below 0.05, so little gradient passes back through them;
# - **dead**: the share of ReLU units that output 0 for every sample of the batch (no
#   gradient reaches their weights from these samples);
# - **grad norm**: the size (L2 norm) of the loss's gradient with respect to the layer's
#   weight matrix, its kernel: how strongly the loss pulls on that layer's weights.
#
# It then names the problems it sees, with a remedy. It works on Sequential, Functional and
# subclassed models alike. Here is a healthy network first.

# %%
keras.utils.set_random_seed(seed)
healthy = hlc.models.build_dense_network(
    2, (16, 16), activation="relu", initializer="he_normal", name="healthy"
)
hlc.diagnostics.diagnose(healthy, spiral.x_train, spiral.y_train)

# %% [markdown]
# ## Vanishing gradients
#
# Backpropagation carries the loss's gradient from the output back to the first layer. At
# each layer on the way back it is multiplied by that layer's weights and by the slope of
# its activation at every unit: the product lesson 02 drew in "The chain rule, drawn", one
# transposed kernel and one activation slope for every layer the gradient passes. A
# sigmoid's slope is at most 0.25 (at 0), so through eight sigmoid layers the slopes alone
# multiply the gradient by at most 0.25⁸ ≈ 1.5 · 10⁻⁵, and weights of the usual size do not
# make up for it: the first layers barely learn. This is the **vanishing gradient** problem,
# first analysed for recurrent networks (Hochreiter 1991; Bengio, Simard and Frasconi 1994)
# and measured in deep sigmoid networks by Glorot and Bengio (2010).
#
# Two remedies, tried separately below. **ReLU** has slope exactly 1 wherever a unit is
# active, and with **He initialization** (lesson 07) the signal keeps its size.
# **Batch normalization** between the sigmoid layers rescales each layer's pre-activations
# to unit spread over the batch, and divides the gradient on its way back by that same
# spread (after removing its batch mean; Ioffe and Szegedy 2015, section 3). In these
# sigmoid layers the spread is about 0.2, so each layer multiplies the gradient by about
# 5, roughly what the sigmoid's slope takes away. (Why batch normalization helps training
# in general is still debated: its authors credited a reduced "internal covariate shift",
# while Santurkar et al. (2018) traced the benefit to a smoother loss landscape instead.
# Here we only measure the size of the gradients at the start.)
#
# 🤔 **Predict:** in a network of eight hidden sigmoid layers, how much smaller than the
# output layer's will the first layer's gradient be: 10 times? 1,000 times? More? And with
# batch normalization between the layers?

# %%
deep = {
    "sigmoid": dict(activation="sigmoid"),
    "ReLU + He": dict(activation="relu", initializer="he_normal"),
    "sigmoid + batch norm": dict(activation="sigmoid", batch_norm=True),
}
networks, norms = {}, {}
for label, settings in deep.items():
    keras.utils.set_random_seed(seed)
    name = label.replace(" + ", "_").replace(" ", "_").lower()
    networks[label] = hlc.models.build_dense_network(2, (16,) * 8, **settings, name=name)
    norms[label] = hlc.diagnostics.gradient_norms(
        networks[label], spiral.x_train[:256], spiral.y_train[:256]
    )
fig, ax = plt.subplots(figsize=(10, 4))
hlc.plots.plot_gradient_norms(norms, ax)
ax.set_title("Gradient norm of each layer's weights, at initialization (log scale)")
plt.show()
kernels = {
    label: [r.kernel_norm for r in n.rows if r.weight == "kernel"] for label, n in norms.items()
}
first = {label: values[0] for label, values in kernels.items()}
for label, values in kernels.items():
    print(f"{label:22s} first hidden layer's gradient norm {values[0]:.1e}, "
          f"{values[0] / values[-1]:.1e} of the output layer's")  # fmt: skip

# %%
hlc.claim("first-layer gradient, ReLU + He over sigmoid", first["ReLU + He"] / first["sigmoid"],
          at_least=1e4)  # fmt: skip
hlc.claim("first-layer gradient, batch norm over sigmoid",
          first["sigmoid + batch norm"] / first["sigmoid"], at_least=1e4)  # fmt: skip
hlc.claim("layer gradients, smallest over largest, with a remedy",
          min(min(kernels[k]) / max(kernels[k]) for k in ("ReLU + He", "sigmoid + batch norm")),
          at_least=0.03)  # fmt: skip

# %% [markdown]
# Ten thousand times and more: the sigmoid stack's gradient fades layer by layer (its bars
# fall from right to left). With either remedy, no layer's gradient is more than about 30
# times smaller than the largest. The diagnosis says the same in words:

# %%
hlc.diagnostics.diagnose(networks["sigmoid"], spiral.x_train[:256], spiral.y_train[:256])

# %% [markdown]
# Note the "saturated" column: next to nothing is saturated. These sigmoid units sit in the
# middle of their curve, where the slope is largest; the gradient fades anyway, because
# 0.25 is the *largest* slope. What that does to training: 100 full-batch Adam steps
# (learning rate 0.01) for the sigmoid stack and for ReLU + He.

# %%
sigmoid_stats = hlc.diagnostics.activation_stats(networks["sigmoid"], spiral.x_train[:256])
hlc.claim("deep sigmoid stack at the start, largest saturated share",
          max(row.saturated for row in sigmoid_stats.rows), at_most=0.05)  # fmt: skip
losses = {}
for label in ("sigmoid", "ReLU + He"):
    history = hlc.training.train_fast(networks[label], spiral.x_train, spiral.y_train,
                                      epochs=100, learning_rate=0.01, seed=seed)  # fmt: skip
    losses[label] = history
ax = hlc.plots.plot_history(losses)
ax.set_title("Eight hidden layers on the spiral: training loss")
plt.show()
hlc.claim("deep sigmoid stack, final training loss", losses["sigmoid"]["loss"][-1], at_least=0.65)
hlc.claim("deep ReLU + He, final training loss", losses["ReLU + He"]["loss"][-1], at_most=0.3)

# %% [markdown]
# The sigmoid stack stays at 0.69 = ln 2, the loss of answering 50/50 for every point; ReLU
# + He learns the spiral. (Lesson 06 measured what batch normalization does to training.)
#
# ### The gradient explorer
#
# The same measurement with controls instead of a cell to edit: the number of hidden layers
# (1 to 16, of 16 units each), their activation, the initializer of every layer's weights,
# and batch normalization in every hidden layer. Each change builds a fresh network and
# takes the gradients of one batch of 256 spiral points, with no training. It opens on the
# eight sigmoid layers above (a different draw of weights and points).
#
# Try it:
#
# - With sigmoid, move the depth from 8 to 16. Does the first layer's gradient fall twice as
#   many orders of magnitude below the output layer's, or just one more?
# - Back at 8 layers, switch the activation to tanh (keeping `glorot_uniform`). Does the
#   gradient still fade? tanh's slope at 0 is 1, the sigmoid's 0.25.
# - Choose relu with `RandomNormal(1.0)` and 16 layers. The caption says the gradient keeps
#   its size from the output to the first layer: is all well? Read the numbers on the
#   vertical axis (the next section is about this).

# %%
explorer = hlc.widgets.gradient_explorer(seed=seed)
hlc.expect(explorer.ratio < 1e-3,
           "eight sigmoid layers: the first layer's gradient is over 1,000 times smaller than "
           "the output layer's")  # fmt: skip
explorer

# %% [markdown]
# ### Exercise 08.1: gradient norms by hand
#
# `hlc.diagnostics.gradient_norms` does nothing you cannot do yourself. Write a function
# `answer(model, x, y)` that returns a dict `{layer name: norm}` with, for every layer of
# `model` that has a weight matrix (`layer.kernel`), the L2 norm of the gradient of the
# loss `keras.losses.SparseCategoricalCrossentropy()(y, predictions)` with respect to that
# kernel, with the model run as `fit` runs it. Use `tf.GradientTape`. The check calls your
# function on a small classifier (with a batch normalization layer) and one batch.

# %%
answer = ...
hlc.check("08.1", answer)

# %%
hlc.solution("08.1")

# %% [markdown]
# ## Exploding gradients and clipping
#
# The opposite failure. In a ReLU network each layer multiplies the variance of the signal
# by fan_in × Var(w) / 2 (fan_in: the layer's number of inputs; lesson 07 derives this),
# and the gradient on its way back by a similar factor. Here is a six-layer ReLU
# network of 32 units whose weights start with standard deviation 0.5, where He
# initialization would use √(2/32) = 0.25: each layer with 32 inputs multiplies the variance
# by 32 × 0.5² / 2 = 4, doubling the spread. Here it is on a small regression task, with
# what `diagnose` says before any training:

# %%
plane = hlc.data.make_regression("plane", n_samples=400, seed=seed)


def exploding_network():
    keras.utils.set_random_seed(seed)
    return hlc.models.build_dense_network(
        2, (32,) * 6, output="regression",
        initializer=keras.initializers.RandomNormal(stddev=0.5, seed=seed), name="exploding",
    )  # fmt: skip


report = hlc.diagnostics.diagnose(exploding_network(), plane.x_train, plane.y_train)
for flag in report.flags:
    print(flag)

# %% [markdown]
# 🤔 **Predict:** what happens to the loss when this network trains with plain SGD
# (learning rate 0.01)? And when its gradients are **clipped** with `clipnorm=1.0` (each
# weight's gradient longer than 1 is scaled down to length 1 before the step)?

# %%
curves = {}
for label, optimizer in [("SGD", keras.optimizers.SGD(0.01)),
                         ("SGD, clipnorm=1.0", keras.optimizers.SGD(0.01, clipnorm=1.0))]:  # fmt: skip
    model = exploding_network()
    model.compile(optimizer=optimizer, loss="mse")
    with np.errstate(all="ignore"):
        curves[label] = hlc.training.train_fast(
            model, plane.x_train, plane.y_train, epochs=50, batch_size=32, seed=seed
        )["loss"]
fig, ax = plt.subplots(figsize=(7, 3.5))
for (label, values), style in zip(curves.items(), ["-", "--"], strict=True):
    finite = np.isfinite(values)
    ax.plot(np.arange(1, 51)[finite], np.asarray(values)[finite], style, label=label)
    print(f"{label:18s} final loss: {values[-1]:.3g} "
          f"({'finite' if np.isfinite(values[-1]) else 'the weights blew up'})")  # fmt: skip
ax.set(yscale="log", xlabel="epoch", ylabel="training loss (log)",
       title="Exploding gradients: without clipping there is no curve to draw")  # fmt: skip
ax.legend()
plt.show()
hlc.expect(not np.isfinite(curves["SGD"][0]), "without clipping the loss is NaN in the first epoch")
hlc.claim("exploding network with clipping, final loss", curves["SGD, clipnorm=1.0"][-1],
          at_most=2.0)  # fmt: skip

# %% [markdown]
# Without clipping the first steps are so large that the weights overflow: the loss is NaN
# ("not a number") from the first epoch, and no point of the curve survives. With clipping,
# training survives the violent start and then settles. Clipping bounds how far one step can
# go; it does not remove the cause, a start that is too large (lesson 07). It is standard
# practice for recurrent networks, whose gradients pass through many time steps: Pascanu,
# Mikolov and Bengio (2013) proposed clipping the gradient's norm for them. Lesson 11 meets
# those networks.
#
# Keras offers three kinds of clipping, each an argument of every optimizer
# (`_clip_gradients` in `keras/src/optimizers/base_optimizer.py`):
#
# - `clipnorm=c`: each weight's gradient (every kernel, every bias, on its own) that is
#   longer than c is scaled down to length c; its direction is kept;
# - `global_clipnorm=c`: all gradients together are scaled down by one common factor when
#   their joint length is above c;
# - `clipvalue=c`: every single number of every gradient is cut into [−c, c], so the
#   direction can change.
#
# 🤔 **Predict:** a kernel's gradient is (3, 4), of length 5, and a bias's is (0.3, −0.4),
# of length 0.5. What does each kind of clipping with c = 1 make of them?

# %%
# One SGD step with learning rate 1 from weights at 0: each weight ends at minus its clipped
# gradient.
gradients = [np.array([[3.0, 4.0]], "float32"), np.array([0.3, -0.4], "float32")]
clipped = {}
for option in ("clipnorm", "global_clipnorm", "clipvalue"):
    weights = [keras.Variable(np.zeros_like(g)) for g in gradients]
    keras.optimizers.SGD(learning_rate=1.0, **{option: 1.0}).apply(gradients, weights)
    clipped[option] = [-w.numpy() for w in weights]
    kernel, bias = clipped[option]
    print(f"{option + '=1':18s} kernel {kernel.ravel().round(3)}  bias {bias.round(3)}")
hlc.expect(np.allclose(clipped["clipnorm"][0], [[0.6, 0.8]])
           and np.allclose(clipped["clipnorm"][1], gradients[1]),
           "clipnorm shortens the kernel's gradient to length 1, leaves the bias's alone")  # fmt: skip
hlc.expect(np.allclose(clipped["global_clipnorm"][1], gradients[1] / np.sqrt(25.25)),
           "global_clipnorm shrinks the bias's gradient too, by the common factor")  # fmt: skip
hlc.expect(np.allclose(clipped["clipvalue"][0], [[1.0, 1.0]]),
           "clipvalue cuts each number to 1, turning (3, 4) into (1, 1)")  # fmt: skip

# %% [markdown]
# `clipnorm` looks at each weight's gradient alone; `global_clipnorm` at all of them
# together, so one huge gradient shrinks every other one too; `clipvalue` turned (3, 4) into
# (1, 1), a different direction.
#
# ### Exercise 08.2: a bound on every step
#
# Plain SGD with learning rate 0.05 trains a network whose gradients are sometimes huge.
# Choose the clipping so that in every step (1) no weight tensor (a kernel or a bias) moves
# by more than 0.01 (L2 norm), (2) each tensor's step keeps the direction of its own
# gradient, and (3) a tensor whose step is within that bound anyway is left untouched.
# Answer with the optimizer: `answer = keras.optimizers.SGD(learning_rate=0.05, ...)`.

# %%
answer = ...
hlc.check("08.2", answer)

# %%
hlc.solution("08.2")

# %% [markdown]
# ## Forgetting the input shape
#
# Keras can only make a layer's weights once it knows how many numbers come in: a `Dense`
# layer's kernel has shape (inputs, units) (`build` in `keras/src/layers/core/dense.py`).
# Without a declared input a model stays unbuilt until data first passes through it, and
# errors appear later, wherever its shapes are first needed. Here are the real Keras 3
# messages, caught and explained.
#
# **1. No `keras.Input`: the model is not built.**

# %%
no_input = keras.Sequential([keras.layers.Dense(32, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")], name="no_input")  # fmt: skip
try:
    no_input.count_params()
except ValueError as error:
    print("ValueError:", first_line(error))
try:
    no_input.input
except AttributeError as error:
    print("AttributeError:", first_line(error))
hlc.expect(not no_input.built, "a Sequential model without an Input is not built")

# %% [markdown]
# No weights exist yet, so there is nothing to count, and the model has no input tensor.
# The second error is the one the classic "activation model" recipe
# (`keras.Model(model.input, ...)`) runs into; lesson 09 shows what works instead. Fix:
# start the model with `keras.Input(shape=(64,))`.
#
# **2. The old `input_shape=` argument still works, with a warning.**

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_style = keras.Sequential([keras.layers.Dense(32, activation="relu", input_shape=(64,)),
                                  keras.layers.Dense(10, activation="softmax")])  # fmt: skip
messages = [str(w.message) for w in caught if "input_shape" in str(w.message)]
print("UserWarning:", messages[0].split(". ")[0] + ".")
hlc.expect(old_style.built and messages, "input_shape= builds the model and warns")

# %% [markdown]
# The layer keeps the shape, and `Sequential` turns it into an `Input` in front of it, so
# the model is built.
#
# **3. Data of the wrong width, or a single sample without its batch axis.**

# %%
model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10, activation="softmax")])
for label, batch in [("63 features instead of 64", np.zeros((5, 63), "float32")),
                     ("one image as a flat vector", digits.x_test[0])]:  # fmt: skip
    try:
        model.predict(batch, verbose=0)
    except ValueError as error:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
        detail = re.search(r"(expected axis -1.*|Expected shape.*)", text).group(0)
        print(f"{label}:\n  ValueError ... {detail}")
print("fixed:", model.predict(digits.x_test[0][None, :], verbose=0).shape)

# %% [markdown]
# The first message is clear once you know that axis −1 is the last axis, the features. The
# second one is a trap: `predict` treats a single 64-number vector as 64 *samples* and cuts
# them into batches of 32 (its default batch size), so the complaint is about shape `(32,)`.
# A model always takes a batch: `x[None, :]` (or `x.reshape(1, -1)`) makes one image a
# batch of one.
#
# ### Exercise 08.3: images, not vectors
#
# `digits.images[0]` holds the training digits as pictures: an array of shape
# `(number of images, 8, 8)`. Build a model that takes them as they are, one 8 × 8 image
# per sample, and is built before it sees any data: the image's 64 pixels go to Dense 32
# ReLU, then Dense 10 softmax. Store it in `answer`.

# %%
answer = ...
hlc.check("08.3", answer)

# %%
hlc.solution("08.3")

# %% [markdown]
# ## Softmax outputs and a loss that expects logits
#
# A classifier's last layer gives either **probabilities** (softmax) or raw scores called
# **logits** (no activation). The loss must be told which: Keras' cross-entropy losses
# expect probabilities by default (`from_logits=False`), and `from_logits=True` says they
# get logits. Mix them up and one of the two mistakes is silent.
#
# 🤔 **Predict:** which mistake will Keras notice?


# %%
def train_digits(output, loss):
    """A 64 -> 32 -> 10 digits model with this output kind and loss; (model, test accuracy)."""
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(64, (32,), output=output, n_outputs=10)
    hlc.training.train_fast(model, digits.x_train, digits.y_train, epochs=20, batch_size=64,
                            learning_rate=2e-3, loss=loss, seed=seed)  # fmt: skip
    predicted = model(digits.x_test).numpy().argmax(axis=1)
    return model, float(np.mean(predicted == digits.y_test))


sparse = keras.losses.SparseCategoricalCrossentropy
softmax_model, right = train_digits("classes", sparse())
_, mismatched = train_digits("logits", sparse())
accuracy = {"softmax output, probability loss (right)": right,
            "logits output, probability loss": mismatched}  # fmt: skip
for label, value in accuracy.items():
    print(f"{label:42s} test accuracy {value:.2f}")
fig, ax = plt.subplots(figsize=(7, 2.0))
ax.barh(list(accuracy)[::-1], list(accuracy.values())[::-1], color="#0072B2")
ax.set(xlim=(0, 1), xlabel="digits test accuracy", title="Output activation and loss must agree")
plt.show()

# The other mix-up, on the trained softmax model: its probabilities given to a logits loss.
probabilities = softmax_model(digits.x_test)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    as_logits = float(sparse(from_logits=True)(digits.y_test, probabilities))
as_probabilities = float(sparse()(digits.y_test, probabilities))
warned = [str(w.message) for w in caught if "from_logits" in str(w.message)]
print("softmax output, logits loss: Keras warned that the output",
      warned[0].split("but the `output` argument ")[1].rstrip('"'))  # fmt: skip
print(f"  and computed {as_logits:.4f}, the same as the probability loss ({as_probabilities:.4f})")

# %%
hlc.claim("digits accuracy, softmax with the right loss", right, at_least=0.93)
hlc.claim("digits accuracy, logits fed to a probability loss", mismatched, at_most=0.75)
hlc.expect(warned and abs(as_logits - as_probabilities) < 1e-4,
           "Keras warns about softmax with from_logits and uses the scores behind it")  # fmt: skip

# %% [markdown]
# What happened, as `_get_logits` and `sparse_categorical_crossentropy` in
# `keras/src/backend/tensorflow/nn.py` do it:
#
# - **Softmax output, logits loss.** Keras' softmax attaches the scores it started from to
#   its output. The loss finds them, warns, and uses those scores, so the loss (and
#   training) comes out right. The rescue is the TensorFlow backend's; do not count on it.
# - **Logits output, probability loss.** Nothing warns. The loss clips every score into
#   [10⁻⁷, 1 − 10⁻⁷], divides them by their sum and takes the logarithm, as if they were
#   probabilities. A score outside that range is cut off, and a cut-off score gets no
#   gradient: a score below 0 or above 1 gets no push at all from that sample. Accuracy
#   stays far below the right pair's.
# - **Softmax output, probability loss** (the right pair). On TensorFlow the loss again
#   uses the scores behind Keras' softmax, exactly as `from_logits=True` would. Probabilities
#   made any other way (another backend, or numbers computed outside the model) are clipped
#   instead, as the next cell shows.

# %%
truth = np.array([1])
confident = np.array([[12.0, -12.0, 0.0]], "float32")  # sure of class 0, but it is class 1
plain = np.exp(confident) / np.exp(confident).sum()  # probabilities with no scores attached
capped = float(sparse()(truth, plain))
print(f"confident mistake: logits loss on the scores "
      f"{float(sparse(from_logits=True)(truth, confident)):.2f}, probability loss on its "
      f"probabilities {capped:.2f}")  # fmt: skip
raw = tf.Variable([[2.0, -1.0, 0.5]])  # raw scores given to a probability loss
with tf.GradientTape() as tape:
    mistaken = sparse()(truth, raw)
step = tape.gradient(mistaken, raw).numpy()[0]
print("gradient of a probability loss on raw scores (2.0, -1.0, 0.5):", step.round(3))
hlc.expect(abs(capped + np.log(1e-7)) < 1e-3,
           "clipped probabilities cap a confident mistake's loss at -ln(1e-7)")  # fmt: skip
hlc.expect(step[0] == 0 and step[1] == 0 and step[2] != 0,
           "scores outside (0, 1) get no gradient from a probability loss")  # fmt: skip

# %% [markdown]
# The scores say the loss is 24; the clipped probabilities cap it at −ln 10⁻⁷ ≈ 16.1. And
# of the raw scores (2.0, −1.0, 0.5), only 0.5, the one inside (0, 1), gets a gradient:
# the right class's score, −1.0, gets none at all. The rule: **softmax output
# with the default loss, or no output activation with `from_logits=True`**; the second one
# is right on every backend.
#
# ### Exercise 08.4: which loss for which output?
#
# Give the loss for each of these models, as a dict `{"a": ..., "b": ..., "c": ...}` of loss
# objects from `keras.losses`:
#
# - (a) ends in `Dense(10)` with no activation; its labels are integers 0-9;
# - (b) ends in `Dense(10, activation="softmax")`; its labels are one-hot rows of 10 numbers;
# - (c) ends in `Dense(1)` with no activation; its labels are 0 or 1.

# %%
answer = ...
hlc.check("08.4", answer)

# %%
hlc.solution("08.4")

# %% [markdown]
# ## Unscaled inputs
#
# Features on very different scales hurt. Keras' default weights are sized for inputs with
# a spread of about 1, so with one input in the hundreds the first layer's pre-activations
# are in the hundreds too: its tanh units start saturated. And one learning rate cannot
# suit both features: a step that is right for the weights of one is far off for the other
# (LeCun et al. 1998, section 4.3). Here are the circles with the second coordinate
# stretched 1,000 times, as if measured in thousandths.

# %%
stretch = np.array([1.0, 1000.0], "float32")
unscaled_train, unscaled_test = circles.x_train * stretch, circles.x_test * stretch
print("feature means:", unscaled_train.mean(axis=0).round(1),
      " stds:", unscaled_train.std(axis=0).round(1))  # fmt: skip
mean, std = unscaled_train.mean(axis=0), unscaled_train.std(axis=0)
inputs = {"unscaled": (unscaled_train, unscaled_test),
          "standardized": ((unscaled_train - mean) / std, (unscaled_test - mean) / std)}  # fmt: skip
scores, predicted, saturated_at_start = {}, {}, {}
for label, (train, test) in inputs.items():
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(2, (8,), activation="tanh")
    saturated_at_start[label] = hlc.diagnostics.activation_stats(model, train)["hidden_1"].saturated
    if label == "unscaled":
        print([str(flag) for flag in hlc.diagnostics.diagnose(model, train).flags][0])
    hlc.training.train_fast(model, train, circles.y_train, epochs=300, learning_rate=0.03,
                            seed=seed)  # fmt: skip
    predicted[label] = model(test).numpy()[:, 0] > 0.5
    scores[label] = float(np.mean(predicted[label] == circles.y_test))
fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), sharey=True)
for ax, (label, guess) in zip(axes, predicted.items(), strict=True):
    for value, marker, color in [(False, "o", "#0072B2"), (True, "^", "#E69F00")]:
        chosen = guess == value
        ax.scatter(*circles.x_test[chosen].T, marker=marker, color=color, s=18,
                   label=f"predicted class {int(value)}")  # fmt: skip
    ax.set(title=f"{label}: test accuracy {scores[label]:.2f}", xlabel="x1", aspect="equal")
axes[0].set_ylabel("x2 (shown unstretched)")
axes[0].legend(loc="lower left", fontsize=8)
plt.show()
print(", ".join(f"{k}: {saturated_at_start[k]:.0%} of the first layer saturated at the start, "
                f"test accuracy {v:.2f}" for k, v in scores.items()))  # fmt: skip
hlc.claim("first layer saturated at the start, unscaled inputs", saturated_at_start["unscaled"],
          at_least=0.6)  # fmt: skip
hlc.claim("first layer saturated at the start, standardized inputs",
          saturated_at_start["standardized"], at_most=0.1)  # fmt: skip
hlc.claim("circles accuracy, one feature x1000", scores["unscaled"], at_most=0.85)
hlc.claim("circles accuracy, standardized", scores["standardized"], at_least=0.95)

# %% [markdown]
# Same data, same network; only the scale differs. In this run the unscaled network's
# answers follow the stretched feature almost alone (bands across the plane); the
# standardized one draws the ring. **Standardize** every feature (subtract its mean, divide
# by its standard deviation), with statistics from the training data only.
# `keras.layers.Normalization` does the same inside a model (call its `adapt(x_train)`).
#
# ### Exercise 08.5: standardize, with a blank pixel
#
# Write `answer(x_train, x_test)` that returns both arrays standardized per feature (column)
# with the training data's mean and standard deviation. Real data has a catch the circles
# did not: some digits pixels are blank (0) in every training image (count them:
# `(digits.x_train.std(axis=0) == 0).sum()`), yet may be inked in a test image. Your
# function must return no NaN or infinity, and a feature that is constant in the training
# data should come out centred (0 in every training row) but not rescaled.

# %%
answer = ...
hlc.check("08.5", answer)

# %%
hlc.solution("08.5")

# %% [markdown]
# ## Watching training: update-to-weight ratios
#
# Gradient norms say how strongly the loss pulls on each layer; the **update-to-weight
# ratio** says how much each step actually moves the weights, relative to their size:
# log₁₀(std(ΔW) / std(W)). A rule of thumb from Andrej Karpathy's *Neural Networks: Zero to
# Hero* lectures puts a healthy value near **−3** (each step moves the weights by about a
# thousandth of their spread): far below, a layer barely moves; far above, training may
# thrash. It tells you where to look, not what is right: the best ratio depends on the
# optimizer and the model. `hlc.diagnostics.UpdateRatioTracker` records it for every layer:
# pass it to `model.fit(..., callbacks=[tracker])`, or, as here, to `train_fast`'s
# `on_progress`.

# %%
trackers, start_loss, final_loss = {}, {}, {}
for learning_rate in (0.001, 0.1):
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(64, (32, 32), output="classes", n_outputs=10)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy"
    )
    tracker = hlc.diagnostics.UpdateRatioTracker(model=model)
    history = hlc.training.train_fast(model, digits.x_train, digits.y_train, epochs=60, chunk=1,
                                      on_progress=tracker.on_progress, seed=seed)  # fmt: skip
    trackers[learning_rate] = tracker
    start_loss[learning_rate], final_loss[learning_rate] = history["loss"][0], history["loss"][-1]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
for ax, (learning_rate, tracker) in zip(axes, trackers.items(), strict=True):
    hlc.plots.plot_update_ratios(tracker, ax)
    ax.set_title(f"SGD, learning rate {learning_rate}: loss {final_loss[learning_rate]:.2f}")
plt.show()
median = {lr: float(np.median(t.history["update"]["hidden_1"])) for lr, t in trackers.items()}
print(", ".join(f"learning rate {lr}: median log10 ratio {m:.1f}, loss {start_loss[lr]:.2f} "
                f"-> {final_loss[lr]:.2f}" for lr, m in median.items()))  # fmt: skip
hlc.claim("update ratio (log10), SGD 0.001", median[0.001], at_most=-3.8)
hlc.claim("update ratio (log10), SGD 0.1", median[0.1], at_least=-3.0)
hlc.claim("loss at initialization minus ln 10", start_loss[0.1] - np.log(10),
          at_least=-0.25, at_most=0.25)  # fmt: skip
hlc.claim("loss drop in 60 steps, SGD 0.001", start_loss[0.001] - final_loss[0.001], at_most=0.05)
hlc.claim("loss drop in 60 steps, SGD 0.1", start_loss[0.1] - final_loss[0.1], at_least=0.4)

# %% [markdown]
# Both runs start near ln 10 ≈ 2.30, the loss of a uniform guess over 10 classes: lesson
# 07's check that a classifier starts sensibly. With learning rate 0.001 the first layer's
# median ratio sits between −4.4 and −4.2 on the seeds the course checks, some 20 times
# below the reference line, and in 60 steps the loss barely moves. At 0.1 it sits between
# −2.5 and −2.3, a few times above the line, and the loss falls much further in the same 60
# steps. The ratio turns "is my learning rate right?" into
# something you can read off a plot, per layer.

# %% [markdown]
# ## Overfitting, recapped
#
# The last pitfall is the one you met in lessons 04 and 06: a network big enough to memorize
# its training data does better there than on new data. None of the diagnostics above
# compares training data with new data, so they cannot show it; the **gap between training
# and validation curves** does. Lesson 06's regularization lab
# (`hlc.widgets.regularization_lab()`) is the place to fight it: more data, dropout, L1/L2,
# early stopping and batch normalization.
#
# | symptom | likely cause | first remedy |
# |---|---|---|
# | early layers' gradient norms far below the last layer's | vanishing gradients | ReLU + He, batch normalization |
# | loss becomes NaN early | exploding gradients, too-large start or learning rate | clipping, smaller learning rate, He/Glorot start |
# | units of a layer identical | symmetric (e.g. all-zero) initialization | random initialization (Keras' default) |
# | most tanh/sigmoid outputs at ±1 (or 0/1) | saturation: weights or inputs too large | standardize inputs, Glorot, ReLU |
# | many ReLU units output 0 for every input | dead units | smaller learning rate, He, leaky ReLU |
# | update ratio far from 10⁻³ (a rule of thumb) | learning rate too small or too large | adjust the learning rate |
# | loss at the start far from ln(number of classes) | a bad start (too large weights, wrong loss) | check the initialization and the loss |
# | training accuracy far above validation | overfitting | lesson 06 |

# %% [markdown]
# ## Summary
#
# - `hlc.diagnostics.diagnose(model, x, y)` reads a network's health per layer and names
#   problems with remedies; `gradient_norms`, `activation_stats` and `UpdateRatioTracker`
#   give the numbers behind it, for any model style, and a `tf.GradientTape` gives them too.
# - Deep sigmoid stacks starve their first layers of gradient; ReLU with He initialization,
#   or batch normalization, keeps it alive. Too-large weights make gradients explode;
#   clipping bounds each step (`clipnorm` per weight, `global_clipnorm` for all together,
#   `clipvalue` per number, which turns the step). `hlc.widgets.gradient_explorer()` shows
#   every layer's gradient at initialization for a depth, activation, initializer and batch
#   norm of your choice.
# - Give every model `keras.Input(shape=...)` with the shape of one sample; give `predict` a
#   batch, never a single sample.
# - Softmax with the default loss, or no activation with `from_logits=True`; standardize
#   inputs with training statistics.
#
# **Next:** [09 · Visualizing hidden layers](09_visualizing_hidden_layers.ipynb)
