"""math BIFs of erlpy.bifs.math: direct unit tests of the error rules, then a
differential run against real erl over edge cases and seeded random
arguments (results compared bit for bit: ~w prints the shortest exact float)."""

import math
import random

import pytest

import erlpy.bifs.math  # noqa: F401  (registers the BIFs)
from erlpy.bifs.registry import BIFS
from erlpy.terms import A, NIL, ErlangError

from .bif_diff import HAVE_ERL, differences

needs_erl = pytest.mark.skipif(not HAVE_ERL, reason="erl/erlc not installed")

UNARY = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
         "acosh", "atanh", "exp", "log", "log2", "log10", "sqrt", "erf", "erfc", "ceil",
         "floor"]
BINARY = ["atan2", "pow", "fmod"]


def m(name, *args):
    return BIFS[("math", name, len(args))][0](*args)


def _raises(reason, name, *args):
    with pytest.raises(ErlangError) as info:
        m(name, *args)
    assert info.value.reason is reason


def test_zero_signs_of_ceil_and_floor():
    for name, x, want in (("ceil", -0.5, -0.0), ("ceil", -0.0, -0.0), ("floor", -0.0, -0.0),
                          ("floor", 0.5, 0.0), ("ceil", 0.5, 1.0), ("floor", -0.5, -1.0),
                          ("ceil", 2.0 ** 60 + 0.0, 2.0 ** 60), ("floor", 7, 7.0)):
        r = m(name, x)
        assert r == want and math.copysign(1, r) == math.copysign(1, want)


def test_errors():
    _raises(A.badarg, "sqrt", A.foo)
    _raises(A.badarith, "sqrt", -1)
    _raises(A.badarith, "log", 0)
    _raises(A.badarith, "exp", 1000)
    _raises(A.badarith, "sin", 2 ** 1024)           # no double for it
    _raises(A.badarith, "pow", 2 ** 1100, A.foo)     # the first argument is converted first
    _raises(A.badarg, "pow", A.foo, 2 ** 1100)
    _raises(A.badarith, "fmod", 1.0, 0.0)
    _raises(A.badarith, "pow", 0, -1)
    assert m("exp", -1000) == 0.0                   # underflow is fine
    assert m("atan2", 0, 0) == 0.0
    assert m("sqrt", 2 ** 1023) == math.sqrt(2.0 ** 1023)


FIXED = [(n, [x]) for n in UNARY
         for x in (0, 1, -1, 0.5, -0.5, 0.0, -0.0, 2, 1000, -1000, 1.0e300, -1.0e300, 5.0e-324,
                   2 ** 64 + 1, -(2 ** 70), 2 ** 1023, 2 ** 1024, 710, 0.9999999999999999,
                   1.0000000000000002, A.foo, NIL, 3.141592653589793, 1.5707963267948966)]
FIXED += [(n, [x, y]) for n in BINARY
          for x, y in ((0, 0), (0.0, -0.0), (-0.0, -1), (1, 0), (1.0, 0.0), (2, 1024), (2, 1023),
                       (-8, 1 / 3), (-8, 3), (10, 400), (0, -1), (0.0, -1.5), (-2, 0.5),
                       (2 ** 1100, A.foo), (A.foo, 2 ** 1100), (5.5, -2), (-5.5, 2),
                       (1.0e308, 1.0e-308), (2 ** 64, 3), (7, 2 ** 64 + 1), (1, A.x),
                       (1.0e-320, 1.0e-320), (-1.0e300, 1.0e300))]


def _random_args(r):
    k = r.random()
    if k < 0.3:
        return r.uniform(-5, 5)
    if k < 0.5:
        return r.uniform(-1, 1)
    if k < 0.7:
        return r.uniform(-1000, 1000) * 10.0 ** r.randint(-20, 20)
    if k < 0.9:
        return r.randint(-100, 100)
    return r.randint(-2 ** 70, 2 ** 70)


@needs_erl
def test_against_erl():
    r = random.Random(4)
    calls = [("math", n, args) for n, args in FIXED]
    for _ in range(3000):
        n = r.choice(UNARY + BINARY)
        args = [_random_args(r) for _ in range(1 if n in UNARY else 2)]
        calls.append(("math", n, args))
    calls.append(("math", "pi", []))
    bad = differences("erlpy_diff_math", calls)
    assert not bad, bad[:8]
