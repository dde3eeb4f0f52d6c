"""The maps BIFs, erlang's map BIFs and erts_internal:map_next/3: results and
error reasons against real erl (compared as term_to_binary bytes, so lists
and big maps must come in OTP's order too), and unit tests without erl."""

import os
import shutil
import subprocess
import tempfile

import pytest

from erlpy.terms import (A, atom, Map, EMPTY_MAP, NIL, Cons, from_seq, to_pylist, estr,
                         ErlangError, eq_exact)
from erlpy.terms.etf import term_to_binary, binary_to_term
from erlpy.bifs.registry import BIFS
from erlpy.code.contract import VM
import erlpy.bifs.maps  # noqa: F401  (registers the BIFs)
from tests.terms.erlref import erl_source

ERL = shutil.which("erl")
ERLC = shutil.which("erlc")


def call(mod, name, *args):
    fn = BIFS[(mod, name, len(args))][0]
    return fn(*args)


def outcome(mod, name, args):
    """('ok', result) or ('error', reason), as erl's driver reports them."""
    VM.reds = 4000
    try:
        return "ok", call(mod, name, *args)
    except ErlangError as e:
        assert e.cls is A.error
        return "error", e.reason


# -- cases ----------------------------------------------------------------------------

SMALL = Map.from_pairs([(A.a, 1), (A.b, 2), (1, A.int), (1.0, A.float), ((1, 2.0), A.t)])
BIG = Map.from_pairs([(i, i * i) for i in range(100)])
BIG_MIXED = Map.from_pairs([(estr("k%d" % i), i) for i in range(40)] + [(i / 2, i) for i in range(40)])
NOT_MAPS = [A.x, 1, NIL, (A.a, 1), from_seq([(A.a, 1)])]


def _cases():
    c = []
    add = c.append
    for m in (EMPTY_MAP, SMALL, BIG, BIG_MIXED):
        for k in (A.a, 1, 1.0, (1, 2.0), (1, 2), 50, 50.0, estr("k3"), 1.5, A.nope):
            add(("maps", "get", [k, m]))
            add(("erlang", "map_get", [k, m]))
            add(("maps", "find", [k, m]))
            add(("maps", "is_key", [k, m]))
            add(("erlang", "is_map_key", [k, m]))
            add(("maps", "remove", [k, m]))
            add(("maps", "take", [k, m]))
            add(("maps", "put", [k, A.new, m]))
            add(("maps", "update", [k, A.new, m]))
        add(("erlang", "map_size", [m]))
        add(("maps", "keys", [m]))
        add(("maps", "values", [m]))
        add(("erts_internal", "map_next", [0, m, NIL]))
        add(("erts_internal", "map_next", [0, m, A.iterator]))
        add(("erts_internal", "map_next", [0, m, from_seq([A.acc])]))
        add(("erts_internal", "map_next", [0, m, Cons(A.x, A.y)]))
        add(("erts_internal", "map_to_tuple_keys", [m]))
        for m2 in (EMPTY_MAP, SMALL, BIG, BIG_MIXED, BIG.put(1000, 0).remove(5)):
            add(("maps", "merge", [m, m2]))
    for x in NOT_MAPS:
        add(("maps", "get", [A.a, x]))
        add(("erlang", "map_get", [A.a, x]))
        add(("maps", "find", [A.a, x]))
        add(("maps", "is_key", [A.a, x]))
        add(("erlang", "is_map_key", [A.a, x]))
        add(("maps", "keys", [x]))
        add(("maps", "values", [x]))
        add(("maps", "put", [A.a, 1, x]))
        add(("maps", "update", [A.a, 1, x]))
        add(("maps", "remove", [A.a, x]))
        add(("maps", "take", [A.a, x]))
        add(("maps", "merge", [x, SMALL]))
        add(("maps", "merge", [SMALL, x]))
        add(("maps", "merge", [x, x]))
        add(("maps", "merge", [x, A.y]))
        add(("erlang", "map_size", [x]))
        add(("erts_internal", "map_next", [0, x, NIL]))
        add(("erts_internal", "map_to_tuple_keys", [x]))
        add(("maps", "from_list", [x]))
        add(("maps", "from_keys", [x, 1]))
    pairs = [(i % 45, i) for i in range(60)]
    for lst in ([], [(A.a, 1)], [(A.a, 1), (A.a, 2)], [(1, A.x), (1.0, A.y)], pairs,
                [(i, i) for i in range(33)], [(i, i) for i in range(32)] + [(0, 5)]):
        add(("maps", "from_list", [from_seq(lst)]))
        add(("maps", "from_keys", [from_seq([k for k, _ in lst]), A.v]))
    for bad in (from_seq([(A.a, 1), A.b]), from_seq([(A.a, 1, 2)]), Cons((A.a, 1), A.b),
                from_seq([()]), from_seq([from_seq([A.a, 1])])):
        add(("maps", "from_list", [bad]))
    add(("maps", "from_keys", [Cons(A.a, A.b), 1]))
    # iterator paths: a flat map takes any path up to its size and gives all
    for path in (0, 1, 4, 5, 6, -1, 2 ** 64, A.a, 1.0):
        add(("erts_internal", "map_next", [path, SMALL, NIL]))
        add(("erts_internal", "map_next", [path, SMALL, A.iterator]))
    for acc in (A.bad, 5, (A.a,), EMPTY_MAP):
        add(("erts_internal", "map_next", [0, SMALL, acc]))
        add(("erts_internal", "map_next", [0, BIG, acc]))
    for path in (-(2 ** 64), -(2 ** 59), -1, -5, 1, 2, 17, 15 << 60, 16 ** 20 - 1):
        add(("erts_internal", "map_next", [path, BIG, NIL]))
    for m in (SMALL, BIG):
        add(("erts_debug", "map_info", [m]))
    add(("erts_debug", "map_info", [A.x]))
    return c


CASES = _cases()

DRIVER = """-module(maps_bif_ref).
-export([main/1]).
main([Out]) ->
    {ok, F} = file:open(Out, [write]),
    [io:format(F, "~s~n", [run(M, Fn, A)]) || {M, Fn, A} <- cases()],
    file:close(F),
    halt().
run(M, Fn, A) ->
    try apply(M, Fn, A) of
        R -> ["ok ", hex(R)]
    catch error:E -> ["error ", hex(E)]
    end.
hex(T) -> binary:encode_hex(term_to_binary(T)).
cases() -> [%s].
"""


@pytest.fixture(scope="module")
def otp():
    if ERL is None or ERLC is None:
        pytest.skip("erl is not installed")
    src = DRIVER % ",\n".join("{%s, %s, %s}" % (m, f, erl_source(from_seq(args)))
                              for m, f, args in CASES)
    d = tempfile.mkdtemp(prefix="erlpy-mapbifs-")
    try:
        path = os.path.join(d, "maps_bif_ref.erl")
        with open(path, "w") as f:
            f.write(src)
        subprocess.run([ERLC, "-o", d, path], check=True)
        out = os.path.join(d, "out.txt")
        subprocess.run([ERL, "-noshell", "-pa", d, "-run", "maps_bif_ref", "main", out],
                       check=True, timeout=300)
        with open(out) as f:
            return f.read().splitlines()
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _atom_keyed_big_map(t):
    """Whether t holds a map of more than 32 keys with an atom in a key: BEAM
    places such keys by the atom's index in its atom table, which depends on
    everything the VM did before, so only the contents can be compared."""
    if type(t) is tuple:
        return any(_atom_keyed_big_map(e) for e in t)
    if type(t) is Map:
        return len(t) > 32 and any(_has_atom(k) for k in t.keys())
    return False


def _has_atom(t):
    if type(t) is tuple:
        return any(_has_atom(e) for e in t)
    return type(t) is type(A.a)


def test_results_and_errors_match_otp(otp):
    assert len(otp) == len(CASES)
    bad = []
    loose = 0
    for (m, f, args), line in zip(CASES, otp):
        kind, term = outcome(m, f, args)
        if _atom_keyed_big_map(term):
            loose += 1
            okind, ohex = line.split(" ")
            same = kind == okind and eq_exact(term, binary_to_term(bytes.fromhex(ohex)))
        else:
            same = "%s %s" % (kind, term_to_binary(term).hex().upper()) == line
        if not same:
            bad.append(("%s:%s" % (m, f), [repr(a)[:60] for a in args], line[:80]))
    assert not bad, "%d of %d differ, e.g. %r" % (len(bad), len(CASES), bad[:5])
    assert len(CASES) > 500 and loose < 20


def _to_list(m):
    """maps:to_list/1 as maps.erl runs it over erts_internal:map_next/3."""
    r = call("erts_internal", "map_next", 0, m, NIL)
    while type(r) is Cons and type(r.hd) is int:
        VM.reds = 4000
        r = call("erts_internal", "map_next", r.hd, r.tl.hd, r.tl.tl)
    return r


def _fold_order(m):
    """The keys as maps:next/1 visits them, with few reductions left so that
    every call gives a short chunk."""
    keys = []
    it = Cons(0, m)
    while True:
        VM.reds = 20
        r = call("erts_internal", "map_next", it.hd, it.tl, A.iterator)
        while type(r) is tuple:
            keys.append(r[0])
            r = r[2]
        if r is A.none:
            return keys
        it = r


@pytest.mark.parametrize("m", [EMPTY_MAP, SMALL, BIG, BIG_MIXED,
                               Map.from_pairs([((i, i), i) for i in range(3000)])],
                         ids=["empty", "small", "big", "mixed", "3000"])
def test_chunked_iteration_covers_the_map_in_order(m):
    lst = to_pylist(_to_list(m))
    assert [(k, v) for k, v in lst] == m.items()
    assert _fold_order(m) == [k for k, _ in m.iter_items()]
    assert to_pylist(call("maps", "keys", m)) == m.keys()


def test_first_chunk_of_a_big_map_is_32_and_charges_reductions():
    VM.reds = 4000
    r = call("erts_internal", "map_next", 0, BIG, A.iterator)
    n = 0
    while type(r) is tuple:
        n += 1
        r = r[2]
    assert n == 32 and type(r) is Cons and r.tl is BIG
    assert VM.reds == 4000 - 4 * 32
    VM.reds = 400
    r = call("erts_internal", "map_next", r.hd, BIG, NIL)
    assert len(to_pylist(r)) == 100 - 32


def test_map_get_and_errors_without_erl():
    assert call("maps", "get", 1.0, SMALL) is A.float
    assert call("maps", "get", 1, SMALL) is A.int
    with pytest.raises(ErlangError) as e:
        call("maps", "get", 2, SMALL)
    assert e.value.reason == (A.badkey, 2)
    with pytest.raises(ErlangError) as e:
        call("maps", "get", A.a, A.notamap)
    assert e.value.reason == (A.badmap, A.notamap)
    with pytest.raises(ErlangError) as e:
        call("maps", "from_list", from_seq([(1, 2, 3)]))
    assert e.value.reason is A.badarg
    assert call("maps", "take", A.a, SMALL)[0] == 1
    assert call("maps", "find", A.zz, SMALL) is A.error
    assert call("maps", "merge", BIG, BIG) is BIG


def test_building_ten_thousand_keys_one_put_at_a_time():
    m = EMPTY_MAP
    put = BIFS[("maps", "put", 3)][0]
    for i in range(10000):
        m = put(i, i, m)
    assert call("erlang", "map_size", m) == 10000
    assert all(m.get(i) == i for i in range(0, 10000, 7))
    m2 = m
    for i in range(0, 10000, 2):
        m2 = call("maps", "remove", i, m2)
    assert len(m2) == 5000 and len(m) == 10000
    assert eq_exact(call("maps", "from_list", from_seq(m2.items())), m2)
    assert call("erlang", "is_map_key", atom("x"), m2) is A.false
