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
# # 09 · Visualizing hidden layers
#
# The article ends with a recipe for looking inside a network: a second model whose outputs
# are the hidden layers' outputs. In Keras 3 that recipe breaks for two of the three ways of
# writing a model. This lesson shows where and why, builds the working version by hand, and
# then turns hidden activations into pictures: heatmaps, neuron maps, layer-by-layer
# projections and weight images, and asks what such pictures can tell you about a model's
# decisions, and what they cannot. It ends by taking "hidden layers are feature extractors"
# literally: it reuses trained hidden layers on a new task.
#
# **Time:** about 55 minutes
#
# **Objectives**
# - Build an activation model by hand, and see where the classic recipe fails in Keras 3.
# - Draw activation heatmaps, neuron response maps and layer-by-layer projections.
# - Judge what such pictures can and cannot explain about a model.
# - Freeze trained hidden layers and reuse them on a new task with few labels.

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
import re
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np

from hlcourse.exercises import lesson09

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
# and 16 units to 10 softmax outputs. It trains for 30 short epochs.

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
# The message is exact, once you know what "called" means in it. A Sequential model does not
# define `.input` itself: it inherits it from `Operation`, Keras' base class for everything
# that can be called on tensors, which returns what the object itself was first called on
# **symbolically**, that is on a `keras.Input` (a placeholder with a shape and no values).
# Each symbolic call leaves a record, a *node*; `.input` reads the first one and raises this
# error when there is none. Calls on real data (`model(x)`, `fit`, `predict`) leave no node.
# And building a Sequential model never calls the model symbolically: Keras calls its
# *layers*, one after the other, on a symbolic input it makes, and keeps the graph they form
# inside the model. So each layer has a node and an `.output`, that inner graph has an input
# (the model lists it in `model.inputs`), and the model itself has no node, however long it
# has trained. ("The layer" in the message is the model: a Keras model is a layer too.) In
# Keras 2 a Sequential model with a known input shape *was* such a graph, with an `.input`;
# that is where the recipe comes from.
#
# The next cell checks each part of that on a copy of our model (so that `model` stays as it
# is). If we call the copy once on a `keras.Input`, it does get an `.input`, and the recipe
# still fails: that new input is not the one the layers' outputs were computed from. Keras 3.14
# and later say so when the probe model is built; Keras 3.13 builds it, and it fails the first
# time it is given data.

# %%
print("each layer's output:", [tuple(layer.output.shape) for layer in model.layers])
print("model.inputs:", [tuple(tensor.shape) for tensor in model.inputs])
wired = keras.models.clone_model(model)
wired(keras.Input(shape=(64,)))  # one symbolic call of the model itself
print("after a symbolic call, the copy's .input:", tuple(wired.input.shape))
try:
    recipe = keras.Model(inputs=wired.input, outputs=[layer.output for layer in wired.layers[:-1]])
    recipe.predict(digits.x_test[:5], verbose=0)
    detached = None
except (ValueError, KeyError) as error:  # when built (Keras >= 3.14), or when used (3.13)
    detached = error
print(f"the recipe on the copy: {type(detached).__name__}: {first_line(detached)}")
hlc.expect(detached is not None,
           "the layers' outputs belong to the graph built with the model, not to a later "
           "symbolic call")  # fmt: skip

# %% [markdown]
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
subclassed(keras.Input(shape=(64,)))  # now one symbolic call of the model itself
print("after a symbolic call, model.input:", tuple(subclassed.input.shape))
try:
    _ = subclassed.hidden_1.output
    still_none = False
except AttributeError as error:
    still_none = True
    print(f"{'hidden_1.output':16s} AttributeError: {first_line(error)}")
hlc.expect(len(failures) == 2 and still_none,
           "a subclassed model's layers get no outputs to cut, even from a symbolic call")  # fmt: skip

# %% [markdown]
# Its `.input` fails for the reason above, and a symbolic call gives it one. Its layers
# never get an `.output`: to find out what a subclassed model returns for a `keras.Input`,
# Keras runs its `call` on TensorFlow placeholders of its own, so the layers inside are
# never called on Keras' symbolic tensors and leave no nodes. There is no graph of layer
# outputs to cut a second model out of.

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
# There is a shorter way: the graph Keras built from the layers when it built the model.
# Its input is the first element of `model.inputs`, and the layers' `.output`s belong to it,
# so it gives the article's recipe a working input:

# %%
hidden_outputs = [layer.output for layer in model.layers[:-1]]
via_inputs = keras.Model(inputs=model.inputs[0], outputs=hidden_outputs, name="via_inputs")
same = all(np.allclose(a, b) for a, b in zip(via_inputs(batch), by_hand(batch), strict=True))
print("model.inputs[0] gives the same activations:", same)
hlc.expect(same, "both activation models compute the same hidden values")

# %% [markdown]
# (Pass `model.inputs`, the whole list, and the activation model works but warns, when it is
# called on an array, that the structure of its inputs does not match; take the first
# element.)
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
# It runs, with a catch: a Functional model lists its `InputLayer` in `model.layers` (a
# Sequential model does not), so the recipe's first "hidden layer" is the 64 pixels
# themselves.
#
# ### Exercise 09.1: the activation model by hand
#
# Write a function `answer(model)` that takes a built Sequential **or** Functional model and
# returns a `keras.Model` whose outputs are the outputs of all its hidden layers (not the
# input, not the output layer), in order. Build it with `keras.Model`, not with
# `hlc.probe`. The check tries it on three models it makes: a Functional model, a Sequential
# model declared with `keras.Input` and a Sequential model built by a call on data. Mind the
# two ways in which the two styles differ above.

# %%
answer = ...
hlc.check("09.1", answer)

# %%
hlc.solution("09.1")

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
hlc.plots.plot_activation_heatmap(model, few[0], "hidden_1", axes[0], y=few[1],
                                  title="trained: hidden_1")  # fmt: skip
hlc.plots.plot_activation_heatmap(model, few[0], "hidden_2", axes[1], y=few[1],
                                  title="trained: hidden_2")  # fmt: skip
hlc.plots.plot_activation_heatmap(untrained, few[0], "hidden_2", axes[2], y=few[1],
                                  title="untrained: hidden_2")  # fmt: skip
plt.show()

# %% [markdown]
# Reading them: in the trained `hidden_2`, look for units that light up (yellow) for one
# or two digits and stay dark for the rest, so that each class's band has its own pattern;
# in the untrained layer, the bands look more alike. A column that stays dark in every row
# is a unit that outputs 0 for every image shown: a **dead unit** on these images (lesson
# 07 watches units die in training). A ReLU unit at 0 passes nothing on and gets no gradient
# from that image.
#
# A number says how alike the bands are: the **separability** score
# (`hlc.representations.separability`) is the share of the spread of a layer's values that
# lies *between* the class averages (Fisher's between-class scatter over the total
# scatter): 0 when every class has the same average, 1 when every image sits exactly on its
# class's average.

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
# ### Exercise 09.2: read a heatmap
#
# Here is the heatmap of a small layer of 6 ReLU units (its weights were set by hand) for
# 24 points of three classes. Which unit is **dead**, and which unit fires **for class 2
# and no other class**? Answer with a dict of unit numbers, as on the x-axis:
# `{"dead": ..., "class_2": ...}`.

# %%
reader = lesson09.reading_network()
x_read, y_read = lesson09.reading_batch()
hlc.plots.plot_activation_heatmap(
    reader, x_read, "hidden", y=y_read, title="A hand-made layer: 24 samples x 6 units"
)
plt.show()

# %%
answer = ...
hlc.check("09.2", answer)

# %%
hlc.solution("09.2")

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
hlc.plots.plot_neuron_maps(ring_model, "hidden_1", circles)
plt.show()

# %% [markdown]
# Every first-layer map is a soft step across a **straight line**: the unit's output is the
# same all along any line w₁·x₁ + w₂·x₂ + b = constant, blue on one side of the line where
# the sum is 0 and orange on the other (when that line lies outside the square drawn, the
# whole map is one colour). No first-layer unit can draw a ring. The second layer adds up
# these steps, each with its own weights, and squashes the sum again:

# %%
hlc.plots.plot_neuron_maps(ring_model, "hidden_2", circles)
plt.show()

# %% [markdown]
# Now the maps can bend: look for `hidden_2` units that mark the inner disc (or everything
# outside it) on their own, which no single first-layer unit can do. This is what "each
# layer builds features out of the previous layer's features" looks like. TensorFlow
# Playground draws these maps for every neuron, and lesson 12 draws them while a network
# trains.

# %% [markdown]
# ## Layer by layer, classes come apart
#
# Back to the digits. Each layer's values are points in a space with as many axes as the
# layer has units (64 for the input, then 32, then 16). We cannot draw 32 axes, but we can
# draw the two directions along which the points vary most (**PCA**, principal component
# analysis). PCA never sees the labels, so if the classes appear as separate clusters, they
# really are apart in that layer (the reverse does not hold: classes that overlap in these
# two directions may be apart in others). Each panel's title gives the layer's separability
# score, measured on all its units.
#
# 🤔 **Predict:** which panel will show the cleanest clusters, and will the score rise from
# panel to panel?

# %%
hlc.plots.plot_layer_projections(model, digits.x_test, digits.y_test, include_output=True)
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
# In the pixels, most digits overlap in one cloud. The cells above assert what the score
# shows: it rises from the pixels to `hidden_1` and again to `hidden_2` (each rise asserted
# with a margin taken over five seeds), so with each layer more of the spread lies between
# the class averages and less within each class. The output layer then needs only one
# weighted sum per class of `hidden_2`'s values: straight boundaries in that space. This is
# one measurable sense in which hidden layers "extract features": each layer re-describes
# the image in terms in which the classes lie further apart.
#
# The circles show it more clearly. Two rings around the same centre have the same average,
# and no straight line separates them in the raw coordinates; two layers later the output
# unit's single straight cut separates them:

# %%
ring_scores = hlc.representations.layer_separability(ring_model, circles.x_test, circles.y_test)
print("separability:", ", ".join(f"{name} {value:.2f}" for name, value in ring_scores.items()))
hlc.claim("circles: separability of the input", ring_scores["input"], at_most=0.1)
hlc.claim("circles: separability gain, input -> hidden_2",
          ring_scores["hidden_2"] - ring_scores["input"], at_least=0.3)  # fmt: skip

# %% [markdown]
# "Apart" here means the Fisher score. It is not the same as "straight boundaries can tell
# the classes apart". That question has its own score, `method="linear"`: the held-out
# accuracy of a linear classifier (logistic regression: one weighted sum per class, so
# straight boundaries between classes) trained on the layer's values, a *linear probe*
# (Alain and Bengio, 2016). It is slower, so we ask it of the pixels and of `hidden_2` only.
#
# 🤔 **Predict:** the Fisher score of the digits' pixels is below 0.5. How well will a
# linear classifier tell the digits apart in the pixels?

# %%
probe_scores = {
    "input": hlc.representations.separability(digits.x_test, digits.y_test, method="linear"),
    "hidden_2": hlc.representations.separability(trained_acts["hidden_2"], digits.y_test,
                                                  method="linear"),
}  # fmt: skip
print("linear probe:", ", ".join(f"{name} {value:.2f}" for name, value in probe_scores.items()))
hlc.claim("linear probe on the digits' pixels", probe_scores["input"], at_least=0.9)
hlc.claim("linear probe gain, input -> hidden_2", probe_scores["hidden_2"] - probe_scores["input"],
          at_most=0.06)  # fmt: skip

# %% [markdown]
# A linear classifier already tells most digits apart in the pixels, and `hidden_2` adds
# little to that on this easy data set; what the hidden layers change most here is how
# tightly each class gathers (the Fisher score). On the circles, where no straight line
# separates the rings in the raw coordinates, the hidden layers are what make the output's
# straight cut possible. "Classes come apart layer by layer" is a statement about a
# measure: say which.

# %% [markdown]
# ## First-layer weights as images
#
# A first-layer unit of the digits network has one incoming weight per pixel, so its 64
# weights can be drawn as an 8x8 image: blue pixels push the unit up when they are inked,
# orange pixels push it down. The unit responds most to an image that has ink where its
# weights are blue and none where they are orange.
#
# 🤔 **Predict:** will you recognise strokes of digits in these images?

# %%
hlc.plots.plot_first_layer_weights(model)
plt.show()

# %% [markdown]
# Mostly speckle, with a blob here and there. One reason to suspect: 30 short epochs move
# the weights only part of the way from where they started, and they started as random
# noise. The untrained network above was built with the same seed, so it holds the trained
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
# The trained weights still correlate clearly with their random start (the cell below
# asserts a correlation of at least 0.35): a good part of each picture is the noise it began
# with. And a pixel that is blank in every training image never sends a gradient to its
# weights (the gradient of a weight is its input times the unit's error, and the input is
# 0), so with Adam and no penalty those weights keep their random values: noise at those
# pixels in every image, as the cell above asserts.
#
# An **L2 penalty** (lesson 06) adds a pull of every weight towards 0, which the data's
# gradient must outweigh to keep the weight large, so it shrinks what the data does not ask
# for, the random start included. Here is the same network, from the same starting weights,
# trained in the same way with `regularizer="l2"`:

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
hlc.plots.plot_first_layer_weights(smooth)
plt.show()
print(f"test accuracy {smooth_accuracy:.3f}; correlation with the random start: "
      f"{smooth_random:.2f} (without the penalty: {still_random:.2f})")  # fmt: skip
hlc.claim("first-layer weights' correlation with their start, plain", still_random, at_least=0.35)
hlc.claim("first-layer weights' correlation with their start, L2", smooth_random, at_most=0.3)
hlc.claim("digits test accuracy with L2", smooth_accuracy, at_least=0.9)

# %% [markdown]
# A similar accuracy (both above the bounds the cell asserts), and calmer pictures: the
# correlation with the random start drops below 0.3. An image that is blank, or nearly, is
# most likely a unit that no training image sent a gradient to (a dead unit): then only the
# penalty acted on its weights, and shrank them. In the others, what is left is mostly what
# the data pushed for. Still, do not expect to see a "7" in unit 5: a unit's weights show
# which pixels *push* it, and each unit is one of 32 that share the work. The clean edge
# and blob filters that textbooks show come from the first layer of large convolutional
# networks trained on a million photographs (Krizhevsky et al., 2012, their figure 3);
# lesson 10 looks at convolution filters.

# %% [markdown]
# ## What pictures can and cannot explain
#
# The article says that understanding hidden layers helps to interpret and explain a model's
# behaviour, which matters for transparency and AI ethics. Pictures of hidden layers do help
# the person who *builds* a model. Three experiments show where they stop, and why they are
# no explanation to give the person a decision is about.
#
# **1. Unit numbers mean nothing.** Shuffle the units of `hidden_1` (and, to match, the
# rows of the next layer's weights): the network computes exactly the same function, yet
# every heatmap and weight image above comes out in a different order. Train it again from
# another seed and the units come out different too (Li et al., 2016, compared pairs of
# networks trained this way: some units have a close twin in the other network, many do
# not). "Unit 5" is a name for one run, not a part of the solution.

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
# At least half of them survive (the printout says how many in this run): the knowledge of
# that digit is spread over several units, and the "detector" was one voice among them.
# Morcos et al. (2018) found the same in larger networks: how selective a unit is for one
# class says little about how much the network loses without it. Only an intervention like
# this one (switching units off, changing inputs) tests a cause; a picture alone shows what
# fires together.
#
# **3. Alike inside, decided differently.** Suppose each test image were a person's
# application and the predicted digit the decision. Take the two images that the network
# decides *differently* but whose `hidden_2` pictures are closest, and compare that distance
# with the distances between images it decides *alike*.
#
# 🤔 **Predict:** will their `hidden_2` pictures be closer than most pairs of images that get
# the same decision?

# %%
decided = model(digits.x_test).numpy().argmax(axis=1)
# every pair's distance, from |a - b|² = |a|² + |b|² - 2 a·b: one 450 x 450 table
squares = np.sum(h2**2, axis=1)
distance = np.sqrt(np.maximum(squares[:, None] + squares[None, :] - 2 * h2 @ h2.T, 0.0))
upper = np.triu(np.ones_like(distance, dtype=bool), k=1)
differ = decided[:, None] != decided[None, :]
nearest = np.where(upper & differ, distance, np.inf)
first, second = np.unravel_index(int(np.argmin(nearest)), nearest.shape)
closer_than = float(np.mean(distance[upper & ~differ] > distance[first, second]))
fig, axes = plt.subplots(1, 3, figsize=(11, 2.8), width_ratios=[1, 1, 2.6])
for ax, k in zip(axes[:2], (first, second), strict=True):
    ax.imshow(digits.x_test[k].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"test image {k}: a {digits.y_test[k]}\nthe network says {decided[k]}")
    ax.set_xticks([])
    ax.set_yticks([])
units = np.arange(h2.shape[1])
axes[2].bar(units - 0.2, h2[first], width=0.4, color="#0072B2", label=f"image {first}")
axes[2].bar(units + 0.2, h2[second], width=0.4, color="#E69F00", hatch="//",
            label=f"image {second}")  # fmt: skip
axes[2].set_xlabel("hidden_2 unit")
axes[2].set_ylabel("hidden_2 output")
axes[2].legend(fontsize=8)
plt.show()
print(f"their hidden_2 pictures are closer than {closer_than:.0%} of the pairs decided alike")
hlc.claim("share of alike-decided pairs further apart than the nearest differently decided pair",
          closer_than, at_least=0.9)  # fmt: skip

# %% [markdown]
# Two sets of bars closer to each other than most pairs the network decides alike (the cell
# asserts at least 90 % of them), and two different answers. Looking at the hidden layer
# does not say which small difference tipped the decision, or whether the person could have
# changed it. And this is the question that matters to someone refused a loan
# or given a diagnosis by a model: *why this decision, for me?* The pictures in this lesson
# cannot answer it:
#
# - they show what units respond to on the data we looked at, not why one decision was made
#   for one case (experiment 3), and not what causes what (experiment 2);
# - they say nothing about fairness: whether the model errs more for one group of people
#   than another is measured on outcomes, group by group, and needs data that records the
#   groups (the digits do not);
# - the tools built on them can mislead. Adebayo et al. (2018) ran "sanity checks" on
#   saliency maps (pictures of which inputs a decision is sensitive to) and found methods
#   whose maps barely changed when the network's weights were replaced by random ones.
#
# What a person can use instead is different in kind. A **counterfactual explanation**
# (Wachter, Mittelstadt and Russell, 2017) states the smallest change to the input that
# would have changed the decision ("with an income 10 % higher, the loan would have been
# granted"): something to act on or to contest. The image pair above is a crude one: turn
# the first image into the second and the decision changes. **Documentation** tells
# those who deploy a model what it was tested on and how well it works for which groups
# (model cards, Mitchell et al., 2019). For decisions with serious stakes, Rudin (2019)
# argues for models that are interpretable by design rather than black boxes explained
# after the fact. The law asks for some of this: the EU's General Data Protection
# Regulation gives people rights around decisions based solely on automated processing
# that significantly affect them (Article 22) and to "meaningful information about the
# logic involved" (Articles 13 to 15); how far this amounts to a right to an explanation of
# an individual decision is disputed among lawyers (Wachter, Mittelstadt and Floridi, 2017).
#
# What pictures of hidden layers are good for, in the hands of whoever builds the model:
#
# - **debugging**: dead units (dark columns), saturated units (tanh stuck at ±1, lesson
#   07), a layer whose heatmap shows no class structure at all;
# - **seeing how a network solves a task**: lines, then bends, then regions; classes
#   pulled apart layer by layer, by a measure you name;
# - **comparing models**: which layer separates the classes, whether regularization
#   changed what the first layer looks at.
#
# What they cannot do:
#
# - explain a single decision: "this image is a 7 *because* unit 5 fired" is a guess until
#   tested;
# - give single units a meaning: units share the work, their numbering is arbitrary, and
#   one unit often responds to several unrelated things (Olah et al., 2017, call such units
#   polysemantic);
# - show everything: a projection keeps 2 of 16 or 32 directions, a heatmap shows one
#   batch, a weight image shows only the first layer (deeper weights act on features, not
#   pixels);
# - stand in for measurement: a tidy picture of a model that overfits, or that is unfair to
#   a group, is still a picture of that model.
#
# ### Exercise 09.3: what the pictures support
#
# Which of these statements do this lesson's cells support (measured or asserted above)?
# Answer with the set of their letters, e.g. `{"A", "B"}`.
#
# - **A.** On the test digits, `hidden_2` separates the classes more than the pixels do, by
#   the Fisher separability score.
# - **B.** The network called one test image a 7 because the `hidden_2` unit that fires
#   most for 7s fired for it.
# - **C.** Switching off the `hidden_2` unit most specific to one digit left at least half
#   of that digit's test images recognised.
# - **D.** The network is as accurate on digits written by children as on digits written
#   by adults.
# - **E.** Renumbering `hidden_1`'s units (and the next layer's weights to match) changes
#   no prediction.
# - **F.** A saliency map that lights up a digit's strokes shows that the network relies
#   on those strokes.

# %%
answer = ...
hlc.check("09.3", answer)

# %%
hlc.solution("09.3")

# %% [markdown]
# ## The hidden explorer
#
# Pick a layer and a test image: the left panel shows that image's value in every unit of
# the layer; the right panel shows all test images as the layer sees them (PCA), with the
# chosen one ringed. Step through a few images of one digit, then of another, and watch
# which units change; switch to `hidden_2` and check whether the image's neighbours are
# more often of its own class.

# %%
hlc.widgets.hidden_explorer(model, digits, layer="hidden_1")

# %% [markdown]
# ## Hidden layers, reused
#
# If hidden layers extract features, the features should be worth something beyond the task
# they were trained for. Here is a second task on the same kind of images: **is the digit
# odd?** And a handicap: only **ten labelled images** for it, one of each digit. Our digits
# network learned its hidden layers from about 1,350 labelled images of the first task
# (which digit is it?).
#
# The recipe, in Keras: take the trained hidden layers, set `layer.trainable = False`
# (frozen: training leaves their weights alone), put a new output layer on top (here one
# sigmoid unit: odd or not) and train only that layer on the ten images. We work on a copy of
# `model`, so that the rest of the lesson keeps the model as it is.

# %%
rng = np.random.default_rng(seed)
ten = np.array([rng.choice(np.flatnonzero(digits.y_train == d)) for d in range(10)])
x_ten, odd_ten = digits.x_train[ten], digits.y_train[ten] % 2  # 1 for an odd digit
odd_test = digits.y_test % 2

donor = keras.models.clone_model(model)
donor.set_weights(model.get_weights())
for layer in donor.layers[:-1]:  # hidden_1 and hidden_2
    layer.trainable = False
keras.utils.set_random_seed(seed)
reused = keras.Sequential(
    [keras.Input(shape=(64,)), *donor.layers[:-1],
     keras.layers.Dense(1, activation="sigmoid", name="odd")], name="reused",
)  # fmt: skip
print("labelled images for the new task:", len(x_ten), "digits", digits.y_train[ten].tolist())
print("trainable:", {layer.name: layer.trainable for layer in reused.layers})

# %% [markdown]
# The fair comparison is the same architecture (64 -> 32 -> 16 -> 1) trained from scratch on
# the same ten images, with the same optimizer and number of steps.
#
# 🤔 **Predict:** which will tell odd from even better on the 450 test images: the network
# that reuses frozen hidden layers, or the one that learns everything from ten images?

# %%
hlc.training.train_fast(reused, x_ten, odd_ten, epochs=300, learning_rate=0.03, seed=seed)
keras.utils.set_random_seed(seed)
scratch = hlc.models.build_dense_network(64, (32, 16), output="binary", name="scratch")
hlc.training.train_fast(scratch, x_ten, odd_ten, epochs=300, learning_rate=0.03, seed=seed)


def odd_accuracy(network):
    """Share of the test images whose oddness `network` gets right."""
    return float(np.mean((network(digits.x_test).numpy()[:, 0] > 0.5) == odd_test))


odd_scores = {"reused hidden layers": odd_accuracy(reused), "from scratch": odd_accuracy(scratch)}
for label, value in odd_scores.items():
    print(f"{label:20s} odd-or-even test accuracy: {value:.3f}")
hlc.claim("odd or even from 10 labels: reused hidden layers", odd_scores["reused hidden layers"],
          at_least=0.85)  # fmt: skip
hlc.claim("odd or even from 10 labels: from scratch", odd_scores["from scratch"], at_most=0.87)
hlc.claim("odd or even from 10 labels: reused minus scratch",
          odd_scores["reused hidden layers"] - odd_scores["from scratch"], at_least=0.04)  # fmt: skip

# %% [markdown]
# With ten labels, the reused hidden layers win (the cell asserts a lead of at least 4
# points, a bound below the smallest lead in five seeds). What was measured: accuracy on the
# test digits of one random split, after 300 full-batch steps, for a second task whose answer
# depends only on the first task's classes: a friendly case for reuse. The scratch network
# does well for ten images, because digits are easy.
#
# Reuse needs tasks that share what the hidden layers learned. Yosinski et al. (2014) measured
# that the benefit falls as the two tasks grow less alike, and that the last hidden layers
# are the most specific to their task; Hands-On Machine Learning (Géron, 3rd ed., chapter 11)
# found that small dense networks transfer poorly, presumably because what they learn is
# specific. The next cell tries two tasks that share less: a network trained on the digits
# 0-4 only, its frozen hidden layers reused to tell the digits 5-9 apart from 5 labelled
# images of each.

# %%
low = digits.y_train < 5
keras.utils.set_random_seed(seed)
donor_low = hlc.models.build_dense_network(64, (32, 16), output="classes", n_outputs=5,
                                           name="digits_0_to_4")  # fmt: skip
hlc.training.train_fast(donor_low, digits.x_train[low], digits.y_train[low], epochs=100,
                        learning_rate=0.03, seed=seed)  # fmt: skip
low_test = digits.y_test < 5
low_accuracy = np.mean(donor_low(digits.x_test[low_test]).numpy().argmax(axis=1)
                       == digits.y_test[low_test])  # fmt: skip
print(f"the network trained on 0-4: digits 0-4 test accuracy {low_accuracy:.3f}")
five = np.concatenate(
    [rng.choice(np.flatnonzero(digits.y_train == d), 5, replace=False) for d in range(5, 10)]
)
x_high, y_high = digits.x_train[five], digits.y_train[five] - 5  # classes 0-4 stand for 5-9
high_test = digits.y_test >= 5
for layer in donor_low.layers[:-1]:
    layer.trainable = False
keras.utils.set_random_seed(seed)
reused_high = keras.Sequential(
    [keras.Input(shape=(64,)), *donor_low.layers[:-1],
     keras.layers.Dense(5, activation="softmax", name="digits_5_to_9")], name="reused_high",
)  # fmt: skip
keras.utils.set_random_seed(seed)
scratch_high = hlc.models.build_dense_network(64, (32, 16), output="classes", n_outputs=5,
                                              name="scratch_high")  # fmt: skip
high_scores = {}
for label, network in [("reused (trained on 0-4)", reused_high), ("from scratch", scratch_high)]:
    hlc.training.train_fast(network, x_high, y_high, epochs=300, learning_rate=0.03, seed=seed)
    guess = network(digits.x_test[high_test]).numpy().argmax(axis=1)
    high_scores[label] = float(np.mean(guess == digits.y_test[high_test] - 5))
    print(f"{label:24s} digits 5-9 test accuracy: {high_scores[label]:.3f}")
hlc.claim("digits 5-9 from 25 labels: scratch minus reused (trained on 0-4)",
          high_scores["from scratch"] - high_scores["reused (trained on 0-4)"],
          at_least=0.05)  # fmt: skip

# %% [markdown]
# Here reuse *loses*, on each of the five seeds of the sweep (the cell asserts a deficit of
# at least 5 points). A likely reason: features that tell 0-4 apart need not keep what tells
# 5-9 apart, and frozen, they cannot learn it. Whether hidden layers are worth reusing
# depends on the two tasks; measure it, do not assume it.
#
# ### What `trainable = False` does
#
# A frozen layer keeps its weights in the model; they are only left out of training. Keras
# counts them apart: `summary()` ends with "Trainable params" and "Non-trainable params".
#
# 🤔 **Predict:** how many of `reused`'s parameters are trainable?

# %%
reused.summary()
trainable = sum(int(np.prod(w.shape)) for w in reused.trainable_weights)
frozen = sum(int(np.prod(w.shape)) for w in reused.non_trainable_weights)
print(f"trainable {trainable}, non-trainable {frozen}, count_params() {reused.count_params()}")
hlc.expect(trainable == 16 * 1 + 1 and frozen == (64 * 32 + 32) + (32 * 16 + 16),
           "only the new output layer's 16 weights and 1 bias are trainable")  # fmt: skip
hlc.expect(reused.count_params() == trainable + frozen, "count_params() counts frozen ones too")

# %% [markdown]
# Only the new layer's 16 weights and its bias train; `count_params()` counts every parameter,
# frozen or not. (`train_fast`, the course's helper, trains `model.trainable_variables`, the
# weights `fit` trains.)
#
# One detail decides whether freezing does what you mean: **when Keras reads the flags**.
# `fit` builds its training step the first time it runs and keeps it, with the list of
# trainable weights it read then; `compile` throws the step away, and the next `fit` builds
# a new one from the flags as they are then. So a change of `trainable` after a model has
# been trained with `fit` is ignored until you call `compile` again. Keras 3.15's `compile`
# docstring says so (keras/src/trainers/trainer.py); a warning meant to point it out sits
# after a `raise` in that file and never runs, so `fit` does not tell you.
#
# Here is a small network with batch normalization, trained for one epoch with `fit`; then
# its hidden layer and batch normalization are frozen and it is trained again without
# `compile`; then compiled and trained once more. Each line lists the layers whose weights
# (moving statistics included) the epoch changed.

# %%
keras.utils.set_random_seed(seed)
normed = keras.Sequential(
    [keras.Input(shape=(64,)), keras.layers.Dense(16, activation="relu", name="dense"),
     keras.layers.BatchNormalization(name="norm"),
     keras.layers.Dense(10, activation="softmax", name="output")], name="normed",
)  # fmt: skip
normed.compile(optimizer="adam", loss="sparse_categorical_crossentropy")


def fit_once():
    """One epoch of fit on 200 digits; the names of the layers whose weights it changed."""
    before = [layer.get_weights() for layer in normed.layers]
    normed.fit(digits.x_train[:200], digits.y_train[:200], epochs=1, verbose=0)
    return [
        layer.name
        for layer, old in zip(normed.layers, before, strict=True)
        if any(not np.array_equal(a, b) for a, b in zip(old, layer.get_weights(), strict=True))
    ]


print("all trainable, fit:                changed", fit_once())
for name in ("dense", "norm"):
    normed.get_layer(name).trainable = False
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    stale = fit_once()
# Keras' own warning for this case begins "A layer's `trainable` state has changed".
told = [w for w in caught if "`trainable` state" in str(w.message)]
print("frozen, fit without compile:       changed", stale, f"({len(told)} warnings about it)")
normed.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
fresh = fit_once()
print("frozen, compile again, then fit:   changed", fresh)
hlc.expect("dense" in stale and not told, "without compile, fit trains a frozen layer, silently")
hlc.expect(fresh == ["output"],
           "after compile, fit changes only the layers that are not frozen")  # fmt: skip

# %% [markdown]
# **Batch normalization freezes into inference mode.** A frozen Dense layer computes what it
# computed before; only training leaves it alone. A `BatchNormalization` layer with
# `trainable = False` also stops normalizing with each batch's own mean and variance: it uses
# its moving statistics, as at inference, even when called with `training=True`. In
# Keras 3 its `call` takes the batch's statistics only `if training and self.trainable`
# (keras/src/layers/normalization/batch_normalization.py, where the docstring says so too).
# That is what you want when reusing it: otherwise each batch of the new task would be
# normalized with its own mean and variance, not with the statistics the layers after it
# were trained with.

# %%
norm = normed.get_layer("norm")
features = normed.get_layer("dense")(digits.x_test[:64])
same_frozen = np.allclose(norm(features, training=True), norm(features, training=False))
norm.trainable = True
same_trainable = np.allclose(norm(features, training=True), norm(features, training=False))
print("frozen: training=True gives the inference output:", same_frozen)
print("trainable: training=True gives the inference output:", same_trainable)
hlc.expect(same_frozen and not same_trainable,
           "a frozen BatchNormalization layer runs in inference mode")  # fmt: skip

# %% [markdown]
# ### Fine-tuning
#
# Once the new output layer has learned, a common next step is to **fine-tune**: unfreeze
# the top hidden layer and train on, with a smaller learning rate (here ten times smaller),
# so that the updates do not wreck the reused weights (Géron, chapter 11).
# (`train_fast` reads the trainable weights afresh at each call, as `fit` does after
# `compile`.)
#
# 🤔 **Predict:** with ten labelled images, will fine-tuning `hidden_2` help much?

# %%
donor.get_layer("hidden_2").trainable = True
before_tuning = odd_accuracy(reused)
hlc.training.train_fast(reused, x_ten, odd_ten, epochs=50, learning_rate=0.003, seed=seed)
after_tuning = odd_accuracy(reused)
print(f"odd-or-even test accuracy: {before_tuning:.3f} before fine-tuning, "
      f"{after_tuning:.3f} after")  # fmt: skip
hlc.claim("odd or even: change from fine-tuning hidden_2 (absolute)",
          abs(after_tuning - before_tuning), at_most=0.05)  # fmt: skip

# %% [markdown]
# Little change either way: at most 2 points on each of the five seeds of the sweep (the cell
# asserts under 5). Ten images give 528 more parameters little to learn from; Géron (chapter
# 11) advises unfreezing more layers the more labelled data the new task has.
#
# ### Exercise 09.4: what will train?
#
# `lesson09.pretrained_network()` returns a network with batch normalization (its weights
# are made up; only its shape matters here): 64 inputs -> `hidden_1` (24 ReLU units) ->
# `hidden_1_bn` -> `hidden_2` (12 ReLU units) -> `hidden_2_bn` -> `output` (10 softmax
# units). You reuse it for a new
# task with **3 classes**: `hidden_1` and `hidden_1_bn` frozen, `hidden_2` and
# `hidden_2_bn` fine-tuned, and a new output layer for the three classes in place of the old
# one. How many **trainable** parameters (the numbers `fit`'s optimizer updates) does the
# new model have? Work it out by hand, then check it by building the model.

# %%
answer = ...
hlc.check("09.4", answer)

# %%
hlc.solution("09.4")

# %% [markdown]
# ## Summary
#
# - The classic recipe `keras.Model(inputs=model.input, outputs=[layer.output ...])` works
#   in Keras 3 only on Functional models (and there its first output is the input itself).
#   A Sequential model's `.input` is what the model itself was first called on
#   symbolically, and building it calls only its layers that way; the graph of its layers
#   has an input, `model.inputs[0]`. A subclassed model's layers have no outputs to cut.
# - By hand: call the trained layers on a fresh `keras.Input` and make a model of the
#   results, or use `model.inputs[0]` with the layers' `.output`s.
#   `hlc.probe.hidden_activations` does it for every style, subclassed models included.
# - Activation heatmaps show class structure and dead units; neuron maps show lines
#   becoming bends and regions; projections and separability scores show classes coming
#   apart layer by layer (by the Fisher score; a linear classifier already tells most
#   digits apart in the pixels); first-layer weights show which pixels push each unit,
#   noise included.
# - Pictures show what fires together. Unit numbers are arbitrary, knowledge is spread over
#   units, and only interventions (like switching a unit off) test what a unit does.
# - They are no explanation for a person affected by a decision: two images with nearly the
#   same hidden picture got different answers. Counterfactual explanations, documentation
#   such as model cards and measurements per group answer that person's questions better.
# - Hidden layers can be reused: freeze them (`layer.trainable = False`), put a new output
#   layer on top and train it on the new task. With ten labels for "odd or even", reused
#   layers beat the same network trained from scratch; reused from the digits 0-4 for the
#   digits 5-9, they lost. Frozen weights count as non-trainable, `fit` leaves them alone,
#   a frozen batch normalization layer runs in inference mode, and a change of `trainable`
#   after `fit` needs `compile` again.
#
# **Next:** [10 · Convolutional hidden layers](10_convolutional_layers.ipynb)
