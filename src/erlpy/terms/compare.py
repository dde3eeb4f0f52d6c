"""Erlang term order, `==`, `=:=`, and hashable keys for Python dicts.

number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring
"""

from .atom import Atom
from .types import NIL, Nil, Cons, BitString, Pid, Port, Ref, Fun, ExportFun

__all__ = ["compare", "eq", "eq_exact", "hkey", "compare_keys", "term_lt", "RANK"]

# Rank of each Python type in Erlang term order (int and float share 0).
RANK = {
    int: 0, float: 0, Atom: 1, Ref: 2, Fun: 3, ExportFun: 3, Port: 4, Pid: 5,
    tuple: 6, Nil: 8, Cons: 9, bytes: 10, BitString: 10,
}


def _node_cmp(a, b):
    if a.node is not b.node:
        return -1 if a.node.name < b.node.name else 1
    if a.creation != b.creation:
        return -1 if a.creation < b.creation else 1
    return 0


def _ref_cmp(a, b):
    c = _node_cmp(a, b)
    if c:
        return c
    an, bn = list(a.ids), list(b.ids)
    while len(an) > len(bn):
        if an.pop() != 0:
            return 1
    while len(bn) > len(an):
        if bn.pop() != 0:
            return -1
    for i in range(len(an) - 1, -1, -1):
        if an[i] != bn[i]:
            return -1 if an[i] < bn[i] else 1
    return 0


def _bits_cmp(a, b):
    """Compare two bitstrings (bytes or BitString) bit by bit, shorter first."""
    if type(a) is bytes:
        ad, abits = a, len(a) * 8
    else:
        ad, abits = a.data, a.bits
    if type(b) is bytes:
        bd, bbits = b, len(b) * 8
    else:
        bd, bbits = b.data, b.bits
    n = min(abits, bbits)
    full = n >> 3
    pa, pb = ad[:full], bd[:full]
    if pa != pb:
        return -1 if pa < pb else 1
    rem = n & 7
    if rem:
        mask = (0xFF << (8 - rem)) & 0xFF
        x, y = ad[full] & mask, bd[full] & mask
        if x != y:
            return -1 if x < y else 1
    return (abits > bbits) - (abits < bbits)


def _fun_cmp(a, b):
    ta, tb = type(a), type(b)
    if ta is not tb:
        return -1 if ta is Fun else 1  # external funs are greater than local funs
    if ta is ExportFun:
        if a.module is not b.module:
            return -1 if a.module.name < b.module.name else 1
        if a.function is not b.function:
            return -1 if a.function.name < b.function.name else 1
        return (a.arity > b.arity) - (a.arity < b.arity)
    ea, eb = a.entry, b.entry
    if ea.module is not eb.module:
        return -1 if ea.module.name < eb.module.name else 1
    for x, y in ((ea.index, eb.index), (ea.old_uniq, eb.old_uniq), (len(a.env), len(b.env))):
        if x != y:
            return -1 if x < y else 1
    return None  # compare the environments element-wise


def compare(a, b):
    """Erlang term order with `==` semantics for numbers: -1, 0 or 1."""
    # Iterative over list tails; recursion only into heads and elements.
    while True:
        if a is b:
            return 0
        ta = type(a)
        tb = type(b)
        if ta is tb:
            if ta is int or ta is float:
                return -1 if a < b else (1 if a > b else 0)
            if ta is Atom:
                return -1 if a.name < b.name else 1
            if ta is tuple:
                la, lb = len(a), len(b)
                if la != lb:
                    return -1 if la < lb else 1
                if la == 0:
                    return 0
                for i in range(la - 1):
                    c = compare(a[i], b[i])
                    if c:
                        return c
                a, b = a[la - 1], b[la - 1]
                continue
            if ta is Cons:
                while True:
                    c = compare(a.hd, b.hd)
                    if c:
                        return c
                    a, b = a.tl, b.tl
                    if type(a) is not Cons or type(b) is not Cons:
                        break
                continue
            if ta is bytes:
                return 0 if a == b else (-1 if a < b else 1)
            if ta is Nil:
                return 0
            if ta is Pid:
                if a.serial != b.serial:
                    return -1 if a.serial < b.serial else 1
                if a.num != b.num:
                    return -1 if a.num < b.num else 1
                return _node_cmp(a, b)
            if ta is Port:
                c = _node_cmp(a, b)
                if c:
                    return c
                return (a.num > b.num) - (a.num < b.num)
            if ta is Ref:
                return _ref_cmp(a, b)
            if ta is BitString:
                return _bits_cmp(a, b)
            if ta is Fun:
                c = _fun_cmp(a, b)
                if c is not None:
                    return c
                a, b = a.env, b.env
                continue
            if ta is ExportFun:
                return _fun_cmp(a, b)
            if ta is Map:
                return _map_cmp(a, b)
            raise TypeError("not an Erlang term: %r" % (a,))
        ra = RANK.get(ta)
        rb = RANK.get(tb)
        if ra is None:
            ra = _rank_of(a)
        if rb is None:
            rb = _rank_of(b)
        if ra != rb:
            return -1 if ra < rb else 1
        if ra == 0:  # int vs float: exact numeric comparison
            return -1 if a < b else (1 if a > b else 0)
        if ra == 3:
            return _fun_cmp(a, b)
        if ra == 10:
            return _bits_cmp(a, b)
        raise TypeError("not an Erlang term: %r / %r" % (a, b))


def _rank_of(t):
    if isinstance(t, Map):
        return 7
    raise TypeError("not an Erlang term: %r" % (t,))


def compare_keys(a, b):
    """Map-key order (BEAM's exact term order): term order, except that every
    integer sorts before every float, at any depth, so 2 < 1.5 and
    {1, 2.0} < {1.0, 1}."""
    while True:
        ta = type(a)
        tb = type(b)
        if ta is int and tb is float:
            return -1
        if ta is float and tb is int:
            return 1
        if ta is not tb:
            return compare(a, b)
        if ta is tuple:
            la, lb = len(a), len(b)
            if la != lb:
                return -1 if la < lb else 1
            for x, y in zip(a, b):
                c = compare_keys(x, y)
                if c:
                    return c
            return 0
        if ta is Cons:
            while type(a) is Cons and type(b) is Cons:
                c = compare_keys(a.hd, b.hd)
                if c:
                    return c
                a, b = a.tl, b.tl
            continue
        if ta is Map:
            return _map_cmp(a, b, compare_keys)
        if ta is Fun:
            c = _fun_cmp(a, b)
            if c is not None:
                return c
            a, b = a.env, b.env
            continue
        return compare(a, b)


def _map_cmp(a, b, value_cmp=None):
    """Maps: by size, then keys in map-key order, then values in key order."""
    la, lb = a.size(), b.size()
    if la != lb:
        return -1 if la < lb else 1
    ka, kb = a.sorted_keys(), b.sorted_keys()
    for x, y in zip(ka, kb):
        c = compare_keys(x, y)
        if c:
            return c
    cmp = value_cmp or compare
    for k in ka:
        c = cmp(a.get(k), b.get(k))
        if c:
            return c
    return 0


def eq(a, b):
    """Erlang `==`."""
    return a is b or compare(a, b) == 0


def eq_exact(a, b):
    """Erlang `=:=`."""
    while True:
        if a is b:
            return True
        ta = type(a)
        if ta is not type(b):
            return False
        if ta is int or ta is float or ta is bytes or ta is Pid or ta is Ref or ta is Port \
                or ta is BitString or ta is ExportFun:
            return a == b
        if ta is tuple:
            n = len(a)
            if n != len(b):
                return False
            if n == 0:
                return True
            for i in range(n - 1):
                if not eq_exact(a[i], b[i]):
                    return False
            a, b = a[n - 1], b[n - 1]
            continue
        if ta is Cons:
            while True:
                if not eq_exact(a.hd, b.hd):
                    return False
                a, b = a.tl, b.tl
                if type(a) is not Cons or type(b) is not Cons:
                    break
            continue
        if ta is Map:
            return a.exact_equal(b)
        if ta is Fun:
            ea, eb = a.entry, b.entry
            if not (ea.module is eb.module and ea.index == eb.index
                    and ea.old_uniq == eb.old_uniq and len(a.env) == len(b.env)):
                return False
            a, b = a.env, b.env
            continue
        return False  # distinct atoms, or nil vs nil handled by `is`


def term_lt(a, b):
    return compare(a, b) < 0


class _FloatKey:
    """Dict key for a float: never equal to an int key (maps and ets sets use =:=)."""

    __slots__ = ("f",)

    def __init__(self, f):
        self.f = f

    def __eq__(self, other):
        return type(other) is _FloatKey and self.f == other.f

    def __hash__(self):
        return hash(self.f) ^ 0x5bd1e995


class _ListKey:
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def __eq__(self, other):
        return type(other) is _ListKey and self.items == other.items

    def __hash__(self):
        return hash(self.items) ^ 0x1b873593


class _FunKey:
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def __eq__(self, other):
        return type(other) is _FunKey and self.items == other.items

    def __hash__(self):
        return hash(self.items)


class _MapKey:
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def __eq__(self, other):
        return type(other) is _MapKey and self.items == other.items

    def __hash__(self):
        return hash(self.items) ^ 0x2f5a1c3d


_SIMPLE = frozenset((int, Atom, bytes, Pid, Ref, Port, Nil, BitString, ExportFun))


def hkey(t):
    """A hashable Python value that is equal for two terms exactly when they are =:=."""
    tt = type(t)
    if tt in _SIMPLE:
        return t
    if tt is float:
        return _FloatKey(t)
    if tt is tuple:
        for e in t:
            if type(e) not in _SIMPLE:
                return tuple([hkey(e) for e in t])
        return t
    if tt is Cons:
        items = []
        while type(t) is Cons:
            items.append(hkey(t.hd))
            t = t.tl
        items.append(hkey(t))
        return _ListKey(tuple(items))
    if tt is Fun:
        e = t.entry
        return _FunKey((e.module, e.index, e.old_uniq, hkey(t.env)))
    if tt is Map:
        return _MapKey(tuple((hkey(k), hkey(v)) for k, v in t.items_sorted()))
    raise TypeError("not an Erlang term: %r" % (t,))


from .maps import Map  # noqa: E402  (maps need compare; compare needs the Map type)
RANK[Map] = 7
