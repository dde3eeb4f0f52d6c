"""Terms printed as the emulator prints them (strings and ASCII binaries
quoted), for the VM's own messages (erlang:display, internal errors,
debugging). Erlang code formats with io_lib, which runs as Erlang code."""

from .atom import Atom
from .types import NIL, Nil, Cons, BitString, Pid, Port, Ref, Fun, ExportFun
from .floats import short_repr

__all__ = ["format_term", "format_atom"]

_RESERVED = frozenset(
    "after and andalso band begin bnot bor bsl bsr bxor case catch cond div end fun if "
    "let maybe not of or orelse receive rem try when xor".split())


def _atom_needs_quotes(s):
    if not s or s in _RESERVED:
        return True
    c = s[0]
    if not ("a" <= c <= "z" or "\u00df" <= c <= "\u00ff" and c != "\u00f7"):
        return True
    for c in s[1:]:
        if not (c.isalnum() and (c < "\u0100") or c == "_" or c == "@"):
            return True
        if c == "\u00d7" or c == "\u00f7":
            return True
    return False


def _escape_char(c, quote):
    o = ord(c)
    if c == quote or c == "\\":
        return "\\" + c
    specials = {8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 27: "\\e", 127: "\\d"}
    if o in specials:
        return specials[o]
    if o < 32:
        return "\\^" + chr(o + 64)
    if o >= 256:
        return "\\x{%X}" % o
    if 128 <= o < 160:
        return "\\" + oct(o)[2:]
    return c


def format_atom(a):
    s = a.name
    if _atom_needs_quotes(s):
        return "'" + "".join(_escape_char(c, "'") for c in s) + "'"
    return s


def format_term(t):
    out = []
    _fmt(t, out)
    return "".join(out)


def _fmt(t, out):
    tt = type(t)
    if tt is int:
        out.append(str(t))
    elif tt is float:
        out.append(short_repr(t))
    elif tt is Atom:
        out.append(format_atom(t))
    elif tt is tuple:
        out.append("{")
        for i, e in enumerate(t):
            if i:
                out.append(",")
            _fmt(e, out)
        out.append("}")
    elif tt is Nil:
        out.append("[]")
    elif tt is Cons and _printable_string(t):
        out.append('"')
        while type(t) is Cons:
            c = t.hd
            out.append("\\n" if c == 10 else '\\"' if c == 34 else chr(c))
            t = t.tl
        out.append('"')
    elif tt is Cons:
        out.append("[")
        first = True
        while type(t) is Cons:
            if not first:
                out.append(",")
            first = False
            _fmt(t.hd, out)
            t = t.tl
        if t is not NIL:
            out.append("|")
            _fmt(t, out)
        out.append("]")
    elif tt is bytes:
        if t and all(32 <= b < 127 for b in t):
            out.append('<<"' + t.decode("ascii").replace('"', '\\"') + '">>')
        else:
            out.append("<<" + ",".join(str(b) for b in t) + ">>")
    elif tt is BitString:
        full = t.bits // 8
        parts = [str(b) for b in t.data[:full]]
        rem = t.bits % 8
        if rem:
            parts.append("%d:%d" % (t.data[full] >> (8 - rem), rem))
        out.append("<<" + ",".join(parts) + ">>")
    elif tt is Pid:
        out.append("<%d.%d.%d>" % (0 if t.node is _local_node() else 1, t.num, t.serial))
    elif tt is Port:
        out.append("#Port<%d.%d>" % (0 if t.node is _local_node() else 1, t.num))
    elif tt is Ref:
        out.append("#Ref<%d.%s>" % (0 if t.node is _local_node() else 1,
                                    ".".join(str(i) for i in reversed(t.ids))))
    elif tt is Fun:
        e = t.entry
        out.append("#Fun<%s.%d.%d>" % (e.module.name, e.index, e.old_uniq))
    elif tt is ExportFun:
        out.append("fun %s:%s/%d" % (format_atom(t.module), format_atom(t.function), t.arity))
    else:
        from .maps import Map
        if tt is Map:
            out.append("#{")
            for i, (k, v) in enumerate(t.items()):
                if i:
                    out.append(",")
                _fmt(k, out)
                out.append(" => ")
                _fmt(v, out)
            out.append("}")
        else:
            out.append("<<python %r>>" % (t,))


def _printable_string(t):
    """As the emulator's printer: a proper list of bytes none of which is a
    control character other than white space."""
    while type(t) is Cons:
        c = t.hd
        if type(c) is not int or not 0 <= c <= 255 or \
                ((c < 32 or c == 127) and not 9 <= c <= 13):
            return False
        t = t.tl
    return t is NIL


_LOCAL = [None]


def _local_node():
    from .atom import atom
    if _LOCAL[0] is None:
        _LOCAL[0] = atom("nonode@nohost")
    return _LOCAL[0]


def set_local_node(node):
    _LOCAL[0] = node
