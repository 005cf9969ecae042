"""Compile and fit settings, hands on: train lesson 02's digit classifier by moving controls.

The network is lesson 02's: 64 pixel inputs -> Dense(hidden_1, relu) -> Dense(hidden_2, relu)
-> Dense(10, softmax), trained with sparse categorical crossentropy on scikit-learn's 8x8
digits (`hlcourse.data.load_digits`, a quarter held out for testing). As ``fit`` with
``validation_split=0.2`` does, the last 20 % of the training images (270) are held back for
validation, and the network trains on the other 1,077. The controls set the two hidden
layers' widths, the optimizer (Adam or plain SGD), its learning rate, the batch size and the
number of epochs; the defaults are the lesson's model and its ``compile``/``fit`` settings.

The picture has two panels, loss and accuracy per epoch, training solid (circles) and
validation dashed (squares), on an epoch axis that spans the whole run. Dotted lines mark a
model that guesses the ten digits evenly (loss ln 10, accuracy 0.1); a star marks the test
accuracy. The caption names the setting and its result ("64-32 units, 6,570 parameters, Adam
at 0.001, batch 32: test accuracy 0.96 after 15 epochs"), then says in words what the
training loss did: learned, partly learned, unstable, barely learned, no better than guessing
or diverged.

Feedback comes in three steps. The moment a control changes, `.status` names the new setting
and its parameter count (worked out by formula, before any model exists); while it trains, the
status line counts the epochs, and a run still training after `FRAME_GAP` seconds redraws the
curves about once a second, so they grow; the finished picture and caption follow.

Training runs in a background thread (`hlcourse.training.train_fast`: the epochs of a chunk in
one compiled TensorFlow loop, here one epoch per chunk so progress and cancelling come after
every epoch). With Adam, every width, learning rate and batch size trains in one shared
compiled loop, traced once (``shared_loop=True``). SGD is the model's own compiled optimizer,
so `train_fast` keeps a loop per setting (the last eight): a setting seen recently trains at
once, a new one waits for its loop to be traced first. Every change
starts a new "generation"; training for an older one stops after its current epoch and is
never drawn, so only the newest setting reaches the picture.

One module because the controls, the three steps of feedback and the two-panel picture are one
widget that one reads top to bottom; its drawing is specific to it, so no other module would
use a split-off part.
"""

from __future__ import annotations

import html
import math
import time
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse import data, palette, render
from hlcourse.widgets._background import BackgroundWorker, TrainsInBackground

__all__ = [
    "BATCH_SIZES",
    "LEARNING_RATES",
    "OPTIMIZERS",
    "TrainingExplorer",
    "parameter_count",
    "training_explorer",
]

OPTIMIZERS = {"adam": "Adam", "sgd": "SGD"}
"""The optimizers the menu offers: Keras' name -> the name shown."""
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
"""The learning rates the "Learning rate" slider offers: 0.0001 to 1 in steps of about x3, even
on a log scale (Adam at 1 leaves lesson 02's network no better than an even guess)."""
BATCH_SIZES = (8, 16, 32, 64, 128, 256)
"""The batch sizes the "Batch size" menu offers (Keras' default is 32)."""
MAX_UNITS = 128
MAX_EPOCHS = 50
INPUTS, CLASSES = 64, 10  # 8x8 pixels in, ten digits out
VALIDATION_SPLIT = 0.2  # as the lesson's fit(..., validation_split=0.2)
UNIFORM_LOSS = math.log(CLASSES)  # the loss of a model that gives every digit 1/10
# A picture costs 0.2-0.4 s, more than an epoch of the default setting, so a run draws
# pictures while it trains only once it has taken FRAME_GAP seconds (since the change or the
# last picture): a quick run goes straight to its finished picture, a long one (small batches,
# many epochs, SGD's tracing) shows its curves growing about once a second.
FRAME_GAP = 1.0
FIGURE_SIZE = (9.6, 3.7)  # inches, at 80 dots per inch: 768 x 296 pixels
DPI = 80
THREAD_NAME = "hlc-training-explorer"
# Every model, seed generator and optimizer the explorer builds has this name (or one made
# from it). TensorFlow caches a kernel for each variable name it creates, for the life of the
# process, and Keras' own names are new for every model ("sequential_7/hidden_1/kernel"): with
# one name they repeat, and the cache grows only with new shapes.
MODEL_NAME = "training_explorer"
TRAIN_COLOR, VALIDATION_COLOR = palette.BLUE, palette.ORANGE


def parameter_count(hidden_1: int, hidden_2: int) -> int:
    """Weights and biases of ``64 -> hidden_1 -> hidden_2 -> 10``, counted without a model.

    Each Dense layer holds (units in) x (units out) weights and one bias per unit out.

    Args:
        hidden_1: units of the first hidden layer, 1 to 128.
        hidden_2: units of the second hidden layer, 1 to 128.

    Returns:
        The number of parameters, e.g. 6,570 for 64 and 32.
    """
    hidden_1 = v.check_int("hidden_1", hidden_1, low=1, high=MAX_UNITS)
    hidden_2 = v.check_int("hidden_2", hidden_2, low=1, high=MAX_UNITS)
    return (INPUTS + 1) * hidden_1 + (hidden_1 + 1) * hidden_2 + (hidden_2 + 1) * CLASSES


class TrainingExplorer(TrainsInBackground, widgets.VBox):
    """The training explorer: six controls, a status line, the picture and its caption.

    Attributes:
        hidden_1, hidden_2, optimizer, learning_rate, batch_size, epochs: the controls (set
            `.value` to drive them from code; `learning_rate` is the main control).
        status: what the explorer is doing (`status.value`, HTML text): at once after a change
            "training 64-32 units (6,570 parameters), Adam at 0.001, batch 32…", then "…
            epoch 5/15", then "done: 15 epochs in 1.2 s".
        image: the two-panel picture as PNG bytes (`image.value`).
        caption: the picture in words, e.g. "64-32 units, 6,570 parameters, Adam at 0.001,
            batch 32: test accuracy 0.96 after 15 epochs. Learned: ..." (`caption.value`).
        last_result: numbers behind the finished picture: ``test_accuracy``, ``test_loss``,
            ``parameters``, ``epochs_done``, ``seconds`` (training, tracing included, drawing
            excluded), ``dead_units`` (hidden units that output 0 for every training image),
            ``verdict`` (``"learned"``, ``"partly learned"``, ``"unstable"``, ``"barely
            learned"``, ``"no better than guessing"`` or ``"diverged"``) and ``generation`` (the change it
            answers, counting from 1).
        history: the finished network's training history, ``{"loss": [...], "accuracy":
            [...], "val_loss": [...], "val_accuracy": [...]}``, one value per epoch.
        model: the network shown now (a Keras model).
        picture_generation: the change whose picture is shown now (0 before the first);
            pictures drawn while training carry theirs too.
        timings: one ``(setting, seconds to first feedback, seconds to final picture)`` per
            setting that reached the picture (superseded settings are not listed), both
            counted from the change; `setting` is a dict of the six control values.
        errors: exceptions raised by the background training (empty when all went well).
        seed: seed of the data split, the starting weights and the batches' order.
    """

    def __init__(
        self,
        hidden_1: int,
        hidden_2: int,
        optimizer: str,
        learning_rate: float,
        batch_size: int,
        epochs: int,
        seed: int,
    ):
        from hlcourse import models, training  # Keras/TensorFlow load here, in the main thread

        self._models, self._training = models, training
        self.seed = seed
        digits = data.load_digits(seed=seed)
        split = int(math.floor(len(digits.x_train) * (1 - VALIDATION_SPLIT)))  # as Keras does
        self._arrays = {
            "train": (digits.x_train[:split], digits.y_train[:split]),
            "validation": (digits.x_train[split:], digits.y_train[split:]),
            "test": (digits.x_test, digits.y_test),
        }
        label_style = {"description_width": "initial"}
        self.hidden_1 = widgets.IntSlider(
            value=hidden_1, min=1, max=MAX_UNITS, step=1, description="Hidden layer 1 units",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.hidden_2 = widgets.IntSlider(
            value=hidden_2, min=1, max=MAX_UNITS, step=1, description="Hidden layer 2 units",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.optimizer = widgets.Dropdown(
            options=[(shown, name) for name, shown in OPTIMIZERS.items()], value=optimizer,
            description="Optimizer", style=label_style,
        )  # fmt: skip
        self.learning_rate = widgets.SelectionSlider(
            options=[(f"{rate:g}", rate) for rate in LEARNING_RATES], value=learning_rate,
            description="Learning rate", continuous_update=False, style=label_style,
        )  # fmt: skip
        self.learning_rate.add_class("hlc-main-control")
        self.batch_size = widgets.Dropdown(
            options=[(str(size), size) for size in BATCH_SIZES], value=batch_size,
            description="Batch size", style=label_style,
        )  # fmt: skip
        self.epochs = widgets.IntSlider(
            value=epochs, min=1, max=MAX_EPOCHS, step=1, description="Epochs",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.status = widgets.HTML()
        width = f"{round(FIGURE_SIZE[0] * DPI)}px"
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=width))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.last_result: dict[str, Any] = {}
        self.history: dict[str, list[float]] = {}
        self.model: Any = None
        self.picture_generation = 0
        self.timings: list[tuple[dict[str, Any], float, float]] = []

        # Each request carries (setting, time of the change, seconds to first feedback).
        self._background = BackgroundWorker(
            self._work, show=self._show, fail=self._fail, name=THREAD_NAME
        )
        controls = (
            self.hidden_1, self.hidden_2, self.optimizer, self.learning_rate, self.batch_size,
            self.epochs,
        )  # fmt: skip
        for control in controls:
            control.observe(self._request, names="value")
        super().__init__(
            [
                widgets.HBox([self.hidden_1, self.hidden_2]),
                widgets.HBox([self.optimizer, self.learning_rate]),
                widgets.HBox([self.batch_size, self.epochs]),
                self.status,
                self.image,
                self.caption,
            ]
        )
        self._first_picture(self._request)  # there before the widget is shown

    # --- the background work ------------------------------------------------------------

    def _setting(self) -> dict[str, Any]:
        return {
            "hidden_1": self.hidden_1.value,
            "hidden_2": self.hidden_2.value,
            "optimizer": self.optimizer.value,
            "learning_rate": self.learning_rate.value,
            "batch_size": self.batch_size.value,
            "epochs": self.epochs.value,
        }

    def _request(self, _change: Any = None) -> None:
        """A control changed: say what will be trained, at once, and start a new generation.

        The status line is written here, in the observer, before any model is built, so the
        learner gets an answer within milliseconds of the change.
        """
        changed = time.perf_counter()
        setting = self._setting()
        with self._background.lock:
            self.status.value = f"training {_name(setting)}…"
            self._background.request((setting, changed, time.perf_counter() - changed))

    def _work(self, generation: int, request: tuple[dict[str, Any], float, float]) -> Any:
        """Train and draw one setting (in the worker's thread); None once it is stale."""
        setting, changed, _feedback = request
        return self._train_and_draw(generation, setting, changed)

    def _show(self, generation: int, request: tuple, outcome: Any) -> None:
        setting, changed, feedback = request
        self.model, self.history, self.last_result = outcome[:3]
        self.last_result["generation"] = generation
        self._put(generation, outcome[3:])
        total = time.perf_counter() - changed
        self.status.value = (
            f"done: {setting['epochs']} epochs in {total:.1f} s "
            f"({self.last_result['seconds']:.1f} s of it training)"
        )
        self.timings.append((dict(setting), feedback, total))

    def _fail(self, _generation: int, _request: tuple, error: BaseException) -> None:
        text = html.escape(f"{type(error).__name__}: {error}")
        self.status.value = f"training failed: {text}"

    def _is_stale(self, generation: int) -> bool:
        return self._background.is_stale(generation)

    def _put(self, generation: int, picture: tuple[bytes, str]) -> None:
        self.picture_generation = generation
        self.image.value, self.caption.value = picture

    def _build(self, setting: dict[str, Any]) -> Any:
        """Lesson 02's network for `setting`, compiled with SGD when that is the optimizer."""
        import keras

        # A seeded initializer, not keras.utils.set_random_seed: the global seed is shared
        # state this thread must not touch. A SeedGenerator (rather than an int seed) gives
        # every layer its own starting weights, still fixed by the seed alone.
        model = self._models.build_dense_network(
            INPUTS,
            (setting["hidden_1"], setting["hidden_2"]),
            activation="relu",
            output="classes",
            n_outputs=CLASSES,
            initializer=keras.initializers.GlorotUniform(
                seed=keras.random.SeedGenerator(self.seed, name=MODEL_NAME + "_seed")
            ),
            name=MODEL_NAME,
        )
        if setting["optimizer"] == "sgd":
            # Compiled with the optimizer alone: train_fast reads the loss from the softmax
            # output (sparse categorical crossentropy), as for the uncompiled Adam model.
            model.compile(
                optimizer=keras.optimizers.SGD(
                    learning_rate=setting["learning_rate"], name=MODEL_NAME + "_sgd"
                )
            )
        return model

    def _train_and_draw(self, generation: int, setting: dict[str, Any], changed: float):
        """(model, history, result, png, caption) for one setting, or None once it is stale.

        Pictures drawn while training go straight to `.image` and `.caption` (if the setting
        is still the newest); the finished one is returned. `changed` is the
        `time.perf_counter()` of the change that asked for this setting.
        """
        if self._is_stale(generation):
            return None  # a newer change came while this one waited: build nothing
        epochs = setting["epochs"]
        model = self._build(setting)
        drawing = [0.0]  # seconds spent drawing while training, not counted as training time
        last_picture = [changed]

        def progress(done: int, history: dict[str, list[float]]) -> None:
            words = f"training {_name(setting)}… epoch {done}/{epochs}"
            if not self._background.publish(
                generation, lambda: setattr(self.status, "value", words)
            ):
                return
            started = time.perf_counter()
            if done >= epochs or started - last_picture[0] < FRAME_GAP:
                return  # the finished picture is drawn below; quick runs draw only that one
            picture = (_draw(history, setting, None), _training_caption(history, setting))
            last_picture[0] = time.perf_counter()
            drawing[0] += last_picture[0] - started
            self._background.publish(generation, lambda: self._put(generation, picture))

        adam = setting["optimizer"] == "adam"
        started = time.perf_counter()
        history = self._training.train_fast(
            model,
            *self._arrays["train"],
            epochs=epochs,
            batch_size=setting["batch_size"],
            # Adam: a fresh one at this rate; SGD: the optimizer the model was compiled with.
            learning_rate=setting["learning_rate"] if adam else None,
            validation_data=self._arrays["validation"],
            seed=self.seed,
            chunk=1,
            # Adam trains every width, rate and batch size in one compiled loop, traced once;
            # SGD is the model's own optimizer, so each setting traces a loop of its own.
            shared_loop=adam,
            should_stop=lambda: self._is_stale(generation),
            on_progress=progress,
        )
        seconds = time.perf_counter() - started - drawing[0]
        if self._is_stale(generation):
            return None
        test_loss, test_accuracy = _evaluate(model, *self._arrays["test"])
        dead = _dead_units(model, self._arrays["train"][0])
        verdict, verdict_words = _verdict(history, model, dead)
        result = {
            "test_accuracy": test_accuracy,
            "test_loss": test_loss,
            "parameters": int(model.count_params()),
            "epochs_done": len(history["loss"]),
            "seconds": seconds,
            "verdict": verdict,
            "dead_units": dead[0],
        }
        png = _draw(history, setting, test_accuracy)
        caption = (
            f"{_name(setting, parameters=False)}, {result['parameters']:,} parameters, "
            f"{_optimizer_words(setting)}: test accuracy {test_accuracy:.2f} after "
            f"{epochs} {'epoch' if epochs == 1 else 'epochs'}. {verdict_words} "
            f"Left: the loss per epoch; right: the accuracy (training solid with circles, "
            f"validation dashed with squares, the test accuracy a star; dotted: a model that "
            f"guesses the ten digits evenly, loss ln 10 = {UNIFORM_LOSS:.2f}, accuracy 0.1)."
        )
        return model, history, result, png, caption


# --- words and numbers ----------------------------------------------------------------------


def _optimizer_words(setting: dict[str, Any]) -> str:
    """``"Adam at 0.001, batch 32"``."""
    name = OPTIMIZERS[setting["optimizer"]]
    return f"{name} at {setting['learning_rate']:g}, batch {setting['batch_size']}"


def _name(setting: dict[str, Any], *, parameters: bool = True) -> str:
    """``"64-32 units (6,570 parameters), Adam at 0.001, batch 32"``, or ``"64-32 units"``."""
    units = f"{setting['hidden_1']}-{setting['hidden_2']} units"
    if not parameters:
        return units
    count = parameter_count(setting["hidden_1"], setting["hidden_2"])
    return f"{units} ({count:,} parameters), {_optimizer_words(setting)}"


def _training_caption(history: dict[str, list[float]], setting: dict[str, Any]) -> str:
    """The caption of a picture drawn while training."""
    done, epochs = len(history["loss"]), setting["epochs"]
    return (
        f"{_name(setting, parameters=False)}, "
        f"{parameter_count(setting['hidden_1'], setting['hidden_2']):,} parameters, "
        f"{_optimizer_words(setting)}: still training, epoch {done} of {epochs} (training "
        f"loss {history['loss'][-1]:.2f}, validation accuracy {history['val_accuracy'][-1]:.2f})."
    )


def _evaluate(model: Any, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(loss, accuracy) on (x, y): Keras' sparse categorical crossentropy and the share of
    images whose most probable digit is the label."""
    import keras

    probabilities = model(x, training=False)
    loss = float(keras.losses.SparseCategoricalCrossentropy()(y, probabilities))
    return loss, float(np.mean(np.argmax(np.asarray(probabilities), axis=1) == y))


def _verdict(history: dict[str, list[float]], model: Any, dead: tuple[int, int]) -> tuple[str, str]:
    """What the training loss did, as a keyword and a sentence that states what was measured.

    In order: "diverged" (the loss became NaN or infinite, or ended above its first epoch's
    value), "no better than guessing" (it ended at or above ln 10, the loss of an even guess),
    "barely learned" (above 90 % of ln 10), "unstable" (it ended more than 0.1, and more than
    half, above its lowest), "partly learned" (above half of ln 10), else "learned", with a
    note when it was still falling fast or the validation loss had turned up. Unless it
    learned, the sentence counts the hidden units that output 0 for every training image
    after training: `dead` is (those units, hidden units in all), as `_dead_units` counts.
    """
    loss = np.asarray(history["loss"], dtype=np.float64)
    epochs = len(loss)
    first, last = loss[0], loss[-1]
    lowest = int(np.argmin(loss)) if np.all(np.isfinite(loss)) else 0
    bad = np.flatnonzero(~np.isfinite(loss))
    if bad.size:
        what = "NaN (not a number)" if np.isnan(loss[bad[0]]) else "infinite"
        verdict, words = (
            "diverged",
            f"Diverged: the training loss became {what} in epoch {bad[0] + 1}",
        )
        if not all(np.all(np.isfinite(w)) for w in model.get_weights()):
            words += ", and the weights are no longer finite numbers"
        words += "."
    elif epochs > 1 and last > first:
        verdict, words = (
            "diverged",
            (
                f"Diverged: the training loss rose from {first:.2f} in epoch 1 to {last:.2f} in "
                f"epoch {epochs}."
            ),
        )
    elif last >= UNIFORM_LOSS:
        verdict, words = (
            "no better than guessing",
            (
                f"No better than guessing: the training loss ended at {last:.2f}, at or above the "
                f"{UNIFORM_LOSS:.2f} of an even guess."
            ),
        )
    elif last > 0.9 * UNIFORM_LOSS:
        verdict, words = (
            "barely learned",
            (
                f"Barely learned: the training loss ended at {last:.2f}, only a little below the "
                f"{UNIFORM_LOSS:.2f} of an even guess."
            ),
        )
    elif last > loss[lowest] + 0.1 and last > 1.5 * loss[lowest]:
        verdict, words = (
            "unstable",
            (
                f"Unstable: the training loss climbed back from {loss[lowest]:.2f} in epoch "
                f"{lowest + 1} to {last:.2f}."
            ),
        )
    elif last > UNIFORM_LOSS / 2:
        verdict, words = (
            "partly learned",
            (
                f"Partly learned: the training loss fell from {first:.2f} to {last:.2f}, still "
                f"closer to the {UNIFORM_LOSS:.2f} of an even guess than to 0."
            ),
        )
    else:
        return "learned", _learned_words(history)
    if dead[0]:
        words += (
            f" {dead[0]} of the {dead[1]} hidden units output 0 for every training image: dead "
            "ReLUs, whose weights no gradient reaches."
        )
    return verdict, words


def _learned_words(history: dict[str, list[float]]) -> str:
    """The sentence for a run that learned: how far the loss fell, and what it did last."""
    loss = np.asarray(history["loss"], dtype=np.float64)
    words = f"Learned: the training loss fell from {loss[0]:.2f} to {loss[-1]:.2f}."
    if len(loss) > 1 and loss[-1] < 0.9 * loss[-2]:
        words += " It fell by more than 10 % in the last epoch: more epochs may lower it further."
    val_loss = np.asarray(history.get("val_loss", []), dtype=np.float64)
    if val_loss.size > 1 and np.all(np.isfinite(val_loss)):
        best = int(np.argmin(val_loss))
        if val_loss[-1] > 1.1 * val_loss[best] and loss[-1] < loss[best]:
            words += (
                f" The validation loss ended above its lowest (epoch {best + 1}) while the "
                "training loss kept falling: the first sign of overfitting (lesson 06)."
            )
    return words


def _dead_units(model: Any, x: np.ndarray) -> tuple[int, int]:
    """(hidden units whose output is 0 for every row of `x`, hidden units in all)."""
    dead = units = 0
    hidden = x
    for layer in model.layers[:-1]:
        hidden = np.asarray(layer(hidden, training=False))
        dead += int(np.sum(np.all(hidden == 0, axis=0)))
        units += hidden.shape[1]
    return dead, units


def _draw(
    history: dict[str, list[float]], setting: dict[str, Any], test_accuracy: float | None
) -> bytes:
    """The two panels (loss, accuracy) as PNG bytes; `test_accuracy` None while training."""
    from matplotlib.ticker import MaxNLocator

    epochs = setting["epochs"]
    done = len(history["loss"])
    figure = render.new_figure(*FIGURE_SIZE, dpi=DPI)
    loss_ax = figure.add_axes((0.07, 0.14, 0.34, 0.7))
    accuracy_ax = figure.add_axes((0.5, 0.14, 0.34, 0.7))  # the legend to its right
    x = np.arange(1, done + 1)
    for ax, metric, uniform in ((loss_ax, "loss", UNIFORM_LOSS), (accuracy_ax, "accuracy", 0.1)):
        ax.plot(x, history[metric], color=TRAIN_COLOR, linestyle="-", marker="o", markersize=3,
                label="training")  # fmt: skip
        ax.plot(x, history["val_" + metric], color=VALIDATION_COLOR, linestyle="--", marker="s",
                markersize=3, markerfacecolor="none", label="validation")  # fmt: skip
        ax.axhline(uniform, color="0.4", linestyle=":", linewidth=1.2, label="even guess")
        ax.set_xlim(0.5, epochs + 0.5)  # the whole run, so the curves grow across it
        ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    finite = [
        value
        for key in ("loss", "val_loss")
        for value in history[key]
        if math.isfinite(value)
    ]  # fmt: skip
    top = max([UNIFORM_LOSS, *finite])
    loss_ax.set_ylim(0, 1.08 * top)
    loss_ax.set_ylabel("loss (crossentropy)")
    loss_ax.set_title("loss per epoch", fontsize=10)
    if test_accuracy is not None:
        accuracy_ax.plot([done], [test_accuracy], linestyle="none", marker="*", markersize=11,
                         color="black", label=f"test ({test_accuracy:.2f})")  # fmt: skip
    accuracy_ax.set_ylim(0, 1.02)
    accuracy_ax.set_ylabel("accuracy")
    accuracy_ax.set_title("accuracy per epoch", fontsize=10)
    accuracy_ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    when = f"epoch {done} of {epochs}" + ("" if test_accuracy is not None else ", training")
    figure.suptitle(f"{_name(setting, parameters=False)}, {_optimizer_words(setting)}: {when}",
                    fontsize=11)  # fmt: skip
    return render.figure_to_png(figure)


# --- the builder ----------------------------------------------------------------------------


def training_explorer(
    *,
    hidden_1: int = 64,
    hidden_2: int = 32,
    optimizer: str = "adam",
    learning_rate: float = 0.001,
    batch_size: int = 32,
    epochs: int = 15,
    seed: int = 0,
) -> TrainingExplorer:
    """Build the training explorer (display it as a cell's last expression).

    It trains lesson 02's network, ``64 -> hidden_1 relu -> hidden_2 relu -> 10 softmax``,
    on the 8x8 digits (sparse categorical crossentropy; the last 20 % of the training images
    held back for validation, as ``fit(..., validation_split=0.2)`` does) and shows loss and
    accuracy per epoch with the test accuracy. The defaults are the lesson's settings. The
    first picture is drawn before this returns; later changes train in the background (call
    ``.wait()`` to block until the picture is current).

    Args:
        hidden_1: units of the first hidden layer, 1 to 128.
        hidden_2: units of the second hidden layer, 1 to 128.
        optimizer: ``"adam"`` or ``"sgd"`` (plain stochastic gradient descent, no momentum).
        learning_rate: the optimizer's step size, one of 0.0001, 0.0003, 0.001, 0.003, 0.01,
            0.03, 0.1, 0.3, 1.
        batch_size: images per optimizer step, one of 8, 16, 32, 64, 128, 256.
        epochs: passes over the 1,077 training images, 1 to 50.
        seed: seed of the data split, the starting weights and the batches' order (0 to
            2**32 - 1; a lesson passes the one `hlcourse.setup()` returned).

    Returns:
        A `TrainingExplorer` (an `ipywidgets.VBox`).
    """
    hidden_1 = v.check_int("hidden_1", hidden_1, low=1, high=MAX_UNITS)
    hidden_2 = v.check_int("hidden_2", hidden_2, low=1, high=MAX_UNITS)
    optimizer = v.check_choice("optimizer", optimizer, tuple(OPTIMIZERS))
    learning_rate = v.check_step(
        "learning_rate", learning_rate, LEARNING_RATES, hint="These are the steps of its control"
    )
    batch_size = int(
        v.check_step(
            "batch_size", batch_size, BATCH_SIZES, hint="These are the steps of its control"
        )
    )
    epochs = v.check_int("epochs", epochs, low=1, high=MAX_EPOCHS)
    seed = v.check_seed("seed", seed)
    return TrainingExplorer(hidden_1, hidden_2, optimizer, learning_rate, batch_size, epochs, seed)
