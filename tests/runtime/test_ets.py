"""ETS tables: stores, ordering, ownership, heirs and process exit."""

import random
import shutil
import subprocess
import time
from functools import cmp_to_key

import pytest
from hypothesis import given, settings, strategies as st

from erlpy.code.contract import VM, Trap
from erlpy.terms import (A, NIL, Cons, Pid, Ref, Map, BitString, TRUE, FALSE, from_seq,
                         to_pylist, compare, eq_exact, format_term)
from erlpy.terms.errors import ErlangError
from erlpy.bifs import ets as B
from erlpy.runtime import ets as E
from erlpy.runtime import matchspec as M

NODE = A["nonode@nohost"]


class FakeProc:
    def __init__(self, pid):
        self.pid = pid


class FakeRuntime:
    def __init__(self):
        self.alive = set()

    def process(self, pid):
        return object() if pid in self.alive else None


class World:
    """A fake VM: processes by name, messages sent, the current process."""

    def __init__(self, monkeypatch):
        self.rt = FakeRuntime()
        self.sent = []
        self.pids = {}
        self.n = 0
        counter = [0]

        def make_ref():
            counter[0] += 1
            return Ref(NODE, (counter[0], 0, 0), 0)

        monkeypatch.setattr(VM, "make_ref", make_ref)
        monkeypatch.setattr(VM, "send", lambda dest, msg: self.sent.append((dest, msg)))
        monkeypatch.setattr(VM, "node", NODE)
        monkeypatch.setattr(VM, "runtime", self.rt)
        monkeypatch.setattr(VM, "reds", 4000)
        monkeypatch.setattr(VM, "current", None)
        monkeypatch.setattr(B, "schedulers", lambda: 2)

    def spawn(self, name):
        self.n += 1
        pid = Pid(NODE, 100 + self.n, 0, 0)
        self.pids[name] = pid
        self.rt.alive.add(pid)
        return pid

    def be(self, name):
        VM.current = FakeProc(self.pids[name])

    def kill(self, name):
        pid = self.pids[name]
        self.rt.alive.discard(pid)
        E.process_exited(pid, A.killed)


@pytest.fixture
def world(monkeypatch):
    E.reset()
    w = World(monkeypatch)
    w.spawn("main")
    w.be("main")
    yield w
    E.reset()


def L(*xs):
    return from_seq(list(xs))


def ets(fun, *args):
    from erlpy.bifs.registry import BIFS
    return BIFS[("ets", fun, len(args))][0](*args)


def cause(fn, *args):
    try:
        fn(*args)
    except ErlangError as e:
        assert e.reason is A.badarg
        return None if e.error_info is None else e.error_info.get(A.cause)
    raise AssertionError("no error")


# -- owners, heirs, give_away, process exit --------------------------------------------------

def test_heirs_and_owner_exit(world):
    """The same steps as the erl program below; see test_heirs_agree_with_erl."""
    w = world
    w.spawn("heir")
    w.spawn("owner")
    w.be("owner")
    a = ets("new", A.a, L(A.named_table, (A.heir, w.pids["heir"], A.data1)))
    b = ets("new", A.b, L((A.heir, w.pids["heir"], (A.data, 2))))
    c = ets("new", A.c, L((A.heir, A.none)))
    d = ets("new", A.d, L(A.named_table, (A.heir, w.pids["owner"], A.me)))
    dead = w.spawn("dead")
    w.kill("dead")
    e = ets("new", A.e, L(A.named_table))
    ets("setopts", e, (A.heir, dead, A.x))
    f = ets("new", A.f, NIL)
    ets("give_away", f, w.pids["heir"], A.gift)
    tabs = [a, b, c, d, e, f]
    names = {w.pids["heir"]: A.heir, w.pids["owner"]: A.owner, b: A.tb, c: A.tc, f: A.tf,
             w.pids["main"]: A.main}

    def norm(t):
        if isinstance(t, (Pid, Ref)):
            return names.get(t, A.unknown)
        if type(t) is tuple:
            return tuple(norm(x) for x in t)
        if type(t) is list:
            return from_seq([norm(x) for x in t])
        return t

    w.be("main")
    out = [norm((ets("info", A.e, A.heir), [ets("info", t, A.owner) for t in tabs]))]
    w.kill("owner")
    out.append(norm([m for _d, m in w.sent]))
    out.append(norm([(ets("info", t, A.owner), ets("info", t, A.heir)) for t in tabs]))
    w.kill("heir")
    out.append(norm([ets("info", t, A.owner) for t in tabs]))
    expected = [
        (A.none, L(A.owner, A.owner, A.owner, A.owner, A.owner, A.heir)),
        L((A["ETS-TRANSFER"], A.tf, A.owner, A.gift), (A["ETS-TRANSFER"], A.a, A.owner, A.data1),
          (A["ETS-TRANSFER"], A.tb, A.owner, (A.data, 2))),
        L((A.heir, A.heir), (A.heir, A.heir), (A.undefined, A.undefined),
          (A.undefined, A.undefined), (A.undefined, A.undefined), (A.heir, A.none)),
        L(*[A.undefined] * 6),
    ]
    for got, want in zip(out, expected):
        assert eq_exact(got, want), (format_term(got), format_term(want))
    assert not E.REGISTRY.tables and not E.REGISTRY.owned


HEIR_ERL = r"""
-module(heir).
-export([main/0]).
collect(Acc) -> receive {get, P} -> P ! {msgs, lists:reverse(Acc)}, collect(Acc); M -> collect([M|Acc]) end.
norm(T, Map) when is_pid(T); is_reference(T) -> maps:get(T, Map, unknown);
norm(T, Map) when is_tuple(T) -> list_to_tuple([norm(E, Map) || E <- tuple_to_list(T)]);
norm(L, Map) when is_list(L) -> [norm(E, Map) || E <- L];
norm(T, _) -> T.
main() ->
    Heir = spawn(fun() -> collect([]) end),
    Main = self(),
    Owner = spawn(fun() ->
        A = ets:new(a, [named_table, {heir, Heir, data1}]),
        B = ets:new(b, [{heir, Heir, {data, 2}}]),
        C = ets:new(c, [{heir, none}]),
        D = ets:new(d, [named_table, {heir, self(), me}]),
        Dead = spawn(fun() -> ok end),
        timer:sleep(10),
        E = ets:new(e, [named_table]),
        ets:setopts(E, {heir, Dead, x}),
        F = ets:new(f, []),
        ets:give_away(F, Heir, gift),
        Main ! {tabs, [A, B, C, D, E, F], ets:info(e, heir)},
        receive die -> ok end end),
    receive {tabs, Tabs = [_, B, C, _, _, F], EHeir} -> ok end,
    Map = #{Heir => heir, Owner => owner, B => tb, C => tc, F => tf, Main => main},
    R1 = norm({EHeir, [ets:info(T, owner) || T <- Tabs]}, Map),
    Ref = monitor(process, Owner),
    Owner ! die,
    receive {'DOWN', Ref, _, _, _} -> ok end,
    timer:sleep(50),
    Heir ! {get, self()},
    R2 = receive {msgs, Ms} -> norm(Ms, Map) end,
    R3 = norm([{ets:info(T, owner), ets:info(T, heir)} || T <- Tabs], Map),
    exit(Heir, kill),
    timer:sleep(50),
    R4 = norm([ets:info(T, owner) || T <- Tabs], Map),
    io:format("~w~n", [[R1, R2, R3, R4]]).
"""


@pytest.mark.skipif(not shutil.which("erl"), reason="erl not installed")
def test_heirs_agree_with_erl(tmp_path):
    (tmp_path / "heir.erl").write_text(HEIR_ERL)
    subprocess.run(["erlc", "heir.erl"], cwd=str(tmp_path), check=True)
    out = subprocess.run(["erl", "-noshell", "-eval", "heir:main(), halt()."],
                         cwd=str(tmp_path), check=True, capture_output=True, text=True,
                         timeout=60).stdout.strip()
    assert out == ("[{none,[owner,owner,owner,owner,owner,heir]},"
                   "[{'ETS-TRANSFER',tf,owner,gift},{'ETS-TRANSFER',a,owner,data1},"
                   "{'ETS-TRANSFER',tb,owner,{data,2}}],"
                   "[{heir,heir},{heir,heir},{undefined,undefined},{undefined,undefined},"
                   "{undefined,undefined},{heir,none}],"
                   "[undefined,undefined,undefined,undefined,undefined,undefined]]")


def test_give_away_checks(world):
    w = world
    w.spawn("other")
    t = ets("new", A.t, NIL)
    assert cause(ets, "give_away", t, w.pids["main"], 1) is A.owner
    assert cause(ets, "give_away", t, A.x, 1) is None
    dead = w.spawn("dead")
    w.kill("dead")
    assert cause(ets, "give_away", t, dead, 1) is None
    assert ets("give_away", t, w.pids["other"], A.g) is TRUE
    assert w.sent[-1] == (w.pids["other"], (A["ETS-TRANSFER"], t, w.pids["main"], A.g))
    # protected: the old owner may still read but no longer write
    assert cause(ets, "give_away", t, w.pids["other"], 1) is A.access
    assert ets("lookup", t, 1) is NIL
    assert cause(ets, "insert", t, (1,)) is A.access
    pub = ets("new", A.pub, L(A.public))
    ets("give_away", pub, w.pids["other"], A.g)
    assert cause(ets, "give_away", pub, w.pids["other"], 1) is A.not_owner


def test_access_rights(world):
    w = world
    w.spawn("other")
    prot = ets("new", A.p, NIL)
    priv = ets("new", A.q, L(A.private))
    pub = ets("new", A.r, L(A.public))
    w.be("other")
    assert ets("lookup", prot, 1) is NIL
    assert cause(ets, "insert", prot, (1,)) is A.access
    assert cause(ets, "lookup", priv, 1) is A.access
    assert ets("info", priv, A.size) == 0        # info needs no access
    assert ets("insert", pub, (1,)) is TRUE
    assert ets("delete", pub) is TRUE             # anyone may delete a public table
    assert cause(ets, "delete", prot) is A.access
    assert cause(ets, "setopts", prot, (A.protection, A.public)) is A.access
    # the super user flag (used by ets:info(T, binary)) lifts the checks
    B.ets_super_user_1(TRUE)
    assert ets("lookup", priv, 1) is NIL
    B.ets_super_user_1(FALSE)
    assert cause(ets, "lookup", priv, 1) is A.access


def test_fixations_end_with_the_process(world):
    w = world
    w.spawn("fixer")
    t = ets("new", A.t, L(A.public))
    ets("insert", t, L(*[(i,) for i in range(10)]))
    w.be("fixer")
    ets("safe_fixtable", t, TRUE)
    ets("safe_fixtable", t, TRUE)
    assert ets("info", t, A.fixed) is TRUE
    ets("delete", t, 3)
    ets("next", t, 3)                        # a deleted key still has a successor
    safe = ets("info", t, A.safe_fixed)
    assert to_pylist(safe[1]) == [(w.pids["fixer"], 2)]
    w.be("main")
    w.kill("fixer")
    assert ets("info", t, A.fixed) is FALSE
    assert cause(ets, "next", t, 3) is None


def test_table_identifiers(world):
    t = ets("new", A.t, NIL)
    assert type(t) is Ref
    # a copy made through the external format still names the table
    copy = Ref(t.node, tuple(t.ids), t.creation)
    assert ets("insert", copy, (1,)) is TRUE
    assert eq_exact(ets("lookup", t, 1), L((1,)))
    assert cause(ets, "lookup", VM.make_ref(), 1) is A.type
    assert cause(ets, "lookup", 42, 1) is A.type
    assert cause(ets, "lookup", A.nosuch, 1) is A.id
    ets("delete", t)
    assert cause(ets, "lookup", t, 1) is A.id
    assert cause(ets, "lookup", copy, 1) is A.id
    assert ets("info", t) is A.undefined
    n = ets("new", A.named, L(A.named_table))
    assert n is A.named and ets("whereis", A.named) == E.REGISTRY.named[A.named].tid
    assert cause(ets, "new", A.named, L(A.named_table)) is A.already_exists


def test_ets_all_replies(world):
    a = ets("new", A.a, NIL)
    ets("new", A.b, L(A.named_table))
    ref = ets("internal_request_all")
    msgs = [m for d, m in world.sent if d is world.pids["main"]]
    assert len(msgs) == 2                 # one reply per scheduler
    assert all(m[0] is ref for m in msgs)
    assert eq_exact(msgs[0][1], L(a, A.b)) and msgs[1][1] is NIL


def test_info_binary_traps_to_erlang(world, monkeypatch):
    class Code:
        def export(self, m, f, a):
            return (m, f, a)
    monkeypatch.setattr(VM, "code", Code())
    t = ets("new", A.t, NIL)
    r = ets("info", t, A.binary)
    assert type(r) is Trap and r.export == (A.erts_internal, A.ets_info_binary, 1)
    assert B.ets_lookup_binary_info_2(t, 1) is NIL


def test_info_list_order(world):
    t = ets("new", A.t, L(A.bag, (A.keypos, 2)))
    keys = [k for k, _v in to_pylist(ets("info", t))]
    assert [k.name for k in keys] == list(B._INFO_ORDER)
    assert ets("info", t, A.memory) >= 305
    stats = ets("info", t, A.stats)
    assert stats[0] == 256 and stats[-1] == 1


# -- hash tables ---------------------------------------------------------------------------

def _check_hash_store(store):
    """The index and the chains describe the same records."""
    seen = 0
    for ix, bucket in enumerate(store.buckets):
        for r in bucket:
            assert store._ix(r.hval) == ix
            seen += 1
    assert len(store.buckets) == store.nactive
    n_index = sum(1 if store.is_set else len(g) for g in store.index.values())
    assert n_index == seen
    assert store.nitems == sum(1 for b in store.buckets for r in b if not r.dead)


@pytest.mark.parametrize("kind", ["set", "bag", "duplicate_bag"])
def test_hash_store_against_model(world, kind):
    rnd = random.Random(7)
    t = ets("new", A.t, L(A[kind], A.public))
    store = E.find_table(t).store
    model = {}
    for step in range(6000):
        k = rnd.randrange(400)
        op = rnd.random()
        if op < 0.55:
            obj = (k, rnd.randrange(3))
            ets("insert", t, obj)
            objs = model.setdefault(k, [])
            if kind == "set":
                objs[:] = [obj]
            elif kind == "bag":
                if obj not in objs:
                    objs.append(obj)
            else:
                objs.append(obj)
        elif op < 0.75:
            ets("delete", t, k)
            model.pop(k, None)
        elif op < 0.85:
            obj = (k, rnd.randrange(3))
            ets("delete_object", t, obj)
            if k in model:
                if kind == "duplicate_bag":
                    model[k] = [o for o in model[k] if o != obj]
                elif obj in model[k]:
                    model[k].remove(obj)
                if not model[k]:
                    del model[k]
        else:
            assert to_pylist(ets("lookup", t, k)) == model.get(k, [])
        if step % 500 == 0:
            _check_hash_store(store)
    _check_hash_store(store)
    assert sorted(to_pylist(ets("match_object", t, A["_"]))) == sorted(
        o for objs in model.values() for o in objs)
    assert ets("info", t, A.size) == sum(len(v) for v in model.values())


def test_hash_grows_and_shrinks_like_beam(world):
    t = ets("new", A.t, NIL)
    store = E.find_table(t).store
    ets("insert", t, L(*[(i,) for i in range(1, 10001)]))
    assert store.nactive == 10000 and store.nslots == 256 + 5 * 2048
    for i in range(1, 9990):
        ets("delete", t, i)
    assert store.nactive < 10000
    _check_hash_store(store)
    assert sorted(store.all_objects()) == [(i,) for i in range(9990, 10001)]


def test_pseudo_deleted_objects_while_fixed(world):
    t = ets("new", A.t, L(A.bag))
    store = E.find_table(t).store
    ets("insert", t, L((1, A.a), (1, A.b), (2, A.c)))
    ets("safe_fixtable", t, TRUE)
    ets("delete", t, 1)
    assert [r.dead for r in store.index[1]] == [True]   # first kept as deleted, others gone
    assert ets("lookup", t, 1) is NIL
    assert ets("member", t, 1) is FALSE
    ets("insert", t, (1, A.b))
    assert eq_exact(ets("lookup", t, 1), L((1, A.b)))
    ets("safe_fixtable", t, FALSE)
    _check_hash_store(store)
    assert eq_exact(ets("lookup", t, 1), L((1, A.b)))


def test_delete_all_objects_while_fixed_keeps_layout(world):
    t = ets("new", A.t, NIL)
    store = E.find_table(t).store
    ets("insert", t, L(*[(i,) for i in range(600)]))
    ets("safe_fixtable", t, TRUE)
    assert ets("internal_delete_all", t, A.undefined) == 600
    assert store.nactive == 600 and ets("info", t, A.size) == 0
    ets("safe_fixtable", t, FALSE)
    assert store.index == {} and ets("first", t) is E.EOT
    ets("insert", t, L(*[(i,) for i in range(600)]))
    assert ets("internal_delete_all", t, A.undefined) == 600
    assert store.nactive == 256


# -- ordered sets ------------------------------------------------------------------------------

_atoms = st.sampled_from([A.a, A.b, A["B"], A.zz, A["ä"], A[""]])
_leaves = st.one_of(
    st.integers(-2 ** 70, 2 ** 70), st.floats(allow_nan=False, allow_infinity=False), _atoms,
    st.binary(max_size=3), st.builds(lambda d, n: BitString(bytes([d & (0xFF << (8 - n) & 0xFF)]), n),
                                     st.integers(0, 255), st.integers(1, 7)),
    st.just(NIL), st.builds(lambda n, s: Pid(NODE, n, s, 0), st.integers(0, 5), st.integers(0, 2)),
    st.builds(lambda i: Ref(NODE, (i, 0, 0), 0), st.integers(0, 5)))
_terms = st.recursive(
    _leaves,
    lambda ch: st.one_of(
        st.lists(ch, max_size=3).map(tuple),
        st.lists(ch, max_size=3).map(from_seq),
        st.tuples(st.lists(ch, min_size=1, max_size=2), ch).map(lambda p: from_seq(p[0], p[1])),
        st.lists(st.tuples(ch, ch), max_size=3).map(Map.from_pairs)),
    max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.lists(_terms, min_size=2, max_size=6))
def test_sort_keys_follow_term_order(terms):
    for a in terms:
        for b in terms:
            c = compare(a, b)
            ka, kb = E.sort_key(a), E.sort_key(b)
            assert (ka < kb) == (c < 0) and (ka == kb) == (c == 0), (
                format_term(a), format_term(b))


def test_ordered_set_order_and_navigation(world):
    o = ets("new", A.o, L(A.ordered_set))
    keys = [3, 1.0, A.a, from_seq([115]), b"b", (1, 2), NIL, Cons(A.a, A.b), 2.5, -1,
            (A.a,), 1 << 70, BitString(b"\x20", 3), (), 2]
    ets("insert", o, from_seq([(k,) for k in keys]))
    want = sorted(keys, key=cmp_to_key(compare))
    got = [t[0] for t in to_pylist(ets("match_object", o, A["_"]))]
    assert all(eq_exact(x, y) for x, y in zip(got, want))
    assert ets("next", o, 1.5) == 2 and ets("prev", o, 1.5) == 1.0
    assert ets("next", o, 1) == 2          # 1 == 1.0: the same key
    assert ets("prev", o, -1) is E.EOT and ets("next", o, BitString(b"\x20", 3)) == b"b"
    assert cause(ets, "next", o, E.EOT) is None
    assert eq_exact(ets("slot", o, 0), L((-1,)))
    assert ets("slot", o, len(keys)) is E.EOT
    assert cause(ets, "slot", o, len(keys) + 1) is None


def test_partly_bound_ranges_match_brute_force(world):
    rnd = random.Random(3)
    o = ets("new", A.o, L(A.ordered_set))
    objs = [((rnd.choice([A.a, A.b, A.c]), rnd.randrange(6), rnd.randrange(3)), rnd.randrange(9))
            for _ in range(400)]
    ets("insert", o, from_seq(objs))
    patterns = [
        ((A.b, A["_"], A["_"]), A["$1"]), ((A.a, 3, A["$2"]), A["_"]), ((A["$1"], 2, 1), A["_"]),
        ((A.c, A["_"], 2), A["_"]), (A["_"], 4), ((A.z, A["_"], A["_"]), A["_"]),
    ]
    tab = E.find_table(o)
    for pat in patterns:
        for multi in (False, True):
            clauses = [(pat, NIL, L(A["$_"]))]
            if multi:
                clauses.append((((A.a, 1, A["_"]), A["_"]), NIL, L(A["$_"])))
            cms = M.compile_clauses(clauses)
            brute = [ob for ob in tab.store.all_objects() if cms.run(ob) is not M.NOMATCH]
            got = to_pylist(E.select(tab, o, cms))
            assert len(got) == len(brute) and all(eq_exact(x, y) for x, y in zip(got, brute))
            rev = to_pylist(E.select(tab, o, cms, 0, True))
            assert all(eq_exact(x, y) for x, y in zip(rev, reversed(brute)))
            for chunk in (1, 3, 50):
                res = E.select(tab, o, cms, chunk)
                out = []
                while res is not E.EOT:
                    out.extend(to_pylist(res[0]))
                    if res[1] is E.EOT:
                        break
                    res = E.select_continue(tab, res[1])
                assert len(out) == len(brute) and all(eq_exact(x, y) for x, y in zip(out, brute))
            counting = [(h, g, L(TRUE)) for h, g, _b in clauses]
            assert E.select_count(tab, M.compile_clauses(counting)) == len(brute)


def test_ordered_set_is_fast_for_many_rows(world):
    o = ets("new", A.o, L(A.ordered_set))
    keys = list(range(100000))
    random.Random(1).shuffle(keys)
    t0 = time.time()
    for k in keys:
        ets("insert", o, (k, k))
    elapsed = time.time() - t0
    assert elapsed < 10, elapsed
    store = E.find_table(o).store
    assert store.n == 100000
    assert ets("first", o) == 0 and ets("last", o) == 99999 and ets("next", o, 500) == 501
    assert eq_exact(ets("slot", o, 77777), L((77777, 77777)))


def test_select_on_5000_rows_uses_the_compiled_spec(world):
    # speed is measured by ../shared/bench (ets_select), never asserted in tests
    t = ets("new", A.t, NIL)
    ets("insert", t, from_seq([(i, i % 10, A.x) for i in range(5000)]))
    ms = L(((A["$1"], A["$2"], A["_"]), L((A[">"], A["$2"], 4)), L(A["$1"])))
    r = ets("select", t, ms)
    assert sorted(to_pylist(r)) == [i for i in range(5000) if i % 10 > 4]
    assert B._compile(ms) is B._compile(ms)


def test_compiled_specs_are_cached(world):
    ms = L(((A["$1"],), NIL, L(A["$1"])))
    c1 = B._compile(ms)
    c2 = B._compile(L(((A["$1"],), NIL, L(A["$1"]))))
    assert c1 is c2
    assert B._compile(L(((A["$1"],), NIL, L(1.0)))) is not B._compile(
        L(((A["$1"],), NIL, L(1))))


def test_match_spec_refs(world):
    ms = L(((A["$1"],), NIL, L(A["$1"])))
    r = ets("match_spec_compile", ms)
    assert ets("is_compiled_ms", r) is TRUE
    assert ets("is_compiled_ms", VM.make_ref()) is FALSE
    copy = Ref(r.node, tuple(r.ids), r.creation)
    assert ets("is_compiled_ms", copy) is TRUE
    assert eq_exact(ets("match_spec_run_r", L((1,), 2, (3,)), r, NIL), L(3, 1))


def test_keeps_key_rules():
    kk = E.keeps_key
    h = (A["$1"], A["$2"])
    assert kk(0, [(h, NIL, L(A["$_"]))])
    assert kk(0, [(h, NIL, L(((A["$1"], 5),)))])
    assert not kk(0, [(h, NIL, L(((A["$2"], 5),)))])
    assert kk(0, [(h, NIL, L(((((A.element, 1, A["$_"]), A["$2"])),)))])
    assert kk(0, [((A.k, A["_"]), NIL, L((A.const, (A.k, 1))))])
    assert not kk(0, [((A["$1"], A["_"]), NIL, L((A.const, (A["$1"], 1))))])
    assert not kk(0, [(h, NIL, L(A["$_"], A["$_"]))])
    assert not kk(1, [(h, NIL, L(((A["$1"], (A["+"], A["$2"], 0)),)))])
