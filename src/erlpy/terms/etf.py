"""The external term format, byte for byte as OTP 25 writes and reads it.

term_to_binary / term_to_iovec / external_size encode; binary_to_term
decodes (garbage raises badarg). Both walk terms with explicit stacks, so
neither long lists nor deep nesting recurse in Python.

Hooks let the runtime make decoded local pids canonical and bind decoded
funs to loaded code without this layer importing the runtime.
"""

import re
import struct
import zlib

from .atom import Atom, atom, existing_atom
from .types import NIL, Nil, Cons, BitString, Pid, Port, Ref, Fun, ExportFun
from .maps import Map, EMPTY_MAP
from .errors import badarg
from .hashing import beam_map_order, is_local_node

__all__ = ["term_to_binary", "term_to_iovec", "external_size", "binary_to_term", "HOOKS"]


class _Hooks:
    """Set by the runtime.

    make_pid(node, num, serial, creation) -> Pid (local pids: the live one)
    make_port(node, num, creation) -> Port
    make_ref(node, ids, creation) -> Ref
    make_fun(module, index, old_uniq, uniq16, arity, creator, env) -> Fun;
        `arity` counts the free variables too (like FunEntry.arity). While it
        is None, decoding a local fun fails with badarg.
    make_export_fun(module, function, arity) -> ExportFun
    export_exists(module, function, arity) -> bool: whether an export entry
        exists (binary_to_term's `safe` decodes only those export funs)
    fun_creator(fun) -> Pid: the creating process, written into NEW_FUN_EXT
    """

    def __init__(self):
        self.make_pid = Pid
        self.make_port = Port
        self.make_ref = Ref
        self.make_fun = None
        self.make_export_fun = ExportFun
        self.export_exists = _export_exists
        self.fun_creator = _fun_creator


def _export_exists(module, function, arity):
    from ..code.contract import VM
    return VM.code is not None and (module, function, arity) in VM.code.exports


def _fun_creator(fun):
    """Funs do not record their creator: the running process stands in."""
    from ..code.contract import VM
    proc = VM.current
    if proc is not None:
        return proc.pid
    return Pid(atom("nonode@nohost"), 0, 0, 0)


HOOKS = _Hooks()

# Tags
_SMALL_INTEGER = 97
_INTEGER = 98
_FLOAT = 99
_ATOM = 100
_REFERENCE = 101
_PORT = 102
_PID = 103
_SMALL_TUPLE = 104
_LARGE_TUPLE = 105
_NIL = 106
_STRING = 107
_LIST = 108
_BINARY = 109
_SMALL_BIG = 110
_LARGE_BIG = 111
_NEW_FUN = 112
_EXPORT = 113
_NEW_REFERENCE = 114
_SMALL_ATOM = 115
_MAP = 116
_ATOM_UTF8 = 118
_SMALL_ATOM_UTF8 = 119
_V4_PORT = 120
_BIT_BINARY = 77
_NEW_FLOAT = 70
_NEW_PORT = 89
_NEW_PID = 88
_NEWER_REFERENCE = 90
_COMPRESSED = 80
_VERSION = 131

_MAX_V3_PORT = (1 << 28) - 1        # bigger port numbers need V4_PORT_EXT
_ONHEAP_LIMIT = 64                  # bigger binaries live off-heap (term_to_iovec)

_pack_u32 = struct.Struct(">I").pack
_pack_i32 = struct.Struct(">i").pack
_pack_pid = struct.Struct(">III").pack
_pack_float = struct.Struct(">d").pack


# ==============================================================================
# Encoding
# ==============================================================================

_atoms_latin1 = {}      # Atom -> encoding when minor_version < 2
_atoms_utf8 = {}        # Atom -> encoding with minor_version 2


def _atom_ext(a, utf8):
    """An atom's encoding: Latin-1 names as ATOM_EXT unless UTF-8 atoms are
    asked for (minor_version 2); other names always in UTF-8."""
    cache = _atoms_utf8 if utf8 else _atoms_latin1
    enc = cache.get(a)
    if enc is None:
        name = a.name
        enc = None
        if not utf8:
            try:
                raw = name.encode("latin-1")
                enc = bytes((_ATOM, 0, len(raw))) + raw
            except UnicodeEncodeError:
                pass
        if enc is None:
            raw = name.encode("utf-8")
            if len(raw) > 255:
                enc = bytes((_ATOM_UTF8,)) + len(raw).to_bytes(2, "big") + raw
            else:
                enc = bytes((_SMALL_ATOM_UTF8, len(raw))) + raw
        cache[a] = enc
    return enc


def _put_int(out, n):
    if 0 <= n <= 255:
        out.append(_SMALL_INTEGER)
        out.append(n)
    elif -0x80000000 <= n <= 0x7FFFFFFF:
        out.append(_INTEGER)
        out += _pack_i32(n)
    else:
        a = -n if n < 0 else n
        size = (a.bit_length() + 7) >> 3
        if size < 256:
            out.append(_SMALL_BIG)
            out.append(size)
        else:
            out.append(_LARGE_BIG)
            out += _pack_u32(size)
        out.append(1 if n < 0 else 0)
        out += a.to_bytes(size, "little")


def _put_pid(out, pid, utf8):
    out.append(_NEW_PID)
    out += _atom_ext(pid.node, utf8)
    out += _pack_pid(pid.num, pid.serial, pid.creation)


def _float_text(f):
    """FLOAT_EXT's 31-byte field: "%.20e" padded with NULs."""
    text = ("%.20e" % f).encode("ascii")
    return text + bytes(31 - len(text))


class _FunSize:
    """Stack marker: once a fun's environment is written, patch its size."""

    __slots__ = ("pos",)

    def __init__(self, pos):
        self.pos = pos


def _encode(term, out, utf8, new_floats, deterministic, spans=None):
    """Append the encoding of `term` to the bytearray `out`.

    Returns how many more bytes erlang:external_size counts (BEAM's size
    estimate reserves 5 bytes for each fun's old index and old uniq, which
    are written in 2 when below 256). With `spans` (a list), records where
    the payload of each off-heap binary lies, for term_to_iovec."""
    slack = 0
    stack = [term]
    pop = stack.pop
    push = stack.append
    extend = stack.extend
    put = out.append
    atoms = _atoms_utf8 if utf8 else _atoms_latin1
    while stack:
        t = pop()
        tt = type(t)
        if tt is int:
            if 0 <= t <= 255:
                put(_SMALL_INTEGER)
                put(t)
            else:
                _put_int(out, t)
        elif tt is Atom:
            enc = atoms.get(t)
            out += _atom_ext(t, utf8) if enc is None else enc
        elif tt is tuple:
            n = len(t)
            if n <= 255:
                put(_SMALL_TUPLE)
                put(n)
            else:
                out.append(_LARGE_TUPLE)
                out += _pack_u32(n)
            extend(t[::-1])
        elif tt is Cons:
            items = []
            add = items.append
            while type(t) is Cons:
                add(t.hd)
                t = t.tl
            n = len(items)
            data = None
            if t is NIL and n <= 0xFFFF:
                try:
                    data = bytes(items)
                except (TypeError, ValueError):
                    pass
            if data is not None:
                out.append(_STRING)
                out += n.to_bytes(2, "big")
                out += data
            else:
                out.append(_LIST)
                out += _pack_u32(n)
                push(t)
                items.reverse()
                extend(items)
        elif tt is Nil:
            out.append(_NIL)
        elif tt is bytes:
            out.append(_BINARY)
            out += _pack_u32(len(t))
            if spans is not None and len(t) > _ONHEAP_LIMIT:
                spans.append((len(out), len(out) + len(t)))
            out += t
        elif tt is Map:
            out.append(_MAP)
            out += _pack_u32(len(t))
            pairs = t.items_sorted() if deterministic else beam_map_order(t)
            for i in range(len(pairs) - 1, -1, -1):
                k, v = pairs[i]
                push(v)
                push(k)
        elif tt is float:
            if new_floats:
                out.append(_NEW_FLOAT)
                out += _pack_float(t)
            else:
                out.append(_FLOAT)
                out += _float_text(t)
        elif tt is BitString:
            data = t.data
            out.append(_BIT_BINARY)
            out += _pack_u32(len(data))
            out.append(t.bits & 7)
            if spans is not None and len(data) - 1 > _ONHEAP_LIMIT:
                spans.append((len(out), len(out) + len(data) - 1))
            out += data
        elif tt is Pid:
            _put_pid(out, t, utf8)
        elif tt is Ref:
            ids = t.ids
            out.append(_NEWER_REFERENCE)
            out += len(ids).to_bytes(2, "big")
            out += _atom_ext(t.node, utf8)
            out += _pack_u32(t.creation)
            for i in ids:
                out += _pack_u32(i)
        elif tt is Port:
            num = t.num
            if num > _MAX_V3_PORT:
                out.append(_V4_PORT)
                out += _atom_ext(t.node, utf8)
                out += num.to_bytes(8, "big")
            else:
                out.append(_NEW_PORT)
                out += _atom_ext(t.node, utf8)
                out += _pack_u32(num)
            out += _pack_u32(t.creation)
        elif tt is Fun:
            e = t.entry
            env = t.env
            out.append(_NEW_FUN)
            push(_FunSize(len(out)))
            out += b"\0\0\0\0"
            out.append(e.arity - len(env))
            out += e.uniq
            out += _pack_u32(e.index)
            out += _pack_u32(len(env))
            out += _atom_ext(e.module, utf8)
            # the old index (the same as the index nowadays) and old uniq
            _put_int(out, e.index)
            _put_int(out, e.old_uniq)
            slack += (3 if 0 <= e.index <= 255 else 0) + (3 if 0 <= e.old_uniq <= 255 else 0)
            _put_pid(out, HOOKS.fun_creator(t), utf8)
            extend(env[::-1])
        elif tt is _FunSize:
            out[t.pos:t.pos + 4] = _pack_u32(len(out) - t.pos)
        elif tt is ExportFun:
            out.append(_EXPORT)
            out += _atom_ext(t.module, utf8)
            out += _atom_ext(t.function, utf8)
            _put_int(out, t.arity)
        else:
            raise badarg()
    return slack


def _zlib_wrap(body, level):
    """The COMPRESSED form, or None when it would not be smaller: BEAM gives
    zlib at most len(body) - 5 bytes of output room."""
    z = zlib.compress(body, level)
    if len(z) > len(body) - 5:
        return None
    return bytes((_VERSION, _COMPRESSED)) + _pack_u32(len(body)) + z


def term_to_binary(term, compressed=0, minor_version=1, deterministic=False):
    """erlang:term_to_binary/2. `compressed` is the zlib level 0..9 (the
    `compressed` option means 6); minor_version 0 writes floats as text,
    2 writes every atom in UTF-8; `deterministic` sorts the keys of maps of
    more than 32 keys (smaller maps are always written sorted)."""
    out = bytearray((_VERSION,))
    _encode(term, out, minor_version >= 2, minor_version >= 1, deterministic)
    if compressed:
        packed = _zlib_wrap(memoryview(out)[1:], compressed)
        if packed is not None:
            return packed
    return bytes(out)


def term_to_iovec(term, compressed=0, minor_version=1, deterministic=False):
    """erlang:term_to_iovec/2 as a Python list of bytes objects: off-heap
    binaries (over 64 bytes) become elements of their own. With compression
    BEAM returns one binary, not a list: so does this (a bytes object)."""
    if compressed:
        return term_to_binary(term, compressed, minor_version, deterministic)
    out = bytearray((_VERSION,))
    spans = []
    _encode(term, out, minor_version >= 2, minor_version >= 1, deterministic, spans)
    if not spans:
        return [bytes(out)]
    parts = []
    pos = 0
    for start, end in spans:
        if start > pos:
            parts.append(bytes(out[pos:start]))
        parts.append(bytes(out[start:end]))
        pos = end
    if pos < len(out):
        parts.append(bytes(out[pos:]))
    return parts


def external_size(term, minor_version=1):
    """erlang:external_size/2: BEAM's upper bound of the uncompressed size."""
    out = bytearray((_VERSION,))
    slack = _encode(term, out, minor_version >= 2, minor_version >= 1, False)
    return len(out) + slack


# ==============================================================================
# Decoding
# ==============================================================================

class _Bad(Exception):
    """Malformed input (becomes badarg)."""


_u16 = struct.Struct(">H").unpack_from
_u32 = struct.Struct(">I").unpack_from
_i32 = struct.Struct(">i").unpack_from
_u64 = struct.Struct(">Q").unpack_from
_f64 = struct.Struct(">d").unpack_from
_pid_fields = struct.Struct(">II").unpack_from

_MAX_ATOM_CHARS = 255
_MAX_ATOM_UTF8_BYTES = 4 * 255
_MAX_BIG_BYTES = ((1 << 19) - 1) * 8
_MIN_SMALL = -(1 << 59)
_MAX_SMALL = (1 << 59) - 1
_MAX_LOCAL_PID_NUM = (1 << 15) - 1
_MAX_LOCAL_PID_SERIAL = (1 << 13) - 1
_MAX_LOCAL_REF_WORD0 = (1 << 18) - 1
_MAX_TINY_CREATION = 3
_FLOAT_SYNTAX = re.compile(rb"[+-]?[0-9]+[.,][0-9]+(?:[eE][+-]?[0-9]+)?\Z")
_INF = float("inf")

# Kinds of containers being filled while decoding
_K_TUPLE = 0
_K_LIST = 1
_K_MAP = 2
_K_FUN = 3
_K_EXPORT = 4

# Atom text -> Atom, per encoding: decoding is mostly atoms seen before.
_latin1_names = {}
_utf8_names = {}


def _read_atom(data, pos, safe):
    """Decode the atom at pos: (Atom, position after it)."""
    tag = data[pos]
    if tag == _ATOM or tag == _ATOM_UTF8:
        n = _u16(data, pos + 1)[0]
        pos += 3
    elif tag == _SMALL_ATOM or tag == _SMALL_ATOM_UTF8:
        n = data[pos + 1]
        pos += 2
    else:
        raise _Bad()
    raw = data[pos:pos + n]
    if len(raw) != n:
        raise _Bad()
    latin1 = tag == _ATOM or tag == _SMALL_ATOM
    known = _latin1_names if latin1 else _utf8_names
    a = known.get(raw)
    if a is None:
        if latin1:
            if n > _MAX_ATOM_CHARS:
                raise _Bad()
            name = raw.decode("latin-1")
        else:
            if n > _MAX_ATOM_UTF8_BYTES:
                raise _Bad()
            try:
                name = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _Bad()
            if len(name) > _MAX_ATOM_CHARS:
                raise _Bad()
        if safe:
            a = existing_atom(name)
            if a is None:
                raise _Bad()
        else:
            a = atom(name)
        known[raw] = a
    return a, pos + n


def _old_float(field):
    """FLOAT_EXT's text: digits, a point (or comma), digits, an optional exponent."""
    nul = field.find(b"\0")
    if nul < 0:
        raise _Bad()
    text = field[:nul]
    if not _FLOAT_SYNTAX.match(text):
        raise _Bad()
    f = float(text.replace(b",", b"."))
    if f == _INF or f == -_INF:
        raise _Bad()
    return f


def _is_small(x):
    return type(x) is int and _MIN_SMALL <= x <= _MAX_SMALL


def _finish(kind, items, extra, safe):
    """The term of a container (other than a tuple) whose parts are decoded."""
    if kind == _K_LIST:
        r = items[-1]
        for i in range(len(items) - 2, -1, -1):
            r = Cons(items[i], r)
        return r
    if kind == _K_MAP:
        m = Map.from_pairs(zip(items[0::2], items[1::2]))
        if len(m) * 2 != len(items):
            raise _Bad()        # duplicate keys
        return m
    if kind == _K_FUN:
        module, index, uniq16, arity = extra
        old_index, old_uniq, creator = items[0], items[1], items[2]
        if not _is_small(old_index) or not _is_small(old_uniq) or HOOKS.make_fun is None:
            raise _Bad()
        env = tuple(items[3:])
        return HOOKS.make_fun(module, index, old_uniq, uniq16, arity + len(env), creator, env)
    # _K_EXPORT
    module, function = extra
    arity = items[0]
    if not _is_small(arity) or arity < 0:
        raise _Bad()
    if safe and not HOOKS.export_exists(module, function, arity):
        raise _Bad()
    return HOOKS.make_export_fun(module, function, arity)


def _decode(data, pos, safe):
    """Decode the term at data[pos:]: (term, position after it).

    The innermost unfinished container is kept in locals (its parts so far,
    how many it needs, its kind); the outer ones wait on `outer`."""
    end = len(data)
    outer = []
    items = None
    need = 0
    kind = 0
    extra = None
    latin1_names = _latin1_names
    while True:
        tag = data[pos]
        if tag == 97:                                       # SMALL_INTEGER_EXT
            v = data[pos + 1]
            pos += 2
        elif tag == 100 or tag == 119:                      # ATOM_EXT, SMALL_ATOM_UTF8_EXT
            v = None
            if tag == 100:
                n = (data[pos + 1] << 8) | data[pos + 2]
                raw = data[pos + 3:pos + 3 + n]
                if len(raw) == n:
                    v = latin1_names.get(raw)
                    if v is not None:
                        pos += 3 + n
            if v is None:
                v, pos = _read_atom(data, pos, safe)
        elif tag == 104:                                    # SMALL_TUPLE_EXT
            n = data[pos + 1]
            pos += 2
            if n:
                outer.append((items, need, kind, extra))
                items = []
                need = n
                kind = _K_TUPLE
                continue
            v = ()
        elif tag == 106:                                    # NIL_EXT
            v = NIL
            pos += 1
        elif tag == 108:                                    # LIST_EXT
            n = _u32(data, pos + 1)[0]
            pos += 5
            if n > end - pos:
                raise _Bad()
            if n:
                outer.append((items, need, kind, extra))
                items = []
                need = n + 1
                kind = _K_LIST
            # with no elements the tail alone is the term
            continue
        elif tag == 107:                                    # STRING_EXT
            n = _u16(data, pos + 1)[0]
            pos += 3
            chunk = data[pos:pos + n]
            if len(chunk) != n:
                raise _Bad()
            pos += n
            v = NIL
            for i in range(n - 1, -1, -1):
                v = Cons(chunk[i], v)
        elif tag == 109:                                    # BINARY_EXT
            n = _u32(data, pos + 1)[0]
            pos += 5
            v = data[pos:pos + n]
            if len(v) != n:
                raise _Bad()
            pos += n
        elif tag == 98:                                     # INTEGER_EXT
            v = _i32(data, pos + 1)[0]
            pos += 5
        elif tag == 70:                                     # NEW_FLOAT_EXT
            v = _f64(data, pos + 1)[0]
            pos += 9
            if v != v or v == _INF or v == -_INF:
                raise _Bad()
        elif tag == 116:                                    # MAP_EXT
            n = _u32(data, pos + 1)[0]
            pos += 5
            if n > 32 and (n >> 31 or 2 * n > end - pos):
                raise _Bad()
            if n:
                outer.append((items, need, kind, extra))
                items = []
                need = 2 * n
                kind = _K_MAP
                continue
            v = EMPTY_MAP
        else:
            v, pos, container = _decode_rare(data, pos, safe, end, tag)
            if container is not None:
                outer.append((items, need, kind, extra))
                items = []
                need, kind, extra = container
                continue
        # v is complete: hand it to the containers waiting for it
        while True:
            if items is None:
                return v, pos
            items.append(v)
            if len(items) < need:
                break
            v = tuple(items) if kind == _K_TUPLE else _finish(kind, items, extra, safe)
            items, need, kind, extra = outer.pop()


def _decode_rare(data, pos, safe, end, tag):
    """The less common tags of _decode: (term, new pos, None), or for a
    container (None, new pos, (parts needed, kind, extra))."""
    pos += 1
    if tag == _SMALL_ATOM or tag == _ATOM_UTF8:
        v, pos = _read_atom(data, pos - 1, safe)
    elif tag == _LARGE_TUPLE:
        n = _u32(data, pos)[0]
        pos += 4
        if n > end - pos:
            raise _Bad()
        if n:
            return None, pos, (n, _K_TUPLE, None)
        v = ()
    elif tag == _SMALL_BIG or tag == _LARGE_BIG:
        if tag == _SMALL_BIG:
            n = data[pos]
            pos += 1
        else:
            n = _u32(data, pos)[0]
            pos += 4
            if n > _MAX_BIG_BYTES:
                raise _Bad()
        sign = data[pos]
        digits = data[pos + 1:pos + 1 + n]
        if len(digits) != n:
            raise _Bad()
        pos += 1 + n
        v = int.from_bytes(digits, "little")
        if sign:
            v = -v
    elif tag == _BIT_BINARY:
        n = _u32(data, pos)[0]
        bits = data[pos + 4]
        pos += 5
        if (bits == 0) != (n == 0) or bits > 8:
            raise _Bad()
        chunk = data[pos:pos + n]
        if len(chunk) != n:
            raise _Bad()
        pos += n
        if bits == 8 or n == 0:
            v = chunk
        else:
            last = chunk[-1] & (0xFF << (8 - bits)) & 0xFF
            v = BitString(chunk[:-1] + bytes((last,)), (n - 1) * 8 + bits)
    elif tag == _NEW_PID or tag == _PID:
        node, pos = _read_atom(data, pos, safe)
        num, serial = _pid_fields(data, pos)
        if tag == _NEW_PID:
            creation = _u32(data, pos + 8)[0]
            pos += 12
        else:
            creation = data[pos + 8]
            pos += 9
            if creation > _MAX_TINY_CREATION:
                raise _Bad()
        if is_local_node(node, creation) and (num > _MAX_LOCAL_PID_NUM
                                              or serial > _MAX_LOCAL_PID_SERIAL):
            raise _Bad()
        v = HOOKS.make_pid(node, num, serial, creation)
    elif tag == _NEW_PORT or tag == _V4_PORT or tag == _PORT:
        node, pos = _read_atom(data, pos, safe)
        if tag == _V4_PORT:
            num = _u64(data, pos)[0]
            pos += 8
        else:
            num = _u32(data, pos)[0]
            pos += 4
        if tag == _PORT:
            creation = data[pos]
            pos += 1
            if creation > _MAX_TINY_CREATION:
                raise _Bad()
        else:
            creation = _u32(data, pos)[0]
            pos += 4
        if num > _MAX_V3_PORT and is_local_node(node, creation):
            raise _Bad()
        v = HOOKS.make_port(node, num, creation)
    elif tag == _NEWER_REFERENCE or tag == _NEW_REFERENCE or tag == _REFERENCE:
        if tag == _REFERENCE:
            nwords = 1
        else:
            nwords = _u16(data, pos)[0]
            pos += 2
            if not 1 <= nwords <= 5:
                raise _Bad()
        node, pos = _read_atom(data, pos, safe)
        if tag == _NEWER_REFERENCE:
            creation = _u32(data, pos)[0]
            pos += 4
        elif tag == _NEW_REFERENCE:
            creation = data[pos]
            pos += 1
        ids = struct.unpack_from(">%dI" % nwords, data, pos)
        pos += 4 * nwords
        if tag == _REFERENCE:
            creation = data[pos]
            pos += 1
        if tag != _NEWER_REFERENCE and (creation > _MAX_TINY_CREATION
                                        or ids[0] > _MAX_LOCAL_REF_WORD0):
            raise _Bad()
        if is_local_node(node, creation):
            # BEAM's own refs have three words, the first of 18 bits
            if nwords > 3 or ids[0] > _MAX_LOCAL_REF_WORD0:
                raise _Bad()
            ids = ids + (0,) * (3 - nwords)
        v = HOOKS.make_ref(node, ids, creation)
    elif tag == _EXPORT:
        module, pos = _read_atom(data, pos, safe)
        function, pos = _read_atom(data, pos, safe)
        return None, pos, (1, _K_EXPORT, (module, function))
    elif tag == _NEW_FUN:
        # the size field is not trusted (BEAM ignores it too)
        arity = data[pos + 4]
        uniq16 = data[pos + 5:pos + 21]
        index = _i32(data, pos + 21)[0]
        nfree = _u32(data, pos + 25)[0]
        pos += 29
        if nfree > 255:
            raise _Bad()
        module, pos = _read_atom(data, pos, safe)
        # old index, old uniq, creator pid, then the free variables
        return None, pos, (3 + nfree, _K_FUN, (module, index, uniq16, arity))
    elif tag == _FLOAT:
        field = data[pos:pos + 31]
        if len(field) != 31:
            raise _Bad()
        pos += 31
        v = _old_float(field)
    else:
        # ATOM_CACHE_REF only exists in distribution messages; the
        # atom-index and binary-pointer tags are ETS-internal; FUN_EXT
        # and COMPRESSED (below the top) are not accepted either
        raise _Bad()
    return v, pos, None


def binary_to_term(data, safe=False, used=False):
    """erlang:binary_to_term/2; badarg on anything malformed. Bytes after the
    term are ignored. With used=True returns (term, bytes used)."""
    if type(data) is not bytes:
        raise badarg()
    n = len(data)
    try:
        if n < 2 or data[0] != _VERSION:
            raise _Bad()
        if n >= 6 and data[1] == _COMPRESSED:
            size = _u32(data, 2)[0]
            inflater = zlib.decompressobj()
            body = inflater.decompress(memoryview(data)[6:], size + 1)
            if len(body) != size or not inflater.eof:
                raise _Bad()
            term = _decode(body, 0, safe)[0]
            count = n - len(inflater.unused_data)
        else:
            term, count = _decode(data, 1, safe)
    except (_Bad, IndexError, struct.error, zlib.error, RecursionError, MemoryError):
        raise badarg()
    if used:
        return term, count
    return term
