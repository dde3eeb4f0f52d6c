"""atomics, counters and persistent_term. atomics/counters refs are magic
references carrying a Python list of 64-bit cells."""

from ..terms import A, Ref, NIL, badarg, TRUE, FALSE, from_seq, hkey, Map
from ..code.contract import VM, per_vm_state
from .registry import bif

_OK = A.ok
_MASK = (1 << 64) - 1


class _Cells:
    __slots__ = ("values", "signed")

    def __init__(self, n, signed):
        self.values = [0] * n
        self.signed = signed

    def wrap(self, v):
        v &= _MASK
        if self.signed and v >= (1 << 63):
            v -= 1 << 64
        return v

    def fits(self, v):
        if self.signed:
            return -(1 << 63) <= v < (1 << 63)
        return 0 <= v <= _MASK


def _cells(ref):
    if type(ref) is not Ref or type(ref.magic) is not _Cells:
        raise badarg()
    return ref.magic


def _index(cells, ix):
    if type(ix) is not int or not 1 <= ix <= len(cells.values):
        raise badarg()
    return ix - 1


def _new(n, signed):
    if type(n) is not int or not 1 <= n <= (1 << 27):
        raise badarg()
    r = VM.make_ref()
    r.magic = _Cells(n, signed)
    return r


@bif("erts_internal", "atomics_new", 2)
def atomics_new(n, opts):
    if type(opts) is not int:
        raise badarg()
    return _new(n, bool(opts & 1))


def _int(v):
    if type(v) is not int:
        raise badarg()
    return v


@bif("atomics", "put", 3)
def atomics_put(ref, ix, value):
    c = _cells(ref)
    i = _index(c, ix)
    if not c.fits(_int(value)):
        raise badarg()
    c.values[i] = value
    return _OK


@bif("atomics", "get", 2)
def atomics_get(ref, ix):
    c = _cells(ref)
    return c.values[_index(c, ix)]


@bif("atomics", "add", 3)
def atomics_add(ref, ix, incr):
    atomics_add_get(ref, ix, incr)
    return _OK


@bif("atomics", "add_get", 3)
def atomics_add_get(ref, ix, incr):
    c = _cells(ref)
    i = _index(c, ix)
    if not -(1 << 63) <= _int(incr) <= _MASK:
        raise badarg()
    v = c.values[i] = c.wrap(c.values[i] + incr)
    return v


@bif("atomics", "exchange", 3)
def atomics_exchange(ref, ix, desired):
    c = _cells(ref)
    i = _index(c, ix)
    if not c.fits(_int(desired)):
        raise badarg()
    old = c.values[i]
    c.values[i] = desired
    return old


@bif("atomics", "compare_exchange", 4)
def atomics_compare_exchange(ref, ix, expected, desired):
    c = _cells(ref)
    i = _index(c, ix)
    if not c.fits(_int(expected)) or not c.fits(_int(desired)):
        raise badarg()
    old = c.values[i]
    if old == expected:
        c.values[i] = desired
        return _OK
    return old


@bif("atomics", "info", 1)
def atomics_info(ref):
    c = _cells(ref)
    if c.signed:
        lo, hi = -(1 << 63), (1 << 63) - 1
    else:
        lo, hi = 0, _MASK
    return Map.from_pairs([(A.size, len(c.values)), (A.max, hi), (A.min, lo),
                           (A.memory, 8 * len(c.values) + 40)])


@bif("erts_internal", "counters_new", 1)
def counters_new(n):
    return _new(n, True)


@bif("erts_internal", "counters_get", 2)
def counters_get(ref, ix):
    return atomics_get(ref, ix)


@bif("erts_internal", "counters_add", 3)
def counters_add(ref, ix, incr):
    return atomics_add(ref, ix, incr)


@bif("erts_internal", "counters_put", 3)
def counters_put(ref, ix, value):
    return atomics_put(ref, ix, value)


@bif("erts_internal", "counters_info", 1)
def counters_info(ref):
    c = _cells(ref)
    return Map.from_pairs([(A.size, len(c.values)), (A.memory, 8 * len(c.values) + 40)])


# -- persistent_term ---------------------------------------------------------------

_TERMS = {}   # hkey(key) -> (key, value)
per_vm_state(_TERMS.clear)


@bif("persistent_term", "put", 2)
def pt_put(key, value):
    _TERMS[hkey(key)] = (key, value)
    return _OK


@bif("persistent_term", "get", 1)
def pt_get(key):
    kv = _TERMS.get(hkey(key))
    if kv is None:
        raise badarg()
    return kv[1]


@bif("persistent_term", "get", 2)
def pt_get2(key, default):
    kv = _TERMS.get(hkey(key))
    return default if kv is None else kv[1]


@bif("persistent_term", "get", 0)
def pt_get0():
    return from_seq(list(_TERMS.values()))


@bif("persistent_term", "erase", 1)
def pt_erase(key):
    return TRUE if _TERMS.pop(hkey(key), None) is not None else FALSE


@bif("persistent_term", "info", 0)
def pt_info():
    return Map.from_pairs([(A.count, len(_TERMS)), (A.memory, 64 * len(_TERMS))])


@bif("erts_internal", "erase_persistent_terms", 0)
def pt_erase_all():
    _TERMS.clear()
    return TRUE
