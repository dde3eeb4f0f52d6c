"""lists BIFs of erlpy.bifs.lists: direct unit tests (matching rules, errors,
long lists), then a differential run against real erl over edge cases and
seeded random keys and lists."""

import random
import time

import pytest

import erlpy.bifs.lists as lb
from erlpy.terms import A, NIL, Cons, Pid, ErlangError, TRUE, FALSE, from_seq, to_pylist, atom
from tests.terms.erlref import LOCAL

from .bif_diff import HAVE_ERL, differences

needs_erl = pytest.mark.skipif(not HAVE_ERL, reason="erl/erlc not installed")


def _badarg(fn, *args):
    with pytest.raises(ErlangError) as info:
        fn(*args)
    assert info.value.reason is A.badarg


def test_member_is_exact():
    assert lb.member(1, from_seq([1.0, 1])) is TRUE
    assert lb.member(1, from_seq([1.0])) is FALSE
    assert lb.member(1.0, from_seq([1])) is FALSE
    assert lb.member((1, 2), from_seq([(1, 2.0), (1, 2)])) is TRUE
    assert lb.member(Pid(LOCAL, 5, 0, 0), from_seq([Pid(LOCAL, 5, 0, 0)])) is TRUE
    assert lb.member(A.a, from_seq([A.a], A.b)) is TRUE
    _badarg(lb.member, A.z, from_seq([A.a], A.b))
    _badarg(lb.member, A.z, A.x)
    assert lb.member(A.z, NIL) is FALSE


def test_keyfind_uses_equality_and_c_doubles():
    assert lb.keyfind(1, 1, from_seq([(1.0,)])) == (1.0,)
    assert lb.keyfind(1.0, 1, from_seq([(1,)])) == (1,)
    assert lb.keyfind(2 ** 53 + 1, 1, from_seq([(2.0 ** 53,)])) == (2.0 ** 53,)
    assert lb.keyfind(2 ** 64 + 1, 1, from_seq([(2.0 ** 64,)])) is FALSE
    assert lb.keyfind(A.a, 2, from_seq([A.a, (A.a,), (1, A.a)])) == (1, A.a)
    assert lb.keysearch(A.a, 1, from_seq([(A.a, 1)])) == (A.value, (A.a, 1))
    assert lb.keymember(A.a, 1, from_seq([(A.b,)])) is FALSE
    _badarg(lb.keyfind, A.a, 0, NIL)
    _badarg(lb.keyfind, A.a, 2 ** 64, NIL)
    _badarg(lb.keyfind, A.a, 1.0, NIL)
    _badarg(lb.keyfind, A.z, 1, from_seq([(A.a,)], A.b))
    assert lb.keyfind(A.a, 1, from_seq([(A.a,)], A.b)) == (A.a,)


def test_reverse():
    r = lb.reverse(from_seq([1, 2, 3]), from_seq([4]))
    assert to_pylist(r) == [3, 2, 1, 4]
    tail = from_seq([9])
    assert lb.reverse(NIL, tail) is tail
    assert lb.reverse(from_seq([1]), A.x).tl is A.x
    _badarg(lb.reverse, from_seq([1], A.x), NIL)


def test_long_lists():
    n = 1000000
    big = from_seq([(i, atom("k%d" % (i % 7))) for i in range(n)])
    t0 = time.time()
    assert lb.keyfind(n - 1, 1, big) == (n - 1, atom("k%d" % ((n - 1) % 7)))
    assert lb.keyfind(A.nothere, 2, big) is FALSE
    assert lb.member((n - 1, A.x), big) is FALSE
    r = lb.reverse(big, NIL)
    assert r.hd[0] == n - 1 and type(r) is Cons
    assert time.time() - t0 < 30


KEYS = [1, 1.0, -0.0, 0, 2 ** 53 + 1, 2.0 ** 53, 2 ** 64, 2.0 ** 64, A.a, A.b, NIL, (1,), (1.0,),
        from_seq([1]), b"x", 576460752303423487, 576460752303423488, -576460752303423488,
        -576460752303423489]

FIXED = [
    ("lists", "member", "[1, [1.0]]"), ("lists", "member", "[1.0, [1]]"),
    ("lists", "member", "[a, [a | b]]"), ("lists", "member", "[z, [a | b]]"),
    ("lists", "member", "[z, x]"), ("lists", "member", "[z, []]"),
    ("lists", "member", "[[], [[] | x]]"), ("lists", "member", "[self(), [self()]]"),
    ("lists", "member", "[fun lists:map/2, [fun lists:map/2]]"),
    ("lists", "keyfind", "[a, 0, [{a}]]"), ("lists", "keyfind", "[a, 1, [{a} | b]]"),
    ("lists", "keyfind", "[z, 1, [{a} | b]]"), ("lists", "keyfind", "[a, 1, x]"),
    ("lists", "keyfind", "[a, -1, []]"), ("lists", "keyfind", "[a, 1 bsl 64, []]"),
    ("lists", "keyfind", "[a, 1 bsl 64, x]"), ("lists", "keyfind", "[a, 1, [x, {}, {a, 1}]]"),
    ("lists", "keyfind", "[#{1 => a}, 1, [{#{1.0 => a}}]]"),
    ("lists", "keyfind", "[{1}, 1, [{{1.0}}]]"),
    ("lists", "keymember", "[self(), 1, [{self()}]]"),
    ("lists", "keyfind", "[9007199254740993, 1, [{9007199254740992.0}]]"),
    ("lists", "keyfind", "[9007199254740992.0, 1, [{9007199254740993}]]"),
    ("lists", "keyfind", "[576460752303423488, 1, [{576460752303423488.0}]]"),
    ("lists", "keyfind", "[576460752303423487, 1, [{576460752303423488.0}]]"),
    ("lists", "keymember", "[a, 1.0, [{a}]]"), ("lists", "keymember", "[a, 1, [x | y]]"),
    ("lists", "keysearch", "[a, 2, [{a}, {b, a}, {c, a}]]"),
    ("lists", "keysearch", "[q, 2, [{a}, {b, a}, {c, a}]]"),
    ("lists", "reverse", "[[1, 2 | x], [3]]"), ("lists", "reverse", "[[1, 2], x]"),
    ("lists", "reverse", "[x, [3]]"), ("lists", "reverse", "[[], x]"),
    ("lists", "reverse", "[[1, [2]], []]"),
]


def _random_calls(seed, n):
    r = random.Random(seed)
    calls = []
    for _ in range(n):
        pos = r.choice([1, 1, 2, 3])
        items = []
        for _ in range(r.randint(0, 8)):
            k = r.random()
            if k < 0.7:
                t = [r.choice(KEYS) for _ in range(r.randint(0, 4))]
                items.append(tuple(t))
            else:
                items.append(r.choice(KEYS))
        tail = NIL if r.random() < 0.85 else r.choice([A.x, b"t", (1,)])
        lst = from_seq(items, tail)
        key = r.choice(KEYS)
        f = r.choice(["keyfind", "keymember", "keysearch", "member", "reverse"])
        if f == "member":
            calls.append(("lists", f, [key, lst]))
        elif f == "reverse":
            calls.append(("lists", f, [lst, r.choice([NIL, A.x, from_seq([1])])]))
        else:
            calls.append(("lists", f, [key, r.choice([pos, pos, 0, 2 ** 60]), lst]))
    return calls


@needs_erl
def test_against_erl():
    bad = differences("erlpy_diff_lists", FIXED + _random_calls(5, 2500))
    assert not bad, bad[:8]
