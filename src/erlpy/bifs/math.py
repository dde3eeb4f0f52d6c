"""The BIFs of module math (OTP 25). math:pi/0 is Erlang code.

As in BEAM: a non-number argument is badarg; an integer too large for a
double, or any result that is not a finite float (domain error, pole,
overflow), is badarith; underflow to zero is fine. The two-argument
functions convert (and check) the first argument before the second.
"""

import ctypes
import math

from ..terms import badarg, badarith
from ..terms.numbers import int_to_float
from .registry import bif

__all__ = []

_isfinite = math.isfinite


def _libm(names):
    """The C library's own functions for `names` (PyPy computes erf, erfc and
    log2 in Python, differing from libm in the last bit), else the math module's.
    The interpreter is linked with libm, so its symbols are the process's."""
    try:
        process = ctypes.CDLL(None)
    except OSError:
        process = None
    found = {}
    for name in names:
        fn = getattr(process, name, None)
        if fn is None:
            found[name] = getattr(math, name)
        else:
            fn.restype = ctypes.c_double
            fn.argtypes = [ctypes.c_double]
            found[name] = fn
    return found


_C = _libm(("erf", "erfc", "log2"))


def _double(x):
    t = type(x)
    if t is float:
        return x
    if t is int:
        f = int_to_float(x)
        if f is None:
            raise badarith()
        return f
    raise badarg()


def _ceil(x):
    """C ceil(): keeps the sign of a zero result (ceil(-0.5) is -0.0)."""
    r = float(math.ceil(x))
    return math.copysign(r, x) if r == 0.0 else r


def _floor(x):
    r = float(math.floor(x))
    return math.copysign(r, x) if r == 0.0 else r


def _finite(fn, *args):
    """fn(*args), badarith for a domain error or a result that is not finite."""
    try:
        r = fn(*args)
    except (ValueError, OverflowError):
        raise badarith()
    if not _isfinite(r):
        raise badarith()
    return r


def _unary(name, fn):
    def impl(x):
        return _finite(fn, _double(x))
    impl.__name__ = name
    bif("math", name, 1)(impl)


def _binary(name, fn):
    def impl(x, y):
        a = _double(x)
        b = _double(y)
        return _finite(fn, a, b)
    impl.__name__ = name
    bif("math", name, 2)(impl)


for _name, _fn in (
        ("sin", math.sin), ("cos", math.cos), ("tan", math.tan), ("asin", math.asin),
        ("acos", math.acos), ("atan", math.atan), ("sinh", math.sinh), ("cosh", math.cosh),
        ("tanh", math.tanh), ("asinh", math.asinh), ("acosh", math.acosh),
        ("atanh", math.atanh), ("exp", math.exp), ("log", math.log), ("log2", _C["log2"]),
        ("log10", math.log10), ("sqrt", math.sqrt), ("erf", _C["erf"]), ("erfc", _C["erfc"]),
        ("ceil", _ceil), ("floor", _floor)):
    _unary(_name, _fn)

for _name, _fn in (("atan2", math.atan2), ("pow", math.pow), ("fmod", math.fmod)):
    _binary(_name, _fn)
