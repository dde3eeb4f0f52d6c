"""The BIFs of module maps, the map BIFs of erlang, and erts_internal:map_next/3,
the iterator behind maps:iterator/next and maps:to_list.

Errors are BEAM's: a non-map is {badmap, Term} (badarg for maps:from_list,
from_keys and map_next), a missing key {badkey, Key}.
"""

from ..terms import (A, NIL, Cons, Map, ErlangError, badarg, TRUE, FALSE,
                     from_seq, to_pylist, NotAList)
from ..terms.errors import ERROR
from ..code.contract import VM
from .registry import bif

_OK = A.ok
_ERROR = A.error
_BADMAP = A.badmap
_BADKEY = A.badkey
_NONE = A.none
_ITERATOR = A.iterator

_SMALL_MIN = -(1 << 59)     # the least small integer: below it, a negative bignum


def _badmap(t):
    return ErlangError(ERROR, (_BADMAP, t))


def _badkey(k):
    return ErlangError(ERROR, (_BADKEY, k))


def _charge(n, per_red):
    """Charge the running process for n steps of a BIF that BEAM runs at
    per_red steps a reduction."""
    reds = VM.reds
    if n > per_red and type(reds) is int:
        VM.reds = max(1, reds - n // per_red)


# -- erlang ---------------------------------------------------------------------

@bif("erlang", "map_size", 1)
def map_size(m):
    if type(m) is not Map:
        raise _badmap(m)
    return m.n


@bif("erlang", "map_get", 2)
def map_get(k, m):
    if type(m) is not Map:
        raise _badmap(m)
    v = m.get(k)
    if v is None:
        raise _badkey(k)
    return v


@bif("erlang", "is_map_key", 2)
def is_map_key(k, m):
    if type(m) is not Map:
        raise _badmap(m)
    return TRUE if m.contains(k) else FALSE


# -- maps -----------------------------------------------------------------------

bif("maps", "get", 2)(map_get)
bif("maps", "is_key", 2)(is_map_key)


@bif("maps", "find", 2)
def find(k, m):
    if type(m) is not Map:
        raise _badmap(m)
    v = m.get(k)
    return _ERROR if v is None else (_OK, v)


@bif("maps", "from_list", 1)
def from_list(lst):
    try:
        items = to_pylist(lst)
    except NotAList:
        raise badarg()
    for t in items:
        if type(t) is not tuple or len(t) != 2:
            raise badarg()
    _charge(len(items), 40)
    return Map.from_pairs(items)


@bif("maps", "from_keys", 2)
def from_keys(keys, value):
    try:
        items = to_pylist(keys)
    except NotAList:
        raise badarg()
    _charge(len(items), 40)
    return Map.from_pairs([(k, value) for k in items])


@bif("maps", "keys", 1)
def keys(m):
    if type(m) is not Map:
        raise _badmap(m)
    _charge(m.n, 15)
    return from_seq(m.keys())


@bif("maps", "values", 1)
def values(m):
    if type(m) is not Map:
        raise _badmap(m)
    _charge(m.n, 15)
    return from_seq(m.values())


@bif("maps", "merge", 2)
def merge(m1, m2):
    if type(m1) is not Map:
        raise _badmap(m1)
    if type(m2) is not Map:
        raise _badmap(m2)
    return m1.merge(m2)


@bif("maps", "put", 3)
def put(k, v, m):
    if type(m) is not Map:
        raise _badmap(m)
    return m.put(k, v)


@bif("maps", "update", 3)
def update(k, v, m):
    if type(m) is not Map:
        raise _badmap(m)
    if not m.contains(k):
        raise _badkey(k)
    return m.put(k, v)


@bif("maps", "remove", 2)
def remove(k, m):
    if type(m) is not Map:
        raise _badmap(m)
    return m.remove(k)


@bif("maps", "take", 2)
def take(k, m):
    if type(m) is not Map:
        raise _badmap(m)
    r = m.take(k)
    return _ERROR if r is None else r


# -- iteration --------------------------------------------------------------------

@bif("erts_internal", "map_next", 3)
def map_next(path, m, acc):
    """The next associations of map m from iterator position `path`, either
    for maps:next (acc = iterator: {K1, V1, {K2, V2, ... Rest}}, Rest being
    [NextPath | m] or none) or for maps:to_list (acc a list: the pairs go on
    its front, in key order for a flat map, reversed for a bigger one, and
    [NextPath, m | ...] in front of them while more remain).

    A flat map gives all its associations at once (any path from 0 to its
    size is accepted for that). A bigger map gives as many as a quarter of
    the reductions left allow, at most 32 on the first call (path 0); paths
    are BEAM's, made of the child indexes down its hash trie."""
    if type(m) is not Map:
        raise badarg()
    if acc is _ITERATOR:
        as_list = False
    elif acc is NIL or type(acc) is Cons:
        as_list = True
    else:
        raise badarg()
    if type(path) is not int:
        raise badarg()
    n = m.n
    if m.d is not None:
        if not 0 <= path <= n:
            raise badarg()
        chunk = m.items_sorted()
        more = None
    else:
        if path < 0:
            if path < _SMALL_MIN:
                raise badarg()      # a negative bignum
            path += 1 << 60         # BEAM reads a small as unsigned
        layout = m.beam_layout()
        start = layout.position(path)
        if start < 0:
            raise badarg()
        reds = VM.reds if type(VM.reds) is int else 0
        count = max(reds // 4, 1)
        if count > n:
            count = n
        if path == 0 and count > 32:
            count = 32
        end = min(start + count, n)
        chunk = layout.pairs[start:end]
        more = layout.paths[end] if end < n else None
        VM.reds = max(1, reds - 4 * len(chunk))
    if as_list:
        res = acc
        if m.d is not None:
            for i in range(len(chunk) - 1, -1, -1):
                res = Cons(chunk[i], res)
            return res
        # each chunk goes on the front of the last, reversed: maps:to_list
        # ends up walking a big map backwards
        for kv in chunk:
            res = Cons(kv, res)
        return res if more is None else Cons(more, Cons(m, res))
    res = _NONE if more is None else Cons(more, m)
    for i in range(len(chunk) - 1, -1, -1):
        k, v = chunk[i]
        res = (k, v, res)
    return res


# -- introspection ----------------------------------------------------------------

@bif("erts_internal", "map_to_tuple_keys", 1)
def map_to_tuple_keys(m):
    """The key tuple of a flat map (erts_debug:size/1 counts it)."""
    if type(m) is not Map:
        raise _badmap(m)
    if m.d is None:
        raise badarg()
    return tuple(m.sorted_keys())


@bif("erts_debug", "map_info", 1)
def map_info(m):
    """The shape of a map's hash trie: depth, node counts, node and leaf use."""
    if type(m) is not Map:
        raise _badmap(m)
    if m.d is not None:
        raise badarg()
    depth, arrays, bitmaps, bitmap_use, leaves, leaf_use = m.beam_layout().info()
    return from_seq([(A.depth, depth), (A.arrays, arrays, NIL),
                     (A.bitmaps, bitmaps, tuple(bitmap_use)),
                     (A.leafs, leaves, tuple(leaf_use))])

