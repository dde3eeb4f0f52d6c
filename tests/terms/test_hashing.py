"""erlang:phash2/1,2 and erlang:phash/2 against real OTP 25, and BEAM's
order of large maps (its per-VM hash trie). erl runs once for the module."""

import pytest

from erlpy.terms import (A, atom, NIL, Cons, BitString, Pid, Port, Ref, ExportFun, Map,
                         from_seq, estr, format_term)
from erlpy.terms.etf import binary_to_term, term_to_binary
from erlpy.terms.hashing import (phash2, phash, make_hash2, make_hash, beam_map_order,
                                 atom_hash)

from .erlref import ERL, ERLC, Erl, TermGen, erl_source, fun_hooks, LOCAL

RANGES = "phash2/1, phash2 2**32, phash2 1000, phash2 65536, phash 2**32, phash 7"


def _mine(t):
    return [make_hash2(t) & 0x7FFFFFF, phash2(t), phash2(t, 1000), phash2(t, 65536),
            phash(t, 2 ** 32), phash(t, 7)]


def _special_terms():
    long_atoms = [atom(c * 255) for c in ("a", "z", "\u00e9", "\u00ff", "\u0100", "\u65e5")]
    return long_atoms + [
        0.0, -0.0, (0.0, -0.0), 1.0, -1.0, 5e-324, 1.7976931348623157e308,
        0, -1, 2 ** 27 - 1, 2 ** 27, -2 ** 27, -2 ** 27 - 1, 2 ** 31, -2 ** 31, 2 ** 32 - 1,
        2 ** 32, 2 ** 59 - 1, 2 ** 59, -2 ** 59 - 1, 2 ** 64 - 1, 2 ** 64, -2 ** 64, 3 ** 500,
        -(3 ** 500), A.ok, atom(""), atom("\u00e9t\u00e9"), atom("\U0001F600"),
        atom("caf\u00e9\u0301"), atom("\x0f" * 7 + "A"), atom("\x0f" * 7 + "AB"),
        NIL, (), (NIL,), Cons(1, 2), Cons(A.a, Cons(300, 7)),
        from_seq([1, 2, 3, 4, 5, 6, 7]), from_seq([1, 2, 3, 400, 5]), estr("hello world"),
        from_seq([estr("ab"), estr("")]), from_seq([255, 256, 0]),
    ] + [bytes(range(n)) for n in range(0, 30)] + [
        BitString(bytes(range(n)) + b"\xa0", n * 8 + 3) for n in (0, 1, 11, 12, 13, 24)] + [
        Map.from_pairs([]), Map.from_pairs([(A.a, 1)]),
        Map.from_pairs([(atom("k%d" % i), i) for i in range(100)]),
        Map.from_pairs([(i, Map.from_pairs([(j, j) for j in range(i)])) for i in range(40)]),
        Pid(LOCAL, 1, 2, 0), Pid(LOCAL, 32767, 8191, 0), Pid(atom("a@b"), 77, 3, 9),
        Port(LOCAL, 5, 0), Port(atom("a@b"), 2 ** 40 + 3, 1),
        Ref(LOCAL, (1, 2, 3), 0), Ref(atom("a@b"), (9, 8, 7, 6, 5), 4),
        ExportFun(A.lists, A.map, 2), ExportFun(atom("\u65e5"), A.f, 255),
    ]


# Terms built by erl itself (too large to write out): (expression, Python term)
_BUILT = [
    ("lists:seq(1, 200000)", lambda: from_seq(list(range(1, 200001)))),
    ("lists:duplicate(100000, $a)", lambda: from_seq([97] * 100000)),
    ("lists:foldl(fun(_, Acc) -> {Acc} end, [], lists:seq(1, 50000))", None),
    ("lists:foldl(fun(I, Acc) -> [I | Acc] end, x, lists:seq(1, 100000))",
     lambda: _improper(100000)),
    ("list_to_binary(lists:duplicate(100000, 7))", lambda: bytes([7]) * 100000),
]


def _improper(n):
    t = A.x
    for i in range(1, n + 1):
        t = Cons(i, t)
    return t


def _nested(n):
    t = NIL
    for _ in range(n):
        t = (t,)
    return t


@pytest.fixture(scope="module")
def otp():
    if ERL is None or ERLC is None:
        pytest.skip("erl not installed")
    terms = []
    for seed in range(4):
        gen = TermGen(100 + seed, mixed_keys=True)      # phash2 of maps ignores key order
        terms += [gen.term() for _ in range(100)]
    terms += _special_terms()
    portable = []
    for seed in range(6):
        gen = TermGen(200 + seed)
        while len(portable) < 8 * (seed + 1):
            t = gen.term()
            if type(t) is Map and len(t) > 32:
                portable.append(t)
    portable += [Map.from_pairs([(i, i) for i in range(n)]) for n in (33, 64, 100, 1000)]
    erl = Erl()
    try:
        out = erl.run([("hash", erl_source(t)) for t in terms]
                      + [("hash", src) for src, _ in _BUILT]
                      + [("keys", erl_source(m)) for m in portable]
                      + [("funs", "etf_funs:funs()")])
    finally:
        erl.close()
    n, b = len(terms), len(_BUILT)
    return {"terms": terms, "hashes": out[:n], "built": out[n:n + b],
            "portable": portable, "keys": out[n + b:n + b + len(portable)],
            "funs": [line.split(" ") for line in out[-1].split(";")]}


def test_phash2_and_phash_match_otp(otp):
    bad = []
    for t, line in zip(otp["terms"], otp["hashes"]):
        if [int(x) for x in line.split(" ")] != _mine(t):
            bad.append((format_term(t)[:200], line, _mine(t)))
    assert not bad, bad[:3]
    assert len(otp["terms"]) > 450


def test_long_and_deep_terms_hash_as_otp(otp):
    for (src, build), line in zip(_BUILT, otp["built"]):
        t = build() if build is not None else _nested(50000)
        assert [int(x) for x in line.split(" ")] == _mine(t), src


def test_funs_hash_as_otp(otp):
    with fun_hooks():
        for fields in otp["funs"]:
            t = binary_to_term(bytes.fromhex(fields[0]))
            assert [make_hash2(t) & 0x7FFFFFF, phash2(t), phash(t, 2 ** 32)] == [
                int(x) for x in fields[4:7]]


def test_large_map_order_is_beam_order(otp):
    """maps:keys/1 order (and term_to_binary's) for maps of more than 32 keys."""
    for m, line in zip(otp["portable"], otp["keys"]):
        keys = from_seq([k for k, _ in beam_map_order(m)])
        assert term_to_binary(keys, minor_version=2).hex().upper() == line
    assert len(otp["portable"]) >= 50


# -- without erl ----------------------------------------------------------------

def test_known_values():
    assert make_hash2(A.abc) & 0x7FFFFFF == 26499
    t = (1, A.abc, estr("hello"), from_seq([1, 2.5, A.x]), b"xyz", -5, 2 ** 70, -2 ** 300,
         Map.from_pairs([(A.a, 1), (A.b, 2)]), 1.5, NIL, Cons(1, 2))
    assert phash2(t) == 3441654491
    assert phash(t, 2 ** 32) == 432585705
    assert make_hash2(NIL) == 3468870702


def test_zero_signs_hash_alike():
    assert make_hash2(0.0) == make_hash2(-0.0)
    assert make_hash(0.0) == make_hash(-0.0)
    assert make_hash2(0) != make_hash2(0.0)


def test_small_int_cache_agrees():
    for n in (-70000, -65536, -5, 0, 5, 65535, 65536, 2 ** 27 - 1):
        first = make_hash2(n)
        assert make_hash2(n) == first
        assert phash2((n,)) == phash2((n,))


def test_ranges():
    t = (A.a, 1)
    assert phash2(t, 1) == 0
    assert 0 <= phash2(t, 7) < 7
    assert phash2(t, 2 ** 32) == make_hash2(t)
    assert 1 <= phash(t, 7) <= 7
    assert phash(t, 2 ** 32) == make_hash(t) + 1


def test_atom_hash():
    # BEAM's hashpjw runs on 64 bits: a carry out of bit 31 stays (and is
    # cut off when phash2 takes 32 bits)
    assert atom_hash(atom("\x0f" * 7 + "A")) == 0x100000031
    assert make_hash2(atom("\x0f" * 7 + "A")) == 0x31
    assert atom_hash(atom("\u00e9")) == 0xE9         # Latin-1 read as one byte


def test_order_of_small_maps_is_sorted():
    m = Map.from_pairs([(A.b, 1), (A.a, 2), (3, 0)])
    assert [k for k, _ in beam_map_order(m)] == [3, A.a, A.b]
