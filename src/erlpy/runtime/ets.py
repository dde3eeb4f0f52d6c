"""ETS tables, laid out as OTP 25 lays them out so that iteration orders match.

RUNTIME HOOK: when a process terminates the runtime must call
`process_exited(pid, reason=None)` (it fits `Runtime.exit_hooks`:
`runtime.exit_hooks.append(ets.process_exited)`). It gives the process's
tables to their heirs (sending {'ETS-TRANSFER', Tab, FromPid, HeirData}) or
deletes them, and drops the process's safe_fixtable fixations. It must run
while the dying process is no longer alive as seen by `VM.runtime.process`
(so an heir that is the dying process itself does not count).

Tables:
- set, bag, duplicate_bag: BEAM's linear hash table (erl_db_hash.c): 256
  buckets, split one at a time when items exceed buckets, joined back when
  they fall under the shrink limit; chains keep BEAM's order, hash values
  are BEAM's (`terms.hashing`). first/next walk buckets upwards (striding
  by the lock count for write_concurrency tables) and select/match collect
  by consing, so results come out in the same orders as in OTP whenever
  the keys hash the same (integers, floats, binaries, strings, top-level
  atoms, tuples of those). A dict from hkey(Key) gives O(1) lookups.
- ordered_set: a sorted list of lists of Python sort keys built so that
  Python's tuple comparison is Erlang term order with == for numbers.

Table identifiers are references carrying their table (`magic_ref`), so a
lookup by identifier is an attribute read; compiled match specs use the
same kind of reference. The registry (`REGISTRY`) is module-level; tests
call `reset()`.

Where BEAM's layout cannot be reproduced: keys holding atoms inside
compound terms, pids, ports or funs hash differently (BEAM mixes in atom
indexes and addresses), so such keys iterate in another, still stable,
order. info(T, memory) is an estimate in BEAM's units.
"""

import time
import weakref
from bisect import bisect_left

from ..terms import (A, Atom, NIL, Nil, Cons, BitString, Pid, Port, Ref, Fun, ExportFun, Map,
                     TRUE, FALSE, badarg, hkey, eq_exact, compare, from_seq)
from ..terms.hashing import internal_hash, atom_hash
from ..code.contract import VM, per_vm_state
from . import matchspec as ms

__all__ = [
    "REGISTRY", "reset", "process_exited", "Table", "magic_ref", "magic_obj", "ets_error",
    "new_table", "table_for", "READ", "WRITE", "INFO", "EOT", "compiled_ms_ref",
    "compiled_ms_of", "SET", "ORDERED_SET", "BAG", "DUPLICATE_BAG",
]

SET = A.set
ORDERED_SET = A.ordered_set
BAG = A.bag
DUPLICATE_BAG = A.duplicate_bag
PUBLIC = A.public
PROTECTED = A.protected
PRIVATE = A.private
EOT = A["$end_of_table"]
_NONE = A.none
_UNDEFINED = A.undefined
_ETS_TRANSFER = A["ETS-TRANSFER"]
_UNDERSCORE = A["_"]

READ, WRITE, INFO = 1, 2, 3

_M32 = 0xFFFFFFFF


# -- errors ----------------------------------------------------------------------------

_STDLIB_ERRORS = A.erl_stdlib_errors
_CAUSES = {}


def ets_error(cause=None):
    """badarg, with #{cause => Cause} in the BIF frame's error_info when given
    (OTP's EXI_* causes: id, type, access, table_type, badkey, keypos,
    position, owner, not_owner, already_exists)."""
    e = badarg()
    if cause is not None:
        info = _CAUSES.get(cause)
        if info is None:
            info = _CAUSES[cause] = Map.from_pairs([(A.cause, cause), (A.module, _STDLIB_ERRORS)])
        e.error_info = info
    return e


class BadParam(Exception):
    """An operation's argument is unusable (the BIF raises plain badarg)."""


class BadKey(Exception):
    """next/prev on a key that is not in a hash table."""


# -- references that carry an object --------------------------------------------------

class _MagicIds(tuple):
    """Ref id words that also hold the table or compiled match spec the
    reference stands for (BEAM's magic references)."""


# Refs rebuilt from their external form (binary_to_term) lose the _MagicIds;
# this finds their object while some copy of the original is still around.
_by_ids = weakref.WeakValueDictionary()


def magic_ref(obj):
    r = VM.make_ref()
    ids = _MagicIds(r.ids)
    ids.obj = obj
    _by_ids[(tuple(r.ids), r.node, r.creation)] = obj
    return Ref(r.node, ids, r.creation)


def magic_obj(ref):
    """The object a reference stands for, or None."""
    ids = ref.ids
    if type(ids) is _MagicIds:
        return ids.obj
    return _by_ids.get((tuple(ids), ref.node, ref.creation))


def compiled_ms_ref(cms):
    return magic_ref(cms)


def compiled_ms_of(t):
    """The CompiledMS behind a compiled-match-spec reference, or None."""
    if type(t) is not Ref:
        return None
    obj = magic_obj(t)
    return obj if type(obj) is ms.CompiledMS else None


# -- hashing and ordering ---------------------------------------------------------------

def _hash(key):
    """BEAM's MAKE_HASH for an ETS key."""
    if type(key) is Atom:
        return atom_hash(key) & _M32
    return internal_hash(key)


def _ref_value(ids):
    v = 0
    for i in range(len(ids) - 1, -1, -1):
        v = (v << 32) | ids[i]
    return v


def sort_key(t, exact=False):
    """A Python value whose comparisons follow Erlang term order (== for
    numbers; with exact=True, every integer sorts before every float, as map
    keys do). Lists become flat tuples, so long lists do not recurse."""
    tt = type(t)
    if tt is int:
        return (0, 0, t) if exact else (0, t)
    if tt is float:
        return (0, 1, t) if exact else (0, t)
    if tt is Atom:
        return (1, t.name)
    if tt is tuple:
        return (6, len(t)) + tuple([sort_key(e, exact) for e in t])
    if tt is Cons:
        items = [9]
        while type(t) is Cons:
            items.append((9, sort_key(t.hd, exact)))
            t = t.tl
        items.append(sort_key(t, exact))
        return tuple(items)
    if tt is Nil:
        return (8,)
    if tt is bytes:
        return (10, t, len(t) * 8)
    if tt is BitString:
        return (10, t.data, t.bits)
    if tt is Map:
        pairs = t.items_sorted()
        return ((7, len(pairs)) + tuple([sort_key(k, True) for k, _ in pairs])
                + tuple([sort_key(v, exact) for _, v in pairs]))
    if tt is Pid:
        return (5, t.serial, t.num, t.node.name, t.creation)
    if tt is Port:
        return (4, t.node.name, t.creation, t.num)
    if tt is Ref:
        return (2, t.node.name, t.creation, _ref_value(t.ids))
    if tt is Fun:
        e = t.entry
        return (3, 0, e.module.name, e.index, e.old_uniq, len(t.env)) + tuple(
            [sort_key(x, exact) for x in t.env])
    if tt is ExportFun:
        return (3, 1, t.module.name, t.function.name, t.arity)
    raise TypeError("not an Erlang term: %r" % (t,))


# -- memory accounting ------------------------------------------------------------------

def term_words(t):
    """BEAM's heap size of a term in words (64-bit), as ETS counts memory."""
    n = 0
    stack = [t]
    pop = stack.pop
    push = stack.append
    while stack:
        t = pop()
        tt = type(t)
        if tt is tuple:
            n += 1 + len(t)
            stack.extend(t)
        elif tt is Cons:
            while type(t) is Cons:
                n += 2
                push(t.hd)
                t = t.tl
            push(t)
        elif tt is int:
            if not -(1 << 59) <= t < (1 << 59):
                n += 1 + (abs(t).bit_length() + 63) // 64
        elif tt is float:
            n += 2
        elif tt is bytes or tt is BitString:
            size = len(t) if tt is bytes else len(t.data)
            n += 2 + (size + 7) // 8 if size <= 64 else 6
            if tt is BitString:
                n += 3
        elif tt is Map:
            k = len(t)
            n += 3 + k + 1 + k if k <= 32 else 4 * k
            for key, v in t.items():
                push(key)
                push(v)
        elif tt is Ref:
            n += 4
        elif tt is Fun:
            n += 4 + len(t.env)
            stack.extend(t.env)
        elif tt is ExportFun:
            n += 2
        elif (tt is Pid or tt is Port) and t.node is not VM.node:
            n += 5
    return n


# -- hash tables --------------------------------------------------------------------------

_FIRST_SEGSZ = 256
_EXT_SEGSZ = 2048
_NLOCKS_WITH_ITEM_COUNTERS = 64
_MAX_CHUNK_ITERATIONS = 1000


class _Rec:
    """One object in a hash chain. `dead` marks a deletion while the table is
    fixed (BEAM's pseudo-deleted objects, still found by next/2)."""

    __slots__ = ("hval", "obj", "dead")

    def __init__(self, hval, obj):
        self.hval = hval
        self.obj = obj
        self.dead = False


class HashStore:
    """set/bag/duplicate_bag storage.

    `buckets` has `nactive` chains (Python lists, head first); `index` maps
    hkey(Key) to the key's _Rec (set) or to the list of its _Recs in chain
    order (bags: they sit next to each other in one chain)."""

    __slots__ = ("ki", "is_set", "is_bag", "buckets", "szm", "nactive", "nslots",
                 "shrink_limit", "nitems", "lock_items", "nlocks", "index", "fixed", "words")

    ordered = False

    def __init__(self, kind, keypos, nlocks, decentralized):
        self.ki = keypos - 1
        self.is_set = kind is SET
        self.is_bag = kind is BAG
        self.nlocks = nlocks
        self.lock_items = [0] * _NLOCKS_WITH_ITEM_COUNTERS if decentralized else None
        self.fixed = 0
        self.reset()

    def reset(self):
        self.buckets = [[] for _ in range(_FIRST_SEGSZ)]
        self.szm = _FIRST_SEGSZ - 1
        self.nactive = _FIRST_SEGSZ
        self.nslots = _FIRST_SEGSZ
        self.shrink_limit = 0
        self.nitems = 0
        self.index = {}
        self.words = 0
        if self.lock_items is not None:
            self.lock_items = [0] * _NLOCKS_WITH_ITEM_COUNTERS
        while self.nlocks > self.nslots:
            self._alloc_seg(True)

    def base_words(self):
        return self.nslots - _FIRST_SEGSZ + self.words

    # -- layout --------------------------------------------------------------------
    def _ix(self, hval):
        ix = hval & self.szm
        if ix >= self.nactive:
            ix &= self.szm >> 1
        return ix

    def _add_items(self, hval, d):
        self.nitems += d
        if self.lock_items is not None:
            self.lock_items[hval % _NLOCKS_WITH_ITEM_COUNTERS] += d

    def _estimate(self, hval):
        """BEAM's NITEMS_ESTIMATE: with decentralized counters, one lock's
        count times the number of counters."""
        if self.lock_items is not None:
            return self.lock_items[hval % _NLOCKS_WITH_ITEM_COUNTERS] * _NLOCKS_WITH_ITEM_COUNTERS
        return self.nitems

    def _calc_shrink_limit(self):
        enough = self.lock_items is None or self.nslots >= 100 * _NLOCKS_WITH_ITEM_COUNTERS
        if enough and self.nslots >= max(self.nlocks + _EXT_SEGSZ, _FIRST_SEGSZ + 2 * _EXT_SEGSZ):
            self.shrink_limit = (self.nslots - _EXT_SEGSZ) // 2
        else:
            self.shrink_limit = 0

    def _alloc_seg(self, activate):
        self.nslots += _EXT_SEGSZ
        if activate:
            now = self.nactive + _EXT_SEGSZ
            floor2 = 1 << (now.bit_length() - 1)
            self.szm = (floor2 << 1) - 1 if floor2 != now else floor2 - 1
            self.buckets.extend([] for _ in range(_EXT_SEGSZ))
            self.nactive = now
        self._calc_shrink_limit()

    def _after_insert(self, hval):
        self._add_items(hval, 1)
        est = self._estimate(hval)
        if est > self.nactive and not self.fixed:
            self._grow(est)

    def _grow(self, nitems):
        buckets = self.buckets
        for _ in range(5):
            nactive = self.nactive
            if nitems <= nactive:
                return
            if nactive == self.nslots:
                self._alloc_seg(False)
            szm = self.szm
            if nactive <= szm:
                from_ix = nactive & (szm >> 1)
            else:
                from_ix = 0
                szm = (szm << 1) | 1
            self.nactive = nactive + 1
            if from_ix == 0:
                self.szm = szm
            stay = []
            move = []
            for r in buckets[from_ix]:
                if (r.hval & szm) == from_ix:
                    stay.append(r)
                else:
                    move.append(r)
            buckets[from_ix] = stay
            buckets.append(move)

    def _try_shrink(self, nitems):
        if nitems < self.shrink_limit and not self.fixed:
            buckets = self.buckets
            for _ in range(5):
                if not nitems < self.shrink_limit:
                    return
                src = self.nactive - 1
                low = self.szm >> 1
                dst = src & low
                self.nactive = src
                if dst == 0:
                    self.szm = low
                if self.nslots - src >= _EXT_SEGSZ:
                    self.nslots -= _EXT_SEGSZ if self.nslots > _FIRST_SEGSZ else _FIRST_SEGSZ
                    self._calc_shrink_limit()
                moved = buckets.pop()
                if moved:
                    buckets[dst] = moved + buckets[dst]

    def _unlink(self, rec):
        self.buckets[self._ix(rec.hval)].remove(rec)

    # -- reads -------------------------------------------------------------------------
    def lookup(self, key):
        """The live objects with `key`, oldest first (as a Python list)."""
        if self.is_set:
            rec = self.index.get(hkey(key))
            if rec is None or rec.dead:
                return []
            return [rec.obj]
        group = self.index.get(hkey(key))
        if group is None:
            return []
        return [r.obj for r in reversed(group) if not r.dead]

    def member(self, key):
        if self.is_set:
            rec = self.index.get(hkey(key))
            return rec is not None and not rec.dead
        group = self.index.get(hkey(key))
        if group is None:
            return False
        for r in group:
            if not r.dead:
                return True
        return False

    def set_rec(self, key):
        """The live _Rec of `key` in a set (update_counter, update_element)."""
        rec = self.index.get(hkey(key))
        if rec is None or rec.dead:
            return None
        return rec

    def slot_order(self, start):
        """Bucket indices from `start` in BEAM's iteration order (by lock lanes)."""
        n = self.nactive
        step = self.nlocks
        for ix in range(start, n, step):
            yield ix
        for lane in range(start % step + 1, step):
            for ix in range(lane, n, step):
                yield ix

    def _first_live_from(self, slot):
        buckets = self.buckets
        for ix in self.slot_order(slot):
            for r in buckets[ix]:
                if not r.dead:
                    return r.obj[self.ki]
        return EOT

    def first(self):
        return self._first_live_from(0)

    def next(self, key):
        """The key after `key` (which may be a deleted key of a fixed table)."""
        found = self.index.get(hkey(key))
        if found is None:
            raise BadKey()
        rec = found if self.is_set else found[0]
        ix = self._ix(rec.hval)
        bucket = self.buckets[ix]
        pos = bucket.index(rec) + (1 if self.is_set else len(found))
        for r in bucket[pos:]:
            if not r.dead:
                return r.obj[self.ki]
        nxt = self._next_slot(ix)
        if nxt is None:
            return EOT
        return self._first_live_from(nxt)

    def _next_slot(self, ix):
        """The bucket after ix in iteration order (BEAM's next_slot), or None."""
        ix += self.nlocks
        if ix < self.nactive:
            return ix
        ix = (ix + 1) & (self.nlocks - 1)
        return ix if ix else None

    last = first
    prev = next

    def slot(self, i):
        if i < self.nactive:
            return from_seq([r.obj for r in reversed(self.buckets[i]) if not r.dead])
        if i == self.nactive:
            return EOT
        raise BadParam()

    def all_objects(self):
        """Live objects in iteration order (for tests and ets:info/tab2list helpers)."""
        out = []
        buckets = self.buckets
        for ix in self.slot_order(0):
            out.extend(r.obj for r in buckets[ix] if not r.dead)
        return out

    def size(self):
        return self.nitems

    # -- writes -----------------------------------------------------------------------
    def put(self, obj, clash_fail=False):
        """Insert; False (and no change) if clash_fail and the key exists."""
        key = obj[self.ki]
        hk = hkey(key)
        index = self.index
        if self.is_set:
            rec = index.get(hk)
            if rec is not None:
                if rec.dead:
                    rec.dead = False
                    self._add_items(rec.hval, 1)
                elif clash_fail:
                    return False
                self.words += term_words(obj) - term_words(rec.obj)
                rec.obj = obj
                return True
            hval = _hash(key)
            rec = _Rec(hval, obj)
            self.buckets[self._ix(hval)].append(rec)
            index[hk] = rec
        else:
            group = index.get(hk)
            if group is None:
                hval = _hash(key)
                rec = _Rec(hval, obj)
                self.buckets[self._ix(hval)].append(rec)
                index[hk] = [rec]
            else:
                hval = group[0].hval
                if clash_fail:
                    for r in group:
                        if not r.dead:
                            return False
                elif self.is_bag:
                    for i, r in enumerate(group):
                        if eq_exact(r.obj, obj):
                            if r.dead:
                                r.dead = False
                                self._add_items(hval, 1)
                                if i:
                                    self._move_first(group, i)
                            return True
                rec = _Rec(hval, obj)
                bucket = self.buckets[self._ix(hval)]
                bucket.insert(bucket.index(group[0]), rec)
                group.insert(0, rec)
        self.words += term_words(obj) + 4
        self._after_insert(hval)
        return True

    def _move_first(self, group, i):
        r = group.pop(i)
        bucket = self.buckets[self._ix(r.hval)]
        bucket.remove(r)
        bucket.insert(bucket.index(group[0]), r)
        group.insert(0, r)

    def _drop(self, hk, rec, group):
        """Unlink a record for good (from its chain and the index)."""
        self._unlink(rec)
        self.words -= term_words(rec.obj) + 4
        if group is None:
            del self.index[hk]
        else:
            group.remove(rec)
            if not group:
                del self.index[hk]

    def _deleted(self, hval, n):
        self._add_items(hval, -n)
        self._try_shrink(self._estimate(hval))

    def erase(self, key):
        hk = hkey(key)
        if self.is_set:
            rec = self.index.get(hk)
            if rec is None or rec.dead:
                return
            if self.fixed:
                rec.dead = True
            else:
                self._drop(hk, rec, None)
            self._deleted(rec.hval, 1)
            return
        group = self.index.get(hk)
        if group is None:
            return
        n = 0
        hval = group[0].hval
        for r in list(group):
            if r.dead:
                continue
            if n == 0 and self.fixed:
                r.dead = True
            else:
                self._drop(hk, r, group)
            n += 1
        if n:
            self._deleted(hval, n)

    def take(self, key):
        objs = self.lookup(key)
        if objs:
            self.erase(key)
        return objs

    def erase_object(self, obj):
        key = obj[self.ki]
        hk = hkey(key)
        if self.is_set:
            rec = self.index.get(hk)
            if rec is None or rec.dead or not eq_exact(rec.obj, obj):
                return
            if self.fixed:
                rec.dead = True
            else:
                self._drop(hk, rec, None)
            self._deleted(rec.hval, 1)
            return
        group = self.index.get(hk)
        if group is None:
            return
        hval = group[0].hval
        nkeys = 0
        n = 0
        for r in list(group):
            if r.dead:
                continue
            nkeys += 1
            if eq_exact(obj, r.obj):
                n += 1
                if nkeys == 1 and self.fixed:
                    r.dead = True
                else:
                    self._drop(hk, r, group)
                if self.is_bag:
                    break
        if n:
            self._deleted(hval, n)

    def replace_rec(self, rec, obj):
        """Put a new object (same key) in place of a set record's object."""
        self.words += term_words(obj) - term_words(rec.obj)
        rec.obj = obj

    def insert_default(self, obj):
        """update_counter/4's default object: insert it, or revive a deleted
        record in place. Returns (record, grew) where grew says the item
        count must still be increased (BEAM's DB_INC_TRY_GROW)."""
        key = obj[self.ki]
        hk = hkey(key)
        rec = self.index.get(hk)
        if rec is not None:
            rec.dead = False
            self._add_items(rec.hval, 1)
            self.words += term_words(obj) - term_words(rec.obj)
            rec.obj = obj
            return rec, False
        hval = _hash(key)
        rec = _Rec(hval, obj)
        self.buckets[self._ix(hval)].append(rec)
        self.index[hk] = rec
        self.words += term_words(obj) + 4
        return rec, True

    def finish_default(self, rec, grew, ok):
        """After an update on a default object: count it, or take it out again."""
        if ok:
            if grew:
                self._after_insert(rec.hval)
            return
        hk = hkey(rec.obj[self.ki])
        if self.fixed:
            rec.dead = True
        else:
            self._drop(hk, rec, None)
        if not grew:
            self._add_items(rec.hval, -1)
        self._try_shrink(self._estimate(rec.hval))

    def delete_all(self):
        n = self.nitems
        if self.fixed:
            for bucket in self.buckets:
                for r in bucket:
                    r.dead = True
            self.nitems = 0
            if self.lock_items is not None:
                self.lock_items = [0] * _NLOCKS_WITH_ITEM_COUNTERS
        else:
            self.reset()
        return n

    def unfixed(self):
        """The last fixation is gone: drop the records deleted meanwhile."""
        index = self.index
        for bi, bucket in enumerate(self.buckets):
            if any(r.dead for r in bucket):
                for r in bucket:
                    if r.dead:
                        hk = hkey(r.obj[self.ki])
                        self.words -= term_words(r.obj) + 4
                        if self.is_set:
                            del index[hk]
                        else:
                            group = index[hk]
                            group.remove(r)
                            if not group:
                                del index[hk]
                self.buckets[bi] = [r for r in bucket if not r.dead]

    # -- match spec traversal ---------------------------------------------------------
    def key_buckets(self, cms):
        """The buckets to search when every clause's head binds the key
        (BEAM's analyze_pattern), or None when all must be searched."""
        ki = self.ki
        out = []
        for head, _g, _b in cms.clauses:
            if head is _UNDERSCORE or ms.is_variable(head) >= 0:
                return None
            if type(head) is not tuple or len(head) <= ki:
                continue
            key = head[ki]
            if ms.has_variable(key):
                return None
            hval = _hash(key)
            if self.nlocks == 1 and not self.member(key):
                continue
            ix = self._ix(hval)
            if ix not in out:
                out.append(ix)
        return out


# -- ordered sets ----------------------------------------------------------------------------

_LOAD = 512


class TreeStore:
    """ordered_set storage: `keys` is a list of sorted lists of sort keys,
    `objs` the parallel lists of objects, `maxes` each list's last key."""

    __slots__ = ("ki", "keys", "objs", "maxes", "n", "words", "fixed")

    ordered = True

    def __init__(self, keypos):
        self.ki = keypos - 1
        self.fixed = 0
        self.reset()

    def reset(self):
        self.keys = []
        self.objs = []
        self.maxes = []
        self.n = 0
        self.words = 0

    def base_words(self):
        return self.words

    def size(self):
        return self.n

    def _loc(self, sk):
        """(list index, position, found) of sort key sk (insertion point if absent)."""
        maxes = self.maxes
        if not maxes:
            return 0, 0, False
        i = bisect_left(maxes, sk)
        if i == len(maxes):
            i -= 1
            return i, len(self.keys[i]), False
        keys = self.keys[i]
        j = bisect_left(keys, sk)
        return i, j, keys[j] == sk

    def _norm(self, i, j):
        """Step a position past the end of its list into the next one; None at the end."""
        while i < len(self.keys):
            if j < len(self.keys[i]):
                return i, j
            i += 1
            j = 0
        return None

    def _before(self, i, j):
        """The position just before (i, j), or None."""
        if j > 0:
            return i, j - 1
        while i > 0:
            i -= 1
            if self.keys[i]:
                return i, len(self.keys[i]) - 1
        return None

    # -- reads -----------------------------------------------------------------------
    def lookup(self, key):
        i, j, found = self._loc(sort_key(key))
        return [self.objs[i][j]] if found else []

    def member(self, key):
        return self._loc(sort_key(key))[2]

    def find(self, key):
        """(i, j) of key's object or None (update_counter, update_element)."""
        i, j, found = self._loc(sort_key(key))
        return (i, j) if found else None

    def first(self):
        return self.objs[0][0][self.ki] if self.n else EOT

    def last(self):
        return self.objs[-1][-1][self.ki] if self.n else EOT

    def next(self, key):
        i, j, found = self._loc(sort_key(key))
        p = self._norm(i, j + 1 if found else j)
        return EOT if p is None else self.objs[p[0]][p[1]][self.ki]

    def prev(self, key):
        i, j, _found = self._loc(sort_key(key))
        p = self._before(i, j)
        return EOT if p is None else self.objs[p[0]][p[1]][self.ki]

    def slot(self, k):
        if k > self.n:
            raise BadParam()
        if k == self.n:
            return EOT
        for objs in self.objs:
            if k < len(objs):
                return Cons(objs[k], NIL)
            k -= len(objs)
        raise BadParam()

    def all_objects(self):
        out = []
        for objs in self.objs:
            out.extend(objs)
        return out

    # -- writes ------------------------------------------------------------------------
    def put(self, obj, clash_fail=False):
        sk = sort_key(obj[self.ki])
        i, j, found = self._loc(sk)
        if found:
            if clash_fail:
                return False
            old = self.objs[i][j]
            self.words += term_words(obj) - term_words(old)
            self.objs[i][j] = obj
            self.keys[i][j] = sk
            return True
        self.words += term_words(obj) + 5
        self.n += 1
        if not self.keys:
            self.keys.append([sk])
            self.objs.append([obj])
            self.maxes.append(sk)
            return True
        keys = self.keys[i]
        keys.insert(j, sk)
        self.objs[i].insert(j, obj)
        if j == len(keys) - 1:
            self.maxes[i] = sk
        if len(keys) > 2 * _LOAD:
            objs = self.objs[i]
            self.keys[i:i + 1] = [keys[:_LOAD], keys[_LOAD:]]
            self.objs[i:i + 1] = [objs[:_LOAD], objs[_LOAD:]]
            self.maxes[i:i + 1] = [keys[_LOAD - 1], keys[-1]]
        return True

    def _remove_at(self, i, j):
        keys = self.keys[i]
        objs = self.objs[i]
        self.words -= term_words(objs[j]) + 5
        del keys[j]
        del objs[j]
        self.n -= 1
        if not keys:
            del self.keys[i]
            del self.objs[i]
            del self.maxes[i]
        elif j == len(keys):
            self.maxes[i] = keys[-1]

    def erase(self, key):
        i, j, found = self._loc(sort_key(key))
        if found:
            self._remove_at(i, j)

    def take(self, key):
        i, j, found = self._loc(sort_key(key))
        if not found:
            return []
        obj = self.objs[i][j]
        self._remove_at(i, j)
        return [obj]

    def erase_object(self, obj):
        i, j, found = self._loc(sort_key(obj[self.ki]))
        if found and eq_exact(self.objs[i][j], obj):
            self._remove_at(i, j)

    def replace_at(self, pos, obj):
        i, j = pos
        self.words += term_words(obj) - term_words(self.objs[i][j])
        self.objs[i][j] = obj

    def delete_all(self):
        n = self.n
        self.reset()
        return n

    def unfixed(self):
        pass

    # -- traversal ----------------------------------------------------------------------
    def iter_forward(self, i, j):
        """Objects from position (i, j) upwards."""
        objs = self.objs
        while i < len(objs):
            lst = objs[i]
            while j < len(lst):
                yield lst[j]
                j += 1
            i += 1
            j = 0

    def iter_backward(self, i, j):
        """Objects from position (i, j) downwards (j may be -1: start below i)."""
        objs = self.objs
        while i >= 0:
            lst = objs[i]
            if j is None or j >= len(lst):
                j = len(lst) - 1
            while j >= 0:
                yield lst[j]
                j -= 1
            i -= 1
            j = None

    def forward_after(self, lastkey):
        """Objects with keys greater than lastkey (all when lastkey is None)."""
        if lastkey is None:
            return self.iter_forward(0, 0)
        i, j, found = self._loc(sort_key(lastkey))
        return self.iter_forward(i, j + 1 if found else j)

    def backward_before(self, lastkey):
        """Objects with keys less than lastkey, downwards (all when None)."""
        if lastkey is None:
            return self.iter_backward(len(self.objs) - 1, None)
        i, j, _found = self._loc(sort_key(lastkey))
        p = self._before(i, j)
        if p is None:
            return iter(())
        return self.iter_backward(p[0], p[1])

    def _first_where(self, pred):
        """The first position whose key satisfies `pred` (monotonic), or None."""
        ki = self.ki
        objs = self.objs
        lo, hi = 0, len(objs)
        while lo < hi:
            mid = (lo + hi) // 2
            if pred(objs[mid][-1][ki]):
                hi = mid
            else:
                lo = mid + 1
        if lo == len(objs):
            return None
        lst = objs[lo]
        a, b = 0, len(lst)
        while a < b:
            mid = (a + b) // 2
            if pred(lst[mid][ki]):
                b = mid
            else:
                a = mid + 1
        return lo, a

    def key_before_range(self, pb):
        """BEAM's find_prev_from_pb_key: the largest key below what partly
        bound key pb can match, or None."""
        p = self._first_where(lambda k: cmp_partly_bound(pb, k) <= 0)
        if p is None:
            return self.objs[-1][-1][self.ki] if self.n else None
        q = self._before(*p)
        return None if q is None else self.objs[q[0]][q[1]][self.ki]

    def key_after_range(self, pb):
        """BEAM's find_next_from_pb_key: the smallest key above what pb can match."""
        p = self._first_where(lambda k: cmp_partly_bound(pb, k) < 0)
        return None if p is None else self.objs[p[0]][p[1]][self.ki]


# -- partly bound keys (ordered_set select ranges) -----------------------------------------

def _is_wild(t):
    return type(t) is Atom and (t is _UNDERSCORE or ms.is_variable(t) >= 0)


def _cmp_pb(a, b, done):
    """BEAM's do_cmp_partly_bound: compare pattern key a with key b, variables
    in a matching anything (done[0] is set when one is reached)."""
    if _is_wild(a):
        done[0] = True
        return 0
    if a is b:
        return 0
    ta = type(a)
    if ta is Cons:
        if type(b) is not Cons:
            return compare(a, b)
        while True:
            j = _cmp_pb(a.hd, b.hd, done)
            if j or done[0]:
                return j
            a, b = a.tl, b.tl
            if a is b:
                return 0
            if type(a) is not Cons or type(b) is not Cons:
                return _cmp_pb(a, b, done)
    if ta is tuple and type(b) is tuple:
        if len(a) != len(b):
            return -1 if len(a) < len(b) else 1
        for x, y in zip(a, b):
            j = _cmp_pb(x, y, done)
            if j or done[0]:
                return j
        return 0
    return compare(a, b)


def cmp_partly_bound(pb, key):
    return _cmp_pb(pb, key, [False])


def _tag(t):
    """BEAM's tag_val_def classes (which values share a representation)."""
    tt = type(t)
    if tt is int:
        return "small" if -(1 << 59) <= t < (1 << 59) else "big"
    if tt is BitString:
        return bytes
    if tt is ExportFun:
        return Fun
    return tt


def _pb_can_match(a, b, done, less):
    """BEAM's do_partly_bound_can_match_lesser (less=True) / _greater."""
    aw, bw = _is_wild(a), _is_wild(b)
    if aw:
        done[0] = True
        return not bw
    if bw:
        done[0] = True
        return False
    if a is b or (type(a) is int and type(b) is int and a == b):
        return False
    if _tag(a) != _tag(b):
        done[0] = True
        c = compare(a, b)
        return c < 0 if less else c > 0
    if type(a) is tuple:
        if len(a) != len(b):
            return (len(a) < len(b)) == less
        for x, y in zip(a, b):
            j = _pb_can_match(x, y, done, less)
            if j or done[0]:
                return j
        return False
    if type(a) is Cons:
        while True:
            j = _pb_can_match(a.hd, b.hd, done, less)
            if j or done[0]:
                return j
            a, b = a.tl, b.tl
            if a is b:
                return False
            if type(a) is not Cons or type(b) is not Cons:
                return _pb_can_match(a, b, done, less)
    c = compare(a, b)
    if c:
        done[0] = True
    return c < 0 if less else c > 0


_UNBOUND, _PARTLY, _BOUND, _IMPOSSIBLE = 0, 1, 2, 3


def _has_map(t):
    stack = [t]
    while stack:
        t = stack.pop()
        tt = type(t)
        if tt is Map:
            return True
        if tt is tuple:
            stack.extend(t)
        elif tt is Cons:
            while type(t) is Cons:
                stack.append(t.hd)
                t = t.tl
            stack.append(t)
    return False


def tree_key_range(ki, clauses):
    """BEAM's analyze_pattern for trees: (boundness, least, most)."""
    boundness = _IMPOSSIBLE
    least = most = None
    for head, _g, _b in clauses:
        if head is _UNDERSCORE or ms.is_variable(head) >= 0:
            b = _UNBOUND
        elif type(head) is not tuple or len(head) <= ki:
            b = _IMPOSSIBLE
        else:
            key = head[ki]
            if not ms.has_variable(key):
                b = _BOUND
            elif not _is_wild(key) and not _has_map(key):
                b = _PARTLY
            else:
                b = _UNBOUND
            if b != _UNBOUND:
                if least is None or _pb_can_match(key, least, [False], True):
                    least = key
                if most is None or _pb_can_match(key, most, [False], False):
                    most = key
        if b < boundness:
            boundness = b
    if boundness == _BOUND and compare(least, most) != 0:
        boundness = _PARTLY
    return boundness, least, most


# -- tables --------------------------------------------------------------------------------

class Table:
    """One ETS table: options, owner and heir, and its store."""

    __slots__ = ("tid", "name", "named", "kind", "keypos", "owner", "heir", "heir_data",
                 "protection", "read_conc", "write_conc", "compressed", "decentralized",
                 "store", "alive", "fixers", "fix_time", "__weakref__")

    def __init__(self, name, kind, keypos, protection, named):
        self.name = name
        self.named = named
        self.kind = kind
        self.keypos = keypos
        self.protection = protection
        self.owner = None
        self.heir = _NONE
        self.heir_data = _UNDEFINED
        self.read_conc = False
        self.write_conc = FALSE
        self.compressed = False
        self.decentralized = False
        self.store = None
        self.alive = True
        self.fixers = {}          # pid -> fixation count (safe_fixtable)
        self.fix_time = None
        self.tid = None

    def ident(self):
        """How ets:all/0 and ETS-TRANSFER messages name the table."""
        return self.name if self.named else self.tid

    def memory(self):
        """Words used, approximately as BEAM counts them (its fixed overheads
        for the table, read locks, lock arrays and decentralized counters)."""
        store = self.store
        if store.ordered:
            return 139 + store.base_words()
        base = 305
        if self.read_conc:
            base += 32
        if store.nlocks > 1:
            base += 16 * store.nlocks + 32
        if self.decentralized:
            base += 34
        return base + store.base_words()

    # -- fixation ---------------------------------------------------------------------------
    def fix(self, pid):
        """safe_fixtable(T, true) by pid (counted: each fix needs an unfix)."""
        self.fixers[pid] = self.fixers.get(pid, 0) + 1
        if self.store.fixed == 0:
            self.fix_time = _now_parts()
        self.store.fixed += 1
        REGISTRY.fixed_by.setdefault(pid, {})[self] = True

    def unfix(self, pid, all_of_them=False):
        n = self.fixers.get(pid, 0)
        if not n:
            return
        drop = n if all_of_them else 1
        if n - drop:
            self.fixers[pid] = n - drop
        else:
            del self.fixers[pid]
            tabs = REGISTRY.fixed_by.get(pid)
            if tabs is not None:
                tabs.pop(self, None)
                if not tabs:
                    del REGISTRY.fixed_by[pid]
        self.store.fixed -= drop
        if self.store.fixed == 0:
            self.fix_time = None
            self.store.unfixed()


def _now_parts():
    """The fixation time: (monotonic ns, {MegaSecs, Secs, MicroSecs})."""
    t = time.time()
    us = int(t * 1000000)
    return time.monotonic_ns(), (us // 1000000000000, (us // 1000000) % 1000000, us % 1000000)


class _Registry:
    """All live tables: by name, in creation order, and by owner."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.named = {}           # Atom -> Table
        self.tables = {}          # Table -> True, in creation order
        self.owned = {}           # pid -> {Table: True} in the order they were acquired
        self.fixed_by = {}        # pid -> {Table: True}
        self.super_users = set()  # pids with erts_internal:ets_super_user(true)


REGISTRY = _Registry()


@per_vm_state
def reset():
    """Forget every table and every magic reference (a new VM)."""
    REGISTRY.reset()
    _by_ids.clear()


def _current_pid():
    return VM.current.pid


def _is_alive(pid):
    rt = VM.runtime
    if rt is None:
        return True
    return rt.process(pid) is not None


def new_table(name, kind, keypos, protection, named, heir, heir_data, read_conc,
              write_conc, compressed, decentralized, nlocks):
    """Create a table owned by the current process (options already checked)."""
    if named and name in REGISTRY.named:
        raise ets_error(A.already_exists)
    tab = Table(name, kind, keypos, protection, named)
    owner = _current_pid()
    tab.owner = owner
    tab.read_conc = read_conc
    tab.write_conc = write_conc
    tab.compressed = compressed
    tab.decentralized = decentralized
    if kind is ORDERED_SET:
        tab.store = TreeStore(keypos)
    else:
        tab.store = HashStore(kind, keypos, nlocks, decentralized and nlocks > 1)
    _set_heir(tab, heir, heir_data, owner)
    tab.tid = magic_ref(tab)
    REGISTRY.tables[tab] = True
    REGISTRY.owned.setdefault(owner, {})[tab] = True
    if named:
        REGISTRY.named[name] = tab
    return tab.name if named else tab.tid


def _set_heir(tab, heir, data, me):
    """An heir that is not alive (and not the caller) is no heir at all."""
    if heir is not _NONE and heir is not me and heir != me and not _is_alive(heir):
        heir = _NONE
    tab.heir = heir
    tab.heir_data = data if heir is not _NONE else _UNDEFINED


def find_table(tid):
    """The live table named by tid (atom or table reference), else badarg
    with cause id (no such table) or type (not a table identifier)."""
    t = type(tid)
    if t is Atom:
        tab = REGISTRY.named.get(tid)
        if tab is None:
            raise ets_error(A.id)
        return tab
    if t is Ref:
        tab = magic_obj(tid)
        if type(tab) is not Table:
            raise ets_error(A.type)
        if not tab.alive:
            raise ets_error(A.id)
        return tab
    raise ets_error(A.type)


def table_for(tid, what):
    """find_table plus the access check for READ, WRITE or INFO."""
    tab = find_table(tid)
    prot = tab.protection
    if prot is not PUBLIC and what != INFO:
        me = VM.current.pid
        owner = tab.owner
        if owner is not me and owner != me and (prot is PRIVATE or what == WRITE):
            if me not in REGISTRY.super_users:
                raise ets_error(A.access)
    return tab


def is_only_writer(tab):
    """BEAM's ITERATION_SAFETY is 'safe' for trees and for the owner of a
    protected/private table: its long operations never fix the table."""
    if tab.store.ordered:
        return True
    me = VM.current.pid
    return tab.protection is not PUBLIC and (tab.owner is me or tab.owner == me)


def _unregister(tab):
    tab.alive = False
    REGISTRY.tables.pop(tab, None)
    if tab.named and REGISTRY.named.get(tab.name) is tab:
        del REGISTRY.named[tab.name]
    owned = REGISTRY.owned.get(tab.owner)
    if owned is not None:
        owned.pop(tab, None)
        if not owned:
            del REGISTRY.owned[tab.owner]
    for pid in list(tab.fixers):
        tab.unfix(pid, True)


def delete_table(tab):
    _unregister(tab)
    tab.store.reset()


def _transfer(tab, to, sender, data):
    """Make `to` the owner and tell it with an ETS-TRANSFER message."""
    owned = REGISTRY.owned.get(tab.owner)
    if owned is not None:
        owned.pop(tab, None)
        if not owned:
            del REGISTRY.owned[tab.owner]
    tab.owner = to
    REGISTRY.owned.setdefault(to, {})[tab] = True
    VM.send(to, (_ETS_TRANSFER, tab.ident(), sender, data))


def give_away(tab, to, data):
    me = _current_pid()
    if tab.owner is not me and tab.owner != me:
        raise ets_error(A.not_owner)
    if to is me or to == me:
        raise ets_error(A.owner)
    _transfer(tab, to, me, data)


def setopts(tab, heir, heir_data, protection):
    """ets:setopts after parsing; heir is None when not given."""
    me = _current_pid()
    if tab.owner is not me and tab.owner != me:
        raise ets_error()
    if heir is not None:
        _set_heir(tab, heir, heir_data, me)
    if protection is not None:
        tab.protection = protection


def rename(tab, name):
    if tab.named:
        if name in REGISTRY.named:
            raise ets_error()
        del REGISTRY.named[tab.name]
        REGISTRY.named[name] = tab
    tab.name = name


def process_exited(pid, reason=None):
    """The runtime's exit hook: give pid's tables to their heirs or delete
    them (oldest first, as BEAM does), then drop pid's fixations."""
    REGISTRY.super_users.discard(pid)
    owned = REGISTRY.owned.get(pid)
    if owned:
        for tab in list(owned):
            if not tab.alive or tab.owner is not pid and tab.owner != pid:
                continue
            heir = tab.heir
            if heir is not _NONE and heir is not pid and heir != pid and _is_alive(heir):
                data = tab.heir_data
                _transfer(tab, heir, pid, data)
                continue
            delete_table(tab)
    REGISTRY.owned.pop(pid, None)
    fixed = REGISTRY.fixed_by.pop(pid, None)
    if fixed:
        for tab in list(fixed):
            tab.unfix(pid, True)


def all_tables():
    return [t.ident() for t in REGISTRY.tables]


# -- select and friends ---------------------------------------------------------------------
# The hash versions reproduce BEAM's traversal including where its BIFs trap
# (every 1000 objects, at bucket boundaries), because a trapped select/3
# splits its overflow differently and a trapped select_delete does not shrink.

_NOMATCH = ms.NOMATCH


def _cont_tid(tab, tid):
    return tab.tid if type(tid) is Atom else tid


def _split_first(acc, got, chunk):
    """select/3's first-call split: the newest got-chunk results become the
    continuation's rest, the older chunk results are returned."""
    cells = []
    c = acc
    while type(c) is Cons:
        cells.append(c.hd)
        c = c.tl
    k = got - chunk
    return from_seq(cells[k:]), from_seq(cells[:k]), k


def _split_continue(acc, got, chunk):
    """select/1's split: the first got-chunk results go to the rest, reversed."""
    rest = NIL
    k = 0
    while got > chunk:
        rest = Cons(acc.hd, rest)
        acc = acc.tl
        got -= 1
        k += 1
    return acc, rest, k


def _hash_chunk_result(acc, got, chunk, slot_ix, tid, mpref, continued):
    if chunk == 0:
        return acc
    rest = NIL
    rest_size = 0
    if got > chunk:
        if continued:
            acc, rest, rest_size = _split_continue(acc, got, chunk)
        else:
            acc, rest, rest_size = _split_first(acc, got, chunk)
    if rest is not NIL or slot_ix >= 0:
        return (acc, (tid, slot_ix, chunk, mpref(), rest, rest_size))
    if acc is not NIL:
        return (acc, EOT)
    return EOT


def _hash_walk(store, run, slot_ix, acc, got, chunk, continued):
    """Walk buckets from slot_ix collecting matches; stops at a bucket
    boundary once `got` reaches `chunk` (when chunk > 0). Returns (acc, got,
    next slot or -1, examined any object, trapped)."""
    buckets = store.buckets
    iters = _MAX_CHUNK_ITERATIONS
    examined = False
    ix = slot_ix
    while True:
        for r in buckets[ix]:
            if r.dead:
                continue
            examined = True
            iters -= 1
            res = run(r.obj)
            if res is not _NOMATCH:
                acc = Cons(res, acc)
                got += 1
        nxt = store._next_slot(ix)
        if nxt is None:
            return acc, got, -1, examined, continued
        if chunk and got >= chunk:
            return acc, got, nxt, examined, continued
        if iters <= 0:
            continued = True        # BEAM traps here and resumes as select/1 does
            iters = _MAX_CHUNK_ITERATIONS
        ix = nxt


def select(tab, tid, cms, chunk=0, reverse=False):
    """ets:select/2,3, select_reverse/2,3 (and match, match_object)."""
    store = tab.store
    mpref = _lazy_ref(cms)
    if store.ordered:
        return _tree_select(tab, tid, cms, chunk, reverse, mpref)
    run = cms.run
    kb = store.key_buckets(cms)
    if kb is not None:
        if not kb:
            return EOT if chunk else NIL
        acc = NIL
        got = 0
        examined = False
        buckets = store.buckets
        for ix in kb:
            for r in buckets[ix]:
                if not r.dead:
                    examined = True
                    res = run(r.obj)
                    if res is not _NOMATCH:
                        acc = Cons(res, acc)
                        got += 1
        if chunk and not examined:
            return EOT
        return _hash_chunk_result(acc, got, chunk, -1, _cont_tid(tab, tid), mpref, False)
    if not chunk and store.nlocks == 1:
        acc = NIL
        for bucket in store.buckets:
            for r in bucket:
                if not r.dead:
                    res = run(r.obj)
                    if res is not _NOMATCH:
                        acc = Cons(res, acc)
        return acc
    acc, got, slot_ix, examined, continued = _hash_walk(store, run, 0, NIL, 0, chunk, False)
    if chunk and not continued and not examined:
        return EOT
    return _hash_chunk_result(acc, got, chunk, slot_ix, _cont_tid(tab, tid), mpref, continued)


def _lazy_ref(cms):
    """A function giving one reference to cms, made on first use."""
    box = []

    def get():
        if not box:
            box.append(compiled_ms_ref(cms))
        return box[0]
    return get


def select_continue(tab, cont):
    """ets:select/1 (and match/1, match_object/1, select_reverse/1) on a
    continuation tuple; BadParam if it is not one for this kind of table."""
    store = tab.store
    if store.ordered:
        return _tree_select_continue(tab, cont)
    n = len(cont)
    if not (n == 6 or (n == 7 and type(cont[6]) is int)):
        raise BadParam()
    tid, slot_ix, chunk, mref, rest, got = cont[:6]
    if (type(slot_ix) is not int or type(chunk) is not int or type(got) is not int
            or not (rest is NIL or type(rest) is Cons) or chunk < 0):
        raise BadParam()
    cms = compiled_ms_of(mref)
    if cms is None or got < 0:
        raise BadParam()
    mpref = lambda: mref     # noqa: E731  (the continuation's own reference)
    if slot_ix < 0 or (chunk and got >= chunk):
        return _hash_chunk_result(rest, got, chunk, slot_ix, tid, mpref, True)
    if slot_ix >= store.nactive:
        raise BadParam()
    acc, got, slot_ix, _ex, _c = _hash_walk(store, cms.run, slot_ix, rest, got, chunk, True)
    return _hash_chunk_result(acc, got, chunk, slot_ix, tid, mpref, True)


def _tree_bounds(store, cms):
    return tree_key_range(store.ki, cms.clauses)


def _tree_select(tab, tid, cms, chunk, reverse, mpref):
    store = tab.store
    ki = store.ki
    boundness, least, most = _tree_bounds(store, cms)
    if boundness == _IMPOSSIBLE:
        return EOT if chunk else NIL
    run = cms.run
    if boundness == _BOUND:
        acc = NIL
        for obj in store.lookup(least):
            res = run(obj)
            if res is not _NOMATCH:
                acc = Cons(res, acc)
        if chunk:
            return (acc, EOT) if acc is not NIL else EOT
        return acc
    partly = boundness == _PARTLY
    # select/2 walks down and select_reverse/2 up, consing; select/3 walks up
    # (select_reverse/3 down) and reverses each chunk.
    downwards = (not reverse) if not chunk else reverse
    if downwards:
        start = store.key_after_range(most) if partly else None
        objs = store.backward_before(start)
        end = least if partly else None
    else:
        start = store.key_before_range(least) if partly else None
        objs = store.forward_after(start)
        end = most if partly else None
    acc, got, last = _tree_walk(objs, run, ki, end, downwards, chunk)
    if not chunk:
        return acc
    return _tree_chunk_result(acc, got, chunk, last, ki, tid,
                              end if partly else NIL, mpref, reverse)


def _tree_walk(objs, run, ki, end, downwards, chunk):
    """Run the spec over objects in order until `end` (a partly bound key) is
    passed or `chunk` matches are collected. Returns (acc, got, last object)."""
    acc = NIL
    got = 0
    last = None
    for obj in objs:
        last = obj
        if end is not None:
            c = cmp_partly_bound(end, obj[ki])
            if (c > 0) if downwards else (c < 0):
                break
        res = run(obj)
        if res is not _NOMATCH:
            acc = Cons(res, acc)
            got += 1
            if got == chunk:
                break
    return acc, got, last


def _reverse(lst):
    r = NIL
    while type(lst) is Cons:
        r = Cons(lst.hd, r)
        lst = lst.tl
    return r


def _tree_chunk_result(acc, got, chunk, last, ki, tid, end_cond, mpref, reverse):
    if got < chunk or last is None:
        return EOT if got == 0 else (_reverse(acc), EOT)
    cont = (tid, last[ki], end_cond, chunk, mpref(), NIL, 1 if reverse else 0, 0)
    return (_reverse(acc), cont)


def _tree_select_continue(tab, cont):
    if len(cont) != 8:
        raise BadParam()
    tid, lastkey, end_cond, chunk, mref, acc, reverse, got = cont
    if (type(chunk) is not int or not (acc is NIL or type(acc) is Cons)
            or type(reverse) is not int or type(got) is not int):
        raise BadParam()
    cms = compiled_ms_of(mref)
    if cms is None:
        raise BadParam()
    store = tab.store
    ki = store.ki
    downwards = bool(reverse) if chunk else not reverse
    objs = store.backward_before(lastkey) if downwards else store.forward_after(lastkey)
    end = None if end_cond is NIL else end_cond
    run = cms.run
    last = None
    for obj in objs:
        last = obj
        if end is not None:
            c = cmp_partly_bound(end, obj[ki])
            if (c > 0) if downwards else (c < 0):
                break
        res = run(obj)
        if res is not _NOMATCH:
            acc = Cons(res, acc)
            got += 1
            if chunk and got == chunk:
                break
    if not chunk:
        return acc
    if got < chunk or last is None:
        return EOT if got == 0 else (_reverse(acc), EOT)
    return (_reverse(acc), (tid, last[ki], end_cond, chunk, mref, NIL, reverse, 0))


def _tree_range_objects(store, cms):
    """The objects a tree traversal may match (None: nothing can match)."""
    boundness, least, most = _tree_bounds(store, cms)
    if boundness == _IMPOSSIBLE:
        return None
    if boundness == _BOUND:
        return store.lookup(least)
    if boundness == _PARTLY:
        out = []
        for obj in store.forward_after(store.key_before_range(least)):
            if cmp_partly_bound(most, obj[store.ki]) < 0:
                break
            out.append(obj)
        return out
    return store.all_objects()


def select_count(tab, cms):
    store = tab.store
    run = cms.run
    n = 0
    if store.ordered:
        objs = _tree_range_objects(store, cms)
        for obj in objs or ():
            if run(obj) is TRUE:
                n += 1
        return n
    kb = store.key_buckets(cms)
    buckets = store.buckets
    for ix in (kb if kb is not None else range(store.nactive)):
        for r in buckets[ix]:
            if not r.dead and run(r.obj) is TRUE:
                n += 1
    return n


def select_delete(tab, cms):
    """ets:select_delete (internal_select_delete): delete objects for which
    the spec returns true; the number deleted."""
    store = tab.store
    run = cms.run
    if store.ordered:
        objs = _tree_range_objects(store, cms)
        n = 0
        for obj in objs or ():
            if run(obj) is TRUE:
                store.erase(obj[store.ki])
                n += 1
        return n
    kb = store.key_buckets(cms)
    if kb is not None and not kb:
        return 0
    safe = is_only_writer(tab)
    unsafe = store.nlocks > 1 and not safe
    mine = 1 if store.nlocks > 1 else 0       # BEAM's fixated_by_me
    if unsafe:
        store.fixed += 1
    buckets = store.buckets
    got = 0
    iters = _MAX_CHUNK_ITERATIONS
    trap_fixed = False
    slots = kb if kb is not None else list(store.slot_order(0))
    last = len(slots) - 1
    for k, ix in enumerate(slots):
        bucket = buckets[ix]
        for r in list(bucket):
            if r.dead:
                continue
            iters -= 1
            if run(r.obj) is TRUE:
                got += 1
                hk = hkey(r.obj[store.ki])
                if store.fixed > mine:
                    r.dead = True
                else:
                    store._drop(hk, r, None if store.is_set else store.index[hk])
                store._add_items(r.hval, -1)
        if kb is None and iters <= 0 and k < last:
            # BEAM traps here; a table that is not safe for the caller stays
            # fixed until the operation ends
            iters = _MAX_CHUNK_ITERATIONS
            if not safe and not trap_fixed:
                trap_fixed = True
                store.fixed += 1
    if got:
        store._try_shrink(store.nitems)
    for held in (trap_fixed, unsafe):
        if held:
            store.fixed -= 1
            if store.fixed == 0:
                store.unfixed()
    return got


def keeps_key(ki, clauses):
    """BEAM's db_match_keeps_key for every clause (select_replace may not
    change keys)."""
    for head, _g, body in clauses:
        if type(body) is not Cons or body.tl is not NIL:
            return False
        b = body.hd
        if b is A["$_"]:
            continue
        if type(b) is not tuple or type(head) is not tuple or len(head) <= ki:
            return False
        mkey = head[ki]
        if len(b) == 2 and b[0] is A.const:
            sub, const = b[1], True
        elif len(b) == 1 and type(b[0]) is tuple:
            sub, const = b[0], False
        else:
            return False
        if type(sub) is not tuple or len(sub) <= ki:
            return False
        bkey = sub[ki]
        if _eq_body(mkey, bkey, const):
            continue
        if const:
            return False
        if (type(bkey) is tuple and len(bkey) == 3 and bkey[0] is A.element
                and bkey[2] is A["$_"] and type(bkey[1]) is int and bkey[1] == ki + 1):
            continue
        return False
    return True


def _eq_body(a, b, const):
    """BEAM's db_match_eq_body: does body expression b always build the key
    that head pattern a matched?"""
    tb = type(b)
    if tb is Cons:
        while type(b) is Cons:
            if type(a) is not Cons or not _eq_body(a.hd, b.hd, const):
                return False
            a, b = a.tl, b.tl
        return _eq_body(a, b, const)
    if tb is tuple:
        if not const:
            if len(b) == 1 and type(b[0]) is tuple:
                b = b[0]
            elif len(b) == 2 and b[0] is A.const:
                return _eq_body(a, b[1], True)
            else:
                return False
        if type(a) is not tuple or len(a) != len(b):
            return False
        return all(_eq_body(x, y, const) for x, y in zip(a, b))
    if tb is Map:
        return False
    if tb is Atom or tb is Nil or tb is Pid or tb is Port or (
            tb is int and -(1 << 59) <= b < (1 << 59)):
        if not (a is b or (type(a) is int and tb is int and a == b)):
            return False
        if b is _UNDERSCORE or b is A["$$"] or b is A["$_"]:
            return False
        return not (const and ms.is_variable(b) >= 0)
    return eq_exact(a, b)


def select_replace(tab, cms):
    store = tab.store
    run = cms.run
    n = 0
    if store.ordered:
        for obj in _tree_range_objects(store, cms) or ():
            res = run(obj)
            if res is not _NOMATCH:
                store.replace_at(store.find(obj[store.ki]), res)
                n += 1
        return n
    kb = store.key_buckets(cms)
    buckets = store.buckets
    for ix in (kb if kb is not None else range(store.nactive)):
        for r in buckets[ix]:
            if not r.dead:
                res = run(r.obj)
                if res is not _NOMATCH:
                    store.replace_rec(r, res)
                    n += 1
    return n
