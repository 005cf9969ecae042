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
# 32 units, trained the same way on the spiral (tanh, Adam with a learning rate of 0.03, 200
# full-batch steps).
#
# 🤔 **Predict:** which will score higher on the test points, one layer of 32 units (129
# parameters) or four layers of 8 (249 parameters)? Can any stack of 2-unit layers draw the
# spiral?

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
results, grid_models = {}, {}
for depth in depths:
    for width in widths:
        model, _, test_accuracy = train_and_score(spiral, [width] * depth, epochs=200)
        results[depth, width] = (model.count_params(), test_accuracy)
        grid_models[depth, width] = model

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
one_layer_best = max(results[1, w][1] for w in widths)
hlc.claim("spiral test accuracy, best network of 2-unit layers (1, 2 or 4 of them)",
          max(results[d, 2][1] for d in depths), at_most=0.75)  # fmt: skip
hlc.claim("spiral test accuracy, best one-layer network", one_layer_best, at_most=0.8)
hlc.claim("spiral test accuracy, 4 x 8 minus the best one-layer network",
          results[4, 8][1] - one_layer_best, at_least=0.08)  # fmt: skip
hlc.claim("spiral test accuracy, best network", max(a for _, a in results.values()), at_least=0.9)

# %% [markdown]
# Two units per layer never drew the spiral, at 1, 2 or 4 layers: every layer squeezes the
# data through two numbers, and theory agrees that a network whose layers are all no wider
# than its input cannot draw a bounded decision region, whatever its depth (Johnson 2019).
# One layer, even of 32 units (129 parameters), stayed below 0.8 with this training, while
# four layers of 8 units (249 parameters) did clearly better. Each layer folds what the
# layer before it made, so the bends compound: the number of linear pieces a ReLU network
# can cut its input into can grow exponentially with depth but only polynomially with width
# (Montúfar et al. 2014), and some functions a deep network computes with few units need
# exponentially many in a shallow one (Telgarsky 2016; Eldan and Shamir 2016). That does not
# make deeper always better: every layer costs time (measured at the end of this lesson),
# and deep stacks can be harder to train (lesson 08).

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
# A rule of thumb often quoted for a first guess (usually traced to J. Heaton's
# *Introduction to Neural Networks for Java*, 2008; it comes from practice, not from theory)
# says: *choose a width between the input size and the output size*. Let's test it on two
# problems.
#
# - **Digits:** 64 inputs, 10 outputs. The rule suggests something like 32.
# - **Spiral:** 2 inputs, 1 output. The rule suggests... 1 or 2 units.
#
# 🤔 **Predict:** on which problem will the rule give a good network?

# %%
digits = hlc.data.load_digits(seed=seed)
_, _, digits_rule = train_and_score(digits, [32], epochs=200, learning_rate=0.01, activation="relu")
_, spiral_rule_train, spiral_rule = train_and_score(spiral, [2, 2])
_, _, spiral_wide = train_and_score(spiral, [32, 32])
print(f"digits, 1 x 32 (within the rule):    test accuracy {digits_rule:.2f}")
print(f"spiral, 2 x 2  (within the rule):    test accuracy {spiral_rule:.2f}, "
      f"training accuracy {spiral_rule_train:.2f}")  # fmt: skip
print(f"spiral, 2 x 32 (far above the rule): test accuracy {spiral_wide:.2f}")
hlc.claim("digits test accuracy, width 32 (within the rule)", digits_rule, at_least=0.9)
hlc.claim("spiral test accuracy, width 2 (within the rule)", spiral_rule, at_most=0.8)
hlc.claim("spiral training accuracy, width 2 (within the rule)", spiral_rule_train, at_most=0.8)
hlc.claim("spiral test accuracy, width 32 (above the rule)", spiral_wide, at_least=0.85)

# %% [markdown]
# On digits the rule gave a good network: there the inputs are many and informative, and
# the network mainly has to *compress* them. On the spiral it did not: with 2 inputs the
# network has to *create* features, and here it took layers many times wider than the input
# to do it. Treat the rule as a first guess, then measure, as you just did.

# %% [markdown]
# ## Underfitting and overfitting
#
# Too few units **underfit**: the network cannot draw the boundary the data needs, so its
# accuracy stays low on the training points as well as on new ones (the 2 × 2 spiral above).
# Too many units, trained long on too little data, **overfit**: the network fits the noise of
# its training points and does worse on new ones. Below, two ReLU networks train the same way
# (Adam, learning rate 0.01, 1,000 full-batch steps) on just 60 noisy points: a big one
# (3 × 64, 8,577 parameters) and a small one (1 × 8, 33 parameters). Both are tested on 540
# other points drawn the same way.
#
# 🤔 **Predict:** which network will score higher on its training points, and which on the
# test points?

# %%
small = hlc.data.make_classification(
    "circles", n_samples=600, noise=0.35, test_fraction=0.9, seed=seed
)
big, big_train, big_test = train_and_score(small, [64, 64, 64], epochs=1000, learning_rate=0.01,
                                           activation="relu")  # fmt: skip
snug, snug_train, snug_test = train_and_score(small, [8], epochs=1000, learning_rate=0.01,
                                              activation="relu")  # fmt: skip
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
for ax, network, label, train, test in [(axes[0], snug, "1 × 8", snug_train, snug_test),
                                        (axes[1], big, "3 × 64", big_train, big_test)]:  # fmt: skip
    hlc.plots.plot_decision_map(network, small, ax, show_test=False, colorbar=ax is axes[1],
                                title=f"{label}: train {train:.2f}, test {test:.2f}")  # fmt: skip
plt.show()
hlc.claim("training accuracy, 3 x 64 on 60 points", big_train, at_least=0.95)
hlc.claim("overfitting gap (train - test accuracy), 3 x 64", big_train - big_test, at_least=0.2)
hlc.claim("test accuracy, 1 x 8 minus 3 x 64 (same training)", snug_test - big_test,
          at_least=0.01)  # fmt: skip

# %% [markdown]
# The big network gets (nearly) every training point right, bending its boundary around
# noisy ones, and loses on new points; the small one, trained exactly the same way, draws a
# simpler boundary and scores higher on the test points. Lesson 06 is about fighting this:
# more data, dropout, L1/L2 and early stopping.
#
# ### Exercise 04.2: the fewest units that close a ring
#
# The small network above has 33 parameters. Find hidden-layer widths with **at most 20
# parameters** in total (2 inputs, tanh hidden units, 1 sigmoid output) that reach **0.95
# test accuracy** on circles with little noise (400 points). Give them as a list, e.g.
# `answer = [4, 4]`; the check trains your network (a second or two). Think before you try:
# a tanh unit switches between -1 and 1 across one straight line in the plane (its output is the
# same all along any line parallel to it).

# %%
answer = ...
hlc.check("04.2", answer)

# %%
hlc.solution("04.2")

# %% [markdown]
# ## Training time grows with depth
#
# One training step runs every layer forward, then back. Forward, a Dense layer with $n$
# inputs and $u$ units does $n \times u$ multiply-adds for each example (plus $u$ additions
# for its biases), and it must wait for the layer before it. Backward, each layer does about
# twice that work: once for the gradient of its weights, once for the gradient it passes down
# to the layer below (Goodfellow et al., *Deep Learning*, section 6.5; the same two-to-one
# count as Kaplan et al. 2020, section 2.1). Then the optimizer updates every weight. More
# layers mean more of all of this, one layer after another.
#
# The grid above left its trained networks behind. The cell below trains six of them for 50
# more steps, five times each in turn, and keeps each network's smallest time. It reads two
# clocks. The wall clock (`time.perf_counter`) keeps running while the computer serves other
# programs, so on a busy computer it jumps from run to run. The processor time
# (`time.process_time`) counts only the work the processor did for this Python process, on
# all its threads; other programs barely change it, so the comparisons use it. Each time
# includes what a call to `train_fast` costs whatever its length (checking its arguments,
# copying the data in), as a training of your own would.
#
# 🤔 **Predict:** per example, 4 × 2 does 18 multiply-adds, 1 × 32 does 96 and 4 × 32 does
# 3,168. Which of the three takes longest per step? Is 4 × 32 176 times slower than 4 × 2?

# %%
timed = [(1, 2), (2, 2), (4, 2), (1, 32), (2, 32), (4, 32)]
step_seconds = dict.fromkeys(timed, np.inf)  # processor time per step
wall_seconds = dict.fromkeys(timed, np.inf)  # wall-clock time per step, for comparison
for _ in range(5):  # in turn, so that a busy moment does not fall on one network only
    for depth, width in timed:
        start_wall, start = time.perf_counter(), time.process_time()
        hlc.training.train_fast(grid_models[depth, width], spiral.x_train, spiral.y_train,
                                epochs=50, learning_rate=0.03, seed=seed)  # fmt: skip
        step_seconds[depth, width] = min(step_seconds[depth, width],
                                         (time.process_time() - start) / 50)  # fmt: skip
        wall_seconds[depth, width] = min(wall_seconds[depth, width],
                                         (time.perf_counter() - start_wall) / 50)  # fmt: skip
fig, ax = plt.subplots(figsize=(5.5, 3.2))
for width, marker in [(2, "o"), (32, "s")]:
    ax.plot(depths, [1000 * step_seconds[d, width] for d in depths], marker=marker,
            label=f"{width} units per layer")  # fmt: skip
ax.set(xlabel="hidden layers", ylabel="processor time per step (ms)", xticks=depths,
       title="Processor time per training step against depth", ylim=(0, None))  # fmt: skip
ax.legend()
plt.show()
for depth, width in timed:
    print(f"{depth} x {width:>2}: {1000 * step_seconds[depth, width]:.2f} ms of processor time "
          f"per step ({1000 * wall_seconds[depth, width]:.2f} ms on the wall clock)")  # fmt: skip

# %%
hlc.claim("time per step, 4 x 32 over 1 x 32", step_seconds[4, 32] / step_seconds[1, 32],
          at_least=1.5)  # fmt: skip
hlc.claim("time per step, 4 x 2 over 1 x 32", step_seconds[4, 2] / step_seconds[1, 32],
          at_least=1.3)  # fmt: skip
hlc.claim("time per step, 4 x 32 over 4 x 2", step_seconds[4, 32] / step_seconds[4, 2],
          at_most=2.0)  # fmt: skip

# %% [markdown]
# Depth costs time even when the layers are tiny: a step of 4 × 2 takes more processor time
# than a step of 1 × 32, with a fifth of its multiply-adds, and 4 × 32 is nowhere near 176
# times slower than 4 × 2. For networks this small, a step's time goes mostly into running
# each layer's operations (forward, backward and the optimizer's update) one after another,
# not into arithmetic. For wide layers and large batches the multiply-adds take over, and
# the time grows with them. Either way, every layer adds to every step.
#
# ### Exercise 04.3: four layers for the price of one
#
# A network with 2 inputs, 1 output and **one hidden layer of 256 units** does some number
# of multiply-adds per example in its forward pass. Give it **4 hidden layers** of equal
# width $w$ instead. What is the **largest** $w$ for which the forward pass costs no more
# multiply-adds per example than the single layer of 256 did? Store it as `answer = w`.

# %%
answer = ...
hlc.check("04.3", answer)

# %%
hlc.solution("04.3")

# %% [markdown]
# ## Summary
#
# - Width lets one layer draw more bends; stacked layers compound them: here four layers of
#   8 units beat every single layer up to 32 units, and no stack of 2-unit layers drew the
#   spiral.
# - Too small underfits (training and test accuracy both low); too large, trained long on
#   too little data, overfits (training accuracy far above test).
# - "Between input and output size" is a first guess that worked for digits and failed for
#   the spiral: measure.
# - Every layer adds time to every training step; for small networks the number of layers
#   counts for more than the multiply-adds.
#
# **Next:** [05 · Subclassed models](05_subclassing_models.ipynb)
