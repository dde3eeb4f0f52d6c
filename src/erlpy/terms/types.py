"""The boxed term classes. Immutable by contract: terms are shared, never copied.

integer -> int, float -> float, atom -> Atom, tuple -> tuple, binary -> bytes.
The classes here cover everything else.
"""

__all__ = [
    "Nil", "NIL", "Cons", "BitString", "Pid", "Port", "Ref", "Fun", "ExportFun",
]


class Nil:
    """The empty list []. A singleton: test with `is NIL`."""

    __slots__ = ()

    def __repr__(self):
        return "[]"

    def __reduce__(self):
        return (_nil, ())


def _nil():
    return NIL


NIL = Nil()


class Cons:
    """A list cell [hd | tl]; tl need not be a list (improper lists)."""

    __slots__ = ("hd", "tl")

    def __init__(self, hd, tl):
        self.hd = hd
        self.tl = tl

    def __repr__(self):
        from .printer import format_term
        return format_term(self)

    def __iter__(self):
        """Iterate the elements of a proper list (stops at the tail)."""
        c = self
        while type(c) is Cons:
            yield c.hd
            c = c.tl


class BitString:
    """A bitstring whose size is not a multiple of 8.

    `data` holds ceil(bits / 8) bytes, the unused low bits of the last byte are zero.
    Whole-byte bitstrings are always plain `bytes`, never this class."""

    __slots__ = ("data", "bits")

    def __init__(self, data, bits):
        self.data = data
        self.bits = bits

    def __repr__(self):
        from .printer import format_term
        return format_term(self)

    def __eq__(self, other):
        return type(other) is BitString and self.bits == other.bits and self.data == other.data

    def __hash__(self):
        return hash((self.data, self.bits))


class Pid:
    """A process identifier. Local pids are canonical (one object per process);
    `proc` points at the live process object, None once it has exited or for
    remote pids."""

    __slots__ = ("node", "num", "serial", "creation", "proc")

    def __init__(self, node, num, serial, creation, proc=None):
        self.node = node
        self.num = num
        self.serial = serial
        self.creation = creation
        self.proc = proc

    def __eq__(self, other):
        return self is other or (
            type(other) is Pid and self.num == other.num and self.serial == other.serial
            and self.node is other.node and self.creation == other.creation)

    def __hash__(self):
        return self.num * 31 + self.serial

    def __repr__(self):
        return "<%d.%d.%d>" % (0, self.num, self.serial)


class Port:
    """A port identifier; `port` is the live port object for local ports."""

    __slots__ = ("node", "num", "creation", "port")

    def __init__(self, node, num, creation, port=None):
        self.node = node
        self.num = num
        self.creation = creation
        self.port = port

    def __eq__(self, other):
        return self is other or (
            type(other) is Port and self.num == other.num and self.node is other.node
            and self.creation == other.creation)

    def __hash__(self):
        return self.num

    def __repr__(self):
        return "#Port<0.%d>" % self.num


class Ref:
    """A reference: node, up to 5 32-bit id words (ids[0] is the lowest word), creation.
    `magic` carries the object behind a "magic" reference (atomics, counters,
    compiled match specs...); it takes no part in equality."""

    __slots__ = ("node", "ids", "creation", "magic")

    def __init__(self, node, ids, creation, magic=None):
        self.node = node
        self.ids = ids
        self.creation = creation
        self.magic = magic

    def __eq__(self, other):
        return self is other or (
            type(other) is Ref and self.ids == other.ids and self.node is other.node
            and self.creation == other.creation)

    def __hash__(self):
        return hash(self.ids)

    def __repr__(self):
        return "#Ref<0.%s>" % ".".join(str(i) for i in reversed(self.ids))


class Fun:
    """A local fun (closure): `entry` describes the code (module, index, uniq,
    old_uniq, arity including free variables), `env` is the tuple of free values."""

    __slots__ = ("entry", "env")

    def __init__(self, entry, env):
        self.entry = entry
        self.env = env

    @property
    def arity(self):
        return self.entry.arity - len(self.env)

    def __reduce__(self):
        raise TypeError("a fun is bound to loaded code and cannot be pickled")

    def __repr__(self):
        e = self.entry
        return "#Fun<%s.%d.%d>" % (e.module.name, e.index, e.old_uniq)


class ExportFun:
    """An external fun `fun M:F/A`; `export` is the export entry it calls."""

    __slots__ = ("module", "function", "arity", "export")

    def __init__(self, module, function, arity, export=None):
        self.module = module
        self.function = function
        self.arity = arity
        self.export = export

    def __eq__(self, other):
        return self is other or (
            type(other) is ExportFun and self.module is other.module
            and self.function is other.function and self.arity == other.arity)

    def __hash__(self):
        return hash((self.module, self.function, self.arity))

    def __repr__(self):
        return "fun %s:%s/%d" % (self.module.name, self.function.name, self.arity)

    def __reduce__(self):
        return (ExportFun, (self.module, self.function, self.arity))
