from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import hlcourse as hlc


def test_importing_hlcourse_loads_neither_tensorflow_nor_numpy():
    code = "import sys, hlcourse; print(sorted(m for m in ('tensorflow','keras','numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_setup_seeds_everything_so_a_rerun_repeats(capsys):
    import keras

    def draw():
        legacy = np.random.rand()  # noqa: NPY002  (setup seeds the legacy global state)
        return legacy, keras.random.uniform((1,)).numpy()[0], keras.layers.Dense(2).name

    hlc.setup(seed=3)
    first = draw()
    hlc.setup(seed=3)
    assert draw() == first
    hlc.setup(seed=4)
    assert draw()[0] != first[0]
    assert "seed 4" in capsys.readouterr().out


def test_setup_prints_one_line_about_the_environment(capsys):
    hlc.setup(summary=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    for part in ("hlcourse", "Python", "TensorFlow", "Keras 3", "CPU threads", "seed 0"):
        assert part in lines[0]
    hlc.setup(summary=False)
    assert capsys.readouterr().out == ""


def test_setup_uses_colour_blind_safe_defaults():
    import matplotlib as mpl

    hlc.setup(summary=False)
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == "#0072B2"
    assert mpl.rcParams["image.cmap"] == "viridis"


def test_environment_info_reports_versions_and_problems():
    info = hlc.environment_info()
    assert info.keras.startswith("3") and info.cpu_threads >= 1
    assert info.problems() == [] or all(isinstance(p, str) for p in info.problems())
    old = type(info)(**{**info.__dict__, "keras": "2.15.0", "memory_gb": 1.0})
    problems = " ".join(old.problems())
    assert "needs Keras 3" in problems and "one lesson open at a time" in problems


def test_setup_returns_its_seed_and_the_bench_can_choose_it(monkeypatch):
    import pytest

    assert hlc.setup(summary=False) == 0
    assert hlc.setup(7, summary=False) == 7
    monkeypatch.setenv("HLCOURSE_SEED", "3")
    assert hlc.setup(summary=False) == 3
    assert hlc.setup(5, summary=False) == 5  # an explicit seed wins
    monkeypatch.setenv("HLCOURSE_SEED", "abc")
    with pytest.raises(ValueError, match="HLCOURSE_SEED='abc'"):
        hlc.setup(summary=False)


def test_lessons_and_package_of_one_version_raise_no_warning():
    from hlcourse import __version__
    from hlcourse.environment import version_mismatch

    assert version_mismatch(__version__) is None
    assert version_mismatch("0.3.0", installed="0.3.0+g1a2b3c") is None  # a local build of it


def test_a_package_older_than_the_lessons_says_how_to_install_theirs():
    from hlcourse._bootstrap import install_command
    from hlcourse.environment import version_mismatch

    said = version_mismatch("0.10.0", installed="0.9.2")  # numerically, not as text
    assert said is not None
    assert "written for hlcourse 0.10.0" in said and "hlcourse 0.9.2, an older" in said
    assert "instructor" in said and "first cell" in said  # JupyterHub, Colab
    assert install_command(version="0.10.0") in said and "@v0.10.0" in said


def test_a_package_newer_than_the_lessons_points_to_hlcourse_update():
    from hlcourse.environment import version_mismatch

    said = version_mismatch("0.1.0", installed="0.2.0")
    assert said is not None
    assert "hlcourse 0.2.0, newer than the 0.1.0" in said and "hlcourse update" in said
    assert "class link" in said  # on a hub, nbgitpuller brings the lessons


def test_setup_warns_when_the_lessons_were_written_for_another_version(capsys):
    import warnings

    import hlcourse as hlc
    from hlcourse import __version__
    from hlcourse.environment import CourseVersionWarning

    with pytest.warns(CourseVersionWarning, match="written for hlcourse 99.0.0"):
        hlc.setup(summary=False, written_for="99.0.0")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hlc.setup(summary=False, written_for=__version__)
        hlc.setup(summary=False)  # a notebook of the learner's own checks nothing
