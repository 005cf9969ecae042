# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 · Pitfalls and diagnostics
#
# A network that trains badly rarely says why. This lesson goes through the classic
# pitfalls of hidden layers one at a time (each with a picture, a fix and an exercise) and
# gives you a toolkit that measures what is going on inside any Keras model:
# `hlc.diagnostics`.
#
# **Time:** about 45 minutes
#
# **Objectives**
# - Diagnose vanishing and exploding gradients with per-layer gradient norms.
# - See what bad initialization, a forgotten input shape and a logits mismatch do.
# - Read per-layer activation statistics and update-to-weight ratios.

# %%
# In Google Colab this installs the course's helper package (and nothing else: Colab already
# has TensorFlow and Keras). Anywhere else it does nothing.
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "hlcourse @ git+https://github.com/hlcourse/hidden-layers-course"],
        check=True,
    )  # fmt: skip
    from google.colab import output

    output.enable_custom_widget_manager()

# %% [markdown]
# ## Setup

# %%
import hlcourse as hlc

seed = hlc.setup()

# %%
import re
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np

spiral = hlc.data.make_classification("spiral", n_samples=400, noise=0.05, seed=seed)
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
# - **mean** and **std** of its outputs: a layer whose outputs barely vary passes on little;
# - **saturated**: the share of sigmoid or tanh outputs stuck near their limits, where the
#   slope (and so the gradient passed back) is almost zero;
# - **dead**: the share of ReLU units that output 0 for every sample (no gradient, ever);
# - **grad norm**: the size of the loss's gradient with respect to the layer's weights, i.e.
#   how hard training pushes on that layer.
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
# Backpropagation multiplies, layer by layer, the slopes of the activations on the way back.
# A sigmoid's slope is at most 0.25. Through eight sigmoid layers the gradient reaching the
# first layer can shrink by 0.25⁸ ≈ 0.00002: the first layers barely learn. ReLU (slope 1
# where active) with He initialization, or batch normalization between the layers, keeps
# the gradient alive.
#
# 🤔 **Predict:** in a network of eight hidden sigmoid layers, how much smaller than the last
# layer's will the first layer's gradient be: 10 times? 1,000 times? More?

# %%
deep = {
    "sigmoid": dict(activation="sigmoid"),
    "ReLU + He": dict(activation="relu", initializer="he_normal"),
    "ReLU + He + batch norm": dict(activation="relu", initializer="he_normal", batch_norm=True),
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
hlc.diagnostic_plots.plot_gradient_norms(norms, ax)
ax.set_title("Gradient norm of each layer's weights, at initialization (log scale)")
plt.show()
first = {
    label: [r.kernel_norm for r in n.rows if r.weight == "kernel"][0] for label, n in norms.items()
}
for label, value in first.items():
    print(f"{label:24s} first hidden layer's gradient norm: {value:.1e}")

# %%
hlc.claim("first-layer gradient, ReLU + He over sigmoid", first["ReLU + He"] / first["sigmoid"],
          at_least=1000)  # fmt: skip
hlc.claim("first-layer gradient, batch norm over sigmoid",
          first["ReLU + He + batch norm"] / first["sigmoid"], at_least=1000)  # fmt: skip

# %% [markdown]
# Ten thousand times and more: the sigmoid stack's gradient fades layer by layer (the bars
# fall steadily from right to left), while ReLU + He keeps every layer within a small
# factor of the others. The diagnosis says the same in words:

# %%
hlc.diagnostics.diagnose(networks["sigmoid"], spiral.x_train[:256], spiral.y_train[:256])

# %% [markdown]
# What it costs: the same 200 training steps for the sigmoid stack and for ReLU + He.

# %%
losses = {}
for label in ("sigmoid", "ReLU + He"):
    history = hlc.training.train_fast(networks[label], spiral.x_train, spiral.y_train,
                                      epochs=200, learning_rate=0.01, seed=seed)  # fmt: skip
    losses[label] = history
ax = hlc.plots.plot_history(losses)
ax.set_title("Eight hidden layers on the spiral: training loss")
plt.show()
hlc.claim("deep sigmoid stack, final training loss", losses["sigmoid"]["loss"][-1], at_least=0.6)
hlc.claim("deep ReLU + He, final training loss", losses["ReLU + He"]["loss"][-1], at_most=0.3)

# %% [markdown]
# The sigmoid stack stays near 0.69, the loss of a coin toss; ReLU + He learns the spiral.
#
# ### Exercise 07.1: wake up the first layer
#
# Keep eight hidden layers of 16 units, but choose the activation, the initializer (a name
# such as `"he_normal"`, or `None` for Keras' default) and whether to use batch
# normalization, so that the first layer gets at least 1/100 of the last layer's gradient.
# Answer with a dict: `{"activation": ..., "initializer": ..., "batch_norm": ...}`.

# %%
answer = ...
hlc.check("07.1", answer)

# %%
hlc.solution("07.1")

# %% [markdown]
# ## Exploding gradients and clipping
#
# The opposite failure: when weights start too large, each layer *multiplies* the signal and
# the gradient, and a deep network's first step can be so big that the weights jump to
# infinity. Here is a six-layer ReLU network whose weights start with spread 0.5 (He would
# use about 0.25 for these layers), on a small regression task.

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
# 🤔 **Predict:** what happens to the loss when this network trains with plain SGD? And when
# every step is **clipped** (`clipnorm=1.0`: a gradient longer than 1 is scaled down to
# length 1 before the step)?

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
hlc.expect(not np.isfinite(curves["SGD"][-1]), "without clipping the loss becomes NaN")
hlc.claim("exploding network with clipping, final loss", curves["SGD, clipnorm=1.0"][-1],
          at_most=2.0)  # fmt: skip

# %% [markdown]
# Without clipping the loss is NaN from the first epoch: no point of the curve survives.
# Clipping bounds every step, so training survives the violent start and then settles. The
# better cure is a sensible initialization (next section); clipping is the safety net, and
# the standard one for recurrent networks (lesson 10).
#
# ### Exercise 07.2: tame exploding gradients
#
# Give an optimizer that trains `exploding_network()` for 50 epochs (batches of 32) to a
# final loss of at most 2. Answer with the optimizer object, e.g.
# `answer = keras.optimizers.SGD(...)`.

# %%
answer = ...
hlc.check("07.2", answer)

# %%
hlc.solution("07.2")

# %% [markdown]
# ## Initialization
#
# Training starts from the initial weights, and three things can go wrong there.
#
# ### All zeros: symmetric units
#
# If every weight starts at zero, every unit of a layer computes the same thing and gets
# the same gradient, so after any number of steps they are still identical.
#
# 🤔 **Predict:** how well can an 8-unit tanh layer that starts at zero learn the circles?

# %%
circles = hlc.data.make_classification("circles", n_samples=400, noise=0.05, seed=seed)
start = {}
for label, initializer in [("all zeros", "zeros"), ("Keras' default (Glorot)", None)]:
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(2, (8,), activation="tanh", initializer=initializer)
    hlc.training.train_fast(model, circles.x_train, circles.y_train, epochs=300,
                            learning_rate=0.03, seed=seed)  # fmt: skip
    accuracy = np.mean((model(circles.x_test).numpy()[:, 0] > 0.5) == circles.y_test)
    start[label] = (model, float(accuracy))
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
for ax, (label, (model, accuracy)) in zip(axes, start.items(), strict=True):
    hlc.plots.plot_decision_map(model, circles, ax, title=f"{label}: test accuracy {accuracy:.2f}")
plt.show()
zeros_model = start["all zeros"][0]
spread = hlc.diagnostics.max_unit_difference(zeros_model, circles.x_test, "hidden_1")
print(f"largest difference between any two hidden units (all-zero start): {spread:.1e}")
hlc.expect(hlc.diagnostics.units_identical(zeros_model, circles.x_test, "hidden_1"),
           "after training from all zeros the eight hidden units are still identical")  # fmt: skip
hlc.claim("circles test accuracy, all-zero start", start["all zeros"][1], at_most=0.65)
hlc.claim("circles test accuracy, default start", start["Keras' default (Glorot)"][1],
          at_least=0.9)  # fmt: skip

# %% [markdown]
# The all-zero network cannot even start: every unit outputs tanh(0) = 0 and no gradient
# reaches the hidden weights, so it guesses. Random starting weights **break the symmetry**:
# each unit begins different, gets a different gradient and learns a different feature.
# (Biases may start at zero; Keras does that.)
#
# ### Exercise 07.3: how many different units?
#
# A hidden layer of 8 **sigmoid** units starts with all weights at zero (sigmoid(0) = 0.5,
# so here gradients do flow). After 1,000 training steps, how many *different* units does
# the layer have? Store the number in `answer`.

# %%
answer = ...
hlc.check("07.3", answer)

# %%
hlc.solution("07.3")

# %% [markdown]
# ### Too large: saturation
#
# Start a tanh layer with large weights and most pre-activations land far from zero, where
# tanh is flat: the units are **saturated** and pass back almost no gradient.

# %%
keras.utils.set_random_seed(seed)
too_large = hlc.models.build_dense_network(
    2,
    (64, 64),
    activation="tanh",
    initializer=keras.initializers.RandomNormal(stddev=5.0, seed=seed),
)
keras.utils.set_random_seed(seed)
default = hlc.models.build_dense_network(2, (64, 64), activation="tanh")
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
hlc.diagnostic_plots.plot_activation_histograms(default, circles.x_test, axes[0])
axes[0].set_title("Glorot (Keras' default)")
hlc.diagnostic_plots.plot_activation_histograms(too_large, circles.x_test, axes[1])
axes[1].set_title("weights ~ N(0, 5²): saturated")
plt.show()
saturated = {label: hlc.diagnostics.activation_stats(model, circles.x_test)["hidden_2"].saturated
             for label, model in [("default", default), ("too large", too_large)]}  # fmt: skip
print(
    ", ".join(f"{k}: {v:.0%} of the second layer's outputs saturated" for k, v in saturated.items())
)
hlc.claim("saturated share, too-large start", saturated["too large"], at_least=0.8)
hlc.claim("saturated share, default start", saturated["default"], at_most=0.1)

# %% [markdown]
# ### Glorot or He?
#
# Keras' default, **Glorot** (Xavier) initialization, picks a spread from the number of
# inputs and outputs so that, for tanh or sigmoid layers, signals neither grow nor shrink
# from layer to layer. ReLU zeroes half of its inputs, halving the signal's variance at
# every layer; **He** initialization doubles the spread to make up for it. In a deep ReLU
# stack the difference compounds.

# %%
stds = {}
for initializer in ("glorot_uniform", "he_normal"):
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(64, (64,) * 10, activation="relu",
                                           initializer=initializer, output="classes",
                                           n_outputs=10)  # fmt: skip
    stats = hlc.diagnostics.activation_stats(model, digits.x_train[:256])
    stds[initializer] = [row.std for row in stats.rows]
fig, ax = plt.subplots(figsize=(7, 3.5))
for (initializer, values), marker in zip(stds.items(), ["o", "s"], strict=True):
    ax.plot(range(1, len(values) + 1), values, marker=marker, label=initializer)
ax.set(yscale="log", xlabel="hidden layer", ylabel="std of its outputs (log)",
       title="Ten ReLU layers at initialization")  # fmt: skip
ax.legend()
plt.show()
ratio = stds["he_normal"][-1] / stds["glorot_uniform"][-1]
print(f"tenth layer's output spread: He is {ratio:.0f} times Glorot's")
hlc.claim("tenth-layer spread, He over Glorot (ReLU)", ratio, at_least=5)

# %% [markdown]
# Under Glorot the ReLU signal shrinks layer after layer; under He it holds steady. Rule of
# thumb: **He for ReLU and its relatives, Glorot for tanh and sigmoid**. Keras' defaults are
# sensible for shallow networks; for deep ReLU stacks, pass `kernel_initializer="he_normal"`.

# %% [markdown]
# ## Forgetting the input shape
#
# Keras can only make a layer's weights once it knows how many numbers come in. Forget to
# say it, and errors appear in places far from the cause. Here are the real Keras 3 messages,
# caught and explained.
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
# (`keras.Model(model.input, ...)`) runs into; lesson 08 shows what works instead. Fix:
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
# The first message is clear once you know that axis −1 is the feature axis. The second one
# is a trap: `predict` treats a single 64-number vector as 64 *samples* and cuts it into
# batches of 32, so the complaint is about shape `(32,)`. A model always takes a batch:
# `x[None, :]` (or `x.reshape(1, -1)`) makes one image a batch of one.
#
# ### Exercise 07.4: give the model its input shape
#
# Build the model of case 1 (Dense 32 ReLU, then Dense 10 softmax) so that it is built, with
# its shapes known, before it sees any data. Store it in `answer`.

# %%
answer = ...
hlc.check("07.4", answer)

# %%
hlc.solution("07.4")

# %% [markdown]
# ## Softmax outputs and a loss that expects logits
#
# A classifier's last layer gives either **probabilities** (softmax) or raw scores called
# **logits** (no activation). The loss must be told which: losses expect probabilities by
# default, and `from_logits=True` says they get logits. Mix them up and one of the two
# mistakes is silent.
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
# Softmax outputs given to a logits loss: Keras (on TensorFlow) spots the softmax, warns,
# and quietly uses the scores before it, so the loss (and training) come out right. The other way round nothing
# warns you: raw scores, some of them negative, are read as probabilities, the loss is
# meaningless and accuracy collapses. The rule: **softmax output with the default loss, or
# no output activation with `from_logits=True`** (slightly more precise numerically).
#
# ### Exercise 07.5: a loss for raw scores
#
# A digits model ends in `Dense(10)` with no activation, and its labels are integers 0-9.
# Give the loss object to compile it with.

# %%
answer = ...
hlc.check("07.5", answer)

# %%
hlc.solution("07.5")

# %% [markdown]
# ## Unscaled inputs
#
# Features on very different scales hurt: with one input in the thousands, the first
# layer's pre-activations are dominated by that feature, tanh units saturate, and the
# gradient steps that suit one feature are wrong for the other. Here are the circles with
# the second coordinate measured in "thousandths".

# %%
stretch = np.array([1.0, 1000.0], "float32")
unscaled_train, unscaled_test = circles.x_train * stretch, circles.x_test * stretch
print("feature means:", unscaled_train.mean(axis=0).round(1),
      " stds:", unscaled_train.std(axis=0).round(1))  # fmt: skip
mean, std = unscaled_train.mean(axis=0), unscaled_train.std(axis=0)
inputs = {"unscaled": (unscaled_train, unscaled_test),
          "standardized": ((unscaled_train - mean) / std, (unscaled_test - mean) / std)}  # fmt: skip
scores, predicted = {}, {}
for label, (train, test) in inputs.items():
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(2, (8,), activation="tanh")
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
print(", ".join(f"{k}: test accuracy {v:.2f}" for k, v in scores.items()))
hlc.claim("circles accuracy, one feature x1000", scores["unscaled"], at_most=0.85)
hlc.claim("circles accuracy, standardized", scores["standardized"], at_least=0.95)

# %% [markdown]
# Same data, same network; only the scale differs. The unscaled network's answers depend
# almost only on the stretched feature (bands across the plane); the standardized one draws
# the ring. **Standardize** every feature (subtract
# its mean, divide by its standard deviation), with statistics from the training data only.
# `keras.layers.Normalization` does the same inside a model (call its `adapt(x_train)`).
#
# ### Exercise 07.6: standardize the inputs
#
# Write `answer(x_train, x_test)` returning both arrays standardized per feature (column),
# with the training data's mean and standard deviation.

# %%
answer = ...
hlc.check("07.6", answer)

# %%
hlc.solution("07.6")

# %% [markdown]
# ## Watching training: update-to-weight ratios
#
# Gradient norms say how hard training pushes; the **update-to-weight ratio** says how much
# each step actually moves the weights, relative to their size:
# log₁₀(std(ΔW) / std(W)). Around **−3** (each step changes the weights by about a
# thousandth) layers learn at a healthy pace; far below, they barely move; far above, they
# thrash. `hlc.diagnostics.UpdateRatioTracker` records it for every layer: pass it to
# `model.fit(..., callbacks=[tracker])`, or, as here, to `train_fast`'s `on_progress`.

# %%
trackers, final_loss = {}, {}
for learning_rate in (0.001, 0.1):
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(64, (32, 32), output="classes", n_outputs=10)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy"
    )
    tracker = hlc.diagnostics.UpdateRatioTracker(model=model)
    history = hlc.training.train_fast(model, digits.x_train, digits.y_train, epochs=60, chunk=1,
                                      on_progress=tracker.on_progress, seed=seed)  # fmt: skip
    trackers[learning_rate], final_loss[learning_rate] = tracker, history["loss"][-1]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
for ax, (learning_rate, tracker) in zip(axes, trackers.items(), strict=True):
    hlc.diagnostic_plots.plot_update_ratios(tracker, ax)
    ax.set_title(f"SGD, learning rate {learning_rate}: loss {final_loss[learning_rate]:.2f}")
plt.show()
median = {lr: float(np.median(t.history["update"]["hidden_1"])) for lr, t in trackers.items()}
print(", ".join(f"learning rate {lr}: median log10 ratio {m:.1f}" for lr, m in median.items()))
hlc.claim("update ratio (log10), SGD 0.001", median[0.001], at_most=-3.8)
hlc.claim("update ratio (log10), SGD 0.1", median[0.1], at_least=-3.0)

# %% [markdown]
# With learning rate 0.001 every layer sits near −4.3, ten times below the reference line:
# the network learns, slowly. At 0.1 the ratios sit near −2.4, a little above the line,
# and the loss falls much further in the same 60 steps. The ratio turns "is my learning
# rate right?" into something you can read off a plot, per layer.

# %% [markdown]
# ## Overfitting, recapped
#
# The last pitfall is the one you met in lessons 04 and 06: a network big enough to memorize
# its training data does better there than on new data. Diagnostics do not show it; the
# **gap between training and validation curves** does. Lesson 06's regularization lab
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
# | update ratio far from 10⁻³ | learning rate too small or too large | adjust the learning rate |
# | training accuracy far above validation | overfitting | lesson 06 |

# %% [markdown]
# ## Summary
#
# - `hlc.diagnostics.diagnose(model, x, y)` reads a network's health per layer and names
#   problems with remedies; `gradient_norms`, `activation_stats` and `UpdateRatioTracker`
#   give the numbers behind it, for any model style.
# - Deep sigmoid stacks starve their first layers of gradient; ReLU with He initialization
#   or batch normalization fixes that. Too-large weights make gradients explode; clipping
#   bounds each step.
# - Initialization must be random (to break symmetry) and of the right spread: Glorot for
#   tanh/sigmoid, He for ReLU.
# - Give every model `keras.Input(shape=...)`; give `predict` a batch, never a single vector.
# - Softmax with the default loss, or no activation with `from_logits=True`; standardize
#   inputs with training statistics.
#
# **Next:** [08 · Visualizing hidden layers](08_visualizing_hidden_layers.ipynb)
