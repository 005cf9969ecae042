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
# # 12 · The playground
#
# TensorFlow Playground (Daniel Smilkov and Shan Carter, 2016) made hidden layers visible:
# a network small enough to see whole, every neuron drawn as a picture over the plane,
# training live. This lesson brings a lab built on its design into Jupyter, on a real Keras
# model that you can take away as code or as a trained model. Play first; then four guided
# experiments put into practice what the course has taught, each measured.
#
# **Time:** about 45 minutes
#
# **Objectives**
# - Use a TensorFlow-Playground-class lab built on a real Keras model.
# - Run guided experiments: XOR, spirals, regularization, symmetric initialization.

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
import base64

import keras
import numpy as np
from IPython.display import HTML, display

ALL_FEATURES = hlc.playground.FEATURES


def trained(epochs, **settings):
    """A playground engine with `settings` (the rest TensorFlow Playground's defaults),
    trained for `epochs` epochs, from starting weights drawn under the lesson's seed."""
    keras.utils.set_random_seed(seed)
    state = hlc.playground.PlaygroundState().with_changes(**settings)
    engine = hlc.playground.PlaygroundEngine(state)
    engine.run_epochs(epochs)
    return engine


def show_outputs(engines, show_test_data=False):
    """Each engine's output map, as the playground draws it, side by side with its name."""
    pictures = []
    for name, engine in engines.items():
        frame = hlc.playground.make_frame(engine, show_test_data=show_test_data)
        source = base64.b64encode(frame.output_png).decode()
        pictures.append(
            f'<figure style="display:inline-block;margin:0 16px 0 0;text-align:center">'
            f'<img src="data:image/png;base64,{source}" width="200" height="200" '
            f'alt="output map: {name}"><figcaption>{name}<br>test loss '
            f"{engine.test_loss:.3f}</figcaption></figure>"
        )
    display(HTML("".join(pictures)))


# %% [markdown]
# ## The playground
#
# TensorFlow Playground's controls are here, left to right:
#
# | part | what it does |
# |---|---|
# | **data** | the points (circle, xor, gauss, spiral; plane and multi-gaussian for regression), noise, the share used for training, batch size, "regenerate" for new points |
# | **features** | what the network gets as input: x1, x2, their squares, their product, their sines; each with its map |
# | **network** | hidden layers and neurons (the + and - buttons), every neuron drawn as its output over the plane; lines are weights: blue positive, orange and dashed negative, thicker for larger, fading out as a weight nears 0 |
# | **output** | the network's answer over the plane, the points on it, "show test data", "discretize output" |
# | **training** | play / pause, step (one epoch), reset, the epoch counter, training and test loss and their curves; learning rate, activation, regularization, problem type, initialization |
# | **below** | lesson 08's diagnostics in words, the configuration string (copy it; paste one and apply it), "show as code", "take the model" |
#
# Under the pictures is a real Keras model. Its weights are trained by plain gradient descent
# on mini-batches, as in TensorFlow Playground, in a compiled TensorFlow loop: about 2,000
# epochs a second for the default network while the pictures update, in the course's bench
# (`playground_speed` in `bench/results.json`). Press play.
#
# Where this playground differs from TensorFlow Playground:
#
# - **The output and the loss.** The Playground's output unit is a `tanh`, its targets
#   are -1 and +1, and it minimizes (and shows) half the squared error. Here the output is
#   a sigmoid, the labels 0 and 1, and the loss binary cross-entropy, as a Keras model for
#   two classes has it; the losses shown are that cross-entropy (ln 2 ≈ 0.69 is a coin
#   toss).
# - **The start.** The Playground draws every weight from U(-0.5, 0.5) and sets every bias
#   to 0.1; here weights start as Keras' Glorot-uniform default and biases at 0.
# - **The penalty.** The Playground penalizes every weight, those into the output too (no
#   bias, in either), and its L2 is ½·λ·Σw²; here the penalty is on the hidden layers'
#   weights only and L2 is Keras' λ·Σw² (the same rate pulls twice as hard). When its L1
#   step would carry a weight across 0, the Playground sets the weight to exactly 0 and
#   freezes it there until the network is reset; here L1 leaves such weights jittering
#   within a hair of 0.
# - **The data.** The Playground's plane spans [-6, 6]; this one spans [-1.2, 1.2], with
#   the points within about 1 of the centre, so sin x1 is nearly linear here (on the
#   Playground's plane it waves almost twice across). Its circle has the blue class inside
#   and its xor the blue class where the signs agree; here the circle's middle is class 0
#   (orange) and xor's class 1 (blue) is where the signs differ, as in lesson 01.

# %%
pg = hlc.widgets.playground()
pg

# %% [markdown]
# ## 1 · XOR, and what a hidden layer is for
#
# Lesson 01's problem: the xor data, class 1 where x1 and x2 have opposite signs. Choose
# **xor** in the playground, remove both hidden layers, and play.
#
# 🤔 **Predict:** without hidden layers, what can the output unit draw? And with one hidden
# layer of 4 neurons?

# %%
xor_linear = trained(300, dataset="xor", layers=())
xor_hidden = trained(300, dataset="xor", layers=(4,))
show_outputs({"no hidden layer": xor_linear, "one hidden layer of 4": xor_hidden})
hlc.claim("xor, no hidden layer: test loss", xor_linear.test_loss, at_least=0.6)
hlc.claim("xor, 4 hidden neurons: test loss", xor_hidden.test_loss, at_most=0.25)

# %% [markdown]
# Without a hidden layer the output is a sigmoid of a weighted sum of x1 and x2, so its
# boundary is one straight line, and no line splits xor: the test loss stays near ln 2 ≈
# 0.69, a coin toss (at least 0.6 on every seed). Each of the four hidden neurons is a
# `tanh` of its own weighted sum, a soft step across its own line, and the output combines
# them (below 0.25 on every seed). In the playground, look at the four neurons' maps: each
# is one line; the output is their blend.
#
# A trick the Playground invites: XOR **without** a hidden layer.
#
# ### Exercise 12.1: XOR without a hidden layer
#
# In the playground, choose xor, no hidden layers, and find the one input feature that
# makes the problem easy (look at the features' maps). Train until the test loss is below
# 0.3, then store the playground: `answer = pg`.

# %%
answer = ...
hlc.check("12.1", answer)

# %%
hlc.solution("12.1")

# %% [markdown]
# ## 2 · The spiral: features by hand, or by hidden layers
#
# Two interleaved spirals: to separate them from x1 and x2, a network has to bend its
# boundary round and round. Choose **spiral**.
#
# 🤔 **Predict:** three hidden layers of 8 neurons train for 1,000 epochs, once from x1 and
# x2 only and once from all seven features. How far apart will the two test losses be?

# %%
spiral_plain = trained(1000, dataset="spiral", layers=(8, 8, 8))
spiral_features = trained(1000, dataset="spiral", layers=(8, 8, 8), features=ALL_FEATURES)
show_outputs({"x1, x2 only": spiral_plain, "all seven features": spiral_features})
print(f"test loss after 1,000 epochs: x1, x2 only {spiral_plain.test_loss:.3f}; "
      f"all seven features {spiral_features.test_loss:.3f}")  # fmt: skip
hlc.claim("spiral, all features: test loss after 1,000 epochs", spiral_features.test_loss,
          at_most=0.1)  # fmt: skip
hlc.claim("spiral: test loss with all features over x1 and x2 only",
          spiral_features.test_loss / spiral_plain.test_loss, at_most=0.35)  # fmt: skip

# %% [markdown]
# From x1 and x2 alone, the first layer's neurons are soft steps across straight lines, and
# the deeper layers must bend those into the spiral's curves; in 1,000 epochs at the
# default learning rate they get there from some starting weights and not from others
# (the loss printed above is this run's; play on in the playground and watch the deeper
# neurons' maps change). With the squares as inputs, a first-layer neuron computes
# tanh(a·x1² + b·x2² + ...), whose map can already curve round the centre (its lines of
# equal value are circles or ellipses when a and b have the same sign), so the first layer
# starts from curved pieces, and in the same epochs the test loss ends below 0.35 of the
# other on every seed. Hand-made features are a shortcut when you know the problem; hidden
# layers are how a network makes its own when you do not.
#
# ### Exercise 12.2: the spiral on a budget
#
# The cell above used 24 hidden neurons. Get the spiral (noise 0) to a test loss below
# **0.1** with **at most 12 hidden neurons** in all: choose the features, layers, neurons
# and learning rate, and train. Then `answer = pg`.

# %%
answer = ...
hlc.check("12.2", answer)

# %%
hlc.solution("12.2")

# %% [markdown]
# ## 3 · Noisy data and regularization
#
# Lesson 06 in the playground: **gauss** with noise 50 and only 10 % of the points for
# training, and a network far bigger than two clouds need (two round clouds of the same
# spread are best split by a straight line). Tick "show test data".
#
# 🤔 **Predict:** what will the gap between training and test loss do when you add L2
# regularization with rate 0.03?

# %%
noisy = {"dataset": "gauss", "noise": 50, "train_share": 10, "layers": (8, 8, 8)}
plain = trained(500, **noisy)
l2 = trained(500, **noisy, regularization="l2", regularization_rate=0.03)
for name, engine in {"no regularization": plain, "L2, rate 0.03": l2}.items():
    print(f"{name:>17}: training loss {engine.train_loss:.3f}, test loss "
          f"{engine.test_loss:.3f}, gap {engine.test_loss - engine.train_loss:.3f}")  # fmt: skip
show_outputs({"no regularization": plain, "L2, rate 0.03": l2}, show_test_data=True)
gap_plain = plain.test_loss - plain.train_loss
gap_l2 = l2.test_loss - l2.train_loss
hlc.claim("noisy gauss, no regularization: test minus training loss", gap_plain, at_least=0.1)
hlc.claim("noisy gauss: L2's gap over the unregularized gap", gap_l2 / gap_plain, at_most=0.6)

# %% [markdown]
# The few training points (white rims; the test points have black ones) are split by a
# line almost without error, so without regularization nothing stops the weights from
# growing until the network is sure of every one of them: the training loss goes near 0.
# The boundary stays close to a straight line, but the colours switch sharply across it,
# and every test point on the wrong side costs a lot of cross-entropy: the test loss stays
# far higher (a gap of at least 0.1 on every seed). L2 adds λ·Σw² of the hidden layers'
# weights to the loss, which pulls them towards zero (their sizes are measured below): the
# switch from one class to the other becomes gradual, the network is less sure where the
# classes overlap, and the gap shrinks to less than 0.6 of the unregularized one on every
# seed (about a third).
#
# 🤔 **Predict:** L1 adds λ·Σ|w| instead. What will it do to the lines of the network
# diagram that L2 does not?
#
# ### Exercise 12.3: a penalty that prunes
#
# On the same data and network (gauss, noise 50, training data 10 %, hidden layers 8, 8,
# 8), train a network in which **at least half of the hidden layers' weights are within
# 0.01 of zero** while the test loss stays **below 0.2** (without a penalty it ends near
# 0.22). Choose the regularization, its rate and how long to train. Then `answer = pg`.

# %%
answer = ...
hlc.check("12.3", answer)

# %%
hlc.solution("12.3")

# %% [markdown]
# The two penalties side by side, from the same start, on the same data.
#
# 🤔 **Predict:** what share of the hidden layers' weights ends within 0.01 of zero with
# L2 at rate 0.03, and with L1 at rate 0.03?

# %%
l1 = trained(500, **noisy, regularization="l1", regularization_rate=0.03)
near_zero, size = {}, {}
for name, engine in {"no regularization": plain, "L2, rate 0.03": l2, "L1, rate 0.03": l1}.items():
    hidden = np.concatenate([np.ravel(k) for k in engine.model.get_weights()[0:-2:2]])
    near_zero[name] = float(np.mean(np.abs(hidden) < 0.01))
    size[name] = float(np.mean(np.abs(hidden)))
    print(f"{name:>17}: test loss {engine.test_loss:.3f}; hidden weights: mean size "
          f"{size[name]:.3f}, {near_zero[name]:.0%} within 0.01 of zero")  # fmt: skip
show_outputs({"L2, rate 0.03": l2, "L1, rate 0.03": l1}, show_test_data=True)
hlc.claim("noisy gauss: L2's mean hidden weight size over the unregularized one",
          size["L2, rate 0.03"] / size["no regularization"], at_most=0.7)  # fmt: skip
hlc.claim("noisy gauss, L1: share of hidden weights within 0.01 of zero",
          near_zero["L1, rate 0.03"], at_least=0.8)  # fmt: skip
hlc.claim("noisy gauss, L2: share of hidden weights within 0.01 of zero",
          near_zero["L2, rate 0.03"], at_most=0.3)  # fmt: skip
hlc.claim("noisy gauss, L1: test loss", l1.test_loss, at_most=0.2)
hlc.claim("noisy gauss: L1's test loss over L2's", l1.test_loss / l2.test_loss, at_most=1.2)

# %% [markdown]
# L2's pull on a weight, 2λw, shrinks with the weight itself, so it makes the weights
# smaller on average (less than 0.7 of their unregularized size on every seed) but leaves
# few at zero. L1's pull, λ·sign(w), is as strong on a small weight as on a large one, so
# every weight the data does not defend is pulled all the way to 0: here most of the
# hidden layers' weights, with a test loss within 20 % of L2's (Tibshirani's lasso, 1996,
# is the same idea for linear models). In the playground's
# diagram those weights' lines fade to faint hairlines: switch regularization to L1 and
# play. (Plain gradient steps on |w| leave such weights jittering around 0 by about λ times
# the learning rate, here 0.03 × 0.03 ≈ 0.001, rather than at exactly 0.)
#
# ## 4 · All-zero initialization and symmetry
#
# Lesson 07's first pitfall, seen whole. Set **initialization** to "zeros" on the circle.
#
# 🤔 **Predict:** what will the neurons' maps look like after training?

# %%
zeros = trained(300, dataset="circle", init="zeros")
default = trained(300, dataset="circle")
identical = {}
for name, engine in {"zeros": zeros, "default": default}.items():
    frame = hlc.playground.make_frame(engine)
    identical[name] = [bool(np.allclose(maps, maps[:1], atol=1e-6)) for maps in frame.neuron_maps]
    print(f"{name:>8}: test loss {engine.test_loss:.3f}; every unit of a layer the same: "
          f"{identical[name]}")  # fmt: skip
hlc.expect(all(identical["zeros"]), "with all-zero weights, every layer's units are identical")
hlc.expect(not any(identical["default"]), "with random weights, no layer's units are identical")
hlc.claim("circle, all-zero start: test loss", zeros.test_loss, at_least=0.69)
hlc.claim("circle, default start: test loss", default.test_loss, at_most=0.2)
moved = [float(np.abs(w).max()) for w in zeros.model.get_weights()]
print("largest |value| of each kernel and bias after training from zeros:", np.round(moved, 4))
hlc.expect(max(moved[:-1]) == 0.0, "from all zeros, every weight but the output's bias stays 0")

# %% [markdown]
# With every weight at zero, every neuron of a layer computes the same thing, gets the same
# gradient and the same update, and stays a copy of the others: the layer has one neuron's
# worth of ideas however wide it is (Goodfellow, Bengio and Courville, *Deep Learning*,
# §8.4). Here it is worse: every hidden unit outputs tanh(0) = 0 and every weight into the
# output is 0, so every weight's gradient is 0 too; only the output's bias moves, and the
# test loss stays at ln 2 ≈ 0.69. Random starting weights break the symmetry: that is an
# initializer's first job (its scale, lesson 07, is the second).

# %% [markdown]
# ## From the playground to Keras
#
# The playground's network is a Keras model. "Show as code" writes the Keras code that
# builds the same architecture; "take the model" hands you the trained model itself. The
# same from code:

# %%
print(hlc.playground.model_as_code(spiral_features.state))
model = spiral_features.take_model()
x_test = spiral_features.data.x_test
same = np.allclose(np.asarray(model(x_test)), np.asarray(spiral_features.model(x_test)), atol=1e-6)
print("the taken model predicts what the playground's network predicts:", same)
hlc.expect(same, "the taken model matches the playground's network")

# %% [markdown]
# From here, everything of the course applies: `model.summary()`, `hlc.diagnostics.diagnose`,
# the probe of lesson 09, saving with `model.save(...)`.

# %%
for engine in [xor_linear, xor_hidden, spiral_plain, spiral_features, plain, l2, l1, zeros,
               default]:  # fmt: skip
    engine.close()

# %% [markdown]
# ## Summary
#
# - Without hidden layers this network draws one straight boundary; hidden layers combine
#   soft steps across lines into curved boundaries (any shape, given enough neurons), or a
#   good input feature does the bending by hand.
# - Hand-made features are a shortcut when you know the problem: a good input feature can
#   stand in for hidden neurons (exercises 12.1 and 12.2). Hidden layers learn features
#   when you do not.
# - Regularization keeps a big network from growing sure of a few noisy points: L2 shrank
#   the gap between training and test loss to about a third; L1 reached a similar test
#   loss and pruned most of the hidden weights to (almost) zero.
# - Zero initialization leaves every neuron of a layer a copy of the others (here, with
#   `tanh`, nothing but the output's bias moves); random starts break the symmetry.
# - Behind the pictures is a real Keras model, trained in a compiled loop of about 2,000
#   epochs a second, that you can take as code or as a trained model.
#
# This is the last lesson: well done. Go back to any lesson's widgets with what you know
# now, or take a playground model into lessons 08 and 09's tools.
