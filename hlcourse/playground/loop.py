"""The playground's compiled training loops: TFP's recipe (float64) and Keras's (float32).

One function per recipe trains `n_epochs` epochs of mini-batch SGD and returns the new
weights and the losses after each epoch. It is functional (weights in, weights out, no
tf.Variable inside), so one traced function serves every model with the same number of
layers and every engine in the process: the activation and the problem are inputs too (a
`switch_case` picks the same ops a function traced for one of them would run), since every
traced function and every XLA compilation stays in memory for the life of the process (2-8
MB each, dropping the function frees none of it: measured). It runs two ways:

- compiled by XLA (``jit_compile=True``): 10-30 times faster (thousands of epochs/s for the
  default network), but XLA compiles once per new combination of shapes (layer sizes,
  number of points, batch size), which takes 1-4 s;
- as a plain TensorFlow graph (a few hundred epochs/s), traced once per structure.

(Measured, default network: the Keras model and optimizer inside a graph loop, 190-320
epochs/s; the hand-written forward pass, gradients and SGD update in a graph loop, about the
same: the per-op cost of the graph dominates; the Keras model with GradientTape under XLA,
about 2,300; the hand-written pass under XLA, 2,500-7,000.)

So training never waits for XLA: until the shapes are compiled the graph runs, while one
background thread (named XLA_THREAD_NAME) compiles them; the next chunk after that runs
compiled. A long `run_epochs` call (EPOCHS_WORTH_COMPILING or more) compiles first instead.

XLA needs static shapes, so the loops are `while` loops (a `for` over tf.range makes its
count a compile-time constant: one compilation per count) over fixed-width windows of
`batch` indices:
- playground recipe (TFP's oneStep and updateWeights): the training points in their fixed
  order; floor(n / batch) updates, each from the gradient sums of its window plus what the
  last epoch carried, divided by the number of points summed (TFP accumulates per point and
  divides by the count: the same sums in another order); then the short last batch, its
  rows weighted 0 past the end, summed into the carry. float64;
- keras recipe: the points of a fresh shuffle every epoch (rows of a fixed (EPOCHS_PER_CALL,
  n) array of shuffles), ceil(n / batch) updates, the ragged last batch masked (its gradient
  the mean over its real points, as a shorter batch would give). float32.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["EPOCHS_PER_CALL", "EPOCHS_WORTH_COMPILING"]

EPOCHS_PER_CALL = 512
"""Epochs one call of the compiled loop can train (longer runs take several calls)."""

EPOCHS_WORTH_COMPILING = 200
"""`run_epochs(n)` with n at least this waits for XLA's compilation (1-4 s) rather than run
the uncompiled graph (n / 250 s)."""

# One traced function per (recipe, number of Dense layers, XLA or not), for the process: every
# engine with that structure shares it, and a traced function is never freed anyway.
_LOOPS: dict[tuple, Any] = {}
_LOOPS_LOCK = threading.Lock()

ACTIVATION_INDEX = {"relu": 0, "tanh": 1, "sigmoid": 2, "linear": 3}
"""The loops' `activation` argument: which activation the hidden layers use."""
PROBLEM_INDEX = {"classification": 0, "regression": 1}
"""The loops' `problem` argument."""
REGULARIZATION_INDEX = {None: 0, "l1": 1, "l2": 2}
"""The playground loop's `regularization` argument (`model.penalty`'s regularizer)."""


def loop_function(recipe: str, n_layers: int, xla: bool) -> Any:
    """The training loop of `recipe` for `n_layers` Dense layers (a ``tf.function``), traced
    once per process; `xla` compiles it with XLA (``jit_compile``)."""
    key = (recipe, n_layers, xla)
    with _LOOPS_LOCK:
        if key not in _LOOPS:
            make = _make_playground_loop if recipe == "playground" else _make_keras_loop
            _LOOPS[key] = make(n_layers, xla)
        return _LOOPS[key]


def _activation_ops(tf: Any) -> tuple[Callable, Callable]:
    def act(z, activation):
        return tf.switch_case(
            activation,
            [lambda: tf.nn.relu(z), lambda: tf.tanh(z), lambda: tf.sigmoid(z), lambda: z],
        )

    def slope(h, activation):
        """The activation's derivative, from its output h."""
        return tf.switch_case(
            activation,
            [
                lambda: tf.cast(h > 0.0, h.dtype),  # relu'(0) = 0, in TFP and TensorFlow
                lambda: 1.0 - tf.square(h),
                lambda: h * (1.0 - h),
                lambda: tf.ones_like(h),  # multiplying by 1.0 changes nothing
            ],
        )

    return act, slope


def _make_playground_loop(n_layers: int, xla: bool) -> Any:
    import tensorflow as tf

    f64 = tf.float64

    # Each choice (activation, output, penalty) is a `where` on a flag rather than a
    # `switch_case`: XLA fuses a `where` with its neighbours, a conditional it cannot, and the
    # playground's update has several per layer (measured: about twice as fast).
    def act(z, kind):
        relu, tanh, sigmoid = kind
        return tf.where(
            relu, tf.nn.relu(z), tf.where(tanh, tf.tanh(z), tf.where(sigmoid, tf.sigmoid(z), z))
        )

    def slope(h, kind):
        """The activation's derivative, from its output h (relu'(0) = 0, as in TFP)."""
        relu, tanh, sigmoid = kind
        one = tf.ones_like(h)
        return tf.where(
            relu,
            tf.cast(h > 0.0, f64),
            tf.where(tanh, one - tf.square(h), tf.where(sigmoid, h * (one - h), one)),
        )

    def forward(ws, x, kind, classification):
        outputs = [x]
        h = x
        for i in range(n_layers):
            z = tf.matmul(h, ws[2 * i]) + ws[2 * i + 1]
            if i < n_layers - 1:
                h = act(z, kind)
            else:  # tanh for classification, linear for regression
                h = tf.where(classification, tf.tanh(z), z)
            outputs.append(h)
        return outputs

    def gradient_sums(ws, xb, yb, rows, kind, classification):
        """Sums over the rows of d(1/2 (out - y)^2)/d(weight), each row weighted by `rows`."""
        outputs = forward(ws, xb, kind, classification)
        out = outputs[-1]
        out_slope = tf.where(classification, 1.0 - tf.square(out), tf.ones_like(out))
        delta = (out - yb) * out_slope * rows
        grads = [None] * (2 * n_layers)
        for i in reversed(range(n_layers)):
            grads[2 * i] = tf.matmul(outputs[i], delta, transpose_a=True)
            grads[2 * i + 1] = tf.reduce_sum(delta, axis=0)
            if i > 0:  # through every link, frozen ones too (TFP's backProp)
                delta = tf.matmul(delta, ws[2 * i], transpose_b=True)
                delta = delta * slope(outputs[i], kind)
        return grads

    def update(ws, alive, sums, count, lr, step, l1, l2):
        """TFP's updateWeights: the data step, then the penalty (`step` = lr * rate) taken
        at the weight before it."""
        new_ws, new_alive = [], []
        for i in range(n_layers):
            kernel, bias = ws[2 * i], ws[2 * i + 1]
            stepped = kernel - (lr / count) * sums[2 * i]
            zero = tf.zeros_like(kernel)
            penalty = tf.where(l1, step * tf.sign(kernel), tf.where(l2, step * kernel, zero))
            penalized = stepped - penalty
            # L1: a weight its penalty step carries across zero becomes 0, frozen.
            crossed = tf.logical_and(tf.logical_and(l1, stepped * penalized < 0.0), alive[i])
            moved = tf.where(crossed, zero, penalized)
            new_ws += [tf.where(alive[i], moved, kernel), bias - lr * sums[2 * i + 1] / count]
            new_alive.append(tf.logical_and(alive[i], tf.logical_not(crossed)))
        return new_ws, new_alive

    def run(
        ws, alive, carry, carried, x_train, y_train, x_test, y_test, window, n_epochs, lr, rr,
        regularization, activation, problem,
    ):  # fmt: skip
        ws, alive, carry = list(ws), list(alive), list(carry)
        kind = (tf.equal(activation, 0), tf.equal(activation, 1), tf.equal(activation, 2))
        classification = tf.equal(problem, 0)
        l1, l2 = tf.equal(regularization, 1), tf.equal(regularization, 2)
        step = lr * rr
        n = tf.shape(x_train)[0]
        batch = tf.shape(window)[0]
        n_updates = n // batch
        tail = n_updates * batch
        full = tf.ones([batch, 1], f64)
        x_all = tf.concat([x_train, x_test], 0)
        y_all = tf.concat([y_train, y_test], 0)
        train_losses = tf.zeros([EPOCHS_PER_CALL], f64)
        test_losses = tf.zeros([EPOCHS_PER_CALL], f64)
        epoch = tf.constant(0)
        while epoch < n_epochs:
            u = tf.constant(0)
            while u < n_updates:
                index = u * batch + window
                grads = gradient_sums(
                    ws, tf.gather(x_train, index), tf.gather(y_train, index), full, kind,
                    classification,
                )  # fmt: skip
                sums = [c + g for c, g in zip(carry, grads, strict=True)]
                count = carried + tf.cast(batch, f64)
                ws, alive = update(ws, alive, sums, count, lr, step, l1, l2)
                carry = [tf.zeros_like(c) for c in carry]
                carried = tf.zeros([], f64)
                u += 1
            # The short last batch: summed into the carry, applied with the next update.
            position = tail + window
            rows = tf.cast(position < n, f64)[:, None]
            index = tf.minimum(position, n - 1)
            grads = gradient_sums(
                ws, tf.gather(x_train, index), tf.gather(y_train, index), rows, kind,
                classification,
            )  # fmt: skip
            carry = [c + g for c, g in zip(carry, grads, strict=True)]
            carried += tf.cast(n - tail, f64)
            out = forward(ws, x_all, kind, classification)[-1]
            every = 0.5 * tf.square(out - y_all)
            train_losses = tf.tensor_scatter_nd_update(
                train_losses, [[epoch]], [tf.reduce_mean(every[:n])]
            )
            test_losses = tf.tensor_scatter_nd_update(
                test_losses, [[epoch]], [tf.reduce_mean(every[n:])]
            )
            epoch += 1
        return ws, alive, carry, carried, train_losses, test_losses

    matrix = tf.TensorSpec([None, None], f64)
    vector = tf.TensorSpec([None], f64)
    number = tf.TensorSpec([], f64)
    weights = [spec for _ in range(n_layers) for spec in (matrix, vector)]
    signature = [
        weights,
        [tf.TensorSpec([None, None], tf.bool) for _ in range(n_layers)],  # alive
        weights, number,  # the carried gradient sums, and how many points they sum
        matrix, tf.TensorSpec([None, 1], f64),  # x_train, y_train
        matrix, tf.TensorSpec([None, 1], f64),  # x_test, y_test
        tf.TensorSpec([None], tf.int32),  # window: arange(batch size)
        tf.TensorSpec([], tf.int32),  # n_epochs
        number, number,  # lr, rr
        tf.TensorSpec([], tf.int32),  # regularization: REGULARIZATION_INDEX
        tf.TensorSpec([], tf.int32),  # activation: ACTIVATION_INDEX
        tf.TensorSpec([], tf.int32),  # problem: PROBLEM_INDEX
    ]  # fmt: skip
    return tf.function(run, input_signature=signature, jit_compile=xla, reduce_retracing=True)


def _make_keras_loop(n_layers: int, xla: bool) -> Any:
    import tensorflow as tf

    act, slope = _activation_ops(tf)

    def forward(ws, x, activation):
        outputs = [x]
        h = x
        for i in range(n_layers):
            z = tf.matmul(h, ws[2 * i]) + ws[2 * i + 1]
            h = act(z, activation) if i < n_layers - 1 else z  # the output's logit (or value)
            outputs.append(h)
        return outputs

    def losses(y, z, problem):
        return tf.switch_case(
            problem,
            [
                lambda: tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z),
                lambda: tf.square(z - y),
            ],
        )

    def data_slope(z, y, problem):
        """d(loss)/dz of each point."""
        return tf.switch_case(problem, [lambda: tf.sigmoid(z) - y, lambda: 2.0 * (z - y)])

    def run(
        ws, orders, x_train, y_train, x_test, y_test, window, n_epochs, lr, l1, l2,
        activation, problem,
    ):  # fmt: skip
        ws = list(ws)
        n = tf.shape(x_train)[0]
        batch = tf.shape(window)[0]
        n_batches = (n + batch - 1) // batch
        x_all = tf.concat([x_train, x_test], 0)
        y_all = tf.concat([y_train, y_test], 0)
        train_losses = tf.zeros([EPOCHS_PER_CALL])
        test_losses = tf.zeros([EPOCHS_PER_CALL])
        epoch = tf.constant(0)
        while epoch < n_epochs:
            order = orders[epoch]
            b = tf.constant(0)
            while b < n_batches:
                start = b * batch
                end = tf.minimum(start + batch, n)
                position = start + window
                mask = tf.cast(position < end, tf.float32)[:, None]
                index = tf.gather(order, tf.minimum(position, n - 1))
                xb = tf.gather(x_train, index)
                yb = tf.gather(y_train, index)
                outputs = forward(ws, xb, activation)
                z = outputs[-1]
                # d(mean data loss)/dz over the real points of the batch.
                error = data_slope(z, yb, problem)
                delta = error * mask / tf.cast(end - start, tf.float32)
                grads = [None] * (2 * n_layers)
                for i in reversed(range(n_layers)):
                    kernel = ws[2 * i]
                    grads[2 * i] = tf.matmul(outputs[i], delta, transpose_a=True)
                    grads[2 * i + 1] = tf.reduce_sum(delta, axis=0)
                    if i < n_layers - 1:  # Keras's penalty is on the hidden kernels
                        grads[2 * i] += l1 * tf.sign(kernel) + 2.0 * l2 * kernel
                    if i > 0:
                        delta = tf.matmul(delta, kernel, transpose_b=True)
                        delta = delta * slope(outputs[i], activation)
                ws = [w - lr * g for w, g in zip(ws, grads, strict=True)]  # plain SGD
                b += 1
            every = losses(y_all, forward(ws, x_all, activation)[-1], problem)
            train_losses = tf.tensor_scatter_nd_update(
                train_losses, [[epoch]], [tf.reduce_mean(every[:n])]
            )
            test_losses = tf.tensor_scatter_nd_update(
                test_losses, [[epoch]], [tf.reduce_mean(every[n:])]
            )
            epoch += 1
        return ws, train_losses, test_losses

    matrix = tf.TensorSpec([None, None], tf.float32)
    vector = tf.TensorSpec([None], tf.float32)
    number = tf.TensorSpec([], tf.float32)
    signature = [
        [spec for _ in range(n_layers) for spec in (matrix, vector)],
        tf.TensorSpec([None, None], tf.int32),  # orders
        matrix, tf.TensorSpec([None, 1], tf.float32),  # x_train, y_train
        matrix, tf.TensorSpec([None, 1], tf.float32),  # x_test, y_test
        tf.TensorSpec([None], tf.int32),  # window: arange(batch size)
        tf.TensorSpec([], tf.int32),  # n_epochs
        number, number, number,  # lr, l1, l2
        tf.TensorSpec([], tf.int32),  # activation: ACTIVATION_INDEX
        tf.TensorSpec([], tf.int32),  # problem: PROBLEM_INDEX
    ]  # fmt: skip
    return tf.function(run, input_signature=signature, jit_compile=xla, reduce_retracing=True)
