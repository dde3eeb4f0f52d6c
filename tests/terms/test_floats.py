"""Float printing and parsing compared bit for bit with real OTP.

The floats are generated here (seeded), passed to erl by their bit patterns,
and every float_to_list option form is run on both sides.
"""

import math
import random

import pytest
from hypothesis import given, settings, strategies as st

import erlpy.bifs.numbers  # noqa: F401  (registers the BIFs)
from erlpy.terms import A, NIL, Cons, estr, from_seq
from erlpy.terms.floats import short_repr, fixed_repr, scientific_repr, parse_float

from .erl_numref import HAVE_ERL, erl_results, py_results, bits2f

needs_erl = pytest.mark.skipif(not HAVE_ERL, reason="erl not installed")


def _sample_floats(rng):
    """Edge cases plus random doubles of every kind, both signs."""
    fs = [0.0, 5e-324, 1e-323, 2.225073858507201e-308, 2.2250738585072014e-308,
          1.7976931348623157e308, 123456789012345680.0, 9007199254740992.0, 0.1, 0.2, 0.3,
          1.0, 2.5, 0.5, 1.5, 0.125, 0.375, 1.005, 2.675, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23,
          0.0001, 0.00012, 0.001234, 1.234e-4, 12340.0, 123400.0, 1e-5, 100.0, 1000.0,
          123456789.0e2, 4503599627370496.5, 9007199254740991.0, 0.49999999999999994,
          2.5e-5, 999999999999999.9, 9.999999999999999e22, 5e-324 * 3]
    for k in range(-323, 309, 3):
        p = float("1e%d" % k)
        fs += [p, math.nextafter(p, 0.0), math.nextafter(p, math.inf)]
    for k in range(-1074, 1024, 17):
        fs.append(math.ldexp(1.0, k))
    for d in range(-12, 13):
        for scale in (1.0, 10.0, 100.0, 1000.0):
            fs.append(float(2 ** 53 + d) * scale)
    for k in range(1, 23):
        fs += [float(rng.randrange(10 ** k)) for _ in range(4)]
    for _ in range(700):
        bits = rng.getrandbits(64)
        if (bits >> 52) & 0x7FF != 0x7FF:
            fs.append(bits2f(bits))
    fs += [bits2f(rng.getrandbits(52)) for _ in range(120)]                    # subnormals
    fs += [round(rng.uniform(0, 10 ** rng.randint(0, 18)), rng.randint(0, 8)) for _ in range(400)]
    fs += [rng.randint(0, 10 ** 6) / 2.0 ** rng.randint(1, 12) for _ in range(300)]  # ties
    fs += [rng.randint(1, 99999) * 10.0 ** rng.randint(-12, 25) for _ in range(300)]
    return fs + [-f for f in fs]


_DECIMALS = [0, 1, 2, 3, 4, 6, 9, 12, 15, 16, 17, 18, 19, 20, 30, 60, 120, 253, 254]
_COMPACT = [0, 1, 2, 5, 18, 19, 20, 60]
_SCIENTIFIC = [0, 1, 2, 3, 6, 10, 15, 16, 17, 20, 40, 120, 249, 250]


def _option_lists():
    opts = [NIL, from_seq([A.short])]
    opts += [from_seq([(A.decimals, n)]) for n in _DECIMALS]
    opts += [from_seq([(A.decimals, n), A.compact]) for n in _COMPACT]
    opts += [from_seq([(A.scientific, n)]) for n in _SCIENTIFIC]
    return opts


def test_known_short_forms():
    assert short_repr(123456789012345680.0) == "1.2345678901234568e17"
    assert short_repr(9007199254740992.0) == "9.007199254740992e15"
    assert short_repr(9007199254740991.0) == "9007199254740991.0"
    assert short_repr(-0.0) == "-0.0"
    assert short_repr(0.0001) == "0.0001"
    assert short_repr(1.5e-4) == "1.5e-4"
    assert short_repr(1000.0) == "1.0e3"
    assert short_repr(12340.0) == "12340.0"
    assert short_repr(123400.0) == "1.234e5"
    assert short_repr(5e-324) == "5.0e-324"


def test_known_option_forms():
    assert scientific_repr(1.0, 20) == "1.00000000000000000000e+00"
    assert fixed_repr(0.125, 2, False) == "0.13"        # OTP rounds halves up here
    assert fixed_repr(2.5, 0, False) == "3"
    assert fixed_repr(1.0e20, 0, True) == "1"           # OTP's compact quirk
    assert fixed_repr(-0.0, 2, False) == "-0.00"
    assert fixed_repr(0.1, 254, False) is None
    assert scientific_repr(1.0, 250) is None
    assert scientific_repr(1.5, -1) == "1.500000e+00"


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_short_repr_round_trips(f):
    v = parse_float(short_repr(f))
    assert v == f and math.copysign(1.0, v) == math.copysign(1.0, f)


@needs_erl
def test_float_to_list_matches_erl():
    rng = random.Random(2503)
    floats = _sample_floats(rng)
    calls = [("erlang", "float_to_binary", [f, o]) for f in floats for o in _option_lists()]
    calls += [("erlang", "float_to_list", [f, o]) for f in floats[::7] for o in _option_lists()]
    calls += [("erlang", "float_to_list", [f]) for f in floats[::5]]
    calls += [("erlang", "float_to_binary", [f]) for f in floats[::5]]
    got = py_results(calls)
    want = erl_results(calls)
    bad = [(c, g, w) for c, g, w in zip(calls, got, want) if g != w]
    assert len(want) == len(calls)
    assert not bad, bad[:10]


@needs_erl
def test_float_option_rules_match_erl():
    """Option order, compact, C-int truncation of N, and every badarg case."""
    c = A.compact
    d = A.decimals
    s = A.scientific
    option_lists = [
        [c], [(d, 3), A.short], [A.short, (d, 3)], [(s, 3), c], [c, (s, 3)], [(d, 3), (s, 2)],
        [(s, 2), (d, 3)], [c, (d, 4)], [(d, 4), c, A.short], [(d, 2 ** 32 + 2)],
        [(d, 2 ** 31)], [(d, 100000)], [(s, 2 ** 32 - 1)], [(s, 2 ** 32 + 3)], [(d, -1)],
        [(s, -1)], [(s, -7)], [(d, 2 ** 59)], [(d, 2 ** 59 - 1)], [(d, -2 ** 59)],
        [(d, -2 ** 59 - 1)], [(d, 1.0)], [A.foo], [(d, 3, 4)], [(A.foo, 3)], [(d,)],
        [c, c], [A.short, A.short],
    ]
    opts = [from_seq(o) for o in option_lists]
    opts += [Cons((d, 3), A.foo), A.foo, Cons(c, Cons(A.short, 5))]
    floats = [0.0, -0.0, 1.5, -2.5, 1e300, 123.456, 1e-300, 9007199254740993.0 * 4]
    calls = [("erlang", fn, [f, o]) for fn in ("float_to_list", "float_to_binary")
             for f in floats for o in opts]
    calls += [("erlang", fn, [x]) for fn in ("float_to_list", "float_to_binary")
              for x in (1, A.a, NIL, b"1.0", (1.0,))]
    calls += [("erlang", "float_to_list", [x, NIL]) for x in (1, A.a, 2 ** 70)]
    assert py_results(calls) == erl_results(calls)


_VALID = [
    "1.0", "+1.0", "-1.0", "1.0e10", "1.0E10", "1.0e+10", "1.0e-10", "1,5", "-1,5e3",
    "0.0", "-0.0", "00012.500", "1.7976931348623157e308", "1.7976931348623159e308",
    "1.8e308", "2.4703282292062327e-324", "2.4703282292062328e-324", "1.0e-400", "1.0e400",
    "4.9e-324", "1.0e-320", "123456789012345678901234567890.123456789", "0.1e99999999999",
    "0.1e-99999999999", "1.0e0000000000000000000000000001", "9007199254740993.0",
    "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124",
]
_INVALID = [
    "", "1", "1e10", "1.", ".5", "1.0e", "1.0e+", "1.0e-", " 1.0", "1.0 ", "1_0.0", "1.0_0",
    "1.0ee1", "1..0", "1.0.0", "--1.0", "+-1.0", "1.0e1.0", "0x1.0", "inf", "nan", "1.0f",
    "\u00bd.0", "1.0\n", "+.5", "-", "e1", "1.0E", "1,0,0",
]


def _float_text_calls(texts):
    calls = []
    for t in texts:
        calls.append(("erlang", "list_to_float", [estr(t)]))
        calls.append(("erlang", "binary_to_float", [t.encode("latin-1")]))
        calls.append(("string", "list_to_float", [estr(t)]))
    return calls


def _fuzz_texts(rng, alphabet, n, maxlen):
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, maxlen)))
            for _ in range(n)]


def _random_float_texts(rng, n):
    out = []
    for _ in range(n):
        ip = str(rng.randrange(10 ** rng.randint(1, 25)))
        fp = str(rng.randrange(10 ** rng.randint(1, 25)))
        t = rng.choice(["", "-", "+"]) + ip + rng.choice(".,") + fp
        if rng.random() < 0.7:
            t += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 340))
        out.append(t)
    return out


def test_parse_float_basics():
    assert parse_float("1.0e10") == 1e10
    assert parse_float("1,5") == 1.5
    assert parse_float("1.0\0garbage") == 1.0
    for t in ("1e10", "1.", ".5", "1.0e", " 1.0", "1_0.0", "1.0e400"):
        assert parse_float(t) is None, t
    assert parse_float("1.0e-400") == 0.0


@needs_erl
def test_parse_float_matches_erl():
    rng = random.Random(77)
    texts = _VALID + _INVALID
    texts += _fuzz_texts(rng, "0123456789.,eE+-", 3000, 9)
    texts += _fuzz_texts(rng, "01.eE+-x _", 800, 7)
    texts += _random_float_texts(rng, 1500)
    calls = _float_text_calls(texts)
    # a NUL ends the text; elements must be bytes; improper lists; not lists at all
    odd = [from_seq([49, 46, 48, 0, 120]), from_seq([49, 46, 48, 0, 300]),
           from_seq([49, 46, 48, 0, 200]), from_seq([49, 46, 48, -1]), from_seq([49, 46, 48.0]),
           Cons(49, Cons(46, Cons(48, 5))), from_seq([49, 46, 48, A.x]), NIL, A.foo, 1.0,
           from_seq([43, 49, 46, 53, 101, 43, 120]), from_seq([49, 46, 53, 2 ** 64]),
           from_seq([49 + 256, 46, 53]), Cons(49, Cons(46, Cons(53, Cons(101, 7))))]
    for lst in odd:
        calls.append(("erlang", "list_to_float", [lst]))
        calls.append(("string", "list_to_float", [lst]))
    for b in (b"1.0\x00x", b"1.0\x00", b"\x001.0", b"", b"1.5", A.foo, estr("1.0")):
        calls.append(("erlang", "binary_to_float", [b]))
    assert len(calls) > 15000
    got = py_results(calls)
    want = erl_results(calls)
    bad = [(c[1], c[2], g, w) for c, g, w in zip(calls, got, want) if g != w]
    assert not bad, bad[:10]
