"""Shared fixtures: the corpora's files (TESSERA_CORPORA, set by CTest; else beside the repo)."""

import os
import pathlib

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
