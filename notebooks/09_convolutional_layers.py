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
# # 09 · Convolutional hidden layers
#
# A Dense layer connects every pixel to every unit, so it must learn a shape separately at
# every place it can appear. A convolutional layer slides one small set of weights over the
# whole picture instead: the same detector everywhere. This lesson builds that idea from a
# single hand-made filter up to a trained network, then looks inside it: the filters it
# learned, and its feature maps layer by layer, from strokes to whole shapes.
#
# **Time:** about 40 minutes
#
# **Objectives**
# - Train Conv2D and pooling layers on generated shapes and on digits.
# - Look at learned filters and feature maps, layer by layer.
# - Compare a convolutional network's parameter count with a dense one's.

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
import itertools

import keras
import matplotlib.pyplot as plt
import numpy as np

layers = keras.layers
shapes = hlc.shapes.make_shapes(800, seed=seed)
print("training pictures:", shapes.x_train.shape, " test pictures:", shapes.x_test.shape)
print("classes:", shapes.class_names)

# %% [markdown]
# ## Pictures of shapes
#
# The course draws its own pictures (nothing is downloaded): 28x28 pixels, one white outline
# on black, a bar, a cross, a ring or a square, each placed, sized and turned at random, with
# some pixel noise. The task is to name the shape, wherever it is.

# %%
hlc.conv_plots.plot_images(shapes, n=16)
plt.show()

# %% [markdown]
# ## First, a Dense network
#
# Lesson 02's recipe works on any numbers: flatten each picture into 784 values and give
# them to two hidden Dense layers.
#
# 🤔 **Predict:** the Dense network has more than 100,000 weights for 600 training
# pictures. Will it learn the four shapes?

# %%
flat_train = shapes.x_train.reshape(len(shapes.x_train), -1)
flat_test = shapes.x_test.reshape(len(shapes.x_test), -1)
keras.utils.set_random_seed(seed)
dense = hlc.models.build_dense_network(784, (128, 64), output="classes", n_outputs=4,
                                       name="dense_shapes")  # fmt: skip
hlc.training.train_fast(dense, flat_train, shapes.y_train, epochs=30, batch_size=32,
                        learning_rate=0.003, seed=seed)  # fmt: skip


def accuracy(model, x, y):
    """Share of pictures `model` names right."""
    return float(np.mean(np.asarray(model(x)).argmax(axis=1) == y))


dense_train = accuracy(dense, flat_train, shapes.y_train)
dense_test = accuracy(dense, flat_test, shapes.y_test)
print(f"Dense network: {dense.count_params():,} parameters, training accuracy "
      f"{dense_train:.2f}, test accuracy {dense_test:.2f}")  # fmt: skip
hlc.claim("Dense network, training accuracy", dense_train, at_least=0.95)
hlc.claim("Dense network, test accuracy", dense_test, at_most=0.85)

# %% [markdown]
# It learns the training pictures by heart and gets new ones wrong about a third of the
# time. Each of its first-layer units looks at the whole picture through 784 weights of its
# own: a ring in the top left corner and the same ring in the bottom right light up
# entirely different pixels, and 600 examples cannot show every shape at every place.
#
# ## A convolution by hand
#
# A convolution takes a small grid of weights, a **filter** (here 3x3), lays it on the
# picture at one position, multiplies it with the 9 pixels under it and adds them up; then
# it moves one pixel and does it again, everywhere. The result is a new picture, a **feature
# map**, that is bright wherever the patch under the filter looks like the filter.
#
# The filter below weighs the pixels on the left of a window against those on its right: it
# answers to vertical edges. We slide it by hand with NumPy and compare with Keras'
# `Conv2D` given the same weights.

# %%
vertical_edge = np.array([[1.0, 0.0, -1.0],
                          [1.0, 0.0, -1.0],
                          [1.0, 0.0, -1.0]], dtype="float32")  # fmt: skip
picture = shapes.x_test[list(shapes.y_test).index(3), :, :, 0]  # a square


def convolve(image, kernel):
    """Slide `kernel` over `image` without padding: one output per position it fits."""
    k = kernel.shape[0]
    rows, cols = image.shape[0] - k + 1, image.shape[1] - k + 1
    out = np.zeros((rows, cols), dtype="float32")
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.sum(image[i : i + k, j : j + k] * kernel)
    return out


by_hand = convolve(picture, vertical_edge)
conv = layers.Conv2D(1, 3, use_bias=False, name="edge_filter")
conv.build((None, 28, 28, 1))
conv.set_weights([vertical_edge[:, :, None, None]])
by_keras = np.asarray(conv(picture[None, :, :, None]))[0, :, :, 0]
print("feature map shape:", by_hand.shape, " largest difference from Keras:",
      float(np.abs(by_hand - by_keras).max()))  # fmt: skip
hlc.expect(np.allclose(by_hand, by_keras, atol=1e-5),
           "the hand-made convolution matches keras.layers.Conv2D")  # fmt: skip

fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
axes[0].imshow(picture, cmap="gray")
axes[0].set_title("the picture")
axes[1].imshow(vertical_edge, cmap="PuOr", vmin=-1, vmax=1)
axes[1].set_title("the filter (3x3)")
limit = float(np.abs(by_hand).max())
shown = axes[2].imshow(by_hand, cmap="PuOr", vmin=-limit, vmax=limit)
axes[2].set_title("its feature map (26x26)")
fig.colorbar(shown, ax=axes[2], fraction=0.046)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()

# %% [markdown]
# The square's left and right sides light up, with opposite signs (a dark-to-bright edge
# and a bright-to-dark one); its top and bottom, horizontal, stay near zero. The map is
# 26x26: a 3x3 window fits 26 times across 28 pixels (Keras' default `padding="valid"`;
# `padding="same"` pads the border with zeros to keep 28).
#
# Two things make this cheap. The filter has **9 weights whatever the picture's size**,
# and it is **the same at every position**, so an edge is found wherever it is. A Conv2D
# layer holds several filters, each making its own feature map (a **channel**); a filter
# of a later layer looks at a 3x3 window of *every* channel of the layer before it.
#
# ### Exercise 09.1: the parameters of a convolution
#
# A `Conv2D(16, 3)` layer receives feature maps with 8 channels. How many parameters
# (weights and biases) does it have? Store the number in `answer`.

# %%
answer = ...
hlc.check("09.1", answer)

# %%
hlc.solution("09.1")

# %% [markdown]
# ## A convolutional network
#
# Now the network learns its own filters. Two convolution layers of 8 and 16 filters, each
# followed by **max pooling** (keep the largest value of every 2x2 block: the map halves,
# and a feature that moves by a pixel mostly stays in the same block), then a **global max
# pooling** that keeps each channel's strongest response anywhere in the picture ("is
# there a corner somewhere?"), and a Dense softmax layer naming the shape.
#
# 🤔 **Predict:** this network has about 1,300 parameters, 80 times fewer than the Dense
# network. Will it do better or worse on the test pictures?

# %%
keras.utils.set_random_seed(seed)
cnn = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Conv2D(8, 3, activation="relu", name="conv_1"),
    layers.MaxPooling2D(name="pool_1"),
    layers.Conv2D(16, 3, activation="relu", name="conv_2"),
    layers.MaxPooling2D(name="pool_2"),
    layers.GlobalMaxPooling2D(name="global_max"),
    layers.Dense(4, activation="softmax", name="shape"),
], name="cnn_shapes")  # fmt: skip
untrained = keras.models.clone_model(cnn)  # a copy of the starting weights, for later
untrained.set_weights(cnn.get_weights())
cnn.summary()

# %%
hlc.training.train_fast(cnn, shapes.x_train, shapes.y_train, epochs=15, batch_size=32,
                        learning_rate=0.01, seed=seed)  # fmt: skip
cnn_test = accuracy(cnn, shapes.x_test, shapes.y_test)
ratio = dense.count_params() / cnn.count_params()
print(f"convolutional network: {cnn.count_params():,} parameters, test accuracy {cnn_test:.2f}")
print(f"Dense network:         {dense.count_params():,} parameters, test accuracy {dense_test:.2f}")
print(f"the Dense network has {ratio:.0f} times as many parameters")
hlc.claim("convolutional network, test accuracy", cnn_test, at_least=0.93)
hlc.claim("convolutional network's lead over the Dense one", cnn_test - dense_test,
          at_least=0.15)  # fmt: skip
hlc.expect(ratio > 50, "the Dense network has more than 50 times the parameters")

# %%
fig, ax = plt.subplots(figsize=(5, 3))
names = ["Dense\n(784-128-64-4)", "convolutional\n(8 and 16 filters)"]
bars = ax.bar(names, [dense_test, cnn_test], color=["#E69F00", "#0072B2"])
for bar, params in zip(bars, [dense.count_params(), cnn.count_params()], strict=True):
    ax.annotate(f"{params:,} parameters", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center", va="bottom", fontsize=9)  # fmt: skip
ax.axhline(0.25, color="gray", linestyle=":", label="guessing")
ax.set_ylim(0, 1.1)
ax.set_ylabel("test accuracy")
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# Sharing the filter over all positions is a strong assumption, that what matters in a
# picture is local and can be anywhere, and for pictures it is right. The network cannot
# memorize one pixel pattern per training picture even if it wanted to; it has to find
# strokes, corners and curves, and those carry over to new pictures.
#
# ## Learned filters
#
# The first layer's 8 filters, before and after training. Each is a 3x3 grid of weights
# (blue positive, orange negative).

# %%
hlc.conv_plots.plot_filters(untrained, "conv_1")
plt.suptitle("conv_1 before training (random)")
plt.show()
hlc.conv_plots.plot_filters(cnn, "conv_1")
plt.suptitle("conv_1 after training")
plt.show()

# %% [markdown]
# Training turned random grids into two kinds of detectors. Some are **steps**, orange on
# one side and blue on the other: they answer to an edge in one direction, as our
# hand-made filter did. Others are **mostly one sign**: they answer to a bright stroke of
# any direction. With 3x3 weights there is little else a first layer *can* be: it sees only
# 9 pixels. Larger structures have to be built from these by the layers after it.
#
# ## Feature maps, layer by layer
#
# Here is one picture as each layer sees it: the first channels of every convolution and
# pooling layer's output.

# %%
ring = shapes.x_test[list(shapes.y_test).index(2)]
hlc.conv_plots.plot_feature_maps(cnn, ring, channels=8)
plt.show()

# %% [markdown]
# `conv_1`'s maps are the ring's outline seen through each filter: the one-sign filters
# trace all of it, the step filters mostly the arcs facing their direction. After pooling,
# `conv_2` combines 3x3 windows of all 8 of those maps, so each of its units sees a
# larger part of the picture, its **receptive field**:

# %%
for name in ["conv_1", "pool_1", "conv_2", "pool_2"]:
    side = hlc.conv_plots.receptive_field(cnn, name)
    print(f"{name}: one unit sees {side}x{side} pixels")

# %% [markdown]
# Edges first, then combinations of edges (corners, bends, crossings) over larger patches,
# then, after the global pooling, whole shapes: "a bend somewhere and no corner anywhere"
# is a ring. This is the article's picture of hidden layers as feature extractors, and it
# can be measured: how well a straight line separates the classes in each layer's output
# (lesson 08's separability score, 0 for none and 1 for perfect).
#
# 🤔 **Predict:** will the score rise at every layer, or jump only at the end?

# %%
scores = hlc.representations.layer_separability(cnn, shapes.x_test, shapes.y_test)
for name, score in scores.items():
    print(f"{name:>10}: {score:.2f}")
steps = list(scores.values())
hlc.expect(all(b > a for a, b in itertools.pairwise(steps)),
           "the classes separate a little more at every layer")  # fmt: skip
hlc.claim("separability of the pixels", scores["input"], at_most=0.1)
hlc.claim("separability after global pooling", scores["global_max"], at_least=0.35)

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(list(scores), steps, marker="o")
ax.set_ylabel("separability")
ax.set_title("the shapes come apart layer by layer")
plt.show()

# %% [markdown]
# The score creeps up through the convolutions and jumps at the global pooling, where
# "where" is thrown away and only "what, anywhere" is kept.
#
# ### Exercise 09.2: a picture's shape, layer by layer
#
# A 28x28x1 picture enters `cnn`. What is the shape of `pool_2`'s output for one picture,
# as `(height, width, channels)`? Work it out by hand before you look at the summary above.

# %%
answer = ...
hlc.check("09.2", answer)

# %%
hlc.solution("09.2")

# %% [markdown]
# ## The feature-map explorer
#
# Choose a test picture, a layer and a channel (or all channels). Try a bar and then a
# cross, and find a `conv_2` channel that answers to one and not the other.

# %%
hlc.widgets.feature_map_explorer(cnn, shapes, layer="conv_1")

# %% [markdown]
# ## The digits, and when convolution matters
#
# The 8x8 digits from lessons 02 and 08 are tiny and already centred, so a Dense network
# does well on them (about 0.95 with some 3,000 parameters). A convolutional network still
# reaches more with few parameters, but the difference is much smaller than on the shapes:
# convolution pays off when pictures are large and what matters can be anywhere.
#
# ### Exercise 09.3: a small convolutional network for the digits
#
# Build an uncompiled `keras.Sequential` model that takes `(8, 8, 1)` pictures and gives 10
# softmax scores, with at least one `Conv2D` layer and fewer than 6,000 parameters. The
# check trains it for 20 epochs and wants a test accuracy of at least 0.95. Hint:
# `padding="same"` keeps the small pictures from shrinking.

# %%
answer = ...
hlc.check("09.3", answer)

# %%
hlc.solution("09.3")

# %% [markdown]
# ## Summary
#
# - A convolutional layer slides small filters over the picture: the same weights at every
#   position, so a pattern is found wherever it is, with parameters that do not grow with
#   the picture (3 x 3 x input channels x filters, plus a bias per filter).
# - Pooling shrinks the maps and tolerates small shifts; global pooling keeps "what" and
#   drops "where".
# - On shapes placed anywhere, a network of about 1,300 parameters beat a Dense one with 80
#   times as many, which memorized its training pictures.
# - First-layer filters are edge and stroke detectors; later layers combine them over
#   growing receptive fields, and the classes separate layer by layer.
# - Real image networks stack many more such layers (and use `padding="same"`, batch
#   normalization and more filters), trained for hours on millions of pictures; the ideas
#   are the ones here.
#
# **Next:** [10 · Recurrent hidden layers](10_recurrent_layers.ipynb)
