"""tessera.video on real footage (samples/video: vtest.avi, OpenCV's 768x576 MS-MPEG4 street
scene; motion.mov, H.264 with AAC audio): frames equal FFmpeg's own decode of the same frame,
every/start/duration pick the frames they say, frame buffers are recycled once released and
stay accounted while kept, process() writes every frame and keeps the audio, a hostile file
raises the right exception naming it, Ctrl-C stops a run cleanly, and `import tessera` alone
does not load FFmpeg's libraries."""

import gc
import json
import os
import pathlib
import shutil
import subprocess
import sys
import threading

import numpy as np
import pytest

import tessera
import tessera.video

VIDEOS = pathlib.Path(__file__).resolve().parents[2] / "samples" / "video"
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                  reason="ffmpeg and ffprobe are the reference decoder")


def sample(name):
    path = VIDEOS / name
    if not path.exists():
        pytest.skip(f"no {name} in {VIDEOS} (samples/video is not committed: link or copy it)")
    return path


@pytest.fixture
def vtest():
    return sample("vtest.avi")


@pytest.fixture
def motion():
    return sample("motion.mov")


def ffmpeg_frame(path, index, pix_fmt, shape):
    """Frame `index` of `path` as FFmpeg decodes and converts it itself."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-vf", f"select=eq(n\\,{index})", "-vsync", "0",
         "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", pix_fmt, "-"],
        capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(shape)


def ffprobe_streams(path):
    """Each stream's type and, for video, its frame count as ffprobe counts by decoding."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_entries",
         "stream=codec_type,nb_read_frames", "-of", "json", str(path)],
        capture_output=True, check=True, text=True).stdout
    return json.loads(out)["streams"]


def line_of(marker):
    """The number of the line of this file that holds `marker` (after this function's own)."""
    lines = pathlib.Path(__file__).read_text().splitlines()
    return next(number for number, text in enumerate(lines, 1)
                if marker in text and "line_of(" not in text)


def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_import_tessera_does_not_load_ffmpeg():
    script = ("import tessera, numpy\n"
              "maps = lambda: open('/proc/self/maps').read()\n"
              "print('libavcodec' in maps(), 'libtessera_video' in maps())\n"
              "tessera.video.probe  # the attribute loads it\n"
              "print('libavcodec' in maps(), 'libtessera_video' in maps())\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.splitlines() == ["False False", "True True"]


def test_both_modules_share_one_core_and_one_image_type(vtest):
    with tessera.video.frames(vtest) as frames:
        frame = next(frames)
    assert isinstance(frame, tessera.Image) and type(frame) is tessera.video.Frame
    # Ops of _tessera take a frame made by _tessera_video, and one registry counts both.
    live = tessera.memory.counters()["live_bytes"]
    assert live >= 768 * 576 * 3
    del frame
    gc.collect()
    assert tessera.memory.counters()["live_bytes"] < live


def test_probe_reads_the_headers(vtest, motion):
    info = tessera.video.probe(vtest)
    assert (info.width, info.height, info.fps, info.frame_count) == (768, 576, 10.0, 795)
    assert info.frame_count_exact and info.codec == "msmpeg4v3" and info.rotation == 0
    assert info.decode_estimate > 768 * 576
    mov = tessera.video.probe(motion)
    assert (mov.width, mov.height, mov.frame_count, mov.codec) == (568, 320, 243, "h264")
    assert sorted(s.type for s in mov.streams) == ["audio", "video"]
    assert abs(mov.duration - 8.04) < 0.1


@needs_ffmpeg
@pytest.mark.parametrize("name", ["vtest.avi", "motion.mov"])
def test_frames_equal_ffmpegs_decode(name):
    path = sample(name)
    info = tessera.video.probe(path)
    wanted = {0, 37, 200}
    for format, pix_fmt, channels in [("gray", "gray", None), ("rgb", "rgb24", 3)]:
        got = {}
        with tessera.video.frames(path, format=format) as frames:
            for frame in frames:
                if frame.index in wanted:
                    got[frame.index] = np.array(frame)  # a copy: the frame goes back
                if len(got) == len(wanted):
                    break
        for index, pixels in got.items():
            shape = (info.height, info.width) + ((channels,) if channels else ())
            expected = ffmpeg_frame(path, index, pix_fmt, shape)
            assert np.array_equal(pixels, expected), (name, format, index)


def test_a_frame_is_a_zero_copy_image_with_its_place(motion):
    with tessera.video.frames(motion, format="gray") as frames:
        frame = next(frames)
        second = next(frames)
    a = np.asarray(frame)
    assert a.shape == (320, 568) and a.dtype == np.uint8
    assert np.shares_memory(a, np.asarray(frame))  # a view of the frame's buffer
    assert (frame.index, frame.time, second.index) == (0, 0.0, 1)
    assert abs(second.time - 1 / 30) < 1e-6
    edges = tessera.ops.canny(tessera.ops.blur(frame, 5), 50, 150)  # ops take it
    assert edges.shape == (320, 568)
    assert "Frame 0" in repr(frame)


def test_every_start_and_duration_pick_their_frames(vtest):
    with tessera.video.frames(vtest, every=5, duration=3) as frames:
        assert [f.index for f in frames] == list(range(0, 30, 5))
    with tessera.video.frames(vtest, start=10, duration=2, format="gray") as frames:
        picked = [(f.index, f.time) for f in frames]
    assert [index for index, _ in picked] == list(range(100, 120))
    assert all(10 <= time < 12 for _, time in picked)


def test_the_reader_closes_and_kept_frames_stay_valid(vtest):
    frames = tessera.video.frames(vtest, format="gray")
    kept = next(frames)
    expected = np.array(kept)
    frames.close()
    assert frames.closed and list(frames) == []
    with pytest.raises(tessera.InvalidArgument, match="closed"):
        frames.info
    assert np.array_equal(np.asarray(kept), expected)


def test_dropped_frames_are_recycled_and_kept_ones_stay_accounted(vtest, profiling):
    frame_bytes = 768 * 576 * 3
    before = tessera.memory.counters()["live_bytes"]
    most = 0
    with tessera.video.frames(vtest) as frames:
        for count, frame in enumerate(frames):
            most = max(most, tessera.memory.counters()["live_bytes"] - before)
            del frame
            if count == 300:
                break
    # 300 frames decoded in a handful of buffers: the decoder's references and the frame held.
    assert most < 8 * frame_bytes, most / frame_bytes
    gc.collect()
    assert tessera.memory.counters()["live_bytes"] == before

    snapshot = tessera.memory.snapshot()
    with tessera.video.frames(vtest, every=10) as frames:
        kept = [frame for frame, _ in zip(frames, range(30))]  # the line tessera.memory names
    held = tessera.memory.counters()["live_bytes"] - before
    assert held >= 30 * frame_bytes
    line = f"test_video.py:{line_of('# the line tessera.memory names')}"
    changes = [str(change) for change in tessera.memory.compare(snapshot, tessera.memory.snapshot())]
    assert any(line in change for change in changes), changes
    del kept
    gc.collect()
    assert tessera.memory.counters()["live_bytes"] == before


def test_close_from_another_thread_ends_the_loop(vtest):
    # A stop button: close() on another thread while the loop decodes (it crashed the process).
    # Where the loop is when close() lands is the threads' business; the loop must end cleanly.
    for frames_before_close in (1, 10, 100):
        frames = tessera.video.frames(vtest)
        first = next(frames)
        started = threading.Event()
        stopper = threading.Thread(target=lambda: (started.wait(), frames.close()))
        stopper.start()
        count = 0
        for _ in frames:
            count += 1
            if count == frames_before_close:
                started.set()
        started.set()
        stopper.join()
        assert frames.closed and count >= min(frames_before_close, 794)
        with pytest.raises(StopIteration):
            next(frames)
        assert np.asarray(first).shape == (576, 768, 3)  # a frame given stays valid
        del first


def test_the_interpreter_exits_cleanly_with_a_daemon_thread_in_a_loop(vtest):
    # At exit a daemon thread taking the GIL back was ended by pthread_exit through a noexcept
    # destructor: std::terminate, an abort (rc 134) every time.
    script = f"""
import threading, time, tessera.video
def loop():
    while True:
        for frame in tessera.video.frames({str(vtest)!r}):
            pass
threading.Thread(target=loop, daemon=True).start()
time.sleep(0.3)
print("main exits", flush=True)
"""
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout == "main exits\n"


def test_a_reader_says_what_it_reads_and_how_far_it_is(motion):
    frames = tessera.video.frames(motion, every=5, format="gray")
    assert repr(frames).endswith("motion.mov' every=5 gray8, 0 frames given>"), repr(frames)
    kept = [next(frames), next(frames)]
    assert repr(frames).endswith(", 2 frames given>"), repr(frames)
    frames.close()
    assert repr(frames).endswith(", 2 frames given, closed>"), repr(frames)
    del kept


def test_tessera_still_works_in_an_atexit_handler_that_runs_after_its_own():
    # The exit guard above parks other threads at exit, never the one running the exit: a
    # handler registered before `import tessera` runs after tessera's and may still call it.
    script = """
import atexit, numpy as np
def late():
    import tessera
    image = tessera.Image(np.zeros((64, 64, 3), np.uint8))
    print("blurred at exit", np.asarray(tessera.ops.blur(image, 5)).shape, flush=True)
atexit.register(late)
import tessera, tessera.video
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == "blurred at exit (64, 64, 3)\n"


def test_memory_caps_the_frames_held(vtest):
    frame_bytes = 768 * 576 * 3
    kept = []
    with pytest.raises(tessera.OutOfBudget):
        with tessera.video.frames(vtest, memory=12 * frame_bytes) as frames:
            for frame in frames:
                kept.append(frame)  # never released: the cap is reached
    assert 0 < len(kept) < 12
    del kept, frame


def test_frames_are_charged_to_the_enclosing_budget(vtest):
    frame_bytes = 768 * 576 * 3
    with tessera.budget("64M") as budget:
        with tessera.video.frames(vtest) as frames:
            kept = [frame for frame, _ in zip(frames, range(5))]
        assert budget.used >= 5 * frame_bytes
    del kept
    gc.collect()
    assert budget.used == 0


def test_a_long_loop_keeps_rss_and_live_buffers_flat(motion):
    def one_pass():
        with tessera.video.frames(motion, format="gray") as frames:
            for frame in frames:
                np.asarray(frame).mean()

    one_pass()  # warm-up: the decoder's pool, the allocator's arenas
    gc.collect()
    buffers = tessera.memory.counters()["live_buffers"]
    before = rss()
    for _ in range(4):  # about 1000 frames
        one_pass()
    gc.collect()
    assert tessera.memory.counters()["live_buffers"] == buffers
    grown = rss() - before
    assert grown <= 0.05 * before, f"RSS grew {grown / 2**20:.1f} MiB over {before / 2**20:.0f}"


@needs_ffmpeg
def test_process_writes_every_frame_and_keeps_the_audio(motion, tmp_path):
    out = tmp_path / "edges.mp4"
    seen = []
    summary = tessera.video.process(motion, out, "gray | blur 3 | canny 50 150 | rgb",
                                    preset="ultrafast", progress=seen.append)
    # The container says 243 frames; FFmpeg's decoder (ffprobe -count_frames) makes 242.
    decoded = [int(s["nb_read_frames"]) for s in ffprobe_streams(motion)
               if s["codec_type"] == "video"]
    assert summary["frames_read"] == summary["frames_written"] == decoded[0] == 242
    assert not summary["interrupted"] and summary["peak_tracked_bytes"] > 0
    assert summary["input"]["width"] == 568 and summary["fps"] > 0
    assert seen and seen[-1] == {**seen[-1], "frames": 242, "frames_total": 242}  # at its end
    streams = ffprobe_streams(out)
    assert sorted(s["codec_type"] for s in streams) == ["audio", "video"]
    assert [int(s["nb_read_frames"]) for s in streams if s["codec_type"] == "video"] == [242]
    assert [p.name for p in tmp_path.iterdir()] == ["edges.mp4"]  # no temporary left

    silent = tmp_path / "silent.mp4"
    summary = tessera.video.process(motion, silent, None, every=3, audio=False,
                                    preset="ultrafast")
    assert summary["frames_written"] == 81
    assert [s["codec_type"] for s in ffprobe_streams(silent)] == ["video"]


def test_process_is_charged_to_the_enclosing_budget_and_held_to_its_room(motion, tmp_path):
    # Charged: the budget saw the run's frames (568x320, several in flight).
    with tessera.budget("256M") as budget:
        summary = tessera.video.process(motion, "null", "gray | blur 3", every=10)
        assert budget.peak >= summary["peak_tracked_bytes"] > 568 * 320
        assert budget.used == 0
    # Held to its room: a budget too small refuses the run before decoding, naming itself.
    with tessera.budget("1M", name="tiny") as budget:
        with pytest.raises(tessera.OutOfBudget, match="'tiny'"):
            tessera.video.process(motion, tmp_path / "out.mp4", "gray")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("arguments, error, words", [
    ({"crf": 23.5}, TypeError, "crf= takes a whole number"),
    ({"crf": -1}, ValueError, "crf=-1"),
    ({"every": 2.5}, TypeError, "every= takes a whole number"),
    ({"start": "2"}, TypeError, "start= takes seconds"),
    ({"duration": 0}, ValueError, "duration=0: give seconds, more than 0"),
    ({"audio": "no"}, TypeError, "audio= takes True or False"),
    ({"progress": 5}, TypeError, "progress= takes a function"),
    ({"pipeline": ["gray"]}, TypeError, "pipeline= takes pipeline text"),
])
def test_process_refuses_wrong_arguments_in_words_before_any_work(motion, tmp_path, arguments,
                                                                  error, words):
    arguments = {"pipeline": "gray", **arguments}
    with pytest.raises(error, match=words):
        tessera.video.process(motion, tmp_path / "out.mp4", **arguments)
    assert list(tmp_path.iterdir()) == []


def test_frames_refuse_wrong_arguments_and_a_start_past_the_end(motion):
    with pytest.raises(TypeError, match="every= takes a whole number"):
        tessera.video.frames(motion, every=2.0)
    with pytest.raises(ValueError, match="duration=0"):
        tessera.video.frames(motion, duration=0)
    with pytest.raises(tessera.InvalidArgument, match=r"start 100 s is past the end .*8\.0 s"):
        tessera.video.frames(motion, start=100)


def test_encoder_options_for_an_output_without_encoder_are_said_and_ignored(motion, tmp_path):
    with pytest.warns(UserWarning, match="crf= applies to video outputs only; ignored for 'null'"):
        summary = tessera.video.process(motion, "null", "gray", crf=20, every=50)
    assert summary["frames_written"] == 5
    with pytest.warns(UserWarning, match="preset= .* an image sequence") as caught:
        tessera.video.process(motion, tmp_path / "f%03d.png", "gray", preset="slow", every=50)
    assert caught[0].filename == __file__  # the caller's line, not the package's
    # A preset as a number (vp9's cpu-used) is taken as the README writes it.
    tessera.video.process(motion, tmp_path / "v.webm", "gray | resize 25%", codec="vp9",
                          preset=8, every=50, audio=False)
    assert (tmp_path / "v.webm").stat().st_size > 0


def test_process_refuses_a_bad_pipeline_before_touching_a_file(motion, tmp_path):
    with pytest.raises(tessera.InvalidArgument, match="blurr"):
        tessera.video.process(motion, tmp_path / "out.mp4", "gray | blurr 3")
    with pytest.raises(tessera.OutOfBudget):
        tessera.video.process(motion, tmp_path / "out.mp4", "gray", memory="1M")
    assert list(tmp_path.iterdir()) == []


def test_hostile_files_raise_the_right_error_naming_them(tmp_path, vtest):
    noise = tmp_path / "noise.mp4"
    noise.write_bytes(np.random.default_rng(1).integers(0, 256, 100_000, np.uint8).tobytes())
    with pytest.raises(tessera.UnsupportedFormat) as error:
        tessera.video.frames(noise)
    assert error.value.path == str(noise)
    missing = tmp_path / "missing.mp4"
    with pytest.raises(FileNotFoundError) as error:
        tessera.video.probe(missing)
    assert error.value.path == str(missing)
    with pytest.raises(tessera.FileNotFound):
        tessera.video.process(missing, tmp_path / "out.mp4", "gray")
    # Headers cut by damage: a mov whose index is overwritten.
    damaged = bytearray(sample("motion.mov").read_bytes())
    rng = np.random.default_rng(2)
    for offset in range(50_000, len(damaged) - 1000, 5000):
        damaged[offset:offset + 100] = rng.integers(0, 256, 100, np.uint8).tobytes()
    broken = tmp_path / "broken.mov"
    broken.write_bytes(bytes(damaged))
    with pytest.raises(tessera.CorruptData) as error:
        for _ in tessera.video.frames(broken):
            pass
    assert error.value.path == str(broken)
    with pytest.raises(tessera.InvalidArgument, match="format"):
        tessera.video.frames(vtest, format="cmyk")
    with pytest.raises(tessera.InvalidArgument, match="every"):
        tessera.video.frames(vtest, every=0)
    with pytest.raises(tessera.InvalidArgument, match="start -1"):
        tessera.video.frames(vtest, start=-1)


INTERRUPTED = '''
import signal, sys, tessera.video
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal (not inherited)
print("started", flush=True)
try:
    tessera.video.process(sys.argv[1], sys.argv[2], "blur 31 | sharpen", preset="veryslow")
    print("finished", flush=True)
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
'''


def test_ctrl_c_stops_process_cleanly(tmp_path, vtest, interrupt_child):
    out = tmp_path / "out" / "slow.mp4"
    out.parent.mkdir()
    # The run is surely under way 2 s after it started.
    code, stdout, stderr = interrupt_child(INTERRUPTED, vtest, out, after=2.0)
    assert code == 0, stderr
    assert stdout.splitlines() == ["started", "KeyboardInterrupt"], stderr
    assert "no leaks" in stderr
    # As the CLI: the output holds the frames done, playable; no temporary is left.
    left = sorted(p.name for p in out.parent.iterdir())
    assert left in ([], ["slow.mp4"]), left
    if left and shutil.which("ffprobe"):
        frames = [int(s["nb_read_frames"]) for s in ffprobe_streams(out)]
        assert 0 < frames[0] < 795


def test_the_readmes_example_runs_as_pasted(tmp_path, motion):
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    intro = readme.index("In Python, `tessera.video` is loaded on first use")
    start = readme.index("```python\n", intro) + len("```python\n")
    example = readme[start:readme.index("```", start)]
    (tmp_path / "samples").symlink_to(motion.parents[1])  # its paths are the repository's
    done = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True,
                          text=True, env=dict(os.environ, TESSERA_LEAK_CHECK="1"))
    assert done.returncode == 0, done.stderr
    assert "no leaks" in done.stderr and (tmp_path / "edges.mp4").exists()
    assert done.stdout.splitlines()[0] == "568 320 30.0 243 ['audio', 'video']"
