"""Workarounds for TensorFlow's own behaviour, each in one module of its own.

Each module says what TensorFlow does, why the course cannot live with it, the upstream issue
where there is one, and the TensorFlow version from which it is no longer needed; a test checks
each against the installed version, so a workaround is retired when TensorFlow fixes the cause.
"""
