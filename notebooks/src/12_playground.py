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
# # 12 · The playground
#
# TensorFlow Playground (Daniel Smilkov and Shan Carter, 2016) made hidden layers visible:
# a network small enough to see whole, every neuron drawn as a picture over the plane,
# training live. This lesson's playground has its controls and computes what it computes,
# on a real Keras model that you can take away as code or as a trained model. Play first;
# then five guided experiments put into practice what the course has taught, each measured.
#
# **Time:** about 50 minutes
#
# **Objectives**
# - Use a lab that computes as TensorFlow Playground does; move setups between them by link.
# - Run guided experiments: XOR, spirals, regularization, symmetric initialization.
# - Compare TensorFlow Playground's recipe with Keras's defaults, and say why they differ.

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
import base64

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import HTML, display

ALL_FEATURES = hlc.playground.FEATURES


def trained(epochs, **settings):
    """A playground engine with `settings` (the rest TensorFlow Playground's defaults) and
    the lesson's seed, which fixes its points and its starting weights, trained `epochs`."""
    state = hlc.playground.PlaygroundState(seed=seed).with_changes(**settings)
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


def test_accuracy(engine):
    """The share of test points on the right side of the output's boundary."""
    output = np.ravel(engine.model(engine.data.x_test))
    labels = np.ravel(engine.data.y_test)
    if engine.state.recipe == "keras":  # sigmoid output, targets 0 and 1
        return float(np.mean((output > 0.5) == (labels > 0.5)))
    return float(np.mean((output >= 0) == (labels > 0)))  # tanh output, targets -1 and +1


# %% [markdown]
# ## The playground
#
# TensorFlow Playground's controls are here, left to right:
#
# | part | what it does |
# |---|---|
# | **data** | the points (circle, xor, gauss, spiral; reg-plane and reg-gauss for regression), noise, the share used for training, batch size, "regenerate" for new points (the network stays as it is) |
# | **features** | what the network gets as input: x1, x2, their squares, their product, their sines; each with its map (hover one to see it large) |
# | **network** | hidden layers and neurons (the + and - buttons), every neuron drawn as its output over the plane, its bias as a small square beside it; hover (or focus) a neuron to see its map large in the output view; lines are weights, blue positive, orange and dashed negative, thicker for larger, light grey near 0; click a weight or a bias to type a new value |
# | **output** | the network's answer over the plane from -6 to 6 on both axes, the points on it, "show test data", "discretize output" |
# | **training** | play / pause, step (one epoch), reset, the epoch counter, training and test loss and their curves; learning rate, activation, regularization and its rate, problem type, and two switches of ours: the recipe and the initialization |
# | **below** | lesson 08's diagnostics in words, the link (copy it; paste one and apply it), "show as code", "take the model" |
#
# **What is the same.** With its default recipe, this playground computes what TensorFlow
# Playground computes:
#
# - **the data**: the same generators (their formulas, their noise, the plane from -6 to 6,
#   the blue class +1 and the orange class -1), fed by the same random-number generator
#   seeded with the same `seed`, shuffled and split into training and test points the same
#   way;
# - **the starting weights**: drawn from that same stream of random numbers right after
#   the data, in the same order: every weight from U(-0.5, 0.5), every bias 0.1;
# - **the training**: a `tanh` output unit (a linear one for regression), targets -1 and
#   +1, the loss ½(output − target)², plain gradient steps on batches taken in the same
#   fixed order every epoch (a short last batch is carried into the next epoch's first
#   step), and its L1 and L2 penalties on every weight;
# - **the losses shown**: the mean of ½(output − target)² over the training and the test
#   points, from epoch 0 (the starting weights) on.
#
# Both compute in 64-bit floating point, and the numbers agree to rounding, about 15
# significant digits (over very long runs such tiny differences can grow). So a TensorFlow
# Playground link opens here to the same points, the same network and the same loss
# curve, and the link this playground gives you opens there to the same, unless it asks
# for what TensorFlow Playground does not have (Keras's recipe or the "too large" start:
# there it opens with its own). On this scale, an output of 0 (a coin toss) scores
# ½(0 − (±1))² = **0.5**, and a confident wrong answer (output −1 for a +1 point) scores 2.
#
# **What it adds.** Under the pictures is a real Keras model: "show as code" writes the
# Keras code that builds it, "take the model" hands it to you trained. It trains in a
# compiled TensorFlow loop, many epochs per frame, where TensorFlow Playground trains one
# epoch per animation frame (about 60 a second); the course's bench records the rate
# (`playground_speed` in `bench/results.json`). Below the pictures, lesson 08's per-layer
# diagnostics. An initialization switch: "zeros" (TensorFlow Playground's `initZero`, which
# only its link can set) and "too large". A recipe switch to Keras's defaults (section 5).
# And validation: a link with a misspelt key or a value out of range is refused with a
# message that names it, where TensorFlow Playground silently ignores it.
#
# The playground below starts from the lesson's seed. Press play.

# %%
pg = hlc.widgets.playground(hlc.playground.PlaygroundState(seed=seed))
pg

# %% [markdown]
# ## Links, both ways
#
# A TensorFlow Playground link holds its whole setup after the `#`: the data, the network,
# the training settings and the `seed`. Here is one for the xor data and one hidden layer
# of four neurons. Open it in a browser, press TensorFlow Playground's step button five
# times and read its "Test loss" and "Training loss" after each; the cell opens the same
# link here and trains five epochs.

# %%
tfp_link = (
    "https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=xor"
    "&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4"
    "&seed=0.71420&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false"
    "&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"
)
linked = hlc.playground.PlaygroundEngine(tfp_link)
linked.run_epochs(5)
curve = linked.history
for epoch, (train, test) in enumerate(zip(curve["train_loss"], curve["test_loss"], strict=True)):
    print(f"epoch {epoch}: test loss {test:.3f}, training loss {train:.3f}")
hlc.expect(linked.state.to_link() == tfp_link, "the link read here is written back unchanged")

# %% [markdown]
# The seed, `0.71420`, decides every random number: which points, which of them are for
# training, and every starting weight.
#
# 🤔 **Predict:** open the same link a second time, in a new engine, and train five epochs
# again. How many of the twelve loss numbers will differ from those above, and by how much?

# %%
again = hlc.playground.PlaygroundEngine(tfp_link)
again.run_epochs(5)
same = again.history == linked.history
print("the same loss curve, to the last digit:", same)
hlc.expect(same, "one link gives the same network and the same loss curve")

# %% [markdown]
# None differ: the link fixes the data and the starting weights, and training draws no
# random number, so the same link gives the same network and the same curve, in this
# notebook, in another one, or in TensorFlow Playground. That is why the lesson passes its
# `seed` into every setup here (as `PlaygroundState(seed=seed)`): no
# `keras.utils.set_random_seed` is needed for the playground.
#
# The other way round: the playground's link, ready to paste into a browser (the widget
# shows it too, under the pictures), and, for instructors, a setup with some controls
# hidden. TensorFlow Playground hides a control when its link holds `<control>_hide=true`,
# and this playground does the same: hand out the link below and learners see the spiral
# with every feature but cannot change the activation, the learning rate or the number of
# hidden layers.

# %%
print(pg.state.to_link())
handout = hlc.playground.PlaygroundState(seed=seed).with_changes(
    dataset="spiral", features=ALL_FEATURES,
    hidden={"activation", "learningRate", "numHiddenLayers"},
)  # fmt: skip
print(handout.to_link())

# %% [markdown]
# ## 1 · XOR, and what a hidden layer is for
#
# Lesson 01's problem in TensorFlow Playground's colours: the xor data, blue (+1) where x1
# and x2 have the same sign, orange (-1) where they differ. Choose **xor** in the
# playground, remove both hidden layers, and play.
#
# 🤔 **Predict:** without hidden layers, what can the output unit draw? And with one hidden
# layer of 4 neurons?

# %%
xor_linear = trained(300, dataset="xor", layers=())
xor_hidden = trained(300, dataset="xor", layers=(4,))
show_outputs({"no hidden layer": xor_linear, "one hidden layer of 4": xor_hidden})
hlc.claim("xor, no hidden layer: test loss", xor_linear.test_loss, at_least=0.45)
hlc.claim("xor, 4 hidden neurons: test loss", xor_hidden.test_loss, at_most=0.1)

# %% [markdown]
# Without a hidden layer the output is a `tanh` of a weighted sum of x1 and x2, so its
# boundary is one straight line, and no line splits xor: the test loss stays near 0.5, a
# coin toss (at least 0.45 on every seed). Each of the four hidden neurons is a `tanh` of
# its own weighted sum, a soft step across its own line, and the output combines them
# (below 0.1 on every seed). In the playground, hover over the four neurons: each map is
# one line; the output is their blend.
#
# A trick the Playground invites: XOR **without** a hidden layer.
#
# ### Exercise 12.1: XOR without a hidden layer
#
# In the playground, choose xor, no hidden layers, and find the one input feature that
# makes the problem easy (look at the features' maps). Train until the test loss is below
# 0.1, then store the playground: `answer = pg`.

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
# x2 only and once from all seven features. How will the two test-loss curves differ?

# %%
spiral_plain = trained(1000, dataset="spiral", layers=(8, 8, 8))
spiral_features = trained(1000, dataset="spiral", layers=(8, 8, 8), features=ALL_FEATURES)
show_outputs({"x1, x2 only": spiral_plain, "all seven features": spiral_features})
curves = {"x1, x2 only": spiral_plain.history["test_loss"],
          "all seven features": spiral_features.history["test_loss"]}  # fmt: skip
fig, ax = plt.subplots(figsize=(6, 3))
for name, curve in curves.items():
    ax.plot(curve, label=name)
ax.set(xlabel="epoch", ylabel="test loss", title="The spiral, 3 hidden layers of 8")
ax.legend()
plt.show()
for name, curve in curves.items():
    print(f"{name:>18}: test loss {curve[300]:.3f} after 300 epochs, {curve[1000]:.3f} after 1,000")
hlc.claim("spiral, x1 and x2 only: test loss after 300 epochs", curves["x1, x2 only"][300],
          at_least=0.3)  # fmt: skip
hlc.claim("spiral, all features: test loss after 300 epochs", curves["all seven features"][300],
          at_most=0.25)  # fmt: skip
hlc.claim("spiral, x1 and x2 only: test loss after 1,000 epochs", curves["x1, x2 only"][1000],
          at_most=0.25)  # fmt: skip

# %% [markdown]
# With the other five features the first layer starts from curved pieces: a neuron that
# sums x1² and x2² computes tanh(a·x1² + b·x2² + ...), whose lines of equal value are
# circles or ellipses round the centre when a and b have the same sign, and sin x1 and
# sin x2 wave almost twice across the plane. After 300 epochs its test loss is below 0.25
# on every seed. From x1 and x2 alone, the first layer's neurons are soft steps across
# straight lines, and the deeper layers must bend those into the spiral's curves: after 300
# epochs the test loss is still above 0.3 on every seed (a coin toss scores 0.5); by 1,000
# epochs the hidden layers have made their own curves and it is below 0.25 (play on in the
# playground and watch the deeper neurons' maps change). Hand-made features are a shortcut
# when you know the problem; hidden layers are how a network makes its own when you do
# not, given the neurons and the time.
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
plain = trained(1000, **noisy)
l2 = trained(1000, **noisy, regularization="l2", regularization_rate=0.03)
for name, engine in {"no regularization": plain, "L2, rate 0.03": l2}.items():
    print(f"{name:>17}: training loss {engine.train_loss:.3f}, test loss "
          f"{engine.test_loss:.3f}, gap {engine.test_loss - engine.train_loss:.3f}")  # fmt: skip
show_outputs({"no regularization": plain, "L2, rate 0.03": l2}, show_test_data=True)
gap_plain = plain.test_loss - plain.train_loss
gap_l2 = l2.test_loss - l2.train_loss
hlc.claim("noisy gauss, no regularization: test minus training loss", gap_plain, at_least=0.05)
hlc.claim("noisy gauss: L2's gap over the unregularized gap", gap_l2 / gap_plain, at_most=0.9)
hlc.claim("noisy gauss: L2's test loss over the unregularized one", l2.test_loss / plain.test_loss,
          at_most=0.95)  # fmt: skip

# %% [markdown]
# The two runs share their points and their starting weights (the same seed, the same
# network). The few training points (white rims; the test points have black ones) are
# split by a line almost without error, so without regularization nothing stops the
# weights from growing until the network is sure of every one of them: the training loss
# goes down to about 0.04. The colours then switch sharply across the boundary, and every
# test point on the wrong side costs up to 2: the test loss stays higher (a gap of at least
# 0.05 on every seed). L2 adds ½λw² for every weight to the loss, so each step also takes
# λ·w times the learning rate off every weight, a pull towards zero in proportion to the
# weight: the switch from one class to the other becomes gradual, the network is less sure
# where the classes overlap, the gap shrinks (to at most 0.9 of the unregularized one on
# every seed, often far less) and the test loss ends lower (at most 0.95 of the
# unregularized one).
#
# 🤔 **Predict:** L1 adds λ·|w| instead. What will it do to the lines of the network
# diagram that L2 does not?
#
# ### Exercise 12.3: a penalty that prunes
#
# On the same data and network (gauss, noise 50, training data 10 %, hidden layers 8, 8,
# 8), train a network in which **at least half of all the weights are exactly 0** while
# the test loss stays **below 0.2**. Choose the regularization, its rate and how long to
# train. Then `answer = pg`.

# %%
answer = ...
hlc.check("12.3", answer)

# %%
hlc.solution("12.3")

# %% [markdown]
# The two penalties side by side, from the same start, on the same data.
#
# 🤔 **Predict:** what share of the network's weights is exactly 0 after training with L2
# at rate 0.03, and with L1 at rate 0.03?

# %%
l1 = trained(1000, **noisy, regularization="l1", regularization_rate=0.03)
zero_share, size = {}, {}
for name, engine in {"no regularization": plain, "L2, rate 0.03": l2, "L1, rate 0.03": l1}.items():
    weights = np.concatenate([np.ravel(k) for k in engine.model.get_weights()[0::2]])
    zero_share[name] = float(np.mean(weights == 0))
    size[name] = float(np.mean(np.abs(weights)))
    print(f"{name:>17}: test loss {engine.test_loss:.3f}; weights: mean size {size[name]:.3f}, "
          f"{zero_share[name]:.0%} exactly 0")  # fmt: skip
dead = np.concatenate([np.ravel(d) for d in l1.dead_links])
print(f"L1 froze {dead.sum()} of {dead.size} weights at 0")
show_outputs({"L2, rate 0.03": l2, "L1, rate 0.03": l1}, show_test_data=True)
hlc.expect(zero_share["L2, rate 0.03"] == 0, "L2 leaves no weight at exactly 0")
hlc.expect(zero_share["L1, rate 0.03"] == dead.mean(), "L1's zeros are its frozen links")
hlc.claim("noisy gauss: L2's mean weight size over the unregularized one",
          size["L2, rate 0.03"] / size["no regularization"], at_most=0.6)  # fmt: skip
hlc.claim("noisy gauss, L1: share of weights exactly 0", zero_share["L1, rate 0.03"],
          at_least=0.8)  # fmt: skip
hlc.claim("noisy gauss, L1: test loss", l1.test_loss, at_most=0.2)
hlc.claim("noisy gauss: L1's test loss over L2's", l1.test_loss / l2.test_loss, at_most=1.2)

# %% [markdown]
# L2's pull on a weight, λw per unit of learning rate, shrinks with the weight itself, so
# it makes the weights smaller on average (less than 0.6 of their unregularized size on
# every seed) but leaves none at exactly zero. L1's pull, λ·sign(w), is as strong on a
# small weight as on a large one, so every weight the data does not defend is pulled all
# the way to 0 (here at least 80 % of them on every seed), with a test loss within 20 % of
# L2's (Tibshirani's lasso, 1996, is the same idea for linear models). TensorFlow
# Playground makes that "all the way" exact: when the penalty's step would carry a weight
# across 0, the weight is set to exactly 0 and frozen there until the network is reset,
# so these weights are not small, they are gone. In the
# playground's diagram their lines turn into thin light-grey hairlines (hover over one: it
# says "frozen at 0 by L1"): switch regularization to L1 and play.
#
# ## 4 · All-zero initialization and symmetry
#
# Lesson 07's first pitfall, seen whole. Set **initialization** to "zeros" on the circle:
# TensorFlow Playground's `initZero`, every weight and every bias 0.
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
hlc.claim("circle, all-zero start: test loss", zeros.test_loss, at_least=0.499)
hlc.claim("circle, default start: test loss", default.test_loss, at_most=0.05)
moved = [float(np.abs(w).max()) for w in zeros.model.get_weights()]
print("largest |value| of each kernel and bias after training from zeros:", np.round(moved, 4))
hlc.expect(max(moved[:-1]) == 0.0, "from all zeros, every weight but the output's bias stays 0")

# %% [markdown]
# With every weight at zero, every neuron of a layer computes the same thing, gets the same
# gradient and the same update, and stays a copy of the others: the layer has one neuron's
# worth of ideas however wide it is (Goodfellow, Bengio and Courville, *Deep Learning*,
# §8.4). Here it is worse: with the biases at 0 too, every hidden unit outputs tanh(0) = 0
# and every weight into the output is 0, so every weight's gradient is 0; only the
# output's bias moves. It moves towards the mean label of the training points, and since
# the split is not stratified, the test points' mean label is the opposite of it (the
# circle has as many blue points as orange): the test loss ends at 0.5 or just above, a
# coin toss's. Random starting weights break the symmetry: that is an initializer's first
# job (its scale, lesson 07, is the second).
#
# ## 5 · Two recipes: TensorFlow Playground's and Keras's
#
# Everything so far used TensorFlow Playground's recipe. The recipe switch (beside the
# learning rate; `recipe="keras"` in code) trains the same network on the same points with
# Keras's defaults instead:
#
# | | TensorFlow Playground | Keras's defaults |
# |---|---|---|
# | starting weights | U(-0.5, 0.5) | Glorot uniform, U(−a, a) with a = √(6 / (fan_in + fan_out)) |
# | starting biases | 0.1 | 0 |
# | output, classification | `tanh`, targets −1 and +1 | sigmoid, targets 0 and 1 |
# | loss, classification | ½(output − target)² | binary cross-entropy |
# | a coin toss scores | 0.5 | ln 2 ≈ 0.69 |
#
# 🤔 **Predict:** on the circle, with the default network, will either recipe reach a
# higher test accuracy in 300 epochs?

# %%
recipes = {name: trained(300, dataset="circle", recipe=name) for name in ("playground", "keras")}


for name, engine in recipes.items():
    start = engine.history["test_loss"][0]
    print(f"{name:>10} recipe: test loss {start:.3f} at epoch 0, {engine.test_loss:.3f} after "
          f"300 epochs; test accuracy {test_accuracy(engine):.0%}")  # fmt: skip
show_outputs({f"{name} recipe": engine for name, engine in recipes.items()})
hlc.claim("circle, playground recipe: test loss at epoch 0",
          recipes["playground"].history["test_loss"][0], at_least=0.45, at_most=0.6)  # fmt: skip
hlc.claim("circle, keras recipe: test loss at epoch 0",
          recipes["keras"].history["test_loss"][0], at_least=0.6, at_most=1.0)  # fmt: skip
hlc.claim("circle, playground recipe: test accuracy after 300 epochs",
          test_accuracy(recipes["playground"]), at_least=0.95)  # fmt: skip
hlc.claim("circle, keras recipe: test accuracy after 300 epochs",
          test_accuracy(recipes["keras"]), at_least=0.95)  # fmt: skip

# %% [markdown]
# Neither: on the playground's small networks and clean data either recipe works (test
# accuracy at least 95 % on every seed). Their loss numbers are on different scales: at
# epoch 0 the network guesses, and scores near 0.5 under TensorFlow Playground's recipe
# (0.45 to 0.6 on every seed) and near or above ln 2 ≈ 0.69 under Keras's (0.6 to 1.0). A
# guess that is not exactly even scores more than either: Glorot's starting weights,
# larger than U(-0.5, 0.5) in these small layers, spread the first outputs further from an
# even guess. Keras chose otherwise for networks and data unlike these, for three reasons.
#
# **The weights' scale.** U(-0.5, 0.5) has variance 1/12 whatever the layer's width, so a
# unit that sums n inputs of spread 1 gets an input of spread √(n/12) (lesson 07's
# Var(z) = fan_in · Var(w) · E[x²]): 0.82 in the playground's layers of at most 8 neurons,
# close to the 1 that keeps the signal's size from layer to layer, but 4.6 in a layer of
# 256, and the mismatch compounds layer after layer. Glorot's range,
# √(6 / (fan_in + fan_out)), shrinks as layers widen and keeps the spread at 1 in any width
# when a layer has as many inputs as units, as here (Glorot and Bengio 2010). Measured on random inputs of spread 1, with the share of `tanh`
# units that start saturated (output beyond ±0.99, where its slope is below 0.02):

# %%
rng = np.random.default_rng(seed)
for width in (8, 256):
    inputs = rng.normal(size=(1000, width))
    limits = {"U(-0.5, 0.5)": 0.5, "Glorot": np.sqrt(6 / (2 * width))}
    z = {name: inputs @ rng.uniform(-a, a, (width, width)) for name, a in limits.items()}
    print(f"a layer of {width:>3}: " + "; ".join(
        f"{name}: spread {np.std(v):.2f}, {np.mean(np.abs(np.tanh(v)) > 0.99):.0%} saturated"
        for name, v in z.items()))  # fmt: skip
    hlc.expect(0.8 < np.std(z["Glorot"]) < 1.2, "Glorot keeps a spread of 1 in any width")

# %% [markdown]
# In a layer of 256, U(-0.5, 0.5) saturates more than half of the `tanh` units before any
# training; Glorot's range about 1 %.
#
# **The biases.** The weights already break the symmetry, so the biases need not be
# random, and 0 starts every unit with no offset of its own. A small positive bias such as
# TensorFlow Playground's 0.1 is a known heuristic for ReLU units, a push so that they start
# active (Goodfellow et al., *Deep Learning*, §8.4, who add that it does not suit
# initializations that do not expect such input from the biases).
#
# **The output and the loss.** Squared error on a `tanh` output multiplies every error by
# the slope of the `tanh`, 1 − tanh²: a point the network is confidently wrong about,
# whose output sits near −1 for a +1 target, sends back almost no gradient, so it is
# corrected slowly. Cross-entropy on a sigmoid output sends back p − y whatever the
# output's saturation, largest for the points it is most wrong about (Goodfellow et al.,
# §6.2.2). Here is the gradient each loss sends into the output unit's input (its
# pre-activation, z) for one +1 point, as the network grows more sure it is a −1, computed
# by TensorFlow:
#
# 🤔 **Predict:** at a 1 % chance of the right class, how many times larger is the
# cross-entropy's gradient than the squared error's?

# %%
sure = np.array([0.5, 0.2, 0.05, 0.01, 0.001])  # the chance each output gives the true class
z_tanh = tf.Variable(np.arctanh(2 * sure - 1))  # tanh(z) = 2p - 1: TensorFlow Playground
z_sigmoid = tf.Variable(np.log(sure / (1 - sure)))  # sigmoid(z) = p: Keras
with tf.GradientTape(persistent=True) as tape:
    squared = 0.5 * (tf.tanh(z_tanh) - 1.0) ** 2
    cross_entropy = keras.losses.binary_crossentropy(
        np.ones((len(sure), 1)), z_sigmoid[:, None], from_logits=True
    )
g_squared = -tape.gradient(squared, z_tanh).numpy()
g_cross = -tape.gradient(cross_entropy, z_sigmoid).numpy()
for p, a, b in zip(sure, g_squared, g_cross, strict=True):
    print(f"chance of the right class {p:6.1%}: squared error on tanh pushes z by {a:.4f}, "
          f"cross-entropy on sigmoid by {b:.4f}")  # fmt: skip
hlc.expect(g_cross[3] > 10 * g_squared[3], "at 1 %, cross-entropy pushes more than 10 times harder")

# %% [markdown]
# Near a coin toss the squared error pushes harder (1 against 0.5 at 50 %, still at 20 %);
# at 1 % its push has fallen to 0.08 while the cross-entropy's has grown to 0.99, and at
# 0.1 % to 0.008 against 1. The squared error's push is 8p(1 − p)², which vanishes as
# p → 0; the cross-entropy's is 1 − p. In the playground this shows when a network starts
# confidently wrong: below, both recipes' output bias is set by hand, as clicking the
# output's bias does, to make every point orange with a chance of about 0.25 % of being
# blue (tanh(−3) = −0.995 for TensorFlow Playground's recipe; sigmoid(−6) = 0.0025 for
# Keras's, the same certainty). Then both train 30 epochs.
#
# 🤔 **Predict:** which recovers first?

# %%
wrong = {}
for name, bias in {"playground": -3.0, "keras": -6.0}.items():
    state = hlc.playground.PlaygroundState(seed=seed).with_changes(dataset="circle", recipe=name)
    engine = hlc.playground.PlaygroundEngine(state)
    engine.set_bias(len(engine.state.layers), 0, bias)  # the output unit's bias
    engine.run_epochs(30)
    wrong[name] = engine
    print(f"{name:>10} recipe, confidently wrong start: test accuracy after 30 epochs "
          f"{test_accuracy(engine):.0%}")  # fmt: skip
fig, ax = plt.subplots(figsize=(6, 3))
for name, engine in wrong.items():
    curve = np.array(engine.history["test_loss"])
    ax.plot(curve / curve[0], label=f"{name} recipe")
ax.set(xlabel="epoch", ylabel="test loss / test loss at epoch 0",
       title="From a confidently wrong start")  # fmt: skip
ax.legend()
plt.show()
hlc.claim("confidently wrong start, keras recipe: test accuracy after 30 epochs",
          test_accuracy(wrong["keras"]), at_least=0.7)  # fmt: skip
hlc.claim("confidently wrong start, playground recipe: test accuracy after 30 epochs",
          test_accuracy(wrong["playground"]), at_most=0.6)  # fmt: skip

# %% [markdown]
# Keras's recipe recovers within the 30 epochs (test accuracy at least 70 % on every seed,
# mostly above 90 %); TensorFlow Playground's still calls every point orange (at most 60 %,
# the orange share of the test points): its confidently wrong points send back almost
# nothing, and it recovers only as the output's bias creeps up and the slope of its `tanh`
# grows. In the playground, set the output's bias to −3 yourself (click the small square
# beside the output) and play, under each recipe. TensorFlow
# Playground's recipe is fine for what it was made for, a clear picture of small networks
# that start unsure; Keras's defaults are made for networks of any width and depth, and
# for starts that go wrong.
#
# ## From the playground to Keras
#
# The playground's network is a Keras model. "Show as code" writes the Keras code that
# builds the same model: TensorFlow Playground's initializers, the `tanh` output and the
# half squared error, with a comment on what Keras's `fit` cannot express of its training.
# "Take the model" hands you the trained model itself. The same from code:

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
for engine in [linked, again, xor_linear, xor_hidden, spiral_plain, spiral_features, plain, l2,
               l1, zeros, default, *recipes.values(), *wrong.values()]:  # fmt: skip
    engine.close()

# %% [markdown]
# ## Summary
#
# - With its default recipe this playground computes what TensorFlow Playground computes:
#   the same data, the same starting weights and the same losses from the same link; its
#   links open there, and TensorFlow Playground's open here. `<control>_hide=true` hides a
#   control in both.
# - Without hidden layers this network draws one straight boundary; hidden layers combine
#   soft steps across lines into curved boundaries (any shape, given enough neurons), or a
#   good input feature does the bending by hand.
# - Hand-made features are a shortcut when you know the problem: a good input feature can
#   stand in for hidden neurons (exercises 12.1 and 12.2). Hidden layers learn features
#   when you do not.
# - Regularization keeps a big network from growing sure of a few noisy points: L2 shrank
#   the gap between training and test loss; L1 reached a similar test loss and set most of
#   the weights to exactly zero.
# - Zero initialization leaves every neuron of a layer a copy of the others (here, with
#   `tanh` and zero biases, nothing but the output's bias moves); random starts break the
#   symmetry.
# - Keras's defaults differ from TensorFlow Playground's recipe for networks unlike the
#   playground's: Glorot's scale for any width, zero biases, and cross-entropy, which keeps
#   learning from points the network is confidently wrong about.
# - Behind the pictures is a real Keras model, trained in a compiled loop, that you can
#   take as code or as a trained model.
#
# This is the last lesson: well done. Go back to any lesson's widgets with what you know
# now, or take a playground model into lessons 08 and 09's tools.
