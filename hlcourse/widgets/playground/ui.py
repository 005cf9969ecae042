"""The playground's interface (lesson 12): TensorFlow Playground inside JupyterLab, on real Keras.

`playground()` returns a `Playground` (an ``ipywidgets.VBox``) on a
`hlcourse.playground.PlaygroundEngine`. What TensorFlow Playground (TFP) shows is there, with
its ranges and steps:

- the data: a thumbnail per dataset of the problem type (classification: circle, xor, gauss,
  spiral; regression: plane, multi-Gaussian), drawn as TFP draws them (200 points, noise 0),
  noise 0-50 % in steps of 5 (more if a link holds up to 80), the training share 10-90 % in
  steps of 10, the batch size 1-30 and "Regenerate" (new points from a new seed, the network
  kept);
- the input features x1, x2, x1², x2², x1·x2, sin x1, sin x2, each a toggle with its own map;
- the network: "+" / "−" for hidden layers (0-6) and, above each layer, for its neurons
  (1-8); activation, learning rate, regularization and its rate, problem type and (beyond
  TFP) the recipe (TFP's or Keras's defaults) and the initialization;
- training: play / pause (one toggle button, the main control), step (exactly one epoch),
  reset, the epoch counter (``Epoch 000,123``), test and training loss and their chart from
  epoch 0, its height from the lowest loss to the highest;
- the network view (`hlcourse.widgets.playground.network.NetworkView`): every neuron's map,
  each weight a line coloured by its value and ``1 + 1.8 |w|`` wide, each neuron's bias a
  small square. Hovering (or focusing) a node shows its map in the output view; clicking a
  weight or a bias opens a number field, and Enter sets it in the Keras model;
- the output's map (the main picture) with axes from -6 to 6, "Show test data" and
  "Discretize output";
- a diagnostics strip: lesson 08's per-layer statistics and the problems its rules flag;
- the configuration: TFP's URL hash, a box that takes a TFP link or hash (a bad one is
  refused with a message, the playground unchanged) and the TFP link of the current setup;
  ``<control>_hide=true`` in it hides that control, as in TFP; "Show as code" (Keras code that
  builds the same network) and "Take the model" (a copy of the trained model in ``.model``).

How it works: `Playground` is a `hlcourse.widgets.playground.controls.PlaygroundControls` (the
controls, laid out, showing a state) given behaviour here; what it draws comes from
`hlcourse.widgets.playground.pictures` and what it says from
`hlcourse.widgets.playground.words`. Every control maps to a new `PlaygroundState` (``state.with_changes(...)`` and
friends) handed to ``engine.set_state``, whose message is shown in `status`; controls are
disabled where the next value would be invalid (no seventh layer, no ninth neuron), so invalid
states cannot be reached. Play starts the engine's training thread
(``engine.play(on_chunk=...)``); the callback only marks the view stale, and a second thread
(`VIEW_THREAD_NAME`) draws the newest frame (`hlcourse.playground.make_frame`: colour lookups
and PNG encoding, no matplotlib) at most `MAX_REFRESH_PER_SECOND` times a second (less
often on a machine so busy that a refresh takes longer, `DRAW_SHARE`), so neither training nor
the kernel waits for pictures. Pause returns within half a second, then draws the last
epoch. Changing the architecture or the data while playing pauses (the engine does it and says
so). One playground trains at a time: building or playing one pauses the others of the kernel
(a cell run again must not leave its old playground training unseen). `Playground.close`
pauses and leaves no thread behind.

One module because what is left here is one object's behaviour: the handlers, the play and
draw threads and `close` share the widget's lock and its idea of what is current; the controls,
pictures and words are already modules of their own.
"""

from __future__ import annotations

import collections
import html
import math
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from hlcourse.playground import frames as playground_frames
from hlcourse.playground.engine import PLAY_THREAD_NAME as ENGINE_THREAD_NAME
from hlcourse.playground.engine import PlaygroundEngine
from hlcourse.playground.frames import Frame, make_frame
from hlcourse.playground.model import model_as_code
from hlcourse.playground.state import FEATURE_LABELS, MAX_LAYERS, PlaygroundState, as_state
from hlcourse.widgets.playground.controls import PlaygroundControls
from hlcourse.widgets.playground.network import network_svg, parse_item
from hlcourse.widgets.playground.pictures import loss_chart, with_axes
from hlcourse.widgets.playground.words import (
    caption,
    diagnostics_html,
    epoch_text,
    html_block,
    item_words,
    loss_text,
)

__all__ = [
    "DRAW_SHARE",
    "ENGINE_THREAD_NAME",
    "MAX_REFRESH_PER_SECOND",
    "VIEW_THREAD_NAME",
    "Playground",
    "epoch_text",
    "playground",
]

MAX_REFRESH_PER_SECOND = 25
"""Pictures drawn per second at most while playing (the training runs on in between)."""
DRAW_SHARE = 1.2
"""While playing, a refresh starts at least this many times the last one's duration after the
last one began: on a busy machine the view draws less often rather than all the time, and
training keeps most of the processor."""
VIEW_THREAD_NAME = "hlc-playground-view"
"""Name of the thread that draws frames while playing (tests look for leftovers by it)."""

_LIVE: weakref.WeakSet = weakref.WeakSet()  # the playgrounds of this kernel not closed yet


class Playground(PlaygroundControls):
    """TensorFlow Playground's interface on a `PlaygroundEngine` (build it with `playground`).

    Drive it from code as a learner drives it with the mouse: set ``.value`` of a control,
    ``.click()`` a button, or set the network view's ``hovered`` / ``edit`` as the browser does.
    Read what it shows from `image` (PNG bytes), `caption`, `epoch_counter`, `losses`,
    `network` (``network.svg``), `diagnostics` and `status` (HTML text).

    Attributes:
        engine: the `PlaygroundEngine` (its ``state`` is the playground's state).
        model: the Keras model "Take the model" handed out last (None before).
        frame: the `hlcourse.playground.Frame` shown now.
        errors: exceptions raised by a control's handler or by drawing (empty when all went
            well); each is also shown in `status`.
        draw_seconds: seconds each of the last 100 refreshes took (make the frame, update the
            widgets); refreshes: how many there were since the playground was built.
        play: the play / pause toggle (the main control): ``value`` True plays.
        step, reset: buttons: train exactly one epoch; new starting weights, epoch 0.
        epoch_counter: HTML, ``"Epoch 000,123"`` (CSS class ``hlc-epoch-counter``).
        dataset: toggle buttons of the problem's datasets (`thumbnails` shows each one's
            points); noise, train_share, batch_size: sliders; regenerate: a button (new
            points from a new seed, the network kept).
        features: ``{feature id: ToggleButton}`` (ids in `hlcourse.playground.FEATURES`);
            feature_images: ``{feature id: Image}``, each feature's map.
        add_layer, remove_layer: buttons; add_neuron, remove_neuron: one button per possible
            hidden layer (6), shown for the layers there are; layers_label, neuron_labels:
            what they count.
        activation, learning_rate, regularization, regularization_rate, problem, recipe, init:
            drop-downs with the state's allowed values.
        network: the network view, a `hlcourse.widgets.playground.network.NetworkView`: its
            ``svg`` draws neurons as maps, weights as lines, biases as squares; hovering a
            node (``hovered``) shows its map in `image`; a weight or bias typed in (``edit``)
            is set in the model, the answer in its ``note``.
        image: the output's map with axes from -6 to 6, or the hovered node's map (PNG, CSS
            class ``hlc-main-picture``); caption: it in words.
        show_test_data, discretize: the output's two check boxes.
        losses: test_loss_text and train_loss_text (HTML); loss_chart: Image (PNG) of both
            from epoch 0 on.
        diagnostics: HTML, lesson 08's per-layer statistics and flags.
        status: HTML, what the last action did (the engine's message) or why it was refused.
        config: Textarea with TensorFlow Playground's hash of the setup; apply: applies the
            text in it (a TFP link, a ``#hash`` or a bare hash); link: HTML, the TFP link of
            the setup. Controls the state hides (``<name>_hide=true``) are not shown.
        show_code: toggle showing `code` (a Textarea with ``model_as_code(state)``, kept up
            to date while it is shown).
        take: "Take the model": stores a copy of the trained model in `model`.
    """

    def __init__(self, state: PlaygroundState):
        self.errors: list[BaseException] = []
        self.model: Any = None
        self.frame: Frame | None = None
        self.draw_seconds: collections.deque[float] = collections.deque(maxlen=100)
        self.refreshes = 0
        self._closed = True  # until built: close() then has nothing of ours to stop
        self._view_lock = threading.RLock()  # one refresh at a time, the newest last
        self._dirty = threading.Event()  # set by the training thread after each chunk
        self._view_stop = threading.Event()
        self._view_thread: threading.Thread | None = None
        self._last_draw = 0.0  # when the last refresh began (perf_counter)
        self._last_duration = 0.0
        self._shown_features: dict[str, bytes] = {}
        self._code_state: PlaygroundState | None = None  # the state `code` shows
        self.engine = PlaygroundEngine(state)
        self.engine.warm_up()  # play is fast from its first second

        super().__init__()  # every control, laid out
        self._connect()
        self._closed = False
        self._pause_the_others()
        _LIVE.add(self)
        self._sync_controls(self.engine.state)
        self.refresh()

    def _connect(self) -> None:
        self.play.observe(self._on_play, names="value")
        self.step.on_click(self._handler(self._on_step))
        self.reset.on_click(self._handler(self._on_reset))
        settings = {
            "dataset": self.dataset, "noise": self.noise, "train_share": self.train_share,
            "batch_size": self.batch_size, "activation": self.activation,
            "learning_rate": self.learning_rate, "regularization": self.regularization,
            "regularization_rate": self.regularization_rate, "problem": self.problem,
            "recipe": self.recipe, "init": self.init, "show_test_data": self.show_test_data,
            "discretize": self.discretize,
        }  # fmt: skip
        for setting, control in settings.items():
            control.observe(self._setting_handler(setting), names="value")
        for feature, toggle in self.features.items():
            toggle.observe(self._feature_handler(feature), names="value")
        self.regenerate.on_click(self._handler(self._on_regenerate))
        self.add_layer.on_click(self._button(lambda s: s.add_layer()))
        self.remove_layer.on_click(self._button(lambda s: s.remove_layer()))
        for i in range(MAX_LAYERS):
            self.add_neuron[i].on_click(self._button(lambda s, i=i: s.add_neuron(i)))
            self.remove_neuron[i].on_click(self._button(lambda s, i=i: s.remove_neuron(i)))
        self.apply.on_click(self._handler(self._on_apply))
        self.take.on_click(self._handler(self._on_take))
        self.show_code.observe(self._handler(self._on_show_code), names="value")
        self.network.observe(self._handler(self._on_hover), names="hovered")
        self.network.observe(self._handler(self._on_edit), names="edit")

    # --- public ----------------------------------------------------------------------------

    @property
    def state(self) -> PlaygroundState:
        """The playground's current `PlaygroundState` (the engine's)."""
        return self.engine.state

    @property
    def playing(self) -> bool:
        """True while the engine trains in the background."""
        return self.engine.playing

    def refresh(self) -> Frame:
        """Draw the engine's network now (make a frame, put it on screen) and return the frame."""
        with self._view_lock:
            started = time.perf_counter()
            frame = make_frame(self.engine)
            self._show(frame)
            self._last_draw = started
            self._last_duration = time.perf_counter() - started
            self.draw_seconds.append(self._last_duration)
            self.refreshes += 1
        return frame

    def close(self) -> None:
        """Pause, stop the drawing thread and close every widget of the playground."""
        if getattr(self, "_closed", True):  # closed already, or never finished building
            super().close()
            return
        self._closed = True
        self.engine.pause()
        self._stop_view()
        self.engine.close()
        _LIVE.discard(self)
        for child in [*_descendants(self), *self.thumbnail_images.values()]:
            if child is not self:
                child.close()
        super().close()

    # --- handlers -----------------------------------------------------------------------------

    def _handler(self, act: Callable[..., Any]) -> Callable[..., None]:
        """`act`, with any exception kept in `errors` and shown in `status` (never lost in the
        browser's log)."""

        def handle(*args: Any) -> None:
            if self.syncing or self._closed:
                return
            try:
                act(*args)
            except Exception as err:  # shown to the learner, kept for tests
                self.errors.append(err)
                self._say(f"Something went wrong: {type(err).__name__}: {err}", problem=True)

        return handle

    def _setting_handler(self, setting: str) -> Callable[..., None]:
        return self._handler(lambda change: self._change(lambda s: s.with_changes(
            **{setting: change["new"]})))  # fmt: skip

    def _feature_handler(self, feature: str) -> Callable[..., None]:
        return self._handler(
            lambda change: self._change(lambda s: s.toggle_feature(feature, on=change["new"]))
        )

    def _button(self, make: Callable[[PlaygroundState], PlaygroundState]) -> Callable[..., None]:
        return self._handler(lambda _button: self._change(make))

    def _change(self, make: Callable[[PlaygroundState], PlaygroundState]) -> None:
        """Move the engine to ``make(state)``; a refused change leaves everything as it was."""
        old = self.engine.state
        try:
            new = make(old)
        except (TypeError, ValueError) as err:
            self._sync_controls(old)
            self._say(f"Not changed: {err}", problem=True)
            return
        self._go_to(new)

    def _go_to(self, new: PlaygroundState) -> None:
        message = self.engine.set_state(new)
        self.engine.warm_up()  # compile the fast loop for the new shapes before play
        if not self.engine.playing:
            self._stop_view()  # the engine paused itself (a new network or new points)
        self._sync_controls(self.engine.state)
        if new.layer_sizes != self._network_sizes:  # a field open on the old network closes
            self.network.editing = ""
            self.network.note = ""
        self.refresh()
        self._say(message)

    @property
    def _network_sizes(self) -> tuple[int, ...]:
        """The sizes of the network the view shows now, inputs first (empty before any)."""
        return self.frame.state.layer_sizes if self.frame is not None else ()

    def _on_play(self, change: dict) -> None:
        if self.syncing or self._closed:
            return
        try:
            if change["new"] and not self.engine.playing:
                self._pause_the_others()
                self.engine.play(on_chunk=self._on_chunk)
                # Said before the drawing thread starts: its report of a failed training
                # must come after, or a slow kernel would cover it with "Playing".
                self._say("Playing: the network trains until you press Pause.")
                self._start_view()
            elif not change["new"]:
                was_playing = self.engine.playing
                self.engine.pause()
                self._stop_view()
                self.refresh()
                if was_playing:
                    self._say(f"Paused at epoch {self.engine.epoch:,}.")
            self._sync_play()
        except Exception as err:
            self.errors.append(err)
            self._say(f"Something went wrong: {type(err).__name__}: {err}", problem=True)

    def _pause_the_others(self) -> None:
        """Pause every other playground of this kernel: one trains at a time (a cell run again
        makes a new playground; the old one, no longer on screen, must not train on)."""
        for other in list(_LIVE):
            if other is not self and other.engine.playing:
                other.play.value = False

    def _on_step(self, _button: Any) -> None:
        self.engine.step()  # pauses first if playing
        self._stop_view()
        self._sync_play()
        self.refresh()
        self._say(f"One epoch trained: epoch {self.engine.epoch:,}.")

    def _on_reset(self, _button: Any) -> None:
        self.engine.reset()
        self._stop_view()
        self._sync_play()
        self.refresh()
        self._say("Reset: new starting weights, epoch 0.")

    def _on_apply(self, _button: Any) -> None:
        try:
            new = PlaygroundState.from_config(self.config.value)
        except (TypeError, ValueError) as err:
            self._say(
                f"The configuration was not applied, the playground is unchanged: {err}",
                problem=True,
            )
            return
        self._go_to(new)
        self._say(f"Configuration applied. {self.engine.message}".strip())

    def _on_take(self, _button: Any) -> None:
        self.model = self.engine.take_model()
        self._say(
            f"Taken: a copy of the network as trained until epoch {self.engine.epoch:,} (test "
            f"loss {loss_text(self.engine.test_loss)}) is in this playground's "
            "<code>.model</code>. Keep it with <code>model = pg.model</code> (pg: the name you "
            "gave the playground): a Keras model, e.g. <code>model.summary()</code>."
        )

    def _on_regenerate(self, _button: Any) -> None:
        self.engine.regenerate()  # new seed and points; the network and its epoch are kept
        self._sync_controls(self.engine.state)
        self.refresh()
        self._say(html.escape(self.engine.message))

    def _on_hover(self, change: dict) -> None:
        """The pointer (or the keyboard's focus) moved to a node, or off the nodes."""
        with self._view_lock:  # the drawing thread may be showing a frame right now
            if self.frame is not None:
                self._show_main_picture(self.frame)

    def _hovered_node(self, state: PlaygroundState) -> tuple[str, Any] | None:
        """What the network view points at now, if it is a node of `state`'s network other
        than the output: ``("input", feature)`` or ``("neuron", (layer, node))``."""
        key = self.network.hovered
        kind, _, rest = key.partition(":")
        if kind == "input" and rest in state.features:
            return "input", rest
        if kind == "neuron":
            layer, _, node = rest.partition(":")
            if layer.isdigit() and node.isdigit():
                layer_index, node_index = int(layer), int(node)
                if layer_index < len(state.layers) and node_index < state.layers[layer_index]:
                    return "neuron", (layer_index, node_index)
        return None

    def _show_main_picture(self, frame: Frame) -> None:
        """The output's map, or the hovered node's map, with axes, and its words."""
        node = self._hovered_node(frame.state)
        try:
            png, words = self._node_picture(frame, node)
        except ValueError:
            if self.engine.state == frame.state:
                raise
            # The network changed while this frame was drawn (the drawing thread raced a
            # change): the output for now, the next frame shows the node again.
            png, words = self._node_picture(frame, None)
        self.image.value = with_axes(png)
        self.caption.value = html_block(words)

    def _node_picture(self, frame: Frame, node: tuple[str, Any] | None) -> tuple[bytes, str]:
        """The picture of `node` (`_hovered_node`), or of the output for None, and its words."""
        if node is None:
            return frame.output_png, caption(frame)
        if node[0] == "input":
            png = playground_frames.input_picture(self.engine, node[1], discretize=frame.discretize)
            return png, (
                f"Showing the input {FEATURE_LABELS[node[1]]} over the plane (clamped to -1..1: "
                "orange -1, blue +1). Move the pointer off the network to see its output again."
            )
        layer, index = node[1]
        png = playground_frames.neuron_picture(
            self.engine, layer, index, discretize=frame.discretize
        )
        return png, (
            f"Showing neuron {index + 1} of hidden layer {layer + 1} over the plane (orange "
            "-1, blue +1). Move the pointer off the network to see its output again."
        )

    def _on_edit(self, change: dict) -> None:
        """Enter was pressed in the view's number field: set that weight or bias."""
        edit = change["new"] or {}
        item, text = edit.get("item", ""), edit.get("text", "")
        try:
            kind, index = parse_item(item, self.engine.state.layer_sizes)
            value = _parse_value(text)
            if kind == "weight":
                self.engine.set_weight(*index, value)
            else:
                self.engine.set_bias(*index, value)
        except (TypeError, ValueError) as err:
            message = f"Not changed: {err}"
            self.network.note = "⚠ " + message
            self._say(message, problem=True)
            return
        self.network.editing = ""
        self.refresh()
        name = item_words(kind, index, self.engine.state)
        message = f"{name} set to {value:g} (the epoch kept)."
        self.network.note = message
        self._say(html.escape(message))

    def _on_show_code(self, change: dict) -> None:
        self._sync_code(self.engine.state)
        self.code.layout.display = None if change["new"] else "none"
        self.show_code.description = "Hide code" if change["new"] else "Show as code"

    def _sync_code(self, state: PlaygroundState) -> None:
        """The code box shows `state`'s model while it is open (writing the code makes the
        data again, which takes a moment: not for every change while it is closed)."""
        if self.show_code.value and self._code_state != state:
            self.code.value = model_as_code(state)
            self._code_state = state

    def _on_chunk(self, _engine: Any) -> None:
        """Called by the engine's training thread after every chunk: only marks the view."""
        self._dirty.set()

    # --- the drawing thread -------------------------------------------------------------------

    def _start_view(self) -> None:
        thread = self._view_thread
        if thread is not None and thread.is_alive():
            return
        self._view_stop = threading.Event()
        self._dirty.clear()
        self._view_thread = threading.Thread(
            target=self._view_loop, args=(self._view_stop,), name=VIEW_THREAD_NAME, daemon=True
        )
        self._view_thread.start()

    def _stop_view(self) -> None:
        self._view_stop.set()
        self._dirty.set()  # wake it
        thread = self._view_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(5.0)
            if not thread.is_alive():
                self._view_thread = None

    def _view_loop(self, stop: threading.Event) -> None:
        """Draw the newest frame after each chunk, at most MAX_REFRESH_PER_SECOND a second,
        until stopped; if the engine stops by itself (an error), say so and end."""
        interval = 1.0 / MAX_REFRESH_PER_SECOND
        try:
            while not stop.is_set():
                if not self._dirty.wait(0.1):
                    if self.engine.playing or stop.is_set():
                        continue
                    self._stopped_by_itself()
                    return
                # One interval after the last draw began, later if drawing is slow.
                spacing = max(interval, DRAW_SHARE * self._last_duration)
                wait = self._last_draw + spacing - time.perf_counter()
                if wait > 0 and stop.wait(wait):
                    return
                self._dirty.clear()
                self.refresh()
        except Exception as err:  # kept and shown; the training goes on without pictures
            self.errors.append(err)
            self._say(f"Drawing failed: {type(err).__name__}: {err}", problem=True)

    def _stopped_by_itself(self) -> None:
        """The engine's thread ended without a pause (an exception in training)."""
        self.refresh()
        error = self.engine.error
        if error is not None:
            self.errors.append(error)
            self._say(f"Training stopped: {type(error).__name__}: {error}", problem=True)
        self.play.value = False  # _on_play sees the engine stopped: no pause needed

    # --- showing ------------------------------------------------------------------------------

    def _say(self, text: str, problem: bool = False) -> None:
        """Put `text` (trusted HTML or plain words) in the status line."""
        if not text:
            self.status.value = ""
            return
        mark = "⚠ " if problem else ""
        body = html.escape(text) if problem else text
        self.status.value = html_block(f"{mark}{body}", role="status")

    def _sync_play(self) -> None:
        self.show_playing(self.engine.playing)

    def _sync_controls(self, state: PlaygroundState) -> None:
        """Every control shows `state`, the code box too while it is open."""
        self.show_state(state)
        self._sync_code(state)
        self._sync_play()

    def _show(self, frame: Frame) -> None:
        """Put `frame` on screen (called with the view lock held)."""
        self.frame = frame
        for feature, png in frame.feature_pngs.items():
            if self._shown_features.get(feature) != png:
                self.feature_images[feature].value = png
                self._shown_features[feature] = png
        self.epoch_counter.value = epoch_text(frame.epoch)
        self.test_loss_text.value = html_block(
            f"Test loss <b>{loss_text(frame.test_loss)}</b> (black line)&emsp;"
        )
        self.train_loss_text.value = html_block(
            f"Training loss <b>{loss_text(frame.train_loss)}</b> (grey line)"
        )
        self.loss_chart.value = loss_chart(frame.train_history, frame.test_history)
        self._show_main_picture(frame)
        dead = self.engine.dead_links
        if [d.shape for d in dead] != [k.shape for k in frame.kernels]:
            dead = None  # the network changed since the frame was made: the next one shows it
        self.network.svg = network_svg(frame, dead)
        self.diagnostics.value = diagnostics_html(frame)


def _parse_value(text: Any) -> float:
    """What the learner typed in a weight's or bias's field, as a finite number."""
    try:
        value = float(str(text).strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(
            f"Expected a number such as 0.5 or -1.2. Received: {str(text)!r}. Type a number "
            "and press Enter (Escape closes the field)."
        )
    return value


def _descendants(widget: Any) -> list:
    """`widget` and every widget inside it (children of boxes), each once."""
    found: dict[int, Any] = {}
    stack = [widget]
    while stack:
        item = stack.pop()
        if id(item) in found:
            continue
        found[id(item)] = item
        stack.extend(getattr(item, "children", ()))
    return list(found.values())


# --- the builder --------------------------------------------------------------------------------


def playground(state: PlaygroundState | str | None = None) -> Playground:
    """Build the playground (display it as a cell's last expression).

    Args:
        state: where to start: a `hlcourse.playground.PlaygroundState`, a TensorFlow
            Playground link or hash (``state.to_config()``, e.g.
            ``"dataset=xor&networkShape=4"``; missing keys take the defaults), or None for
            TensorFlow Playground's defaults (circle, x1 and x2, layers 4 and 2, tanh,
            learning rate 0.03).

    Returns:
        A `Playground` (an ``ipywidgets.VBox``); ``pg.engine`` trains, ``pg.state`` is the
        current state, ``pg.model`` holds the model "Take the model" handed out.
    """
    if state is None:
        state = PlaygroundState()
    else:
        state = as_state(state, "state", "a PlaygroundState, its configuration string, or None")
    return Playground(state)
