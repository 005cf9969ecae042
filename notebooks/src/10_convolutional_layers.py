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
# # 10 · Convolutional hidden layers
#
# A Dense layer connects every pixel to every unit, so it must learn a shape separately at
# every place it can appear. A convolutional layer slides one small set of weights over the
# whole picture instead: the same detector everywhere. This lesson builds that idea from a
# single hand-made filter up to a trained network, then looks inside it: the filters it
# learned, its feature maps layer by layer, and the parts of pictures that each layer's
# units respond to most.
#
# **Time:** about 40 minutes
#
# **Objectives**
# - Train Conv2D and pooling layers on generated shapes and on digits.
# - Look at learned filters and feature maps, layer by layer.
# - Compare a convolutional network's parameter count with a dense one's.

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
# The course draws its own pictures (nothing is downloaded): 28x28 pixels, one white line
# drawing on black (a bar, a cross, a ring or a square outline), placed, sized and turned at
# random, with some pixel noise. The task is to name the shape, wherever it is.

# %%
hlc.plots.plot_images(shapes, n=16)
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
# It gets (nearly) every training picture right and many new ones wrong: the printout gives
# both accuracies, and the cell asserts at least 0.95 on the training pictures and at most
# 0.85 on the test pictures. Each of its first-layer units looks at the whole picture
# through 784 weights of its own: a ring in the top left corner and the same ring in the
# bottom right light up different pixels, so what it learns about one place does not carry
# over to another, and 600 examples cannot show every shape at every place, size and angle.
#
# ## A convolution by hand
#
# A convolution takes a small grid of weights, a **filter** (here 3x3), lays it on the
# picture at one position, multiplies it with the 9 pixels under it and adds them up; then
# it moves one pixel and does it again, everywhere. The result is a new picture, a **feature
# map**, that is large wherever the patch under the filter has the filter's pattern: bright
# where the filter is positive, dark where it is negative. (Strictly, this is a
# cross-correlation: the convolution of mathematics flips the filter first. Keras, like
# other deep-learning libraries, does not flip, and since the filter is learned it makes no
# difference; Goodfellow et al., 2016, §9.1.)
#
# The filter below weighs the pixels on the left of a window against those on its right: it
# answers to vertical edges. We slide it by hand with NumPy and compare with Keras'
# `Conv2D` given the same weights.

# %%
vertical_edge = np.array([[1.0, 0.0, -1.0],
                          [1.0, 0.0, -1.0],
                          [1.0, 0.0, -1.0]], dtype="float32")  # fmt: skip
picture = shapes.x_test[list(shapes.y_test).index(2), :, :, 0]  # a ring: edges every way


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
for (row, col), weight in np.ndenumerate(vertical_edge):  # the values, not colour alone
    axes[1].text(col, row, f"{weight:+g}" if weight else "0", ha="center", va="center",
                 fontsize=14, color="white" if weight else "black")  # fmt: skip
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
# Where the ring runs up and down (its left and right sides), the map shows a pair of arcs
# of opposite signs (the dark-to-bright edge on one side of the stroke, the bright-to-dark
# edge on the other); where it runs across (its top and bottom), the map stays near zero.
# The map is 26x26: a 3x3 window fits 26 times across 28 pixels (Keras' default
# `padding="valid"`; `padding="same"` pads the border with zeros so that, with the default
# stride of 1, the map keeps 28).
#
# Two things make this cheap. The filter has **9 weights whatever the picture's size**,
# and it is **the same at every position**, so an edge is found wherever it is. A Conv2D
# layer holds several filters, each making its own feature map (a **channel**); a filter
# of a later layer looks at a 3x3 window of *every* channel of the layer before it.
#
# ### Exercise 10.1: the parameters of a convolution
#
# A `Conv2D(12, 5)` layer (12 filters of 5x5) receives feature maps of 20x20 pixels with 6
# channels. How many parameters (weights and biases) does it have? Store the number in
# `answer`.

# %%
answer = ...
hlc.check("10.1", answer)

# %%
hlc.solution("10.1")

# %% [markdown]
# ## A convolutional network
#
# Now the network learns its own filters. Two convolution layers of 8 and 16 filters, each
# followed by **max pooling** (keep the largest value of each 2x2 block: the map halves,
# rounding down, and a block's largest value stays put while a feature moves inside the
# block, which makes the pooled map approximately invariant to small shifts; Goodfellow et
# al., 2016, §9.3), then a **global max pooling** that keeps each channel's strongest
# response anywhere in the picture ("is this pattern somewhere?"), and a Dense softmax
# layer naming the shape.
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
# Sharing one filter over all positions builds in an assumption: what matters in a picture
# is local and can be anywhere (Goodfellow et al., 2016, §9.4, call convolution and pooling
# an infinitely strong prior). On these pictures the assumption holds, and the training
# cell asserts what it buys: a lead in test accuracy with about 80 times fewer parameters.
# Each filter's weights are used at every position of the maps they slide over, so what
# they learn are patterns that can turn up anywhere in a picture, and such patterns carry
# over to new pictures.
#
# Pooling adds some tolerance for position. Shift every test picture one pixel to the right
# and measure how much each layer's output changes, as a share of the output itself.

# %%
shifted = np.roll(shapes.x_test, 1, axis=2)  # every test picture, one pixel to the right
change = {}
for name in ("conv_1", "pool_1"):
    before = hlc.probe.hidden_activations(cnn, shapes.x_test, layers=[name])[name]
    after = hlc.probe.hidden_activations(cnn, shifted, layers=[name])[name]
    change[name] = float(np.abs(after - before).sum() / np.abs(before).sum())
for name, value in change.items():
    print(f"{name}: a one-pixel shift changes it by {value:.0%} (summed absolute change)")
hlc.claim("pool_1's change under a one-pixel shift, as a share of conv_1's",
          change["pool_1"] / change["conv_1"], at_most=0.8)  # fmt: skip

# %% [markdown]
# The pooled maps change clearly less than the maps under them, but they do change: a
# feature that crosses into the next 2x2 block moves in the pooled map too. "Approximately
# invariant" means exactly this.
#
# ## Learned filters
#
# The first layer's 8 filters, before and after training. Each is a 3x3 grid of weights
# (blue positive, orange negative).

# %%
hlc.plots.plot_filters(untrained, "conv_1")
plt.suptitle("conv_1 before training (random)")
plt.show()
hlc.plots.plot_filters(cnn, "conv_1")
plt.suptitle("conv_1 after training")
plt.show()

# %% [markdown]
# Compare the two grids. Look for **steps**, orange on one side and blue on the other, which
# answer to an edge that runs one way, as our hand-made filter did, and for filters that
# are **mostly one sign**, which answer to a bright stroke whichever way it runs; how many
# of each a run produces varies. A 3x3 filter sees 9 pixels: it can tell whether there is
# ink and which way an edge runs in that window, not which shape the window belongs to.
# Larger structures have to be built by the layers after it.
#
# ## Feature maps, layer by layer
#
# Here is one picture as each layer sees it: the first channels of every convolution and
# pooling layer's output.

# %%
ring = shapes.x_test[list(shapes.y_test).index(2)]
hlc.plots.plot_feature_maps(cnn, ring, channels=8)
plt.show()

# %% [markdown]
# `conv_1`'s maps are the ring's outline seen through each filter: a filter of one sign
# traces all of it, a step filter mostly the arcs whose edge runs its way. After pooling,
# `conv_2` combines 3x3 windows of all 8 of those maps, so each of its units sees a larger
# part of the picture, its **receptive field**. The rule, layer by layer: a 3x3
# convolution widens the field by 2 *steps*, a 2x2 pooling by 1 step, and each pooling
# (stride 2) doubles the step, the distance in pixels between neighbouring units. So
# `conv_1` sees 3 pixels across; `pool_1` 3 + 1 = 4, its units 2 pixels apart; `conv_2`
# 4 + 2 x 2 = 8; `pool_2` 8 + 1 x 2 = 10, its units 4 pixels apart.

# %%
fields = {name: hlc.plots.receptive_field(cnn, name)
          for name in ["conv_1", "pool_1", "conv_2", "pool_2"]}  # fmt: skip
for name, side in fields.items():
    print(f"{name}: one unit sees {side}x{side} pixels")
hlc.expect(list(fields.values()) == [3, 4, 8, 10], "the receptive fields follow the rule")

# %% [markdown]
# A feature map shows what the layers make of one picture. To see what one *channel*
# responds to in general, run all the test pictures through the network, find where each
# picture excites that channel most, and cut the picture to that unit's receptive field:
# the pictures with the highest values show what the channel looks for. Zeiler and Fergus
# (2014) looked inside a large network trained on photographs this way.
# `hlc.plots.plot_top_patches` draws, for each channel, the 8 pictures that excite it
# most (one patch per picture, strongest on the left), titled with the picture's shape.
#
# 🤔 **Predict:** a `conv_2` unit sees 8x8 pixels of a 28x28 picture. Will the 8 pictures
# that excite a `conv_2` channel most all show the same shape?

# %%
hlc.plots.plot_top_patches(cnn, shapes, "conv_1")
plt.show()
hlc.plots.plot_top_patches(cnn, shapes, "conv_2")
plt.show()

# %% [markdown]
# A number for "the same shape": a channel's **purity** is the share of its 8 top pictures
# that show its most common shape (1: all the same shape). The cell compares it with the
# purity of 8 test pictures drawn at random, and leaves out channels that never fire.


# %%
def purity(found):
    """Mean over the channels that fire of the share of their top pictures with the most
    common class among them."""
    fires = found["values"][:, 0] > 0
    return float(np.mean([np.bincount(row).max() / len(row) for row in found["labels"][fires]]))


top = {name: hlc.plots.top_patches(cnn, shapes, name, k=8) for name in ("conv_1", "conv_2")}
draws = np.random.default_rng(seed).choice(shapes.y_test, size=(2000, 8))
chance = float(np.mean([np.bincount(row).max() / 8 for row in draws]))
for name, found in top.items():
    fires = int(np.sum(found["values"][:, 0] > 0))
    print(f"{name}: {fires} of {len(found['values'])} channels fire, purity {purity(found):.2f}")
print(f"8 pictures drawn at random: purity {chance:.2f}")
hlc.claim("top-picture purity gain, conv_1 -> conv_2", purity(top["conv_2"]) - purity(top["conv_1"]),
          at_least=0.06)  # fmt: skip
hlc.claim("top-picture purity of conv_2", purity(top["conv_2"]), at_most=0.92)

# %% [markdown]
# On these pictures the story is modest, and worth stating exactly. `conv_1`'s patches are
# bits of stroke (bright ones, or edges that run one way), and its channels' top pictures
# come from several shapes: a bit of stroke looks alike in a bar, a cross or a square, and
# `conv_1`'s purity is nearer that of random draws than `conv_2`'s is. `conv_2`'s 8x8
# patches hold combinations of strokes: look for corners, crossings, the end of a bar, a
# piece of arc. Its channels lean towards one or two shapes (purity clearly above
# `conv_1`'s, as the cell asserts), but on average they still mix shapes (the cell asserts
# a purity of at most 0.92). And a channel
# whose 8 top pictures all show one shape is not thereby a detector of it: the top 8 say
# nothing about how it responds to the other pictures. The shapes are told apart only after
# the global pooling and the Dense layer have combined all 16 channels.
#
# The article's picture, edges in the first layer, then shapes, then objects, comes from
# much deeper networks trained on about a million photographs: Zeiler and Fergus (2014),
# with the top patches used above and a projection back to the pixels, found edges and
# colours in the first layer, corners and textures next, parts of objects deeper and whole
# objects in the fifth; Olah et al. (2017) made a similar progression visible by optimising
# an input to excite a unit, and also found many units that respond to several unrelated
# things. Two convolution layers on 28x28 line drawings show the first step of it: what a
# layer can respond to grows with its receptive field.
#
# ### Exercise 10.2: how far a third layer sees
#
# Suppose we added a third 3x3 convolution, `conv_3`, right after `pool_2`. How many pixels
# across is the patch that one `conv_3` unit sees? Work it out with the rule above and store
# the number in `answer`.

# %%
answer = ...
hlc.check("10.2", answer)

# %%
hlc.solution("10.2")

# %% [markdown]
# ## Separability, layer by layer
#
# The article calls hidden layers feature extractors. One way to measure what each layer's
# output does for the task is lesson 09's separability score: the share of a layer's spread
# that lies between the class averages (0 when every shape has the same average, 1 when
# every picture sits on its shape's average).
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
hlc.claim("separability gain at the global pooling", scores["global_max"] - scores["pool_2"],
          at_least=0.2)  # fmt: skip

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(list(scores), steps, marker="o")
ax.set_ylabel("separability")
ax.set_title("the shapes come apart layer by layer")
plt.show()

# %% [markdown]
# The score rises at every layer, a little through the convolutions and most at the global
# pooling (the cell asserts both), where "where" is thrown away and only "what, anywhere"
# is kept. The convolution layers' outputs still say where each stroke is, so pictures of
# the same shape in different places differ a lot there.
#
# ### Exercise 10.3: a picture's shape, layer by layer
#
# Suppose the pictures were 40x40 instead of 28x28, and `conv_1` had `padding="same"`
# (everything else as in `cnn`). What would the shape of `pool_2`'s output be for one
# picture, as `(height, width, channels)`? Work it out by hand.

# %%
answer = ...
hlc.check("10.3", answer)

# %%
hlc.solution("10.3")

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
# The 8x8 digits from lessons 02 and 09 are small, and each digit fills most of its frame,
# so a Dense network does well on them: lesson 09's, with 2,778 parameters, scored above
# 0.93 on the test digits. Convolution has less room to help there than on the shapes,
# where a shape can be anywhere in a larger picture.
#
# ### Exercise 10.4: a small convolutional network for the digits
#
# Build an uncompiled `keras.Sequential` model that takes `(8, 8, 1)` pictures and gives 10
# softmax scores, with at least one `Conv2D` layer and fewer than 6,000 parameters. The
# check trains it for 10 epochs and wants a test accuracy of at least 0.95. Mind what each
# layer does to an 8x8 picture: the network above would shrink it to nothing.

# %%
answer = ...
hlc.check("10.4", answer)

# %%
hlc.solution("10.4")

# %% [markdown]
# ## Summary
#
# - A convolutional layer slides small filters over the picture: the same weights at every
#   position, so a pattern is found wherever it is, with parameters that do not grow with
#   the picture (kernel height x kernel width x input channels x filters, plus a bias per
#   filter).
# - Pooling shrinks the maps and makes them approximately invariant to small shifts; global
#   pooling keeps "what" and drops "where".
# - On shapes placed anywhere, a network of 1,316 parameters beat a Dense one with about 80
#   times as many, which fitted its training pictures and did much worse on new ones.
# - First-layer filters respond to bits of stroke and edge; each later layer sees a larger
#   receptive field and responds to combinations (corners, crossings), more tied to one
#   shape but not "object detectors"; the classes separate more at every layer.
# - The edges-to-objects progression of the article is what much deeper networks, trained
#   on about a million photographs, show (Zeiler and Fergus, 2014); the mechanism, growing
#   receptive fields over shared filters, is the one here.
#
# **Next:** [11 · Recurrent hidden layers](11_recurrent_layers.ipynb)
