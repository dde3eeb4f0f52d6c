"""The ETS BIFs (the `erlang:nif_error` stubs of OTP 25's ets.erl), the
match-spec BIFs, and the erts_internal helpers behind ets:info(T, binary).

ets:all/0, tab2list/1, foldl/3, match_delete/2, delete_all_objects/1,
select_delete/2, match_spec_run/2, test_ms/2... stay Erlang code in ets.erl
and call these. Table semantics live in runtime/ets.py, match specs in
runtime/matchspec.py.
"""

import math
import struct

from ..terms import (A, Atom, NIL, Cons, Pid, TRUE, FALSE, badarg, hkey, to_pylist,
                     NotAList, from_seq, estr)
from ..terms.errors import ErlangError
from ..code.contract import VM, Trap
from ..runtime import ets as E
from ..runtime import matchspec as M
from .registry import bif, BIFS

__all__ = ["schedulers"]

_UNDEFINED = A.undefined
_DOLLAR_DOLLAR = A["$$"]
_DOLLAR_UNDERSCORE = A["$_"]
EOT = E.EOT
_F32 = struct.Struct("<f")


def _pylist(lst):
    try:
        return to_pylist(lst)
    except NotAList:
        raise badarg()


def _is_local_pid(p):
    return type(p) is Pid and (VM.node is None or p.node is VM.node)


def schedulers():
    """The scheduler count Erlang code sees (erlang:system_info(schedulers));
    1 when that BIF is not there. With one scheduler BEAM ignores
    write_concurrency, and ets:all/0 waits for one reply per scheduler."""
    entry = BIFS.get(("erlang", "system_info", 1))
    if entry is not None:
        try:
            n = entry[0](A.schedulers)
        except ErlangError:
            n = None
        if type(n) is int and n > 0:
            return n
    return 1


# -- match spec compilation (cached: specs are usually literals) ------------------------

_CACHE_MAX = 512
_ms_cache = {}


def _compile(ms):
    """The compiled (table dialect) spec for a term, or badarg. [] is a
    spec matching nothing here, as select/2 takes it."""
    try:
        key = hkey(ms)
    except RecursionError:
        key = None
    if key is not None:
        cms = _ms_cache.get(key)
        if cms is not None:
            return cms
    cms = M.compile_clauses([], source=ms) if ms is NIL else M.compile_ms(ms)
    if cms is None:
        raise badarg()
    if key is not None:
        if len(_ms_cache) >= _CACHE_MAX:
            _ms_cache.pop(next(iter(_ms_cache)))
        _ms_cache[key] = cms
    return cms


def _pattern_ms(pattern, result):
    """[{Pattern, [], [Result]}] as match/2 and match_object/2 build it."""
    return _compile(Cons((pattern, NIL, Cons(result, NIL)), NIL))


def _bump(n):
    """Charge the running process for work proportional to n objects (BEAM
    counts about one reduction per object examined by select and friends)."""
    reds = VM.reds
    if n > 1 and type(reds) is int:
        VM.reds = max(1, reds - n)


def _chunk(n):
    if type(n) is not int or n <= 0 or n >= (1 << 59):
        raise badarg()
    return n


# -- ets:new and table administration ----------------------------------------------------

_TYPE_ATOMS = {A.bag: E.BAG, A.duplicate_bag: E.DUPLICATE_BAG, A.ordered_set: E.ORDERED_SET}
_PROT = {A.public: E.PUBLIC, A.private: E.PRIVATE}


@bif("ets", "new", 2)
def new_2(name, options):
    if type(name) is not Atom:
        raise badarg()
    if options is not NIL and type(options) is not Cons:
        raise badarg()
    kind = E.SET
    protection = E.PROTECTED
    keypos = 1
    named = False
    fine = False
    freq_read = False
    decentralized = False
    dc_option = None
    heir = A.none
    heir_data = _UNDEFINED
    compressed = False
    nlocks = -1
    explicit = False
    auto = False
    lst = options
    while type(lst) is Cons:
        o = lst.hd
        t = _TYPE_ATOMS.get(o) if type(o) is Atom else None
        if t is not None:
            kind = t
            if t is E.ORDERED_SET:
                decentralized = True
        elif o is A.set or o is A.protected:
            pass        # as in BEAM: 'set' does not undo an earlier type
        elif o in _PROT:
            protection = _PROT[o]
        elif o is A.named_table:
            named = True
        elif o is A.compressed:
            compressed = True
        elif type(o) is tuple and len(o) == 2:
            k, v = o
            if k is A.keypos and type(v) is int and 0 < v < (1 << 59):
                keypos = v
            elif k is A.write_concurrency:
                if v is A.auto:
                    decentralized = fine = auto = True
                    explicit = False
                    nlocks = -1
                elif v is TRUE:
                    if kind is not E.ORDERED_SET:
                        decentralized = False
                    fine = True
                    explicit = auto = False
                    nlocks = -1
                elif v is FALSE:
                    fine = explicit = auto = False
                    nlocks = -1
                elif (type(v) is tuple and len(v) == 2 and v[0] is A.debug_hash_fixed_number_of_locks
                      and type(v[1]) is int and 1 <= v[1] <= 32768):
                    decentralized = fine = explicit = True
                    auto = False
                    nlocks = v[1]
                else:
                    break
                if schedulers() == 1:
                    fine = False
            elif k is A.read_concurrency:
                if v is TRUE:
                    freq_read = True
                elif v is FALSE:
                    freq_read = False
                else:
                    break
            elif k is A.heir and v is A.none:
                heir = A.none
                heir_data = _UNDEFINED
            elif k is A.decentralized_counters:
                if v is TRUE:
                    dc_option = True
                elif v is FALSE:
                    dc_option = False
                else:
                    break
            else:
                break
        elif type(o) is tuple and len(o) == 3 and o[0] is A.heir and _is_local_pid(o[1]):
            heir = o[1]
            heir_data = o[2]
        else:
            break
        lst = lst.tl
    if lst is not NIL:
        raise badarg()
    if dc_option is not None:
        decentralized = dc_option
    private = protection is E.PRIVATE
    if kind is E.ORDERED_SET and explicit:
        raise badarg()
    fine_locked = fine and not private
    write_conc = TRUE if fine_locked else FALSE
    if fine_locked and auto:
        write_conc = A.auto
    if kind is E.ORDERED_SET or not fine_locked:
        locks = 1
    else:
        locks = 64
        if explicit:
            locks = max(64, 1 << (nlocks.bit_length() - 1))
            write_conc = (A.debug_hash_fixed_number_of_locks, locks)
    return E.new_table(name, kind, keypos, protection, named, heir, heir_data,
                       freq_read and not private, write_conc, compressed,
                       fine_locked and decentralized, locks)


@bif("ets", "delete", 1)
def delete_1(tid):
    tab = E.table_for(tid, E.WRITE)
    E.delete_table(tab)
    return TRUE


@bif("ets", "whereis", 1)
def whereis_1(name):
    if type(name) is not Atom:
        raise badarg()
    tab = E.REGISTRY.named.get(name)
    return _UNDEFINED if tab is None else tab.tid


@bif("ets", "internal_request_all", 0)
def internal_request_all_0():
    """ets:all/0 waits for one {Ref, Tables} reply per scheduler."""
    ref = VM.make_ref()
    me = VM.current.pid
    VM.send(me, (ref, from_seq(E.all_tables())))
    for _ in range(schedulers() - 1):
        VM.send(me, (ref, NIL))
    return ref


@bif("ets", "give_away", 3)
def give_away_3(tid, pid, data):
    rt = VM.runtime
    alive = _is_local_pid(pid) and (rt is None or rt.process(pid) is not None)
    tab = E.table_for(tid, E.WRITE)
    if not alive:
        raise badarg()
    E.give_away(tab, pid, data)
    return TRUE


@bif("ets", "setopts", 2)
def setopts_2(tid, opts):
    tab = E.table_for(tid, E.WRITE)
    items = [opts] if type(opts) is tuple else _pylist(opts)
    heir = None
    heir_data = None
    protection = None
    for o in items:
        if type(o) is not tuple or len(o) < 2:
            raise badarg()
        if o[0] is A.heir:
            if heir is not None:
                raise badarg()
            if len(o) == 2 and o[1] is A.none:
                heir, heir_data = A.none, _UNDEFINED
            elif len(o) == 3 and _is_local_pid(o[1]):
                heir, heir_data = o[1], o[2]
            else:
                raise badarg()
        elif o[0] is A.protection:
            if len(o) != 2 or protection is not None:
                raise badarg()
            protection = {A.private: E.PRIVATE, A.protected: E.PROTECTED,
                          A.public: E.PUBLIC}.get(o[1])
            if protection is None:
                raise badarg()
        else:
            raise badarg()
    E.setopts(tab, heir, heir_data, protection)
    return TRUE


@bif("ets", "rename", 2)
def rename_2(tid, name):
    tab = E.table_for(tid, E.WRITE)
    if type(name) is not Atom:
        raise badarg()
    E.rename(tab, name)
    return name if tab.named else tid


@bif("ets", "safe_fixtable", 2)
def safe_fixtable_2(tid, flag):
    tab = E.table_for(tid, E.READ)
    if flag is TRUE:
        tab.fix(VM.current.pid)
    elif flag is FALSE:
        tab.unfix(VM.current.pid)
    else:
        raise badarg()
    return TRUE


# -- info ----------------------------------------------------------------------------------

_INFO_ORDER = ("id", "decentralized_counters", "read_concurrency", "write_concurrency",
               "compressed", "memory", "owner", "heir", "name", "size", "node", "named_table",
               "type", "keypos", "protection")


def _bool(b):
    return TRUE if b else FALSE


def _info_item(tab, item):
    """One ets:info/2 item, or None when it is not an item."""
    n = item.name
    if n == "size":
        return tab.store.size()
    if n == "type":
        return tab.kind
    if n == "memory":
        return tab.memory()
    if n == "owner":
        return tab.owner
    if n == "heir":
        return tab.heir
    if n == "protection":
        return tab.protection
    if n == "write_concurrency":
        return tab.write_conc
    if n == "read_concurrency":
        return _bool(tab.read_conc)
    if n == "name":
        return tab.name
    if n == "keypos":
        return tab.keypos
    if n == "node":
        return VM.node if VM.node is not None else A["nonode@nohost"]
    if n == "named_table":
        return _bool(tab.named)
    if n == "compressed":
        return _bool(tab.compressed)
    if n == "id":
        return tab.tid
    if n == "decentralized_counters":
        return _bool(tab.decentralized)
    if n == "fixed":
        return _bool(tab.store.fixed > 0)
    if n == "safe_fixed" or n == "safe_fixed_monotonic_time":
        if not tab.fixers:
            return FALSE
        mono, stamp = tab.fix_time
        procs = NIL
        for pid, count in sorted(tab.fixers.items(), key=lambda pc: E.sort_key(pc[0])):
            procs = Cons((pid, count), procs)
        return (mono if n == "safe_fixed_monotonic_time" else stamp, procs)
    if n == "stats":
        return _stats(tab)
    if n == "data":
        return TRUE
    return None


def _f32(x):
    """x rounded to a C float (single precision)."""
    return _F32.unpack(_F32.pack(x))[0]


def _stats(tab):
    """ets:info(T, stats): BEAM's chain statistics, computed in C floats."""
    store = tab.store
    if store.ordered:
        return FALSE
    lens = [len(store.buckets[ix]) for ix in store.slot_order(0)]
    kept = sum(1 for b in store.buckets for r in b if r.dead)
    n = store.nactive
    total = sum(lens)
    sq = sum(x * x for x in lens)
    avg = _f32(_f32(total) / _f32(n))
    var = _f32(_f32(_f32(sq) - _f32(avg * _f32(total))) / _f32(n))
    std = _f32(math.sqrt(var)) if var > 0 else 0.0
    expected = _f32(math.sqrt(avg * (1 - 1.0 / n)))
    return (n, avg, std, expected, min(lens), max(lens), kept, store.nlocks)


def _info_table(tid):
    """The table for ets:info, or None when it no longer exists."""
    try:
        return E.find_table(tid)
    except ErlangError as e:
        if e.error_info is not None and e.error_info.get(A.cause) is A.id:
            return None
        raise


@bif("ets", "info", 1)
def info_1(tid):
    tab = _info_table(tid)
    if tab is None:
        return _UNDEFINED
    return from_seq([(A[k], _info_item(tab, A[k])) for k in _INFO_ORDER])


@bif("ets", "info", 2, traps=True)
def info_2(tid, item):
    if item is A.binary:
        return Trap(VM.code.export(A.erts_internal, A.ets_info_binary, 1), [tid])
    tab = _info_table(tid)
    if tab is None:
        return _UNDEFINED
    v = _info_item(tab, item) if type(item) is Atom else None
    if v is None:
        raise badarg()
    return v


@bif("erts_internal", "ets_super_user", 1)
def ets_super_user_1(flag):
    pid = VM.current.pid
    if flag is TRUE:
        E.REGISTRY.super_users.add(pid)
    elif flag is FALSE:
        E.REGISTRY.super_users.discard(pid)
    else:
        raise badarg()
    return A.ok


@bif("erts_internal", "ets_raw_first", 1)
def ets_raw_first_1(tid):
    return E.table_for(tid, E.READ).store.first()


@bif("erts_internal", "ets_raw_next", 2)
def ets_raw_next_2(tid, key):
    try:
        return E.table_for(tid, E.READ).store.next(key)
    except E.BadKey:
        raise badarg()


@bif("erts_internal", "ets_lookup_binary_info", 2)
def ets_lookup_binary_info_2(tid, key):
    """Reference-counted binaries held by the objects: erlpy has none (its
    binaries are plain values), so the list is always empty."""
    E.table_for(tid, E.READ)
    return NIL


# -- reading -----------------------------------------------------------------------------

@bif("ets", "lookup", 2)
def lookup_2(tid, key):
    return from_seq(E.table_for(tid, E.READ).store.lookup(key))


@bif("ets", "member", 2)
def member_2(tid, key):
    return TRUE if E.table_for(tid, E.READ).store.member(key) else FALSE


@bif("ets", "lookup_element", 3)
def lookup_element_3(tid, key, pos):
    tab = E.table_for(tid, E.READ)
    if type(pos) is not int or pos < 1:
        raise badarg()
    objs = tab.store.lookup(key)
    if not objs:
        raise E.ets_error(A.badkey)
    for o in objs:
        if pos > len(o):
            raise badarg()
    if tab.kind is E.SET or tab.kind is E.ORDERED_SET:
        return objs[0][pos - 1]
    return from_seq([o[pos - 1] for o in objs])


@bif("ets", "first", 1)
def first_1(tid):
    return E.table_for(tid, E.READ).store.first()


@bif("ets", "last", 1)
def last_1(tid):
    return E.table_for(tid, E.READ).store.last()


def _step(tid, key, forward):
    store = E.table_for(tid, E.READ).store
    if store.ordered and key is EOT:
        raise badarg()
    try:
        return store.next(key) if forward else store.prev(key)
    except E.BadKey:
        raise badarg()


@bif("ets", "next", 2)
def next_2(tid, key):
    return _step(tid, key, True)


@bif("ets", "prev", 2)
def prev_2(tid, key):
    return _step(tid, key, False)


@bif("ets", "slot", 2)
def slot_2(tid, i):
    store = E.table_for(tid, E.READ).store
    if type(i) is not int or i < 0 or i >= (1 << 59):
        raise badarg()
    try:
        return store.slot(i)
    except E.BadParam:
        raise badarg()


# -- writing -------------------------------------------------------------------------------

def _objects(tab, objs):
    """The objects of an insert/insert_new list as a Python list, or None if
    one is not a tuple with the key position (or the list is improper)."""
    kp = tab.keypos
    out = []
    while type(objs) is Cons:
        o = objs.hd
        if type(o) is not tuple or len(o) < kp:
            return None
        out.append(o)
        objs = objs.tl
    return out if objs is NIL else None


_ITERATIONS_PER_RED = 8     # objects BEAM inserts per reduction


def _insert(tid, objs, new):
    if objs is NIL:
        E.table_for(tid, E.WRITE)
        return TRUE
    if type(objs) is Cons and objs.tl is not NIL:
        tab = E.find_table(tid)
        items = _objects(tab, objs)
        E.table_for(tid, E.WRITE)
        if items is None:
            raise badarg()
    else:
        tab = E.table_for(tid, E.WRITE)
        obj = objs.hd if type(objs) is Cons else objs
        if type(obj) is not tuple or len(obj) < tab.keypos:
            raise badarg()
        items = [obj]
    store = tab.store
    if new:
        if len(items) == 1:
            return TRUE if store.put(items[0], True) else FALSE
        ki = tab.keypos - 1
        for o in items:
            if store.member(o[ki]):
                return FALSE
    put = store.put
    if len(items) > 1 and (tab.kind is E.BAG or len(items) > _ITERATIONS_PER_RED * VM.reds):
        # BEAM inserts a list from its own copy, built back to front, when it
        # may have to yield: always for bags, else when the list is longer
        # than its reductions left allow. The last object then goes in first.
        items.reverse()
    _bump(len(items))
    for o in items:
        put(o)
    return TRUE


@bif("ets", "insert", 2)
def insert_2(tid, objs):
    return _insert(tid, objs, False)


@bif("ets", "insert_new", 2)
def insert_new_2(tid, objs):
    return _insert(tid, objs, True)


@bif("ets", "delete", 2)
def delete_2(tid, key):
    E.table_for(tid, E.WRITE).store.erase(key)
    return TRUE


@bif("ets", "delete_object", 2)
def delete_object_2(tid, obj):
    tab = E.table_for(tid, E.WRITE)
    if type(obj) is not tuple or len(obj) < tab.keypos:
        raise badarg()
    tab.store.erase_object(obj)
    return TRUE


@bif("ets", "take", 2)
def take_2(tid, key):
    return from_seq(E.table_for(tid, E.WRITE).store.take(key))


@bif("ets", "internal_delete_all", 2)
def internal_delete_all_2(tid, nitems):
    tab = E.table_for(tid, E.WRITE)
    if nitems is not _UNDEFINED:
        return nitems       # BEAM's "resumed after trapping" form
    return tab.store.delete_all()


class _Handle:
    """The object update_counter/update_element work on: found in the table,
    or update_counter/4's default just inserted (taken out if the update fails)."""

    __slots__ = ("tab", "obj", "where", "default", "grew")

    def __init__(self, tab, key, default):
        self.tab = tab
        self.default = False
        self.grew = False
        store = tab.store
        if store.ordered:
            self.where = store.find(key)
        else:
            self.where = store.set_rec(key)
        if self.where is None:
            if default is None:
                return
            kp = tab.keypos
            obj = default[:kp - 1] + (key,) + default[kp:]
            self.default = True
            if store.ordered:
                store.put(obj)
                self.where = store.find(key)
            else:
                self.where, self.grew = store.insert_default(obj)
        self.obj = (store.objs[self.where[0]][self.where[1]] if store.ordered
                    else self.where.obj)

    def finish(self, obj, ok):
        store = self.tab.store
        if ok and obj is not None:
            if store.ordered:
                store.replace_at(self.where, obj)
            else:
                store.replace_rec(self.where, obj)
        if self.default:
            if store.ordered:
                if not ok:
                    store.erase(self.obj[self.tab.keypos - 1])
            else:
                store.finish_default(self.where, self.grew, ok)


def _counter_ops(tab, incr):
    if type(incr) is int:
        return [(tab.keypos + 1, incr)], False
    if type(incr) is tuple:
        return [incr], False
    return incr, True


@bif("ets", "update_counter", 3)
def update_counter_3(tid, key, incr):
    return _update_counter(E.table_for(tid, E.WRITE), key, incr, None)


@bif("ets", "update_counter", 4)
def update_counter_4(tid, key, incr, default):
    tab = E.table_for(tid, E.WRITE)
    if type(default) is not tuple:
        raise badarg()
    return _update_counter(tab, key, incr, default)


def _update_counter(tab, key, incr, default):
    if tab.kind is not E.SET and tab.kind is not E.ORDERED_SET:
        raise E.ets_error(A.table_type)
    ops, as_list = _counter_ops(tab, incr)
    if default is not None and len(default) < tab.keypos:
        raise badarg()
    h = _Handle(tab, key, default)
    if h.where is None:
        raise E.ets_error(A.badkey)
    obj = h.obj
    try:
        checked = _check_counter_ops(tab, obj, ops)
    except ErlangError:
        h.finish(None, False)
        raise
    vals = list(obj)
    results = []
    for pos, inc, thr, warp in checked:
        new = vals[pos - 1] + inc
        if thr is not None and ((new < thr) if inc < 0 else (new > thr)):
            new = warp
        vals[pos - 1] = new
        results.append(new)
        if not as_list:
            break
    h.finish(tuple(vals) if results else None, True)
    if as_list:
        return from_seq(results)
    return results[0]


def _check_counter_ops(tab, obj, ops):
    """[(pos, incr, threshold or None, warp)] from the update ops, or badarg
    (with cause keypos/position where BEAM gives one)."""
    out = []
    lst = ops
    if type(ops) is list:
        items = ops
    else:
        items = []
        while type(lst) is Cons:
            items.append(lst.hd)
            lst = lst.tl
        if lst is not NIL:
            raise badarg()
    for op in items:
        if type(op) is not tuple or len(op) not in (2, 4):
            raise badarg()
        thr = warp = None
        if len(op) == 4:
            thr, warp = op[2], op[3]
            if type(thr) is not int or type(warp) is not int:
                raise badarg()
        pos, inc = op[0], op[1]
        if type(pos) is not int or type(inc) is not int or not -(1 << 59) <= pos < (1 << 59):
            raise badarg()
        if pos == tab.keypos:
            raise E.ets_error(A.keypos)
        if pos < 1 or pos > len(obj):
            raise E.ets_error(A.position)
        if type(obj[pos - 1]) is not int:
            raise badarg()
        out.append((pos, inc, thr, warp))
    return out


@bif("ets", "update_element", 3)
def update_element_3(tid, key, spec):
    tab = E.table_for(tid, E.WRITE)
    if tab.kind is not E.SET and tab.kind is not E.ORDERED_SET:
        raise badarg()
    h = _Handle(tab, key, None)
    if h.where is None:
        return FALSE
    obj = h.obj
    items = [spec] if type(spec) is tuple else None
    if items is None:
        items = []
        lst = spec
        while type(lst) is Cons:
            items.append(lst.hd)
            lst = lst.tl
        if lst is not NIL:
            raise badarg()
    for pv in items:
        if type(pv) is not tuple or len(pv) != 2 or type(pv[0]) is not int:
            raise badarg()
        pos = pv[0]
        if pos == tab.keypos:
            raise E.ets_error(A.keypos)
        if pos < 1 or pos > len(obj):
            raise badarg()
    if items:
        vals = list(obj)
        for pos, value in items:
            vals[pos - 1] = value
        h.finish(tuple(vals), True)
    return TRUE


# -- match and select ----------------------------------------------------------------------

def _select(tid, ms_term, chunk=0, reverse=False, cms=None):
    tab = E.table_for(tid, E.READ)
    if chunk:
        chunk = _chunk(chunk)
    if cms is None:
        cms = _compile(ms_term)
    _bump(min(tab.store.size(), chunk or 1000))
    return E.select(tab, tid, cms, chunk, reverse)


def _select1(cont):
    if type(cont) is not tuple:
        if cont is EOT:
            return EOT
        raise badarg()
    if len(cont) < 1:
        raise badarg()
    tab = E.table_for(cont[0], E.READ)
    _bump(min(tab.store.size(), 1000))
    try:
        return E.select_continue(tab, cont)
    except E.BadParam:
        raise badarg()


@bif("ets", "select", 1)
def select_1(cont):
    return _select1(cont)


@bif("ets", "select_reverse", 1)
def select_reverse_1(cont):
    return _select1(cont)


@bif("ets", "match", 1)
def match_1(cont):
    return _select1(cont)


@bif("ets", "match_object", 1)
def match_object_1(cont):
    return _select1(cont)


@bif("ets", "select", 2)
def select_2(tid, ms_term):
    return _select(tid, ms_term)


@bif("ets", "select", 3)
def select_3(tid, ms_term, chunk):
    E.table_for(tid, E.READ)
    return _select(tid, ms_term, _chunk(chunk))


@bif("ets", "select_reverse", 2)
def select_reverse_2(tid, ms_term):
    return _select(tid, ms_term, 0, True)


@bif("ets", "select_reverse", 3)
def select_reverse_3(tid, ms_term, chunk):
    E.table_for(tid, E.READ)
    return _select(tid, ms_term, _chunk(chunk), True)


@bif("ets", "match", 2)
def match_2(tid, pattern):
    E.table_for(tid, E.READ)
    return _select(tid, None, cms=_pattern_ms(pattern, _DOLLAR_DOLLAR))


@bif("ets", "match", 3)
def match_3(tid, pattern, chunk):
    E.table_for(tid, E.READ)
    n = _chunk(chunk)
    return _select(tid, None, n, cms=_pattern_ms(pattern, _DOLLAR_DOLLAR))


@bif("ets", "match_object", 2)
def match_object_2(tid, pattern):
    E.table_for(tid, E.READ)
    return _select(tid, None, cms=_pattern_ms(pattern, _DOLLAR_UNDERSCORE))


@bif("ets", "match_object", 3)
def match_object_3(tid, pattern, chunk):
    E.table_for(tid, E.READ)
    n = _chunk(chunk)
    return _select(tid, None, n, cms=_pattern_ms(pattern, _DOLLAR_UNDERSCORE))


@bif("ets", "select_count", 2)
def select_count_2(tid, ms_term):
    tab = E.table_for(tid, E.READ)
    cms = _compile(ms_term)
    _bump(tab.store.size())
    return E.select_count(tab, cms)


@bif("ets", "internal_select_delete", 2)
def internal_select_delete_2(tid, ms_term):
    tab = E.table_for(tid, E.WRITE)
    cms = _compile(ms_term)
    _bump(tab.store.size())
    return E.select_delete(tab, cms)


@bif("ets", "select_replace", 2)
def select_replace_2(tid, ms_term):
    tab = E.table_for(tid, E.WRITE)
    if tab.kind is E.BAG:
        raise E.ets_error(A.table_type)
    cms = _compile(ms_term)
    if not E.keeps_key(tab.keypos - 1, cms.clauses):
        raise badarg()
    _bump(tab.store.size())
    return E.select_replace(tab, cms)


# -- compiled match specs ----------------------------------------------------------------------

@bif("ets", "match_spec_compile", 1)
def match_spec_compile_1(ms_term):
    if ms_term is NIL:
        raise badarg()
    return E.compiled_ms_ref(_compile(ms_term))


@bif("ets", "is_compiled_ms", 1)
def is_compiled_ms_1(t):
    return TRUE if E.compiled_ms_of(t) is not None else FALSE


@bif("ets", "match_spec_run_r", 3)
def match_spec_run_r_3(lst, compiled, acc):
    if lst is not NIL and type(lst) is not Cons:
        raise badarg()
    cms = E.compiled_ms_of(compiled)
    if cms is None:
        raise badarg()
    run = cms.run
    nomatch = M.NOMATCH
    while type(lst) is Cons:
        r = run(lst.hd)
        if r is not nomatch:
            acc = Cons(r, acc)
        lst = lst.tl
    if lst is not NIL:
        raise badarg()
    return acc


def _error_list(errors):
    return from_seq([(sev, estr(text)) for sev, text in errors])


@bif("erlang", "match_spec_test", 3)
def match_spec_test_3(term, ms_term, kind):
    """{ok, Result, Flags, Warnings} or {error, Errors}."""
    if kind is A.table:
        cms, errors = M.lint(ms_term, M.TABLE)
        if cms is None:
            return (A.error, _error_list(errors))
        r = cms.run(term)
        return (A.ok, FALSE if r is M.NOMATCH else r, NIL, _error_list(errors))
    if kind is A.trace:
        if term is not NIL and type(term) is not Cons:
            raise badarg()
        args = tuple(_pylist(term))
        cms, errors = M.lint(ms_term, M.TRACE)
        if cms is None:
            return (A.error, _error_list(errors))
        ctx = M.TraceContext()
        r, flags = cms.run_trace(args, ctx)
        flag_list = NIL
        if flags & M.EXCEPTION_TRACE:
            flag_list = Cons(A.exception_trace, flag_list)
        if flags & M.RETURN_TRACE:
            flag_list = Cons(A.return_trace, flag_list)
        return (A.ok, r, flag_list, _error_list(errors))
    raise badarg()

