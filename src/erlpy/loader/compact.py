"""Compact term decoding: the operand encoding of the Code and Line chunks.

Operands come out as small tuples, the loader's generic operand form:
  ('x', n) / ('y', n)            registers; with a type: ('x', n, type_index)
  ('c', term)                    a constant: integer, atom, [], literal, char
  ('f', label)                   a label (0 = no label)
  ('u', n)                       an untagged number
  ('fr', n)                      a float register
  ('list', [operands])           an extended list (select_val pairs, bs_create_bin...)
  ('alloc', words, floats, funs) an allocation list
"""

import struct

from ..terms import NIL

__all__ = ["CompactReader", "BadCode"]

TAG_U, TAG_I, TAG_A, TAG_X, TAG_Y, TAG_F, TAG_H, TAG_Z = range(8)
_TAGS = "uiaxyfhz"


class BadCode(Exception):
    """Malformed compact term."""


class CompactReader:
    __slots__ = ("buf", "pos", "atoms", "literals", "end")

    def __init__(self, buf, pos, atoms, literals):
        self.buf = buf
        self.pos = pos
        self.end = len(buf)
        self.atoms = atoms
        self.literals = literals

    def byte(self):
        p = self.pos
        if p >= self.end:
            raise BadCode("unexpected end of code")
        self.pos = p + 1
        return self.buf[p]

    def _value(self, b, tag):
        """Decode the number following the first byte `b`."""
        if not b & 0x08:
            return b >> 4
        if not b & 0x10:
            return ((b & 0xE0) << 3) | self.byte()
        n = (b >> 5) + 2
        if n == 9:
            t, ln = self.raw()
            if t != "u":
                raise BadCode("bad length tag")
            n = ln + 9
        p = self.pos
        if p + n > self.end:
            raise BadCode("unexpected end of code")
        self.pos = p + n
        return int.from_bytes(self.buf[p:p + n], "big", signed=(tag == TAG_I))

    def raw(self):
        """(tag letter, value) without interpretation (used by the line table)."""
        b = self.byte()
        tag = b & 7
        if tag == TAG_Z:
            raise BadCode("extended term where a plain one is expected")
        return _TAGS[tag], self._value(b, tag)

    def operand(self):
        b = self.byte()
        tag = b & 7
        if tag == TAG_Z:
            return self._extended(b)
        v = self._value(b, tag)
        if tag == TAG_X:
            return ("x", v)
        if tag == TAG_Y:
            return ("y", v)
        if tag == TAG_I or tag == TAG_H:
            return ("c", v)
        if tag == TAG_A:
            if v == 0:
                return ("c", NIL)
            if v >= len(self.atoms):
                raise BadCode("atom index out of range")
            return ("c", self.atoms[v])
        if tag == TAG_F:
            return ("f", v)
        return ("u", v)

    def _extended(self, b):
        kind = b >> 4
        if b & 0x08:
            raise BadCode("bad extended tag")
        if kind == 0:  # float literal (old format)
            p = self.pos
            if p + 8 > self.end:
                raise BadCode("truncated float")
            self.pos = p + 8
            return ("c", struct.unpack(">d", self.buf[p:p + 8])[0])
        if kind == 1:  # list
            n = self._untagged()
            return ("list", [self.operand() for _ in range(n)])
        if kind == 2:  # float register
            return ("fr", self._untagged())
        if kind == 3:  # allocation list
            n = self._untagged()
            words = floats = funs = 0
            for _ in range(n):
                t = self._untagged()
                v = self._untagged()
                if t == 0:
                    words += v
                elif t == 1:
                    floats += v
                elif t == 2:
                    funs += v
                else:
                    raise BadCode("bad allocation list")
            return ("alloc", words, floats, funs)
        if kind == 4:  # literal
            i = self._untagged()
            if i >= len(self.literals):
                raise BadCode("literal index out of range")
            return ("c", self.literals[i])
        if kind == 5:  # typed register
            reg = self.operand()
            if reg[0] not in ("x", "y"):
                raise BadCode("bad typed register")
            t = self._untagged()
            return (reg[0], reg[1], t)
        raise BadCode("unknown extended tag %d" % kind)

    def _untagged(self):
        b = self.byte()
        if b & 7 != TAG_U:
            raise BadCode("expected an untagged number")
        return self._value(b, TAG_U)
