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
# # 06 · Regularization and batch normalization
#
# A network with many hidden units can memorize a small training set, noise and all, and
# then do worse on new data: it **overfits**. This lesson makes a network overfit on
# purpose, then measures the classic cures (more data, dropout, L1/L2 penalties, early
# stopping), writing the last three in Keras. It ends with batch normalization (what it
# changes while a network trains, where to put it, and what its momentum does) and a lab
# where you combine them.
#
# **Time:** about 45 minutes
#
# **Objectives**
# - Watch a network overfit, then fight it with more data, dropout, L1/L2 and early stopping.
# - Write dropout, weight penalties, early stopping and batch normalization in Keras.
# - Measure what batch normalization changes during training, and choose its place and momentum.

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
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf  # tf.data, to feed fit

# %% [markdown]
# ## Watching a network overfit
#
# The experiment: two interleaved "moons", noisy enough that the classes overlap, and only
# **60 training points**. The network is far too big for that: two hidden layers of 128
# ReLU units, 17,025 weights. It trains for 300 full-batch Adam steps (learning rate 0.01),
# and after every step we measure the loss on 1,000 *validation* points it never trains on.
# `hlc.regularization.run_regularization(...)` builds the network, trains it and measures
# it; its settings are the cures we will try.
#
# 🤔 **Predict:** the training loss will fall. What will the validation loss do?

# %%
# track_every=60 also records what the hidden layers compute every 60 epochs (used in the
# batch normalization section); training is the same with or without it.
baseline = hlc.regularization.run_regularization(samples=60, seed=seed, track_every=60)
history = baseline.history
fig, ax = plt.subplots(figsize=(7, 3.8))
hlc.plots.plot_history(history, ax)
best = int(np.argmin(history["val_loss"]))
ax.plot(best + 1, history["val_loss"][best], "k*", markersize=12, label="lowest validation loss")
ax.legend()
ax.set_title("60 noisy points, 17,025 weights")
plt.show()
print(f"training loss {baseline.train_loss:.3f} (accuracy {baseline.train_accuracy:.2f}), "
      f"validation loss {baseline.val_loss:.2f} (lowest {min(history['val_loss']):.2f}, "
      f"at epoch {best + 1}); gap {baseline.gap:.2f}")  # fmt: skip
hlc.claim("baseline training loss", baseline.train_loss, at_most=0.05)
hlc.claim("baseline training accuracy", baseline.train_accuracy, at_least=0.99)
hlc.claim("baseline validation loss, final over lowest",
          baseline.val_loss / min(history["val_loss"]), at_least=2)  # fmt: skip
hlc.claim("baseline epoch of the lowest validation loss", best + 1, at_most=60)

# %% [markdown]
# The training loss goes to almost zero: the network classifies every training point right,
# including the noisy ones on the wrong side. The validation loss falls at first, reaches
# its lowest point early (the star; before epoch 60 on every seed the course checks), and
# then **climbs**, ending several times higher: from there on, training makes the network
# worse on new points. The **gap** (validation loss minus training loss, both measured after
# training, with dropout off and without any penalty) is our measure of overfitting; each
# cure below is judged by how much it shrinks it.

# %% [markdown]
# ## More data, the first cure
#
# Memorizing 60 points is easy for 17,025 weights. With 400 points from the same two
# moons, the noisy points on each side are outnumbered by the ones that follow the shape,
# and fitting them one by one would cost the network far more than fitting the shape.
# Goodfellow, Bengio and Courville (*Deep Learning*, §7.4) call more data the best way to
# make a model generalize better; here is what it does in this experiment.
#
# 🤔 **Predict:** with 400 training points instead of 60, will the gap shrink by a little
# or almost vanish?

# %%
runs = {"60 samples": baseline}
runs["400 samples"] = hlc.regularization.run_regularization(samples=400, seed=seed)
fig, ax = plt.subplots(figsize=(7, 3.8))
for (label, run), marker in zip(runs.items(), ["o", "^"], strict=True):
    ax.plot(range(1, 301), run.history["val_loss"], marker=marker, markevery=30,
            label=f"{label}: gap {run.gap:.2f}")  # fmt: skip
ax.set(xlabel="epoch", ylabel="validation loss", ylim=(0, 2.5),
       title="More training data, a smaller gap")  # fmt: skip
ax.legend()
plt.show()
hlc.claim("gap with 400 samples over the 60-sample gap", runs["400 samples"].gap / baseline.gap,
          at_most=0.3)  # fmt: skip

# %% [markdown]
# With 400 points the gap is a small fraction of the 60-point gap (at most a third of it on
# every seed the course checks; try 1,000 in the lab). Often there is no more data to have.
# Everything below fights overfitting with the 60 points we have, by making the network
# *less able to memorize*.
#
# ## Dropout and L1/L2
#
# **Dropout** (Srivastava et al., 2014) switches off a random share of the hidden units at
# every training step. No unit can count on a particular other unit being there, so units
# cannot team up to store one training point in one fragile pattern (the paper's
# "co-adaptation"); each step trains a different thinned network, and the full network used
# for predictions approximates an average of them. Keras implements *inverted* dropout: while
# training it divides the units it keeps by the share kept (1 − rate), so at prediction time
# the layer does nothing at all. (The paper instead multiplied the weights by the share kept
# at test time; either way, what a unit sends on at prediction time equals what it sent on,
# on average, while training.)
#
# **Weight penalties** add a cost for large weights to the loss. Keras' `L2(λ)` adds
# λ·Σw² (no ½ in front, unlike the λ/2·Σw² of many textbooks), whose gradient 2λw is
# proportional to each weight: plain gradient descent then shrinks every weight by the same
# fraction at each step ("weight decay"; Adam rescales gradients weight by weight, so with
# Adam the two differ: Loshchilov & Hutter, 2019). `L1(λ)` adds λ·Σ|w|, whose gradient has
# the same size λ for every weight, small or large, so it pushes many weights to (near)
# zero and leaves a few large ones: a sparse network (Goodfellow et al., §7.1.2). Smaller
# weights make the output change less steeply with the input, so the network cannot bend
# sharply round single noisy points.
#
# In Keras each is one argument or one layer. Here is the overfitting network with both:

# %%
moons = hlc.regularization.overfitting_data(samples=60, seed=seed)  # the same 60 points
keras.utils.set_random_seed(seed)
regularized = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(128, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(1, activation="sigmoid"),
])  # fmt: skip
penalties = [float(p) for p in regularized.losses]  # what fit adds to the loss at each step
by_hand = [0.01 * float(np.sum(layer.kernel.numpy() ** 2))
           for layer in regularized.layers if isinstance(layer, keras.layers.Dense)
           and layer.kernel_regularizer is not None]  # fmt: skip
print("penalties Keras adds:", [round(p, 4) for p in penalties])
print("0.01 × Σw² by hand:  ", [round(p, 4) for p in by_hand])
print("weights of the Dropout layers:", [len(layer.weights) for layer in regularized.layers
                                          if isinstance(layer, keras.layers.Dropout)])  # fmt: skip
hlc.expect(np.allclose(penalties, by_hand, rtol=1e-5),
           "Keras' L2(0.01) adds 0.01 times the sum of the squared kernel weights")  # fmt: skip

# %% [markdown]
# One penalty per regularized layer, exactly λ·Σw² of its kernel (the biases go unpenalized
# unless you pass `bias_regularizer=`); Dropout holds no weights. `run_regularization`
# builds these same layers from its settings (`dropout=0.5`, `regularizer="l2",
# reg_strength=0.01`), so we can compare cures one at a time on the same seed.
#
# 🤔 **Predict:** which of dropout 0.5, L2 0.01 and L1 0.001 narrows the gap most? And will
# L1 make weights exactly zero?

# %%
cures = {
    "dropout 0.5": dict(dropout=0.5),
    "L2 0.01": dict(regularizer="l2", reg_strength=0.01),
    "L1 0.001": dict(regularizer="l1", reg_strength=0.001),
}
runs["no cure"] = baseline  # the first experiment: 60 samples, no cure
for label, settings in cures.items():
    runs[label] = hlc.regularization.run_regularization(samples=60, seed=seed, **settings)
labels = ["no cure", *cures]
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
axes[0].barh(labels[::-1], [runs[k].gap for k in labels[::-1]], color="#0072B2")
for i, k in enumerate(labels[::-1]):
    axes[0].text(runs[k].gap, i, f" {runs[k].gap:.2f}", va="center")
axes[0].set(xlabel="gap: validation minus training loss", title="Less gap is less overfitting")
weights = {k: np.ravel(runs[k].model.get_layer("hidden_2").kernel.numpy()) for k in labels}
for (k, w), style in zip(weights.items(), ["-", "--", ":", "-."], strict=True):
    axes[1].hist(w, bins=np.linspace(-0.6, 0.6, 61), histtype="step", linestyle=style, label=k)
axes[1].set(yscale="log", xlabel="weight (second hidden layer; beyond ±0.6 not shown)",
            ylabel="count (log)", title="What the penalties do to the weights")  # fmt: skip
axes[1].legend()
plt.show()
near_zero = {k: float(np.mean(np.abs(w) < 0.01)) for k, w in weights.items()}
exactly_zero = {k: int(np.sum(w == 0)) for k, w in weights.items()}
print(", ".join(f"{k}: {v:.0%} of weights within ±0.01 of zero" for k, v in near_zero.items()))
print(f"weights exactly zero with L1: {exactly_zero['L1 0.001']} of {weights['L1 0.001'].size}")
hlc.claim("dropout 0.5 gap over the baseline gap", runs["dropout 0.5"].gap / baseline.gap,
          at_most=0.75)  # fmt: skip
hlc.claim("L2 0.01 gap over the baseline gap", runs["L2 0.01"].gap / baseline.gap, at_most=0.3)
hlc.claim("L1 0.001 gap over the baseline gap", runs["L1 0.001"].gap / baseline.gap,
          at_most=0.45)  # fmt: skip
hlc.claim("share of near-zero weights with L1", near_zero["L1 0.001"], at_least=0.9)
hlc.claim("share of near-zero weights without a penalty", near_zero["no cure"], at_most=0.1)
hlc.claim("share of weights exactly zero with L1", exactly_zero["L1 0.001"] / weights["L1 0.001"].size,
          at_most=0.01)  # fmt: skip

# %% [markdown]
# All three narrow the gap, on every seed the course checks; which one narrows it most
# depends on the strengths chosen (L2 0.01 did on four of five seeds). The penalties reshape
# the weights: without one, they spread widely; L2 pulls them all towards zero; L1 puts
# nearly all of them within ±0.01 of zero and keeps a few large ones. "Sparse" here means
# *near* zero, not exactly zero: L1's gradient keeps its size as a weight nears zero, so the
# steps overshoot zero and back and the weights jitter round it (methods that need exact
# zeros, like the lasso's solvers, use a different update). The strength λ matters: in the
# lab below, L1 at 0.03 is too strong: the network **underfits**, and ends up predicting one
# class everywhere.
#
# ### Exercise 06.1: dropout by hand
#
# Write inverted dropout in NumPy, as Keras' `Dropout` computes it while training: a
# function `dropout(x, rate)` that returns a new array in which each entry of `x` is zeroed
# with probability `rate` (a fresh random choice at every call; use
# `np.random.default_rng()`) and every entry it keeps is scaled so that the average output
# stays what it was. End with `answer = dropout`.

# %%
answer = ...
hlc.check("06.1", answer)

# %%
hlc.solution("06.1")

# %% [markdown]
# ## Early stopping
#
# The validation curve of the first experiment had a lowest point. **Early stopping**
# watches the validation loss after every epoch, stops once it has not improved for
# `patience` epochs, and can put back the weights of the best epoch. Keras does it with a
# callback passed to `fit`. Note the last argument: `restore_best_weights` is **False** by
# default, and then the model keeps the weights of the *last* epoch, `patience` epochs past
# the best one. Early stopping is not free: it needs validation data held out of training
# and a validation pass every epoch; what it saves is the epochs after the stop.
#
# 🤔 **Predict:** with `patience=10` and `restore_best_weights=True`, how many epochs after
# the one with the lowest validation loss will training stop, and whose weights will the
# model hold when `fit` returns?

# %%
keras.utils.set_random_seed(seed)
stopped = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])  # fmt: skip
stopped.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                loss="binary_crossentropy", metrics=["accuracy"])  # fmt: skip
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)
# One full batch per step, as in the experiments. Repeated datasets with steps_per_epoch=1
# let fit create its input iterator once, instead of at every one of these short epochs.
train = tf.data.Dataset.from_tensors((moons.x_train, moons.y_train)).repeat()
validation = tf.data.Dataset.from_tensors((moons.x_test, moons.y_test)).repeat()
fitted = stopped.fit(train, epochs=300, steps_per_epoch=1, shuffle=False,
                     validation_data=validation, validation_steps=1, callbacks=[stop],
                     verbose=0)  # fmt: skip
epochs_run, best_epoch = len(fitted.history["loss"]), stop.best_epoch + 1  # Keras counts from 0
bce = keras.losses.BinaryCrossentropy()  # the loss fit minimized, on the kept weights
train_loss = float(bce(moons.y_train.reshape(-1, 1), stopped(moons.x_train)))
val_loss = float(bce(moons.y_test.reshape(-1, 1), stopped(moons.x_test)))
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(range(1, 301), baseline.history["val_loss"], label="no early stopping")
ax.plot(range(1, epochs_run + 1), fitted.history["val_loss"], "--",
        label=f"EarlyStopping(patience=10): gap {val_loss - train_loss:.2f}")  # fmt: skip
ax.plot(best_epoch, fitted.history["val_loss"][best_epoch - 1], "k*", markersize=12,
        label=f"weights kept (epoch {best_epoch})")  # fmt: skip
ax.set(xlabel="epoch", ylabel="validation loss", ylim=(0, 2.5),
       title="Early stopping keeps the best epoch")  # fmt: skip
ax.legend()
plt.show()
print(f"stopped after epoch {epochs_run} of 300; kept epoch {best_epoch}; validation loss "
      f"{val_loss:.3f} (lowest in the history {min(fitted.history['val_loss']):.3f}, last "
      f"{fitted.history['val_loss'][-1]:.3f}); gap {val_loss - train_loss:.2f} (without early "
      f"stopping {baseline.gap:.2f})")  # fmt: skip
hlc.expect(epochs_run == best_epoch + 10 < 300, "training stopped 10 epochs after the best one")
hlc.expect(np.isclose(val_loss, min(fitted.history["val_loss"]), rtol=1e-4),
           "restore_best_weights=True put back the weights of the best epoch")  # fmt: skip
hlc.expect(keras.callbacks.EarlyStopping().restore_best_weights is False,
           "EarlyStopping keeps the last epoch's weights unless told otherwise")  # fmt: skip
hlc.claim("early stopping gap", val_loss - train_loss, at_most=0.3)

# %% [markdown]
# Training ran exactly 10 epochs past the best one: the callback cannot know an epoch was
# the best until `patience` epochs have failed to beat it. The weights it put back score
# the lowest validation loss of the run, because we asked for them.
# `run_regularization(patience=...)` and `hlc.training.train_fast(..., patience=...)` stop
# the same way (and restore the best weights, their default).
#
# ### Exercise 06.2: dropout that is strong enough
#
# Write a function `build()` that returns a new, **compiled** Keras model for these moons:
# the experiments' network (2 inputs, two hidden layers of 128 ReLU units, one sigmoid
# output; Adam with learning rate 0.01 and binary cross-entropy), cured by **dropout
# alone**: no weight penalty. Where the `Dropout` layers go and their rates are up to you.
# End with `answer = build`. The check builds a fresh model with it, trains it as the
# experiments were trained (300 full-batch steps on the 60 points of seed 0, a second or
# two), tells you what it measured, and asks for a validation loss of at most **0.30** with
# a validation accuracy of at least **0.85**. Dropout 0.5 after each hidden layer, the
# setting measured above, does not get there in this check (validation loss 0.33).

# %%
answer = ...
hlc.check("06.2", answer)

# %%
hlc.solution("06.2")

# %% [markdown]
# ## Batch normalization, measured
#
# **Batch normalization** (Ioffe & Szegedy, 2015) standardizes each unit's values over the
# current batch (subtract the batch mean, divide by the batch standard deviation, with a
# small ε inside the square root), then applies a learned scale γ and shift β per unit.
# While training it uses the batch's statistics; for predictions it uses *moving averages*
# of them collected during training, so it is another layer that behaves differently under
# `training=True` (lesson 05).
#
# Where it goes: Ioffe and Szegedy normalize a layer's Dense output *before* the
# nonlinearity, as below; many practitioners put it after the activation instead (we
# measure both). Before the activation, the Dense layer needs no bias: subtracting the batch
# mean removes any constant added to a unit, and β does the shifting. That is why the block
# reads:

# %%
keras.utils.set_random_seed(seed)
block = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(128, use_bias=False, name="dense"),  # no bias: it would cancel out
    keras.layers.BatchNormalization(momentum=0.5, name="norm"),  # momentum: see below
    keras.layers.Activation("relu", name="relu"),
], name="normalized_hidden_layer")  # fmt: skip
print(hlc.models.parameter_table(block))
dense, norm = block.layers[0], block.layers[1]
z = dense(moons.x_train)
with_bias = z + np.linspace(-3, 3, 128, dtype="float32")  # a different constant per unit
change = float(np.max(np.abs(norm(with_bias, training=True) - norm(z, training=True))))
print(f"largest change a bias makes to the normalized output: {change:.1e}")
hlc.expect(change < 1e-4, "a constant added before batch normalization is normalized away")

# %% [markdown]
# Per unit, γ and β are trained (256 for 128 units); the moving mean and variance (another
# 256) are not trained by gradients but updated on the side.
# `hlc.models.build_dense_network(..., batch_norm=True)` and
# `run_regularization(batch_norm=True)` build hidden layers like this block.
#
# 🤔 **Predict:** with batch normalization before both hidden layers' activations, will the
# same network reach a training loss of 0.3 in more or fewer epochs?

# %%
normalized = hlc.regularization.run_regularization(
    samples=60, batch_norm=True, seed=seed, track_every=60
)
target = 0.3
epochs = {"without": baseline.epochs_to(target), "with batch norm": normalized.epochs_to(target)}
first_100 = {"without": float(np.mean(baseline.history["loss"][:100])),
             "with batch norm": float(np.mean(normalized.history["loss"][:100]))}  # fmt: skip
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(range(1, 101), baseline.history["loss"][:100], label="without")
ax.plot(range(1, 101), normalized.history["loss"][:100], "--", label="with batch normalization")
ax.axhline(target, color="grey", linewidth=0.8)
for (label, n), marker in zip(epochs.items(), ["o", "s"], strict=True):
    ax.plot(n, target, marker, color="black", label=f"{label}: loss {target} at epoch {n}")
ax.set(xlabel="epoch", ylabel="training loss", title="The first 100 epochs")
ax.legend()
plt.show()
print("mean training loss over the first 100 epochs: "
      + ", ".join(f"{k} {v:.3f}" for k, v in first_100.items()))  # fmt: skip
hlc.claim("epochs to training loss 0.3, batch norm over without",
          epochs["with batch norm"] / epochs["without"], at_most=0.75)  # fmt: skip
hlc.claim("mean training loss over 100 epochs, batch norm over without",
          first_100["with batch norm"] / first_100["without"], at_most=0.95)  # fmt: skip

# %% [markdown]
# Fewer, on every seed the course checks, and not only at that one threshold: the mean
# training loss over the first 100 epochs is lower too. Not at every epoch, though: later
# the curves can cross, the network without batch normalization catching up once both fit
# most of the 60 points.
#
# Ioffe and Szegedy saw the same at scale: their image classifier reached the same accuracy
# in 14 times fewer training steps. Why it helps is disputed. They argued that each layer's
# inputs keep changing while the layers below them learn ("internal covariate shift"), and
# that normalizing them lets training take larger steps. Santurkar et al. (2018) trained
# networks with batch normalization plus deliberately injected shifts, found them as fast
# as without the shifts, and argued the gain comes instead from a smoother loss landscape,
# whose gradients stay predictive for larger steps. What we can measure here is what it
# changes inside the network while it trains: what the second hidden layer's ReLU receives,
# its *pre-activations*, recorded every 60 epochs on the training points (`track_every=60`):
# how spread out they are, and the share of **dead** units, whose pre-activation is
# negative for every training point, so they output 0 and get no gradient (lesson 03).

# %%
tracks = {"without": baseline.activation_history, "with batch norm": normalized.activation_history}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
for (label, track), style in zip(tracks.items(), ["o-", "s--"], strict=True):
    axes[0].plot(track["epoch"], track["hidden_2_std"], style, label=label)
    axes[1].plot(track["epoch"], track["hidden_2_dead"], style, label=label)
axes[0].set(xlabel="epoch", ylabel="standard deviation", ylim=(0, None),
            title="Spread of the second layer's pre-activations")  # fmt: skip
axes[1].set(xlabel="epoch", ylabel="share of units", ylim=(-0.02, 0.5),
            title="Dead units in the second hidden layer")  # fmt: skip
for ax in axes:
    ax.legend()
plt.show()
drift = {k: t["hidden_2_std"][-1] / t["hidden_2_std"][0] for k, t in tracks.items()}
dead = {k: (t["hidden_2_dead"][0], max(t["hidden_2_dead"])) for k, t in tracks.items()}
rises = {k: int(np.sum(np.diff(run.history["loss"]) > 0))
         for k, run in (("without", baseline), ("with batch norm", normalized))}  # fmt: skip
print("spread at epoch 300 over epoch 60: "
      + ", ".join(f"{k} × {v:.1f}" for k, v in drift.items()))  # fmt: skip
print("dead units at epoch 60 (most at any record): "
      + ", ".join(f"{k} {first:.0%} ({most:.0%})" for k, (first, most) in dead.items()))  # fmt: skip
print("epochs in which the training loss went up: "
      + ", ".join(f"{k} {v} of 299" for k, v in rises.items()))  # fmt: skip
print(f"gap with batch normalization {normalized.gap:.2f}, without {baseline.gap:.2f}")
hlc.claim("pre-activation spread growth without batch norm", drift["without"], at_least=1.6)
hlc.claim("pre-activation spread growth with batch norm", drift["with batch norm"], at_most=1.55)
hlc.claim("dead units in hidden layer 2 at epoch 60 without batch norm", dead["without"][0],
          at_least=0.08)  # fmt: skip
hlc.claim("most dead units in hidden layer 2 with batch norm", dead["with batch norm"][1],
          at_most=0.02)  # fmt: skip
hlc.claim("batch norm gap over the baseline gap", normalized.gap / baseline.gap, at_most=0.85)
hlc.claim("epochs of rising training loss, batch norm minus without",
          rises["with batch norm"] - rises["without"], at_least=0)  # fmt: skip

# %% [markdown]
# Without batch normalization, the values the second layer's ReLU receives spread out two
# to three times wider between epoch 60 and epoch 300, and 15 to 35 % of its units are dead
# by epoch 60 (few, if any, come back). With it, their spread grows far less (at most 1.4
# times; γ and β set it) and no unit dies, on every seed the course checks: standardized
# over the batch, every unit's value is positive for some training points, and only a β
# far below zero could push them all below it. That steadiness is what "stabilises" means
# here. It does not mean a smoother loss curve: on the same seeds the loss with batch
# normalization went up in more epochs than without (printed above for this run). Nor is it
# a regularizer to rely on: its gap is smaller than the baseline's (about half to two
# thirds of it), but far above what L2 reached. Ioffe and Szegedy saw a regularizing effect
# from the noise of small batches; with full batches, as here, there is no such noise.
#
# ### Before or after the activation?
#
# 🤔 **Predict:** will putting batch normalization *after* the ReLU (Dense with ReLU, then
# BatchNormalization; the Dense keeps its bias) train faster or slower than before it?

# %%
after = hlc.regularization.run_regularization(
    samples=60, batch_norm=True, batch_norm_position="after", epochs=100, seed=seed
)
placements = {"before the activation": normalized, "after the activation": after}
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(range(1, 101), baseline.history["loss"][:100], label="no batch normalization")
for (label, run), style in zip(placements.items(), ["--", ":"], strict=True):
    ax.plot(range(1, 101), run.history["loss"][:100], style, label=label)
ax.set(xlabel="epoch", ylabel="training loss", title="Where batch normalization goes")
ax.legend()
plt.show()
placement_ratio = float(np.mean(after.history["loss"]) / np.mean(normalized.history["loss"][:100]))
print(f"mean training loss over 100 epochs, after over before: {placement_ratio:.2f}")
hlc.claim("mean training loss over 100 epochs, batch norm after over before", placement_ratio,
          at_least=0.6, at_most=1.25)  # fmt: skip

# %% [markdown]
# On this problem the two places train about equally fast: after the activation was as fast
# or a little faster on the seeds the course checks (0.8 to 1.0 times the mean training
# loss), never far apart. Neither placement is "the" right one: the paper's choice is
# before; after is common in practice; measure on your own problem if it matters.
#
# ### Momentum: how fast the moving averages follow
#
# For predictions a BatchNormalization layer uses moving averages, updated at every training
# step as `moving = momentum × moving + (1 − momentum) × batch statistic`, starting from mean
# 0 and variance 1. Keras' default momentum, 0.99, averages over roughly the last
# 1 / (1 − 0.99) = 100 steps: with small, noisy batches and many thousands of steps that
# smooths the noise away. Our experiment is different: every step sees all 60 points, so
# each batch statistic is exact, and there are only 300 steps while the weights change
# fast. `run_regularization` uses momentum 0.5 (`hlc.regularization.BN_MOMENTUM`).
#
# 🤔 **Predict:** with Keras' default momentum 0.99, how will the network score its own 60
# training points in prediction mode after 100 epochs, compared with what training reports?

# %%
slow = hlc.regularization.run_regularization(  # the first 100 epochs of the same training
    samples=60, batch_norm=True, batch_norm_momentum=0.99, epochs=100, seed=seed
)
momenta = {"momentum 0.5": normalized, "momentum 0.99 (Keras' default)": slow}
fig, ax = plt.subplots(figsize=(7, 3.8))
for (label, run), style in zip(momenta.items(), ["--", ":"], strict=True):
    ax.plot(range(1, 101), run.history["val_loss"][:100], style, label=label)
ax.set(xlabel="epoch", ylabel="validation loss (prediction mode)", ylim=(0, 2.5),
       title="The same training, two momenta for the moving averages")  # fmt: skip
ax.legend()
plt.show()
val_100 = {label: float(np.mean(run.history["val_loss"][:100])) for label, run in momenta.items()}
print(f"after 100 epochs with momentum 0.99: training loss {slow.history['loss'][-1]:.3f} while "
      f"training, {slow.train_loss:.3f} in prediction mode, validation accuracy "
      f"{slow.val_accuracy:.2f}")  # fmt: skip
print(f"after 300 epochs with momentum 0.5: training loss {normalized.history['loss'][-1]:.3f} "
      f"while training, {normalized.train_loss:.3f} in prediction mode")  # fmt: skip
print("mean validation loss over the first 100 epochs: "
      + ", ".join(f"{k} {v:.2f}" for k, v in val_100.items()))  # fmt: skip
hlc.expect(
    np.allclose(slow.history["loss"], normalized.history["loss"][:100], rtol=1e-5),
    "the momentum changes nothing while training: batch statistics are used there",
)
hlc.claim("mean validation loss over 100 epochs, momentum 0.99 over 0.5",
          val_100["momentum 0.99 (Keras' default)"] / val_100["momentum 0.5"], at_least=1.2)  # fmt: skip
hlc.claim("training loss in prediction mode after 100 epochs, momentum 0.99", slow.train_loss,
          at_least=0.3)  # fmt: skip
hlc.claim("training loss in prediction mode, momentum 0.5", normalized.train_loss, at_most=0.08)

# %% [markdown]
# Training itself is identical (the moving averages take no part in it), but with 0.99 the
# network misjudges its own training points in prediction mode, and its validation loss
# over those 100 epochs is higher on average (on every seed the course checks): the
# averages still describe the network of many steps ago (and, early on, their starting
# values), so they normalize with the wrong mean and variance. With 0.5 they follow closely,
# and prediction mode agrees with training. Which momentum to choose depends on how many
# steps the averages span against how fast the network changes, and on how noisy each
# batch's statistics are.
#
# ### Exercise 06.3: what the moving mean remembers
#
# A BatchNormalization layer with Keras' default momentum, 0.99, starts with a moving mean
# of 0. It trains for 100 steps on batches in which one unit's mean is always 2.0. What is
# that unit's moving mean after the 100 steps? Store the number in `answer` (you may compute
# it, or run a real layer and read `moving_mean`).

# %%
answer = ...
hlc.check("06.3", answer)

# %%
hlc.solution("06.3")

# %% [markdown]
# ## The regularization lab
#
# Now combine the cures yourself. Each **Train** adds a run with the settings shown (press
# it once to start with the overfitting network of the first experiment); the picture
# overlays the last six runs' loss curves (validation solid, training dashed, with
# each run's gap in the legend) and shows the newest run's decision boundary on its
# training points. Changing a setting trains nothing until you press Train, so you can
# compare one change at a time.
#
# Things to try: 30 samples and no regularization (how wild is the boundary?); dropout 0.3
# with L2 0.001; L1 0.03 (too strong: the network gives up on the moons); early stopping
# with patience 5 and 50; batch normalization with and without dropout.

# %%
lab = hlc.widgets.regularization_lab(seed=seed, first_run=False)
lab

# %% [markdown]
# ## Summary
#
# - Overfitting shows as a training loss that keeps falling while the validation loss
#   rises; the gap between them measures it.
# - More data is the first cure: 400 points instead of 60 cut the gap to a small fraction.
#   Without more data: dropout (`Dropout(rate)`: random units off while training, the rest
#   scaled by 1 / (1 − rate)), L2 (`kernel_regularizer=L2(λ)` adds λ·Σw²: all weights
#   smaller), L1 (λ·Σ|w|: most weights near zero) and early stopping
#   (`EarlyStopping(..., restore_best_weights=True)` keeps the best epoch; by default the
#   model keeps the last epoch's weights). Too strong a cure underfits.
# - Batch normalization standardizes each unit over the batch, then scales and shifts it.
#   Here it trained faster early on, kept the pre-activations' spread from growing much and
#   every unit alive; why it speeds training is debated (internal covariate shift, or a
#   smoother loss landscape). The Dense before it needs no bias; before or after the
#   activation trained alike here; choose its momentum for how many steps you train and
#   how noisy your batches are. With full batches it is no regularizer to rely on.
# - Real projects combine these cures and tune their strengths on validation data, never
#   on the test set.
#
# **Next:** [07 · Initialization and the first epochs](07_initialization.ipynb)
