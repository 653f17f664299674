"""pytest support: a test that leaves tessera buffers alive fails, naming the Python line that
allocated each one.

    def test_thumbnails(tessera_leak_check):     # this test only
        ...

    pytest --tessera-leak-check                  # every test (with tessera installed)
    pytest -p tessera.testing --tessera-leak-check    # the same, from a build tree

A buffer counts as leaked when the test function allocated it (fixtures' setup excluded) and it
is still alive after the test and its function-scoped fixtures are done, gc.collect() included:
a cache in a global, a region kept in a module list, a reference cycle with a __del__. A test
that failed already is not blamed twice: its traceback holds its images. Profiling is on while
the check runs (it records each buffer's line) and back as it was after.
"""

import gc
import warnings

import pytest

from . import memory

__all__ = ["LeakCheck", "tessera_leak_check"]


class LeakCheck:
    """The buffers allocated since it was made that are still alive."""

    def __init__(self):
        self._was_profiling = memory.profiling()
        memory.set_profiling(True)
        self.restart()

    def restart(self):
        """Counts from now: what is alive now is not a leak."""
        self._newest_before = max((b["id"] for b in self._buffers()), default=0)

    @staticmethod
    def _buffers():
        # A test may switch profiling off for itself (then nothing it makes is seen): the
        # check's own reading is no reason to warn the test of it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return memory.snapshot().buffers

    def leaks(self):
        """Every buffer allocated since and alive now (after gc.collect()), largest first."""
        gc.collect()
        alive = [b for b in self._buffers() if b["id"] > self._newest_before]
        return sorted(alive, key=lambda b: b["bytes"], reverse=True)

    def close(self):
        if not self._was_profiling:
            memory.set_profiling(False)

    @staticmethod
    def describe(leaks):
        total = sum(b["bytes"] for b in leaks)
        lines = [f"tessera leak check: {len(leaks)} buffer{'s' if len(leaks) != 1 else ''} "
                 f"({_format_bytes(total)}) allocated in this test still alive after it:"]
        for buffer in leaks:
            lines.append(f"  {_format_bytes(buffer['bytes']):>10} '{buffer['label']}' allocated at "
                         f"{buffer['site']}")
            for pin in buffer["pins"]:
                lines.append(f"             kept by a {pin['width']}x{pin['height']} region cut at "
                             f"{pin['site']}")
        lines.append("Drop the references (a global cache, a list of regions), or compact() the "
                     "regions kept.")
        return "\n".join(lines)


def _format_bytes(count):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} B"


_CALL_FAILED = pytest.StashKey[bool]()
_CHECK = pytest.StashKey[LeakCheck]()


@pytest.fixture
def tessera_leak_check(request):
    """Fails the test if tessera buffers it allocated are alive after it, naming their lines.
    Ask for it first: it is then torn down last, after the fixtures the test may have filled."""
    check = LeakCheck()
    request.node.stash[_CHECK] = check
    try:
        yield check
        leaks = check.leaks()
    finally:
        check.close()
    if leaks and not request.node.stash.get(_CALL_FAILED, False):
        pytest.fail(LeakCheck.describe(leaks), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    check = item.stash.get(_CHECK, None)
    if check is not None:
        check.restart()  # the fixtures' images, made in setup, are theirs
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.stash[_CALL_FAILED] = True


def pytest_addoption(parser):
    parser.getgroup("tessera").addoption(
        "--tessera-leak-check", action="store_true", default=False,
        help="fail every test that leaves tessera buffers alive, naming the allocating lines")


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--tessera-leak-check"):
        return
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is not None and "tessera_leak_check" not in names:
            names.insert(0, "tessera_leak_check")  # first set up, so last torn down
