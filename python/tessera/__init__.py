"""tessera: images with memory you can trust.

    import numpy as np, tessera
    img = tessera.read("photo.jpg")       # RGB order, upright
    a = np.asarray(img)                   # a view: no copy; it keeps the pixels alive
    w = tessera.Image(a)                  # wraps an array without copying; keeps it alive
    tessera.write(img, "photo.webp", quality=80)
    edges = tessera.ops.canny(tessera.ops.blur(tessera.ops.gray(img), 5), 50, 150)
    same = tessera.run("gray | blur 5 | canny 50 150", img)   # fused, streamed in bands
    tessera.convert("in.jpg", "out.webp", "resize 50%", memory="64M", quality=80)
    with tessera.budget("512M", "thumbnails"):   # over it: tessera.OutOfBudget, a MemoryError
        ...
    for frame in tessera.video.frames("clip.mp4", every=5): ...   # see tessera.video
"""

import dataclasses as _dataclasses
import os as _os

from . import memory, ops
from ._tessera import (Image, __version__, budget, convert, decode, encode, read, read_region,
                       run, tracemalloc_domain, write)
from .errors import *  # noqa: F401,F403 (the exception classes are the package's own names)
from .errors import __all__ as _error_names
from . import _tessera


@_dataclasses.dataclass(frozen=True)
class BatchResult:
    """One file of a batch, as it finished. status is "DONE", "FAILED" or "SKIPPED"; a failed
    file has its `code` ("CorruptData", ...) and `error`, a skipped one its `reason`; `output`
    is the file written (or kept, when resuming), None when there is none. `input_bytes` and
    `output_bytes` are the files' sizes and `warnings` what the decoder accepted with a warning
    (fail_on="none"), as `tessera batch --report` has them, and a done file's seconds by
    stage (decode, pipeline, encode; 0 otherwise)."""
    input: str
    output: str | None
    status: str
    code: str | None
    error: str | None
    reason: str | None
    seconds: float
    width: int
    height: int
    output_width: int
    output_height: int
    input_bytes: int
    output_bytes: int
    warnings: list
    decode_seconds: float = 0.0
    pipeline_seconds: float = 0.0
    encode_seconds: float = 0.0


class _Source(_tessera.Source):
    __module__ = "tessera"

    def bands(self, rows=256):
        """The image's rows as stored (no EXIF orientation), `rows` at a time, as Images: each
        band is decoded when asked for, so memory stays one band however large the image."""
        band = self._next_band(rows, first=True)
        while band is not None:
            yield band
            band = self._next_band(rows)


def open(path, *, max_pixels=None, page=None):  # noqa: A001 (tessera.open, as the README names it)
    """Opens an image file and reads its headers only: width, height, format, orientation and
    `estimate` (the bytes a whole read() takes) before any pixel is decoded. Then read() the
    whole image, upright, or iterate bands(rows), which come as stored: width, height and the
    bands are before the EXIF orientation (5 to 8: sideways). A context manager: the file is
    closed on exit.

    page: which image of a file holding several, from 0 (as libvips' page): a TIFF's page, a
    HEIF's top-level image (None: the primary one), a GIF's or animated WebP's frame,
    composited as a viewer shows it; None: the first. `pages` says how many there are; a page
    past the last raises tessera.InvalidArgument ("file has 3 pages (0..2); asked for page 5").

        with tessera.open("huge.tif") as src:
            for band in src.bands(256): ...
    """
    return _Source(path, max_pixels=max_pixels, page=page)


def batch(input, output, pipeline=None, *, jobs=0, memory=None, format="", resume=False,
          recursive=False, files=None, cores=0, **options):
    """Runs a folder (or a file listing paths) through a pipeline into `output`, as `tessera
    batch` does, and yields a BatchResult for each file as it finishes. Memory stays bounded
    however many files there are (memory="256M" caps it for all files together). Breaking out
    of the loop, an exception or Ctrl-C stops the run: no file is started after, those in
    flight finish, and no temporary is left. Other keyword arguments are encode options. Inside
    a `with tessera.budget(...)` the files are charged to it. When the output device fills,
    the run stops taking files and, after the results of those that finished, raises
    tessera.Io (an OSError, errno ENOSPC): run it again with resume=True once there is room.
    `files` (names relative to the folder `input`) takes only those files of it, in that order,
    as the folder's walk would meet them (tessera.dask hands each task its share so). `cores`
    is the share of the machine's cores the run may use (0: all), for a process beside others.

        for r in tessera.batch("photos/", "edges/", "gray | blur 5 | canny 50 150 | rgb", jobs=2):
            print(r.input, r.status, r.error)
    """
    if not isinstance(input, (str, bytes, _os.PathLike)):
        raise TypeError(f"batch() takes a folder, a file listing paths (one per line) or '-' "
                        f"(paths on standard input) as its input, not a {type(input).__name__}: "
                        f"write the paths to a file, one per line, and give that file")
    if files is not None and isinstance(files, (str, bytes, _os.PathLike)):
        raise TypeError("batch(files=...) takes a list of names inside the input folder, not "
                        "one name: files=[name]")
    files = None if files is None else list(files)
    if files == []:
        return  # none chosen: nothing to do (an empty list to the engine means "walk")
    run = _tessera.BatchRun(input, output, pipeline, jobs=jobs, cores=cores, memory=memory,
                            format=format, resume=resume, recursive=recursive, files=files or [],
                            **options)
    try:
        while (result := run.next()) is not None:
            yield BatchResult(**result)
    finally:
        run.close()


def __getattr__(name):
    """tessera.video on first use: it loads FFmpeg's libraries (28 MiB of RSS, 40 ms), which
    `import tessera` alone must not pay."""
    if name == "video":
        import importlib
        return importlib.import_module(".video", __name__)
    raise AttributeError(f"module 'tessera' has no attribute {name!r}")


__all__ = ["Image", "BatchResult", "batch", "open", "read", "read_region", "write", "decode",
           "encode", "run",
           "convert", "budget",
           "memory", "ops", "tracemalloc_domain", "__version__", *_error_names]
