"""Exercises of lesson 12: the playground. Each check reads a playground's state and its
trained network (an answer is the playground widget, or its `PlaygroundEngine`): XOR without
a hidden layer, the spiral with at most 12 hidden neurons, and a penalty that prunes.

The losses are the playground's: under TensorFlow Playground's recipe (the default), the mean
of ½(output − target)² with targets -1 and +1, so a network that guesses scores about 0.5.
"""

from __future__ import annotations

from hlcourse.exercises import Wrong, exercise

XOR_LOSS = 0.1


def _engine_of(answer):
    """The `PlaygroundEngine` behind `answer` (a playground widget or an engine)."""
    from hlcourse.playground import PlaygroundEngine

    engine = getattr(answer, "engine", answer)
    if not isinstance(engine, PlaygroundEngine):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; give the playground itself "
            "(`answer = pg`) or its engine (`answer = pg.engine`)."
        )
    engine.pause()
    return engine


def _loss_line(engine) -> str:
    return (
        f"after {engine.epoch} epochs the test loss is {engine.test_loss:.3f} "
        f"(training {engine.train_loss:.3f})"
    )


def _check_recipe(engine) -> None:
    """The thresholds are on TensorFlow Playground's loss scale: refuse the other recipe."""
    if engine.state.recipe != "playground":
        raise Wrong(
            "Your playground uses Keras's recipe, whose losses are cross-entropies on another "
            "scale; switch the recipe back to TensorFlow Playground's for this exercise."
        )


@exercise(
    "12.1",
    "XOR without a hidden layer",
    solution="""
    state = hlc.playground.PlaygroundState().with_changes(
        dataset="xor", layers=(), features=("x1", "x2", "x1*x2"))
    engine = hlc.playground.PlaygroundEngine(state)
    engine.run_epochs(300)
    answer = engine
    """,
)
def xor_without_hidden_layers(answer) -> str:
    engine = _engine_of(answer)
    state = engine.state
    if state.data_name != "xor":
        raise Wrong(f"The playground shows the {state.data_name} data; choose xor.")
    if state.layers:
        raise Wrong(
            f"Your network has hidden layers {list(state.layers)}. The challenge is to solve "
            "XOR with none: remove them all and give the output a better input instead."
        )
    _check_recipe(engine)
    if engine.epoch == 0:
        raise Wrong("The network has not trained yet: press play (or step) first.")
    if engine.test_loss > XOR_LOSS:
        hint = (
            " Which feature is positive in two opposite quadrants and negative in the other "
            "two? Look at the feature maps."
            if "x1*x2" not in state.features
            else " Train a little longer, or try a larger learning rate."
        )
        raise Wrong(f"Not yet: {_loss_line(engine)}; get it below {XOR_LOSS}.{hint}")
    return (
        f"Solved with no hidden layer: {_loss_line(engine)}. The feature x1·x2 is exactly the "
        "XOR pattern, so one output unit only has to read its sign. A hidden layer's job is to "
        "invent such features when nobody hands them over."
    )


SPIRAL_BUDGET = 12  # hidden neurons in all
SPIRAL_LOSS = 0.1
# Inputs whose maps already curve: with both squares, one neuron's map tanh(a·x1² + b·x2² +
# ...) can curve round the centre; the sines wave almost twice across the plane [-6, 6].
CURVED = ("x1^2", "x2^2", "sin_x1", "sin_x2")


@exercise(
    "12.2",
    "The spiral on a budget",
    solution="""
    # With curved inputs, each first-layer neuron can draw a curve already, so 12 neurons
    # need not build every turn from straight lines.
    state = hlc.playground.PlaygroundState().with_changes(
        dataset="spiral", layers=(6, 6), features=("x1", "x2", "x1^2", "x2^2"),
        learning_rate=0.1)
    engine = hlc.playground.PlaygroundEngine(state)
    engine.run_epochs(1000)
    answer = engine
    """,
)
def spiral_on_a_budget(answer) -> str:
    engine = _engine_of(answer)
    state = engine.state
    if state.data_name != "spiral":
        raise Wrong(f"The playground shows the {state.data_name} data; choose the spiral.")
    if state.noise > 0:
        raise Wrong(f"Set the noise to 0 for this one (it is {state.noise}).")
    neurons = sum(state.layers)
    if neurons > SPIRAL_BUDGET:
        raise Wrong(
            f"Your network has {neurons} hidden neurons ({list(state.layers)}); the budget is "
            f"{SPIRAL_BUDGET}. Fewer neurons can do it when the inputs already do part of the "
            "bending: look at the feature maps."
        )
    _check_recipe(engine)
    if engine.epoch == 0:
        raise Wrong("The network has not trained yet: press play (or step) first.")
    if engine.test_loss > SPIRAL_LOSS:
        if not any(f in state.features for f in CURVED):
            inputs = ", ".join(state.features) or "no input at all"
            hint = (
                f" From {inputs}, {neurons} neurons must build every turn of the spiral from "
                "straight lines. Which inputs would let a single neuron draw a curve?"
            )
        else:
            hint = (
                " With curved inputs, your neurons can curve already: train longer, or with a "
                "larger learning rate."
            )
        raise Wrong(f"Not yet: {_loss_line(engine)}; get it below {SPIRAL_LOSS}.{hint}")
    extra = [f for f in state.features if f not in ("x1", "x2")]
    how = f"with the extra features {', '.join(extra)}" if extra else "from x1 and x2 alone"
    why = (
        " With curved inputs, each neuron can curve already: the features do part of what "
        "hidden neurons would otherwise have to learn."
        if any(f in state.features for f in CURVED)
        else " Without curved inputs, on a budget: the hard way, well done."
    )
    return (
        f"Spiral solved {how} and {neurons} hidden neurons {list(state.layers)}: "
        f"{_loss_line(engine)}.{why}"
    )


# --------------------------------------------------------------------------------------------
# 12.3: a penalty that prunes
# --------------------------------------------------------------------------------------------

PRUNE_SETTINGS = {"data_name": "gauss", "noise": 50, "train_share": 10, "layers": (8, 8, 8)}
PRUNED_SHARE = 0.5  # of all the weights, exactly 0
PRUNE_LOSS = 0.2
COIN_TOSS = 0.45  # a test loss near 0.5 is a network that guesses (output near 0 everywhere)


def _weights(engine):
    """Every weight of the network (the kernels, not the biases), flat."""
    import numpy as np

    return np.concatenate([np.ravel(k) for k in engine.model.get_weights()[0::2]])


@exercise(
    "12.3",
    "A penalty that prunes",
    solution="""
    # L1 pulls every weight towards 0 with the same force, however small it is already;
    # TensorFlow Playground's L1 sets a weight it would carry across 0 to exactly 0.
    state = hlc.playground.PlaygroundState().with_changes(
        dataset="gauss", noise=50, train_share=10, layers=(8, 8, 8),
        regularization="l1", regularization_rate=0.03)
    engine = hlc.playground.PlaygroundEngine(state)
    engine.run_epochs(500)
    answer = engine
    """,
)
def penalty_that_prunes(answer) -> str:
    import numpy as np

    engine = _engine_of(answer)
    state = engine.state
    different = [
        f"{'dataset' if name == 'data_name' else name.replace('_', ' ')} "
        f"{getattr(state, name)} (set {want})"
        for name, want in PRUNE_SETTINGS.items()
        if getattr(state, name) != want
    ]
    if different:
        raise Wrong(
            "Use the section's data and network: your playground has " + "; ".join(different) + "."
        )
    if engine.epoch == 0:
        raise Wrong("The network has not trained yet: press play (or step) first.")
    penalty, rate = state.regularization, state.regularization_rate
    if state.recipe != "playground":
        hint = (
            " Keras's penalties take plain gradient steps, which leave a weight jittering "
            "near 0 rather than at it."
            if penalty == "l1" and rate > 0
            else ""
        )
        raise Wrong(
            "Your playground uses Keras's recipe; switch the recipe back to TensorFlow "
            f"Playground's for this exercise.{hint}"
        )
    share = float(np.mean(_weights(engine) == 0))
    measured = f"{share:.0%} of the weights are exactly 0 and {_loss_line(engine)}"
    if engine.test_loss >= COIN_TOSS:
        raise Wrong(
            f"{measured}: the network guesses (a guess scores about 0.5). The penalty (or the "
            "learning rate) won over the data and took every weight down; weaken it."
        )
    if share < PRUNED_SHARE:
        if penalty == "none" or rate == 0:
            hint = (
                "Without a penalty nothing pulls the weights the data does not need towards "
                "zero: choose one."
            )
        elif penalty == "l2":
            hint = (
                "L2 pulls on a weight in proportion to its size (λw), so the pull fades as a "
                "weight shrinks: many small weights, none at exactly zero. Which penalty pulls "
                "a small weight as hard as a large one?"
            )
        else:
            hint = "Train longer, or make the penalty stronger."
        raise Wrong(f"Not yet: {measured}; at least {PRUNED_SHARE:.0%} should be. {hint}")
    if engine.test_loss >= PRUNE_LOSS:
        raise Wrong(
            f"Pruned, but {measured}; keep it below {PRUNE_LOSS}. A penalty that strong, or "
            "that long a training, also removes what the data needs: try a little less."
        )
    return (
        f"Pruned: {measured}. L1 pulls every weight towards zero with the same force, and a "
        "weight its step would carry across zero is set to exactly zero and stays there; L2 "
        "only shrinks them. In the diagram their lines are thin grey hairlines."
    )
