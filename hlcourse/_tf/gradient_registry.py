"""Forgetting the custom gradients a traced training loop registered.

Keras' optimizer sums gradients over replicas inside ``tf.custom_gradient`` (even with one
replica). In a traced function TensorFlow registers that op's gradient under a unique
``CustomGradient-N`` name in its global gradient registry, which it never empties; the entry
holds the traced graph, so every training loop traced for a new model keeps its graph (a few MB)
for the life of the process, after the model and the loop are gone.

`forget_custom_gradients` removes the names one traced function refers to, right after it is
traced. That is safe for a training loop: nothing differentiates through it, and each name is
unique to the graph that uses it. Other registrations (a learner's own custom gradients) are
never touched. A TensorFlow without that registry: nothing to do.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CHECKED_WITH", "FIXED_IN", "UPSTREAM_ISSUE", "forget_custom_gradients"]

UPSTREAM_ISSUE = "https://github.com/tensorflow/tensorflow/issues/97697"
"""Custom gradients registered in graph mode are kept forever (open upstream)."""

FIXED_IN: str | None = None
"""The TensorFlow version from which this workaround is no longer needed: none yet."""

CHECKED_WITH = "2.21"
"""The newest TensorFlow on which the registry was seen to keep a traced loop's graph."""

PREFIX = "CustomGradient-"
"""How the names TensorFlow gives to traced custom gradients begin."""


def registry() -> dict | None:
    """TensorFlow's global gradient registry (name -> entry), or None when it has none."""
    from tensorflow.python.framework import ops

    found = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    return found if isinstance(found, dict) else None


def forget_custom_gradients(function: Any) -> int:
    """Remove from TensorFlow's gradient registry the custom gradients a traced `function`
    registered, and return how many were removed.

    Args:
        function: a traced ``tf.function`` (its ConcreteFunction); the names it and the
            functions nested in it refer to are removed.

    Returns:
        The number of registry entries removed (0 when TensorFlow has no such registry).
    """
    names = registry()
    if names is None:
        return 0
    graph = function.graph.as_graph_def()
    nodes = [*graph.node, *(node for f in graph.library.function for node in f.node_def)]
    used = {
        node.attr["_gradient_op_type"].s.decode()
        for node in nodes
        if "_gradient_op_type" in node.attr
    }
    removed = 0
    for name in used:
        if name.startswith(PREFIX) and names.pop(name, None) is not None:
            removed += 1
    return removed
