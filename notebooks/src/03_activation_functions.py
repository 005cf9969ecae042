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
# # 03 · Activation functions
#
# Every hidden unit ends with an activation function. It is what makes a hidden layer more
# than a matrix product, and its shape decides how well gradients flow back through the
# network. This lesson compares the common choices by their curves, their slopes and what
# they do to a network in training.
#
# **Time:** about 35 minutes
#
# **Objectives**
# - Compare ReLU, sigmoid, tanh, leaky ReLU, ELU, GELU and swish, and their derivatives.
# - Recognise saturation and dead units, and why zero-centred outputs help.
# - Train the same network with each activation and compare.

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

# %% [markdown]
# ## Why a non-linearity at all
#
# A Dense layer computes $xW + b$ and then applies its activation. The cell below stacks
# three Dense layers (16, 16 and 1 units) **without** activations, then multiplies their
# weight matrices into one, $W = W_1 W_2 W_3$, with a matching bias $b$.
#
# 🤔 **Predict:** does $xW + b$ reproduce the three-layer network exactly, or only roughly?
# And could any single matrix and bias reproduce the same network with ReLU after each
# hidden layer?

# %%
deep_linear = keras.Sequential(
    [keras.Input(shape=(2,))] + [keras.layers.Dense(units) for units in (16, 16, 1)]
)
(W1, b1), (W2, b2), (W3, b3) = [layer.get_weights() for layer in deep_linear.layers]
W = W1 @ W2 @ W3
b = (b1 @ W2 + b2) @ W3 + b3
points = np.random.default_rng(seed).normal(size=(5, 2)).astype("float32")
print("three layers:", deep_linear(points).numpy().ravel().round(4))
print("one matrix:  ", (points @ W + b).ravel().round(4))
linear_gap = float(np.abs(deep_linear(points).numpy() - (points @ W + b)).max())
hlc.claim("largest gap, three linear layers against one matrix", linear_gap, at_most=1e-4)

# %% [markdown]
# Exactly the same (to float32 rounding): a linear map of a linear map is linear,
# $((xW_1 + b_1)W_2 + b_2)W_3 + b_3 = x\,(W_1 W_2 W_3) + \text{a constant}$, so the 16 + 16
# hidden units bought nothing. Now put ReLU after each hidden layer. No formula folds its
# layers into one matrix any more, so the cell below asks for the *best* single matrix and
# bias: a least-squares fit of the network's outputs on 200 points.

# %%
deep_relu = keras.Sequential(
    [keras.Input(shape=(2,))]
    + [keras.layers.Dense(16, activation="relu") for _ in range(2)]
    + [keras.layers.Dense(1)]
)
many = np.random.default_rng(seed).normal(size=(200, 2)).astype("float32")
outputs = deep_relu(many).numpy()
with_ones = np.hstack([many, np.ones((200, 1), dtype="float32")])  # the last column: the bias
best_fit, *_ = np.linalg.lstsq(with_ones, outputs, rcond=None)
relu_gap = float(np.abs(with_ones @ best_fit - outputs).max())
print(f"largest gap between the ReLU network and the best single matrix: {relu_gap:.3f}")
hlc.claim("largest gap, three ReLU layers against the best single matrix", relu_gap,
          at_least=0.1)  # fmt: skip

# %% [markdown]
# With ReLU no matrix matches the network: each layer bends what it receives, so depth adds
# expressive power. That bend, the activation function, is what this lesson is about.

# %% [markdown]
# ## ReLU and its relatives
#
# **ReLU** (rectified linear unit) outputs its input when it is positive and 0 otherwise,
# $\max(0, z)$. Its slope is exactly 1 wherever the unit is active, so on the way back the
# activation does not shrink the gradient there (the weights still scale it). It is also
# cheap: one comparison per value, where sigmoid, tanh, ELU and swish need an exponential and
# GELU the error function. Deep ReLU networks trained well without the unsupervised
# pre-training that deep tanh networks then needed (Glorot, Bordes and Bengio 2011), and a
# four-layer convolutional network with ReLUs reached 25 % training error on CIFAR-10 six
# times sooner than the same network with tanh (Krizhevsky et al. 2012). ReLU became the
# default for hidden layers (Goodfellow et al., *Deep Learning*, section 6.3.1).
#
# Its relatives change what happens below zero. **Leaky ReLU** (Maas et al. 2013) keeps a
# small constant slope there. **ELU** (Clevert et al. 2016) curves smoothly down towards -1.
# **GELU** (Hendrycks and Gimpel 2016) and **swish** (Ramachandran et al. 2017; the same
# function is also called SiLU) are smooth curves that dip slightly below zero and come back
# to 0 for large negative inputs. BERT and GPT-2 use GELU; many recent large language models
# use SwiGLU instead, a gated unit built on swish (Shazeer 2020).
#
# Leaky ReLU's slope has two defaults in Keras: 0.2 for the function
# `keras.activations.leaky_relu`, which is what `Dense(..., activation="leaky_relu")`
# applies, and 0.3 for the layer `keras.layers.LeakyReLU()`. This lesson uses the function,
# with slope 0.2.

# %%
z_negative = np.array([-10.0], dtype="float32")
from_function = float(np.asarray(keras.activations.get("leaky_relu")(z_negative))[0])
from_layer = float(np.asarray(keras.layers.LeakyReLU()(z_negative))[0])
print(f'activation="leaky_relu":  f(-10) = {from_function:.1f}, a slope of 0.2')
print(f"keras.layers.LeakyReLU(): f(-10) = {from_layer:.1f}, a slope of 0.3")
hlc.expect(
    keras.layers.Dense(4, activation="leaky_relu").activation is keras.activations.leaky_relu,
    'activation="leaky_relu" should apply the function keras.activations.leaky_relu.',
)
hlc.expect(
    np.isclose(from_function, -2.0) and np.isclose(from_layer, -3.0),
    "Keras' leaky ReLU defaults should be slope 0.2 for the function, 0.3 for the layer.",
)

# %% [markdown]
# Solid lines are the functions, dashed lines their slopes (derivatives), computed by
# TensorFlow's own automatic differentiation.

# %%
z = np.linspace(-4, 4, 401)
fig, axes = plt.subplots(1, 5, figsize=(13, 2.9), sharey=True)
for ax, name in zip(axes, ["relu", "leaky_relu", "elu", "gelu", "swish"], strict=True):
    f, df = hlc.activations.activation_values(name, z)
    ax.plot(z, f, label="f(z)")
    ax.plot(z, df, linestyle="--", label="f′(z)")
    ax.axhline(0, color="0.6", linewidth=0.8)
    ax.set(title=name, xlabel="z", ylim=(-1.5, 3))
axes[0].set_ylabel("f(z) and f′(z)")
axes[0].legend(loc="upper left")
plt.show()
far_left = {
    name: float(hlc.activations.activation_values(name, -6.0)[1])
    for name in ["relu", "leaky_relu", "elu", "gelu", "swish"]
}
print("slope at z = -6:", {name: round(slope, 3) for name, slope in far_left.items()})
hlc.expect(
    far_left["relu"] == 0 and np.isclose(far_left["leaky_relu"], 0.2)
    and all(abs(far_left[name]) < 0.05 for name in ["elu", "gelu", "swish"]),
    "At z = -6 leaky ReLU's slope should be 0.2, ReLU's 0 and the smooth ones' below 0.05.",
)  # fmt: skip

# %% [markdown]
# Read the dashed lines at the left edge: leaky ReLU's slope stays at 0.2 however negative
# $z$ gets, while ELU's, GELU's and swish's fade towards 0 (at $z = -6$ all three are below
# 0.05, the threshold this lesson calls flat). For large negative inputs these three are
# nearly as flat as ReLU; only leaky ReLU always passes a fixed share of the gradient back.

# %% [markdown]
# ## Sigmoid and tanh saturate
#
# **Sigmoid** squashes any input into (0, 1); **tanh** into (-1, 1) (tanh is a stretched
# sigmoid: $\tanh(z) = 2\sigma(2z) - 1$). Both flatten out at the ends: for large $|z|$ the
# slope is almost 0. A unit there is **saturated**: for that input a change of its weights
# barely changes its output, so the input teaches it almost nothing.
#
# Note the sigmoid's largest slope: 0.25, at $z = 0$ (tanh's is 1). Backpropagation
# multiplies the gradient, layer by layer, by the activation's slopes and by the layer's
# weights. Through ten sigmoid layers the slopes alone contribute a factor of at most
# $0.25^{10} \approx 10^{-6}$; weights can make up part of that, but larger weights push
# sigmoid units into their flat ends. This is the *vanishing gradient*, which Glorot and
# Bengio (2010) measured in deep sigmoid networks and lesson 08 measures here.

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3))
largest_slope = {}
for ax, name in zip(axes, ["sigmoid", "tanh"], strict=True):
    f, df = hlc.activations.activation_values(name, z)
    largest_slope[name] = df.max()
    flat = df < hlc.activations.SATURATION_THRESHOLD
    ax.fill_between(z, -1, 1.1, where=flat, facecolor="0.92", edgecolor="0.7", hatch="//",
                    linewidth=0, label="saturated (f′ < 0.05)")  # fmt: skip
    ax.plot(z, f, label="f(z)")
    ax.plot(z, df, linestyle="--", label="f′(z)")
    ax.set(title=f"{name}: largest slope {df.max():.2f}", xlabel="z", ylim=(-1.05, 1.1))
axes[0].set_ylabel("f(z) and f′(z)")
axes[0].legend(loc="upper left", fontsize=8)
plt.show()
hlc.expect(
    np.isclose(largest_slope["sigmoid"], 0.25) and np.isclose(largest_slope["tanh"], 1.0),
    "The sigmoid's largest slope should be 0.25 and tanh's 1, both at z = 0.",
)

# %% [markdown]
# How often does that happen in a real layer? It depends on how large the layer's inputs
# are. Below, 512 random inputs of a given spread go through one Dense layer of 64 tanh
# units; we count the pre-activations that land in the flat region.
#
# 🤔 **Predict:** what share saturates when the inputs are 5 times larger than usual
# (standard deviation 5 instead of 1)? More or less for the sigmoid? (Compare where the
# shaded zones start in the two plots above.)

# %%
scales = [0.5, 1, 2, 5, 10]
saturated = [hlc.activations.output_statistics("tanh", s, seed=seed)["saturated"] for s in scales]
for s, share in zip(scales, saturated, strict=True):
    print(f"input scale {s:>4}: {share:5.0%} of tanh pre-activations saturated")
sigmoid_at_5 = hlc.activations.output_statistics("sigmoid", 5.0, seed=seed)["saturated"]
print(f"input scale    5: {sigmoid_at_5:5.0%} of sigmoid pre-activations saturated")
hlc.claim("tanh saturation at input scale 0.5", saturated[0], at_most=0.02)
hlc.claim("tanh saturation at input scale 5", saturated[3], at_least=0.5)
hlc.claim("sigmoid saturation at input scale 5", sigmoid_at_5, at_least=0.45)

# %% [markdown]
# Small inputs keep tanh in its steep middle; at scale 5 about two thirds of the
# pre-activations sit in the flat ends, and a little over half of the sigmoid's (its slope
# drops below 0.05 beyond $|z| \approx 2.9$, tanh's already beyond $|z| \approx 2.2$).
# Keeping pre-activations in range is one reason inputs are standardised (lesson 08), and
# why Keras' default kernel initializer for Dense layers, Glorot uniform, draws each weight
# from $\pm\sqrt{6 / (n_\text{in} + n_\text{out})}$, a range set by the layer's numbers of
# inputs and outputs (Glorot and Bengio 2010). With as many inputs as units, as here, the
# pre-activations keep about the spread of the inputs.
#
# **Zero-centring.** tanh's outputs are centred on 0; the sigmoid's are all positive, around
# 0.5, and ReLU's are never negative. Why that matters: the gradient of a weight is the error
# signal of the unit it feeds times the input it carries. For one training example, when all
# of a unit's inputs are positive, the gradients of all its incoming weights share one sign,
# so a step can only make them all grow or all shrink, and reaching weights where some must
# grow and others shrink takes a zig-zag of steps (LeCun et al. 1998, "Efficient BackProp",
# section 4.3; a mini-batch mixes examples, which softens this). That is one reason tanh
# typically trains faster than the sigmoid in hidden layers (same paper, section 4.4;
# Goodfellow et al., section 6.3.2), and why ELU's authors let its outputs go below zero
# (Clevert et al. 2016).

# %%
means = {
    name: hlc.activations.output_statistics(name, 1.0, seed=seed)["mean"]
    for name in ["sigmoid", "tanh", "relu"]
}
print({name: round(value, 3) for name, value in means.items()})
hlc.claim("mean of tanh outputs (distance from 0)", abs(means["tanh"]), at_most=0.05)
hlc.claim("mean of sigmoid outputs", means["sigmoid"], at_least=0.45)
hlc.claim("mean of ReLU outputs", means["relu"], at_least=0.3)

# %% [markdown]
# ### Exercise 03.1: the slope of tanh
#
# Write a function `answer(z)` that returns the derivative of tanh for an array `z`, using
# only NumPy. (Hint: it can be written with `np.tanh` itself.)

# %%
answer = ...
hlc.check("03.1", answer)

# %%
hlc.solution("03.1")

# %% [markdown]
# ## Dead units
#
# ReLU has a flat side too: for every $z \le 0$ its output is 0 and its slope is 0 (at
# exactly 0, TensorFlow's convention). For one input that is harmless: the unit still learns
# from the inputs that switch it on. But a unit whose pre-activation is at most 0 for
# **every** input outputs 0 always and receives no gradient from any of them, so training
# stops changing its weights and bias. It is **dead**. In the first hidden layer, whose
# inputs are the training data themselves, that is for good; a dead unit in a deeper layer
# comes back only if the layers below change what it receives. A large negative bias is
# enough: here is the 64-unit layer from before, with every bias set by hand. (How units die
# in real training is this lesson's last experiment.)

# %%
for bias in [0.0, -1.0, -3.0]:
    stats = hlc.activations.output_statistics("relu", 1.0, bias=bias, seed=seed)
    print(f"bias {bias:>4}: {stats['dead']:5.0%} of 64 ReLU units dead")
leaky = hlc.activations.output_statistics("leaky_relu", 1.0, bias=-3.0, seed=seed)
print(f"leaky ReLU with bias -3: {leaky['dead']:.0%} dead (its slope below zero is 0.2, not 0)")
hlc.expect(leaky["dead"] == 0, "A leaky ReLU unit always passes some gradient: none is dead.")
hlc.expect(hlc.activations.activation_values("relu", 0.0)[1] == 0, "ReLU's slope at 0 is 0.")

# %% [markdown]
# ### Exercise 03.2: which units are dead?
#
# A ReLU Dense layer has weights `kernel` (shape `(n_inputs, n_units)`) and `bias` (shape
# `(n_units,)`). Write a function `answer(kernel, bias, x)` that returns the indices of the
# units that are dead on the inputs `x` (shape `(n_samples, n_inputs)`), as a list of whole
# numbers, e.g. `[1, 4]` (`[]` when none is). Use NumPy only; the check tries your function
# on two layers.

# %%
answer = ...
hlc.check("03.2", answer)

# %%
hlc.solution("03.2")

# %% [markdown]
# ## The activation explorer
#
# Choose an activation and an input scale. Left: the function, its slope and its flat
# regions. Middle: the pre-activations of a 64-unit layer for inputs of that scale. Right:
# what the layer outputs.
#
# 🤔 **Predict:** at input scale 5, which of the eight activations in the menu keep their
# outputs centred on 0 (a mean within a tenth of their spread) *and* leave no pre-activation
# in a flat zone? Check your guess with the explorer; the cell after it checks too.

# %%
explorer = hlc.widgets.activation_explorer("tanh", input_scale=1.0)
explorer

# %%
at_scale_5 = {
    name: hlc.activations.output_statistics(name, 5.0, seed=seed)
    for name in hlc.activations.ACTIVATIONS
}
both = [name for name, stats in at_scale_5.items()
        if abs(stats["mean"]) <= 0.1 * stats["std"] and stats["saturated"] == 0]  # fmt: skip
print("centred and never flat at input scale 5:", both)
hlc.expect(both == ["linear"], "At input scale 5 only 'linear' should be centred and never flat.")

# %% [markdown]
# Only `linear`, which is no activation at all. Every non-linear choice here gives up one of
# the two: tanh is centred but flat at both ends; leaky ReLU is never flat but its outputs
# lean positive; the others are neither centred nor free of flat zones at this scale. So the
# choice of activation goes with keeping pre-activations in a moderate range: initialization
# (lesson 07), standardised inputs (lesson 08), batch normalization (lesson 06).

# %% [markdown]
# ## Softmax at the output
#
# Softmax is not a hidden-layer activation: it belongs to the output layer of a classifier.
# It turns a vector of scores (logits) into probabilities that are positive and add up to 1,
# $\mathrm{softmax}(s)_i = e^{s_i} / \sum_j e^{s_j}$. The largest score gets the largest
# share; adding the same number to every score changes nothing.

# %%
scores = np.array([[2.0, 1.0, -1.0]])
probabilities = keras.activations.softmax(scores).numpy()
print(
    "scores:", scores[0], "-> probabilities:", probabilities[0].round(3), "sum", probabilities.sum()
)
shifted = keras.activations.softmax(scores + 10).numpy()
hlc.expect(
    np.allclose(probabilities, shifted, rtol=1e-6) and np.isclose(probabilities.sum(), 1.0),
    "Softmax should give probabilities that add up to 1 and ignore a shift of every score.",
)

# %% [markdown]
# ## The same network with each activation
#
# Now the real test: one network (4 hidden layers of 16 units) trained on the spiral data
# for 200 full-batch steps of Adam (learning rate 0.01), identical except for the hidden
# activation. The seed is set before each network is built, so all start from the same
# weights and see the same data.
#
# 🤔 **Predict:** which activations will get the training loss lowest, and which will
# barely move?

# %%
spiral = hlc.data.make_classification("spiral", n_samples=400, noise=0.05, seed=seed)
histories, models = {}, {}
for name in ["relu", "gelu", "elu", "tanh", "sigmoid"]:
    keras.utils.set_random_seed(seed)
    models[name] = hlc.models.build_dense_network(2, (16, 16, 16, 16), activation=name)
    histories[name] = hlc.training.train_fast(
        models[name], spiral.x_train, spiral.y_train, epochs=200, learning_rate=0.01,
        validation_data=(spiral.x_test, spiral.y_test), seed=seed,
    )  # fmt: skip
final = {name: history["loss"][-1] for name, history in histories.items()}
fig, ax = plt.subplots(figsize=(7, 4))
hlc.plots.plot_history(histories, ax, metric="loss")
ax.set_yscale("log")
plt.show()
for name, loss in sorted(final.items(), key=lambda item: item[1]):
    print(f"{name:>10}: final training loss {loss:.3f}")

# %%
best_modern = min(final[name] for name in ["relu", "gelu", "elu", "tanh"])
hlc.claim("final loss, sigmoid over the best other activation", final["sigmoid"] / best_modern,
          at_least=2, message="A deep sigmoid network should learn clearly slower.")  # fmt: skip
hlc.claim("final loss, sigmoid (barely moved from about 0.69)", final["sigmoid"], at_least=0.5)
hlc.claim("final loss, worst of ReLU, GELU, ELU and tanh",
          max(final[name] for name in ["relu", "gelu", "elu", "tanh"]), at_most=0.3)  # fmt: skip

# %% [markdown]
# The sigmoid network has barely moved from where it started, near $\ln 2 \approx 0.69$:
# its units' slopes are at most 0.25 and their outputs all positive, so too little gradient
# gets back through four layers. The other four all learn. Which of them ends lowest changes
# from seed to seed (run the lesson with another seed and compare), so one run like this
# does not rank ReLU, GELU, ELU and tanh: at this depth all four work. In practice: start
# with ReLU (Goodfellow et al., section 6.3.1, call it an excellent default), or GELU where
# your model family uses it; tanh serves in small networks and inside recurrent cells; keep
# the sigmoid for outputs that must be probabilities and for the gates of LSTM and GRU cells
# (lesson 11).

# %% [markdown]
# ## Units that die in training
#
# Nobody sets biases to -3 by hand. In practice ReLU units die from steps that are too large:
# one update can push a unit's weights and bias so far that no training input switches it on
# again (Stanford's CS231n notes describe this, and warn that with too high a learning rate
# as much as 40 % of a network can end up dead). The ReLU
# network above trained with a learning rate of 0.01. Below, the same network trains with
# 0.3, and so does a leaky ReLU network; `hlc.activations.dead_unit_share(model, x)` counts,
# for each hidden layer, the share of units that output 0 for every training input.
#
# 🤔 **Predict:** what share of the ReLU network's 64 hidden units will be dead after training
# at 0.3, and after training at 0.01?

# %%
keras.utils.set_random_seed(seed)  # the same starting weights as every network above
untrained = hlc.models.build_dense_network(2, (16, 16, 16, 16), activation="relu")
trained = {"ReLU, rate 0.01": (models["relu"], final["relu"])}
for label, name in [("ReLU, rate 0.3", "relu"), ("leaky ReLU, rate 0.3", "leaky_relu")]:
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(2, (16, 16, 16, 16), activation=name)
    history = hlc.training.train_fast(
        model, spiral.x_train, spiral.y_train, epochs=200, learning_rate=0.3, seed=seed
    )
    trained[label] = (model, history["loss"][-1])


def layer_by_layer(shares):
    return "  ".join(f"{share:4.0%}" for share in shares.values())


print("Share of dead units in hidden layers 1, 2, 3, 4, then the final training loss:")
start = hlc.activations.dead_unit_share(untrained, spiral.x_train)
print(f"{'ReLU before training':<22} {layer_by_layer(start)}")
dead_after = {}
for label, (model, loss) in trained.items():
    shares = hlc.activations.dead_unit_share(model, spiral.x_train)
    dead_after[label] = float(np.mean(list(shares.values())))  # all layers have 16 units
    print(f"{label:<22} {layer_by_layer(shares)}   loss {loss:.3f}")

# %%
hlc.claim("dead ReLU units after training at rate 0.3 (share of 64)",
          dead_after["ReLU, rate 0.3"], at_least=0.6)  # fmt: skip
hlc.claim("dead ReLU units after training at rate 0.01 (share of 64)",
          dead_after["ReLU, rate 0.01"], at_most=0.3)  # fmt: skip
hlc.claim("final loss, ReLU at rate 0.3", trained["ReLU, rate 0.3"][1], at_least=0.4)
hlc.expect(dead_after["leaky ReLU, rate 0.3"] == 0, "No leaky ReLU unit should be dead.")
leaky_over_relu = trained["leaky ReLU, rate 0.3"][1] / trained["ReLU, rate 0.01"][1]
hlc.claim("final loss, leaky ReLU at rate 0.3 over ReLU at rate 0.01", leaky_over_relu, at_least=3)

# %% [markdown]
# At 0.3 most of the ReLU network dies, and it stops learning: its loss stays not far below
# $\ln 2 \approx 0.69$, the loss of answering 0.5 for every point. At 0.01 only a few units
# are dead, and the network learns. Some units can be dead before training starts: a deeper
# layer's inputs are all $\ge 0$, and a unit whose weights are mostly negative is off for all
# of them (the first row shows how many in this run). A layer's share can also go down in
# training, when the layers below change what a dead unit receives. Leaky ReLU keeps every
# unit alive at 0.3 too, but its loss shows that the rate is still too high for it. The
# first cure for dying units is a smaller learning rate; leaky ReLU cannot die at all; and
# lesson 08's diagnostics count dead units in any network.

# %% [markdown]
# ## Summary
#
# - Without activations, stacked layers collapse into one linear map.
# - ReLU is cheap and does not shrink the gradient where a unit is active, but a unit that
#   is off for every input is dead, and too large a learning rate kills many. Leaky ReLU keeps
#   a constant slope below zero (0.2 for Keras' function, 0.3 for its `LeakyReLU` layer);
#   ELU's, GELU's and swish's slopes below zero fade for large negative inputs.
# - Sigmoid and tanh saturate for large inputs; the sigmoid's outputs are not zero-centred
#   and its slope is at most 0.25, and in this lesson's four-layer network it barely trained.
# - Softmax turns output scores into class probabilities.
#
# **Next:** [04 · Depth and width](04_depth_and_width.ipynb)
