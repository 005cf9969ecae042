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
import keras
import matplotlib.pyplot as plt
import numpy as np

# %% [markdown]
# ## Why a non-linearity at all
#
# Stack three Dense layers **without** activations and you get... one Dense layer. Each
# computes $xW + b$, and a linear map of a linear map is linear:
# $((xW_1 + b_1)W_2 + b_2)W_3 + b_3 = x\,(W_1 W_2 W_3) + \text{a constant}$.
#
# 🤔 **Predict:** can a single matrix reproduce this three-layer network exactly?

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
np.testing.assert_allclose(deep_linear(points).numpy(), points @ W + b, rtol=1e-4, atol=1e-5)

# %% [markdown]
# Exactly the same: 16 + 16 hidden units bought nothing. The activation function is what
# lets each layer bend what it receives, so that depth adds expressive power.

# %% [markdown]
# ## ReLU and its relatives
#
# **ReLU** outputs its input when positive and 0 otherwise. Its slope is 1 for every
# positive input, so gradients pass through active units undiminished, and it costs
# almost nothing to compute. That made it the default for hidden layers. Its relatives
# change what happens below zero: **leaky ReLU** keeps a small slope there (Keras: 0.2),
# **ELU** curves smoothly down to -1, and **GELU** and **swish** (also called SiLU) are smooth
# versions that dip slightly below zero; GELU is the usual choice in transformers.
#
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
axes[0].legend(loc="upper left")
plt.show()

# %% [markdown]
# ## Sigmoid and tanh saturate
#
# **Sigmoid** squashes any input into (0, 1); **tanh** into (-1, 1). Both are flat at the
# ends: for large |z| their slope is almost 0. A unit in that flat region is **saturated**:
# changing its weights barely changes its output, so it barely learns. Note also the
# sigmoid's largest slope: 0.25, at z = 0. A gradient passing back through ten sigmoid layers
# is multiplied by at most 0.25 ten times, about one millionth: the *vanishing gradient*
# that lesson 07 measures.

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3))
for ax, name in zip(axes, ["sigmoid", "tanh"], strict=True):
    f, df = hlc.activations.activation_values(name, z)
    flat = df < hlc.activations.SATURATION_THRESHOLD
    ax.fill_between(z, -1, 1.1, where=flat, color="0.9", hatch="//", label="saturated (f′ < 0.05)")
    ax.plot(z, f, label="f(z)")
    ax.plot(z, df, linestyle="--", label="f′(z)")
    ax.set(title=f"{name}: largest slope {df.max():.2f}", xlabel="z", ylim=(-1.05, 1.1))
axes[0].legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown]
# How often does that happen in a real layer? It depends on how large the layer's inputs
# are. Below, 512 random inputs of a given spread go through one Dense layer of 64 tanh
# units; we count the pre-activations that land in the flat region.
#
# 🤔 **Predict:** what share saturates when the inputs are 5 times larger than usual?

# %%
scales = [0.5, 1, 2, 5, 10]
saturated = [hlc.activations.output_statistics("tanh", s, seed=seed)["saturated"] for s in scales]
for s, share in zip(scales, saturated, strict=True):
    print(f"input scale {s:>4}: {share:5.0%} of tanh pre-activations saturated")
hlc.claim("tanh saturation at input scale 0.5", saturated[0], at_most=0.02)
hlc.claim("tanh saturation at input scale 5", saturated[3], at_least=0.5)

# %% [markdown]
# Small inputs keep tanh in its steep middle; large ones push most units into the flat
# ends. That is one reason inputs are standardised (lesson 07) and why Keras' default
# initializers scale weights to the layer's size.
#
# **Zero-centring.** tanh's outputs are centred on 0; the sigmoid's are all positive, around
# 0.5. When every input of the next layer is positive, the gradients of all its weights
# for one unit share the same sign, so the weights can only all grow or all shrink together
# and training zig-zags. Centred outputs avoid that.

# %%
means = {
    name: hlc.activations.output_statistics(name, 1.0, seed=seed)["mean"]
    for name in ["sigmoid", "tanh", "relu"]
}
print({name: round(value, 3) for name, value in means.items()})
hlc.claim("mean of tanh outputs (distance from 0)", abs(means["tanh"]), at_most=0.05)
hlc.claim("mean of sigmoid outputs", means["sigmoid"], at_least=0.45)

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
# ReLU has a flat side too: for every negative input its slope is exactly 0. For a single
# input that is harmless; but a unit whose weighted sum is negative for **every** input
# outputs 0 always, receives no gradient, and never recovers. It is **dead**. A large
# negative bias, or one big update that pushes the bias down, is enough.

# %%
for bias in [0.0, -1.0, -3.0]:
    stats = hlc.activations.output_statistics("relu", 1.0, bias=bias, seed=seed)
    print(f"bias {bias:>4}: {stats['dead']:5.0%} of 64 ReLU units dead")
leaky = hlc.activations.output_statistics("leaky_relu", 1.0, bias=-3.0, seed=seed)
print(f"leaky ReLU with bias -3: {leaky['dead']:.0%} dead (its slope below zero is 0.2, not 0)")
hlc.expect(leaky["dead"] == 0, "A leaky ReLU unit always passes some gradient: none is dead.")

# %% [markdown]
# ### Exercise 03.2: a layer of dead units
#
# Use `hlc.activations.output_statistics("relu", 1.0, bias=...)` to make a layer in which at
# least 90 % of the units are dead, and store the dict it returns in `answer`.

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
# 🤔 **Predict:** which activation keeps its outputs centred on 0 *and* never saturates at
# large scales? Check your guess with the explorer.

# %%
explorer = hlc.widgets.activation_explorer("tanh", input_scale=1.0)
explorer

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
np.testing.assert_allclose(probabilities, shifted, rtol=1e-6)

# %% [markdown]
# ## The same network with each activation
#
# Now the real test: one network (4 hidden layers of 16 units) trained on the spiral data
# for 200 full-batch steps of Adam, identical except for the hidden activation. Same seed,
# same starting weights' distribution, same data.
#
# 🤔 **Predict:** which activations will get the training loss lowest, and which will
# barely move?

# %%
spiral = hlc.data.make_classification("spiral", n_samples=400, noise=0.05, seed=seed)
histories = {}
for name in ["relu", "gelu", "elu", "tanh", "sigmoid"]:
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(2, (16, 16, 16, 16), activation=name)
    histories[name] = hlc.training.train_fast(
        model, spiral.x_train, spiral.y_train, epochs=200, learning_rate=0.01,
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

# %% [markdown]
# The sigmoid network has barely started: its saturating, off-centre units pass back too
# little gradient through four layers. ReLU and its smooth relatives (GELU, ELU) train
# fastest here; tanh keeps up at this depth. In practice: start with ReLU (or GELU), reach for tanh in
# small or recurrent networks, and keep sigmoid for outputs that must be probabilities.

# %% [markdown]
# ## Summary
#
# - Without activations, stacked layers collapse into one linear map.
# - ReLU is cheap and passes gradients undiminished where active, but units can die; leaky
#   ReLU, ELU, GELU and swish keep a gradient below zero.
# - Sigmoid and tanh saturate for large inputs; sigmoid's outputs are not zero-centred and
#   its slope is at most 0.25, which slows deep networks down.
# - Softmax turns output scores into class probabilities.
#
# **Next:** [04 · Depth and width](04_depth_and_width.ipynb)
