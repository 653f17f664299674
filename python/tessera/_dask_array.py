"""tessera.dask's arrays: an image file as a lazy dask.array whose chunks are decoded by region
in the workers (imread), and a pipeline run chunk by chunk with the overlap its ops need so that
the result equals the whole image's (map_pipeline)."""

import os

import numpy as np

import tessera


def _stamp(path):
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns


class _LazyImage:
    """An image file read by rectangles on demand: what dask.array.from_array slices into chunks.
    It holds the path and the options only, so it pickles small and each worker opens the file
    itself when it computes a chunk."""

    def __init__(self, path, orientation, max_pixels, fail_on):
        # Absolute: workers may run in another folder than the driver.
        self.path = os.path.abspath(os.fspath(path))
        self.orientation = orientation
        self.max_pixels = max_pixels
        self.fail_on = fail_on
        with tessera.open(self.path, max_pixels=max_pixels) as source:
            width, height = source.width, source.height
            sideways = orientation and source.orientation >= 5
        if sideways:
            width, height = height, width
        # The sample type and channels as read_region delivers them, from one pixel.
        pixel = np.asarray(tessera.read_region(self.path, 0, 0, 1, 1, orientation=orientation,
                                               max_pixels=max_pixels, fail_on=fail_on))
        self.shape = (height, width) + pixel.shape[2:]
        self.dtype = pixel.dtype
        self.ndim = len(self.shape)
        self.stamp = _stamp(self.path)

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        rows, columns = (key + (slice(None), slice(None)))[:2]
        rest = key[2:]
        y0, y1, ystep = rows.indices(self.shape[0]) if isinstance(rows, slice) else (rows, rows + 1, 1)
        x0, x1, xstep = (columns.indices(self.shape[1]) if isinstance(columns, slice)
                         else (columns, columns + 1, 1))
        if y1 <= y0 or x1 <= x0:
            return np.empty((max(0, y1 - y0), max(0, x1 - x0)) + self.shape[2:], self.dtype)
        if os.path.exists(self.path) and _stamp(self.path) != self.stamp:
            # Another file under the name now: its pixels mixed with the first's would be a
            # silent wrong result.
            raise tessera.InvalidArgument(
                f"the file changed after td.imread() made the array (its size or modification "
                f"time is not what it was): make the array again [file: {self.path}]",
                path=self.path)
        image = tessera.read_region(self.path, x0, y0, x1 - x0, y1 - y0,
                                    orientation=self.orientation, max_pixels=self.max_pixels,
                                    fail_on=self.fail_on)
        pixels = np.asarray(image).reshape((y1 - y0, x1 - x0) + self.shape[2:])
        selection = (slice(None, None, ystep), slice(None, None, xstep))
        if not isinstance(rows, slice):
            selection = (0,) + selection[1:]
        if not isinstance(columns, slice):
            selection = selection[:1] + (0,)
        return pixels[selection + tuple(rest)]


def imread(path, chunks=4096, *, orientation=True, max_pixels=None, fail_on="error"):
    """An image file as a dask.array of its pixels, (height, width) or (height, width,
    channels), uint8, uint16 or float32, upright unless orientation=False. Nothing is decoded
    here: each chunk is read when computed, in the worker, by tessera.read_region, which decodes
    no more of the file than its format allows (a tiled TIFF only the tiles a chunk touches).
    chunks: rows and columns per chunk, as dask.array takes them (channels stay whole); chunks
    aligned to the file's tiles read each tile once.

        arr = td.imread("huge.tif", chunks=4096)
        corner = arr[:1024, :1024].compute()           # reads the tiles of that corner only
    """
    import dask.array as da
    from dask.base import tokenize

    image = _LazyImage(path, orientation, max_pixels, fail_on)
    if isinstance(chunks, (int, str)):
        chunks = (chunks, chunks)
    if isinstance(chunks, list):
        chunks = tuple(chunks)
    if not isinstance(chunks, tuple) or len(chunks) not in (2, 3):
        raise tessera.InvalidArgument(f"chunks is rows and columns per chunk (a number, or "
                                      f"(rows, columns)), not {chunks!r}")
    for size in chunks[:2]:
        if isinstance(size, int) and size < 1:
            raise tessera.InvalidArgument(f"chunks must be at least 1 row and 1 column, not "
                                          f"{chunks!r}")
    chunks = chunks[:2] + image.shape[2:]  # channels whole
    stat = os.stat(image.path)
    name = "tessera-imread-" + tokenize(image.path, stat.st_mtime_ns, stat.st_size, orientation,
                                        chunks)
    return da.from_array(image, chunks=chunks, name=name, asarray=False, fancy=False)


def map_pipeline(arr, pipeline):
    """A pipeline of tessera ops run on each chunk of a dask.array of pixels (2-D, or 3-D with
    the channels last and whole), each chunk read with the rows and columns around it that the
    ops need (dask's map_overlap), so that the result equals running the pipeline on the whole
    image. The ops must keep the size and the channel count (blur, sharpen, median, erode,
    contrast, gamma, depth...): a resize or a whole-image op (equalize, rotate) is refused.

        blurred = td.map_pipeline(td.imread("huge.tif"), "blur 5 | sharpen")
    """
    if not hasattr(arr, "map_overlap"):
        raise TypeError(f"map_pipeline takes a dask.array (td.imread's, or "
                        f"dask.array.from_array(pixels, chunks=...)), not a "
                        f"{type(arr).__name__}: for pixels in memory, tessera.run(pipeline, "
                        f"pixels) runs the whole image")
    if arr.ndim not in (2, 3):
        raise tessera.InvalidArgument(f"map_pipeline takes 2-D or 3-D (height, width, "
                                      f"channels) arrays of pixels, not {arr.ndim}-D")
    if arr.ndim == 3 and len(arr.chunks[2]) != 1:
        arr = arr.rechunk({2: -1})  # an op needs every channel of its pixels
    sample = np.zeros((8, 8) + arr.shape[2:], arr.dtype)
    # Planned at the array's own size, so that a stage's refusal names it (crop's rectangle).
    rows, columns = tessera._tessera._pipeline_reach(pipeline, sample, arr.shape[1], arr.shape[0])
    result = np.asarray(tessera.run(pipeline, sample))
    if result.shape[2:] != sample.shape[2:] and result.squeeze().shape != sample.squeeze().shape:
        raise tessera.InvalidArgument(
            f"map_pipeline keeps the channels: {pipeline!r} turns {sample.shape[2:] or (1,)} "
            f"into {result.shape[2:] or (1,)} per pixel")
    depth = {0: rows, 1: columns}
    if arr.ndim == 3:
        depth[2] = 0

    def run(block):
        return np.asarray(tessera.run(pipeline, np.ascontiguousarray(block))).reshape(
            block.shape[:2] + arr.shape[2:])

    return arr.map_overlap(run, depth=depth, boundary="none", dtype=result.dtype,
                           meta=np.empty((0,) * arr.ndim, result.dtype))
