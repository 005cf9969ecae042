"""The playground: a TensorFlow-Playground-class lab on a real Keras model (lesson 12).

The package is the lab's engine, without its user interface (that is `widgets`' job):

- `state` (here now): `PlaygroundState`, every setting of TensorFlow Playground plus an
  initialization switch, validated, immutable, with a configuration string to copy and paste
  (`to_config` / `from_config`), and the input features (`feature_matrix`).
- `engine` (here now): `make_data` and `build_model` (a real Keras model) from a state,
  `model_as_code` (Keras code that rebuilds it), and `PlaygroundEngine`: step (one epoch),
  run_epochs, reset, play / pause in a background thread, `set_state` (doing only what a
  change needs, and saying so), `take_model` (a copy to keep); training in one compiled
  ``tf.function`` of many mini-batch steps per call, compiled by XLA.
- `frames` (here now): `make_frame(engine)`, everything one refresh shows: each neuron's map
  over the input plane and the output's map (arrays and PNGs, by colour lookup, no
  matplotlib), the feature maps, the weights, the losses and their history, lesson 08's
  per-layer diagnostics; `colorize`, `to_png` and `plane_grid` for other pictures.

Importing it loads NumPy but not TensorFlow (the first model built does).

    >>> from hlcourse.playground import PlaygroundEngine, PlaygroundState, make_frame
    >>> state = PlaygroundState().with_changes(dataset="spiral", layers=(8, 8, 4))
    >>> state.to_config()
    'dataset=spiral&noise=0&trainShare=50&batchSize=10&features=x1,x2&layers=8,8,4&...'
    >>> engine = PlaygroundEngine(state)
    >>> engine.step(); engine.epoch
    1
    >>> frame = make_frame(engine); frame.output_png[:4]
    b'\\x89PNG'
"""

from hlcourse.playground.engine import (
    MODEL_NAME,
    TOO_LARGE_STDDEV,
    PlaygroundData,
    PlaygroundEngine,
    build_model,
    make_data,
    model_as_code,
)
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
    make_frame,
    plane_grid,
    to_png,
)
from hlcourse.playground.state import (
    ACTIVATIONS,
    ARCHITECTURE_SETTINGS,
    CLASSIFICATION_DATASETS,
    CONFIG_KEYS,
    DATA_NAMES,
    DATA_SETTINGS,
    DATASETS,
    DISPLAY_SETTINGS,
    FEATURE_LABELS,
    FEATURES,
    INITS,
    LEARNING_RATES,
    LIMITS,
    MAX_LAYERS,
    MAX_NEURONS,
    N_SAMPLES,
    PROBLEMS,
    REGRESSION_DATASETS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    TRAINING_SETTINGS,
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
    "make_frame",
    "plane_grid",
    "to_png",
    "ACTIVATIONS",
    "ARCHITECTURE_SETTINGS",
    "CLASSIFICATION_DATASETS",
    "CONFIG_KEYS",
    "DATASETS",
    "DATA_NAMES",
    "DATA_SETTINGS",
    "DISPLAY_SETTINGS",
    "FEATURES",
    "FEATURE_LABELS",
    "INITS",
    "LEARNING_RATES",
    "LIMITS",
    "MAX_LAYERS",
    "MAX_NEURONS",
    "N_SAMPLES",
    "PROBLEMS",
    "REGRESSION_DATASETS",
    "REGULARIZATIONS",
    "REGULARIZATION_RATES",
    "TRAINING_SETTINGS",
    "PlaygroundState",
    "feature_matrix",
    "feature_values",
]
