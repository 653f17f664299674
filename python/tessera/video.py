"""tessera.video: a video's frames as tessera Images, and whole videos through a pipeline.

Loaded on first use (`import tessera.video`, or `tessera.video` after `import tessera`): it links
FFmpeg's libraries, which cost some 28 MiB of RSS and 40 ms of start-up that `import tessera`
alone does not pay.

    import numpy as np
    import tessera.video

    info = tessera.video.probe("clip.mp4")            # headers only: size, fps, frame count, ...
    with tessera.video.frames("clip.mp4", every=5, format="gray") as frames:
        for frame in frames:                          # each a tessera.Image
            a = np.asarray(frame)                     # a view of the decoded buffer: no copy
            print(frame.index, frame.time, a.mean())
    summary = tessera.video.process("clip.mp4", "edges.mp4",
                                    "gray | blur 5 | canny 50 150 | rgb", crf=23)
    print(summary["frames_written"], summary["fps"])

Memory: a frame's pixels are a buffer of the reader's pool, tracked like any image (tessera.memory
shows it at the line of the loop that asked for it) and charged to memory= or to the enclosing
`with tessera.budget`. The buffer goes back to the pool when the last handle goes (the frame, its
numpy views, its regions), so a loop that drops each frame runs in a handful of buffers however
long the video; a frame kept stays valid, and accounted, after the reader has moved on or closed.
"""

import dataclasses as _dataclasses
import os as _os
import warnings as _warnings
from collections.abc import Callable as _Callable

import tessera as _tessera_package  # first: it binds tessera.Image, which every Frame is

from . import _tessera_video
from . import errors as _errors
from ._tessera_video import Frame


@_dataclasses.dataclass(frozen=True)
class StreamInfo:
    """One stream of a video file: its index in the file, its type ("video", "audio",
    "subtitle", "data") and its codec ("h264", "aac", ...)."""
    index: int
    type: str
    codec: str


@_dataclasses.dataclass(frozen=True)
class VideoInfo:
    """What a video's headers say, before any frame is decoded. width and height are upright
    (after `rotation`, the clockwise degrees of the display matrix); frame_count is exact when
    frame_count_exact (from the container's index), else duration x fps; decode_estimate is the
    tracked bytes the decoder's frame buffers take at most."""
    container: str
    codec: str
    stream_index: int
    width: int
    height: int
    rotation: int
    fps: float
    duration: float
    frame_count: int
    frame_count_exact: bool
    bit_depth: int
    pixel_format: str
    streams: tuple[StreamInfo, ...]
    decode_estimate: int


_PathLike = str | bytes | _os.PathLike


def _check(name, value, kinds, what):
    """Refuses a wrong type in words, before the bindings' signature dump would."""
    if value is not None and (isinstance(value, bool) and bool not in kinds
                              or not isinstance(value, kinds)):
        raise TypeError(f"{name}= takes {what}, not {type(value).__name__} {value!r}")


def _check_range(start, duration):
    _check("start", start, (int, float), "seconds (a number) or None for the beginning")
    _check("duration", duration, (int, float), "seconds (a number) or None for the rest")
    if start is not None and not start >= 0:
        raise _errors.InvalidArgument(f"start {start!r} s: give seconds from the beginning, 0 "
                                      f"or more")
    if duration is not None and not duration > 0:
        raise _errors.InvalidArgument(f"duration={duration!r}: give seconds, more than 0, or "
                                      f"None for the rest of the video")


def _warn_of_unused_options(output, **given):
    """Encoder options given for an output that has no encoder (null, an image sequence): said
    once and ignored, as `tessera video` says them."""
    text = _os.fsdecode(output) if isinstance(output, (str, bytes, _os.PathLike)) else ""
    if text != "null" and "%" not in text:
        return
    kind = "'null'" if text == "null" else "an image sequence"
    for name, value in given.items():
        if value is not None:
            _warnings.warn(f"{name}= applies to video outputs only; ignored for {kind}",
                           UserWarning, stacklevel=3)


def _video_info(fields):
    streams = tuple(StreamInfo(**stream) for stream in fields["streams"])
    return VideoInfo(**{**fields, "streams": streams})


def probe(path: _PathLike) -> VideoInfo:
    """The headers of the video at `path` as a VideoInfo. Raises tessera.FileNotFound (a
    FileNotFoundError) for a missing file, tessera.UnsupportedFormat for a file that is no video
    FFmpeg reads, tessera.CorruptData for broken headers; each names the file."""
    return _video_info(_tessera_video.probe(path))


class Frames(_tessera_video.FrameReader):
    """The frames of a video, in presentation order: an iterator of Frame, and a context manager
    that closes the reader on exit (frames already given stay valid)."""
    __module__ = "tessera.video"

    @property
    def info(self) -> VideoInfo:
        """The video's headers, as probe() gives them."""
        return _video_info(super().info)


def frames(path: _PathLike, *, every: int = 1, start: float | None = None,
           duration: float | None = None, format: str = "rgb", memory: int | str | None = None,
           fail_on: str = "error", max_pixels: int | None = None,
           threads: int | None = None) -> Frames:
    """The frames of the video at `path` as Frame objects (tessera.Images), decoded one at a
    time as the loop asks for them.

    every: every Nth frame (all are decoded; the others are dropped). start, duration: seconds.
    format: "rgb" (the default), "gray" (the luma plane: no colour conversion), "rgb16",
    "gray16". memory: a cap on the frames' buffers together ("64M"; past it,
    tessera.OutOfBudget). fail_on: "error" (the default) refuses a damaged stream
    (tessera.CorruptData naming the file and frame) and warns (tessera.DecodeWarning) of a
    frame decoded without one of its references; "warning" refuses that too; "none" skips
    what cannot be decoded, with a tessera.DecodeWarning for each. max_pixels: the per-frame pixel limit (0: none). threads: the
    decoder's threads (None: one per core and one more, as `tessera video`; each frame thread
    holds one more frame, so threads=1 holds the fewest).

        with tessera.video.frames("clip.mp4", every=5) as frames:
            for frame in frames:
                ...
    """
    _check("every", every, (int,), "a whole number of frames (1: every frame)")
    _check_range(start, duration)
    _check("format", format, (str,), '"rgb", "gray", "rgb16" or "gray16"')
    _check("threads", threads, (int,), "a whole number of decoder threads, or None")
    return Frames(path, every=every, start=0.0 if start is None else start,
                  duration=0.0 if duration is None else duration, format=format, memory=memory,
                  fail_on=fail_on, max_pixels=max_pixels,
                  threads=0 if threads is None else threads)


def process(input: _PathLike, output: _PathLike, pipeline: str | None = None, *,
            codec: str | None = None, crf: int | None = None, preset: str | int | None = None,
            every: int = 1, start: float | None = None, duration: float | None = None,
            memory: int | str | None = None, frames_in_flight: int | None = None,
            audio: bool = True, fail_on: str = "error", max_pixels: int | None = None,
            progress: _Callable[[dict], object] | None = None) -> dict:
    """Every frame of `input` through `pipeline` (text, as `tessera video -p` takes it) to
    `output`, as `tessera video` runs it: frames in flight across the cores, in constant memory.
    The GIL is released while it runs. Returns a summary dict: input (the VideoInfo's fields),
    output, frames_read, frames_written, packets_copied, seconds, fps, estimate,
    encoder_estimate, peak_tracked_bytes, decode_seconds, pipeline_seconds, encode_seconds,
    interrupted, warnings.

    output: a video (container from the extension: .mp4 .mkv .webm .mov .avi), an image
    sequence ("frames/%06d.png") or "null" (decode and run, write nothing). It appears under
    its name only when complete. codec ("h264", "hevc", "vp9", "av1", "ffv1"; None: the
    container's usual one), crf and preset are the encoder's own. memory: a cap on everything
    tracked and on the encoder's estimated memory ("256M"): a job over it is refused before
    decoding (tessera.OutOfBudget). audio=False drops the audio and subtitle streams (else
    copied untouched). progress: called on this thread with {"frames", "frames_total",
    "seconds"} as frames are written.

    Ctrl-C (or an exception from `progress`) stops the run between frames, as the CLI does: the
    output holds the frames done so far, playable, no temporary is left, and the call raises
    KeyboardInterrupt (or that exception).
    """
    _check("pipeline", pipeline, (str,), 'pipeline text such as "gray | blur 5", or None')
    _check("codec", codec, (str,), '"h264", "hevc", "vp9", "av1", "ffv1" or None')
    _check("crf", crf, (int,), "a whole number (the encoder's quality scale), or None")
    if crf is not None and crf < 0:
        raise _errors.InvalidArgument(f"crf={crf}: give 0 (best) or more, or None for the "
                                      f"encoder's default")
    _check("preset", preset, (str, int), 'the encoder\'s preset ("veryfast", or 0-8 for vp9)')
    _check("every", every, (int,), "a whole number of frames (1: every frame)")
    _check_range(start, duration)
    _check("frames_in_flight", frames_in_flight, (int,), "a whole number of frames, or None")
    _check("audio", audio, (bool,), "True or False")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress= takes a function called with a dict as frames are written, "
                        f"not {type(progress).__name__} {progress!r}")
    _warn_of_unused_options(output, codec=codec, crf=crf, preset=preset,
                            audio=None if audio else False)
    return _tessera_video.process(
        input, output, pipeline, codec=codec or "", crf=-1 if crf is None else crf,
        preset="" if preset is None else str(preset), every=every, start=0.0 if start is None else start,
        duration=0.0 if duration is None else duration, memory=memory,
        frames_in_flight=0 if frames_in_flight is None else frames_in_flight, audio=audio,
        fail_on=fail_on, max_pixels=max_pixels, progress=progress)


__all__ = ["Frame", "Frames", "StreamInfo", "VideoInfo", "frames", "probe", "process"]
