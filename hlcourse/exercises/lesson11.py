"""Exercises of lesson 11: the playground. Each check reads a playground's state and its
trained network (an answer is the playground widget, or its `PlaygroundEngine`).
"""

from __future__ import annotations

import numbers

from hlcourse.exercises import Wrong, exercise

XOR_LOSS = 0.3
SPIRAL_LOSS = 0.25


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


@exercise(
    "11.1",
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
    if state.dataset != "xor":
        raise Wrong(f"The playground shows the {state.dataset} data; choose xor.")
    if state.layers:
        raise Wrong(
            f"Your network has hidden layers {list(state.layers)}. The challenge is to solve "
            "XOR with none: remove them all and give the output a better input instead."
        )
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


@exercise(
    "11.2",
    "The spiral",
    solution="""
    state = hlc.playground.PlaygroundState().with_changes(
        dataset="spiral", layers=(8, 8, 8),
        features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin_x1", "sin_x2"))
    engine = hlc.playground.PlaygroundEngine(state)
    engine.run_epochs(1000)
    answer = engine
    """,
)
def spiral(answer) -> str:
    engine = _engine_of(answer)
    state = engine.state
    if state.dataset != "spiral":
        raise Wrong(f"The playground shows the {state.dataset} data; choose the spiral.")
    if state.noise > 0:
        raise Wrong(f"Set the noise to 0 for this one (it is {state.noise}).")
    if engine.epoch == 0:
        raise Wrong("The network has not trained yet: press play (or step) first.")
    if engine.test_loss > SPIRAL_LOSS:
        raise Wrong(
            f"Not yet: {_loss_line(engine)}; get it below {SPIRAL_LOSS}. More neurons, more "
            "layers, or the extra features (sin x1, sin x2 help most) all make it easier."
        )
    extra = [f for f in state.features if f not in ("x1", "x2")]
    how = f"with the extra features {', '.join(extra)}" if extra else "from x1 and x2 alone"
    return f"Spiral solved {how} and hidden layers {list(state.layers)}: {_loss_line(engine)}." + (
        " From x1 and x2 alone is the hard way: well done." if not extra else ""
    )


@exercise(
    "11.3",
    "Symmetry",
    solution="""
    answer = 1   # every unit of a layer starts equal, gets equal updates, and stays equal
    """,
)
def symmetry(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for one whole number.")
    if answer == 1:
        return (
            "One: with all weights starting at zero, every unit of a layer computes the same "
            "thing and receives the same update, so all of them stay copies of one unit. "
            "Random starting weights break that symmetry."
        )
    if answer == 4:
        raise Wrong(
            "The layer has 4 units, but look at their maps in the playground: are any two "
            "different?"
        )
    if answer == 0:
        raise Wrong("There is at least one kind of map: count the distinct pictures.")
    raise Wrong(
        "Count the distinct maps in the first hidden layer. Think about what each unit "
        "receives when all weights start equal."
    )
