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
# # 04 · Depth and width
#
# How many hidden layers, and how many units in each? This lesson gives you an explorer to
# build intuition, then measures: accuracy against depth and width, parameter counts,
# training time, and the popular rule of thumb for choosing a width.
#
# **Time:** about 35 minutes
#
# **Objectives**
# - Change depth and width and watch the decision boundary on spirals.
# - Relate parameter count to accuracy and training time.
# - Put the 'between input and output size' rule of thumb to a test.

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
import time

import keras
import matplotlib.pyplot as plt
import numpy as np

# %% [markdown]
# ## The architecture explorer
#
# **Depth** is the number of hidden layers, **width** the number of units in each. The
# explorer trains a network on the data set you pick and redraws its decision map and its
# loss curves (training solid, test dashed) while it trains.
#
# 🤔 **Predict:** on the spiral, what is the smallest network that draws a clean boundary:
# one wide layer, or several narrow ones? Try 1 × 32, then 3 × 8.

# %%
explorer = hlc.widgets.architecture_explorer("spiral", hidden_layers=2, neurons=8, seed=seed)
explorer

# %% [markdown]
# ## Depth against width
#
# The same experiment, measured: every combination of 1, 2 or 4 hidden layers and 2, 8 or
# 32 units, trained the same way on the spiral (tanh, Adam, 200 full-batch steps).

# %%
spiral = hlc.data.make_classification("spiral", n_samples=400, noise=0.05, seed=seed)


def train_and_score(data, hidden, epochs=300, learning_rate=0.03, activation="tanh"):
    """Train a fresh network with these hidden widths; return (model, train acc, test acc)."""
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(
        data.x_train.shape[1], hidden, activation=activation,
        output="binary" if data.task == "binary" else "classes", n_outputs=data.n_classes
        if data.task != "binary" else None,
    )  # fmt: skip
    hlc.training.train_fast(
        model, data.x_train, data.y_train, epochs=epochs, learning_rate=learning_rate, seed=seed
    )

    def accuracy(x, y):
        out = model(x, training=False).numpy()
        predicted = out[:, 0] > 0.5 if out.shape[1] == 1 else out.argmax(axis=1)
        return float(np.mean(predicted == y))

    return model, accuracy(data.x_train, data.y_train), accuracy(data.x_test, data.y_test)


depths, widths = [1, 2, 4], [2, 8, 32]
results = {}
for depth in depths:
    for width in widths:
        model, _, test_accuracy = train_and_score(spiral, [width] * depth, epochs=200)
        results[depth, width] = (model.count_params(), test_accuracy)

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
grid = np.array([[results[d, w][1] for w in widths] for d in depths])
image = axes[0].imshow(grid, cmap="viridis", vmin=0.5, vmax=1.0)
for (i, d), (j, w) in ((a, b) for a in enumerate(depths) for b in enumerate(widths)):
    axes[0].text(j, i, f"{grid[i, j]:.2f}\n{results[d, w][0]} p", ha="center", va="center",
                 color="white" if grid[i, j] < 0.8 else "black", fontsize=8)  # fmt: skip
axes[0].set(xticks=range(3), xticklabels=widths, yticks=range(3), yticklabels=depths,
            xlabel="units per layer (width)", ylabel="hidden layers (depth)",
            title="test accuracy (and parameters)")  # fmt: skip
fig.colorbar(image, ax=axes[0], label="test accuracy")
for depth, marker in zip(depths, ["o", "s", "^"], strict=True):
    counts = [results[depth, w][0] for w in widths]
    axes[1].plot(counts, [results[depth, w][1] for w in widths], marker=marker,
                 label=f"{depth} hidden layer{'s' if depth > 1 else ''}")  # fmt: skip
axes[1].set(xscale="log", xlabel="parameters", ylabel="test accuracy",
            title="accuracy against parameter count")  # fmt: skip
axes[1].legend()
plt.show()

# %%
hlc.claim("spiral test accuracy, 1 layer of 2 units", results[1, 2][1], at_most=0.8)
hlc.claim("spiral test accuracy, best network", max(a for _, a in results.values()), at_least=0.9)

# %% [markdown]
# Two units cannot draw a spiral however many layers you stack: every layer squeezes the
# data through two numbers. Given enough width, extra depth buys more with fewer
# parameters: each layer folds what the layer before it made, so bends compound. More layers
# can capture more complex patterns, but each also costs time and makes training harder
# (lessons 06 and 07).

# %% [markdown]
# ### Exercise 04.1: deep or wide, which is bigger?
#
# Two networks for 2 inputs and 1 output: a *wide* one with one hidden layer of 64 units and
# a *deep* one with four hidden layers of 16 units. Count the parameters of both and store
# them as `answer = (wide, deep)`.

# %%
answer = ...
hlc.check("04.1", answer)

# %%
hlc.solution("04.1")

# %% [markdown]
# ## The rule of thumb, tested
#
# A common starting point says: *choose a width between the input size and the output
# size*. Let's test it on two problems.
#
# - **Digits:** 64 inputs, 10 outputs. The rule suggests something like 32.
# - **Spiral:** 2 inputs, 1 output. The rule suggests... 1 or 2 units.
#
# 🤔 **Predict:** on which problem will the rule give a good network?

# %%
digits = hlc.data.load_digits(seed=seed)
_, _, digits_rule = train_and_score(digits, [32], epochs=200, learning_rate=0.01, activation="relu")
_, _, spiral_rule = train_and_score(spiral, [2, 2])
_, _, spiral_wide = train_and_score(spiral, [32, 32])
print(f"digits, 1 x 32 (within the rule):    test accuracy {digits_rule:.2f}")
print(f"spiral, 2 x 2  (within the rule):    test accuracy {spiral_rule:.2f}")
print(f"spiral, 2 x 32 (far above the rule): test accuracy {spiral_wide:.2f}")
hlc.claim("digits test accuracy, width 32 (within the rule)", digits_rule, at_least=0.9)
hlc.claim("spiral test accuracy, width 2 (within the rule)", spiral_rule, at_most=0.8)
hlc.claim("spiral test accuracy, width 32 (above the rule)", spiral_wide, at_least=0.85)

# %% [markdown]
# The rule works where the inputs are many and informative and the network mainly has to
# *compress* them (digits). It fails where the inputs are few and the network has to *create*
# features (spiral): there the hidden layer must be much wider than the input. Treat the
# rule as a first guess, then measure, as you just did.

# %% [markdown]
# ## Underfitting and overfitting
#
# Too few units **underfit**: the network cannot draw the boundary the data needs, and both
# training and test accuracy stay low (the 2-unit spiral above). Too many units, on too
# little data, **overfit**: the network draws a boundary around every training point,
# noise included, and does worse on new points. Here is a big network (3 × 64) trained long
# on just 60 noisy points, tested on 60 others.

# %%
small = hlc.data.make_classification(
    "circles", n_samples=120, noise=0.35, test_fraction=0.5, seed=seed
)
big, big_train, big_test = train_and_score(small, [64, 64, 64], epochs=1000, learning_rate=0.01,
                                           activation="relu")  # fmt: skip
snug, snug_train, snug_test = train_and_score(small, [8], epochs=300, learning_rate=0.03)
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
hlc.plots.plot_decision_map(
    snug, small, axes[0], title=f"1 × 8: train {snug_train:.2f}, test {snug_test:.2f}"
)
hlc.plots.plot_decision_map(
    big, small, axes[1], title=f"3 × 64: train {big_train:.2f}, test {big_test:.2f}"
)
plt.show()
hlc.claim("overfitting gap (train - test accuracy), 3 x 64", big_train - big_test, at_least=0.1)

# %% [markdown]
# The big network is right on (nearly) every training point and draws islands around noisy
# ones; the small one draws a plain ring and does as well or better on the test points.
# Lesson 06 is about fighting this: more data, dropout, L1/L2 and early stopping.
#
# ### Exercise 04.2: a small network that solves circles
#
# Find hidden-layer widths with **at most 100 parameters** in total (2 inputs, tanh hidden
# units, 1 sigmoid output) that reach **0.9 test accuracy** on the circles data. Give them as
# a list, e.g. `answer = [4, 4]`; the check trains your network (a second or two).

# %%
answer = ...
hlc.check("04.2", answer)

# %%
hlc.solution("04.2")

# %% [markdown]
# ## Training time grows with depth
#
# Each extra layer adds a matrix product to every forward and backward pass. We time 30
# epochs (mini-batches of 32) for networks of 32-unit layers, after a first call that
# compiles the training loop, so we measure computing, not compiling.

# %%
seconds, depths_timed = [], [1, 3, 6]
for depth in depths_timed:
    keras.utils.set_random_seed(seed)
    model = hlc.models.build_dense_network(2, [32] * depth)
    hlc.training.train_fast(model, spiral.x_train, spiral.y_train, epochs=1, batch_size=32)
    start = time.perf_counter()
    hlc.training.train_fast(model, spiral.x_train, spiral.y_train, epochs=30, batch_size=32)
    seconds.append(time.perf_counter() - start)
fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(depths_timed, seconds, marker="o")
ax.set(xlabel="hidden layers (32 units each)", ylabel="seconds for 30 epochs",
       title="Training time against depth", ylim=(0, None))  # fmt: skip
plt.show()
# Timings differ from run to run, so they are printed with their unit, never as a ratio.
print(", ".join(f"{d} layers: {t:.2f} s" for d, t in zip(depths_timed, seconds, strict=True)))

# %% [markdown]
# Time grows roughly in proportion to the number of layers (timings on a busy machine are
# noisy, which is why the lesson shows this one rather than asserting it). For networks this
# small most of the time is overhead; on real data sets and wide layers the growth is steeper,
# and deep networks also need more epochs to train.

# %% [markdown]
# ## Summary
#
# - Width lets one layer draw more bends; depth lets layers compound their bends, often with
#   fewer parameters.
# - Too small underfits; too large on too little data overfits (train accuracy far above test).
# - "Between input and output size" is a first guess that works for compressing many inputs
#   and fails when a network must create features from few inputs: measure.
# - Every layer adds training time.
#
# **Next:** [05 · Subclassed models](05_subclassing_models.ipynb)
