"""Erlang term order, == and =:=, and hkey as a dict key."""

import random
from functools import cmp_to_key

from hypothesis import given, strategies as st

from erlpy.terms import (A, atom, NIL, Cons, BitString, Pid, Port, Ref, Map, ExportFun,
                         compare, eq, eq_exact, hkey, from_seq, estr)

NODE = atom("nonode@nohost")

# One term per type, in Erlang's order:
# number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring
ORDERED = [
    -(1 << 70), -1, 0.5, 1, 1.5, (1 << 70),
    A.a, atom("ab"), A.b,
    Ref(NODE, (1, 0, 0), 0), Ref(NODE, (2, 0, 0), 0),
    ExportFun(A.lists, A.map, 2),
    Port(NODE, 1, 0),
    Pid(NODE, 1, 0, 0), Pid(NODE, 2, 0, 0),
    (), (A.a,), (1, 2), (1, 3), (0, 0, 0),
    Map.from_pairs([]), Map.from_pairs([(A.a, 1)]), Map.from_pairs([(A.a, 1), (A.b, 2)]),
    NIL,
    Cons(1, 3), from_seq([1]), from_seq([1, 2]), from_seq([2]), estr("abc"),
    b"", b"\x00", b"\x00\x01", b"\x01", BitString(b"\x80", 1), b"\x80",
]


def test_sorting_a_shuffled_list_gives_erlang_order():
    items = list(ORDERED)
    for seed in range(20):
        random.Random(seed).shuffle(items)
        got = sorted(items, key=cmp_to_key(compare))
        assert all(a is b or eq_exact(a, b) for a, b in zip(got, ORDERED))


def test_numbers_compare_by_value_but_exact_equality_needs_the_type():
    assert compare(1, 1.0) == 0 and eq(1, 1.0) and not eq_exact(1, 1.0)
    assert eq((1, from_seq([2])), (1.0, from_seq([2.0])))
    assert not eq_exact((1, from_seq([2])), (1.0, from_seq([2.0])))
    assert compare((1 << 100), 1.0e30) > 0 and compare(-(1 << 100), -1.0e30) < 0


def test_long_lists_compare_without_recursion():
    a = from_seq(range(200000))
    b = from_seq(list(range(199999)) + [7])
    assert compare(a, b) > 0 and not eq_exact(a, b)


def test_hkey_distinguishes_exactly_what_eq_exact_distinguishes():
    d = {hkey(1): "int", hkey(1.0): "float", hkey(from_seq([1])): "list",
         hkey((1, 2.0)): "tuple"}
    assert d[hkey(1)] == "int" and d[hkey(1.0)] == "float"
    assert d[hkey(from_seq([1]))] == "list" and d[hkey((1, 2.0))] == "tuple"
    assert hkey((1, 2)) != hkey((1, 2.0))


_scalars = st.one_of(st.integers(-10 ** 20, 10 ** 20), st.floats(allow_nan=False,
                                                                  allow_infinity=False),
                     st.sampled_from([A.a, A.b, NIL]), st.binary(max_size=4))
_terms = st.recursive(_scalars, lambda ch: st.one_of(
    st.lists(ch, max_size=4).map(tuple), st.lists(ch, max_size=4).map(from_seq)), max_leaves=12)


@given(_terms, _terms, _terms)
def test_compare_is_a_total_order(a, b, c):
    assert compare(a, b) == -compare(b, a)
    if compare(a, b) <= 0 and compare(b, c) <= 0:
        assert compare(a, c) <= 0
    if eq_exact(a, b):
        assert compare(a, b) == 0 and hkey(a) == hkey(b)
