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
# # 02 · Dense layers in Keras
#
# The classic first network: two hidden Dense layers that read handwritten digits. You will
# build it exactly as most tutorials write it, count every parameter yourself, train it,
# and see what the backward pass computes for each hidden layer.
#
# **Time:** about 35 minutes
#
# **Objectives**
# - Build, compile, train and evaluate a two-hidden-layer Sequential model on digits.
# - Count its parameters by hand and read `summary()`.
# - Declare the input with `keras.Input` instead of the old `input_shape=` argument.
# - See what backpropagation computes for each hidden layer.

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
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

# %% [markdown]
# ## The data: 8x8 digits
#
# scikit-learn ships 1,797 small scans of handwritten digits, 8x8 pixels each. Flattened,
# every image is a row of 64 numbers (scaled to 0-1): the network's **64 inputs**. There are
# **10 classes**, the digits 0 to 9.

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
# and the softmax activation, which turns 10 scores into 10 probabilities that add up to 1.

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
# ## What a Dense layer computes
#
# "Dense" means *fully connected*: each of a layer's units reads every value of the layer
# before it. A Dense layer keeps a weight matrix `kernel` of shape (inputs, units) and a
# `bias` vector of shape (units,), and computes `activation(x @ kernel + bias)`. ReLU,
# $\max(z, 0)$, is the usual choice for hidden layers: cheap, and its slope is 1 wherever it
# is active, so gradients pass through it without shrinking.

# %%
for layer in model.layers:
    kernel, bias = layer.get_weights()
    print(f"{layer.name:>8}: kernel {kernel.shape}, bias {bias.shape}, "
          f"activation {layer.activation.__name__}")  # fmt: skip

# %% [markdown]
# ## Counting parameters by hand
#
# 🤔 **Predict:** how many numbers does this model learn? Count before you run the cell.
#
# Every unit has one weight per input and one bias:

# %%
by_hand = (64 * 64 + 64) + (64 * 32 + 32) + (32 * 10 + 10)
print(f"by hand: {64 * 64 + 64} + {64 * 32 + 32} + {32 * 10 + 10} = {by_hand}")
print("Keras:  ", model.count_params())
hlc.models.parameter_table(model)

# %%
hlc.expect(by_hand == model.count_params(), "The hand count should equal count_params().")

# %% [markdown]
# ### Exercise 02.1: counting parameters by hand
#
# How many parameters does `Input(20) → Dense(16) → Dense(8) → Dense(4)` have? Store the
# number in `answer` (work it out; don't build the model).

# %%
answer = ...
hlc.check("02.1", answer)

# %%
hlc.solution("02.1")

# %% [markdown]
# ## Compile, fit, evaluate
#
# `compile` chooses how the model learns: the **optimizer** (Adam adapts each parameter's
# step size), the **loss** (sparse categorical crossentropy: the labels are integers 0-9, the
# output a probability per class) and the **metrics** to report. `fit` trains; we hold back
# 20 % of the training images as a validation set to watch for overfitting.
#
# 🤔 **Predict:** after 15 passes over about 1,000 images, what test accuracy do you expect?

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

# %% [markdown]
# Solid lines are the training data, dashed the validation data. The two stay close: with
# 6,570 parameters and about a thousand images, this model has not started to memorise yet
# (lesson 06 shows what happens when it does). A real project would train until the
# validation loss stops improving, with early stopping, and tune the widths.

# %% [markdown]
# ## Declaring the input
#
# Many tutorials, and the article this course grows from, tell the first layer the input's
# size with `input_shape=(input_dim,)`. Keras 3 still accepts that, with a warning; the
# current way is a separate `keras.Input(shape=...)` at the start, as above.

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
messages = [str(w.message) for w in caught if "input_shape" in str(w.message)]
print("Keras warns:", messages[0][:160], "...")
print("Same number of parameters:", old_style.count_params() == model.count_params())
hlc.expect(len(messages) == 1, "Keras 3 should warn once about `input_shape`.")

# %% [markdown]
# Both give the same network. `keras.Input` keeps the input separate from the layers, which
# is why it is preferred: the first layer is then an ordinary layer like the others, and
# the model is built (its weights exist) as soon as it is declared. What happens if you
# give no input shape at all is a pitfall lesson 07 takes apart.
#
# ### Exercise 02.2: building and compiling a classifier
#
# A data set has 20 features and 3 classes labelled 0, 1 and 2. Build a model with two ReLU
# hidden layers of 16 and 8 units and a suitable output layer, compile it with Adam, a loss
# that fits integer labels and the accuracy metric, and store it in `answer`.

# %%
answer = ...
hlc.check("02.2", answer)

# %%
hlc.solution("02.2")

# %% [markdown]
# ## Backpropagation in one picture
#
# Training lowers the loss by nudging every parameter against its **gradient**: how much the
# loss would change if that one parameter grew a little. Backpropagation computes all of
# these in one backward sweep: the output layer's gradients first, then, by the chain rule,
# each hidden layer's from the layer after it.
#
# Below are the gradients for one batch of 64 images. Each panel is one layer's kernel;
# each pixel one weight (rows: inputs, columns: units), its brightness the size of the
# gradient.

# %%
images, labels = digits.x_train[:64], digits.y_train[:64]
loss_function = keras.losses.SparseCategoricalCrossentropy()
with tf.GradientTape() as tape:
    loss = loss_function(labels, model(images, training=True))
kernels = [layer.kernel for layer in model.layers]
gradients = tape.gradient(loss, kernels)

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), width_ratios=[64, 32, 10])
for ax, layer, gradient in zip(axes, model.layers, gradients, strict=True):
    magnitude = np.abs(gradient.numpy())
    ax.imshow(magnitude, cmap="viridis", aspect="auto")
    ax.set(title=f"{layer.name}\n|gradient| norm {np.linalg.norm(magnitude):.3f}",
           xlabel="unit", ylabel="input")  # fmt: skip
plt.show()
norms = {
    layer.name: float(np.linalg.norm(g.numpy()))
    for layer, g in zip(model.layers, gradients, strict=True)
}
print({name: round(value, 4) for name, value in norms.items()})
hlc.expect(all(value > 0 for value in norms.values()), "Every layer should receive a gradient.")

# %% [markdown]
# Reading the picture: in `hidden_1`, whole rows are dark. Those are pixels at the border of
# the images, always blank, so their weights cannot change the loss. Whole dark columns
# would be hidden units that are switched off (ReLU outputs 0) for every image of the
# batch: they get no gradient at all, the "dead unit" problem of lesson 03. The gradient of
# a hidden layer is its share of the blame for the output's error, passed back through the
# layers above it; lesson 07 measures how that share can shrink or explode in deep networks.

# %% [markdown]
# ## Summary
#
# - `keras.Sequential([keras.Input(...), Dense(64, "relu"), Dense(32, "relu"), Dense(10, "softmax")])`
#   is the article's two-hidden-layer network; it reads 8x8 digits with about 96 % accuracy.
# - A Dense layer holds a kernel (inputs × units) and a bias (units): 6,570 parameters here,
#   countable by hand.
# - `compile` picks optimizer, loss and metrics; `fit` trains; `evaluate` measures on unseen data.
# - Declare inputs with `keras.Input`; `input_shape=` still works but warns.
# - Backpropagation gives every weight its gradient, layer by layer from the output back.
#
# **Next:** [03 · Activation functions](03_activation_functions.ipynb)
