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
# # 00 · Start here
#
# Welcome to **Hidden Layers**, a hands-on course on the layers that sit between a neural
# network's input and its output: what they add, how to build them in Keras, how to see inside
# them and how to tell when they are sick. This first lesson gets you ready.
#
# **Time:** about 15 minutes
#
# **Objectives**
# - Check that your environment is ready and know what it has (versions, CPU threads, memory).
# - Know how lessons, widgets and exercises behave, and where to get help.
# - Test yourself on the prerequisites: NumPy arrays and a single neuron's arithmetic.
# - See the map of the course and the words it uses.

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
#
# Every lesson starts with the same cell. `hlc.setup()` seeds the random number generators of
# Python, NumPy and Keras (so running a lesson again gives the same numbers), starts a fresh
# Keras session, quiets TensorFlow's start-up messages, sets readable plot defaults, gives every
# figure a short description from its titles and axis labels (the read-only HTML copy of the
# course hands it to screen readers) and prints one line about your environment. It returns the seed it used; lessons pass it on wherever
# randomness enters. `written_for` names the version of the course package the lesson was
# written for: if the one installed is different (a hub's image older than the lessons, say),
# `setup` warns you and says how to bring them together.

# %%
import hlcourse as hlc

seed = hlc.setup(written_for="0.1.0")

# %%
import numpy as np

# %% [markdown]
# ## How this course works
#
# - **Lessons** are short sections of text and code. Run them top to bottom with
#   **Shift+Enter**, one cell at a time, or all at once with *Run > Run All Cells*. If things
#   get tangled, *Kernel > Restart Kernel and Run All Cells* puts everything back.
# - **Predict, then run.** Before some cells you will see a 🤔 prompt. Take ten seconds to
#   guess the result before you run the cell: a wrong guess you notice teaches more than a
#   right answer you only read.
# - **Widgets** are sliders, menus and buttons under a cell. Drag or click them (or use the
#   Tab and arrow keys) and the picture beside them redraws. They need a running kernel: in a
#   notebook you have only opened, run the cell first.
# - **Exercises** are cells that end in `hlc.check("NN.K", answer)`. Replace the `...` with
#   your answer and run the cell: you get ✔ *passed* or ✘ *try again* with a hint about what
#   is wrong. Left as `...`, the check only says *not attempted*, and the rest of the lesson
#   still runs. The cell after each exercise hides a solution: open it when you are stuck.
# - **Help.** A name followed by `?` in a cell (`hlc.data.make_classification?`) shows its
#   help. If something in your setup seems broken, run `python -m hlcourse doctor` in a
#   terminal (or `!python -m hlcourse doctor` in a cell): it checks your computer for the
#   course and says what to fix.
# - **Lessons check themselves.** When a lesson says "the hidden layer reaches at least 90 %",
#   a line of code checks it; if that ever fails, the message says what went wrong.
# - **Training is kept short** (small data, few epochs): on the two-core machine the course
#   is tested on, each lesson runs from top to bottom in under a minute. Real projects train
#   on more data, for longer.

# %% [markdown]
# ## Is your environment ready?
#
# The course needs Python 3.11 or newer, TensorFlow with Keras 3, and about 1 GB of memory
# per open lesson. This cell reads what your machine has and lists what it finds to fix (a
# Keras older than 3, less than 2 GB of memory).

# %%
info = hlc.environment_info()
print(info.summary())
for problem in info.problems():
    print("To fix:", problem)
if not info.problems():
    print("Everything the course needs is here.")
hlc.expect(
    info.keras.startswith("3"),
    f"This course needs Keras 3, and Keras {info.keras} is installed. "
    "Run `make lab` from the course folder to get the tested versions.",
)

# %% [markdown]
# TensorFlow can spread its work over your **CPU threads**; every lesson is sized to run on
# two. A lesson's kernel peaks at 0.6 to 0.85 GB of memory (the course's benchmark records
# each one). Binder gives a session between 1 and 2 GB, so there keep one lesson open at a
# time: close lessons you are done with from the *Running Terminals and Kernels* panel on
# the left.

# %% [markdown]
# ## Prerequisites: a short self-check
#
# The course assumes you can read Python, know what a NumPy array's shape is and have met a
# matrix product. Two quick questions tell you whether you are ready.
#
# ### Exercise 00.1: counting hidden layers
#
# A network is written layer by layer as
#
# `Input(4) → Dense(16, relu) → Dense(16, relu) → Dense(8, relu) → Dense(3, softmax)`
#
# How many **hidden** layers does it have? Set `answer` to a whole number.

# %%
answer = ...
hlc.check("00.1", answer)

# %%
hlc.solution("00.1")

# %% [markdown]
# ### Exercise 00.2: a dense layer on a batch, by hand
#
# A dense layer with 2 units reads 3 inputs. Each unit computes a weighted sum of the inputs
# plus its bias, then applies the ReLU activation, which keeps positive numbers and turns
# negative ones into 0:
#
# $$ \text{output} = \mathrm{relu}(x W + b), \qquad \mathrm{relu}(z) = \max(z, 0) $$
#
# Networks process many inputs at once: here `x` holds a batch of four inputs, one per row.
#
# 🤔 **Predict:** `x` has shape (4, 3) and `W` shape (3, 2). What shape will the output have?

# %%
x = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0], [0.5, 1.0, 1.0], [-1.0, -1.0, 1.0]])
W = np.array([[1.0, -1.0], [0.25, 0.5], [0.5, 2.0]])
b = np.array([0.5, -0.25])
print("x:", x.shape, " W:", W.shape, " b:", b.shape)

# %% [markdown]
# Compute the layer's output for all four inputs with NumPy, in one expression if you can,
# and store it in `answer`: one row per input, one column per unit.

# %%
answer = ...
hlc.check("00.2", answer)

# %%
hlc.solution("00.2")

# %% [markdown]
# If both checks passed, you are ready. If not, the solutions show the idea; lesson 01
# builds it up again slowly.
#
# ## Widgets: drag, and the picture follows
#
# Most lessons have explorers like the one below. It draws one of the course's small
# two-class data sets: orange circles are class 0, blue squares class 1, and hollow markers
# are points held back for testing. Change the data set, drag the noise slider (or click it
# and press the arrow keys), or pick another seed.
#
# 🤔 **Predict:** drag the noise up from 0 to 0.5 on the `xor` data. Do the two classes stay
# apart up to some noise level and then mix all at once, or do they mix little by little?

# %%
explorer = hlc.widgets.dataset_explorer("xor", noise=0.1)
explorer

# %% [markdown]
# The caption under the picture puts a number on the mixing: the share of points whose 5
# nearest neighbours are mostly of the other class. Whatever the widget shows, code can
# compute too. Here is that share for every noise level, on five different seeds:

# %%
import matplotlib.pyplot as plt

noise_levels = np.linspace(0.0, 0.5, 11)
seeds = range(5)
mixing = np.array(
    [
        [
            hlc.data.class_overlap(hlc.data.make_classification("xor", 300, noise=n, seed=s))
            for n in noise_levels
        ]
        for s in seeds
    ]
)
fig, ax = plt.subplots(figsize=(5.5, 3.2))
for row in mixing:
    ax.plot(noise_levels, row, color="0.75", linewidth=1)
ax.plot(noise_levels, mixing.mean(axis=0), marker="o", label="mean of 5 seeds")
ax.set(xlabel="noise", ylabel="share of mixed points", title="More noise, more mixing (xor)")
ax.legend()
plt.show()
print(
    f"Mixed points: {mixing[:, 0].mean():.0%} at noise 0, {mixing[:, -1].mean():.0%} at noise 0.5."
)
hlc.expect(
    mixing[:, 0].max() <= 0.02 and mixing[:, -1].min() >= 0.15,
    "Clean xor data should have almost no mixed points and very noisy data many.",
)
hlc.expect(
    np.all(np.diff(mixing.mean(axis=0)) > 0),
    "On average over the 5 seeds, every step up in noise should mix more points.",
)

# %% [markdown]
# Little by little: on average every step up in noise mixes more points, with no level at
# which the classes suddenly run together. Read the grey lines as the spread between seeds:
# the same recipe with different random points. Every bound a lesson checks on a measured
# number was set from such a sweep over five seeds, not from one lucky run.
#
# ### Exercise 00.3: when noise mixes the classes
#
# Lessons make their data with `hlc.data` (type `hlc.data.make_classification?` in a cell to
# read its help). For the `"circles"` data set with 300 points and seed 0, find the lowest
# noise level among 0.0, 0.05, 0.1, ..., 0.5 at which at least 10 % of the points are mixed,
# as `hlc.data.class_overlap` measures it. Store that noise level in `answer`.

# %%
answer = ...
hlc.check("00.3", answer)

# %%
hlc.solution("00.3")

# %% [markdown]
# ## The course map
#
# Every lesson, with the minutes it takes. Take them in order: each builds on the ones before.

# %%
hlc.lessons.course_map()

# %% [markdown]
# ## Glossary
#
# | Word | Meaning in this course |
# |---|---|
# | neuron, unit | one number-producing element of a layer; in a dense layer, a weighted sum of its inputs plus a bias, passed through an activation |
# | layer | one step of the network: it turns the values it receives into new ones; in a dense layer, a group of units that all read the same inputs |
# | input layer | the data as it enters the network; it computes nothing |
# | output layer | the last layer; its values are the network's answer |
# | hidden layer | any layer between input and output: the training data say what the output should be, never what a hidden layer should produce |
# | dense (fully connected) layer | a layer whose every unit reads every input |
# | weights, biases | the numbers a layer learns: `W` mixes the inputs, `b` shifts the result |
# | parameters | the numbers a model holds; training changes the trainable ones (weights, biases); `count_params()` counts them all, including a few that are updated but not trained (batch normalization's running averages, lesson 06) |
# | activation function | the function a unit applies to its weighted sum; hidden layers need a non-linear one (ReLU, tanh, ...) |
# | depth, width | number of hidden layers; number of units per hidden layer (some authors count the output layer in the depth too) |
# | forward pass | computing the output from the input, layer by layer |
# | logits | the output layer's raw scores, before softmax or sigmoid turns them into probabilities |
# | softmax | turns a row of scores $z_k$ into probabilities $e^{z_k} / \sum_j e^{z_j}$, each between 0 and 1, adding up to 1 |
# | loss | one number saying how wrong the model's outputs are on some data; training lowers it on the training data |
# | cross-entropy | the usual classification loss: minus the log of the probability the model gives the true class, averaged over the examples |
# | gradient | for each parameter, the rate at which the loss changes as that parameter changes (the partial derivatives, all together) |
# | backpropagation | computing all gradients with the chain rule, from the output back to the first layer |
# | optimizer | the rule that turns gradients into parameter updates: plain gradient descent (SGD), Adam, ... |
# | epoch, batch | one pass over the training data; the slice of data used for one update |
# | training, validation, test data | the examples the model learns from; examples held back to watch training and choose settings; examples held back until the end, to measure how the model does on data it has never seen |
# | overfitting | fitting the training data's quirks, so the model does worse on new data than on its training data; typically the training loss keeps falling while the validation loss rises |
# | regularization | anything that discourages overfitting without aiming at a lower training loss: dropout, L1/L2 penalties, early stopping |
# | batch normalization | during training, re-centring and re-scaling each unit's values with the batch's mean and standard deviation (then a learned scale and shift; running averages replace the batch's at inference); it often makes training faster and steadier, measured in lesson 06 |

# %% [markdown]
# ## Summary
#
# - Every lesson starts with `hlc.setup()`, runs top to bottom, and checks its own claims.
# - Exercises answer at once; `...` means not attempted, and a solution is one click away.
# - Widgets redraw when you drag, click or type, and code can drive them too.
# - Your environment is ready when the check above reports nothing to fix.
#
# **Next:** [01 · Why hidden layers](01_why_hidden_layers.ipynb)
