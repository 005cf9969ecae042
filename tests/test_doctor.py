"""`hlcourse.doctor`: each check both ways (its inputs replaced), the report, and a real run."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

from hlcourse import doctor
from hlcourse.doctor import Finding, format_report, run_checks

NAMES = [
    "Python",
    "TensorFlow",
    "Keras",
    "NumPy",
    "ipywidgets",
    "JupyterLab",
    "One TensorFlow",
    "Memory",
    "CPU threads",
    "Widgets extension",
    "JupyterLab and jupytext",
]


def by_name(findings: list[Finding]) -> dict[str, Finding]:
    return {f.name: f for f in findings}


# --- the real environment ---------------------------------------------------------------


def test_runs_for_real_and_names_every_check():
    findings = run_checks()
    assert [f.name for f in findings] == NAMES
    for f in findings:
        assert f.detail
        assert f.ok or f.fix, f"{f.name} is a problem but says nothing about what to do"
    # This is the course's own environment, installed from the lock.
    found = by_name(findings)
    assert found["Python"].ok and found["Keras"].ok and found["Widgets extension"].ok


def test_reads_versions_without_importing_tensorflow():
    code = (
        "import sys; from hlcourse.doctor import run_checks; run_checks(); "
        "print(sorted(m for m in ('tensorflow', 'keras', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- Python ---------------------------------------------------------------------------------


def test_python_too_old(monkeypatch):
    monkeypatch.setattr(doctor, "_python_version", lambda: (3, 10, 12))
    found = by_name(run_checks())["Python"]
    assert not found.ok
    assert "3.10.12" in found.detail and "3.11" in found.fix


def test_python_new_enough(monkeypatch):
    monkeypatch.setattr(doctor, "_python_version", lambda: (3, 13, 0))
    found = by_name(run_checks())["Python"]
    assert found.ok and "3.13.0" in found.detail


# --- package versions -------------------------------------------------------------------


@pytest.fixture
def versions(monkeypatch):
    """Installed versions the checks see: edit the returned dict (None means not installed)."""
    installed = {
        "tensorflow-cpu": "2.21.0",
        "keras": "3.15.1",
        "numpy": "2.4.6",
        "ipywidgets": "8.1.9",
        "jupyterlab": "4.6.6",
        "jupyterlab_widgets": "3.0.17",
    }
    monkeypatch.setattr(doctor, "_installed_version", lambda name: installed.get(name))
    return installed


@pytest.fixture
def lock(tmp_path, monkeypatch):
    path = tmp_path / "requirements.lock"  # the runtime lock
    path.write_text(
        "# a lock in uv's format\n"
        "keras==3.15.1\n    # via tensorflow\n"
        "numpy==1.0.0 ; python_version < '3'\n"
        "numpy==2.4.6 ; python_version >= '3'\n"
        "ipywidgets==8.1.9\n"
        "jupyterlab==4.6.6\n"
        "tensorflow==2.21.0 ; sys_platform == 'no-such-platform'\n"
        "tensorflow-cpu==2.21.0 ; sys_platform != 'no-such-platform'\n"
    )
    monkeypatch.setattr(doctor, "_lock_path", lambda: path)
    return path


def test_versions_match_the_lock(versions, lock):
    found = by_name(run_checks())
    for name in ("TensorFlow", "Keras", "NumPy", "ipywidgets", "JupyterLab"):
        assert found[name].ok, found[name]
        assert "tested with" in found[name].detail
    assert "tensorflow-cpu" in found["TensorFlow"].detail  # says which distribution it found


def test_a_version_other_than_the_lock_is_a_problem(versions, lock):
    versions["keras"] = "3.9.0"
    found = by_name(run_checks())["Keras"]
    assert not found.ok
    assert "3.9.0" in found.detail and "3.15.1" in found.detail
    assert "make lab" in found.fix


def test_markers_pick_this_platforms_pin(versions, lock):
    versions["numpy"] = "1.0.0"  # pinned only for Python 2: the wrong line
    found = by_name(run_checks())["NumPy"]
    assert not found.ok and "2.4.6" in found.detail


def test_two_tensorflows_in_one_environment_are_a_problem(versions, lock):
    """`tensorflow` and `tensorflow-cpu` share one `tensorflow/` folder: an image that had one
    and got the other from the course's requirements must keep only one."""
    assert by_name(run_checks())["One TensorFlow"].ok
    versions["tensorflow"] = "2.20.0"
    found = by_name(run_checks())["One TensorFlow"]
    assert not found.ok
    assert "tensorflow 2.20.0" in found.detail and "tensorflow-cpu 2.21.0" in found.detail
    assert "pip uninstall" in found.fix and "--no-deps" in found.fix


def test_a_missing_package_is_a_problem(versions, lock):
    versions["tensorflow-cpu"] = None
    found = by_name(run_checks())["TensorFlow"]
    assert not found.ok and "not installed" in found.detail and found.fix


def test_without_a_lock_the_lower_bounds_apply(versions, monkeypatch):
    monkeypatch.setattr(doctor, "_lock_path", lambda: None)
    monkeypatch.setattr(doctor, "_lower_bounds", lambda: {"keras": ">=3.3", "numpy": ">=1.26"})
    versions["keras"] = "2.15.0"
    found = by_name(run_checks())
    assert found["NumPy"].ok and ">=1.26" in found["NumPy"].detail
    assert not found["Keras"].ok
    assert ">=3.3" in found["Keras"].detail and 'pip install "keras>=3.3"' in found["Keras"].fix


def test_lower_bounds_come_from_the_installed_package_metadata():
    bounds = doctor._lower_bounds()
    assert bounds["keras"].startswith(">=") and bounds["jupyterlab"].startswith(">=")


def test_lower_bounds_read_every_form_of_requirement(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(
        importlib.metadata,
        "requires",
        lambda name: ["numpy>=1.26,<3", 'jupyterlab>=4.2; extra == "lab"', "pillow",
                      "Keras (>=3.3)", "ipywidgets[extra] >= 8.1"],
    )  # fmt: skip
    assert doctor._lower_bounds() == {
        "numpy": ">=1.26,<3",
        "jupyterlab": ">=4.2",
        "keras": ">=3.3",
        "ipywidgets": ">=8.1",
    }


def test_the_real_lock_pins_this_platforms_tensorflow():
    pins = doctor._lock_pins()
    assert pins is not None, "the tests run from a clone, which has requirements.lock"
    linux_x86 = sys.platform == "linux" and platform.machine() == "x86_64"
    wanted = "tensorflow-cpu" if linux_x86 else "tensorflow"  # tests/test_tensorflow_choice.py
    assert pins[wanted].startswith("==")


def test_versions_are_compared_with_the_runtime_lock():
    """The runtime lock pins every package the doctor checks, so a learner's environment (no
    test tools) and a developer's (the dev lock, same versions for these) read the same pins."""
    from hlcourse import _bootstrap

    assert doctor._lock_path() == _bootstrap.REPO_ROOT / _bootstrap.RUNTIME_LOCK
    pins = doctor._lock_pins()
    unpinned = [name for name, dists in doctor.PACKAGES if not any(d in pins for d in dists)]
    assert not unpinned, f"{unpinned} are checked but not in {_bootstrap.RUNTIME_LOCK}"
    assert "pytest" not in pins  # a test tool: only the dev lock has it


# --- memory -----------------------------------------------------------------------------


def test_low_memory_says_what_to_do(monkeypatch):
    monkeypatch.setattr(doctor, "_memory_bytes", lambda: (1_200_000_000, 2_000_000_000))
    found = by_name(run_checks())["Memory"]
    assert not found.ok
    assert "1.2 GB free of 2.0 GB" in found.detail
    assert "Shut Down Kernel" in found.fix


def test_enough_memory(monkeypatch):
    monkeypatch.setattr(doctor, "_memory_bytes", lambda: (6_000_000_000, 8_000_000_000))
    found = by_name(run_checks())["Memory"]
    assert found.ok and "6.0 GB free" in found.detail


def test_unknown_memory_is_not_a_problem(monkeypatch):
    monkeypatch.setattr(doctor, "_memory_bytes", lambda: (None, None))
    found = by_name(run_checks())["Memory"]
    assert found.ok and "could not read" in found.detail


def fake_files(monkeypatch, files: dict[str, str]) -> None:
    monkeypatch.setattr(doctor, "_read", lambda path: files.get(path, ""))


def test_memory_counts_a_containers_limit(monkeypatch):
    gb = 1_000_000_000
    fake_files(
        monkeypatch,
        {
            "/proc/meminfo": f"MemTotal: {64 * gb // 1024} kB\nMemAvailable: {60 * gb // 1024} kB\n",
            "/sys/fs/cgroup/memory.max": str(2 * gb),
            "/sys/fs/cgroup/memory.current": str(int(1.5 * gb)),
            # half a GB of it is page cache the kernel gives back on demand
            "/sys/fs/cgroup/memory.stat": f"anon 1000\ninactive_file {gb // 2}\n",
        },
    )
    available, total = doctor._memory_bytes()
    assert total == 2 * gb
    assert available == pytest.approx(gb, rel=0.01)


def test_memory_without_a_container_limit(monkeypatch):
    fake_files(
        monkeypatch,
        {"/proc/meminfo": "MemTotal: 8000000 kB\nMemAvailable: 3000000 kB\n",
         "/sys/fs/cgroup/memory.max": "max"},
    )  # fmt: skip
    assert doctor._memory_bytes() == (3000000 * 1024, 8000000 * 1024)


# --- CPU threads ------------------------------------------------------------------------


def test_one_thread_is_slower_and_says_so(monkeypatch):
    monkeypatch.setattr(doctor, "_cpu_threads", lambda: 1)
    found = by_name(run_checks())["CPU threads"]
    assert not found.ok and "timed on 2" in found.detail and found.fix


def test_two_threads_or_more(monkeypatch):
    monkeypatch.setattr(doctor, "_cpu_threads", lambda: 8)
    found = by_name(run_checks())["CPU threads"]
    assert found.ok and found.detail.startswith("8")


def test_threads_count_a_containers_cpu_quota(monkeypatch):
    monkeypatch.setattr(doctor.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    fake_files(monkeypatch, {"/sys/fs/cgroup/cpu.max": "150000 100000\n"})
    assert doctor._cpu_threads() == 2  # 1.5 CPUs: two threads get work done
    fake_files(monkeypatch, {"/sys/fs/cgroup/cpu.max": "max 100000\n"})
    assert doctor._cpu_threads() == 4


# --- the widgets extension and the JupyterLab tools -------------------------------------


@pytest.fixture
def lab_folders(tmp_path, monkeypatch):
    data, config = tmp_path / "share" / "jupyter", tmp_path / "etc" / "jupyter"
    monkeypatch.setattr(doctor, "_jupyter_data_folders", lambda: [data])
    monkeypatch.setattr(doctor, "_jupyter_config_folders", lambda: [config])
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    return data, config


def install_extension(data):
    folder = data / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager"
    folder.mkdir(parents=True)
    (folder / "package.json").write_text("{}")


def test_widgets_extension_active(versions, lab_folders):
    install_extension(lab_folders[0])
    found = by_name(run_checks())["Widgets extension"]
    assert found.ok and "active" in found.detail


def test_widgets_extension_folder_missing(versions, lab_folders):
    found = by_name(run_checks())["Widgets extension"]
    assert not found.ok and "jupyterlab-manager" in found.detail
    assert "restart JupyterLab" in found.fix


def test_jupyterlab_widgets_not_installed(versions, lab_folders):
    install_extension(lab_folders[0])
    versions["jupyterlab_widgets"] = None
    found = by_name(run_checks())["Widgets extension"]
    assert not found.ok and "pip install jupyterlab_widgets" in found.fix


def test_widgets_extension_disabled(versions, lab_folders):
    data, config = lab_folders
    install_extension(data)
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyter-widgets/jupyterlab-manager": True}})
    )
    found = by_name(run_checks())["Widgets extension"]
    assert not found.ok and "disabled" in found.detail
    assert "jupyter labextension enable @jupyter-widgets/jupyterlab-manager" in found.fix


def test_jupytext_missing(monkeypatch, lab_folders):
    monkeypatch.setattr(doctor, "_importable", lambda module: module != "jupytext")
    found = by_name(run_checks())["JupyterLab and jupytext"]
    assert not found.ok and "jupytext" in found.detail and "pip install jupytext" in found.fix


def test_lab_tools_importable(monkeypatch, lab_folders):
    monkeypatch.setattr(doctor, "_importable", lambda module: True)
    assert by_name(run_checks())["JupyterLab and jupytext"].ok


def test_colab_needs_no_jupyterlab(versions, lab_folders, monkeypatch):
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-1")
    monkeypatch.setattr(doctor, "_importable", lambda module: False)
    found = by_name(run_checks())
    assert found["Widgets extension"].ok and found["JupyterLab and jupytext"].ok
    assert "Colab" in found["Widgets extension"].detail


# --- the report -------------------------------------------------------------------------

FINDINGS = [
    Finding("Python", True, "3.11.7 (the course needs 3.11 or newer)"),
    Finding("Memory", False, "only 1.2 GB free", "Keep one lesson open at a time."),
]


def test_report_marks_each_check_and_says_what_to_do():
    report = format_report(FINDINGS)
    lines = report.splitlines()
    assert lines[0] == "1 of 2 checks needs attention (marked ✘)."
    assert any(line.startswith("✔  Python") and "3.11.7" in line for line in lines)
    assert any(line.startswith("✘  Memory") and "1.2 GB free" in line for line in lines)
    assert "What to do: Keep one lesson open at a time." in report
    # the details line up in one column
    assert lines[2].index("3.11.7") == lines[3].index("only")


def test_report_when_all_is_well():
    report = format_report(FINDINGS[:1])
    assert report.startswith("All 1 checks passed")
    assert "What to do" not in report


def test_report_in_plain_ascii():
    report = format_report(FINDINGS, ascii_only=True)
    report.encode("ascii")  # raises if a mark is left
    assert "!!  Memory" in report and "ok  Python" in report


def test_report_of_the_real_checks_has_a_line_per_check():
    report = format_report(run_checks())
    for name in NAMES:
        assert name in report


@pytest.mark.parametrize(
    ("findings", "error", "fragment"),
    [
        ("all good", TypeError, "list of Finding"),
        ([FINDINGS[0], "x"], TypeError, "list of Finding"),
        ([], ValueError, "non-empty list"),
    ],
)
def test_report_refuses_what_is_not_findings(findings, error, fragment):
    with pytest.raises(error, match=fragment):
        format_report(findings)
