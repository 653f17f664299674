"""The exceptions tessera raises: one class per C++ ErrorCode (include/tessera/error.h), each
also the built-in exception Python code already catches for that kind of failure.

    try:
        tessera.read("photo.jpg")
    except FileNotFoundError: ...          # tessera.FileNotFound, a tessera.Io
    except ValueError as e: ...            # CorruptData, UnsupportedFormat, ImageTooLarge, ...
        print(e.code, e.path)
"""

import errno as _errno
import os as _os


class Error(Exception):
    """Every error tessera raises. `code` is the C++ ErrorCode's name ("CorruptData"), `path`
    the file concerned (None if none), `message` the words without code or path, `what` the
    whole C++ message ("CorruptData in decode: ... [file: x.jpg]"), and str(e) the message and
    the file, since a traceback names the class already."""

    def __init__(self, what, code=None, path=None, message=None, os_error=0):
        super().__init__(what)
        self.what = what
        # Raised by the C++ module: its ErrorCode. Raised by Python code: the class's own code.
        self.code = code or _code_of(type(self))
        self.path = path
        self.message = message if message is not None else what
        self.os_error = os_error

    def __str__(self):
        if not self.path:
            return self.message
        # A name that is not UTF-8 comes as os.fsdecode gives it; shown with "\xff" escapes, as
        # the message shows it, so that printing the error cannot fail.
        shown = _os.fsencode(self.path).decode("utf-8", "backslashreplace")
        if f"[file: {shown}]" not in self.message:
            return f"{self.message} [file: {shown}]"
        return self.message


class InvalidArgument(Error, ValueError):
    """A value outside its range, a malformed pipeline, an API used out of order."""


class UnsupportedFormat(Error, ValueError):
    """Data tessera does not read, or an output format it does not write."""


class CorruptData(Error, ValueError):
    """Data that violates its format: truncated, corrupt, hostile."""


class ImageTooLarge(Error, ValueError):
    """Over the pixel limit, over a format's side limit, or sizes that overflow."""


class OutOfBudget(Error, MemoryError):
    """An allocation would cross a memory budget: raised before anything is allocated."""


class OutOfMemory(Error, MemoryError):
    """The system allocator refused although no budget was crossed."""


class Io(Error, OSError):
    """The operating system refused a read or a write; `os_error` is its errno."""

    def __init__(self, what, code=None, path=None, message=None, os_error=0):
        Error.__init__(self, what, code, path, message, os_error)
        self.errno = os_error or None
        self.filename = path
        self.strerror = self.message


class FileNotFound(Io, FileNotFoundError):
    """A file that is not there (ENOENT)."""


class PermissionDenied(Io, PermissionError):
    """A file or folder tessera may not read or write (EACCES, EPERM)."""


class IsADirectory(Io, IsADirectoryError):
    """A folder where a file is needed: read() of a folder, an output that is one (EISDIR)."""


class Internal(Error, RuntimeError):
    """A broken invariant inside tessera: a bug to report."""


class DecodeWarning(UserWarning):
    """What a decoder accepted in a damaged file when asked to (fail_on="none"): a truncated
    file's missing rows, a corrupt stream decoded anyway. A warning through Python's `warnings`,
    so filters, `warnings.catch_warnings` and `-W error` apply."""


def _code_of(cls):
    """The ErrorCode a class stands for: its own name, or its nearest base's (FileNotFound: Io)."""
    for base in cls.__mro__:
        if base.__name__ in _BY_CODE:
            return base.__name__
    return "Internal"


_BY_CODE = {cls.__name__: cls for cls in (InvalidArgument, UnsupportedFormat, CorruptData,
                                          ImageTooLarge, OutOfBudget, OutOfMemory, Io, Internal)}


def _class_for(code, os_error):
    """The class the C++ module raises for an ErrorCode's name and, for Io, the errno."""
    if code == "Io":
        if os_error == _errno.ENOENT:
            return FileNotFound
        if os_error in (_errno.EACCES, _errno.EPERM):
            return PermissionDenied
        if os_error == _errno.EISDIR:
            return IsADirectory
    return _BY_CODE.get(code, Internal)


__all__ = ["Error", "InvalidArgument", "UnsupportedFormat", "CorruptData", "ImageTooLarge",
           "OutOfBudget", "OutOfMemory", "Io", "FileNotFound", "PermissionDenied", "IsADirectory",
           "Internal", "DecodeWarning"]
