"""The external term format (decoding part; encoding lives beside it).

binary_to_term(data, safe=False, used=False) decodes a 131-tagged binary.
Garbage raises badarg. Hooks let the runtime make local pids canonical and
bind funs to loaded code without this layer importing the runtime.
"""

import struct
import zlib

from .atom import atom, existing_atom
from .types import NIL, Cons, BitString, Pid, Port, Ref, Fun, ExportFun
from .maps import Map
from .errors import badarg

__all__ = ["binary_to_term", "HOOKS"]


class _Hooks:
    """Set by the runtime: make_pid(node, num, serial, creation) -> Pid,
    make_fun(module, index, old_uniq, uniq16, arity, pid, env) -> Fun,
    make_export_fun(module, function, arity) -> ExportFun."""

    def __init__(self):
        self.make_pid = lambda node, num, serial, creation: Pid(node, num, serial, creation)
        self.make_port = lambda node, num, creation: Port(node, num, creation)
        self.make_ref = lambda node, ids, creation: Ref(node, ids, creation)
        self.make_fun = None
        self.make_export_fun = lambda m, f, a: ExportFun(m, f, a)


HOOKS = _Hooks()


class _Bad(Exception):
    pass


class _Decoder:
    __slots__ = ("b", "pos", "safe", "end")

    def __init__(self, b, pos, safe):
        self.b = b
        self.pos = pos
        self.safe = safe
        self.end = len(b)

    def take(self, n):
        p = self.pos
        q = p + n
        if q > self.end or n < 0:
            raise _Bad()
        self.pos = q
        return self.b[p:q]

    def u8(self):
        p = self.pos
        if p >= self.end:
            raise _Bad()
        self.pos = p + 1
        return self.b[p]

    def u16(self):
        return struct.unpack(">H", self.take(2))[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def i32(self):
        return struct.unpack(">i", self.take(4))[0]

    def atom_of(self, raw, utf8):
        try:
            name = raw.decode("utf-8" if utf8 else "latin-1")
        except UnicodeDecodeError:
            raise _Bad()
        if len(name) > 255:
            raise _Bad()
        if self.safe:
            a = existing_atom(name)
            if a is None:
                raise _Bad()
            return a
        return atom(name)

    def atom(self):
        t = self.u8()
        if t == 100:
            return self.atom_of(self.take(self.u16()), False)
        if t == 115:
            return self.atom_of(self.take(self.u8()), False)
        if t == 118:
            return self.atom_of(self.take(self.u16()), True)
        if t == 119:
            return self.atom_of(self.take(self.u8()), True)
        raise _Bad()

    def term(self):
        # Lists are decoded iteratively along the tail; tuples/maps recurse.
        t = self.u8()
        if t == 97:
            return self.u8()
        if t == 98:
            return self.i32()
        if t in (100, 115, 118, 119):
            self.pos -= 1
            return self.atom()
        if t == 104:
            n = self.u8()
            return tuple([self.term() for _ in range(n)])
        if t == 105:
            n = self.u32()
            if n > self.end - self.pos:
                raise _Bad()
            return tuple([self.term() for _ in range(n)])
        if t == 106:
            return NIL
        if t == 107:
            data = self.take(self.u16())
            r = NIL
            for c in reversed(data):
                r = Cons(c, r)
            return r
        if t == 108:
            n = self.u32()
            if n > self.end - self.pos:
                raise _Bad()
            items = [self.term() for _ in range(n)]
            r = self.term()
            for x in reversed(items):
                r = Cons(x, r)
            return r
        if t == 109:
            return bytes(self.take(self.u32()))
        if t == 77:
            n = self.u32()
            bits = self.u8()
            data = self.take(n)
            if n == 0:
                if bits != 0:
                    raise _Bad()
                return b""
            if bits == 8:
                return bytes(data)
            if not 1 <= bits <= 7:
                raise _Bad()
            total = (n - 1) * 8 + bits
            last = data[-1] & ((0xFF << (8 - bits)) & 0xFF)
            return BitString(bytes(data[:-1]) + bytes([last]), total)
        if t == 70:
            f = struct.unpack(">d", self.take(8))[0]
            if f != f or f in (float("inf"), float("-inf")):
                raise _Bad()
            return f
        if t == 99:
            raw = self.take(31).split(b"\0")[0]
            try:
                f = float(raw.decode("latin-1"))
            except ValueError:
                raise _Bad()
            if f != f or f in (float("inf"), float("-inf")):
                raise _Bad()
            return f
        if t == 110 or t == 111:
            n = self.u8() if t == 110 else self.u32()
            sign = self.u8()
            if sign > 1:
                raise _Bad()
            v = int.from_bytes(self.take(n), "little")
            return -v if sign else v
        if t == 116:
            n = self.u32()
            if n > self.end - self.pos:
                raise _Bad()
            pairs = []
            for _ in range(n):
                k = self.term()
                v = self.term()
                pairs.append((k, v))
            m = Map.from_pairs(pairs)
            if m.size() != n:
                raise _Bad()  # duplicate keys
            return m
        if t == 88 or t == 103:
            node = self.atom()
            num = self.u32()
            serial = self.u32()
            cre = self.u32() if t == 88 else self.u8()
            return HOOKS.make_pid(node, num, serial, cre)
        if t == 89 or t == 102 or t == 120:
            node = self.atom()
            if t == 120:
                num = struct.unpack(">Q", self.take(8))[0]
            else:
                num = self.u32()
            cre = self.u32() if t != 102 else self.u8()
            return HOOKS.make_port(node, num, cre)
        if t == 90 or t == 114:
            n = self.u16()
            if not 1 <= n <= 5:
                raise _Bad()
            node = self.atom()
            cre = self.u32() if t == 90 else self.u8()
            ids = tuple(self.u32() for _ in range(n))
            return HOOKS.make_ref(node, ids, cre)
        if t == 101:
            node = self.atom()
            ident = self.u32()
            cre = self.u8()
            return HOOKS.make_ref(node, (ident,), cre)
        if t == 113:
            m = self.term()
            f = self.term()
            a = self.term()
            from .atom import Atom
            if type(m) is not Atom or type(f) is not Atom or type(a) is not int or not 0 <= a <= 255:
                raise _Bad()
            return HOOKS.make_export_fun(m, f, a)
        if t == 112:
            size = self.u32()
            start = self.pos - 5
            arity = self.u8()
            uniq16 = self.take(16)
            index = self.u32()
            nfree = self.u32()
            module = self.term()
            old_index = self.term()
            old_uniq = self.term()
            pid = self.term()
            from .atom import Atom
            if type(module) is not Atom or type(old_index) is not int or type(old_uniq) is not int:
                raise _Bad()
            env = tuple(self.term() for _ in range(nfree))
            if self.pos - start != size:
                raise _Bad()
            if HOOKS.make_fun is None:
                raise _Bad()
            return HOOKS.make_fun(module, index, old_uniq, uniq16, arity, pid, env)
        if t == 80:
            usize = self.u32()
            rest = self.b[self.pos:]
            try:
                d = zlib.decompressobj()
                data = d.decompress(rest, usize + 1)
            except zlib.error:
                raise _Bad()
            if len(data) != usize or not d.eof:
                raise _Bad()
            self.pos = self.end - len(d.unused_data)
            sub = _Decoder(data, 0, self.safe)
            r = sub.term()
            if sub.pos != len(data):
                raise _Bad()
            return r
        raise _Bad()


def binary_to_term(data, safe=False, used=False):
    """Decode an external-format binary; badarg on anything malformed.
    With used=True returns (term, bytes_used)."""
    if type(data) is not bytes:
        raise badarg()
    if len(data) < 2 or data[0] != 131:
        raise badarg()
    dec = _Decoder(data, 1, safe)
    try:
        t = dec.term()
    except (_Bad, RecursionError, MemoryError, OverflowError, ValueError):
        raise badarg()
    if used:
        return t, dec.pos
    if dec.pos != len(data):
        # trailing garbage is allowed by binary_to_term/1 (it ignores it)
        pass
    return t
