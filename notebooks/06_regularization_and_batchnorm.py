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
# # 06 · Regularization and batch normalization
#
# A network with many hidden units can memorize a small training set, noise and all, and
# then do worse on new data: it **overfits**. This lesson makes a network overfit on
# purpose, then measures every classic cure: more data, dropout, L1/L2 penalties, early
# stopping. It ends with batch normalization, which mainly makes training faster, and a lab
# where you combine them.
#
# **Time:** about 40 minutes
#
# **Objectives**
# - Watch a network overfit, then fight it with more data, dropout, L1/L2 and early stopping.
# - Measure how batch normalization after hidden layers speeds up training.

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
import matplotlib.pyplot as plt
import numpy as np

# %% [markdown]
# ## Watching a network overfit
#
# The experiment: two interleaved "moons", noisy enough that the classes overlap, and only
# **60 training points**. The network is far too big for that: two hidden layers of 128
# ReLU units, 17,025 weights. It trains for 300 full-batch Adam steps, and after every step
# we measure the loss on 1,000 *validation* points it never trains on.
# `hlc.regularization.run_regularization(...)` runs the whole experiment; its settings are
# the cures we will try.
#
# 🤔 **Predict:** the training loss will fall. What will the validation loss do?

# %%
baseline = hlc.regularization.run_regularization(samples=60, seed=seed)
history = baseline.history
fig, ax = plt.subplots(figsize=(7, 3.8))
hlc.plots.plot_history(history, ax)
best = int(np.argmin(history["val_loss"]))
ax.plot(best + 1, history["val_loss"][best], "k*", markersize=12, label="lowest validation loss")
ax.legend()
ax.set_title("60 noisy points, 17,025 weights")
plt.show()
print(f"training loss {baseline.train_loss:.3f}, validation loss {baseline.val_loss:.2f} "
      f"(lowest {min(history['val_loss']):.2f}, at epoch {best + 1}); gap {baseline.gap:.2f}")  # fmt: skip
hlc.claim("baseline training loss", baseline.train_loss, at_most=0.05)
hlc.claim("baseline validation loss, final over lowest",
          baseline.val_loss / min(history["val_loss"]), at_least=2)  # fmt: skip

# %% [markdown]
# The training loss goes to almost zero: the network classifies every training point right,
# including the noisy ones on the wrong side. The validation loss falls for a few dozen
# epochs, then **rises**: from there on, training makes the network worse on new points.
# The **gap** (validation loss minus training loss, both measured after training) is our
# measure of overfitting; every cure below should shrink it.

# %% [markdown]
# ## More data, the first cure
#
# Memorizing 60 points is easy; memorizing 1,000 is not, and with that many the noise
# averages out. When you can get more data, it is the most reliable cure there is.

# %%
runs = {"60 samples": baseline}
for samples in (200, 1000):
    runs[f"{samples} samples"] = hlc.regularization.run_regularization(samples=samples, seed=seed)
fig, ax = plt.subplots(figsize=(7, 3.8))
for (label, run), marker in zip(runs.items(), ["o", "s", "^"], strict=True):
    ax.plot(
        run.history["val_loss"], marker=marker, markevery=30, label=f"{label}: gap {run.gap:.2f}"
    )
ax.set(xlabel="epoch", ylabel="validation loss", ylim=(0, 2.5),
       title="More training data: the validation loss stops rising")  # fmt: skip
ax.legend()
plt.show()
hlc.claim("gap with 1000 samples over the 60-sample gap", runs["1000 samples"].gap / baseline.gap,
          at_most=0.25)  # fmt: skip

# %% [markdown]
# Often there is no more data to have. Everything below fights overfitting with the 60
# points we have, by making the network *less able to memorize*.
#
# ## Dropout and L1/L2
#
# **Dropout** (lesson 05 showed the mechanics) switches off a random share of the hidden
# units at every training step. No unit can rely on a particular other unit being there,
# so the network learns features that are useful on their own and in many combinations,
# and cannot store one training point in one fragile pattern of units.
#
# **Weight penalties** add a cost for large weights to the loss: **L2** adds
# λ·Σw² (weights shrink towards zero, all a little), **L1** adds λ·Σ|w| (many weights
# become exactly zero: a sparse network). Smaller weights make smoother functions, which
# cannot bend round every noisy point.

# %%
cures = {
    "dropout 0.5": dict(dropout=0.5),
    "L2 0.01": dict(regularizer="l2", reg_strength=0.01),
    "L1 0.001": dict(regularizer="l1", reg_strength=0.001),
}
for label, settings in cures.items():
    runs[label] = hlc.regularization.run_regularization(samples=60, seed=seed, **settings)
labels = ["60 samples", *cures]
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
axes[0].barh(labels[::-1], [runs[k].gap for k in labels[::-1]], color="#0072B2")
for i, k in enumerate(labels[::-1]):
    axes[0].text(runs[k].gap, i, f" {runs[k].gap:.2f}", va="center")
axes[0].set(xlabel="gap: validation minus training loss", title="Less gap is less overfitting")
weights = {k: np.ravel(runs[k].model.get_layer("hidden_2").kernel.numpy()) for k in labels}
for (k, w), style in zip(weights.items(), ["-", "--", ":", "-."], strict=True):
    axes[1].hist(w, bins=np.linspace(-0.6, 0.6, 61), histtype="step", linestyle=style, label=k)
axes[1].set(yscale="log", xlabel="weight (second hidden layer)", ylabel="count (log)",
            title="What the penalties do to the weights")  # fmt: skip
axes[1].legend()
plt.show()
near_zero = {k: float(np.mean(np.abs(w) < 0.01)) for k, w in weights.items()}
print(", ".join(f"{k}: {v:.0%} of weights within ±0.01 of zero" for k, v in near_zero.items()))

# %%
hlc.claim("dropout 0.5 gap over the baseline gap", runs["dropout 0.5"].gap / baseline.gap,
          at_most=0.75)  # fmt: skip
hlc.claim("L2 0.01 gap over the baseline gap", runs["L2 0.01"].gap / baseline.gap, at_most=0.3)
hlc.claim("share of near-zero weights with L1", near_zero["L1 0.001"], at_least=0.9)
hlc.claim("share of near-zero weights without a penalty", near_zero["60 samples"], at_most=0.1)

# %% [markdown]
# All three narrow the gap. The penalties reshape the weights: without one, weights spread
# out to ±0.5; L2 pulls them all towards zero; L1 sets nearly all of them to (almost)
# exactly zero and keeps a few large ones. Their strength (λ) matters: too weak does
# nothing, too strong and the network **underfits** (try 0.03 in the lab below).
#
# ### Exercise 06.1: dropout's scaling
#
# With dropout rate 0.25, a quarter of the units are zeroed at each training step. Keras
# multiplies the units it keeps by a factor, so that the layer's average output is the same
# in training and in prediction. What is that factor? Store the number in `answer`.

# %%
answer = ...
hlc.check("06.1", answer)

# %%
hlc.solution("06.1")

# %% [markdown]
# ## Early stopping
#
# The validation curve of the first experiment had a lowest point. **Early stopping**
# watches the validation loss while training, stops once it has not improved for a while
# (the *patience*, here 20 epochs) and keeps the weights of the best epoch. It costs
# nothing and saves training time; in Keras it is
# `keras.callbacks.EarlyStopping(patience=20, restore_best_weights=True)`, and
# `hlc.training.train_fast(..., patience=20)` does the same.

# %%
early = hlc.regularization.run_regularization(samples=60, patience=20, seed=seed)
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(baseline.history["val_loss"], label="no early stopping")
ax.plot(early.history["val_loss"], "--", label=f"early stopping (patience 20): gap {early.gap:.2f}")
ax.plot(early.best_epoch - 1, early.history["val_loss"][early.best_epoch - 1], "k*",
        markersize=12, label=f"weights kept (epoch {early.best_epoch})")  # fmt: skip
ax.set(xlabel="epoch", ylabel="validation loss", ylim=(0, 2.5),
       title="Early stopping keeps the best epoch")  # fmt: skip
ax.legend()
plt.show()
print(f"stopped after epoch {early.stopped_epoch} of 300; gap {early.gap:.2f} "
      f"(without early stopping {baseline.gap:.2f})")  # fmt: skip
hlc.expect(
    early.stopped_epoch is not None and early.stopped_epoch < 300, "early stopping stopped early"
)
hlc.claim("early stopping gap", early.gap, at_most=0.3)

# %% [markdown]
# ## Batch normalization, measured
#
# **Batch normalization** standardizes each hidden unit's input over the current batch
# (subtract the batch mean, divide by the batch standard deviation), then applies a learned
# scale γ and shift β. Every layer then sees inputs of a steady scale, however the layers
# before it change, which lets training take larger steps without blowing up. While
# training it uses the batch's statistics; for predictions it uses moving averages
# collected during training, another layer that behaves differently under `training=True`
# (lesson 05). It usually sits between a hidden layer's Dense part and its activation:
# `Dense(use_bias=False) -> BatchNormalization() -> Activation("relu")`.
#
# 🤔 **Predict:** with batch normalization after both hidden layers, will the same network
# reach a training loss of 0.3 in more or fewer epochs?

# %%
normalized = hlc.regularization.run_regularization(samples=60, batch_norm=True, seed=seed)
target = 0.3
epochs = {"without": baseline.epochs_to(target), "with batch norm": normalized.epochs_to(target)}
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(range(1, 81), baseline.history["loss"][:80], label="without")
ax.plot(range(1, 81), normalized.history["loss"][:80], "--", label="with batch normalization")
ax.axhline(target, color="grey", linewidth=0.8)
for (label, n), marker in zip(epochs.items(), ["o", "s"], strict=True):
    ax.plot(n, target, marker, color="black", label=f"{label}: loss {target} at epoch {n}")
ax.set(xlabel="epoch", ylabel="training loss", title="The first 80 epochs")
ax.legend()
plt.show()
print(f"gap with batch normalization {normalized.gap:.2f}, without {baseline.gap:.2f}")
hlc.claim("epochs to training loss 0.3, batch norm over without",
          epochs["with batch norm"] / epochs["without"], at_most=0.75)  # fmt: skip

# %% [markdown]
# Batch normalization reaches the same training loss in fewer steps. (It regularizes a
# little too, because each sample's output depends on the rest of its batch, but on this
# task its gap stays large, as printed above. Treat it as a speed and stability tool, and
# regularize with the methods above.)
#
# ### Exercise 06.3: what a batch normalization layer holds
#
# A `BatchNormalization` layer follows a Dense layer of 128 units. How many of its
# parameters are trainable and how many are not? Answer with a pair
# `answer = (trainable, non_trainable)`. (Hint: `model.summary()` of a network with batch
# normalization shows the split.)

# %%
answer = ...
hlc.check("06.3", answer)

# %%
hlc.solution("06.3")

# %% [markdown]
# ## The regularization lab
#
# Now combine the cures yourself. Each **Train** adds a run with the settings shown; the
# picture overlays the last six runs' loss curves (validation solid, training dashed, with
# each run's gap in the legend) and shows the newest run's decision boundary on its
# training points. Changing a setting trains nothing until you press Train, so you can
# compare one change at a time.
#
# Things to try: 30 samples and no regularization (how wild is the boundary?); dropout 0.3
# with L2 0.001; L2 0.03 (too strong: the boundary becomes a line); early stopping with
# patience 5 and 50; batch normalization with and without dropout.

# %%
lab = hlc.widgets.regularization_lab(seed=seed)
lab

# %% [markdown]
# ### Exercise 06.2: a regularization recipe
#
# With the data fixed at 60 samples, find settings whose gap is at most 0.3 while the
# validation accuracy stays at least 0.85. Answer with a dict of settings, for example
# `{"dropout": 0.3, "regularizer": "l2", "reg_strength": 0.001}` (keys: `dropout`,
# `regularizer`, `reg_strength`, `patience`, `batch_norm`). The check trains your recipe
# (a second or two); the lab is the place to search.

# %%
answer = ...
hlc.check("06.2", answer)

# %%
hlc.solution("06.2")

# %% [markdown]
# ## Summary
#
# - Overfitting shows as a training loss that keeps falling while the validation loss
#   rises; the gap between them measures it.
# - More data is the first cure. Without it: dropout (random units off while training), L2
#   (all weights smaller), L1 (many weights zero) and early stopping (keep the best epoch).
#   Too much regularization underfits.
# - Batch normalization standardizes each hidden unit's input per batch; it makes training
#   faster and steadier, and regularizes only a little.
# - Real projects combine them and tune their strengths on validation data, never on the
#   test set.
#
# **Next:** [07 · Pitfalls and diagnostics](07_pitfalls_and_diagnostics.ipynb)
