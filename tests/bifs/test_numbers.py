"""Number BIFs (erlpy.bifs.numbers, erlpy.terms.numbers) compared with real OTP:
integer parsing and printing in every base, the arithmetic operators applied as
functions, float/1 and the rounding BIFs, on fixed edge cases and seeded random
inputs, each batch in one erl run."""

import math
import random

import pytest

import erlpy.bifs.numbers  # noqa: F401  (registers the BIFs)
from erlpy.terms import A, NIL, Cons, ErlangError, estr, from_seq
from erlpy.terms.numbers import (MAX_INT_BITS, int_to_float, arith_add, arith_sub, arith_mul,
                                 arith_fdiv, arith_div, arith_rem, arith_bsl, arith_bsr,
                                 arith_bnot, arith_bxor, arith_neg, int_to_text, parse_int_bytes)
from erlpy.bifs.numbers import abs_1, round_1, float_1

from ..terms.erl_numref import HAVE_ERL, erl_results, py_results

needs_erl = pytest.mark.skipif(not HAVE_ERL, reason="erl not installed")


def _compare(calls):
    got = py_results(calls)
    want = erl_results(calls)
    assert len(want) == len(calls)
    bad = [(c[1], c[2], g[:200], w[:200]) for c, g, w in zip(calls, got, want) if g != w]
    assert not bad, bad[:10]


def _raises(reason, fn, *args):
    with pytest.raises(ErlangError) as info:
        fn(*args)
    assert info.value.reason is reason


# ---------------------------------------------------------------- without erl

def test_integer_division_truncates():
    assert arith_div(-7, 2) == -3 and arith_div(7, -2) == -3 and arith_div(-7, -2) == 3
    assert arith_rem(-7, 2) == -1 and arith_rem(7, -2) == 1 and arith_rem(-7, -2) == -1
    assert arith_div(-(10 ** 30) - 1, 10 ** 15) == -(10 ** 15)
    _raises(A.badarith, arith_div, 1, 0)
    _raises(A.badarith, arith_rem, 7.0, 2)


def test_float_results_and_errors():
    assert math.copysign(1.0, arith_neg(0.0)) == -1.0
    assert math.copysign(1.0, abs_1(-0.0)) == -1.0          # OTP keeps -0.0
    assert arith_fdiv(1, 3) == 1 / 3
    assert round_1(2.5) == 3 and round_1(-2.5) == -3 and round_1(0.49999999999999994) == 0
    _raises(A.badarith, arith_add, 1.0e308, 1.0e308)
    _raises(A.badarith, arith_fdiv, 1.0, 0.0)
    _raises(A.badarith, arith_add, 2 ** 1024, 1.0)
    _raises(A.badarith, arith_add, A.a, 1)
    _raises(A.badarg, float_1, 2 ** 1024 - 2 ** 970)


def test_bignum_to_float_rounds_twice_like_beam():
    assert int_to_float(2 ** 116 + 2 ** 63 + 1) == 2.0 ** 116
    assert float(2 ** 116 + 2 ** 63 + 1) == 2.0 ** 116 + 2.0 ** 64
    assert int_to_float(2 ** 64 - 1) == float(2 ** 64 - 1)
    assert int_to_float(2 ** 1024) is None


def test_integer_size_limit():
    assert arith_bsl(1, MAX_INT_BITS - 1).bit_length() == MAX_INT_BITS
    _raises(A.system_limit, arith_bsl, 1, MAX_INT_BITS)
    _raises(A.system_limit, arith_bsl, -1, 2 ** 64)
    _raises(A.system_limit, arith_bsr, 3, -(2 ** 64))
    assert arith_bsl(0, 2 ** 64) == 0 and arith_bsr(-5, 2 ** 64) == -1
    big = 1 << (MAX_INT_BITS - 1)
    _raises(A.system_limit, arith_add, big, big)
    _raises(A.system_limit, arith_sub, -big, big)
    _raises(A.system_limit, arith_mul, big, big)
    _raises(A.system_limit, arith_bnot, 2 * big - 1)
    assert arith_bnot(-(2 * big)) == 2 * big - 1
    assert arith_bxor(2 * big - 1, -1) == -(2 * big)     # unchecked, as in OTP


def test_huge_integer_text():
    n = 7 ** 120000
    text = int_to_text(n, 10)
    assert len(text) > 100000
    assert parse_int_bytes(text.encode(), 10) == n
    assert int_to_text(-255, 36) == "-73" and int_to_text(255, 16) == "FF"
    assert parse_int_bytes(b"0x1f", 16) is None and parse_int_bytes(b"1_0", 10) is None


# ---------------------------------------------------------------- against erl

_INT_TEXTS = [
    "", "+", "-", "0", "-0", "+0", "000", "-000", "12", "+12", "-12", "--12", "+-1", "1_000",
    " 1", "1 ", "ff", "FF", "Ff", "fG", "zz", "ZZ", "0x1f", "0b101", "1e3", "12.0", "9" * 30,
    "-" + "9" * 30, "0" * 50 + "1", "\u0661\u0662", "12\u0131", "\u00bd", "7fffffffffffffff",
    "-8000000000000000", "1" * 64, "z" * 40,
]
_BASES = [2, 3, 8, 10, 16, 17, 36]
_BAD_BASES = [1, 37, 0, -10, 10.0, A.a, 2 ** 64]


def _int_text_calls(texts, bases):
    calls = []
    for t in texts:
        lst = estr(t)
        raw = t.encode("utf-8")
        calls.append(("erlang", "list_to_integer", [lst]))
        calls.append(("erlang", "binary_to_integer", [raw]))
        calls.append(("string", "list_to_integer", [lst]))
        for b in bases:
            calls.append(("erlang", "list_to_integer", [lst, b]))
            calls.append(("erlang", "binary_to_integer", [raw, b]))
    return calls


@needs_erl
def test_integer_parsing_matches_erl():
    rng = random.Random(11)
    texts = _INT_TEXTS + ["".join(rng.choice("0123456789abcdefzABCDEFZ+-_ x")
                                  for _ in range(rng.randint(1, 12))) for _ in range(1500)]
    calls = _int_text_calls(texts, _BASES)
    calls += _int_text_calls(["12", "zz", ""], _BAD_BASES)
    # each element counts by its low byte while it is a small integer
    odd = [from_seq([305]), from_seq([49, 305]), from_seq([-207]), Cons(49, 50),
           from_seq([49, 1.0]), from_seq([49, 2 ** 64]), from_seq([49, A.a]), NIL, A.foo, 12,
           from_seq([2 ** 59 - 256 + 49]), from_seq([2 ** 59 + 49]), from_seq([-(2 ** 59) + 49]),
           from_seq([-(2 ** 59) - 256 + 49]), from_seq([45]), Cons(45, 5), Cons(43, NIL),
           from_seq([45, 45, 49]), from_seq([49, 50, 0, 51]), from_seq([32, 49])]
    for lst in odd:
        calls.append(("erlang", "list_to_integer", [lst]))
        calls.append(("erlang", "list_to_integer", [lst, 16]))
        calls.append(("string", "list_to_integer", [lst]))
    for b in (b"12\x003", b"\x0012", b"+", b"-", b"\xff", A.foo, estr("12"), 12):
        calls.append(("erlang", "binary_to_integer", [b]))
        calls.append(("erlang", "binary_to_integer", [b, 10]))
    big = "".join(rng.choice("0123456789") for _ in range(100000))
    big36 = "".join(rng.choice("0123456789abcdefghijklmnopqrstuvwxyzABCXYZ") for _ in range(20000))
    calls += [("erlang", "list_to_integer", [estr("-" + big)]),
              ("erlang", "binary_to_integer", [big.encode()]),
              ("erlang", "list_to_integer", [estr(big36), 36]),
              ("erlang", "binary_to_integer", [big36.encode(), 36])]
    _compare(calls)


@needs_erl
def test_integer_to_text_matches_erl():
    rng = random.Random(12)
    ints = [0, 1, -1, 9, 10, 35, 36, -36, 255, 2 ** 59 - 1, 2 ** 59, -(2 ** 59), 2 ** 64,
            -(2 ** 64) + 1, 10 ** 40, -(10 ** 40)]
    ints += [2 ** k + d for k in range(0, 700, 37) for d in (-1, 0, 1)]
    ints += [rng.randint(-2 ** rng.randint(1, 3000), 2 ** rng.randint(1, 3000)) for _ in range(150)]
    calls = []
    for i in ints:
        calls.append(("erlang", "integer_to_list", [i]))
        calls.append(("erlang", "integer_to_binary", [i]))
        for b in range(2, 37):
            calls.append(("erlang", "integer_to_list", [i, b]))
            calls.append(("erlang", "integer_to_binary", [i, b]))
    for x in (1.0, A.a, NIL, b"1"):
        calls += [("erlang", "integer_to_list", [x]), ("erlang", "integer_to_binary", [x, 10])]
    for b in _BAD_BASES:
        calls += [("erlang", "integer_to_list", [5, b]), ("erlang", "integer_to_binary", [5, b])]
    huge = 3 ** 210000 + rng.getrandbits(1000)
    calls += [("erlang", "integer_to_list", [huge]), ("erlang", "integer_to_binary", [-huge, 16]),
              ("erlang", "integer_to_list", [huge, 7])]
    _compare(calls)


_NUMS = [0, 1, -1, 2, -2, 3, 7, -7, 255, 2 ** 27, 2 ** 53 + 1, 2 ** 59 - 1, 2 ** 59, -(2 ** 59),
         -(2 ** 59) - 1, 2 ** 63, 2 ** 64 - 1, 2 ** 64, -(2 ** 64), 2 ** 100 + 12345,
         -(2 ** 100) + 7, 10 ** 30, 2 ** 116 + 2 ** 63 + 1, 2 ** 1023, 2 ** 1024, -(2 ** 1024),
         2 ** 1024 - 2 ** 970, 2 ** 1024 - 2 ** 970 - 1, 2 ** 1100,
         0.0, -0.0, 1.0, -1.5, 0.1, 2.5, 3.0, 1e308, -1e308, 1.7976931348623157e308, 5e-324,
         1e-300, 9007199254740992.0, 1e16, -7.25]
_NON_NUMS = [A.a, NIL, (1,), b"1"]
_BINARY_OPS = ["+", "-", "*", "/", "div", "rem", "band", "bor", "bxor", "bsl", "bsr"]


@needs_erl
def test_arithmetic_matches_erl():
    pool = _NUMS + _NON_NUMS
    calls = [("erlang", op, [a, b]) for op in _BINARY_OPS for a in pool for b in pool
             if not (op == "bsl" and type(b) is int and 2000 < b <= MAX_INT_BITS
                     and a != 0)]            # results too large to print
    for op in ("-", "+", "bnot"):
        calls += [("erlang", op, [a]) for a in pool]
    counts = [0, 1, -1, 63, 64, -64, 1000, -1000, 2 ** 59 - 1, -(2 ** 59), 2 ** 59,
              -(2 ** 59) - 1, 2 ** 64, -(2 ** 64), 33554368, -33554368]
    for a in (0, 1, -1, 5, -5, 2 ** 100, -(2 ** 100)):
        for n in counts:
            calls.append(("erlang", "bsr", [a, n]))
            if n < 2000 or a == 0 or n >= 33554368:
                calls.append(("erlang", "bsl", [a, n]))
    _compare(calls)


@needs_erl
def test_size_limit_matches_erl():
    big = 1 << (MAX_INT_BITS - 1)
    calls = [("erlang", "+", [big, big]), ("erlang", "-", [-big, big]), ("erlang", "*", [big, 2]),
             ("erlang", "bsl", [big, 1]), ("erlang", "bsl", [1, MAX_INT_BITS]),
             ("erlang", "bsl", [-1, MAX_INT_BITS]), ("erlang", "bnot", [2 * big - 1])]
    _compare(calls)


@needs_erl
def test_rounding_and_float_conversion_match_erl():
    rng = random.Random(13)
    xs = _NUMS + _NON_NUMS + [0.5, 1.5, -0.5, -1.5, 0.49999999999999994, -0.49999999999999994,
                              4503599627370495.5, -4503599627370495.5, 1e20, -1e20, 1.5e300,
                              -2.5e-300, 123456.789, -123456.789, 1e-310]
    xs += [rng.uniform(-1e6, 1e6) for _ in range(300)]
    ints = [rng.getrandbits(rng.randint(60, 1030)) * rng.choice((1, -1)) for _ in range(1500)]
    ints += [(2 ** k + d) * s for k in (64, 65, 116, 127, 128, 200, 1023) for d in
             (2 ** (k - 53) - 1, 2 ** (k - 54), 2 ** (k - 54) + 1, 3 * 2 ** (k - 54), 1)
             for s in (1, -1)]
    calls = [("erlang", f, [x]) for f in ("float", "trunc", "round", "floor", "ceil", "abs")
             for x in xs]
    calls += [("erlang", "float", [i]) for i in ints]
    calls += [("erlang", "+", [i, 0.0]) for i in ints[::3]]
    calls += [("erlang", "/", [i, 3]) for i in ints[::3]]
    calls += [("erlang", "*", [i, 1.0]) for i in ints[::3]]
    _compare(calls)
