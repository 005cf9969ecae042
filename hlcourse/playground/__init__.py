"""The playground: a TensorFlow-Playground-class lab on a real Keras model (lesson 11).

The package is the lab's engine, without its user interface (that is `widgets`' job):

- `state` (here now): `PlaygroundState`, every setting of TensorFlow Playground plus an
  initialization switch, validated, immutable, with a configuration string to copy and paste
  (`to_config` / `from_config`), and the input features (`feature_matrix`).
- `engine` (to come): the Keras model built from a state, shown as Keras code; training by play,
  pause, step and reset in a compiled loop of many mini-batch steps per call.
- `frames` (to come): the arrays of every refresh: each neuron's map over the input plane, the
  output's map, the weights, the losses, per-layer diagnostics.

Importing it loads NumPy but not TensorFlow.

    >>> from hlcourse.playground import PlaygroundState
    >>> state = PlaygroundState().with_changes(dataset="spiral", layers=(8, 8, 4))
    >>> state.to_config()
    'dataset=spiral&noise=0&trainShare=50&batchSize=10&features=x1,x2&layers=8,8,4&...'
"""

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
