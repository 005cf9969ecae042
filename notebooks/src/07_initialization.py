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
# # 07 · Initialization and the first epochs
#
# Training starts from the weights a network is given before it has seen any data, and
# gradient descent can only improve on that start step by step. Lesson 06 fought
# overfitting and measured what batch normalization does to training; this lesson goes one
# step earlier, to the starting weights themselves. Three things can go wrong there: units
# that start as copies of each other, weights so large that units saturate, and weights
# whose size lets the signal shrink or grow from layer to layer. And one number, the loss
# before any training, tells you whether a classifier starts sensibly.
#
# **Time:** about 40 minutes
#
# **Objectives**
# - See why units that start equal stay equal, and why too-large weights saturate tanh units.
# - Derive Glorot and He initialization from the variance of activations, layer by layer.
# - Check a fresh classifier's loss against ln C.
# - Watch dead units appear at a large learning rate, and batch normalization prevent them.

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
import keras
import matplotlib.pyplot as plt
import numpy as np

digits = hlc.data.load_digits(seed=seed)


# %% [markdown]
# ## All zeros: symmetric units
#
# If all units of a layer start with the same weights, they compute the same output for
# every input, receive the same gradient and take the same step: they stay copies of each
# other however long training runs. All zeros is the commonest way to get there.
#
# 🤔 **Predict:** how well can a layer of 8 tanh units that starts at zero learn the
# circles?

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
hlc.expect(not zeros_model.get_layer("hidden_1").kernel.numpy().any()
           and not zeros_model.get_layer("output").kernel.numpy().any(),
           "after training from all zeros the hidden and output weights are still 0")  # fmt: skip
hlc.claim("circles test accuracy, all-zero start", start["all zeros"][1], at_most=0.65)
hlc.claim("circles test accuracy, default start", start["Keras' default (Glorot)"][1],
          at_least=0.9)  # fmt: skip

# %% [markdown]
# The eight units are still identical, and more: the hidden and output weights are still
# exactly 0. Every hidden unit outputs tanh(0) = 0, so the output weights' gradient (hidden
# output times error) is 0; and with output weights of 0, the error sent back to the hidden
# layer is 0 too. Only the output bias learns, and all it can learn is how common each class
# is: the network guesses. Random starting weights **break the symmetry**: each unit
# begins different, gets a different gradient and learns a different feature. Biases may
# start at zero (Keras' `Dense` does, `bias_initializer="zeros"`), because the random
# kernel already makes the units differ.
#
# ### Exercise 07.1: equal, but not zero
#
# The same network starts instead with **every weight equal to 0.5**
# (`initializer=keras.initializers.Constant(0.5)`; biases still 0) and trains as above. After
# training, how many *different* units does its hidden layer have, and have its hidden
# weights changed? Answer with a dict `{"different units": ..., "hidden weights changed":
# ...}`. Reason it out first; training the network afterwards will confirm it.

# %%
answer = ...
hlc.check("07.1", answer)

# %%
hlc.solution("07.1")

# %% [markdown]
# ## Too large: saturation
#
# Start a tanh layer with large weights and most pre-activations land far from zero, where
# tanh is flat (slope below 0.05): the units are **saturated** and pass back almost no
# gradient.

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
hlc.plots.plot_activation_histograms(default, circles.x_test, axes[0])
axes[0].set_title("Glorot (Keras' default)")
hlc.plots.plot_activation_histograms(too_large, circles.x_test, axes[1])
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
# ## Glorot or He?
#
# How large should random starting weights be? Follow the spread of the signal through one
# layer. A unit computes z = w₁x₁ + … + wₙxₙ over its n = fan_in inputs (the bias starts
# at 0). When the weights are drawn independently of each other and of the inputs, with
# mean 0, the variance of the sum is
#
# **Var(z) = fan_in · Var(w) · E[x²]**
#
# (E[x²], not Var(x): the inputs need not have mean 0; d2l.ai section 5.4.2). For the spread
# to stay the same from layer to layer, this must equal the previous layer's Var(z).
#
# - If the activation behaves like the identity near 0, as tanh does for small inputs,
#   then E[x²] ≈ Var(z_prev) and the condition is Var(w) = 1 / fan_in: **LeCun**
#   initialization (LeCun et al. 1998). The gradient on its way back asks for
#   Var(w) = 1 / fan_out instead; **Glorot** (or Xavier) initialization takes the compromise
#   **Var(w) = 2 / (fan_in + fan_out)** (Glorot and Bengio 2010, section 4.2.1). It is
#   Keras' default for `Dense`.
# - ReLU sets the negative half of a symmetric, zero-mean z to 0, so
#   E[x²] = Var(z_prev) / 2: each layer halves the variance unless Var(w) doubles. **He**
#   initialization: **Var(w) = 2 / fan_in** (He et al. 2015, section 2.2). It doubles the
#   *variance* of LeCun's weights, so their standard deviation grows by √2.
#
# What Keras computes (`VarianceScaling` in `keras/src/initializers/random_initializers.py`):
# `glorot_uniform` draws from U(−a, a) with a = √(6 / (fan_in + fan_out)), whose variance
# a²/3 is exactly Glorot's; `he_uniform` uses a = √(6 / fan_in). The normal versions
# (`glorot_normal`, `he_normal`, `lecun_normal`) draw from a normal distribution cut off at
# two standard deviations, with its standard deviation first enlarged by 1 / 0.8796, so that
# after the cut it is exactly √(2 / (fan_in + fan_out)), √(2 / fan_in) or √(1 / fan_in).
# A plain `keras.initializers.RandomNormal()` knows nothing of fan_in: its standard deviation
# is 0.05 unless you pass `stddev=`. Here are both facts, checked on Keras' own draws:

# %%
he = keras.ops.convert_to_numpy(keras.initializers.HeNormal(seed=seed)((256, 256)))
target = np.sqrt(2 / 256)
print(f"he_normal, 256 inputs: std {he.std():.4f} (√(2/256) = {target:.4f}); largest |w| is "
      f"{np.abs(he).max() / target:.2f} times that, below the cut at 2 / 0.8796 = 2.27")  # fmt: skip
default_stddev = keras.initializers.RandomNormal().get_config()["stddev"]
print("keras.initializers.RandomNormal() draws with stddev", default_stddev)
hlc.expect(abs(he.std() / target - 1) < 0.02 and np.abs(he).max() <= 2 * target / 0.8796 + 1e-6,
           "he_normal's weights have std √(2 / fan_in), none beyond the cut")  # fmt: skip
hlc.expect(default_stddev == 0.05, "RandomNormal's default standard deviation is 0.05")

# %% [markdown]
# 🤔 **Predict:** a Dense layer of 256 units receives 256 ReLU outputs of unit-variance
# pre-activations, so E[x²] = ½. What variance will its own pre-activations have under
# Glorot? Under He?

# %%
rng = np.random.default_rng(seed)
x = np.maximum(rng.standard_normal((4096, 256)), 0).astype("float32")  # ReLU of N(0, 1)
keras.utils.set_random_seed(seed)
variances = {}
for initializer in ("glorot_uniform", "he_normal"):
    layer = keras.layers.Dense(256, kernel_initializer=initializer)
    z = layer(x).numpy()
    var_w = float(layer.kernel.numpy().var())
    predicted = 256 * var_w * float(np.mean(x**2))
    variances[initializer] = (float(z.var()), predicted)
    print(f"{initializer:15s} Var(w) × fan_in = {var_w * 256:.3f}   Var(z) = {z.var():.3f}, "
          f"fan_in · Var(w) · E[x²] = {predicted:.3f}")  # fmt: skip
hlc.claim("one ReLU layer, measured over predicted variance, Glorot",
          variances["glorot_uniform"][0] / variances["glorot_uniform"][1],
          at_least=0.88, at_most=1.12)  # fmt: skip
hlc.claim("one ReLU layer, measured over predicted variance, He",
          variances["he_normal"][0] / variances["he_normal"][1],
          at_least=0.88, at_most=1.12)  # fmt: skip

# %% [markdown]
# The formula holds: under Glorot (here fan_in = fan_out, so Glorot's variance equals
# LeCun's 1 / fan_in) the layer passes on half the variance it received; under He, all of
# it.
#
# ## The spread, layer by layer
#
# One layer's factor compounds over many. `hlc.initialization.layer_activations(depth,
# width, initializer, activation)` pushes a batch of standardized inputs (here 128 samples
# of 256 features, each with mean 0 and variance 1) through `depth` Dense layers of `width`
# units at initialization and measures every layer. The weights are drawn by Keras' own
# initializers; the rest is a forward pass in NumPy (no model, no training), so it takes a
# fraction of a second. Three starts, each with tanh and with ReLU: N(0, 1)
# (`RandomNormal(stddev=1.0)`), Glorot (`glorot_normal`) and He (`he_normal`). For each
# layer the figure shows the outputs' histogram and the spread of z, measured (solid) and
# predicted from the layer below by the formula (dashed).
#
# 🤔 **Predict:** with N(0, 1) weights and 256 standardized inputs, what is the spread of
# the first layer's z? What will tanh make of it, and what happens to the spread over ten
# ReLU layers?

# %%
starts = ("RandomNormal(1.0)", "glorot_normal", "he_normal")
spreads = {(activation, start): hlc.initialization.layer_activations(10, 256, start, activation,
                                                                      n_samples=128, seed=seed)
           for activation in ("tanh", "relu") for start in starts}  # fmt: skip
fig, axes = plt.subplots(2, 4, figsize=(14, 7.5), gridspec_kw=dict(
    width_ratios=[1, 1, 1, 1.25], left=0.08, right=0.99, bottom=0.07, top=0.95, wspace=0.5,
    hspace=0.3))  # fmt: skip
for row, activation in zip(axes, ("tanh", "relu"), strict=True):
    for ax, start in zip(row, starts, strict=False):
        hlc.plots.plot_layer_histograms(spreads[activation, start], ax)
    hlc.plots.plot_layer_spreads({s: spreads[activation, s] for s in starts}, row[3])
    row[3].set_title(f"{activation}: spread of z, layer by layer", y=1.0)
plt.show()
for (activation, start), s in spreads.items():
    print(f"{activation:4s} {start:17s} std of z: layer 1 {s.pre_std[0]:8.3g}, "
          f"layer 10 {s.pre_std[-1]:8.3g}")  # fmt: skip

# %%
worst = max(float(np.max(np.abs(s.predicted_std / s.pre_std - 1))) for s in spreads.values())
relu = {start: spreads["relu", start] for start in starts}
chained = max(float(np.max(np.abs(s.chained_std / s.pre_std - 1))) for s in relu.values())
print(f"prediction from the layer below: off by at most {worst:.1%}; "
      f"ReLU predicted from the input alone: off by at most {chained:.1%}")  # fmt: skip
hlc.expect(worst < 0.2, "fan_in · Var(w) · E[h²] predicts every layer's spread within 20%")
hlc.expect(chained < 0.5, "for ReLU the formula, chained from the input, is within a half")
hlc.expect(abs(spreads["tanh", "RandomNormal(1.0)"].pre_std[0] / 16 - 1) < 0.05,
           "N(0, 1) weights and 256 standardized inputs give z a spread of about 16")  # fmt: skip
last = spreads["tanh", "RandomNormal(1.0)"].outputs[-1]
saturated_n01 = float(np.mean(1 - last.astype(np.float64) ** 2 < 0.05))  # slope of tanh < 0.05
ratio = relu["he_normal"].pre_std[-1] / relu["glorot_normal"].pre_std[-1]
held = relu["he_normal"].pre_std[-1] / relu["he_normal"].pre_std[0]
print(f"tanh from N(0, 1): {saturated_n01:.0%} of layer 10's outputs saturated; ReLU layer 10: "
      f"He's spread is {ratio:.0f} times Glorot's and {held:.2f} times its own layer 1's")  # fmt: skip
hlc.claim("tanh layer 10 from N(0, 1), saturated share", saturated_n01, at_least=0.85)
hlc.claim("tenth-layer spread, He over Glorot (ReLU)", ratio, at_least=25)
hlc.claim("tenth-layer spread over the first, He (ReLU)", held, at_least=0.6, at_most=1.5)

# %% [markdown]
# Read the figure row by row.
#
# - **N(0, 1)**: every unit adds up 256 products of variance 1, so z has spread
#   √256 = 16 in the first layer. Tanh turns almost every output into ±1 (the two spikes):
#   saturated from the first layer on. With ReLU nothing caps the growth: each layer
#   multiplies the spread by √(256 / 2) ≈ 11.3, and layer 10's z is in the tens of billions.
# - **Glorot** suits tanh: the spread shrinks only slowly (to about a quarter by layer 10),
#   because tanh squeezes what it passes on. With ReLU it loses half its variance at each
#   layer: nine layers after the first its spread is about 2^(−9/2) ≈ 1/23 of the first
#   layer's.
# - **He** holds the ReLU spread: layer 10's is within about a quarter of layer 1's on the
#   seeds the course checks. (He's layer 10 comes out exactly 32 = √2¹⁰ times Glorot's: with
#   fan_in = fan_out their weights are the same random draws, He's scaled by √2, and a ReLU
#   layer passes a scaled input on scaled by the same factor.)
#
# And the dashed lines sit on the solid ones: fan_in · Var(w) · E[h²] predicts each layer
# from the one below, whatever the start and the activation. Not exactly: a layer of 256
# units has one particular set of weights, and its factor differs from the formula's average
# by a few percent (up to about 13% on the seeds checked). Chained from the input over ten
# ReLU layers these deviations compound, to about a third at most: the formula gives the
# order of magnitude, and the wider the layers, the closer it gets. Rule of thumb: **He for
# ReLU and its relatives, Glorot (or LeCun) for tanh**. Keras' default, `glorot_uniform`
# weights with zero biases, serves shallow networks well (it learned the circles above); He
# et al. (2015, figure 3) report a 30-layer ReLU network that did not learn at all from
# Glorot's start and did from theirs. For deep ReLU stacks, pass
# `kernel_initializer="he_normal"`.
#
# ## The initialization explorer
#
# Move the controls instead of editing the cell: the depth (2 to 20 layers of 256 units), the
# initializer, the activation and a **gain**, a factor on every weight (it multiplies Var(w)
# by gain²).
#
# 🤔 **Predict:** the explorer opens on Keras' plain `RandomNormal()` with tanh, ten layers.
# Will the spread of z grow, hold or shrink, and by about what factor per layer? Then find
# the gain at which a layer would keep the spread if tanh were the identity, and the gain
# that turns `he_normal` into LeCun's Var(w) = 1 / fan_in.

# %%
explorer = hlc.widgets.init_explorer()
factor = (explorer.spreads.pre_std[-1] / explorer.spreads.pre_std[0]) ** (1 / 9)
hlc.expect(0.7 < factor < 0.8, "RandomNormal(0.05) shrinks the tanh spread by 0.7-0.8 a layer")
explorer

# %% [markdown]
# Each layer multiplies the spread by √256 · 0.05 = 0.8 at most, and by less while tanh
# still squeezes (0.74 a layer on average here): layer 10's spread is about a fifteenth of
# layer 1's, and the signal fades. A gain of 1.25 makes √256 · 0.05 · 1.25 = 1, LeCun's
# variance; with tanh the spread then still shrinks slowly, as under Glorot. Above that
# (fan_in · Var(w) > 1, try a gain of 2) the weights' growth and tanh's squeezing balance,
# and the spread settles at a steady size after a few layers. And
# `he_normal` with gain 1/√2 ≈ 0.71 has Var(w) = ½ · 2 / fan_in = 1 / fan_in, LeCun's.
#
# ### Exercise 07.2: predict a deep layer's spread
#
# A stack of ten Dense layers, each with 200 units and ReLU, gets 200 standardized input
# features (mean 0, variance 1). Every weight is drawn from
# `keras.initializers.RandomNormal(stddev=0.08)` and the biases are 0. Before running
# anything: what **standard deviation** will the pre-activations z of layer 10 (before its
# ReLU) have? Use the variance argument and store the number in `answer`.

# %%
answer = ...
hlc.check("07.2", answer)

# %%
hlc.solution("07.2")

# %% [markdown]
# ### Exercise 07.3: a scale for leaky ReLU
#
# A network has ten hidden layers of 64 units (each with 64 inputs) and the leaky ReLU
# `keras.layers.LeakyReLU(negative_slope=0.5)`: f(z) = z for z > 0 and 0.5 · z otherwise.
# Its weights are drawn from a normal distribution with mean 0 and biases start at 0. Which
# **standard deviation** of the weights keeps the spread of the signal the same from layer
# to layer? Use the variance argument; store the number in `answer`.

# %%
answer = ...
hlc.check("07.3", answer)

# %%
hlc.solution("07.3")

# %% [markdown]
# ## The loss at the start: ln C
#
# One number tells you whether a classifier starts sensibly, before any training. A model
# that knows nothing yet should give each of the C classes probability 1/C, and the
# cross-entropy of that guess is −ln(1/C) = **ln C**: ln 10 ≈ 2.30 for the digits (Andrej
# Karpathy's *Neural Networks: Zero to Hero* lectures make this the first check). A start far
# above ln C means the network is confidently wrong before it has learned anything, and the
# first steps go into undoing that instead of learning.
#
# Three digits classifiers (64 → Dense 64 ReLU → Dense 64 ReLU → Dense 10 softmax, He
# weights in the hidden layers) differ only in their output layer's starting weights:
# N(0, 1), a hundred times smaller (N(0, 0.01²)), and all zeros.
#
# 🤔 **Predict:** which of the three starts near ln 10, and which far above it?


# %%
def classifier_at_start(output_initializer):
    """A fresh digits classifier whose output layer starts with these weights."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal"),
        keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal"),
        keras.layers.Dense(10, activation="softmax", kernel_initializer=output_initializer),
    ])  # fmt: skip


output_starts = {"output weights N(0, 1)": keras.initializers.RandomNormal(stddev=1.0),
                 "output weights N(0, 0.01²)": keras.initializers.RandomNormal(stddev=0.01),
                 "output weights all 0": "zeros"}  # fmt: skip
cross_entropy = keras.losses.SparseCategoricalCrossentropy()
start_loss_of, start_accuracy = {}, {}
for label, output_initializer in output_starts.items():
    probabilities = classifier_at_start(output_initializer)(digits.x_train).numpy()
    start_loss_of[label] = float(cross_entropy(digits.y_train, probabilities))
    start_accuracy[label] = float(np.mean(probabilities.argmax(axis=1) == digits.y_train))
    print(f"{label:27s} loss before training {start_loss_of[label]:5.2f}; average top "
          f"probability {probabilities.max(axis=1).mean():.2f}, accuracy "
          f"{start_accuracy[label]:.2f}")  # fmt: skip
fig, ax = plt.subplots(figsize=(7, 2.4))
ax.barh(list(start_loss_of)[::-1], list(start_loss_of.values())[::-1], color="#0072B2")
ax.axvline(np.log(10), color="#D55E00", linestyle="--", label="ln 10 ≈ 2.30")
ax.set(xlabel="cross-entropy on the training digits, before any training",
       title="The loss at the start")  # fmt: skip
ax.legend(loc="lower right")
plt.show()
hlc.claim("loss at the start, output weights N(0, 1)", start_loss_of["output weights N(0, 1)"],
          at_least=3.5)  # fmt: skip
hlc.claim("loss at the start minus ln 10, output weights N(0, 0.01²)",
          start_loss_of["output weights N(0, 0.01²)"] - np.log(10), at_least=-0.02,
          at_most=0.02)  # fmt: skip
hlc.expect(abs(start_loss_of["output weights all 0"] - np.log(10)) < 1e-5,
           "with all-zero output weights every class gets 1/10: the loss is exactly ln 10")  # fmt: skip

# %% [markdown]
# With N(0, 1) output weights, each score adds up 64 products: the scores spread over
# several units, and the softmax gives one class most of the probability. That class is
# usually the wrong one (the accuracy printed is near 1/10, a guess), so the loss is large.
# Weights a hundred times smaller make every score nearly 0, so every class gets nearly 1/10
# and the loss sits at ln 10. All zeros gives exactly 1/10. (Zeros are fine *here*: the
# hidden layers below are random, so the output units get different gradients from the first
# step; it was zeros *everywhere* that froze the network in "All zeros".) When a fresh
# classifier's loss is far above ln C, shrink its last layer's starting weights.


# %% [markdown]
# ## Dead units and batch normalization during training
#
# A ReLU unit computes z = w · h + b from the layer below's outputs h and outputs max(0, z).
# Where z is negative, ReLU is flat, so that example sends no gradient to w or b (Goodfellow,
# Bengio & Courville, *Deep Learning*, section 6.3.1: rectified units cannot learn by
# gradient descent on examples for which their activation is zero). One large step can push
# w and b so far that z is negative for **every** input. The unit then outputs 0 for all of
# them, no example sends its weights a gradient, and gradient descent leaves them where they
# are (an optimizer with momentum, such as Adam, moves them a little further on what it
# remembers of earlier steps, but nothing new arrives): the unit is **dead**. Only a change in the layers below, which moves its inputs h, can
# bring it back. Depth makes it worse: Lu, Shin, Su & Karniadakis (2020, "Dying ReLU and
# initialization: theory and numerical examples") prove that a ReLU network of a fixed width
# whose starting weights and biases are drawn symmetrically around 0 is born dead (its output
# the same for every input) with a probability that goes to 1 as it gets deeper.
#
# Batch normalization (Ioffe & Szegedy, 2015), placed before the ReLU as
# `hlc.models.build_dense_network(..., batch_norm=True)` places it, changes the arithmetic.
# During training it standardizes each unit's values over the batch, then scales them by γ
# and shifts them by β. In a batch whose examples differ, some standardized values are above
# 0 and some below, so no step on the Dense weights below can move all of a unit's values
# under 0; only a β far below 0 (compared with γ) could. Lesson 06 ("Batch normalization,
# measured") counted the dead units of the second hidden layer of a two-layer network; here
# we watch every layer of a deep one, epoch by epoch.
#
# `hlc.training_watch.watch_training` trains a network with `train_fast` and,
# before training and after every epoch, runs a fixed probe batch of 256 training digits
# through it, keeping what each ReLU layer receives (its pre-activations z) and its share of
# dead units: units that output 0 for every probe digit, the definition of
# `hlc.diagnostics`. Batch normalization standardizes the probe with the probe's own
# statistics, as in a training step. Three networks of 8 hidden layers of 32 ReLU units with
# He starting weights train for 6 epochs on the digits, from the same starting weights (one
# seed), in the same mini-batches of 128, with Adam: one at a learning rate of 0.03 (30 times
# Keras' default, 0.001), one with batch normalization at the same rate, and one without at
# the default rate.
#
# 🤔 **Predict:** which of the three networks ends with the most dead units? Do they die
# slowly, a few each epoch, or soon?

# %%
dead_runs = {}
for label, batch_norm, rate in (("without batch norm", False, 0.03),
                                ("with batch norm", True, 0.03),
                                ("without, rate 0.001", False, 0.001)):  # fmt: skip
    keras.utils.set_random_seed(seed)
    deep = hlc.models.build_dense_network(64, (32,) * 8, output="classes", n_outputs=10,
                                          initializer="he_normal", batch_norm=batch_norm)  # fmt: skip
    dead_runs[label] = hlc.training_watch.watch_training(
        deep, digits.x_train, digits.y_train, epochs=6, batch_size=128, optimizer="adam",
        learning_rate=rate, seed=seed, label=label,
    )  # fmt: skip
for label, run in dead_runs.items():
    print(f"{label:20s} dead share of all 256 units at epochs 0, 1 and 6: "
          + ", ".join(f"{run.dead[epoch].mean():.0%}" for epoch in (0, 1, 6))
          + f"; training accuracy {run.accuracy[-1]:.2f}")  # fmt: skip

# %% [markdown]
# The two networks at the large learning rate, side by side: on top, every layer's
# pre-activations after the last epoch (layer 1 on top; left of the dashed line the ReLU
# outputs 0); below, each layer's dead share, epoch by epoch.

# %%
fig, axes = plt.subplots(2, 2, figsize=(12, 7.6))
for column, label in enumerate(("without batch norm", "with batch norm")):
    hlc.plots.plot_watch_histograms(dead_runs[label], ax=axes[0, column])
    hlc.plots.plot_dead_shares(dead_runs[label], ax=axes[1, column])
plt.show()
dead_share = {label: run.dead.mean(axis=1) for label, run in dead_runs.items()}  # per epoch
hlc.claim("dead share of all units after epoch 6, without batch norm, rate 0.03",
          dead_share["without batch norm"][-1], at_least=0.2)  # fmt: skip
hlc.claim("dead share of all units after epoch 1, without batch norm, rate 0.03",
          dead_share["without batch norm"][1], at_least=0.2)  # fmt: skip
hlc.claim("most dead share of all units at any epoch, with batch norm, rate 0.03",
          dead_share["with batch norm"].max(), at_most=0.03)  # fmt: skip
hlc.claim("dead share rise from epoch 0 to 6, without batch norm, rate 0.03",
          dead_share["without batch norm"][-1] - dead_share["without batch norm"][0],
          at_least=0.12)  # fmt: skip
hlc.claim("training accuracy after epoch 6, with minus without batch norm, rate 0.03",
          dead_runs["with batch norm"].accuracy[-1] - dead_runs["without batch norm"].accuracy[-1],
          at_least=0.03)  # fmt: skip
hlc.claim("dead share of all units before training, without batch norm",
          dead_share["without batch norm"][0], at_least=0.03, at_most=0.35)  # fmt: skip
hlc.claim("dead share rise from epoch 0 to 6, without batch norm, rate 0.001",
          dead_share["without, rate 0.001"][-1] - dead_share["without, rate 0.001"][0],
          at_least=-0.1, at_most=0.1)  # fmt: skip

# %% [markdown]
# At the learning rate of 0.03, without batch normalization, units die soon: already after
# the first epoch 33 to 69 % of all 256 hidden units are dead on the seeds the course checks,
# and after that the share changes little (it can even fall a little: a dead unit comes back
# when the layers below it change its inputs). With batch normalization at the same rate, no
# unit is dead at any epoch on those seeds, and the network ends with a higher training
# accuracy. The third run is the control: the same network without batch normalization at
# a thirtieth of the rate ends with about as many dead units as it started with (within 6
# points), so the large steps, not the depth or the data, killed the units in the first.
# (Even before training, 9 to 23 % of the units of the network without batch normalization
# are dead on the probe, on the same seeds: the depth alone kills some, the effect Lu et al.
# analyse.)
#
# ### Scrub through the epochs
#
# The records hold every epoch, not only the last. Move the slider to see each layer's
# pre-activations before training (epoch 0) and after each epoch, and switch networks with
# the menu.

# %%
hlc.widgets.epoch_scrubber(dead_runs)

# %% [markdown]
# ### Exercise 07.4: dead units, epoch by epoch
#
# `run.pre_activations[k]` holds what layer k + 1's ReLU received at every recorded epoch:
# an array of shape (epochs + 1, 256 probe digits, 32 units). Write a function
# `answer(z)` that takes such an array and returns, for each epoch, the share of the
# layer's units that are dead at that epoch, without using `run.dead`. Compare your result
# with `dead_runs["without batch norm"].dead[:, 7]` before you check it.

# %%
answer = ...
hlc.check("07.4", answer)

# %%
hlc.solution("07.4")


# %% [markdown]
# ## Summary
#
# - Starting weights must differ between units: units that start equal get equal gradients
#   and stay copies (from all zeros with tanh, the hidden and output weights never move
#   at all). Random weights break the symmetry.
# - Too-large starting weights push tanh units into their flat ends, where almost no
#   gradient passes back.
# - Starting weights need the right variance: Var(z) = fan_in · Var(w) · E[x²] gives
#   Glorot, 2 / (fan_in + fan_out), for tanh, and He, 2 / fan_in, for ReLU. Applied layer
#   by layer it predicts every layer's spread (N(0, 1) weights multiply it by √fan_in in
#   each linear layer); `hlc.initialization.layer_activations` and
#   `hlc.widgets.init_explorer()` measure it.
# - A fresh classifier's loss should be near ln C; far above, shrink the last layer's
#   starting weights.
# - A large learning rate can kill ReLU units: a unit whose pre-activation is negative for
#   every input gets no gradient. In eight-layer networks at Adam's rate of 0.03, a third to
#   two thirds of the units died within the first epoch without batch normalization, and
#   none with it (`hlc.training_watch.watch_training`, `hlc.widgets.epoch_scrubber`).
#
# **Next:** [08 · Pitfalls and diagnostics](08_pitfalls_and_diagnostics.ipynb)
