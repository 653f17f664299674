"""tessera.testing, the pytest plugin: a test that leaves tessera buffers alive fails with the
Python line that allocated them; clean tests, failing tests and fixtures' own images pass."""

import os
import sys

import pytest

pytest_plugins = ["pytester"]

INNER = '''
import pytest
import tessera
import numpy as np

CACHE = []

@pytest.fixture
def scratch():
    image = tessera.Image(np.zeros((64, 64, 3), np.uint8), copy=True)
    yield image

def test_clean(tessera_leak_check):
    img = tessera.ops.blur(tessera.Image(np.zeros((100, 100, 3), np.uint8)), 5)
    assert img.shape == (100, 100, 3)

def test_leaks_into_a_global(tessera_leak_check):
    CACHE.append(tessera.ops.blur(tessera.Image(np.zeros((300, 200, 3), np.uint8)), 5))  # LEAK

def test_leaks_a_region(tessera_leak_check):
    big = tessera.Image(np.zeros((1000, 1000, 3), np.uint8), copy=True)  # BIG
    CACHE.append(big.region(10, 10, 8, 8))  # REGION

def test_a_fixtures_image_is_not_the_tests(tessera_leak_check, scratch):
    assert scratch.shape == (64, 64, 3)

def test_fails_itself(tessera_leak_check):
    img = tessera.Image(np.zeros((50, 50), np.uint8), copy=True)
    assert img.shape == (1, 1)

def test_unchecked():
    CACHE.append(tessera.Image(np.zeros((10, 10), np.uint8), copy=True))  # UNCHECKED
'''


def line_of(marker):
    """The marked line's number in test_inner.py (makepyfile drops the first empty line)."""
    return next(i for i, text in enumerate(INNER.strip("\n").splitlines(), 1) if marker in text)


@pytest.fixture
def inner(pytester):
    pytester.makepyfile(test_inner=INNER)
    # The build tree's package (PYTHONPATH) in a pytest of its own; the outer leak check off.
    env = {"PYTHONPATH": os.pathsep.join(sys.path), "TESSERA_LEAK_CHECK": "0"}
    os.environ.update(env)
    return pytester


def test_the_fixture_fails_leaking_tests_and_names_their_lines(inner):
    result = inner.runpytest_subprocess("-p", "tessera.testing", "-rA")
    result.assert_outcomes(passed=5, failed=1, errors=2)
    out = result.stdout.str()
    path = str(inner.path / "test_inner.py")
    assert "ERROR at teardown of test_leaks_into_a_global" in out
    assert f"allocated at {path}:{line_of('# LEAK')} (" in out
    assert "1 buffer (187.5 KiB) allocated in this test still alive" in out
    assert f"allocated at {path}:{line_of('# BIG')} (" in out
    assert f"kept by a 8x8 region cut at {path}:{line_of('# REGION')} (" in out
    assert "ERROR at teardown of test_a_fixtures_image" not in out
    assert "ERROR at teardown of test_fails_itself" not in out  # blamed once, for its assert


def test_the_option_checks_every_test(inner):
    result = inner.runpytest_subprocess("-p", "tessera.testing", "--tessera-leak-check",
                                        "-k", "unchecked")
    result.assert_outcomes(passed=1, errors=1)
    assert f"test_inner.py:{line_of('# UNCHECKED')} (" in result.stdout.str()
