"""The playground: a TensorFlow-Playground-class lab on a real Keras model (lesson 12).

The package is the lab's engine, without its user interface (that is `widgets`' job):

- `state`: `PlaygroundState`, every setting of TensorFlow Playground plus a recipe
  and an initialization switch, validated, immutable; its link is TensorFlow Playground's own
  (`to_link` / `from_link`, the hash alone with `to_config` / `from_config`): each opens the
  other's links to the same setup, our own keys aside; and the input features
  (`feature_matrix`).
- `model`: `make_data` (TensorFlow Playground's points for a state's seed) and
  `build_model` (a real Keras model holding the starting weights that seed gives), for two
  recipes: TensorFlow Playground's (default) and Keras's defaults; `model_as_code` (Keras
  code of exactly that model), `forward` (its pass, layer by layer).
- `loop`: the training loops, one compiled ``tf.function`` of many mini-batch steps per
  call; `compiler`: the one background thread that compiles them with XLA.
- `engine`: `PlaygroundEngine`: step (one epoch), run_epochs, reset, play / pause in a
  background thread, `set_state` (doing what TensorFlow Playground does for the change, and
  saying so), `regenerate`, `set_weight` / `set_bias` (edits by hand), `dead_links`,
  `take_model` (a copy to keep).
- `frames`: `make_frame(engine)`, everything one refresh shows: each neuron's map
  over TensorFlow Playground's plane [-6, 6]^2 and the output's map (arrays and PNGs, by
  colour lookup, no matplotlib), the input features' maps, the weights and biases, the
  losses and their history, lesson 08's per-layer diagnostics; `neuron_picture` and
  `input_picture`, one node's map large (the hover view); `colorize` (encoded with `hlcourse.render.array_png`) and
  `plane_grid` for other pictures.
- `tfp_data`: TensorFlow Playground's random stream (`TfpRandom`), its six data generators,
  shuffle and split (`tfp_data`) and first weights (`tfp_initial_weights`), to the last bit.

Importing it loads NumPy but not TensorFlow (the first model built does).

    >>> from hlcourse.playground import PlaygroundEngine, PlaygroundState, make_frame
    >>> state = PlaygroundState().with_changes(dataset="spiral", layers=(8, 8, 4))
    >>> state.to_link()
    'https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=spiral&...'
    >>> engine = PlaygroundEngine(state)
    >>> engine.step(); engine.epoch
    1
    >>> frame = make_frame(engine); frame.output_png[:4]
    b'\\x89PNG'
"""

from hlcourse.playground.engine import PlaygroundEngine
from hlcourse.playground.frames import (
    COLORMAP,
    MAX_RESOLUTION,
    MAX_SCALE,
    NAN_COLOR,
    NEURON_RESOLUTION,
    NEURON_SCALE,
    OUTPUT_RESOLUTION,
    OUTPUT_SCALE,
    PLANE_EXTENT,
    Frame,
    colorize,
    input_picture,
    make_frame,
    neuron_picture,
    plane_grid,
)
from hlcourse.playground.model import (
    MODEL_NAME,
    TOO_LARGE_STDDEV,
    PlaygroundData,
    build_model,
    forward,
    make_data,
    model_as_code,
)
from hlcourse.playground.state import (
    ACTIVATIONS,
    CLASSIFICATION_DATASETS,
    DATA_SETTINGS,
    DATASETS,
    DISPLAY_SETTINGS,
    FEATURE_KEYS,
    FEATURE_LABELS,
    FEATURES,
    HIDABLE,
    INITS,
    LEARNING_RATES,
    LIMITS,
    LIVE_SETTINGS,
    MAX_LAYERS,
    MAX_NEURONS,
    PROBLEMS,
    RECIPES,
    REGRESSION_DATASETS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    RESET_SETTINGS,
    SLIDERS,
    TFP_URL,
    PlaygroundState,
    feature_matrix,
    feature_values,
)

__all__ = [
    "MODEL_NAME",
    "TOO_LARGE_STDDEV",
    "PlaygroundData",
    "PlaygroundEngine",
    "build_model",
    "forward",
    "make_data",
    "model_as_code",
    "COLORMAP",
    "MAX_RESOLUTION",
    "MAX_SCALE",
    "NAN_COLOR",
    "NEURON_RESOLUTION",
    "NEURON_SCALE",
    "OUTPUT_RESOLUTION",
    "OUTPUT_SCALE",
    "PLANE_EXTENT",
    "Frame",
    "colorize",
    "input_picture",
    "make_frame",
    "neuron_picture",
    "plane_grid",
    "ACTIVATIONS",
    "CLASSIFICATION_DATASETS",
    "DATASETS",
    "DATA_SETTINGS",
    "DISPLAY_SETTINGS",
    "FEATURES",
    "FEATURE_LABELS",
    "INITS",
    "LEARNING_RATES",
    "LIMITS",
    "MAX_LAYERS",
    "MAX_NEURONS",
    "PROBLEMS",
    "REGRESSION_DATASETS",
    "REGULARIZATIONS",
    "REGULARIZATION_RATES",
    "FEATURE_KEYS",
    "HIDABLE",
    "LIVE_SETTINGS",
    "RECIPES",
    "RESET_SETTINGS",
    "SLIDERS",
    "TFP_URL",
    "PlaygroundState",
    "feature_matrix",
    "feature_values",
]
