"""Erlang maps: immutable, keys compared with =:=.

A map keeps a Python dict from hkey(key) to value, plus the original keys
for the few keys whose hkey is not the key itself (floats, lists, tuples
holding them...). Updates copy the dict; maps are never mutated after they
are handed out. Iteration order: small maps (<= 32 keys) in map-key order
like BEAM's flatmaps; larger maps in the same sorted order (BEAM uses hash
order there, which programs must not depend on).
"""

from .compare import hkey, compare_keys
from functools import cmp_to_key

__all__ = ["Map", "EMPTY_MAP"]

_keyfn = cmp_to_key(compare_keys)


class Map:
    __slots__ = ("d", "orig", "_sorted")

    def __init__(self, d, orig):
        self.d = d          # hkey -> value
        self.orig = orig    # hkey -> original key, only where they differ; or None
        self._sorted = None

    # -- construction ---------------------------------------------------
    @staticmethod
    def from_pairs(pairs):
        d = {}
        orig = None
        for k, v in pairs:
            h = hkey(k)
            if h is not k:
                if orig is None:
                    orig = {}
                orig[h] = k
            d[h] = v
        return Map(d, orig)

    # -- queries --------------------------------------------------------
    def size(self):
        return len(self.d)

    def __len__(self):
        return len(self.d)

    def get(self, k, default=None):
        return self.d.get(hkey(k), default)

    def contains(self, k):
        return hkey(k) in self.d

    def _key(self, h):
        o = self.orig
        if o is None:
            return h
        return o.get(h, h)

    def items_sorted(self):
        """[(key, value)] in map-key order."""
        s = self._sorted
        if s is None:
            d = self.d
            o = self.orig
            if o is None:
                pairs = list(d.items())
            else:
                pairs = [(o.get(h, h), v) for h, v in d.items()]
            pairs.sort(key=lambda kv: _keyfn(kv[0]))
            s = self._sorted = pairs
        return s

    def items(self):
        """Iteration order used by maps:to_list/fold/iterator."""
        return self.items_sorted()

    def sorted_keys(self):
        return [k for k, _ in self.items_sorted()]

    def keys(self):
        return [k for k, _ in self.items()]

    def values(self):
        return [v for _, v in self.items()]

    def exact_equal(self, other):
        if len(self.d) != len(other.d):
            return False
        from .compare import eq_exact
        od = other.d
        for h, v in self.d.items():
            if h not in od:
                return False
            if not eq_exact(v, od[h]):
                return False
        return True

    # -- updates (return new maps) ----------------------------------------
    def put(self, k, v):
        h = hkey(k)
        d = self.d.copy()
        d[h] = v
        orig = self.orig
        if h is not k:
            orig = dict(orig) if orig else {}
            orig[h] = k
        return Map(d, orig)

    def put_many(self, pairs):
        d = self.d.copy()
        orig = self.orig
        copied = False
        for k, v in pairs:
            h = hkey(k)
            d[h] = v
            if h is not k:
                if not copied:
                    orig = dict(orig) if orig else {}
                    copied = True
                orig[h] = k
        return Map(d, orig)

    def update_many(self, pairs):
        """put_map_exact: every key must exist already; None if one does not."""
        d = self.d.copy()
        for k, v in pairs:
            h = hkey(k)
            if h not in d:
                return None
            d[h] = v
        return Map(d, self.orig)

    def remove(self, k):
        h = hkey(k)
        if h not in self.d:
            return self
        d = self.d.copy()
        del d[h]
        orig = self.orig
        if orig and h in orig:
            orig = dict(orig)
            del orig[h]
        return Map(d, orig)

    def __repr__(self):
        from .printer import format_term
        return format_term(self)


EMPTY_MAP = Map({}, None)
