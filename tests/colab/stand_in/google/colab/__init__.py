"""A stand-in for Google Colab's own `google.colab` package, for tests/colab only.

Colab's `google.colab` ships inside Colab's runtime image and is not published on PyPI, so a
test here cannot install the real one. This stand-in is the closest real thing: the lessons'
first cell (and `hlcourse`) only ask whether ``"google.colab" in sys.modules`` and call
`google.colab.output.enable_custom_widget_manager()`, so that is all it offers. The test's
kernel imports it at start-up, as Colab's kernel imports the real one.

`google` stays a namespace package (no ``google/__init__.py``): protobuf, which TensorFlow needs,
lives in ``google.protobuf``, and a regular ``google`` package here would hide it.
"""
