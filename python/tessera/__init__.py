"""tessera: images with memory you can trust.

    import numpy as np, tessera
    img = tessera.read("photo.jpg")       # RGB order, upright
    a = np.asarray(img)                   # a view: no copy; it keeps the pixels alive
    w = tessera.Image(a)                  # wraps an array without copying; keeps it alive
    tessera.write(img, "photo.webp", quality=80)
"""

from ._tessera import Image, __version__, read, write
from .errors import *  # noqa: F401,F403 (the exception classes are the package's own names)
from .errors import __all__ as _error_names

__all__ = ["Image", "read", "write", "__version__", *_error_names]
