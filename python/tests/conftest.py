"""Shared fixtures: the corpora's files (TESSERA_CORPORA, set by CTest; else beside the repo)."""

import os
import pathlib
import signal
import subprocess
import sys

import pytest

import tessera

CORPORA = pathlib.Path(os.environ.get(
    "TESSERA_CORPORA", pathlib.Path(__file__).resolve().parents[3] / "shared" / "corpora"))


@pytest.fixture
def corpora():
    if not CORPORA.is_dir():
        pytest.skip(f"no corpora at {CORPORA}")
    return CORPORA


@pytest.fixture
def photo(corpora):
    """A real photograph: libvips' 3840x2160 street scene, JPEG."""
    return corpora / "vips/test/test-suite/images/ultra-hdr.jpg"


@pytest.fixture
def cli():
    """The tessera command line of the same build (TESSERA_CLI, set by CTest)."""
    path = pathlib.Path(os.environ.get(
        "TESSERA_CLI", pathlib.Path(__file__).resolve().parents[2] / "build" / "tessera"))
    if not path.exists():
        pytest.skip(f"no tessera CLI at {path}")
    return path


def _profiling_set_to(on):
    """tessera's profiler on or off for a test, then as it was (TESSERA_LEAK_CHECK=1 keeps it
    on)."""
    was_on = tessera.memory.profiling()
    tessera.memory.set_profiling(on)
    yield
    tessera.memory.set_profiling(was_on)


@pytest.fixture
def profiling():
    yield from _profiling_set_to(True)


@pytest.fixture
def not_profiling():
    yield from _profiling_set_to(False)


@pytest.fixture
def interrupt_child():
    """Runs a Python script in a child with the leak check on, sends it SIGINT once it has
    printed its first line and `after` more seconds have passed (or it has ended), and returns
    (returncode, its whole stdout, its stderr). The script installs Python's default SIGINT
    handler itself (as in a terminal: not inherited by a child). `hang_guard` seconds later a
    child still running is killed and the test fails: a hang guard, not a timing assertion."""
    def run(script, *args, after=1.0, hang_guard=60):
        env = dict(os.environ, TESSERA_LEAK_CHECK="1")
        child = subprocess.Popen([sys.executable, "-c", script, *map(str, args)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env)
        started = child.stdout.readline()
        try:
            child.wait(timeout=after)
        except subprocess.TimeoutExpired:
            pass
        child.send_signal(signal.SIGINT)
        try:
            stdout, stderr = child.communicate(timeout=hang_guard)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            pytest.fail(f"the child did not stop on SIGINT within {hang_guard} s")
        return child.returncode, started + stdout, stderr

    return run
