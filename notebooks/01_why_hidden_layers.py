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
# # 01 · Why hidden layers
#
# A network with only an input and an output layer can draw exactly one straight line
# through its data. This lesson shows where that fails, and what a single hidden layer adds.
#
# **Time:** about 30 minutes
#
# **Objectives**
# - See a linear model fail on XOR and circles, and one hidden layer solve them.
# - Watch a hidden layer bend the plane so a straight line can separate the classes.
# - Fit a curve with more and more hidden units (universal approximation).
# - Write the forward pass as equations and in NumPy, and match Keras exactly.

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
# ## A linear model meets XOR
#
# The XOR data set has two classes arranged like a chessboard's corners: class 1 (blue
# squares) where the two coordinates have opposite signs, class 0 (orange circles) where
# they agree.

# %%
xor = hlc.data.make_classification("xor", n_samples=400, noise=0.05, seed=seed)
hlc.plots.plot_dataset(xor)
plt.show()

# %% [markdown]
# A model **without** a hidden layer computes one weighted sum of the inputs and squashes
# it into a probability: $p = \sigma(w_1 x_1 + w_2 x_2 + b)$. The boundary where $p = 0.5$ is
# the straight line $w_1 x_1 + w_2 x_2 + b = 0$. In Keras that is a single `Dense` layer.
#
# We train with `hlc.training.train_fast`, which does what Keras' `model.fit` does (40
# passes over the data in batches of 32, with the model's own optimizer and loss) inside one
# compiled loop: for networks this small it is many times faster. Lesson 02 uses `fit`.
#
# 🤔 **Predict:** what accuracy can the best straight line reach on XOR?


# %%
def linear_model() -> keras.Model:
    """No hidden layer: the inputs go straight into one sigmoid unit."""
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model


linear = linear_model()
hlc.training.train_fast(linear, xor.x_train, xor.y_train, epochs=40, batch_size=32, seed=seed)
linear_accuracy = linear.evaluate(xor.x_test, xor.y_test, verbose=0)[1]
print(f"Linear model, test accuracy on XOR: {linear_accuracy:.2f}")

# %% [markdown]
# Around one half: a coin toss. Whichever line you draw, each side holds about as many
# points of one class as of the other.

# %% [markdown]
# ## One hidden layer solves it
#
# Now put a **hidden layer** of 8 units with the `tanh` activation between the input and the
# output. Nothing else changes: same data, same optimizer, same number of epochs.


# %%
def hidden_layer_model(units: int = 8) -> keras.Model:
    """One hidden layer of `units` tanh units, then the same sigmoid output."""
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(units, activation="tanh", name="hidden"),
            keras.layers.Dense(1, activation="sigmoid", name="output"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model


hidden = hidden_layer_model()
hlc.training.train_fast(hidden, xor.x_train, xor.y_train, epochs=40, batch_size=32, seed=seed)
hidden_accuracy = hidden.evaluate(xor.x_test, xor.y_test, verbose=0)[1]
print(f"One hidden layer, test accuracy on XOR: {hidden_accuracy:.2f}")

# %% [markdown]
# Side by side, as decision maps: the colour is the model's probability of class 1, the
# black line is where it equals 0.5.

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
hlc.plots.plot_decision_map(linear, xor, axes[0], title=f"no hidden layer: {linear_accuracy:.0%}")
hlc.plots.plot_decision_map(hidden, xor, axes[1], title=f"8 hidden units: {hidden_accuracy:.0%}")
plt.show()

# %% [markdown]
# The lesson checks both sides of this contrast. The bounds come from running this whole
# lesson under several seeds (the course's benchmark records every value), so they hold on
# every run, not just a lucky one.

# %%
hlc.claim("linear accuracy on xor", linear_accuracy, at_most=0.70,
          message="No straight line separates XOR much better than a coin toss.")  # fmt: skip
hlc.claim("hidden-layer accuracy on xor", hidden_accuracy, at_least=0.90,
          message="One hidden layer of 8 tanh units should solve XOR.")  # fmt: skip

# %% [markdown]
# The same happens on the circles data set, where one class surrounds the other: no
# straight line can put a ring on one side and its centre on the other.

# %%
circles = hlc.data.make_classification("circles", n_samples=400, noise=0.05, seed=seed)
scores = {}
for name, build in [("linear", linear_model), ("hidden", hidden_layer_model)]:
    model = build()
    hlc.training.train_fast(
        model, circles.x_train, circles.y_train, epochs=40, batch_size=32, seed=seed
    )
    scores[name] = model.evaluate(circles.x_test, circles.y_test, verbose=0)[1]
    print(f"{name:>6}: test accuracy on circles {scores[name]:.2f}")
hlc.claim("linear accuracy on circles", scores["linear"], at_most=0.70)
hlc.claim("hidden-layer accuracy on circles", scores["hidden"], at_least=0.90)

# %% [markdown]
# ### Exercise 01.1: a network with one hidden layer
#
# Build (don't train) a Keras model for two input features with **one hidden layer of 8
# ReLU units** and a single sigmoid output unit, and store it in `answer`.

# %%
answer = ...
hlc.check("01.1", answer)

# %%
hlc.solution("01.1")

# %% [markdown]
# ## The forward pass, by hand
#
# What does the trained network compute? For a batch of inputs $X$ (one row per point), the
# hidden layer and the output are
#
# $$ H = \tanh(X W_1 + b_1), \qquad p = \sigma(H W_2 + b_2), \qquad \sigma(z) = \frac{1}{1 + e^{-z}} $$
#
# $W_1$ has one column per hidden unit, so $H$ has one column per hidden unit: each unit is
# a weighted sum of the inputs passed through `tanh`. The output is a logistic regression
# on those hidden values instead of on the raw inputs. Keras keeps $W$ and $b$ as each
# layer's `kernel` and `bias`:

# %%
W1, b1 = hidden.get_layer("hidden").get_weights()
W2, b2 = hidden.get_layer("output").get_weights()
print("W1", W1.shape, " b1", b1.shape, " W2", W2.shape, " b2", b2.shape)

H = np.tanh(xor.x_test @ W1 + b1)
p_numpy = 1 / (1 + np.exp(-(H @ W2 + b2)))
p_keras = hidden(xor.x_test).numpy()
print("largest difference between NumPy and Keras:", float(np.abs(p_numpy - p_keras).max()))
np.testing.assert_allclose(p_numpy, p_keras, rtol=1e-5, atol=1e-6)

# %% [markdown]
# The two agree to the last few digits of float32: there is no more to a Dense layer than
# a matrix product, a bias and an activation.
#
# Why does the activation matter so much? Without `tanh`, the hidden layer would give
# $H = X W_1 + b_1$ and the output $\sigma((X W_1 + b_1) W_2 + b_2) = \sigma(X (W_1 W_2) + \ldots)$:
# one weighted sum again, one straight line. A hidden layer adds power only through its
# non-linear activation.
#
# ### Exercise 01.2: the forward pass by hand
#
# Here are the weights of a small network with 3 tanh hidden units and a sigmoid output, and
# two input points. Compute the network's output for both points with NumPy (shape (2, 1)).

# %%
x = np.array([[0.5, -1.0], [-0.25, 0.75]])
W1 = np.array([[1.5, -2.0, 0.5], [-1.0, 1.0, 2.0]])
b1 = np.array([0.1, -0.2, 0.0])
W2 = np.array([[2.0], [-1.5], [1.0]])
b2 = np.array([-0.3])

# %%
answer = ...
hlc.check("01.2", answer)

# %%
hlc.solution("01.2")

# %% [markdown]
# ## Bending the plane
#
# Where did the straight line go? The output layer still draws one, but in the space of
# the hidden units' values, not in the input plane. Each point now has 8 coordinates, one
# per hidden unit; the right-hand picture shows them from the two directions in which they
# vary most (a PCA projection), and the grey lines are a regular grid of the input plane
# after the hidden layer has bent it.
#
# 🤔 **Predict:** in the input plane the two blue corners are far apart. Where will the
# hidden layer put them?

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
hlc.plots.plot_dataset(xor, axes[0], title="input plane")
hlc.plots.plot_hidden_space(hidden, xor, axes[1])
plt.show()

# %% [markdown]
# The hidden layer folds the plane: the grid lines bend and cross, and the points of each
# class are pulled together. In all 8 dimensions the output layer separates the classes with
# one flat cut (the 8-dimensional version of a straight line), and that cut alone is right
# on almost all of the test points. This is what "hidden layers extract features"
# means: the hidden units compute new coordinates in which the problem becomes easy for the
# layer after them.

# %% [markdown]
# ## Fitting any curve: width
#
# A hidden layer does more than fold a plane. With enough units, one hidden layer can
# approximate any reasonable curve: each unit contributes one bent piece (a smooth step for
# `tanh`, a hinge for ReLU), and the output adds the pieces up. That is the *universal
# approximation theorem*; it says nothing about how many units you need or how easy they are
# to train.
#
# 🤔 **Predict:** how many hidden units does it take to follow the `sine` curve closely?
# Drag the slider (or click it and use the arrow keys) and watch the faint lines: one per
# hidden unit, adding up to the fit.

# %%
explorer = hlc.widgets.width_explorer("sine", width=2, seed=seed)
explorer

# %% [markdown]
# The same experiment in code: one hidden layer of each width, trained the same way
# (400 full-batch steps of Adam), on three seeds.

# %%
curve = hlc.data.make_curve("sine", n_samples=200, noise=0.05, seed=seed)


def training_error(width: int, seed: int) -> float:
    """Train a 1 -> width -> 1 tanh network on the curve; return its final training MSE."""
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(1, (width,), activation="tanh", output="regression")
    history = hlc.training.train_fast(
        model, curve.x_train, curve.y_train, epochs=400, learning_rate=0.02, seed=seed
    )
    return history["loss"][-1]


widths = [1, 4, 16]
errors = np.array([[training_error(w, seed + s) for w in widths] for s in range(3)])
fig, ax = plt.subplots(figsize=(5.5, 3.4))
ax.plot(widths, errors.T, color="0.75", linewidth=1)
ax.plot(widths, errors.mean(axis=0), marker="o", label="mean of 3 seeds")
ax.set(xscale="log", yscale="log", xlabel="hidden units", ylabel="training error (MSE)",
       title="Wider hidden layer, closer fit (sine)")  # fmt: skip
ax.set_xticks(widths, [str(w) for w in widths])
ax.minorticks_off()
ax.legend()
plt.show()
hlc.claim("error ratio, 1 vs 16 hidden units", errors[:, 0].min() / errors[:, -1].max(), at_least=5,
          message="16 hidden units should fit the sine at least five times closer than 1.")  # fmt: skip

# %% [markdown]
# ## Summary
#
# - Without a hidden layer, a classifier draws one straight line: a coin toss on XOR and circles.
# - A hidden layer computes new features, $H = \tanh(X W_1 + b_1)$; the output layer draws its
#   line in that new space, which looks like a bent boundary in the input plane.
# - The activation is what makes a hidden layer count: without it, layers collapse into one.
# - With enough hidden units, one layer can follow any reasonable curve; how many it needs is
#   the subject of lesson 04.
#
# **Next:** [02 · Dense layers in Keras](02_dense_layers_keras.ipynb)
