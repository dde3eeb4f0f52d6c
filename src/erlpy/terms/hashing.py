"""Term hashing as BEAM does it: erlang:phash2/1,2, erlang:phash/2, and the
per-VM hash that decides the layout (hence the iteration and encoding order)
of maps with more than 32 keys.

The three functions differ in detail but share the walk: every term is
visited depth first with an explicit stack, so long lists and deep nesting
never recurse in Python. All arithmetic is on unsigned 32-bit words.

BEAM's per-VM hash (`internal_hash`) mixes the raw tagged word of immediates
and the addresses of node and export entries. Atoms there stand for their
index in BEAM's atom table, which depends on the order atoms were created;
we use the atom's name hash instead, and the node name's hash for a node
address: deterministic, and like BEAM's, not portable between VMs. Local
pids and ports carry their process/port table slot, computed for BEAM's
default table sizes (+P 262144, +Q 65536). Everything else (numbers,
binaries, lists, tuples, maps, local refs) hashes exactly as in BEAM.
"""

import struct

from .atom import Atom, atom
from .types import Nil, Cons, BitString, Pid, Port, Ref, Fun, ExportFun
from .maps import Map

__all__ = ["phash2", "phash", "make_hash2", "make_hash", "internal_hash", "atom_hash",
           "beam_map_order", "is_local_node", "set_local_node"]

_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF

# Bob Jenkins' golden ratio constant and its multiples (mod 2**32).
HCONST = 0x9e3779b9
HCONST_2 = 0x3c6ef372
HCONST_3 = 0xdaa66d2b
HCONST_4 = 0x78dde6e4
HCONST_5 = 0x1715609d
HCONST_6 = 0xb54cda56
HCONST_7 = 0x5384540f
HCONST_8 = 0xf1bbcdc8
HCONST_9 = 0x8ff34781
HCONST_10 = 0x2e2ac13a
HCONST_11 = 0xcc623af3
HCONST_12 = 0x6a99b4ac
HCONST_13 = 0x08d12e65
HCONST_14 = 0xa708a81e
HCONST_15 = 0x454021d7
HCONST_16 = 0xe3779b90
HCONST_17 = 0x81af1549
HCONST_18 = 0x1fe68f02
HCONST_19 = 0xbe1e08bb
HCONST_20 = 0x5c558274
HCONST_21 = 0xfa8cfc2d
HCONST_22 = 0x98c475e6

_NIL_HASH2 = 3468870702     # phash2([]) at the top of a term
_NIL_DEF = 2                # BEAM's type number for [] (mixed in below the top)
_INTERNAL_SALT = 3432918353

_local_node = (atom("nonode@nohost"), 0)     # (name, creation): see set_local_node


def _mix(a, b, c):
    """Jenkins' 96-bit mix; returns the new c (the running hash)."""
    a = ((a - b - c) & _M32) ^ (c >> 13)
    b = ((b - c - a) & _M32) ^ ((a << 8) & _M32)
    c = ((c - a - b) & _M32) ^ (b >> 13)
    a = ((a - b - c) & _M32) ^ (c >> 12)
    b = ((b - c - a) & _M32) ^ ((a << 16) & _M32)
    c = ((c - a - b) & _M32) ^ (b >> 5)
    a = ((a - b - c) & _M32) ^ (c >> 3)
    b = ((b - c - a) & _M32) ^ ((a << 10) & _M32)
    return ((c - a - b) & _M32) ^ (b >> 15)


def _mix3(a, b, c):
    """The same mix keeping all three words (block hashing carries them on)."""
    a = ((a - b - c) & _M32) ^ (c >> 13)
    b = ((b - c - a) & _M32) ^ ((a << 8) & _M32)
    c = ((c - a - b) & _M32) ^ (b >> 13)
    a = ((a - b - c) & _M32) ^ (c >> 12)
    b = ((b - c - a) & _M32) ^ ((a << 16) & _M32)
    c = ((c - a - b) & _M32) ^ (b >> 5)
    a = ((a - b - c) & _M32) ^ (c >> 3)
    b = ((b - c - a) & _M32) ^ ((a << 10) & _M32)
    c = ((c - a - b) & _M32) ^ (b >> 15)
    return a, b, c


def _block_hash(data, initval):
    """Jenkins' lookup2 over bytes, 12 at a time, seeded with `initval`."""
    a = b = HCONST
    c = initval
    n = len(data)
    full = n - n % 12
    if full:
        for x, y, z in struct.iter_unpack("<III", data[:full]):
            a, b, c = _mix3((a + x) & _M32, (b + y) & _M32, (c + z) & _M32)
    tail = data[full:] + bytes(12 - (n - full))
    x, y, z = struct.unpack("<III", tail)
    # the low byte of c is reserved for the length: tail bytes 8..10 go above it
    return _mix((a + x) & _M32, (b + y) & _M32, (c + n + (z << 8)) & _M32)


def _bin_parts(t):
    """(whole bytes, number of trailing bits, value of the trailing bits)."""
    if type(t) is bytes:
        return t, 0, 0
    nbytes = t.bits >> 3
    rest = t.bits & 7
    return t.data[:nbytes], rest, t.data[nbytes] >> (8 - rest)


_float_words = struct.Struct("<II").unpack
_pack_double = struct.Struct("<d").pack


def _float_lo_hi(f):
    """The low and high 32-bit words of a double, with -0.0 made 0.0."""
    if f == 0.0:
        f = 0.0
    return _float_words(_pack_double(f))


def _digits64(n):
    """The 64-bit digits of abs(n), least significant first (bignum layout)."""
    a = -n if n < 0 else n
    out = []
    while True:
        out.append(a & _M64)
        a >>= 64
        if not a:
            return out


# -- atoms ---------------------------------------------------------------------

_atom_hashes = {}


def atom_hash(a):
    """BEAM's atom-table hash of an atom's name (hashpjw over the UTF-8 text,
    reading two-byte Latin-1 sequences as one byte), a 64-bit value."""
    h = _atom_hashes.get(a)
    if h is None:
        b = a.name.encode("utf-8")
        h = 0
        i = 0
        n = len(b)
        while i < n:
            v = b[i]
            i += 1
            if i < n and (v & 0xFE) == 0xC2 and (b[i] & 0xC0) == 0x80:
                v = ((v << 6) | (b[i] & 0x3F)) & 0xFF
                i += 1
            h = ((h << 4) + v) & _M64
            g = h & 0xF0000000
            if g:
                h ^= (g >> 24) ^ g
        _atom_hashes[a] = h
    return h


# -- phash2 --------------------------------------------------------------------

class _Mark:
    """A marker on a hashing stack (never an Erlang term)."""

    __slots__ = ("n",)

    def __init__(self, n=0):
        self.n = n


_MAP_PAIR = _Mark()
_MAP_TAIL = _Mark()
_CDR_PRE = _Mark()
_CDR_POST = _Mark()
_HASH_CDR = _Mark()


# The hash so far after the arity of a tuple that starts the term.
_TUPLE_START = [_mix(HCONST_9 + n, HCONST_9, 0) for n in range(16)]
_small_int_hashes = {}       # phash2 of the integers -65536..65535 met so far


def make_hash2(term):
    """The full 32-bit hash behind erlang:phash2 (make_hash2 in BEAM)."""
    tt = type(term)
    if tt is int:
        h = _small_int_hashes.get(term)
        if h is None:
            h = _int_hash2(term, 0)
            if -65536 <= term < 65536:
                _small_int_hashes[term] = h
        return h
    if tt is Atom:
        h = _atom_hashes.get(term)
        return (atom_hash(term) if h is None else h) & _M32
    return _hash2_walk(term)


def _int_hash2(n, h):
    """Mix an integer into the running phash2 hash: 28-bit ones as a signed
    word (negative ones twice, as BEAM does), others by 64-bit digits."""
    if -0x8000000 <= n < 0x8000000:
        if n < 0:
            h = _mix((HCONST - n) & _M32, HCONST, h)
        return _mix((HCONST + n) & _M32, HCONST, h)
    con = HCONST_10 if n < 0 else HCONST_11
    for d in _digits64(n):
        h = _mix((con + (d & _M32)) & _M32, (con + (d >> 32)) & _M32, h)
    return h


def _hash2_walk(term):
    h = 0
    xor_pairs = 0
    stack = []
    push = stack.append
    pop = stack.pop
    while True:
        tt = type(term)
        if tt is int:
            h = _int_hash2(term, h)
        elif tt is Atom:
            if h == 0:
                h = atom_hash(term) & _M32
            else:
                h = _mix((HCONST_3 + atom_hash(term)) & _M32, HCONST_3, h)
        elif tt is tuple:
            n = len(term)
            h = _TUPLE_START[n] if h == 0 and n < 16 else _mix((HCONST_9 + n) & _M32, HCONST_9, h)
            if n:
                if n > 1:
                    stack.extend(term[:0:-1])
                term = term[0]
                continue
        elif tt is Cons:
            # bytes are packed four to a word; any other head is hashed as a term
            c = 0
            sh = 0
            while True:
                hd = term.hd
                if type(hd) is int and 0 <= hd <= 255:
                    sh = (sh << 8) + hd
                    if c == 3:
                        h = _mix((HCONST_4 + sh) & _M32, HCONST_4, h)
                        c = sh = 0
                    else:
                        c += 1
                    term = term.tl
                    if type(term) is not Cons:
                        break
                else:
                    push(term.tl)
                    term = hd
                    break
            if c:
                h = _mix((HCONST_4 + sh) & _M32, HCONST_4, h)
            continue
        elif tt is Nil:
            h = _NIL_HASH2 if h == 0 else _mix((HCONST_2 + _NIL_DEF) & _M32, HCONST_2, h)
        elif tt is bytes or tt is BitString:
            data, rest, last = _bin_parts(term)
            con = (HCONST_13 + h) & _M32
            if not data and not rest:
                h = con
            else:
                h = _block_hash(data, con)
                if rest:
                    h = _mix((HCONST_15 + rest) & _M32, (HCONST_15 + last) & _M32, h)
        elif tt is Map:
            n = len(term)
            h = _mix((HCONST_16 + n) & _M32, HCONST_16, h)
            if n:
                # pairs are hashed on their own and xor-ed: order does not matter
                push(xor_pairs)
                push(h)
                push(_MAP_TAIL)
                h = 0
                xor_pairs = 0
                for k, v in term.items():
                    push(_MAP_PAIR)
                    push(v)
                    push(k)
        elif tt is float:
            lo, hi = _float_lo_hi(term)
            h = _mix((HCONST_12 + hi) & _M32, (HCONST_12 + lo) & _M32, h)
        elif tt is Pid:
            h = _mix((HCONST_5 + term.num) & _M32, HCONST_5, h)
        elif tt is Port:
            num = term.num
            h = _mix((HCONST_6 + (num & _M32)) & _M32, (HCONST_6 + (num >> 32)) & _M32, h)
        elif tt is Ref:
            h = _mix((HCONST_7 + term.ids[0]) & _M32, HCONST_7, h)
        elif tt is Fun:
            e = term.entry
            env = term.env
            h = _mix((HCONST + len(env)) & _M32, (HCONST + atom_hash(e.module)) & _M32, h)
            h = _mix((HCONST + e.index) & _M32, (HCONST + e.old_uniq) & _M32, h)
            if env:
                if len(env) > 1:
                    stack.extend(env[:0:-1])
                term = env[0]
                continue
        elif tt is ExportFun:
            h = _mix((HCONST + term.arity) & _M32,
                     (HCONST + atom_hash(term.module)) & _M32, h)
            h = _mix((HCONST_14 + atom_hash(term.function)) & _M32, HCONST_14, h)
        else:
            raise TypeError("not an Erlang term: %r" % (term,))
        # the term is done: continue with the next pending one
        while True:
            if not stack:
                return h
            term = pop()
            if term is _MAP_PAIR:
                xor_pairs ^= h
                h = 0
            elif term is _MAP_TAIL:
                h = _mix((HCONST_19 + xor_pairs) & _M32, HCONST_19, pop())
                xor_pairs = pop()
            else:
                break


def phash2(term, range=1 << 32):
    """erlang:phash2(Term, Range): a hash in 0..Range-1 (Range in 1..2**32)."""
    return make_hash2(term) % range


# -- phash (the older portable hash) ------------------------------------------

# BEAM's "funny numbers": primes just above 2**28 (its seventh goes unused)
_F1 = 268440163
_F2 = 268439161
_F3 = 268435459
_F4 = 268436141
_F5 = 268438633
_F6 = 268437017
_F8 = 268437511
_F9 = 268439627
_F10 = 268440479
_F11 = 268440577
_F12 = 268440581
_F13 = 268440593
_F14 = 268440611


def _step32(h, x, prime):
    """Hash the four bytes of a 32-bit word, least significant first."""
    h = (h * prime + (x & 0xFF)) & _M32
    h = (h * prime + ((x >> 8) & 0xFF)) & _M32
    h = (h * prime + ((x >> 16) & 0xFF)) & _M32
    return (h * prime + ((x >> 24) & 0xFF)) & _M32


def make_hash(term):
    """The full 32-bit hash behind erlang:phash/2 (make_hash in BEAM)."""
    h = 0
    stack = []
    push = stack.append
    pop = stack.pop
    while True:
        tt = type(term)
        if tt is int:
            # abs value byte by byte over whole 32-bit words, then the sign
            a = -term if term < 0 else term
            for _ in range(max(1, (a.bit_length() + 31) >> 5)):
                h = _step32(h, a & _M32, _F2)
                a >>= 32
            h = (h * (_F4 if term < 0 else _F3)) & _M32
        elif tt is Atom:
            h = (h * _F1 + atom_hash(term)) & _M32
        elif tt is tuple:
            push(_Mark(len(term)))
            if term:
                stack.extend(term[::-1])
        elif tt is Cons:
            while True:
                hd = term.hd
                if type(hd) is int and 0 <= hd <= 255:
                    h = (h * _F2 + hd) & _M32
                    term = term.tl
                    if type(term) is not Cons:
                        push(_CDR_POST)
                        push(term)
                        break
                else:
                    push(term.tl)
                    push(_CDR_PRE)
                    push(hd)
                    break
        elif tt is Nil:
            h = (h * _F3 + 1) & _M32
        elif tt is bytes or tt is BitString:
            data, rest, last = _bin_parts(term)
            for byte in data:
                h = (h * _F1 + byte) & _M32
            if rest:
                h = ((h * _F1 + last) * _F12 + rest) & _M32
            h = (h * _F4 + len(data)) & _M32
        elif tt is float:
            lo, hi = _float_lo_hi(term)
            h = (h * _F6 + (lo ^ hi)) & _M32
        elif tt is Pid:
            h = (_step32(h, term.num, _F5) * _F6) & _M32
        elif tt is Port:
            num = term.num
            if num >> 32:
                h = _step32(h, num >> 32, _F11)
            h = (_step32(h, num & _M32, _F9) * _F10) & _M32
        elif tt is Ref:
            h = (_step32(h, term.ids[0], _F9) * _F10) & _M32
        elif tt is Map:
            h = (h * _F13 + _F14 + make_hash2(term)) & _M32
        elif tt is Fun:
            e = term.entry
            h = (h * _F10 + len(term.env)) & _M32
            h = (h * _F1 + atom_hash(e.module)) & _M32
            h = (h * _F2 + e.index) & _M32
            h = (h * _F2 + e.old_uniq) & _M32
            if term.env:
                stack.extend(term.env[::-1])
        elif tt is ExportFun:
            h = (h * _F11 + term.arity) & _M32
            h = (h * _F1 + atom_hash(term.module)) & _M32
            h = (h * _F1 + atom_hash(term.function)) & _M32
        elif tt is _Mark:
            if term is _CDR_POST:
                h = (h * _F8) & _M32
            elif term is _CDR_PRE:
                # the tail after a non-byte head: a list goes on, anything else ends it
                term = pop()
                if type(term) is not Cons:
                    push(_CDR_POST)
                continue
            else:
                h = (h * _F9 + term.n) & _M32
        else:
            raise TypeError("not an Erlang term: %r" % (term,))
        if not stack:
            return h
        term = pop()


def phash(term, range):
    """erlang:phash(Term, Range): a hash in 1..Range (Range in 1..2**32)."""
    return make_hash(term) % range + 1


# -- the per-VM hash and large-map order --------------------------------------

def is_local_node(node, creation):
    """Whether node/creation name this node: its pids, ports and refs are the
    'internal' ones, which BEAM stores (and hashes, and validates) differently."""
    return node is _local_node[0] and creation == _local_node[1]


def set_local_node(node, creation):
    """Record this node's name and creation (nonode@nohost/0 until distributed)."""
    global _local_node
    _local_node = (node, creation)


def _word_hash(word, con, h):
    return _mix((con + (word & _M32)) & _M32, (con + ((word >> 32) & _M32)) & _M32, h)


def _ptab_word(data, bits, tag):
    """The tagged word of a local pid or port: the 28 data bits above the
    tag, and in the high half the slot in BEAM's process (2**18 slots) or
    port (2**16 slots) table, which spreads consecutive numbers over cache
    lines: 8 slots per line."""
    slot = ((data & ((1 << (bits - 3)) - 1)) << 3) + ((data >> (bits - 3)) & 7)
    return (slot << 32) | ((data & 0xFFFFFFF) << 4) | tag


def _rotl17(h, con):
    h ^= con
    return ((h << 17) & _M32) | (h >> 15)


def internal_hash(term, salt=0):
    """BEAM's per-VM term hash (make_internal_hash), which places map keys."""
    h = (salt ^ _INTERNAL_SALT) & _M32
    stack = []
    push = stack.append
    pop = stack.pop
    while True:
        tt = type(term)
        if tt is int:
            if -(1 << 59) <= term < (1 << 59):
                h = _word_hash(((term << 4) | 0xF) & _M64, HCONST, h)
            else:
                con = HCONST_10 if term < 0 else HCONST_11
                for d in _digits64(term):
                    h = _word_hash(d, con, h)
        elif tt is Atom:
            h = _word_hash((((atom_hash(term) & _M32) << 6) | 0x0B), HCONST, h)
        elif tt is Nil:
            h = _word_hash(0x3B, HCONST, h)
        elif tt is tuple:
            n = len(term)
            h = _mix((HCONST_9 + n) & _M32, HCONST_9, h)
            if n:
                if n > 1:
                    stack.extend(term[:0:-1])
                term = term[0]
                continue
        elif tt is Cons:
            c = 0
            sh = 0
            while True:
                hd = term.hd
                if type(hd) is int and 0 <= hd <= 255:
                    sh = (sh << 8) + hd
                    if c == 3:
                        h = _mix((HCONST_4 + sh) & _M32, HCONST_4, h)
                        c = sh = 0
                    else:
                        c += 1
                    term = term.tl
                    if type(term) is not Cons:
                        break
                else:
                    if c:
                        h = _mix((HCONST_22 + sh) & _M32, (HCONST_22 + c) & _M32, h)
                        c = 0
                    h = _rotl17(h, HCONST_17)
                    tl = term.tl
                    push(tl)
                    if type(tl) is not Cons:
                        push(_HASH_CDR)
                    term = hd
                    break
            if c:
                h = _mix((HCONST_22 + sh) & _M32, (HCONST_22 + c) & _M32, h)
            continue
        elif tt is bytes or tt is BitString:
            data, rest, last = _bin_parts(term)
            con = (HCONST_13 + h) & _M32
            if not data and not rest:
                h = con
            else:
                h = _block_hash(data, con)
                if rest:
                    h = _mix((HCONST_15 + rest) & _M32, (HCONST_15 + last) & _M32, h)
        elif tt is Map:
            n = len(term)
            h = _mix((HCONST_16 + n) & _M32, HCONST_16, h)
            pairs = beam_map_order(term)
            for i in range(len(pairs) - 1, -1, -1):
                k, v = pairs[i]
                push(v)
                push(k)
        elif tt is float:
            lo, hi = _float_lo_hi(term)
            h = _mix((HCONST_12 + lo) & _M32, (HCONST_12 + hi) & _M32, h)
        elif tt is Pid:
            if is_local_node(term.node, term.creation):
                h = _word_hash(_ptab_word((term.serial << 15) | term.num, 18, 0x3), HCONST, h)
            else:
                h = _word_hash(atom_hash(term.node), HCONST_5, h)
                h = _mix((HCONST_5 + term.num) & _M32, (HCONST_5 + term.serial) & _M32, h)
        elif tt is Port:
            if is_local_node(term.node, term.creation):
                h = _word_hash(_ptab_word(term.num, 16, 0x7), HCONST, h)
            else:
                h = _word_hash(atom_hash(term.node), HCONST_6, h)
                h = _word_hash(term.num, HCONST_6, h)
        elif tt is Ref:
            ids = term.ids + (0, 0)
            if not is_local_node(term.node, term.creation):
                h = _word_hash(atom_hash(term.node), HCONST_7, h)
            h = _mix((HCONST_7 + ids[0]) & _M32, HCONST_7, h)
            h = _mix((HCONST_8 + ids[1]) & _M32, (HCONST_8 + ids[2]) & _M32, h)
        elif tt is Fun:
            e = term.entry
            env = term.env
            modword = ((atom_hash(e.module) & _M32) << 6) | 0x0B
            h = _mix((HCONST_20 + len(env)) & _M32, (HCONST_20 + modword) & _M32, h)
            h = _mix((HCONST_21 + e.index) & _M32, (HCONST_21 + e.old_uniq) & _M32, h)
            if env:
                if len(env) > 1:
                    stack.extend(env[:0:-1])
                term = env[0]
                continue
        elif tt is ExportFun:
            # BEAM hashes the export entry's address; the MFA stands in for it
            h = _word_hash(atom_hash(term.module) ^ (atom_hash(term.function) << 8)
                           ^ term.arity, HCONST_14, h)
        else:
            raise TypeError("not an Erlang term: %r" % (term,))
        while True:
            if not stack:
                return h
            term = pop()
            if term is _HASH_CDR:
                h = _rotl17(h, HCONST_18)
            else:
                break


def _map_hash(key, depth):
    """The hash placing `key` in a map trie at depths 8*depth .. 8*depth+7."""
    if depth == 0:
        return internal_hash(key, 0)
    return internal_hash(key, _mix((HCONST_22 + depth) & _M32, (HCONST_22 + 1) & _M32, 0))


def _nibbles_first_low(h):
    """Reorder a 32-bit hash so that comparing values compares its nibbles
    lowest first: the order of slots along a path down the trie."""
    r = 0
    for _ in range(8):
        r = (r << 4) | (h & 0xF)
        h >>= 4
    return r


def _trie_order(pairs, depth):
    """Pairs in BEAM's hash-trie layout order: depth first, slots ascending."""
    keyed = sorted(((_nibbles_first_low(_map_hash(k, depth)), k, v) for k, v in pairs),
                   key=_first)
    out = []
    i = 0
    n = len(keyed)
    while i < n:
        j = i + 1
        while j < n and keyed[j][0] == keyed[i][0]:
            j += 1
        if j == i + 1:
            out.append(keyed[i][1:])
        else:
            # all 32 hash bits agree: BEAM goes on with a depth-salted hash
            out.extend(_trie_order([e[1:] for e in keyed[i:j]], depth + 1))
        i = j
    return out


def _first(e):
    return e[0]


def beam_map_order(m):
    """A map's pairs in BEAM's order: the order term_to_binary writes them,
    maps:to_list/keys return them and BEAM's per-VM hash visits them. Up to
    32 keys, sorted; beyond, the hash trie walked depth first, slots in
    descending order."""
    if len(m) <= 32:
        return m.items_sorted()
    pairs = _trie_order(m.items(), 0)
    pairs.reverse()
    return pairs
