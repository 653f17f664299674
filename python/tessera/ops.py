"""Every op of tessera's registry as a function, under its pipeline name (`blur`, as in
`tessera convert -p "blur 5"`), made from the registry's own entry: the same parameters, in the
same order, with the same defaults, ranges and words when a value is refused.

    edges = tessera.ops.canny(tessera.ops.blur(tessera.ops.gray(img), 5), 50, 150)
    help(tessera.ops.resize)

Values are Python values: numbers, strings ("50%", "otsu", "l2"), booleans, and for the
compound kinds tuples: crop's rect=(x, y, width, height), resize's size=(800, 600) or "50%",
convolve's kernel=[[0, -1, 0], [-1, 5, -1], [0, -1, 0]], colours (r, g, b) and pad's sides
(top, right, bottom, left).
"""

import collections.abc as _abc
import functools as _functools
import inspect as _inspect
import keyword as _keyword

from . import _tessera

# The Python values each kind takes: the annotations of the functions, and of tessera/ops.pyi
# (python/tools/make_ops_stub.py writes them from these).
KIND_TYPES = {"integer": int, "number": float, "choice": str, "flag": bool,
              "rectangle": tuple[int, int, int, int], "size": str | float | tuple[int, int],
              "kernel": _abc.Sequence[_abc.Sequence[float]] | str,
              "colour": float | tuple[float, ...] | str,
              "sides": int | tuple[int, int, int, int] | str}


def annotation_of(param):
    """The kind's type, with str for an Integer's or Number's words (threshold's "otsu")."""
    kind = KIND_TYPES[param["kind"]]
    if param["kind"] in ("integer", "number") and param["choices"]:
        return kind | str
    return kind


def _default_of(param):
    """The default as a Python value: the registry keeps it as pipeline text."""
    text = param["default"]
    if param["required"]:
        return _inspect.Parameter.empty
    kind = param["kind"]
    try:
        if kind == "flag":
            return text == "true"
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        pass  # a word an Integer or Number also takes ("otsu")
    return text


def _docstring(op):
    lines = [op["doc"].rstrip(".") + ".", ""]
    if op["params"]:
        lines.append("Parameters:")
    for param in op["params"]:
        default = "required" if param["required"] else f"default {param['default']}"
        # A compound kind's doc is often its allowed forms again: said once.
        doc = "" if param["doc"] in param["allowed"] else f" {param['doc']}"
        lines.append(f"  {param['name']}: {param['allowed']}; {default}.{doc}")
    note = f" ({op['samples_note']})" if op["samples_note"] else ""
    lines += ["", f"Samples: {op['samples']}{note}: uint8, uint16 and float32 arrays are u8, u16"
              " and f32 (0..1); another type is refused (put `depth` before the op).",
              "", f"As pipeline text: `{op['name']} ...` (tessera ops {op['name']})."]
    return "\n".join(lines)


class OpFunction(_functools.partial):
    """One op of the registry as a function: `tessera.ops.canny(img, 50, 150)`.

    Calling it goes straight into the C++ module, without a Python frame of tessera's between:
    tracemalloc and tessera.memory then name the caller's line for the pixels it allocates.
    """

    def __get__(self, instance, owner=None):
        # Never bound as a method; having __get__ makes inspect and help() see a routine, so
        # help(tessera.ops.canny) shows its signature and docstring as for a function.
        return self

    def __repr__(self):
        return f"<tessera.ops.{self.__name__}{self.__signature__}>"

    def __reduce__(self):
        return self.__qualname__  # pickled by name, as functions are: tessera.ops.<qualname>


def _make(op, global_name):
    name = op["name"]
    parameters = [_inspect.Parameter("image", _inspect.Parameter.POSITIONAL_ONLY)]
    for param in op["params"]:
        parameters.append(_inspect.Parameter(
            param["name"], _inspect.Parameter.POSITIONAL_OR_KEYWORD, default=_default_of(param),
            annotation=annotation_of(param)))
    function = OpFunction(_tessera.call_op, name)
    function.__name__ = name
    function.__qualname__ = global_name  # what the module calls it (with _ for a keyword)
    function.__doc__ = _docstring(op)
    function.__signature__ = _inspect.Signature(parameters)
    function.__module__ = __name__
    return function


__all__ = []
for _op in _tessera.op_catalog():
    _name = _op["name"] + ("_" if _keyword.iskeyword(_op["name"]) else "")
    globals()[_name] = _make(_op, _name)
    __all__.append(_name)
    if _op["function"] != _op["name"]:  # the C++ function's name too: ops.gaussian_blur
        globals()[_op["function"]] = globals()[_name]
        __all__.append(_op["function"])
