"""Maps: the persistent structure against a Python dict model, iteration
order (small maps in map-key order, big maps in BEAM's hash-trie order,
checked against real erl), comparisons, and BEAM's iterator paths."""

import os
import random
import shutil
import subprocess
import tempfile

import pytest
from hypothesis import given, example, settings, strategies as st, HealthCheck

from erlpy.terms import (A, atom, Map, EMPTY_MAP, NIL, Cons, BitString, from_seq, hkey, compare,
                         compare_keys, eq, eq_exact, estr)
from erlpy.terms.maps import FLAT_LIMIT, _trie_leaves, _Bucket
from tests.terms.erlref import erl_source

ERL = shutil.which("erl")
ERLC = shutil.which("erlc")
needs_erl = pytest.mark.skipif(ERL is None or ERLC is None, reason="erl is not installed")


# -- keys --------------------------------------------------------------------------

def _small_map(pairs):
    return Map.from_pairs(pairs)


_leaf_keys = st.one_of(
    st.integers(-40, 40),
    st.integers(-40, 40).map(float),           # 1.0 next to 1: two keys
    st.sampled_from([A.a, A.b, A.ok, atom("Z"), atom("")]),
    st.sampled_from([b"", b"a", b"ab", b"\x00"]),
    st.just(NIL),
    st.integers(2 ** 64 - 3, 2 ** 64 + 3),
)
_keys = st.recursive(
    _leaf_keys,
    lambda inner: st.one_of(
        st.tuples(inner, inner),
        st.lists(inner, max_size=3).map(from_seq),
        st.lists(st.tuples(inner, inner), max_size=3).map(_small_map),
    ),
    max_leaves=4,
)


class Model:
    """A map as a dict hkey -> (key, value)."""

    def __init__(self):
        self.d = {}

    def put(self, k, v):
        self.d[hkey(k)] = (k, v)

    def remove(self, k):
        self.d.pop(hkey(k), None)


def _check(m, model, probes=()):
    assert len(m) == m.size() == len(model.d)
    assert m.is_flat() == (len(model.d) <= FLAT_LIMIT)
    for h, (k, v) in model.d.items():
        got = m.get(k)
        assert got is v, (k, got, v)
        assert m.contains(k)
    for k in probes:
        if hkey(k) not in model.d:
            assert m.get(k) is None
            assert m.get(k, 7) == 7
            assert not m.contains(k)
    items = m.items()
    assert len(items) == len(model.d)
    assert {hkey(k): v for k, v in items} == {h: v for h, (k, v) in model.d.items()}
    assert len(m.iter_items()) == len(model.d)


_ops = st.lists(st.tuples(st.sampled_from(["put", "put", "put", "remove"]), _keys,
                          st.integers(0, 5)), max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ops)
def test_put_remove_get_against_dict_model(ops):
    m = EMPTY_MAP
    model = Model()
    history = []
    for op, k, v in ops:
        if op == "put":
            m = m.put(k, v)
            model.put(k, v)
        else:
            m = m.remove(k)
            model.remove(k)
        history.append((m, dict(model.d)))
    _check(m, model, [k for _, k, _ in ops])
    # persistence: every older version is unchanged
    for old, d in history[::17]:
        snap = Model()
        snap.d = d
        _check(old, snap)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 3)), max_size=200))
def test_sizes_crossing_the_flat_limit(ops):
    m = EMPTY_MAP
    model = Model()
    for k, v in ops:
        if v == 0:
            m = m.remove(k)
            model.remove(k)
        else:
            m = m.put(k, v)
            model.put(k, v)
        assert len(m) == len(model.d)
        assert m.is_flat() == (len(m) <= FLAT_LIMIT)
    _check(m, model, range(61))


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2000), st.integers(0, 2 ** 32))
@example(2000, 1)
@example(40, 2)
def test_up_to_thousands_of_mixed_keys(nkeys, seed):
    rnd = random.Random(seed)
    pool = []
    for i in range(nkeys + 1):
        r = rnd.random()
        n = rnd.randrange(-5000, 5000)
        if r < 0.3:
            pool.append(n)
        elif r < 0.45:
            pool.append(float(n))
        elif r < 0.6:
            pool.append((n, float(n)))
        elif r < 0.7:
            pool.append(estr("k%d" % n))
        elif r < 0.8:
            pool.append(atom("a%d" % n))
        elif r < 0.9:
            pool.append(b"%d" % n)
        else:
            pool.append(Map.from_pairs([(A.x, n), (n, 1.0)]))
    m = EMPTY_MAP
    model = Model()
    versions = []
    for step in range(3 * nkeys):
        k = rnd.choice(pool)
        if rnd.random() < 0.25:
            m = m.remove(k)
            model.remove(k)
        else:
            v = rnd.randrange(100)
            m = m.put(k, v)
            model.put(k, v)
        if step % 500 == 0:
            versions.append((m, dict(model.d)))
    _check(m, model, pool[:300])
    for old, d in versions:
        snap = Model()
        snap.d = d
        _check(old, snap)
    # bulk paths agree with one-by-one puts
    pairs = [(k, v) for k, v in m.items()]
    rnd.shuffle(pairs)
    assert Map.from_pairs(pairs).exact_equal(m)
    assert EMPTY_MAP.put_many(pairs).exact_equal(m)
    half = len(pairs) // 2
    assert Map.from_pairs(pairs[:half]).put_many(pairs[half:]).exact_equal(m)


def test_updates_share_all_but_one_path():
    m = Map.from_pairs([(i, i) for i in range(10000)])
    m2 = m.put(123, A.x)
    assert sum(a is b for a, b in zip(m.root, m2.root)) == 31
    m3 = m.remove(77)
    assert sum(a is b for a, b in zip(m.root, m3.root)) == 31
    assert m.get(123) == 123 and m.contains(77)


def test_equal_hash_keys_share_a_bucket():
    # Python hashes n and n + (2**61 - 1) alike, and -1 like -2
    p = 2 ** 61 - 1
    keys = [5, 5 + p, 5 + 2 * p, -1, -2] + list(range(100, 140))
    m = Map.from_pairs([(k, k) for k in keys])
    assert any(type(e) is _Bucket for e in _walk(m.root))
    for k in keys:
        assert m.get(k) == k
    assert m.get(5 + 3 * p) is None
    m2 = m.put(5 + p, "x")
    assert m2.get(5 + p) == "x" and m.get(5 + p) == 5 + p
    for k in keys:
        m2 = m2.remove(k)
        assert not m2.contains(k)
    assert len(m2) == 0 and m2.is_flat()
    for k in [5, 5 + p, 5 + 2 * p, -1, -2]:
        t = m.take(k)
        assert t[0] == k and len(t[1]) == len(m) - 1 and not t[1].contains(k)


def _walk(node):
    for e in node:
        if type(e) is list:
            yield from _walk(e)
        else:
            yield e


def test_removal_keeps_the_trie_canonical():
    keys = list(range(5000))
    m = Map.from_pairs([(k, 0) for k in keys])
    for k in keys[:4900]:
        m = m.remove(k)
    fresh = Map.from_pairs([(k, 0) for k in keys[4900:]])
    assert _shape(m.root) == _shape(fresh.root)


def _shape(node):
    return tuple(None if e is None else (_shape(e) if type(e) is list else e[0]) for e in node)


def test_unchanged_updates_return_the_same_map():
    m = Map.from_pairs([(i, i) for i in range(50)])
    v = m.get(7)
    assert m.put(7, v) is m
    assert m.remove(1000) is m
    assert m.take(1000) is None
    small = Map.from_pairs([(A.a, 1)])
    assert small.remove(A.b) is small


def test_one_and_one_point_zero_are_different_keys():
    m = EMPTY_MAP.put(1, A.int).put(1.0, A.float)
    assert len(m) == 2
    assert m.get(1) is A.int and m.get(1.0) is A.float
    assert m.remove(1).get(1.0) is A.float
    nested = Map.from_pairs([((1, from_seq([1.0])), 1), ((1.0, from_seq([1])), 2)])
    assert len(nested) == 2


def test_update_many_needs_every_key():
    m = Map.from_pairs([(A.a, 1), (A.b, 2)])
    assert m.update_many([(A.a, 3), (A.c, 4)]) is None
    m2 = m.update_many([(A.a, 3)])
    assert m2.get(A.a) == 3 and m.get(A.a) == 1
    big = Map.from_pairs([(i, i) for i in range(100)])
    assert big.update_many([(5, 0), (100, 0)]) is None
    assert big.update_many([(5, 0), (6, 0)]).get(6) == 0


def test_merge():
    a = Map.from_pairs([(1, A.a), (2, A.a), (2.0, A.a)])
    b = Map.from_pairs([(2, A.b), (3, A.b)])
    m = a.merge(b)
    assert [(k, v) for k, v in m.items()] == [(1, A.a), (2, A.b), (3, A.b), (2.0, A.a)]
    big = Map.from_pairs([(i, A.big) for i in range(40)])
    for x, y in ((a, big), (big, a), (big, big), (big, big.put(0, A.z))):
        model = dict((hkey(k), v) for k, v in x.items())
        model.update((hkey(k), v) for k, v in y.items())
        got = x.merge(y)
        assert {hkey(k): v for k, v in got.items()} == model
        assert len(got) == len(model)
    assert a.merge(a) is a


# -- order and comparison -------------------------------------------------------------

def test_small_maps_iterate_in_map_key_order():
    """Term order, except that every integer comes before every float (as
    maps:keys/1 shows in OTP 25), also inside tuples, lists and maps."""
    keys = [A.b, 1.0, 1, A.a, (1,), (1.0,), NIL, from_seq([1]), b"", b"a", 0.5, -3,
            Map.from_pairs([(1, 1)]), Map.from_pairs([(1.0, 1)]), 2 ** 70, (1.0, 2), (2, 1.0)]
    # maps:keys/1 of the same map in erl
    want = [-3, 1, 2 ** 70, 0.5, 1.0, A.a, A.b, (1,), (1.0,), (2, 1.0), (1.0, 2),
            Map.from_pairs([(1, 1)]), Map.from_pairs([(1.0, 1)]), NIL, from_seq([1]), b"", b"a"]
    m = Map.from_pairs([(k, 0) for k in reversed(keys)])
    got = m.keys()
    assert len(got) == len(want)
    assert all(eq_exact(x, y) for x, y in zip(got, want)), got
    assert m.iter_items() == m.items() == m.items_sorted()


def test_atom_int_binary_fast_sorts_agree_with_compare_keys():
    rnd = random.Random(3)
    for keys in ([atom("k%d" % rnd.randrange(1000)) for _ in range(30)] + [atom("\u00e9"),
                                                                           atom("z")],
                 [rnd.randrange(-10 ** 20, 10 ** 20) for _ in range(32)],
                 [bytes([rnd.randrange(3) for _ in range(rnd.randrange(4))])
                  for _ in range(32)]):
        m = Map.from_pairs([(k, 0) for k in keys])
        ks = m.sorted_keys()
        assert all(compare_keys(a, b) < 0 for a, b in zip(ks, ks[1:]))


def test_map_comparison_size_then_keys_then_values():
    M = Map.from_pairs
    assert compare(M([(A.z, 1)]), M([(A.a, 1), (A.b, 1)])) == -1       # size first
    assert compare(M([(A.a, 2)]), M([(A.b, 1)])) == -1                   # keys before values
    assert compare(M([(1, A.x)]), M([(1.0, A.x)])) == -1                 # 1 before 1.0
    assert compare(M([((0.0,), 0)]), M([((1,), 0)])) == 1                # any int before floats
    assert compare(M([(A.a, 1), (A.b, 2)]), M([(A.a, 1), (A.b, 3)])) == -1
    assert compare(M([(A.a, 1)]), M([(A.a, 1.0)])) == 0
    assert eq(M([(A.a, 1)]), M([(A.a, 1.0)]))
    assert not eq_exact(M([(A.a, 1)]), M([(A.a, 1.0)]))
    assert compare(M([(1, 1)]), M([(1.0, 1)])) != 0
    assert compare(M([(1, 1)]), (1,)) == 1 and compare(M([]), NIL) == -1
    big1 = M([(i, i) for i in range(100)])
    big2 = big1.put(99, 100)
    assert compare(big1, big2) == -1 and compare(big2, big1) == 1
    assert compare(big1, M([(i, i) for i in reversed(range(100))])) == 0
    assert eq_exact(big1, M([(i, i) for i in reversed(range(100))]))


def test_maps_as_keys_hash_by_content():
    k1 = Map.from_pairs([(i, i) for i in range(40)])
    k2 = Map.from_pairs([(i, i) for i in reversed(range(40))])
    m = Map.from_pairs([(k1, A.one)])
    assert m.get(k2) is A.one
    assert m.get(k1.put(0, 1.0)) is None


def test_beam_paths_lead_to_their_positions():
    m = Map.from_pairs([((i, estr("x")), i) for i in range(3000)])
    lay = m.beam_layout()
    assert len(lay.pairs) == 3000
    assert [lay.position(p) for p in lay.paths] == list(range(3000))
    assert lay.position(15 << 4 * 7) == -1 or lay.position(15 << 4 * 7) >= 0
    assert m.items() == lay.pairs[::-1]


def test_keys_whose_hashes_agree_at_every_depth_still_get_a_layout():
    # atoms hash by name here (BEAM uses their atom-table index): 'aq' and
    # 'ba' have the same name hash, so every salted hash of theirs agrees too
    from erlpy.terms.hashing import _map_hash
    assert all(_map_hash(A.aq, d) == _map_hash(A.ba, d) for d in range(3))
    m = Map.from_pairs([(A.aq, 1), (A.ba, 2), ((A.aq,), 3), ((A.ba,), 4)]
                       + [(i, i) for i in range(40)])
    lay = m.beam_layout()
    keys = [k for k, _ in lay.pairs]
    assert keys.index(A.aq) + 1 == keys.index(A.ba)
    assert keys.index((A.aq,)) + 1 == keys.index((A.ba,))
    assert [lay.position(p) for p in lay.paths] == list(range(44))
    assert lay.info()[4] == 44


# -- against real erl ---------------------------------------------------------------

KEY_SETS = [
    ("ints", list(range(1, 41))),
    ("ints_1000", list(range(-500, 500))),
    ("sparse_ints", [i * 7919 for i in range(300)]),
    ("bignums", [2 ** 64 + i for i in range(50)] + [-(2 ** 70) - i for i in range(50)]),
    ("floats", [i / 4 for i in range(100)] + [-0.5, 1e300, -1e-300]),
    ("ints_and_floats", [i for i in range(30)] + [float(i) for i in range(30)]),
    ("binaries", [b"key%d" % i for i in range(200)] + [b"", b"x" * 40]),
    ("strings", [estr("name_%d" % i) for i in range(100)] + [NIL, estr("\u00e9t\u00e9")]),
    ("tuples", [(i, i * 2.5, b"t") for i in range(150)]),
    ("improper", [Cons(i, i) for i in range(40)] + [Cons(1, Cons(2, b"x"))]),
    ("map_keys", [Map.from_pairs([(1, i), (2.0, b"")]) for i in range(40)]),
    ("big_map_keys", [Map.from_pairs([(j, i) for j in range(34)]) for i in range(35)]),
    ("bitstrings", [BitString(bytes([i, 0x80]), 9) for i in range(35)] + [BitString(b"\x40", 2)]),
    ("nested", [(i, from_seq([i, (i, 1.5)])) for i in range(64)]),
    # pairs of keys with equal make_map_hash(Key, 0): BEAM separates them by
    # the hash salted with depth 1
    ("hash_collisions", [40660, 59671, 22575, 119693, 121236, 167527] + list(range(40))),
]


@pytest.fixture(scope="module")
def erl_orders():
    if ERL is None or ERLC is None:
        pytest.skip("erl is not installed")
    body = []
    for name, keys in KEY_SETS:
        body.append("{%s, %s}" % (name, erl_source(from_seq(keys))))
    src = """-module(maps_order_ref).
-export([main/1]).
main([Out]) ->
    {ok, F} = file:open(Out, [write]),
    [begin
         M = maps:from_list(lists:zip(Ks, lists:seq(1, length(Ks)))),
         M2 = lists:foldl(fun(K, A) -> maps:put(K, x, A) end, #{}, Ks),
         Fold = lists:reverse(maps:fold(fun(_, V, A) -> [V | A] end, [], M)),
         {_, _, I} = maps:next(maps:iterator(M)),
         io:format(F, "~w ~w ~w ~w ~w ~w~n",
                   [Name, [V || {_, V} <- maps:to_list(M)], Fold,
                    [maps:get(K, M) || K <- maps:keys(M2)], path_of(I),
                    erts_debug:map_info(M)])
     end || {Name, Ks} <- sets()],
    file:close(F),
    halt().
path_of({_, _, I}) -> path_of(I);
path_of([P | _]) -> P;
path_of(none) -> none.
sets() -> [%s].
""" % ",\n".join(body)
    d = tempfile.mkdtemp(prefix="erlpy-maps-")
    try:
        with open(os.path.join(d, "maps_order_ref.erl"), "w") as f:
            f.write(src)
        subprocess.run([ERLC, "-o", d, os.path.join(d, "maps_order_ref.erl")], check=True)
        out = os.path.join(d, "out.txt")
        subprocess.run([ERL, "-noshell", "-pa", d, "-run", "maps_order_ref", "main", out],
                       check=True, timeout=300)
        with open(out) as f:
            lines = f.read().splitlines()
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return {line.split(" ", 1)[0]: line.split(" ")[1:] for line in lines}


def _ints(text):
    return [int(x) for x in text.strip("[]").split(",") if x]


def _info_text(m):
    from erlpy.bifs.maps import map_info
    from erlpy.terms import format_term
    return format_term(map_info(m)).replace(" ", "")


def test_collision_key_sets_do_collide():
    from erlpy.terms.hashing import _map_hash
    keys = dict(KEY_SETS)["hash_collisions"]
    for a, b in zip(keys[0:6:2], keys[1:6:2]):
        assert _map_hash(a, 0) == _map_hash(b, 0) and _map_hash(a, 1) != _map_hash(b, 1)


@needs_erl
@pytest.mark.parametrize("name,keys", KEY_SETS, ids=[n for n, _ in KEY_SETS])
def test_big_map_order_matches_otp(erl_orders, name, keys):
    to_list, fold, keys_order, path, info = erl_orders[name]
    m = Map.from_pairs([(k, i + 1) for i, k in enumerate(keys)])
    assert [v for _, v in m.items()] == _ints(to_list)
    assert [v for _, v in m.iter_items()] == _ints(fold)
    # built by maps:put one key at a time: same order
    m2 = EMPTY_MAP
    for k in keys:
        m2 = m2.put(k, A.x)
    assert [m.get(k) for k in m2.keys()] == _ints(keys_order)
    assert str(m.beam_layout().paths[32]) == path
    assert _info_text(m) == info
