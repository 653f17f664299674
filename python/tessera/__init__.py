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
"""

from . import ops
from ._tessera import Image, __version__, budget, convert, read, run, write
from .errors import *  # noqa: F401,F403 (the exception classes are the package's own names)
from .errors import __all__ as _error_names

__all__ = ["Image", "read", "write", "run", "convert", "budget", "ops", "__version__",
           *_error_names]
