"""Ctrl-C during a long tessera.convert raises KeyboardInterrupt at once, from the convert line,
and leaves neither the output nor a temporary; a program with a SIGINT handler of its own
keeps it."""

import pytest

import tessera

# A convert of about half a minute here (upscaled 4x, two wide blurs, back down), and one of a
# few seconds.
SLOW = "resize 400% | blur 99 | blur 99 | resize 25%"
SECONDS = "resize 300% | blur 41 | resize 25%"

SCRIPT = '''
import signal, sys, tessera
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal (not inherited)
print("started", flush=True)
try:
    tessera.convert(sys.argv[1], sys.argv[2], sys.argv[3])
    print("finished", flush=True)
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
    # Python works as before after it: another convert runs to its end.
    tessera.convert(sys.argv[1], sys.argv[2] + ".small.png", "resize 10%")
    print("then converted", flush=True)
'''


@pytest.fixture
def run_and_interrupt(interrupt_child):
    def run(tmp_path, photo, script, pipeline=SLOW):
        out = tmp_path / "out" / "slow.png"
        out.parent.mkdir()
        # A band of the job has surely begun 1 s after it started; if not, SIGINT comes before
        # the convert and the child ends the same way.
        code, stdout, stderr = interrupt_child(script, photo, out, pipeline, after=1.0,
                                               hang_guard=25)
        return code, stdout, stderr, out

    return run


def test_ctrl_c_stops_a_long_convert_leaving_nothing(tmp_path, photo, run_and_interrupt):
    code, stdout, stderr, out = run_and_interrupt(tmp_path, photo, SCRIPT)
    assert code == 0, stderr
    assert stdout.splitlines() == ["started", "KeyboardInterrupt", "then converted"], stderr
    assert "no leaks" in stderr
    left = sorted(p.name for p in out.parent.iterdir())
    assert left == ["slow.png.small.png"], left  # no slow.png, no temporary of it


@pytest.fixture
def big_photo(tmp_path, photo):
    """The photograph at 7680x4320: a few seconds to write as PNG, most of them after the last
    row is read."""
    big = tmp_path / "big.jpg"
    tessera.convert(photo, big, "resize 200%")
    return big


@pytest.mark.parametrize("pipeline", ["", "equalize"])
def test_ctrl_c_after_the_last_read_still_leaves_nothing(tmp_path, big_photo, pipeline,
                                                         run_and_interrupt):
    """No pipeline, or a whole-image stage: SIGINT comes while the encoder works on rows already
    read. KeyboardInterrupt, and no output: never a complete file followed by the exception."""
    code, stdout, stderr, out = run_and_interrupt(tmp_path, big_photo, SCRIPT, pipeline)
    assert code == 0, stderr
    assert stdout.splitlines() == ["started", "KeyboardInterrupt", "then converted"], stderr
    left = sorted(p.name for p in out.parent.iterdir())
    assert left == ["slow.png.small.png"], left  # no slow.png, no temporary of it


OWN_HANDLER = '''
import signal, sys, tessera
handled = []
signal.signal(signal.SIGINT, lambda *a: (handled.append(1), print("own handler", flush=True)))
print("started", flush=True)
# Converts one after the other until the handler has run: however fast the machine, SIGINT
# comes during one of them (or between two), and is the program's to handle.
for _ in range(200):
    tessera.convert(sys.argv[1], sys.argv[2], sys.argv[3])
    if handled:
        break
print("finished", flush=True)
'''


def test_a_programs_own_sigint_handler_is_left_alone(tmp_path, photo, run_and_interrupt):
    code, stdout, stderr, out = run_and_interrupt(tmp_path, photo, OWN_HANDLER, SECONDS)
    # The convert in flight runs to its end (the program chose to handle SIGINT itself), then
    # the program's handler runs, once.
    assert code == 0, stderr
    assert stdout.splitlines() == ["started", "own handler", "finished"], stderr
    assert out.exists()
