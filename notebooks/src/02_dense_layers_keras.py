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
# # 02 · Dense layers in Keras
#
# The classic first network: two hidden Dense layers that read handwritten digits. You will
# build it as the article this course grows from writes it (with one update, `keras.Input`),
# count every parameter yourself, train it, and write the backward pass for each hidden layer
# in NumPy.
#
# **Time:** about 55 minutes
#
# **Objectives**
# - Build, compile, train and evaluate a two-hidden-layer Sequential model on digits.
# - Count its parameters by hand and read `summary()`.
# - Declare the input with `keras.Input` instead of the old `input_shape=` argument.
# - Write the backward pass for each hidden layer in NumPy and match `GradientTape`.
# - Follow the chain rule back through the layers, and derive it for a new network.
# - Try optimizers, learning rates and batch sizes in a training explorer.

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
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

# %% [markdown]
# ## The data: 8x8 digits
#
# scikit-learn ships 1,797 small images of handwritten digits, 8x8 pixels each (each pixel
# counts the inked dots in a 4x4 block of a 32x32 bitmap, 0 to 16). Flattened, every image
# is a row of 64 numbers (divided by 16, so they lie between 0 and 1): the network's
# **64 inputs**. There are **10 classes**, the digits 0 to 9. A quarter of the images are
# held back as a test set.

# %%
digits = hlc.data.load_digits(seed=seed)
print(digits)
fig, axes = plt.subplots(2, 8, figsize=(9, 2.6))
for ax, image, label in zip(axes.flat, digits.images[0], digits.y_train, strict=False):
    ax.imshow(image, cmap="gray_r")
    ax.set(title=str(label), xticks=[], yticks=[])
ax.figure.suptitle("Training images and their labels")
plt.show()

# %% [markdown]
# ## The article's model
#
# Two hidden layers, 64 and then 32 ReLU units, and an output layer with one unit per class
# and the softmax activation, which turns the 10 scores $z_k$ of an image into 10
# probabilities $e^{z_k} / \sum_j e^{z_j}$: each between 0 and 1, adding up to 1.

# %%
input_dim, num_classes = 64, 10
model = keras.Sequential(
    [
        keras.Input(shape=(input_dim,)),
        keras.layers.Dense(64, activation="relu", name="hidden_1"),  # first hidden layer
        keras.layers.Dense(32, activation="relu", name="hidden_2"),  # second hidden layer
        keras.layers.Dense(num_classes, activation="softmax", name="output"),
    ]
)
model.summary()

# %% [markdown]
# `summary()` shows one row per layer: its name and type, the shape of its output, where
# `None` stands for the batch size (any number of images can go through at once), and its
# number of parameters. Below them: the total, split into trainable parameters (the ones
# training changes) and non-trainable ones (stored but not trained, such as batch
# normalization's running averages in lesson 06).
#
# 🤔 **Predict:** the model has not been trained yet: its weights are random. How will it
# share out its probability over the 10 digits for one image: most of it on one digit, or
# about evenly?

# %%
probabilities = model(digits.x_train[:5]).numpy()
print("first image, 10 outputs:", np.round(probabilities[0], 3))
print("largest of the 10, for each of 5 images:", np.round(probabilities.max(axis=1), 3))
print("sum of the 10, for each of 5 images:", np.round(probabilities.sum(axis=1), 6))
hlc.expect(
    np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5),
    "A softmax layer's outputs should add up to 1 for every image, trained or not.",
)
hlc.claim("largest probability of the untrained model, 5 images", probabilities.max(),
          at_most=0.35, message="An untrained model should share its probability out about evenly.")  # fmt: skip

# %% [markdown]
# About evenly: even the largest of the 10 stays around 0.2 or below, not far from 1/10.
# Keras' default starting weights (random, drawn by the Glorot uniform rule that lesson 07
# derives; biases 0) give an image 10 scores close together, and the softmax of close
# scores is close to uniform. Such a guess has a loss near $-\ln(1/10) = \ln 10 \approx 2.3$;
# lesson 07 uses this as a check that a classifier starts sensibly.

# %% [markdown]
# ## What a Dense layer computes
#
# "Dense" means *fully connected*: each of a layer's units reads every value of the layer
# before it. A Dense layer keeps a weight matrix `kernel` of shape (inputs, units) and a
# `bias` vector of shape (units,), and computes `activation(x @ kernel + bias)`. ReLU,
# $\max(z, 0)$, is the usual choice for hidden layers: cheap to compute, and its slope is 1
# wherever a unit is active, so a gradient passes through an active unit unchanged. That is
# one reason deep ReLU networks suffer less from vanishing gradients than sigmoid or tanh ones
# (Glorot, Bordes and Bengio, 2011); lesson 08 measures it.

# %%
for layer in model.layers:
    kernel, bias = layer.get_weights()
    print(f"{layer.name:>8}: kernel {kernel.shape}, bias {bias.shape}, "
          f"activation {layer.activation.__name__}")  # fmt: skip

# %% [markdown]
# The same computation in NumPy gives the first hidden layer's output:

# %%
kernel, bias = model.get_layer("hidden_1").get_weights()
computed = np.maximum(digits.x_train[:5] @ kernel + bias, 0)
from_keras = model.get_layer("hidden_1")(digits.x_train[:5]).numpy()
print("largest difference:", float(np.abs(computed - from_keras).max()))
hlc.expect(
    np.allclose(computed, from_keras, atol=1e-6),
    "hidden_1 should compute relu(x @ kernel + bias), up to float32 rounding.",
)

# %% [markdown]
# ## Counting parameters by hand
#
# 🤔 **Predict:** the summary says `hidden_1` holds 4,160 parameters. Where does that number
# come from? Work it out from the layer's 64 inputs and 64 units before you run the cell.

# %%
# each unit of a layer holds one weight per input and one bias: inputs x units + units
by_hand = (64 * 64 + 64) + (64 * 32 + 32) + (32 * 10 + 10)
print(f"by hand: {64 * 64 + 64} + {64 * 32 + 32} + {32 * 10 + 10} = {by_hand}")
print("Keras:  ", model.count_params())
hlc.models.parameter_table(model)

# %%
hlc.expect(by_hand == model.count_params(), "The hand count should equal count_params().")

# %% [markdown]
# ### Exercise 02.1: reading a summary backwards
#
# Someone sends you the summary of their model, without its code, and with two counts
# smudged:
#
# ```
#  Layer (type)        Output Shape        Param #
#  dense (Dense)       (None, 16)              336
#  dense_1 (Dense)     (None, 8)                 ?
#  dense_2 (Dense)     (None, 3)                 ?
# ```
#
# How many input features does the model read, and how many parameters does it have in
# all? Set `answer = (features, total)`.

# %%
answer = ...
hlc.check("02.1", answer)

# %%
hlc.solution("02.1")

# %% [markdown]
# ## Compile, fit, evaluate
#
# `compile` chooses how the model learns:
#
# - the **optimizer**, here Adam, which moves each parameter by a running average of its
#   recent gradients, divided by the square root of a running average of their squares
#   (Kingma and Ba, 2015); `"adam"` uses Keras' default learning rate, 0.001;
# - the **loss**, sparse categorical crossentropy: minus the log of the probability the
#   model gives an image's true class, averaged over the batch. "Sparse" means the labels
#   are class numbers (0 to 9), not one-hot rows like `[0, 0, 1, 0, ...]`;
# - the **metrics** to report, here the share of images classified right.
#
# `fit` trains. `validation_split=0.2` holds back the last 20 % of the training images
# (Keras takes them before it shuffles) as a validation set, to watch for overfitting.
#
# 🤔 **Predict:** after 15 passes over the 1,077 images left for training, what test accuracy
# do you expect?

# %%
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(
    digits.x_train, digits.y_train, epochs=15, batch_size=32, validation_split=0.2, verbose=0
)
test_loss, test_accuracy = model.evaluate(digits.x_test, digits.y_test, verbose=0)
print(f"test accuracy: {test_accuracy:.3f} (loss {test_loss:.3f})")

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
hlc.plots.plot_history(history, axes[0], metric="loss")
hlc.plots.plot_history(history, axes[1], metric="accuracy")
plt.show()

# %%
hlc.claim("test accuracy on digits", test_accuracy, at_least=0.93)
gap = history.history["accuracy"][-1] - history.history["val_accuracy"][-1]
loss_ratio = history.history["val_loss"][-1] / history.history["loss"][-1]
print(f"after 15 epochs: training minus validation accuracy {gap:+.3f}, "
      f"validation loss / training loss {loss_ratio:.2f}")  # fmt: skip
hlc.claim("training minus validation accuracy on digits", gap, at_most=0.10)
hlc.claim("validation over training loss on digits", loss_ratio, at_least=1.0)

# %% [markdown]
# Solid lines are the training data, dashed the validation data. Keras reports an epoch's
# training loss and accuracy as averages over its batches, taken while the weights were
# still improving, and the validation ones at the epoch's end: that is why the dashed curves
# can look better than the solid ones in the first epochs. After 15 epochs the validation
# loss sits above the training loss, and the validation accuracy at most a few points below
# the training accuracy (the claims bound both on the five seeds of the course's sweep): the
# model already does a little better on images it trained on, the beginning of what lesson
# 06 calls overfitting. A real project would train until the validation loss stops improving
# (early stopping) and tune the widths.
#
# 🤔 **Predict:** call `summary()` again, now that the model is compiled and trained. Will
# its total change?

# %%
model.summary()
adam_numbers = sum(int(np.prod(variable.shape)) for variable in model.optimizer.variables)
print(f"Adam's numbers: {adam_numbers} = 2 x {model.count_params()} + 2")
hlc.expect(
    adam_numbers == 2 * model.count_params() + 2,
    "Adam should keep two numbers per parameter, plus its step counter and learning rate.",
)

# %% [markdown]
# The total now includes **Optimizer params**: Adam keeps two running averages for every
# parameter (of its gradients and of their squares), plus a step counter and its learning
# rate. They belong to the optimizer, not to the network: `count_params()` still says 6,570.

# %% [markdown]
# ## Declaring the input
#
# Many tutorials, and the article this course grows from, tell the first layer the input's
# size with `input_shape=(input_dim,)`. Keras 3 still accepts that, with a warning.
#
# 🤔 **Predict:** is the model built that way any different from ours?

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_style = keras.Sequential(
        [
            keras.layers.Dense(64, activation="relu", input_shape=(input_dim,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
found = [w for w in caught if "input_shape" in str(w.message)]
print(f"Keras warns ({found[0].category.__name__}): {found[0].message}")
print(f"built: {old_style.built}, input shape: {tuple(old_style.inputs[0].shape)}, "
      f"parameters: {old_style.count_params()}")  # fmt: skip
hlc.expect(len(found) == 1 and found[0].category is UserWarning,
           "Keras 3 should warn once about `input_shape`, with a UserWarning.")  # fmt: skip
hlc.expect(
    old_style.built
    and tuple(old_style.inputs[0].shape) == (None, input_dim)
    and old_style.count_params() == model.count_params(),
    "With `input_shape=` the model should be built at once, with the same input and size.",
)

# %% [markdown]
# Both give the same network, built (its weights exist) as soon as it is declared:
# `Sequential` turns its first layer's `input_shape` into an input layer of its own, the
# one `keras.Input` makes. Why prefer `keras.Input`, then? Only `Sequential` reads
# `input_shape`, and only from its first layer. Anywhere else the layer warns and then
# ignores it: here a layer told `input_shape=(64,)` builds itself for the 10 features it is
# actually given.

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the same warning as above
    layer = keras.layers.Dense(4, input_shape=(64,))
layer(keras.Input(shape=(10,)))  # the layer used on a 10-feature input (the Functional style)
print("kernel shape:", tuple(layer.kernel.shape))
hlc.expect(tuple(layer.kernel.shape) == (10, 4), "Outside Sequential, `input_shape` is ignored.")

# %% [markdown]
# `keras.Input` works the same in a Sequential model and in the Functional style (lesson
# 05), and keeps the input separate from the layers. What happens if you give no input shape
# at all is a pitfall lesson 08 takes apart.
#
# ### Exercise 02.2: a classifier for one-hot labels
#
# A data set `x` has shape (500, 12). Its labels arrive **one-hot**: the first three rows of
# `y` are `[0, 1, 0]`, `[1, 0, 0]` and `[0, 0, 1]`. Build a model with two ReLU hidden layers
# of 16 and 8 units and the output layer these labels call for, compile it with Adam, the
# crossentropy that fits labels written this way and the accuracy metric, and store it in
# `answer`.

# %%
answer = ...
hlc.check("02.2", answer)

# %%
hlc.solution("02.2")

# %% [markdown]
# ## Backpropagation in one picture
#
# Training lowers the loss by nudging every parameter against its **gradient**: the rate at
# which the loss changes as that one parameter grows (a partial derivative). Backpropagation
# computes all of them in one backward sweep: the output layer's gradients first, then, by
# the chain rule, each hidden layer's from the layer after it (Rumelhart, Hinton and
# Williams, 1986; Goodfellow, Bengio and Courville, *Deep Learning*, section 6.5).
#
# Below are the gradients for one batch of 64 training images. Each panel is one layer's
# kernel; each pixel one weight (rows: inputs, columns: units), its brightness the size of
# the gradient, on each panel's own scale (dark: 0).

# %%
images, labels = digits.x_train[:64], digits.y_train[:64]
loss_function = keras.losses.SparseCategoricalCrossentropy()
with tf.GradientTape() as tape:
    loss = loss_function(labels, model(images))
gradients = tape.gradient(loss, model.trainable_variables)  # kernel, bias, kernel, bias, ...
kernel_gradients = gradients[0::2]

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), width_ratios=[64, 32, 10])
for ax, layer, gradient in zip(axes, model.layers, kernel_gradients, strict=True):
    magnitude = np.abs(gradient.numpy())
    ax.imshow(magnitude, cmap="viridis", aspect="auto", vmin=0)
    ax.grid(False)  # grid lines would cross the pixels
    ax.set(title=f"{layer.name}\ngradient norm {np.linalg.norm(magnitude):.3f}",
           xlabel="unit", ylabel="input")  # fmt: skip
plt.show()
norms = {
    layer.name: float(np.linalg.norm(g.numpy()))
    for layer, g in zip(model.layers, kernel_gradients, strict=True)
}
print({name: round(value, 4) for name, value in norms.items()})
hlc.expect(all(value > 0 for value in norms.values()), "Every layer should receive a gradient.")

# %% [markdown]
# Reading the picture: in `hidden_1`, some whole rows are dark. They are pixels that are blank
# (0) in every image of this batch, mostly at the borders: a weight that multiplies 0 cannot
# change the loss, so its gradient is exactly 0. Whole dark columns are hidden units that
# ReLU switched off (output 0) for every image of the batch: no gradient reaches their
# weights. A unit that is off for every training image gets no gradient from any of them and
# stops learning: lesson 03's dead units. Both readings, checked:

# %%
blank_pixels = np.all(images == 0, axis=0)
silent_units = np.all(model.get_layer("hidden_1")(images).numpy() == 0, axis=0)
first = np.abs(kernel_gradients[0].numpy())
print(f"{blank_pixels.sum()} of 64 pixels are blank in all 64 images; "
      f"{silent_units.sum()} of 64 units of hidden_1 are off for all of them.")  # fmt: skip
hlc.expect(np.array_equal(first.max(axis=1) == 0, blank_pixels),
           "The rows with no gradient should be exactly the blank pixels.")  # fmt: skip
hlc.expect(np.array_equal(first.max(axis=0) == 0, silent_units),
           "The columns with no gradient should be exactly the switched-off units.")  # fmt: skip

# %% [markdown]
# ### The backward pass, by hand
#
# For a batch of $B$ images, with $Y$ the one-hot rows of their labels and $P$ the softmax
# outputs, the loss is $L = -\frac{1}{B} \sum_b \log P_{b, y_b}$. Softmax and crossentropy
# together have a simple gradient with respect to the output layer's weighted sums $Z_3$:
# $\partial L / \partial Z_3 = (P - Y) / B$ (d2l.ai, section 4.1.2). From there, each layer
# works the same way, from the top down: with $H$ the layer's input and $W$ its kernel,
#
# $$ \frac{\partial L}{\partial W} = H^\top \frac{\partial L}{\partial Z}, \qquad
#    \frac{\partial L}{\partial b} = \textstyle\sum_{\text{rows}} \frac{\partial L}{\partial Z}, \qquad
#    \frac{\partial L}{\partial H} = \frac{\partial L}{\partial Z} W^\top, $$
#
# and the step through a ReLU below multiplies by its slope: 1 where the unit was active,
# 0 where it was off. In NumPy:

# %%
(K1, c1), (K2, c2), (K3, c3) = (layer.get_weights() for layer in model.layers)
Z1 = images @ K1 + c1  # forward pass, keeping what the backward pass needs
H1 = np.maximum(Z1, 0)
Z2 = H1 @ K2 + c2
H2 = np.maximum(Z2, 0)
Z3 = H2 @ K3 + c3
P = np.exp(Z3 - Z3.max(axis=1, keepdims=True))
P /= P.sum(axis=1, keepdims=True)  # softmax
Y = np.eye(num_classes)[labels]  # one-hot rows of the labels

dZ3 = (P - Y) / len(images)  # softmax + crossentropy, averaged over the batch
dZ2 = (dZ3 @ K3.T) * (Z2 > 0)  # back through the output's kernel, then hidden_2's ReLU
dZ1 = (dZ2 @ K2.T) * (Z1 > 0)  # back through hidden_2's kernel, then hidden_1's ReLU
mine = [
    images.T @ dZ1, dZ1.sum(axis=0),  # hidden_1's kernel and bias
    H1.T @ dZ2, dZ2.sum(axis=0),  # hidden_2's
    H2.T @ dZ3, dZ3.sum(axis=0),  # the output layer's
]  # fmt: skip

for variable, ours, theirs in zip(model.trainable_variables, mine, gradients, strict=True):
    print(f"{variable.path:>24}: largest difference {np.abs(ours - theirs.numpy()).max():.1e}")
hlc.expect(
    all(np.allclose(ours, theirs.numpy(), rtol=1e-4, atol=1e-7)
        for ours, theirs in zip(mine, gradients, strict=True)),
    "The NumPy backward pass should give GradientTape's gradients, up to float32 rounding.",
)  # fmt: skip

# %% [markdown]
# Every gradient agrees with `GradientTape` to float32 rounding.
#
# ### The chain rule, drawn
#
# The same computation as a picture. The top row is the forward pass, the row below it the
# backward pass, running the other way: it starts at the loss with $(P - Y)/B$, and each
# arrow multiplies what reaches it by one factor. From a layer's $\partial L/\partial Z$ to the
# $\partial L/\partial H$ of the layer below, the factor is that layer's kernel, transposed
# ($\cdot W^\top$, a matrix product); from $\partial L/\partial H$ to $\partial L/\partial Z$
# within a layer, it is the activation's slope, entry by entry ($\odot$). The slope is taken
# at the $Z$ the forward pass computed (the dotted arrows): that is why the NumPy code kept
# `Z1` and `Z2`. Each kernel's gradient branches off at the bottom: the layer's input,
# transposed, times its $\partial L/\partial Z$ (d2l.ai, section 5.3, draws such a graph;
# Goodfellow, Bengio and Courville, *Deep Learning*, sections 6.5.2 and 6.5.4, derive it).
# Written out for the first layer, the gradient is a product of the output's error, the
# kernel of every layer above, and the slope of every hidden layer on the way down:
#
# $$ \frac{\partial L}{\partial Z_1} = \Big( \big( (\tfrac{P - Y}{B} \, W_3^\top) \odot
#    \mathrm{relu}'(Z_2) \big) \, W_2^\top \Big) \odot \mathrm{relu}'(Z_1) $$
#
# The number in each box is the norm of that quantity for the batch of 64 images above (the
# square root of the sum of its squared entries).

# %%
dH2, dH1 = dZ3 @ K3.T, dZ2 @ K2.T  # what reaches each hidden layer's output
backward = {"dZ3": dZ3, "dH2": dH2, "dZ2": dZ2, "dH1": dH1, "dZ1": dZ1,
            "dW1": mine[0], "dW2": mine[2], "dW3": mine[4]}  # fmt: skip
backward_norms = {name: float(np.linalg.norm(value)) for name, value in backward.items()}
hlc.plots.plot_backward_pass([layer.name for layer in model.layers], norms=backward_norms)
plt.show()

# %% [markdown]
# Read the middle row from right to left to follow the gradient down the network.
#
# 🤔 **Predict:** a step through a ReLU takes $\partial L/\partial H$ to $\partial L/\partial Z$.
# Can such a step ever make the gradient's norm larger? And a step through a kernel
# ($\cdot W^\top$)?

# %%
relu_steps = {"hidden_2": (dH2, dZ2, Z2), "hidden_1": (dH1, dZ1, Z1)}
for name, (d_h, d_z, z) in relu_steps.items():
    print(f"through {name}'s ReLU: norm x {np.linalg.norm(d_z) / np.linalg.norm(d_h):.2f} "
          f"({(z <= 0).mean():.0%} of the entries multiplied by 0)")  # fmt: skip
kernel_steps = {"output (W3)": (dZ3, dH2), "hidden_2 (W2)": (dZ2, dH1)}
kernel_ratios = {}
for name, (d_z, d_h) in kernel_steps.items():
    kernel_ratios[name] = float(np.linalg.norm(d_h) / np.linalg.norm(d_z))
    print(f"through {name}'s kernel: norm x {kernel_ratios[name]:.2f}")
hlc.expect(
    all(np.linalg.norm(d_z) <= np.linalg.norm(d_h) for d_h, d_z, _ in relu_steps.values()),
    "A step back through a ReLU multiplies every entry by 0 or 1, so it cannot make the "
    "gradient larger.",
)
hlc.claim(
    "smaller kernel step's norm ratio, digits batch",
    min(kernel_ratios.values()),
    at_least=1.2,
    message="Each step back through a kernel should enlarge this gradient.",
)

# %% [markdown]
# A ReLU step keeps the entries of the units that were active and drops the others, so it
# can only shrink the gradient or leave it as it is. A kernel step has no such limit: it
# mixes the entries with the kernel's weights, and whether the norm grows or shrinks
# depends on their sizes. Here both kernel steps enlarge it, on every seed of the course's
# five-seed sweep: by 1.6 to 1.7 times through the output's kernel, by 2.1 to 2.2 times
# through `hidden_2`'s (the claim bounds the smaller of the two). The gradient that
# reaches a hidden layer is its share of the blame for the output's error, multiplied by
# every kernel and slope above it. In a deep network that is a long product, which can
# fade toward 0 or blow up: the vanishing and exploding gradients that lesson 08
# measures, with the remedies it tries.
#
# ### Exercise 02.3: dL/dW1 through tanh units
#
# Here is a smaller network, one that predicts a number rather than a class (regression):
# 3 inputs, a hidden layer of 4 **tanh** units, and one output unit with no activation,
# $\hat y = \tanh(X W_1 + b_1) \, W_2 + b_2$. It is trained with Keras' mean squared
# error, $L = \frac{1}{B} \sum_b (\hat y_b - y_b)^2$, and here is a batch of $B = 5$
# samples. The slope of tanh is $\tanh'(z) = 1 - \tanh(z)^2$.
#
# Compute $\partial L / \partial W_1$, the gradient of the hidden layer's kernel, for this
# batch in NumPy (`GradientTape` is what the check compares it with). Derive each step: the
# digits network's first step and its slope do not carry over.

# %%
x = np.array([[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [-0.5, 0.75, 1.0], [0.25, -0.25, -1.0],
              [-1.0, 0.5, 0.5]])  # fmt: skip
y = np.array([[1.0], [-0.5], [0.5], [0.0], [-1.0]])
W1 = np.array([[0.8, -0.5, 0.3, 0.6], [-0.4, 0.9, 0.7, -0.2], [0.5, 0.2, -0.6, 0.9]])
b1 = np.array([0.1, -0.1, 0.2, 0.0])
W2 = np.array([[1.0], [-0.8], [0.6], [-1.2]])
b2 = np.array([0.3])

# %%
answer = ...
hlc.check("02.3", answer)

# %%
hlc.solution("02.3")

# %% [markdown]
# ## Training, explored
#
# `compile` and `fit` above made four choices for you: Adam, a learning rate of 0.001,
# batches of 32 images and 15 epochs. The explorer below trains the same network on the same
# 1,077 training images (the last 270 held back for validation, as `validation_split=0.2`
# does) with the settings you pick, and draws the loss and the accuracy of every epoch,
# training solid and validation dashed; the star is the test accuracy, the dotted lines a
# model that guesses the ten digits evenly (loss $\ln 10 \approx 2.30$, accuracy 0.1). The
# caption says in words what the training loss did.
#
# The optimizer menu has two entries. **SGD** (stochastic gradient descent) moves each
# parameter by the learning rate times its gradient, so a parameter with a small gradient
# moves little (Goodfellow, Bengio and Courville, *Deep Learning*, section 8.3.1). **Adam**
# divides each parameter's running average gradient by the square root of a running average
# of its squares, so the size of each step is roughly bounded by the learning rate, whatever
# the size of the gradient (Kingma and Ba, 2015, section 2.1).
#
# 🤔 **Predict:** switch the **Optimizer** menu to SGD and leave the learning rate at 0.001.
# After 15 epochs, will SGD's test accuracy be close to Adam's, or far below it? Then move
# the **Learning rate** slider, with SGD and then with Adam: where does each do well, and
# what happens at the top of the slider?

# %%
explorer = hlc.widgets.training_explorer(seed=seed)  # the lesson's network and settings
explorer

# %% [markdown]
# The next cell makes the first of those changes from code, on the explorer above, and
# checks what it shows.

# %%
adam_accuracy = explorer.last_result["test_accuracy"]
explorer.optimizer.value = "sgd"  # the same network, learning rate and batches
explorer.wait()
sgd_accuracy = explorer.last_result["test_accuracy"]
print(f"test accuracy after 15 epochs at a learning rate of 0.001: Adam {adam_accuracy:.2f}, "
      f"SGD {sgd_accuracy:.2f}")  # fmt: skip
print(explorer.caption.value.split(" Left:")[0])
hlc.claim("explorer: test accuracy, Adam at 0.001", adam_accuracy, at_least=0.9)
hlc.claim("explorer: test accuracy, SGD at 0.001", sgd_accuracy, at_most=0.5,
          message="Plain SGD at Adam's learning rate should still be far behind after 15 epochs.")  # fmt: skip

# %% [markdown]
# Far below. At 0.001, SGD's steps are the gradients times 0.001, and on this network
# they are too small to get far in 15 epochs: the training loss ends only a little below
# the 2.30 of an even guess. Adam's steps do not shrink with the gradients, so the same
# learning rate moves it much further.
#
# 🤔 **Predict:** give SGD a learning rate 100 times larger, 0.1. Will it catch up with
# Adam? And Adam at the top of the slider, a learning rate of 1?

# %%
explorer.learning_rate.value = 0.1  # SGD, 100 times larger steps
explorer.wait()
sgd_large = explorer.last_result["test_accuracy"]
print(explorer.caption.value.split(" Left:")[0])
explorer.optimizer.value = "adam"
explorer.learning_rate.value = 1.0  # Adam at the top of the slider
explorer.wait()
adam_top, dead = explorer.last_result["test_accuracy"], explorer.last_result["dead_units"]
print(explorer.caption.value.split(" Left:")[0])
hlc.claim("explorer: test accuracy, SGD at 0.1", sgd_large, at_least=0.9)
hlc.claim("explorer: test accuracy, Adam at 1", adam_top, at_most=0.3,
          message="Adam with a learning rate of 1 should fail to learn the digits.")  # fmt: skip
hlc.claim("explorer: dead hidden units of 96, Adam at 1", dead, at_least=80)

# %% [markdown]
# SGD at 0.1 does about as well as Adam at 0.001: each optimizer has its own range of good
# learning rates, and the lesson's 0.001 is a good one for Adam, not for SGD. Adam at 1
# fails: each of its steps moves each weight by up to about 1, more than the weights' own
# size (Glorot's rule draws them between -0.38 and 0.38 at most here). After training,
# almost all of the 96 hidden units output 0 for every training image (the caption counts
# them). A ReLU unit in that state passes no gradient back, so its weights stop changing:
# the dead units of the backward pass above, and of lesson 03. Goodfellow, Bengio and
# Courville (section 8.3.1) describe both failures: a learning rate too small makes learning
# slow, one too large makes the loss oscillate or grow. Try the other controls too: a
# smaller batch takes more optimizer steps per epoch (1,077 / 8 rounds up to 135 at 8, to 5
# at 256), and a hidden layer of 2 units squeezes each image into two numbers.

# %% [markdown]
# ## Summary
#
# - `keras.Sequential([keras.Input(...), Dense(64, "relu"), Dense(32, "relu"), Dense(10, "softmax")])`
#   is the article's two-hidden-layer network; after 15 epochs it classified 95-97 % of the
#   held-out digits in the course's five-seed sweep.
# - A Dense layer holds a kernel (inputs × units) and a bias (units): 6,570 parameters here,
#   countable by hand; once the model is trained, `summary()` adds Adam's two numbers per
#   parameter.
# - `compile` picks optimizer, loss and metrics; `fit` trains; `evaluate` measures on unseen
#   data. Sparse categorical crossentropy takes class numbers; one-hot rows take categorical.
# - Each optimizer has its own range of good learning rates: in the explorer, SGD at 0.001
#   barely learned in 15 epochs where Adam reached about 0.95, SGD at 0.1 caught up, and Adam at 1
#   left almost every hidden unit dead.
# - Declare inputs with `keras.Input`. `input_shape=` still works on a Sequential model's
#   first layer (with a warning) and is ignored anywhere else.
# - Backpropagation is a few matrix products: $(P - Y)/B$ at the output, then each layer's
#   kernel (transposed) and activation slope on the way down, equal to what `GradientTape`
#   computes. The gradient that reaches a layer is a product of the kernels and slopes of
#   the layers above it; a ReLU step never makes it larger, a kernel step can.
#
# **Next:** [03 · Activation functions](03_activation_functions.ipynb)
