"""BIFs on binaries: the `binary` module's native functions and erlang's
binary, iolist and checksum BIFs.

Searching uses bytes.find for one pattern and a regular expression of the
escaped patterns, longest first, for several: a regex alternation tries
its branches in order at the leftmost position where any matches, which
is BEAM's rule (leftmost match, the longest of those starting there).

A compiled pattern is {bm, Ref} or {ac, Ref} as in BEAM; the Ref is a
"magic" reference whose ids tuple carries the compiled pattern, so it lives
exactly as long as the reference does.
"""

import hashlib
import math
import re
import struct
import zlib

from ..terms import A, NIL, Cons, BitString, Ref, ErlangError, badarg, from_seq
from ..terms.errors import ERROR
from ..terms.bits import (bitstring_to_list, list_to_bitstring, iolist_to_bytes, iolist_size,
                          bit_size, byte_size, make_bitstring)
from ..code.contract import VM
from .registry import bif

_BM = A.bm
_AC = A.ac
_SCOPE = A.scope
_GLOBAL = A["global"]
_TRIM = A.trim
_TRIM_ALL = A.trim_all
_BIG = A.big
_LITTLE = A.little
_NOMATCH = A.nomatch

_UINT_LIMIT = 1 << 64      # term_to_Uint accepts 0 .. 2**64-1
_SINT_LIMIT = 1 << 63      # term_to_Sint accepts -2**63 .. 2**63-1
_U32_LIMIT = 1 << 32


def _uint(t):
    """A non-negative integer that fits a machine word, else badarg."""
    if type(t) is not int or t < 0 or t >= _UINT_LIMIT:
        raise badarg()
    return t


def _u32(t):
    if type(t) is not int or t < 0 or t >= _U32_LIMIT:
        raise badarg()
    return t


def _whole_bytes(t):
    """The bytes of a binary term (bitstrings with trailing bits: badarg)."""
    if type(t) is not bytes:
        raise badarg()
    return t


def _byte_part(t):
    """The whole bytes of any bitstring (what BEAM's binary_size counts)."""
    tt = type(t)
    if tt is bytes:
        return t
    if tt is BitString:
        return t.data[:-1]
    raise badarg()


def _too_big():
    return ErlangError(ERROR, A.system_limit)


# ---------------------------------------------------------------------------
# Patterns

class _MagicIds(tuple):
    """The ids of a magic reference; `payload` is the object it stands for.
    (A tuple subclass with a __dict__: equal and hashed as the plain ids.)"""


class _Pattern:
    """A compiled search pattern: the needles and the searcher."""

    __slots__ = ("needles", "regex")

    def __init__(self, needles):
        self.needles = needles
        if len(needles) == 1:
            self.regex = None
        else:
            alts = sorted(set(needles), key=len, reverse=True)
            self.regex = re.compile(b"|".join(re.escape(n) for n in alts))

    def first(self, hay, start, end):
        """(pos, len) of the leftmost-longest match in hay[start:end], or None."""
        if self.regex is None:
            needle = self.needles[0]
            pos = hay.find(needle, start, end)
            return None if pos < 0 else (pos, len(needle))
        m = self.regex.search(hay, start, end)
        return None if m is None else (m.start(), m.end() - m.start())

    def all(self, hay, start, end):
        """Non-overlapping matches from left to right, as (pos, len) pairs."""
        if self.regex is None:
            needle = self.needles[0]
            n = len(needle)
            out = []
            find = hay.find
            pos = find(needle, start, end)
            while pos >= 0:
                out.append((pos, n))
                pos = find(needle, pos + n, end)
            return out
        return [(m.start(), m.end() - m.start()) for m in self.regex.finditer(hay, start, end)]


def _needles(t):
    """The needle list of a pattern term (a binary or a non-empty list of
    non-empty binaries), or None."""
    if type(t) is bytes:
        return [t] if t else None
    if type(t) is not Cons:
        return None
    out = []
    while type(t) is Cons:
        b = t.hd
        if type(b) is not bytes or not b:
            return None
        out.append(b)
        t = t.tl
    if t is not NIL:
        return None
    return out


def _magic_pattern(t):
    """The _Pattern of a {bm, Ref} / {ac, Ref} term made by compile_pattern, or None."""
    if len(t) != 2 or type(t[1]) is not Ref or type(t[1].ids) is not _MagicIds:
        return None
    pat = t[1].ids.payload
    if type(pat) is not _Pattern or t[0] is not (_BM if len(pat.needles) == 1 else _AC):
        return None
    return pat


def _pattern(t):
    """A pattern argument (plain or compiled) as a _Pattern; badarg if bad."""
    if type(t) is tuple:
        pat = _magic_pattern(t)
        if pat is None:
            raise badarg()
        return pat
    needles = _needles(t)
    if needles is None:
        raise badarg()
    return _Pattern(needles)


@bif("binary", "compile_pattern", 1)
def compile_pattern(p):
    needles = _needles(p)
    if needles is None:
        raise badarg()
    ref = VM.make_ref()
    ids = _MagicIds(ref.ids)
    ids.payload = _Pattern(needles)
    return (_BM if len(needles) == 1 else _AC, Ref(ref.node, ids, ref.creation))


def _scope(item, size):
    """A {scope, {Pos, Len}} option as (start, end), or badarg."""
    if type(item) is not tuple or len(item) != 2 or item[0] is not _SCOPE \
            or type(item[1]) is not tuple or len(item[1]) != 2:
        raise badarg()
    pos, length = item[1]
    pos = _uint(pos)
    if type(length) is not int or not -_SINT_LIMIT < length < _SINT_LIMIT:
        raise badarg()
    if length < 0:
        pos += length
        length = -length
    if pos < 0 or pos + length > size:
        raise badarg()
    return pos, pos + length


def _search_opts(opts, size, split):
    """(start, end, global, trim, trim_all) from a match/split option list.
    As in BEAM, an improper tail after the options is ignored."""
    start, end = 0, size
    glob = trim = trim_all = False
    if opts is NIL:
        return start, end, glob, trim, trim_all
    if type(opts) is not Cons:
        raise badarg()
    while type(opts) is Cons:
        o = opts.hd
        if split and o is _GLOBAL:
            glob = True
        elif split and o is _TRIM:
            trim = True
        elif split and o is _TRIM_ALL:
            trim_all = True
        else:
            start, end = _scope(o, size)
        opts = opts.tl
    return start, end, glob, trim, trim_all


def _match(subject, pattern, opts, glob):
    subject = _whole_bytes(subject)
    start, end = _search_opts(opts, len(subject), False)[:2]
    if end == 0:
        return NIL if glob else _NOMATCH
    pat = _pattern(pattern)
    if glob:
        return from_seq(pat.all(subject, start, end))
    r = pat.first(subject, start, end)
    return _NOMATCH if r is None else r


@bif("binary", "match", 2)
def match_2(subject, pattern):
    return _match(subject, pattern, NIL, False)


@bif("binary", "match", 3)
def match_3(subject, pattern, opts):
    return _match(subject, pattern, opts, False)


@bif("binary", "matches", 2)
def matches_2(subject, pattern):
    return _match(subject, pattern, NIL, True)


@bif("binary", "matches", 3)
def matches_3(subject, pattern, opts):
    return _match(subject, pattern, opts, True)


def _split(subject, pattern, opts):
    subject = _whole_bytes(subject)
    size = len(subject)
    start, end, glob, trim, trim_all = _search_opts(opts, size, True)
    trimming = trim or trim_all
    if end == 0:
        return NIL if trimming and not size else Cons(subject, NIL)
    pat = _pattern(pattern)
    if not glob:
        found = pat.first(subject, start, end)
        if found is None:
            return NIL if trimming and not size else Cons(subject, NIL)
        pos, n = found
        rest = subject[pos + n:]
        if trimming and not rest:
            return NIL if pos == 0 else Cons(subject[:pos], NIL)
        tail = Cons(rest, NIL)
        return tail if trim_all and pos == 0 else Cons(subject[:pos], tail)
    found = pat.all(subject, start, end)
    if not found:
        return NIL if trimming and not size else Cons(subject, NIL)
    # Pieces from the last to the first: `trim` drops trailing empty pieces,
    # `trim_all` every empty piece.
    out = NIL
    drop_empty = trimming
    piece_end = size
    for pos, n in reversed(found):
        if piece_end > pos + n or not drop_empty:
            out = Cons(subject[pos + n:piece_end], out)
            drop_empty = trim_all
        piece_end = pos
    if piece_end or not drop_empty:
        out = Cons(subject[:piece_end], out)
    return out


@bif("binary", "split", 2)
def split_2(subject, pattern):
    return _split(subject, pattern, NIL)


@bif("binary", "split", 3)
def split_3(subject, pattern, opts):
    return _split(subject, pattern, opts)


# ---------------------------------------------------------------------------
# Parts and bytes

def _part(b, pos, length):
    """binary:part/3 and erlang:binary_part/3 (whole bytes of a bitstring)."""
    data = _byte_part(b)
    pos = _uint(pos)
    if type(length) is not int or not -_SINT_LIMIT < length < _SINT_LIMIT:
        raise badarg()
    if length < 0:
        if -length > pos:
            raise badarg()
        pos += length
        length = -length
    if pos + length > len(data):
        raise badarg()
    if not pos and length == len(data) and type(b) is bytes:
        return b
    return data[pos:pos + length]


def _part2(b, pos_len):
    if type(pos_len) is not tuple or len(pos_len) != 2:
        raise badarg()
    return _part(b, pos_len[0], pos_len[1])


bif("binary", "part", 3)(_part)
bif("binary", "part", 2)(_part2)
bif("erlang", "binary_part", 3)(_part)
bif("erlang", "binary_part", 2)(_part2)


@bif("binary", "at", 2)
def at(b, pos):
    data = _whole_bytes(b)
    if type(pos) is not int or pos < 0 or pos >= len(data):
        raise badarg()
    return data[pos]


@bif("binary", "first", 1)
def first(b):
    data = _whole_bytes(b)
    if not data:
        raise badarg()
    return data[0]


@bif("binary", "last", 1)
def last(b):
    data = _whole_bytes(b)
    if not data:
        raise badarg()
    return data[-1]


def _copy(b, n):
    if type(b) is not bytes and type(b) is not BitString:
        raise badarg()
    n = _uint(n)
    if not n:
        return b""
    data = _whole_bytes(b)
    if n == 1:
        return data
    try:
        return data * n
    except (MemoryError, OverflowError):
        raise _too_big()


@bif("binary", "copy", 1)
def copy_1(b):
    return _copy(b, 1)


bif("binary", "copy", 2)(_copy)


@bif("binary", "referenced_byte_size", 1)
def referenced_byte_size(b):
    # erlpy binaries never share a larger buffer: the referenced size is the
    # term's own byte size (BEAM gives the size of the original binary of a
    # sub-binary of a large binary).
    return byte_size(b)


def _endianness(e):
    if e is _BIG:
        return "big"
    if e is _LITTLE:
        return "little"
    raise badarg()


def _decode_unsigned(b, e):
    return int.from_bytes(_whole_bytes(b), _endianness(e))


@bif("binary", "decode_unsigned", 1)
def decode_unsigned_1(b):
    return _decode_unsigned(b, _BIG)


bif("binary", "decode_unsigned", 2)(_decode_unsigned)


def _encode_unsigned(u, e):
    if type(u) is not int or u < 0:
        raise badarg()
    order = _endianness(e)
    return u.to_bytes(max(1, (u.bit_length() + 7) >> 3), order)


@bif("binary", "encode_unsigned", 1)
def encode_unsigned_1(u):
    return _encode_unsigned(u, _BIG)


bif("binary", "encode_unsigned", 2)(_encode_unsigned)


def _binary_list(lst):
    """A non-empty proper list of binaries as a Python list, or badarg."""
    out = []
    while type(lst) is Cons:
        out.append(_whole_bytes(lst.hd))
        lst = lst.tl
    if lst is not NIL or not out:
        raise badarg()
    return out


def _common_prefix_len(seqs):
    shortest = min(map(len, seqs))
    n = 0
    for column in zip(*seqs):
        if column.count(column[0]) != len(column):
            return n
        n += 1
    return shortest


@bif("binary", "longest_common_prefix", 1)
def longest_common_prefix(lst):
    bins = _binary_list(lst)
    if len(bins) == 1:
        return len(bins[0])
    return _common_prefix_len(bins)


@bif("binary", "longest_common_suffix", 1)
def longest_common_suffix(lst):
    bins = _binary_list(lst)
    if len(bins) == 1:
        return len(bins[0])
    return _common_prefix_len([b[::-1] for b in bins])


# ---------------------------------------------------------------------------
# erlang: conversions

@bif("erlang", "list_to_binary", 1)
def list_to_binary(lst):
    if lst is NIL:
        return b""
    if type(lst) is not Cons:
        raise badarg()
    if lst.tl is NIL and type(lst.hd) is bytes:
        return lst.hd
    return iolist_to_bytes(lst)


bif("binary", "list_to_bin", 1)(list_to_binary)


@bif("erlang", "iolist_to_binary", 1)
def iolist_to_binary(t):
    if type(t) is bytes:
        return t
    return list_to_binary(t)


bif("erlang", "iolist_size", 1)(iolist_size)
bif("erlang", "bit_size", 1)(bit_size)
bif("erlang", "byte_size", 1)(byte_size)
bif("erlang", "bitstring_to_list", 1)(bitstring_to_list)


@bif("erlang", "list_to_bitstring", 1)
def list_to_bitstring_1(lst):
    if type(lst) is Cons and lst.tl is NIL and type(lst.hd) in (bytes, BitString):
        return lst.hd
    return list_to_bitstring(lst)


@bif("erlang", "binary_to_list", 1)
def binary_to_list_1(b):
    return from_seq(_whole_bytes(b))


@bif("erlang", "binary_to_list", 3)
def binary_to_list_3(b, start, stop):
    data = _byte_part(b)
    start = _uint(start)
    stop = _uint(stop)
    if start < 1 or stop > len(data) or stop < start:
        raise badarg()
    return from_seq(data[start - 1:stop])


@bif("erlang", "split_binary", 2)
def split_binary(b, pos):
    nbytes = len(_byte_part(b))
    pos = _uint(pos)
    if pos > nbytes:
        raise badarg()
    if type(b) is bytes:
        return b[:pos], b[pos:]
    return b.data[:pos], make_bitstring(b.data, pos << 3, b.bits - (pos << 3))


# ---------------------------------------------------------------------------
# iolist_to_iovec: BEAM's packing of small pieces into shared binaries

_SMALL_BIN = 256                # IOL2V_SMALL_BIN_LIMIT
_ACC_REALLOC_LIMIT = 256 * 32   # beyond this the accumulator is emitted, not grown


class _IovecBuilder:
    """Small binaries and byte runs are copied into an accumulator; large
    binaries are emitted as they are; a large binary after a small
    accumulator tops it up to 256 bytes first. Reproduces BEAM's piece
    boundaries, which callers can observe."""

    __slots__ = ("out", "acc", "alloc")

    def __init__(self):
        self.out = []
        self.acc = None
        self.alloc = 0

    def _promote(self):
        self.out.append(bytes(self.acc))
        self.acc = None

    def _expand(self, extra):
        acc = self.acc
        required = (0 if acc is None else len(acc)) + extra
        if acc is None:
            self.acc = bytearray()
            self.alloc = max(required, _SMALL_BIN)
        elif required > self.alloc:
            if self.alloc >= _ACC_REALLOC_LIMIT:
                self._promote()
                self._expand(extra)
            else:
                self.alloc = max(required, self.alloc * 2)

    def add_run(self, run):
        self._expand(len(run))
        self.acc += run

    def add_binary(self, b):
        size = len(b)
        if not size:
            return
        acc_size = 0 if self.acc is None else len(self.acc)
        if size >= _SMALL_BIN and (acc_size == 0 or acc_size >= _SMALL_BIN):
            if acc_size:
                self._promote()
            self.out.append(b)
        elif size < _SMALL_BIN or size + acc_size < 2 * _SMALL_BIN:
            self._expand(size)
            self.acc += b
        else:
            spill = _SMALL_BIN - acc_size
            self._expand(spill)
            self.acc += b[:spill]
            self._promote()
            self.out.append(b[spill:])

    def finish(self):
        if self.acc:
            self._promote()
        return from_seq(self.out)


@bif("erlang", "iolist_to_iovec", 1)
def iolist_to_iovec(t):
    if t is NIL:
        return NIL
    if type(t) is bytes:
        return Cons(t, NIL) if t else NIL
    if type(t) is not Cons:
        raise badarg()
    iov = _IovecBuilder()
    stack = []
    run = bytearray()
    try:
        while True:
            while type(t) is Cons:
                h = t.hd
                th = type(h)
                if th is int:
                    run.append(h)
                    t = t.tl
                    continue
                if run:
                    iov.add_run(run)
                    run = bytearray()
                if th is bytes:
                    iov.add_binary(h)
                elif th is Cons:
                    if t.tl is not NIL:
                        stack.append(t.tl)
                    t = h
                    continue
                elif h is not NIL:
                    raise badarg()
                t = t.tl
            if run:
                iov.add_run(run)
                run = bytearray()
            if type(t) is bytes:
                iov.add_binary(t)
            elif t is not NIL:
                raise badarg()
            if not stack:
                return iov.finish()
            t = stack.pop()
    except ValueError:
        raise badarg()


# ---------------------------------------------------------------------------
# Checksums

def _iodata(t):
    if type(t) is bytes:
        return t
    if type(t) is not Cons and t is not NIL:
        raise badarg()
    return iolist_to_bytes(t)


@bif("erlang", "crc32", 1)
def crc32_1(data):
    return zlib.crc32(_iodata(data))


@bif("erlang", "crc32", 2)
def crc32_2(crc, data):
    return zlib.crc32(_iodata(data), _u32(crc))


@bif("erlang", "adler32", 1)
def adler32_1(data):
    return zlib.adler32(_iodata(data))


@bif("erlang", "adler32", 2)
def adler32_2(adler, data):
    return zlib.adler32(_iodata(data), _u32(adler))


_CRC_POLY = 0xEDB88320     # CRC-32, bit-reflected: bit 31 is x**0


def _crc_mulmod(a, b):
    """a * b modulo the CRC-32 polynomial, both in reflected form."""
    product = 0
    m = 1 << 31
    while m:
        if a & m:
            product ^= b
        m >>= 1
        b = (b >> 1) ^ _CRC_POLY if b & 1 else b >> 1
    return product


@bif("erlang", "crc32_combine", 3)
def crc32_combine(crc1, crc2, length):
    # crc(A ++ B) = crc(A) * x**(8 * len(B)) + crc(B)  (mod P)
    crc1, crc2, n = _u32(crc1), _u32(crc2), _u32(length)
    power = 1 << 31          # x**0
    square = 1 << 23         # x**8
    while n:
        if n & 1:
            power = _crc_mulmod(power, square)
        square = _crc_mulmod(square, square)
        n >>= 1
    return _crc_mulmod(power, crc1) ^ crc2


_ADLER_BASE = 65521


@bif("erlang", "adler32_combine", 3)
def adler32_combine(adler1, adler2, length):
    adler1, adler2, n = _u32(adler1), _u32(adler2), _u32(length)
    if not n:
        return adler1
    # zlib's formula, including its handling of unreduced inputs
    rem = n % _ADLER_BASE
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % _ADLER_BASE
    sum1 += (adler2 & 0xFFFF) + _ADLER_BASE - 1
    sum2 += (adler1 >> 16) + (adler2 >> 16) + _ADLER_BASE - rem
    if sum1 >= _ADLER_BASE:
        sum1 -= _ADLER_BASE
    if sum1 >= _ADLER_BASE:
        sum1 -= _ADLER_BASE
    if sum2 >= _ADLER_BASE << 1:
        sum2 -= _ADLER_BASE << 1
    if sum2 >= _ADLER_BASE:
        sum2 -= _ADLER_BASE
    return (sum1 | (sum2 << 16)) & 0xFFFFFFFF


# MD5 contexts are BEAM's 88-byte MD5_CTX: state[4], count[2] (bits, low
# word first) and a 64-byte input buffer, all little-endian. hashlib cannot
# resume from such a state, so md5_update/md5_final run the compression
# function here; md5/1 uses hashlib.

_MD5_CTX_SIZE = 88
_MD5_SHIFTS = (7, 12, 17, 22) * 4 + (5, 9, 14, 20) * 4 + (4, 11, 16, 23) * 4 + \
    (6, 10, 15, 21) * 4
_MD5_SINES = tuple(int(abs(math.sin(i + 1)) * 2 ** 32) & 0xFFFFFFFF for i in range(64))
_MD5_WORDS = struct.Struct("<16I")
_MD5_HEAD = struct.Struct("<6I")


def _md5_block(state, block):
    """One MD5 compression of a 64-byte block into the 4-word state."""
    x = _MD5_WORDS.unpack(block)
    a, b, c, d = state
    for i in range(64):
        r = i >> 4
        if r == 0:
            f = (b & c) | (~b & d)
            g = i
        elif r == 1:
            f = (d & b) | (~d & c)
            g = (5 * i + 1) & 15
        elif r == 2:
            f = b ^ c ^ d
            g = (3 * i + 5) & 15
        else:
            f = c ^ (b | (~d & 0xFFFFFFFF))
            g = (7 * i) & 15
        f = (f + a + _MD5_SINES[i] + x[g]) & 0xFFFFFFFF
        s = _MD5_SHIFTS[i]
        a, d, c = d, c, b
        b = (b + ((f << s) | (f >> (32 - s)))) & 0xFFFFFFFF
    return [(state[0] + a) & 0xFFFFFFFF, (state[1] + b) & 0xFFFFFFFF,
            (state[2] + c) & 0xFFFFFFFF, (state[3] + d) & 0xFFFFFFFF]


def _md5_update(ctx, data):
    """MD5Update on an MD5_CTX image: the new 88-byte image."""
    a, b, c, d, lo, hi = _MD5_HEAD.unpack(ctx[:24])
    buf = bytearray(ctx[24:])
    state = [a, b, c, d]
    n = len(data)
    index = (lo >> 3) & 0x3F
    added = (n << 3) & 0xFFFFFFFF
    lo = (lo + added) & 0xFFFFFFFF
    if lo < added:
        hi += 1
    hi = (hi + (n >> 29)) & 0xFFFFFFFF
    part = 64 - index
    i = 0
    if n >= part:
        buf[index:] = data[:part]
        state = _md5_block(state, bytes(buf))
        i = part
        while i + 63 < n:
            state = _md5_block(state, data[i:i + 64])
            i += 64
        index = 0
    buf[index:index + n - i] = data[i:]
    return _MD5_HEAD.pack(*state, lo, hi) + bytes(buf)


def _md5_context(ctx):
    if type(ctx) is not bytes or len(ctx) != _MD5_CTX_SIZE:
        raise badarg()
    return ctx


@bif("erlang", "md5", 1)
def md5(data):
    return hashlib.md5(_iodata(data)).digest()


@bif("erlang", "md5_init", 0)
def md5_init():
    return _MD5_HEAD.pack(0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0, 0) + bytes(64)


@bif("erlang", "md5_update", 2)
def md5_update(ctx, data):
    return _md5_update(_md5_context(ctx), _iodata(data))


@bif("erlang", "md5_final", 1)
def md5_final(ctx):
    ctx = _md5_context(ctx)
    lo, hi = struct.unpack("<2I", ctx[16:24])
    index = (lo >> 3) & 0x3F
    pad = (56 - index) if index < 56 else (120 - index)
    ctx = _md5_update(ctx, b"\x80" + bytes(pad - 1))
    ctx = _md5_update(ctx, struct.pack("<2I", lo, hi))
    return ctx[:16]
