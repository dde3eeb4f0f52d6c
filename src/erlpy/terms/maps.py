"""Erlang maps: immutable values whose keys are compared with =:= (1 and 1.0
are two keys).

As in BEAM, a map has one of two shapes, chosen by its size alone:

- up to 32 keys ("flat"): a dict from hkey(key) to value, plus the original
  key for the few keys whose hkey is another object (floats, lists, tuples
  holding them...). An update copies the dict: at most 32 entries.
- more than 32 keys ("tree"): a persistent hash trie of 32-slot nodes keyed
  by the Python hash of hkey(key). put and remove copy the nodes on
  one path (O(log n)) and share all the rest with the map they came from.

Iteration order is BEAM's. Flat maps iterate in map-key order (term order,
except that every integer comes before every float). BEAM iterates bigger maps in the order of
its own hash trie, which rests on its per-VM term hash
(`hashing.internal_hash`); that layout is worked out when a map is first
iterated and kept on the map. maps:to_list/keys/values walk it backwards,
maps:iterator/next forwards.
"""

from functools import cmp_to_key

from .atom import Atom
from .types import Pid, Port, Ref
from .compare import hkey, compare_keys, _SIMPLE

__all__ = ["Map", "EMPTY_MAP", "FLAT_LIMIT"]

FLAT_LIMIT = 32     # BEAM's MAP_SMALL_MAP_LIMIT: bigger maps are hash tries

_M64 = 0xFFFFFFFFFFFFFFFF

# -- the hash trie ----------------------------------------------------------------
#
# A node is a list of 32 slots. A slot holds None, a child node (list), a leaf
# (tuple: hkey, key, value, trie hash) or a _Bucket of leaves whose trie hashes
# are all equal. The trie hash is the key's Python hash as 64 unsigned bits;
# its slot at level L is bits 5L..5L+4 (integers, the commonest keys, hash to
# themselves: consecutive ones fill the nodes evenly). A leaf sits at the
# first level where no other key shares its slot, and removal pulls a lone
# leaf back up, so the shape depends on the keys alone. Published nodes are
# never changed, except nodes a batch update created itself (`owned`).


class _Bucket:
    """Leaves whose keys differ but whose trie hashes are equal."""

    __slots__ = ("h", "leaves")

    def __init__(self, h, leaves):
        self.h = h
        self.leaves = leaves

    def get(self, hk, default):
        for leaf in self.leaves:
            if leaf[0] == hk:
                return leaf[2]
        return default

    def find(self, hk):
        for i, leaf in enumerate(self.leaves):
            if leaf[0] == hk:
                return i
        return -1

    def put(self, leaf):
        """(new bucket, whether the key is new)."""
        i = self.find(leaf[0])
        if i < 0:
            return _Bucket(self.h, self.leaves + (leaf,)), True
        return _Bucket(self.h, self.leaves[:i] + (leaf,) + self.leaves[i + 1:]), False


def _trie_get(node, hk, default):
    h = hash(hk) & _M64
    while True:
        e = node[h & 31]
        te = type(e)
        if te is tuple:
            k = e[0]
            return e[2] if (k is hk or k == hk) else default
        if te is list:
            node = e
            h >>= 5
        elif e is None:
            return default
        else:
            return e.get(hk, default)


def _join(a, b, s):
    """The slot content holding two leaves with different keys, from the level
    whose slot is bits s..s+4 of their trie hashes down."""
    ha = a[3]
    hb = b[3]
    if ha == hb:
        return _Bucket(ha, (a, b))
    top = node = [None] * 32
    while True:
        ia = (ha >> s) & 31
        ib = (hb >> s) & 31
        if ia != ib:
            node[ia] = a
            node[ib] = b
            return top
        child = [None] * 32
        node[ia] = child
        node = child
        s += 5


def _trie_put(root, leaf, owned=None):
    """(new root, whether the key is new). Nodes whose id is in `owned` (a set,
    or None) belong to the caller's batch: they are changed in place, and the
    nodes this call copies join them."""
    hk = leaf[0]
    h = leaf[3]
    s = 0
    node = root
    path = []
    while True:
        i = (h >> s) & 31
        e = node[i]
        te = type(e)
        if te is list:
            path.append(node)
            path.append(i)
            node = e
            s += 5
            continue
        if e is None:
            new, grew = leaf, True
        elif te is tuple:
            k = e[0]
            if k is hk or k == hk:
                if e[2] is leaf[2]:
                    return root, False      # same value: the map does not change
                new, grew = leaf, False
            else:
                new, grew = _join(e, leaf, s + 5), True
        else:
            new, grew = e.put(leaf)
        break
    while True:
        if owned is not None and id(node) in owned:
            node[i] = new
            return root, grew
        node = node[:]
        node[i] = new
        if owned is not None:
            owned.add(id(node))
        if not path:
            return node, grew
        i = path.pop()
        new = node
        node = path.pop()


def _trie_remove(root, hk):
    """(new root, removed leaf), or (root, None) when hk is absent."""
    h = hash(hk) & _M64
    node = root
    path = []
    while True:
        i = h & 31
        e = node[i]
        te = type(e)
        if te is list:
            path.append(node)
            path.append(i)
            node = e
            h >>= 5
            continue
        if te is tuple:
            if not (e[0] is hk or e[0] == hk):
                return root, None
            gone, new = e, None
        elif e is None:
            return root, None
        else:
            j = e.find(hk)
            if j < 0:
                return root, None
            gone = e.leaves[j]
            rest = e.leaves[:j] + e.leaves[j + 1:]
            new = rest[0] if len(rest) == 1 else _Bucket(e.h, rest)
        break
    while True:
        node = node[:]
        node[i] = new
        if not path:
            return node, gone
        # a node left with one leaf (or bucket) and nothing else gives way to it
        free = node.count(None)
        if free == 31:
            only = next(x for x in node if x is not None)
            new = node if type(only) is list else only
        elif free == 32:
            new = None
        else:
            new = node
        i = path.pop()
        node = path.pop()


def _trie_leaves(root):
    """All leaves of a trie, in no particular order."""
    out = []
    stack = [root]
    while stack:
        for e in stack.pop():
            if e is None:
                continue
            te = type(e)
            if te is tuple:
                out.append(e)
            elif te is list:
                stack.append(e)
            else:
                out.extend(e.leaves)
    return out


def _trie_from_leaves(leaves):
    """A trie holding leaves with distinct keys."""
    root = [None] * 32
    owned = {id(root)}
    for leaf in leaves:
        root = _trie_put(root, leaf, owned)[0]
    return root


def _leaf(k, v):
    hk = k if type(k) in _SIMPLE else hkey(k)
    return (hk, k, v, hash(hk) & _M64)


# -- BEAM's layout of maps over 32 keys ----------------------------------------------
#
# BEAM's hash trie has 16-slot nodes. At level L a key takes the slot given
# by bits 4L..4L+3 of make_map_hash(Key, L div 8) (internal_hash salted by
# the depth L div 8), low bits first; nodes store only their occupied slots,
# in slot order, and a key sits at the first level where no other key shares
# its slot (insertion and removal both keep this shape). So the layout is a
# function of the keys, and walking it depth first is sorting the keys by
# their hash with the nibbles read lowest first.

_BEAM_MEMO = {}         # hkey -> make_map_hash(key, 0), for keys that hash for good
_BEAM_MEMO_MAX = 1 << 17
_MAX_BEAM_DEPTH = 8     # salted hashes tried on keys whose hashes keep being equal


def _nibbles_low_first(h):
    """A 32-bit hash with its nibbles in reverse order: comparing the results
    compares the hashes nibble by nibble, lowest nibble first."""
    h = ((h & 0x0F0F0F0F) << 4) | ((h >> 4) & 0x0F0F0F0F)
    h = ((h & 0x00FF00FF) << 8) | ((h >> 8) & 0x00FF00FF)
    return ((h & 0xFFFF) << 16) | (h >> 16)


class _BeamLayout:
    """A tree map as BEAM lays it out: `pairs` in forward (iterator) order;
    `root` a node [bitmap, children], a child being a node or the position
    of a pair; `paths[i]` the maps:next path of pair i (4 bits per level, the
    index of the child among its node's children, root level lowest)."""

    __slots__ = ("pairs", "root", "paths")

    def __init__(self, leaves):
        from .hashing import _map_hash
        memo = _BEAM_MEMO
        words = []      # the nibble-reversed make_map_hash(Key, 0) of each leaf
        for lf in leaves:
            h = memo.get(lf[0])
            if h is None:
                key = lf[1]
                h = _map_hash(key, 0)
                # a pid, port or ref hashes by whether it is of this node: not for good
                if type(key) not in _NODE_BOUND:
                    if len(memo) >= _BEAM_MEMO_MAX:
                        memo.clear()
                    memo[lf[0]] = h
            words.append(_nibbles_low_first(h))
        order = sorted(range(len(words)), key=words.__getitem__)
        words = [words[i] for i in order]
        leaves = [leaves[i] for i in order]
        # more words, hashes salted by depth 1, 2..., for keys whose first are equal
        more = {}
        if len(set(words)) < len(words):
            _separate(words, leaves, more, _map_hash)
        self.pairs = [(lf[1], lf[2]) for lf in leaves]
        self._sweep(words, more)

    def _sweep(self, words, more):
        """Lay the sorted keys out in one pass: each sits one level below the
        longest hash prefix it shares with a neighbour."""
        n = len(words)
        lcp = [0] * (n + 1)     # lcp[i]: nibbles key i shares with key i - 1
        for i in range(1, n):
            x = words[i - 1] ^ words[i]
            if x:
                lcp[i] = (32 - x.bit_length()) >> 2
            else:
                a = more[i - 1]
                b = more[i]
                w = 0
                while a[w] == b[w]:
                    w += 1
                lcp[i] = 8 * (w + 1) + ((32 - (a[w] ^ b[w]).bit_length()) >> 2)
        paths = self.paths = [0] * n
        root = self.root = [0, []]
        stack = [root]          # stack[L]: the node at level L above the current key
        path = 0
        for i in range(n):
            shared = lcp[i]
            level = lcp[i + 1]
            if level < shared:
                level = shared
            if i:
                # a new child of the node at level `shared`, next to key i - 1's
                sh = 4 * shared
                path = (path & ((1 << sh) - 1)) + ((((path >> sh) & 15) + 1) << sh)
                del stack[shared + 1:]
            paths[i] = path
            node = stack[shared]
            for lv in range(shared, level + 1):
                if lv < 8:
                    nib = (words[i] >> (28 - 4 * lv)) & 15
                else:
                    nib = (more[i][(lv >> 3) - 1] >> (28 - 4 * (lv & 7))) & 15
                node[0] |= 1 << nib
                if lv == level:
                    node[1].append(i)
                else:
                    child = [0, []]
                    node[1].append(child)
                    stack.append(child)
                    node = child

    def position(self, path):
        """Where maps:next continues for `path`, or -1 if BEAM refuses it."""
        node = self.root
        while True:
            children = node[1]
            d = path & 15
            if d >= len(children):
                return -1
            c = children[d]
            if type(c) is int:
                return c
            node = c
            path >>= 4

    def info(self):
        """erts_debug:map_info/1 counts: (depth, arrays, bitmaps, bitmap use by
        size, leaves, leaves by level)."""
        bitmap_use = [0] * 16
        leaf_use = [0] * 16
        arrays = bitmaps = leaves = depth = 0
        stack = [(self.root, 0)]
        while stack:
            node, level = stack.pop()
            depth = max(depth, level)
            if type(node) is int:
                leaves += 1
                leaf_use[min(level, 15)] += 1
                continue
            children = node[1]
            if level == 0 and len(children) == 16:
                arrays += 1
            else:
                bitmaps += 1
                bitmap_use[len(children) - 1] += 1
            for c in children:
                stack.append((c, level + 1))
        return depth, arrays, bitmaps, bitmap_use, leaves, leaf_use


def _separate(words, leaves, more, map_hash):
    """Order the runs of keys with equal first hash words the way BEAM does:
    by the hash salted with depth 1, then 2... (`more[i]`: those words of key
    i). Keys whose hashes agree at every depth tried (BEAM's never do) go in
    term order."""
    n = len(words)
    i = 0
    while i < n:
        j = i + 1
        while j < n and words[j] == words[i]:
            j += 1
        if j - i > 1:
            run = [[(), lf] for lf in leaves[i:j]]
            _order_run(run, 1, map_hash)
            leaves[i:j] = [lf for _, lf in run]
            for pos, (ws, _) in enumerate(run, i):
                more[pos] = ws
        i = j


def _order_run(run, depth, map_hash):
    """Sort entries [words, leaf] whose hash words so far are equal."""
    if depth <= _MAX_BEAM_DEPTH:
        for e in run:
            e[0] = e[0] + (_nibbles_low_first(map_hash(e[1][1], depth)),)
        run.sort(key=_first)
    else:
        run.sort(key=_map_key_order_of_run_entry)
        for rank, e in enumerate(run):
            e[0] = e[0] + (_nibbles_low_first(rank),)
    i = 0
    while i < len(run):
        j = i + 1
        while j < len(run) and run[j][0] == run[i][0]:
            j += 1
        if j - i > 1:
            sub = run[i:j]
            _order_run(sub, depth + 1, map_hash)
            run[i:j] = sub
        i = j


def _first(e):
    return e[0]


_key_order = cmp_to_key(compare_keys)


def _map_key_order(pair):
    return _key_order(pair[0])


def _map_key_order_of_run_entry(e):
    return _key_order(e[1][1])


def _atom_name_of_key(pair):
    return pair[0].name


def _sort_pairs(pairs):
    """Sort (key, value) pairs in map-key order, in place."""
    if not pairs:
        return
    t0 = type(pairs[0][0])
    for k, _ in pairs:
        if type(k) is not t0:
            pairs.sort(key=_map_key_order)
            return
    if t0 is int or t0 is bytes:
        pairs.sort(key=_first)
    elif t0 is Atom:
        pairs.sort(key=_atom_name_of_key)
    else:
        pairs.sort(key=_map_key_order)


# -- maps ---------------------------------------------------------------------------

class Map:
    """An Erlang map. Flat (d is a dict, root None) up to FLAT_LIMIT keys,
    else a hash trie (root a node, d None). Never changed once made."""

    __slots__ = ("d", "orig", "root", "n", "_sorted", "_beam", "_order")

    def __init__(self, d, orig, root=None, n=0):
        self.d = d          # flat: hkey -> value; tree: None
        self.orig = orig    # flat: hkey -> key where they differ, or None
        self.root = root    # tree: the trie root
        self.n = len(d) if d is not None else n
        self._sorted = None     # [(key, value)] in map-key order
        self._beam = None       # tree: its _BeamLayout
        self._order = None      # tree: [(key, value)] in maps:to_list order

    # -- construction ---------------------------------------------------
    @staticmethod
    def from_pairs(pairs):
        """A map of (key, value) pairs; a later pair wins over an earlier one
        with the same key (maps:from_list)."""
        d = {}
        orig = None
        for k, v in pairs:
            h = k if type(k) in _SIMPLE else hkey(k)
            if h is not k:
                if orig is None:
                    orig = {}
                orig[h] = k
            d[h] = v
        if len(d) <= FLAT_LIMIT:
            return Map(d, orig)
        return _tree_of_dict(d, orig)

    # -- queries --------------------------------------------------------
    def size(self):
        return self.n

    def __len__(self):
        return self.n

    def is_flat(self):
        return self.d is not None

    def get(self, k, default=None):
        hk = k if type(k) in _SIMPLE else hkey(k)
        d = self.d
        if d is not None:
            return d.get(hk, default)
        return _trie_get(self.root, hk, default)

    def contains(self, k):
        hk = k if type(k) in _SIMPLE else hkey(k)
        d = self.d
        if d is not None:
            return hk in d
        return _trie_get(self.root, hk, _ABSENT) is not _ABSENT

    def _pairs(self):
        """[(key, value)] in no particular order."""
        d = self.d
        if d is None:
            return [(lf[1], lf[2]) for lf in _trie_leaves(self.root)]
        o = self.orig
        if o is None:
            return list(d.items())
        return [(o.get(h, h), v) for h, v in d.items()]

    def items_sorted(self):
        """[(key, value)] in map-key order (how maps compare)."""
        s = self._sorted
        if s is None:
            s = self._pairs()
            _sort_pairs(s)
            self._sorted = s
        return s

    def beam_layout(self):
        """A tree map's _BeamLayout (None for flat maps)."""
        b = self._beam
        if b is None and self.d is None:
            b = self._beam = _BeamLayout(_trie_leaves(self.root))
        return b

    def iter_items(self):
        """[(key, value)] in maps:iterator/next order (also how io_lib prints)."""
        if self.d is not None:
            return self.items_sorted()
        return self.beam_layout().pairs

    def items(self):
        """[(key, value)] in maps:to_list/keys/values order (also the order
        term_to_binary writes)."""
        if self.d is not None:
            return self.items_sorted()
        o = self._order
        if o is None:
            o = self._order = self.beam_layout().pairs[::-1]
        return o

    def sorted_keys(self):
        return [k for k, _ in self.items_sorted()]

    def keys(self):
        return [k for k, _ in self.items()]

    def values(self):
        return [v for _, v in self.items()]

    def exact_equal(self, other):
        if self is other:
            return True
        if self.n != other.n:
            return False
        from .compare import eq_exact
        d = self.d
        if d is not None:
            od = other.d
            for h, v in d.items():
                w = od.get(h, _ABSENT)
                if w is _ABSENT or not eq_exact(v, w):
                    return False
            return True
        if self.root is other.root:
            return True
        oroot = other.root
        for leaf in _trie_leaves(self.root):
            w = _trie_get(oroot, leaf[0], _ABSENT)
            if w is _ABSENT or not eq_exact(leaf[2], w):
                return False
        return True

    # -- updates (return new maps) ----------------------------------------
    def put(self, k, v):
        d = self.d
        hk = k if type(k) in _SIMPLE else hkey(k)
        if d is None:
            root, grew = _trie_put(self.root, (hk, k, v, hash(hk) & _M64))
            if root is self.root:
                return self
            return Map(None, None, root, self.n + 1 if grew else self.n)
        orig = self.orig
        if hk is not k:
            orig = dict(orig) if orig else {}
            orig[hk] = k
        if hk in d or len(d) < FLAT_LIMIT:
            d = d.copy()
            d[hk] = v
            return Map(d, orig)
        d = d.copy()
        d[hk] = v
        return _tree_of_dict(d, orig)

    def put_many(self, pairs):
        """The map with every (key, value) of `pairs` put in, in order."""
        d = self.d
        if d is not None:
            d = d.copy()
            orig = self.orig
            copied = False
            for k, v in pairs:
                h = k if type(k) in _SIMPLE else hkey(k)
                d[h] = v
                if h is not k:
                    if not copied:
                        orig = dict(orig) if orig else {}
                        copied = True
                    orig[h] = k
            if len(d) <= FLAT_LIMIT:
                return Map(d, orig)
            return _tree_of_dict(d, orig)
        root = self.root
        n = self.n
        owned = set() if len(pairs) > 4 else None
        for k, v in pairs:
            root, grew = _trie_put(root, _leaf(k, v), owned)
            if grew:
                n += 1
        if root is self.root:
            return self
        return Map(None, None, root, n)

    def update_many(self, pairs):
        """put_map_exact: every key must exist already; None if one does not."""
        d = self.d
        if d is not None:
            d = d.copy()
            for k, v in pairs:
                h = k if type(k) in _SIMPLE else hkey(k)
                if h not in d:
                    return None
                d[h] = v
            return Map(d, self.orig)
        for k, _ in pairs:
            if not self.contains(k):
                return None
        return self.put_many(pairs)

    def remove(self, k):
        r = self.take(k)
        return self if r is None else r[1]

    def take(self, k):
        """(value, map without k), or None when k is not a key."""
        hk = k if type(k) in _SIMPLE else hkey(k)
        d = self.d
        if d is not None:
            if hk not in d:
                return None
            d = d.copy()
            v = d.pop(hk)
            orig = self.orig
            if orig and hk in orig:
                orig = dict(orig)
                del orig[hk]
            return v, Map(d, orig or None)
        root, gone = _trie_remove(self.root, hk)
        if gone is None:
            return None
        if self.n - 1 > FLAT_LIMIT:
            return gone[2], Map(None, None, root, self.n - 1)
        return gone[2], Map.from_pairs([(lf[1], lf[2]) for lf in _trie_leaves(root)])

    def merge(self, other):
        """maps:merge(self, other): other's values win."""
        if self is other:
            return self
        if self.d is not None and other.d is not None:
            d = self.d.copy()
            d.update(other.d)
            o = self.orig
            if other.orig:
                o = dict(o) if o else {}
                o.update(other.orig)
            if len(d) <= FLAT_LIMIT:
                return Map(d, o or None)
            return _tree_of_dict(d, o)
        if other.n >= self.n:
            return other.put_many([kv for kv in self._pairs() if not other.contains(kv[0])])
        return self.put_many(other._pairs())

    def __repr__(self):
        from .printer import format_term
        return format_term(self)


_ABSENT = object()
_NODE_BOUND = frozenset((Pid, Port, Ref))


def _tree_of_dict(d, orig):
    if orig:
        leaves = [(h, orig.get(h, h), v, hash(h) & _M64) for h, v in d.items()]
    else:
        leaves = [(h, h, v, hash(h) & _M64) for h, v in d.items()]
    return Map(None, None, _trie_from_leaves(leaves), len(d))


EMPTY_MAP = Map({}, None)
