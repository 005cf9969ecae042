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
# # 08 · Visualizing hidden layers
#
# The article ends with a recipe for looking inside a network: a second model whose outputs
# are the hidden layers' outputs. In Keras 3 that recipe breaks for two of the three ways of
# writing a model. This lesson shows where and why, builds the working version by hand, and
# then turns hidden activations into pictures: heatmaps, neuron maps, layer-by-layer
# projections and weight images. It ends with what such pictures can tell you about a
# model's decisions, and what they cannot.
#
# **Time:** about 40 minutes
#
# **Objectives**
# - Build an activation model by hand, and see where the classic recipe fails in Keras 3.
# - Draw activation heatmaps, neuron response maps and layer-by-layer projections.
# - Judge what such pictures can and cannot explain about a model.

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

import keras
import matplotlib.pyplot as plt
import numpy as np

from hlcourse.exercises import lesson08

digits = hlc.data.load_digits(seed=seed)
circles = hlc.data.make_classification("circles", n_samples=400, noise=0.05, seed=seed)


def first_line(error):
    """An exception's first line, without the terminal colour codes Keras adds."""
    return re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()[0]


# %% [markdown]
# ## A network to look into
#
# Most of this lesson looks inside one network: lesson 02's digits classifier, a little
# smaller. Each 8x8 image enters as 64 numbers and goes through two hidden ReLU layers of 32
# and 16 units to 10 softmax outputs. It trains in a couple of seconds.

# %%
keras.utils.set_random_seed(seed)
model = hlc.models.build_dense_network(64, (32, 16), output="classes", n_outputs=10,
                                       name="digits_mlp")  # fmt: skip
hlc.training.train_fast(model, digits.x_train, digits.y_train, epochs=30, batch_size=64,
                        learning_rate=0.01, seed=seed)  # fmt: skip
accuracy = float(np.mean(model(digits.x_test).numpy().argmax(axis=1) == digits.y_test))
print("layers:", [layer.name for layer in model.layers])
print(f"test accuracy: {accuracy:.3f}")
hlc.claim("digits test accuracy", accuracy, at_least=0.93)

# %% [markdown]
# ## The article's recipe in Keras 3
#
# The recipe: collect `layer.output` for every layer but the last, and make a new
# `keras.Model` from the model's input to those outputs. Calling that model on images then
# returns what each hidden layer computes.
#
# 🤔 **Predict:** our model is a Sequential model, declared with `keras.Input` and already
# trained. Will the recipe work on it?

# %%
try:
    keras.Model(inputs=model.input, outputs=[layer.output for layer in model.layers[:-1]])
    failure = None
except AttributeError as error:
    failure = error
print(f"{type(failure).__name__}: {first_line(failure)}")
hlc.expect(isinstance(failure, AttributeError) and "has no defined input" in str(failure),
           "the article's recipe fails on a Sequential model in Keras 3")  # fmt: skip

# %% [markdown]
# It fails before it gets to the layers. `model.input` is the symbolic tensor the model was
# *called on* when it was wired into a graph of layers. Training and predicting run a model
# on data; they never wire it into a graph, so in Keras 3 a Sequential model has no
# `.input`, however long it has trained. (In Keras 2 a Sequential model with a known input
# shape was itself such a graph and had `.input`; that is where the recipe comes from.)
#
# A **subclassed** model (lesson 05) fares worse. Here is our network written as a subclass,
# given the trained weights.


# %%
class DigitsNet(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden_1 = keras.layers.Dense(32, activation="relu", name="hidden_1")
        self.hidden_2 = keras.layers.Dense(16, activation="relu", name="hidden_2")
        self.out = keras.layers.Dense(10, activation="softmax", name="output")

    def call(self, inputs):
        return self.out(self.hidden_2(self.hidden_1(inputs)))


subclassed = DigitsNet(name="digits_subclassed")
subclassed(digits.x_test[:1])  # builds it
subclassed.set_weights(model.get_weights())
failures = {}
for label, attempt in [("model.input", lambda: subclassed.input),
                       ("hidden_1.output", lambda: subclassed.hidden_1.output)]:  # fmt: skip
    try:
        attempt()
    except AttributeError as error:
        failures[label] = error
        print(f"{label:16s} AttributeError: {first_line(error)}")
hlc.expect(len(failures) == 2, "a subclassed model has neither an input nor layer outputs to cut")

# %% [markdown]
# Not even its layers have an `.output`: a subclassed model's `call` is plain Python that runs
# anew every time, so there is no graph of tensors to cut a second model out of.

# %% [markdown]
# ## The activation model by hand
#
# What the recipe needs is a **symbolic input** and the **trained layers called on it in
# order**; each call returns a symbolic tensor, and `keras.Model(inputs, outputs)` turns the
# lot into a model. The new model owns no weights of its own: it *reuses* the layers, so it
# always computes with the trained weights.
#
# For a Sequential model we can make that input ourselves and replay the layers on it:

# %%
inputs = keras.Input(shape=(64,), name="pixels")
h = inputs
outputs = []
for layer in model.layers[:-1]:  # every layer but the output layer
    h = layer(h)  # the trained layer, called on a symbolic tensor
    outputs.append(h)
by_hand = keras.Model(inputs, outputs, name="by_hand")

batch = digits.x_test[:5]
for layer, values in zip(model.layers[:-1], by_hand(batch), strict=True):
    print(f"{layer.name}: {tuple(values.shape)}  first image: {np.round(values[0, :6], 2)} ...")

# %% [markdown]
# Five images in, one array per hidden layer out: 32 numbers per image from `hidden_1`, 16
# from `hidden_2`. This works for any built Sequential model, with or without
# `keras.Input`.
#
# There is a shorter way. Inside, Keras 3 does wire a Sequential model's *layers* into a
# graph (that is why each of them has an `.output`), and the model lists that graph's input
# in `model.inputs`. Its first element gives the article's recipe a working input:

# %%
hidden_outputs = [layer.output for layer in model.layers[:-1]]
via_inputs = keras.Model(inputs=model.inputs[0], outputs=hidden_outputs, name="via_inputs")
same = all(np.allclose(a, b) for a, b in zip(via_inputs(batch), by_hand(batch), strict=True))
print("model.inputs[0] gives the same activations:", same)
hlc.expect(same, "both activation models compute the same hidden values")

# %% [markdown]
# (Pass `model.inputs`, the whole list, and Keras warns at every call that the structure of
# the inputs does not match; take its first element.)
#
# A **Functional** model is a graph from the start, so there the recipe works as written.
# Here is our network once more, written functionally and given the trained weights:

# %%
pixels = keras.Input(shape=(64,), name="pixels")
x = keras.layers.Dense(32, activation="relu", name="hidden_1")(pixels)
x = keras.layers.Dense(16, activation="relu", name="hidden_2")(x)
functional = keras.Model(pixels, keras.layers.Dense(10, activation="softmax", name="output")(x),
                         name="digits_functional")  # fmt: skip
functional.set_weights(model.get_weights())

recipe = keras.Model(inputs=functional.input,
                     outputs=[layer.output for layer in functional.layers[:-1]])  # fmt: skip
print("layers:", [layer.name for layer in functional.layers])
print("the recipe's outputs:", [tuple(values.shape) for values in recipe(batch)])

# %% [markdown]
# It runs, with a catch: a Functional model's first layer is its `InputLayer`, so the
# recipe's first "hidden layer" is the 64 pixels themselves.
#
# ### Exercise 08.1: the activation model by hand
#
# Write a function `answer(model)` that takes any Functional model and returns a
# `keras.Model` whose outputs are the outputs of all its hidden layers (not the input, not
# the output layer), in order. The check tries it on two Functional models it makes.

# %%
answer = ...
hlc.check("08.1", answer)

# %%
hlc.solution("08.1")

# %% [markdown]
# ### One helper for every style
#
# `hlc.probe.hidden_activations(model, x)` does all of this for you: it works on Sequential
# models (with or without `keras.Input`), Functional models (branches and merges included)
# and subclassed models, where it records each layer's output while the model runs. It
# returns a dict of NumPy arrays, one per hidden layer, in the order the data flows.
# (`hlc.probe.activation_model(model)` returns the activation model itself, for Sequential
# and Functional models.)
#
# 🤔 **Predict:** the three models hold the same weights. Will the helper find the same
# layers in all three?

# %%
styles = {"Sequential": model, "Functional": functional, "subclassed": subclassed}
found = {}
for style, network in styles.items():
    found[style] = hlc.probe.hidden_activations(network, digits.x_test)
    shapes = ", ".join(f"{name} {values.shape}" for name, values in found[style].items())
    print(f"{style:11s} ({hlc.probe.model_style(network)}): {shapes}")
agree = all(
    np.allclose(found[style][name], found["Sequential"][name], atol=1e-5)
    for style in styles
    for name in ("hidden_1", "hidden_2")
)
print("same values in all three:", agree)
hlc.expect(agree, "the three styles give the same hidden activations")

# %% [markdown]
# ## Activation heatmaps
#
# A hidden layer's values for a batch form a table: one row per image, one column per unit.
# Drawn as a picture, with the rows sorted by class, it is an **activation heatmap**. If a
# layer has learned something about the classes, the rows of one class look alike and
# differ from the other classes' rows: blocks appear. If not, the picture looks the same
# from top to bottom.
#
# 🤔 **Predict:** an untrained network with the same layers gets the same images. Will its
# heatmap show blocks?

# %%
keras.utils.set_random_seed(seed)
untrained = hlc.models.build_dense_network(64, (32, 16), output="classes", n_outputs=10,
                                           name="untrained")  # fmt: skip
few = digits.x_test[:200], digits.y_test[:200]
fig, axes = plt.subplots(1, 3, figsize=(15, 5.2))
hlc.hidden_plots.plot_activation_heatmap(model, few[0], "hidden_1", axes[0], y=few[1],
                                         title="trained: hidden_1")  # fmt: skip
hlc.hidden_plots.plot_activation_heatmap(model, few[0], "hidden_2", axes[1], y=few[1],
                                         title="trained: hidden_2")  # fmt: skip
hlc.hidden_plots.plot_activation_heatmap(untrained, few[0], "hidden_2", axes[2], y=few[1],
                                         title="untrained: hidden_2")  # fmt: skip
plt.show()

# %% [markdown]
# Reading them: in the trained `hidden_2`, many units light up (yellow) for one or two
# digits and stay dark for the rest, so each class's band has its own pattern. The
# untrained layer's bands look alike: the same few units fire for every digit, a little
# more or less. Columns that stay dark in every row are **dead units**: they output 0 for
# every image, so they pass nothing on and get no gradient.
#
# A number says the same: the **separability** score (`hlc.representations.separability`)
# is the share of the spread of a layer's values that lies *between* the class averages,
# from 0 (the classes all look alike) to 1 (every image sits exactly on its class's
# average).

# %%
trained_acts = found["Sequential"]
untrained_acts = hlc.probe.hidden_activations(untrained, digits.x_test)
score = {
    "trained": hlc.representations.separability(trained_acts["hidden_2"], digits.y_test),
    "untrained": hlc.representations.separability(untrained_acts["hidden_2"], digits.y_test),
}
for label, value in score.items():
    print(f"{label:9s} hidden_2 separability: {value:.2f}")
dead = hlc.activations.dead_units(trained_acts["hidden_1"])
print(f"dead units in the trained hidden_1: {round(dead * 32)} of 32")
hlc.claim("hidden_2 separability, trained", score["trained"], at_least=0.7)
hlc.claim("hidden_2 separability, untrained", score["untrained"], at_most=0.5)

# %% [markdown]
# ### Exercise 08.2: read a heatmap
#
# Here is the heatmap of a small layer of 6 ReLU units (its weights were set by hand) for
# 24 points of three classes. Which unit is **dead**, and which unit fires **for class 2
# and no other class**? Answer with a dict of unit numbers, as on the x-axis:
# `{"dead": ..., "class_2": ...}`.

# %%
reader = lesson08.reading_network()
x_read, y_read = lesson08.reading_batch()
hlc.hidden_plots.plot_activation_heatmap(
    reader, x_read, "hidden", y=y_read, title="A hand-made layer: 24 samples x 6 units"
)
plt.show()

# %%
answer = ...
hlc.check("08.2", answer)

# %%
hlc.solution("08.2")

# %% [markdown]
# ## Every neuron over the plane
#
# With only two inputs, we can do better than a batch: we can ask a neuron what it outputs
# at *every* point of the plane and draw that as a small map. Here is a network with two
# hidden tanh layers of 8 units, trained on the circles.
#
# 🤔 **Predict:** a first-layer unit computes tanh(w₁·x₁ + w₂·x₂ + b). What shape will its
# map have?

# %%
keras.utils.set_random_seed(seed)
ring_model = hlc.models.build_dense_network(2, (8, 8), activation="tanh", name="circles_net")
hlc.training.train_fast(ring_model, circles.x_train, circles.y_train, epochs=300,
                        learning_rate=0.03, seed=seed)  # fmt: skip
ring_accuracy = float(np.mean((ring_model(circles.x_test).numpy()[:, 0] > 0.5) == circles.y_test))
print(f"circles test accuracy: {ring_accuracy:.2f}")
hlc.claim("circles test accuracy", ring_accuracy, at_least=0.95)
hlc.hidden_plots.plot_neuron_maps(ring_model, "hidden_1", circles)
plt.show()

# %% [markdown]
# Every first-layer map is a soft step across a **straight line**: one side blue (close to
# +1), the other orange (close to −1), the line where w₁·x₁ + w₂·x₂ + b = 0. No first-layer
# unit can draw a ring. The second layer adds up these steps, each with its own weights, and
# squashes the sum again:

# %%
hlc.hidden_plots.plot_neuron_maps(ring_model, "hidden_2", circles)
plt.show()

# %% [markdown]
# Now the maps bend: some `hidden_2` units mark the inner disc (or everything outside it)
# on their own. This is what "each layer builds features out of the previous layer's
# features" looks like. TensorFlow Playground draws exactly these maps, and lesson 11
# brings them to life while a network trains.

# %% [markdown]
# ## Layer by layer, classes come apart
#
# Back to the digits. Each layer's values are points in a space with as many axes as the
# layer has units (64 for the input, then 32, then 16). We cannot draw 32 axes, but we can
# draw the two directions along which the points vary most (**PCA**, principal component
# analysis). PCA never sees the labels, so if the classes appear as separate clusters, they
# really are apart in that layer. Each panel's title gives the layer's separability score,
# measured on all its units.
#
# 🤔 **Predict:** which panel will show the cleanest clusters, and will the score rise from
# panel to panel?

# %%
hlc.hidden_plots.plot_layer_projections(model, digits.x_test, digits.y_test, include_output=True)
plt.show()
layer_scores = hlc.representations.layer_separability(model, digits.x_test, digits.y_test)
print("separability:", ", ".join(f"{name} {value:.2f}" for name, value in layer_scores.items()))

# %%
hlc.claim("separability gain, input -> hidden_1",
          layer_scores["hidden_1"] - layer_scores["input"], at_least=0.15)  # fmt: skip
hlc.claim("separability gain, hidden_1 -> hidden_2",
          layer_scores["hidden_2"] - layer_scores["hidden_1"], at_least=0.03)  # fmt: skip
hlc.claim("separability gain, input -> hidden_2",
          layer_scores["hidden_2"] - layer_scores["input"], at_least=0.2)  # fmt: skip

# %% [markdown]
# In the pixels, the digits overlap in one cloud (a 0 and a 6 share a lot of ink). Each
# hidden layer pulls the classes further apart and draws each one tighter, until the output
# layer only has to draw straight lines between well-separated groups. This is the precise
# sense in which hidden layers "extract features": each layer re-describes the image in
# terms that make the next step easier, and the last layers' terms are about the classes.
#
# The circles show the same thing more dramatically. Two rings around the same centre are
# not separable at all in the raw coordinates; two layers later a straight cut separates
# them (the output unit makes exactly that cut):

# %%
ring_scores = hlc.representations.layer_separability(ring_model, circles.x_test, circles.y_test)
print("separability:", ", ".join(f"{name} {value:.2f}" for name, value in ring_scores.items()))
hlc.claim("circles: separability of the input", ring_scores["input"], at_most=0.1)
hlc.claim("circles: separability gain, input -> hidden_2",
          ring_scores["hidden_2"] - ring_scores["input"], at_least=0.3)  # fmt: skip

# %% [markdown]
# (The score has a slower sibling, `method="linear"`: the accuracy of a straight-line
# classifier trained on the layer's values, a *linear probe*. It answers "could a straight
# cut tell the classes apart here?" directly. On the digits it starts high, about 0.94 in
# the pixels, because those classes are nearly linearly separable already.)

# %% [markdown]
# ## First-layer weights as images
#
# A first-layer unit of the digits network has one incoming weight per pixel, so its 64
# weights can be drawn as an 8x8 image: blue pixels push the unit up when they are inked,
# orange pixels push it down. The picture is the pattern the unit looks for.
#
# 🤔 **Predict:** will you recognise strokes of digits in these images?

# %%
hlc.hidden_plots.plot_first_layer_weights(model)
plt.show()

# %% [markdown]
# Mostly speckle, with a blob here and there. Part of the reason: 30 short epochs move the
# weights only part of the way from where they started, and they started as random noise.
# The untrained network above was built with the same seed, so it holds the trained
# network's *starting* weights, and we can measure how much of that noise is still there.

# %%
start = untrained.get_layer("hidden_1").get_weights()[0]
trained = model.get_layer("hidden_1").get_weights()[0]
still_random = float(np.corrcoef(start.ravel(), trained.ravel())[0, 1])
blank = np.flatnonzero(digits.x_train.max(axis=0) == 0)
print(f"correlation of the trained weights with their random start: {still_random:.2f}")
print(f"pixels blank in every training image: {blank.tolist()}; their weights changed: "
      f"{not np.array_equal(start[blank], trained[blank])}")  # fmt: skip
hlc.expect(np.array_equal(start[blank], trained[blank]),
           "weights from pixels that are always blank never move")  # fmt: skip

# %% [markdown]
# Roughly half of the picture is still the random start. And a pixel that is blank in every
# training image never sends a gradient to its weights (its input is 0), so those weights
# keep their random values for ever: pure noise at those pixels in every image.
#
# An **L2 penalty** (lesson 06) pulls every weight towards 0 unless the data keeps pushing
# it, which erases the random start. Here is the same network, from the same starting
# weights, trained in the same way with `regularizer="l2"`:

# %%
keras.utils.set_random_seed(seed)
smooth = hlc.models.build_dense_network(
    64, (32, 16), output="classes", n_outputs=10, regularizer="l2", reg_strength=0.003,
    name="digits_l2",
)  # fmt: skip
hlc.training.train_fast(smooth, digits.x_train, digits.y_train, epochs=30, batch_size=64,
                        learning_rate=0.01, seed=seed)  # fmt: skip
smooth_accuracy = float(np.mean(smooth(digits.x_test).numpy().argmax(axis=1) == digits.y_test))
smooth_kernel = smooth.get_layer("hidden_1").get_weights()[0]
smooth_random = float(np.corrcoef(start.ravel(), smooth_kernel.ravel())[0, 1])
hlc.hidden_plots.plot_first_layer_weights(smooth)
plt.show()
print(f"test accuracy {smooth_accuracy:.3f}; correlation with the random start: "
      f"{smooth_random:.2f} (without the penalty: {still_random:.2f})")  # fmt: skip
hlc.claim("first-layer weights' correlation with their start, plain", still_random, at_least=0.35)
hlc.claim("first-layer weights' correlation with their start, L2", smooth_random, at_most=0.3)
hlc.claim("digits test accuracy with L2", smooth_accuracy, at_least=0.9)

# %% [markdown]
# About the same accuracy, calmer pictures. The completely blank images are the dead units:
# no image sends them a gradient, so only the penalty acted on their weights and shrank
# them to nothing (without it, they keep their random start for ever). In the others, the
# blobs and strokes are what the data asked for. Still, do not expect to see a "7" in
# unit 5. A unit's weights
# show which pixels *push* it, and each unit is one of 32 that share the work; only big
# networks trained on a lot of data grow weight images that look like clean strokes and
# edges (lesson 09's convolution filters come closer).

# %% [markdown]
# ## What pictures can and cannot explain
#
# The article promises that looking at hidden layers tells you whether they learn something
# useful. It does, for some questions. Two experiments show where the limits are.
#
# **1. Unit numbers mean nothing.** Shuffle the units of `hidden_1` (and, to match, the
# rows of the next layer's weights): the network computes exactly the same function, yet
# every heatmap and weight image above comes out in a different order. Train the same
# network twice from different seeds and you get a different, equally good set of units.
# "Unit 5" is a name for one run, not a part of the solution.

# %%
order = np.random.default_rng(seed).permutation(32)
kernel_1, bias_1 = model.get_layer("hidden_1").get_weights()
kernel_2, bias_2 = model.get_layer("hidden_2").get_weights()
shuffled = keras.models.clone_model(model)
shuffled.set_weights([kernel_1[:, order], bias_1[order], kernel_2[order], bias_2,
                      *model.get_layer("output").get_weights()])  # fmt: skip
gap = float(np.max(np.abs(shuffled(digits.x_test).numpy() - model(digits.x_test).numpy())))
print(f"largest difference in predicted probabilities after shuffling 32 units: {gap:.1e}")
hlc.expect(gap < 1e-5, "shuffling a layer's units (with the next layer's weights) changes nothing")

# %% [markdown]
# **2. A picture shows what goes together, not what causes what.** The heatmap suggests
# that some `hidden_2` units "detect" one digit. Let us find the unit that is most
# specific to one class, switch it off (zero its outgoing weights) and see how much that
# class suffers.
#
# 🤔 **Predict:** without its "detector", how many images of that digit will the network
# still recognise?

# %%
h2 = trained_acts["hidden_2"]
class_means = np.stack([h2[digits.y_test == c].mean(axis=0) for c in range(10)])
specificity = class_means.max(axis=0) / (class_means.mean(axis=0) + 1e-9)
unit = int(np.argmax(specificity))
digit = int(np.argmax(class_means[:, unit]))
kernel_out, bias_out = model.get_layer("output").get_weights()
silenced = kernel_out.copy()
silenced[unit] = 0.0
model.get_layer("output").set_weights([silenced, bias_out])
without = model(digits.x_test).numpy().argmax(axis=1)
model.get_layer("output").set_weights([kernel_out, bias_out])  # put it back
with_unit = model(digits.x_test).numpy().argmax(axis=1)
is_digit = digits.y_test == digit
recall = {"with the unit": float(np.mean(with_unit[is_digit] == digit)),
          "without it": float(np.mean(without[is_digit] == digit))}  # fmt: skip
print(f"hidden_2 unit {unit} fires {specificity[unit]:.1f} times its average for digit {digit}")
for label, value in recall.items():
    print(f"  test images of digit {digit} recognised {label}: {value:.0%}")
hlc.claim("share of the digit still recognised without its 'detector'", recall["without it"],
          at_least=0.5)  # fmt: skip

# %% [markdown]
# Most of them survive (how many depends on the run: over five seeds, from about 60 % to
# all of them):
# the knowledge of that digit is spread over several units, and the "detector" was one
# voice among them. Only an intervention like this one (switching units off, changing
# inputs) tests a cause; a picture alone shows correlation.
#
# What pictures of hidden layers are good for:
#
# - **debugging**: dead units (dark columns), saturated units (tanh stuck at ±1, lesson
#   07), a layer whose heatmap shows no class structure at all (not learning);
# - **seeing how a network solves a task**: lines, then bends, then regions; classes
#   pulled apart layer by layer;
# - **comparing models**: which layer separates the classes, whether regularization
#   changed what the first layer looks at.
#
# What they cannot do:
#
# - explain a single decision: "this image is a 7 *because* unit 5 fired" is a guess until
#   tested;
# - give single units a meaning: units share the work, their numbering is arbitrary, and
#   one unit often responds to several unrelated things;
# - show everything: a projection keeps 2 of 16 or 32 directions, a heatmap shows one
#   batch, a weight image shows only the first layer (deeper weights act on features, not
#   pixels);
# - stand in for measurement: separability is not accuracy, and a tidy picture of a
#   model that overfits is still a picture of a model that overfits.
#
# Explaining decisions properly is a field of its own (attribution methods such as
# saliency maps and integrated gradients, linear probes, ablations like the one above);
# the pictures in this lesson are where it starts.

# %% [markdown]
# ## The hidden explorer
#
# Pick a layer and a test image: the left panel shows that image's value in every unit of
# the layer; the right panel shows all test images as the layer sees them (PCA), with the
# chosen one ringed. Step through a few images of one digit, then of another, and watch
# which units change; switch to `hidden_2` and see the image's neighbours become its own
# class.

# %%
hlc.widgets.hidden_explorer(model, digits, layer="hidden_1")

# %% [markdown]
# ## Summary
#
# - The classic recipe `keras.Model(inputs=model.input, outputs=[layer.output ...])` works
#   in Keras 3 only on Functional models (and there its first output is the input itself).
#   A Sequential model has no `.input`; a subclassed model has no graph at all.
# - By hand: call the trained layers on a fresh `keras.Input` and make a model of the
#   results (or use `model.inputs[0]`). `hlc.probe.hidden_activations` does it for every
#   style, subclassed models included.
# - Activation heatmaps show class structure and dead units; neuron maps show lines
#   becoming bends and regions; projections and separability scores show classes coming
#   apart layer by layer; first-layer weights show what each unit looks for, noise included.
# - Pictures show correlation. Unit numbers are arbitrary, knowledge is spread over units,
#   and only interventions (like switching a unit off) test what a unit does.
#
# **Next:** [09 · Convolutional hidden layers](09_convolutional_layers.ipynb)
