"""Bit syntax at run time: building binaries, matching them, and the flat
conversions (iolists, bitstring lists) that BIFs share.

Terms: a binary is `bytes`; a bitstring whose size is not a multiple of 8 is
`BitString(data, bits)` with the unused low bits of the last byte zero.

Building (`create_bin`; `compile_create_bin` specialises one bs_create_bin
instruction at load time; `BinBuilder` serves the pre-OTP-25 bs_put_*
instructions). Output goes to a `_Writer`: a list of whole-byte pieces joined
once at the end, plus up to 7 pending bits kept as a Python int. While every
segment lands on a byte boundary (the common case) a segment costs one
`bytes` object and one list append; an unaligned segment shifts only its own
bits and the few pending ones, so the cost is linear in the size of the
result either way.

Appending (`<<Acc/binary, X:8>>`, compiled to an `append` or `private_append`
first segment) joins Acc with the new bytes: one allocation and one memcpy of
Acc, in C. BEAM makes a loop of such appends amortised O(1) per step by
handing out sub-binaries of one writable, over-allocated buffer. An immutable
`bytes` cannot share a growing buffer, so here each step copies the
accumulator: quadratic, at memcpy speed (100,000 one-byte appends copy 5 GB
and take about 0.3 s; a million would take about 30 s). Only a binary term
type that is a view on a shared bytearray would remove the copy; that is a
term-model change, outside this module.

Matching (`MatchCtx` and the `get_*` functions): a context is the source's
bytes plus a bit position and end; nothing is copied until a sub-binary is
extracted. Every matcher returns None (or False) on no-match and leaves the
position where it was, so the engine jumps to its fail label; none raises.

Flags are BEAM's field_flags bits: LITTLE (2) and SIGNED (4); `norm_flags`
folds NATIVE (16) into LITTLE on a little-endian host and accepts the flag
lists of bs_create_bin.
"""

import struct
import sys

from .atom import A
from .types import NIL, Cons, BitString
from .errors import ErlangError, ERROR, badarg
from .maps import Map
from .numbers import int_to_float

__all__ = [
    "LITTLE", "SIGNED", "norm_flags", "ALL",
    "BS_INTEGER", "BS_FLOAT", "BS_BINARY", "BS_UTF8", "BS_UTF16", "BS_UTF32", "BS_STRING",
    "BS_APPEND", "BS_PRIVATE_APPEND", "SEGMENT_KINDS", "create_bin", "compile_create_bin",
    "RUNTIME",
    "BinBuilder", "init_size", "append_builder", "init_writable", "bs_add", "utf8_size",
    "utf16_size",
    "MatchCtx", "start_match", "get_integer", "get_float", "get_binary", "skip_bits",
    "test_tail", "test_unit", "match_string", "get_utf8", "get_utf16", "get_utf32", "get_tail",
    "get_position", "set_position",
    "bit_size", "byte_size", "bits_of", "make_bitstring", "bitstring_to_list",
    "list_to_bitstring", "iolist_to_bytes", "iolist_size",
]

LITTLE = 2
SIGNED = 4
_NATIVE = 16
_NATIVE_IS_LITTLE = sys.byteorder == "little"

ALL = A.all

# Segment kinds of bs_create_bin (the loader maps the type atom to these).
BS_INTEGER = 0
BS_FLOAT = 1
BS_BINARY = 2
BS_UTF8 = 3
BS_UTF16 = 4
BS_UTF32 = 5
BS_STRING = 6
BS_APPEND = 7
BS_PRIVATE_APPEND = 8

SEGMENT_KINDS = {
    "integer": BS_INTEGER, "float": BS_FLOAT, "binary": BS_BINARY, "utf8": BS_UTF8,
    "utf16": BS_UTF16, "utf32": BS_UTF32, "string": BS_STRING, "append": BS_APPEND,
    "private_append": BS_PRIVATE_APPEND,
}

# The operation named in the error_info cause of a failed segment.
_KIND_OP = {
    BS_INTEGER: A.integer, BS_FLOAT: A.float, BS_BINARY: A.binary, BS_UTF8: A.utf8,
    BS_UTF16: A.utf16, BS_UTF32: A.utf32, BS_STRING: A.string, BS_APPEND: A.binary,
    BS_PRIVATE_APPEND: A.binary,
}

_BADARG = A.badarg
_SYSTEM_LIMIT = A.system_limit
_TYPE = A.type
_SIZE = A.size
_UNIT = A.unit
_SHORT = A.short
_INVALID = A.invalid
_NO_FLOAT = A.no_float
_LITTLE_ATOM = A.little
_NATIVE_ATOM = A.native
_SIGNED_ATOM = A.signed

_MAX_SMALL = (1 << 59) - 1          # BEAM's largest immediate integer (64-bit)
_WORD_LIMIT = 1 << 63               # a segment's size in bits must stay below this
_SEG_FN = A.format_bs_fail
_SEG_MODULE = A.erl_erts_errors

_BYTE = [bytes((i,)) for i in range(256)]


def norm_flags(flags):
    """field_flags (an int) or a bs_create_bin flag list (atoms, or []) ->
    LITTLE|SIGNED bits, with `native` resolved for this host."""
    if type(flags) is int:
        bits = flags & (LITTLE | SIGNED)
        native = flags & _NATIVE
    else:
        bits = native = 0
        while type(flags) is Cons:
            f = flags.hd
            if f is _LITTLE_ATOM:
                bits |= LITTLE
            elif f is _SIGNED_ATOM:
                bits |= SIGNED
            elif f is _NATIVE_ATOM:
                native = 1
            flags = flags.tl
    if native:
        bits = (bits | LITTLE) if _NATIVE_IS_LITTLE else (bits & ~LITTLE)
    return bits


# ---------------------------------------------------------------------------
# Numbers

_INF = float("inf")


def _round_int(v, mant_bits):
    """v rounded to mant_bits significant bits, ties to even (a single C
    integer-to-float conversion)."""
    mag = -v if v < 0 else v
    extra = mag.bit_length() - mant_bits
    if extra <= 0:
        return v
    half = 1 << (extra - 1)
    low = mag & ((1 << extra) - 1)
    mag >>= extra
    if low > half or (low == half and mag & 1):
        mag += 1
    mag <<= extra
    return -mag if v < 0 else mag


def _pack_float(fmt, x):
    """struct.pack, saturating to +-infinity where a C cast would."""
    try:
        return struct.pack(fmt, x)
    except OverflowError:
        return struct.pack(fmt, _INF if x > 0 else -_INF)


def _float_piece(v, nbits, flags):
    """The bytes of a float segment, or an error atom (type, no_float) or
    None for a size other than 16/32/64 ('invalid')."""
    if nbits == 64:
        fmt = "<d" if flags & LITTLE else ">d"
    elif nbits == 32:
        fmt = "<f" if flags & LITTLE else ">f"
    elif nbits == 16:
        fmt = "<e" if flags & LITTLE else ">e"
    else:
        return None
    t = type(v)
    if t is float:
        return _pack_float(fmt, v)
    if t is not int:
        return _TYPE
    if -_MAX_SMALL - 1 <= v <= _MAX_SMALL:
        if nbits == 64:
            return struct.pack(fmt, float(v))
        return _pack_float(fmt, float(_round_int(v, 24 if nbits == 32 else 11)))
    d = int_to_float(v)
    if d is None:
        return _NO_FLOAT
    return _pack_float(fmt, d)


def _utf8_piece(v):
    if type(v) is not int or v < 0:
        return None
    if v < 0x80:
        return _BYTE[v]
    if v < 0x800:
        return bytes((0xC0 | (v >> 6), 0x80 | (v & 0x3F)))
    if v < 0x10000:
        if 0xD800 <= v <= 0xDFFF:
            return None
        return bytes((0xE0 | (v >> 12), 0x80 | ((v >> 6) & 0x3F), 0x80 | (v & 0x3F)))
    if v < 0x110000:
        return bytes((0xF0 | (v >> 18), 0x80 | ((v >> 12) & 0x3F), 0x80 | ((v >> 6) & 0x3F),
                      0x80 | (v & 0x3F)))
    return None


def _is_code_point(v):
    return type(v) is int and 0 <= v <= 0x10FFFF and not 0xD800 <= v <= 0xDFFF


def _utf16_piece(v, flags):
    if not _is_code_point(v):
        return None
    order = "little" if flags & LITTLE else "big"
    if v < 0x10000:
        return v.to_bytes(2, order)
    v -= 0x10000
    return (0xD800 | (v >> 10)).to_bytes(2, order) + (0xDC00 | (v & 0x3FF)).to_bytes(2, order)


def utf8_size(v):
    """bs_utf8_size: bytes needed for v (checked later by bs_put_utf8)."""
    if type(v) is not int or v < 0x80:
        return 1
    return 2 if v < 0x800 else 3 if v < 0x10000 else 4


def utf16_size(v):
    """bs_utf16_size: bytes needed for v (checked later by bs_put_utf16)."""
    return 4 if type(v) is int and v >= 0x10000 else 2


# ---------------------------------------------------------------------------
# Writing bits

class _Writer:
    """Accumulates a bitstring: whole bytes in `parts`, then `nacc` (< 8)
    pending bits in `acc`."""

    __slots__ = ("parts", "acc", "nacc")

    def __init__(self):
        self.parts = []
        self.acc = 0
        self.nacc = 0

    def put_bytes(self, b):
        if self.nacc:
            self.put_bits(int.from_bytes(b, "big"), len(b) << 3)
        else:
            self.parts.append(b)

    def put_bits(self, value, n):
        """Append the n-bit unsigned value (most significant bit first)."""
        acc = (self.acc << n) | value
        total = self.nacc + n
        if total >= 8:
            rem = total & 7
            self.parts.append((acc >> rem).to_bytes(total >> 3, "big"))
            acc &= (1 << rem) - 1
            total = rem
        self.acc = acc
        self.nacc = total

    def put_term(self, t, nbits):
        """Append the first nbits of the bitstring t (checked to have them)."""
        if type(t) is bytes:
            if nbits == len(t) << 3:
                self.put_bytes(t)
            elif not nbits & 7:
                self.put_bytes(t[:nbits >> 3])
            else:
                self.put_bits(_read_bits(t, 0, nbits), nbits)
        elif nbits & 7:
            self.put_bits(_read_bits(t.data, 0, nbits), nbits)
        else:
            self.put_bytes(t.data[:nbits >> 3])

    def put_int(self, v, n, flags):
        """Append integer v as an n-bit field (masked, two's complement)."""
        if not n & 7:
            if n == 8:
                self.put_bytes(_BYTE[v & 255])
            elif n:
                self.put_bytes((v & ((1 << n) - 1)).to_bytes(n >> 3, "little" if flags & LITTLE
                                                              else "big"))
        elif flags & LITTLE and n > 8:
            # little endian: whole bytes low first, then the low n%8 bits of the top byte
            le = (v & ((1 << n) - 1)).to_bytes((n + 7) >> 3, "little")
            rem = n & 7
            self.put_bits((int.from_bytes(le[:-1], "big") << rem) | (le[-1] & ((1 << rem) - 1)),
                          n)
        else:
            self.put_bits(v & ((1 << n) - 1), n)

    def result(self):
        parts = self.parts
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        if not self.nacc:
            return data
        nacc = self.nacc
        return BitString(data + _BYTE[(self.acc << (8 - nacc)) & 255], (len(data) << 3) + nacc)


# ---------------------------------------------------------------------------
# bs_create_bin

def _seg_error(reason, segno, kind, info, value):
    """The exception of a failed segment: badarg/system_limit whose frame
    carries error_info #{cause => {Seg, Op, Info, Value}, function =>
    format_bs_fail, module => erl_erts_errors}."""
    e = ErlangError(ERROR, reason)
    e.error_info = Map.from_pairs([
        (A.cause, (segno, _KIND_OP[kind], info, value)),
        (A.function, _SEG_FN), (A.module, _SEG_MODULE)])
    return e


def _size_error(segno, kind, size, unit):
    """The size-phase error of a sized integer/float/binary segment, or None."""
    if type(size) is not int or size < 0:
        return _seg_error(_BADARG, segno, kind, _SIZE, size)
    if size > _MAX_SMALL or size * unit >= _WORD_LIMIT:
        return _seg_error(_SYSTEM_LIMIT, segno, kind, _SIZE, size)
    return None


def _size_phase_error(seg):
    """What BEAM's first pass (sizes, before any byte is written) rejects in
    one segment, or None."""
    kind, segno, unit, flags, value, size = seg
    if kind == BS_BINARY:
        if size is ALL:
            if type(value) is not bytes and type(value) is not BitString:
                return _seg_error(_BADARG, segno, kind, _TYPE, value)
            return None
        return _size_error(segno, kind, size, unit)
    if kind == BS_INTEGER or kind == BS_FLOAT:
        return _size_error(segno, kind, size, unit)
    if kind == BS_UTF32 and not _is_code_point(value):
        return _seg_error(_BADARG, segno, kind, _TYPE, value)
    return None


def _first_size_error(segs, start, err):
    """A construction error is reported only if no later segment fails the
    size pass, which BEAM runs over all segments first."""
    for i in range(start, len(segs)):
        e = _size_phase_error(segs[i])
        if e is not None:
            return e
    return err


def create_bin(segs):
    """Execute bs_create_bin. `segs` is a sequence of segments
    (kind, segno, unit, flags, value, size):
      kind   BS_* constant; segno the segment number for error_info;
      unit   the unit; flags norm_flags() bits;
      value  the source term (for BS_STRING: the literal bytes);
      size   an int (in units), ALL (binaries, append), or anything for
             utf/string segments (ignored).
    Returns bytes or BitString; raises ErlangError badarg/system_limit with
    error_info exactly as OTP 25 does."""
    w = _Writer()
    put = w.parts.append     # for whole bytes while no bits are pending (w.nacc == 0)
    n = len(segs)
    i = 0
    try:
        while i < n:
            kind, segno, unit, flags, value, size = segs[i]
            i += 1
            if kind == BS_INTEGER:
                if type(size) is not int or size < 0 or size > _MAX_SMALL \
                        or size * unit >= _WORD_LIMIT:
                    raise _size_error(segno, kind, size, unit)
                if type(value) is not int:
                    raise _first_size_error(segs, i, _seg_error(_BADARG, segno, kind, _TYPE,
                                                                value))
                if size * unit == 8 and not w.nacc:
                    put(_BYTE[value & 255])
                else:
                    w.put_int(value, size * unit, flags)
            elif kind == BS_BINARY:
                tv = type(value)
                if size is ALL:
                    if tv is bytes:
                        if unit != 8 and (len(value) << 3) % unit:
                            raise _first_size_error(
                                segs, i, _seg_error(_BADARG, segno, kind, _UNIT, value))
                        if w.nacc:
                            w.put_bytes(value)
                        else:
                            put(value)
                        continue
                    if tv is not BitString:
                        raise _seg_error(_BADARG, segno, kind, _TYPE, value)
                    if unit > 1 and value.bits % unit:
                        raise _first_size_error(
                            segs, i, _seg_error(_BADARG, segno, kind, _UNIT, value))
                    w.put_term(value, value.bits)
                    continue
                e = _size_error(segno, kind, size, unit)
                if e is not None:
                    raise e
                nbits = size * unit
                have = (len(value) << 3) if tv is bytes else value.bits if tv is BitString \
                    else -1
                if have < nbits:
                    info = _TYPE if have < 0 else _SHORT
                    raise _first_size_error(segs, i, _seg_error(_BADARG, segno, kind, info,
                                                                value))
                w.put_term(value, nbits)
            elif kind == BS_STRING:
                w.put_bytes(value)
            elif kind == BS_APPEND or kind == BS_PRIVATE_APPEND:
                # always the first segment: the accumulator
                tv = type(value)
                if tv is bytes:
                    have = len(value) << 3
                elif tv is BitString:
                    have = value.bits
                else:
                    raise _first_size_error(segs, i, _seg_error(_BADARG, segno, kind, _TYPE,
                                                                value))
                if unit > 1 and have % unit:
                    raise _first_size_error(segs, i, _seg_error(_BADARG, segno, kind, _UNIT,
                                                                value))
                w.put_term(value, have)
            elif kind == BS_FLOAT:
                e = _size_error(segno, kind, size, unit)
                if e is not None:
                    raise e
                piece = _float_piece(value, size * unit, flags)
                if type(piece) is not bytes:
                    if piece is None:
                        e = _seg_error(_BADARG, segno, kind, _INVALID, size * unit)
                    else:
                        e = _seg_error(_BADARG, segno, kind, piece, value)
                    raise _first_size_error(segs, i, e)
                w.put_bytes(piece)
            elif kind == BS_UTF8:
                piece = _utf8_piece(value)
                if piece is None:
                    raise _first_size_error(segs, i, _seg_error(_BADARG, segno, kind, _TYPE,
                                                                value))
                w.put_bytes(piece)
            elif kind == BS_UTF16:
                piece = _utf16_piece(value, flags)
                if piece is None:
                    raise _first_size_error(segs, i, _seg_error(_BADARG, segno, kind, _TYPE,
                                                                value))
                w.put_bytes(piece)
            elif kind == BS_UTF32:
                if not _is_code_point(value):
                    raise _seg_error(_BADARG, segno, kind, _TYPE, value)
                w.put_bytes(value.to_bytes(4, "little" if flags & LITTLE else "big"))
            else:
                raise ValueError("unknown bit syntax segment kind %r" % (kind,))
        return w.result()
    except (MemoryError, OverflowError):
        # too big to allocate: BEAM cannot either
        seg = segs[i - 1]
        raise _seg_error(_SYSTEM_LIMIT, seg[1], seg[0], _SIZE, seg[5])


class _RuntimeOperand:
    __slots__ = ()

    def __repr__(self):
        return "RUNTIME"


RUNTIME = _RuntimeOperand()

_PACK = {(64, 0): struct.Struct(">d").pack, (64, LITTLE): struct.Struct("<d").pack}
_compiled_shapes = {}


def compile_create_bin(segs):
    """Load time: a function executing one bs_create_bin instruction.

    `segs` are create_bin's segments with RUNTIME in place of each value or
    size known only at run time; the function takes those operands
    positionally, in segment order (a segment's value before its size), and
    returns what create_bin returns. Byte-aligned segments of the usual
    kinds get straight-line code (generated once per shape); anything else,
    and every error, goes through create_bin itself."""
    template = [tuple(seg) for seg in segs]
    slots = [(i, j) for i, seg in enumerate(template) for j in (4, 5) if seg[j] is RUNTIME]

    def slow(args):
        filled = [list(seg) for seg in template]
        for (i, j), v in zip(slots, args):
            filled[i][j] = v
        return create_bin([tuple(seg) for seg in filled])

    fast = _fast_source(template)
    if fast is None:
        return lambda *args: slow(args)
    source, consts = fast
    factory = _compiled_shapes.get(source)
    if factory is None:
        namespace = {}
        exec(source, namespace)
        factory = _compiled_shapes[source] = namespace["make"]
    return factory(slow, _BYTE, _utf8_piece, *consts)


def _fast_source(template):
    """(source of a factory, its constants) for segments that straight-line
    code handles, or None."""
    args, checks, prep, pieces, consts = [], [], [], [], []

    def const(v):
        consts.append(v)
        return "c%d" % (len(consts) - 1)

    for kind, segno, unit, flags, value, size in template:
        if size is RUNTIME:
            return None
        if value is RUNTIME:
            v = "a%d" % len(args)
            args.append(v)
        elif kind == BS_STRING:
            pieces.append(const(value))
            continue
        else:
            return None
        if kind == BS_INTEGER:
            if type(size) is not int or size < 0:
                return None
            nbits = size * unit
            if nbits & 7 or nbits > 64:
                return None
            checks.append("type(%s) is not int" % v)
            if nbits == 8:
                pieces.append("_B[%s & 255]" % v)
            elif nbits:
                pieces.append("(%s & %d).to_bytes(%d, %r)" % (
                    v, (1 << nbits) - 1, nbits >> 3, "little" if flags & LITTLE else "big"))
        elif kind == BS_BINARY or kind == BS_APPEND or kind == BS_PRIVATE_APPEND:
            if size is ALL:
                if unit != 1 and unit != 8:
                    return None
                checks.append("type(%s) is not bytes" % v)
                pieces.append(v)
            elif type(size) is int and size >= 0 and not (size * unit) & 7:
                nbytes = (size * unit) >> 3
                checks.append("type(%s) is not bytes or len(%s) < %d" % (v, v, nbytes))
                pieces.append("%s[:%d]" % (v, nbytes))
            else:
                return None
        elif kind == BS_FLOAT:
            pack = _PACK.get((size * unit if type(size) is int else None, flags & LITTLE))
            if pack is None:
                return None
            checks.append("type(%s) is not float" % v)
            pieces.append("%s(%s)" % (const(pack), v))
        elif kind == BS_UTF8:
            p = "p%d" % len(prep)
            prep.append((p, v))
            pieces.append(p)
        else:
            return None
    arglist = ", ".join(args)
    fallback = "return _slow((%s))" % "".join(a + ", " for a in args)
    lines = ["def make(_slow, _B, _U8%s):" % "".join(", c%d" % i for i in range(len(consts))),
             "    def build(%s):" % arglist]
    if checks:
        lines.append("        if %s:" % " or ".join(checks))
        lines.append("            " + fallback)
    for p, v in prep:
        lines.append("        %s = _U8(%s)" % (p, v))
        lines.append("        if %s is None:" % p)
        lines.append("            " + fallback)
    if not pieces:
        lines.append("        return b''")
    elif len(pieces) == 1:
        lines.append("        return " + pieces[0])
    elif len(pieces) == 2:
        lines.append("        return %s + %s" % tuple(pieces))
    else:
        lines.append("        return b''.join((%s))" % ", ".join(pieces))
    lines.append("    return build")
    return "\n".join(lines) + "\n", consts


# ---------------------------------------------------------------------------
# The construction instructions of OTP <= 24 (bs_init2 ... bs_put_*)

def init_size(size, unit):
    """bs_init2 (unit 8, size in bytes) / bs_init_bits (unit 1): the size in
    bits, or badarg/system_limit."""
    if type(size) is not int or size < 0:
        raise badarg()
    if size > _MAX_SMALL or size * unit >= _WORD_LIMIT:
        raise ErlangError(ERROR, _SYSTEM_LIMIT)
    return size * unit


def bs_add(a, b, unit):
    """bs_add: a + b * unit for non-negative sizes (badarg / system_limit)."""
    if type(a) is not int or type(b) is not int or a < 0 or b < 0:
        raise badarg()
    if a > _MAX_SMALL or b > _MAX_SMALL or b * unit >= 1 << 64:
        raise ErlangError(ERROR, _SYSTEM_LIMIT)
    return a + b * unit


class BinBuilder:
    """The binary under construction of the pre-OTP-25 instructions: created
    by bs_init2/bs_init_bits (`BinBuilder(bits)`) or bs_append/
    bs_private_append (`append_builder`), filled by the put_* methods (which
    raise plain badarg, as those instructions do), finished by result().
    The result has the announced size: bits not written are zero; writing
    past it is badarg (BEAM's compiler never emits that)."""

    __slots__ = ("w", "room")

    def __init__(self, capacity_bits, prefix=None):
        self.w = _Writer()
        self.room = capacity_bits
        if prefix is not None:
            self.room -= bits_of(prefix)
            self.w.put_term(prefix, bits_of(prefix))

    def _take(self, size, unit):
        """Reserve a field of size*unit bits; its size in bits."""
        if type(size) is not int or size < 0 or size * unit > self.room:
            raise badarg()
        self.room -= size * unit
        return size * unit

    def put_integer(self, value, size, unit, flags):
        if type(value) is not int:
            raise badarg()
        self.w.put_int(value, self._take(size, unit), flags)

    def put_binary(self, value, size, unit):
        have = bits_of(value)
        if have < 0:
            raise badarg()
        if size is ALL:
            if unit > 1 and have % unit:
                raise badarg()
            size, unit = have, 1
        elif type(size) is int and size * unit > have:
            raise badarg()
        self.w.put_term(value, self._take(size, unit))

    def put_float(self, value, size, unit, flags):
        piece = _float_piece(value, size * unit if type(size) is int else -1, flags)
        if type(piece) is not bytes:
            raise badarg()
        self._take(size, unit)
        self.w.put_bytes(piece)

    def put_string(self, data):
        self._take(len(data), 8)
        self.w.put_bytes(data)

    def put_utf8(self, value):
        piece = _utf8_piece(value)
        if piece is None:
            raise badarg()
        self._take(len(piece), 8)
        self.w.put_bytes(piece)

    def put_utf16(self, value, flags):
        piece = _utf16_piece(value, flags)
        if piece is None:
            raise badarg()
        self._take(len(piece), 8)
        self.w.put_bytes(piece)

    def put_utf32(self, value, flags):
        if not _is_code_point(value):
            raise badarg()
        self._take(4, 8)
        self.w.put_bytes(value.to_bytes(4, "little" if flags & LITTLE else "big"))

    def result(self):
        w = self.w
        missing = self.room
        if missing & 7:
            w.put_bits(0, missing & 7)
        if missing >= 8:
            w.put_bytes(bytes(missing >> 3))
        return w.result()


def append_builder(acc, size, unit):
    """bs_append / bs_private_append: a builder holding acc, to grow by size
    bits; badarg if acc is not a bitstring or its size is not a multiple of
    unit, badarg/system_limit for a bad size."""
    if type(size) is not int or size < 0:
        raise badarg()
    if size > _MAX_SMALL:
        raise ErlangError(ERROR, _SYSTEM_LIMIT)
    have = bits_of(acc)
    if have < 0 or (unit > 1 and have % unit):
        raise badarg()
    return BinBuilder(have + size, acc)


def init_writable(size_hint):
    """bs_init_writable: the empty binary a comprehension accumulates into."""
    return b""


# ---------------------------------------------------------------------------
# Matching

class MatchCtx:
    """A match context over `data` (bytes): bits [pos, end) are unmatched."""

    __slots__ = ("data", "pos", "end")

    def __init__(self, data, pos, end):
        self.data = data
        self.pos = pos
        self.end = end


def start_match(t):
    """bs_start_match3/4: a context for a bitstring, the same context for a
    context, None for anything else."""
    tt = type(t)
    if tt is bytes:
        return MatchCtx(t, 0, len(t) << 3)
    if tt is MatchCtx:
        return t
    if tt is BitString:
        return MatchCtx(t.data, 0, t.bits)
    return None


def _read_bits(data, pos, n):
    """Bits [pos, pos+n) of data as an unsigned int."""
    first = pos >> 3
    last = (pos + n + 7) >> 3
    raw = int.from_bytes(data[first:last], "big")
    return (raw >> ((last << 3) - pos - n)) & ((1 << n) - 1)


def _bits_term(value, n):
    """An n-bit unsigned value as a bitstring term."""
    rem = n & 7
    if not rem:
        return value.to_bytes(n >> 3, "big")
    return BitString((value << (8 - rem)).to_bytes((n + 7) >> 3, "big"), n)


def _extract(data, pos, n):
    """The sub-bitstring of n bits at pos, as a term."""
    if not pos & 7:
        start = pos >> 3
        if not n & 7:
            if not start and n == len(data) << 3:
                return data
            return data[start:start + (n >> 3)]
        end = start + ((n + 7) >> 3)
        rem = n & 7
        return BitString(data[start:end - 1] + _BYTE[data[end - 1] & (0xFF00 >> rem) & 0xFF], n)
    return _bits_term(_read_bits(data, pos, n), n)


def get_integer(ctx, size, unit, flags):
    """bs_get_integer2: the integer of size*unit bits, or None."""
    if type(size) is not int or size < 0:
        return None
    n = size * unit
    pos = ctx.pos
    if ctx.end - pos < n:
        return None
    ctx.pos = pos + n
    if not pos & 7:
        if n == 8:
            v = ctx.data[pos >> 3]
            return v - 256 if flags & SIGNED and v > 127 else v
        if not n & 7:
            start = pos >> 3
            return int.from_bytes(ctx.data[start:start + (n >> 3)],
                                  "little" if flags & LITTLE else "big",
                                  signed=bool(flags & SIGNED))
    if not n:
        return 0
    v = _read_bits(ctx.data, pos, n)
    if flags & LITTLE and n > 8:
        rem = n & 7
        if rem:
            le = (v >> rem).to_bytes(n >> 3, "big") + _BYTE[v & ((1 << rem) - 1)]
        else:
            le = v.to_bytes(n >> 3, "big")
        v = int.from_bytes(le, "little")
    if flags & SIGNED and v >> (n - 1):
        v -= 1 << n
    return v


def get_float(ctx, size, unit, flags):
    """bs_get_float2: a float of 16/32/64 bits (0 bits gives 0.0), or None
    (other sizes, NaN, infinities)."""
    if type(size) is not int or size < 0 or size > 64:
        return None
    n = size * unit
    if not n:
        return 0.0
    if n == 64:
        fmt = "<d" if flags & LITTLE else ">d"
    elif n == 32:
        fmt = "<f" if flags & LITTLE else ">f"
    elif n == 16:
        fmt = "<e" if flags & LITTLE else ">e"
    else:
        return None
    pos = ctx.pos
    if ctx.end - pos < n:
        return None
    if pos & 7:
        raw = _read_bits(ctx.data, pos, n).to_bytes(n >> 3, "big")
    else:
        raw = ctx.data[pos >> 3:(pos + n) >> 3]
    f = struct.unpack(fmt, raw)[0]
    if f - f != 0.0:
        return None
    ctx.pos = pos + n
    return f


def get_binary(ctx, size, unit):
    """bs_get_binary2: size*unit bits as a bitstring term (size ALL: the rest,
    whose length must be a multiple of unit), or None."""
    pos = ctx.pos
    if size is ALL:
        n = ctx.end - pos
        if unit > 1 and n % unit:
            return None
    else:
        if type(size) is not int or size < 0:
            return None
        n = size * unit
        if ctx.end - pos < n:
            return None
    ctx.pos = pos + n
    return _extract(ctx.data, pos, n)


def skip_bits(ctx, size, unit):
    """bs_skip_bits2 (size ALL skips the rest if its length is a multiple
    of unit): True, or False on no-match."""
    pos = ctx.pos
    if size is ALL:
        n = ctx.end - pos
        if unit > 1 and n % unit:
            return False
    else:
        if type(size) is not int or size < 0:
            return False
        n = size * unit
        if ctx.end - pos < n:
            return False
    ctx.pos = pos + n
    return True


def test_tail(ctx, bits):
    """bs_test_tail2: exactly `bits` bits remain."""
    return ctx.end - ctx.pos == bits


def test_unit(ctx, unit):
    """bs_test_unit: the remaining bit count is a multiple of unit."""
    return not (ctx.end - ctx.pos) % unit


def match_string(ctx, bits, data):
    """bs_match_string: the next `bits` bits equal the first `bits` bits of
    `data` (bytes, last byte zero-padded); advances on success."""
    pos = ctx.pos
    if ctx.end - pos < bits:
        return False
    if not pos & 7 and not bits & 7:
        start = pos >> 3
        if ctx.data[start:start + (bits >> 3)] != data:
            return False
    elif _read_bits(ctx.data, pos, bits) != _read_bits(data, 0, bits):
        return False
    ctx.pos = pos + bits
    return True


def _peek_bytes(ctx, nbytes):
    """Up to nbytes whole bytes from the position (fewer near the end)."""
    pos = ctx.pos
    avail = (ctx.end - pos) >> 3
    if nbytes > avail:
        nbytes = avail
    if not pos & 7:
        return ctx.data[pos >> 3:(pos >> 3) + nbytes]
    return _read_bits(ctx.data, pos, nbytes << 3).to_bytes(nbytes, "big")


def get_utf8(ctx):
    """bs_get_utf8 / bs_skip_utf8: a code point, or None."""
    pos = ctx.pos
    if ctx.end - pos < 8:
        return None
    if not pos & 7:
        b0 = ctx.data[pos >> 3]
        if b0 < 0x80:
            ctx.pos = pos + 8
            return b0
    b = _peek_bytes(ctx, 4)
    b0 = b[0]
    if b0 < 0x80:
        ctx.pos = pos + 8
        return b0
    if b0 < 0xC2:
        return None
    if b0 < 0xE0:
        if len(b) < 2 or b[1] & 0xC0 != 0x80:
            return None
        ctx.pos = pos + 16
        return ((b0 & 0x1F) << 6) | (b[1] & 0x3F)
    if b0 < 0xF0:
        if len(b) < 3 or b[1] & 0xC0 != 0x80 or b[2] & 0xC0 != 0x80 \
                or (b0 == 0xE0 and b[1] < 0xA0):
            return None
        v = ((b0 & 0x0F) << 12) | ((b[1] & 0x3F) << 6) | (b[2] & 0x3F)
        if 0xD800 <= v <= 0xDFFF:
            return None
        ctx.pos = pos + 24
        return v
    if b0 < 0xF8:
        if len(b) < 4 or b[1] & 0xC0 != 0x80 or b[2] & 0xC0 != 0x80 \
                or b[3] & 0xC0 != 0x80 or (b0 == 0xF0 and b[1] < 0x90):
            return None
        v = ((b0 & 0x07) << 18) | ((b[1] & 0x3F) << 12) | ((b[2] & 0x3F) << 6) | (b[3] & 0x3F)
        if v > 0x10FFFF:
            return None
        ctx.pos = pos + 32
        return v
    return None


def get_utf16(ctx, flags):
    """bs_get_utf16 / bs_skip_utf16: a code point, or None."""
    if ctx.end - ctx.pos < 16:
        return None
    b = _peek_bytes(ctx, 4)
    order = "little" if flags & LITTLE else "big"
    w1 = int.from_bytes(b[:2], order)
    if w1 < 0xD800 or w1 > 0xDFFF:
        ctx.pos += 16
        return w1
    if w1 > 0xDBFF or len(b) < 4:
        return None
    w2 = int.from_bytes(b[2:4], order)
    if not 0xDC00 <= w2 <= 0xDFFF:
        return None
    ctx.pos += 32
    return (((w1 & 0x3FF) << 10) | (w2 & 0x3FF)) + 0x10000


def get_utf32(ctx, flags):
    """bs_get_utf32 / bs_skip_utf32: a code point, or None."""
    pos = ctx.pos
    v = get_integer(ctx, 32, 1, flags & LITTLE)
    if v is None:
        return None
    if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
        ctx.pos = pos
        return None
    return v


def get_tail(ctx):
    """bs_get_tail: the unmatched rest as a term (the position stays)."""
    return _extract(ctx.data, ctx.pos, ctx.end - ctx.pos)


def get_position(ctx):
    """bs_get_position: the position as an integer term."""
    return ctx.pos


def set_position(ctx, pos):
    """bs_set_position."""
    ctx.pos = pos


# ---------------------------------------------------------------------------
# Whole-term helpers for BIFs

def bits_of(t):
    """The bit size of a bitstring term, -1 for anything else."""
    tt = type(t)
    if tt is bytes:
        return len(t) << 3
    if tt is BitString:
        return t.bits
    return -1


def bit_size(t):
    n = bits_of(t)
    if n < 0:
        raise badarg()
    return n


def byte_size(t):
    """Bytes needed to hold the bitstring t (rounded up)."""
    tt = type(t)
    if tt is bytes:
        return len(t)
    if tt is BitString:
        return len(t.data)
    raise badarg()


def make_bitstring(data, pos, n):
    """The n-bit bitstring starting at bit pos of data (bytes), as a term."""
    return _extract(data, pos, n)


def bitstring_to_list(t):
    """bitstring_to_list/1: the bytes, and a final bitstring element for the
    trailing bits if any."""
    tt = type(t)
    if tt is bytes:
        data, tail = t, NIL
    elif tt is BitString:
        data = t.data[:-1]
        tail = Cons(BitString(t.data[-1:], t.bits & 7), NIL)
    else:
        raise badarg()
    r = tail
    for b in reversed(data):
        r = Cons(b, r)
    return r


def _walk_iolist(t, put_byte, put_bin, put_bits):
    """Visit the leaves of an iolist in order without recursion: bytes go to
    put_byte (which must raise ValueError outside 0..255), binaries to
    put_bin, bitstrings to put_bits (None: they are badarg). Raises badarg on
    anything else, including an improper tail that is not a bitstring."""
    stack = []
    push = stack.append
    try:
        while True:
            while type(t) is Cons:
                h = t.hd
                th = type(h)
                if th is int:
                    put_byte(h)
                elif th is bytes:
                    put_bin(h)
                elif th is Cons:
                    tl = t.tl
                    if tl is not NIL:
                        push(tl)
                    t = h
                    continue
                elif h is NIL:
                    pass
                elif th is BitString and put_bits is not None:
                    put_bits(h)
                else:
                    raise badarg()
                t = t.tl
            if type(t) is bytes:
                put_bin(t)
            elif t is not NIL:
                if type(t) is BitString and put_bits is not None:
                    put_bits(t)
                else:
                    raise badarg()
            if not stack:
                return
            t = stack.pop()
    except ValueError:
        raise badarg()


def iolist_to_bytes(t):
    """The bytes of an iolist or binary (iolist_to_binary/1); badarg else."""
    if type(t) is bytes:
        return t
    if type(t) is not Cons and t is not NIL:
        raise badarg()
    buf = bytearray()
    _walk_iolist(t, buf.append, buf.extend, None)
    return bytes(buf)


def iolist_size(t):
    """iolist_size/1."""
    if type(t) is bytes:
        return len(t)
    if type(t) is not Cons and t is not NIL:
        raise badarg()
    loose_bytes = bytearray()     # bytearray.append range-checks in C
    binaries = []
    _walk_iolist(t, loose_bytes.append, binaries.append, None)
    return len(loose_bytes) + sum(map(len, binaries))


def list_to_bitstring(t):
    """list_to_bitstring/1: like list_to_binary but bitstrings may appear
    anywhere (and as the tail)."""
    if type(t) is not Cons and t is not NIL:
        raise badarg()
    w = _Writer()
    put_bytes = w.put_bytes

    def put_byte(b):
        if b < 0 or b > 255:
            raise ValueError(b)
        put_bytes(_BYTE[b])

    def put_bits(bs):
        w.put_term(bs, bs.bits)

    _walk_iolist(t, put_byte, put_bytes, put_bits)
    if not w.parts and not w.nacc:
        return b""
    return w.result()
