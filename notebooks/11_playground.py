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
# # 11 · The playground
#
# TensorFlow Playground made hidden layers visible: a network small enough to see whole,
# every neuron drawn as a picture over the plane, training live. This lesson brings that
# lab into Jupyter, on a real Keras model that you can take away as code or as a trained
# model. Play first; then four guided experiments put into practice what the course has
# taught, each measured.
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
# Everything TensorFlow Playground has is here. Left to right:
#
# | part | what it does |
# |---|---|
# | **data** | the points (circle, xor, gauss, spiral; plane and multi-gaussian for regression), noise, the share used for training, batch size, "regenerate" for new points |
# | **features** | what the network gets as input: x1, x2, their squares, their product, their sines; each with its map |
# | **network** | hidden layers and neurons (the + and - buttons), every neuron drawn as its output over the plane; lines are weights: blue positive, orange and dashed negative, thicker for larger |
# | **output** | the network's answer over the plane, the points on it, "show test data", "discretize output" |
# | **training** | play / pause, step (one epoch), reset, the epoch counter, training and test loss and their curves; learning rate, activation, regularization, problem type, initialization |
# | **below** | lesson 07's diagnostics in words, the configuration string (copy it; paste one and apply it), "show as code", "take the model" |
#
# Under the pictures is a real Keras model, trained by plain gradient descent on mini-batches
# as the Playground does, in a compiled loop of thousands of epochs a second. Press play.

# %%
pg = hlc.widgets.playground()
pg

# %% [markdown]
# ## 1 · XOR, and what a hidden layer is for
#
# Lesson 01's problem: the xor data, class 1 where x1 and x2 have the same sign. Choose
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
# Without a hidden layer the output can only split the plane with one straight line, and
# no line splits xor: the loss stays near ln 2 ≈ 0.69, a coin toss. Four hidden neurons
# each draw a line, and the output combines them. In the playground, hover over (or look
# at) the four neurons: each is one line; the output is their blend.
#
# Now the trick the Playground is famous for: XOR **without** a hidden layer.
#
# ### Exercise 11.1: XOR without a hidden layer
#
# In the playground, choose xor, no hidden layers, and find the one input feature that
# makes the problem easy (look at the features' maps). Train until the test loss is below
# 0.3, then store the playground: `answer = pg`.

# %%
answer = ...
hlc.check("11.1", answer)

# %%
hlc.solution("11.1")

# %% [markdown]
# ## 2 · The spiral: features by hand, or by hidden layers
#
# Two interleaved spirals are the hardest of the four. Choose **spiral**.
#
# 🤔 **Predict:** three hidden layers of 8 neurons train for 1,000 epochs, once from x1 and
# x2 only and once from all seven features. How far apart will the two test losses be?

# %%
spiral_plain = trained(1000, dataset="spiral", layers=(8, 8, 8))
spiral_features = trained(1000, dataset="spiral", layers=(8, 8, 8), features=ALL_FEATURES)
show_outputs({"x1, x2 only": spiral_plain, "all seven features": spiral_features})
hlc.claim("spiral, all features: test loss after 1,000 epochs", spiral_features.test_loss,
          at_most=0.1)  # fmt: skip
hlc.claim("spiral: test loss with all features over x1 and x2 only",
          spiral_features.test_loss / spiral_plain.test_loss, at_most=0.35)  # fmt: skip

# %% [markdown]
# From x1 and x2 alone, the network must build the spiral's curves from straight lines,
# layer by layer; it gets there, but slowly and not from every start (play on in the
# playground and watch the deeper neurons' maps turn into bands and curls). Given sin x1,
# sin x2 and the squares, the first layer starts from curved pieces, and in the same
# epochs the loss ends many times lower. Hand-made features are a shortcut when you know
# the problem; hidden layers are how a network makes its own when you do not.
#
# ### Exercise 11.2: the spiral
#
# Get the spiral (noise 0) to a test loss below 0.25, any way you like: features, layers,
# neurons, learning rate. Then `answer = pg`. Harder: do it from x1 and x2 alone.

# %%
answer = ...
hlc.check("11.2", answer)

# %%
hlc.solution("11.2")

# %% [markdown]
# ## 3 · Noisy data and regularization
#
# Lesson 06 in the playground: **gauss** with noise 50 and only 10 % of the points for
# training, a network far bigger than two blobs need. Tick "show test data".
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
# Without regularization the boundary bends around single noisy training points
# (training loss near 0, test loss far higher). L2 keeps the weights small, the boundary
# smooth, and the gap small. In the playground, try L1 as well and watch weights (lines)
# vanish entirely.
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

# %% [markdown]
# With every weight at zero, every neuron of a layer computes the same thing, gets the same
# gradient and the same update, and stays a copy of the others: the layer has one neuron's
# worth of ideas however wide it is. Here it is worse: with tanh, the outputs are 0, the
# gradients are 0, and nothing moves at all (loss ln 2 for ever). Random starting weights
# break the symmetry; that is all an initializer has to do first.
#
# ### Exercise 11.3: symmetry
#
# In the playground, set initialization to "zeros", play for a while, and look at the first
# hidden layer. How many *different* maps does it show? Store the number.

# %%
answer = ...
hlc.check("11.3", answer)

# %%
hlc.solution("11.3")

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
# the probe of lesson 08, saving with `model.save(...)`.

# %%
for engine in [xor_linear, xor_hidden, spiral_plain, spiral_features, plain, l2, zeros, default]:
    engine.close()

# %% [markdown]
# ## Summary
#
# - Without hidden layers a network draws one straight boundary; hidden layers combine
#   lines into any shape, or a good feature (x1·x2 for XOR) does it by hand.
# - Hand-made features are a shortcut when you know the problem; hidden layers learn
#   features when you do not, given enough neurons, layers and epochs.
# - Regularization keeps a big network from bending around noise: a smaller gap between
#   training and test loss.
# - Zero initialization leaves every neuron of a layer a copy of the others; random starts
#   break the symmetry.
# - Behind the pictures is a real Keras model, trained thousands of epochs a second, that
#   you can take as code or as a trained model.
#
# This is the last lesson: well done. Go back to any lesson's widgets with what you know
# now, or take a playground model into lessons 07 and 08's tools.
