"""The process-independent BIFs of module erlang, as OTP 25 implements them:
type tests, comparison and boolean operators, tuples, hd/tl/length/++/--,
atoms <-> text, pids/ports/refs/funs <-> text and erlang:fun_info/2.

Not here because OTP 25 writes them in Erlang (erlang.beam runs them):
min/2, max/2, atom_to_binary/1, binary_to_atom/1, binary_to_existing_atom/1,
fun_info/1. Registering them as BIFs would change erlang:is_builtin/3.
"""

import re

from ..terms import (A, Atom, atom, existing_atom, NIL, Nil, Cons, BitString, Pid, Port, Ref,
                     Fun, ExportFun, Map, ErlangError, badarg, TRUE, FALSE, from_seq, to_pylist,
                     NotAList, estr, compare, eq, eq_exact, hkey, list_length, format_term)
from ..terms.errors import ERROR
from ..terms.etf import HOOKS
from ..code.contract import VM
from .registry import bif

__all__ = ["MAX_TUPLE_SIZE", "MAX_ATOM_CHARACTERS", "subtract", "append", "c_atom_text"]

MAX_TUPLE_SIZE = (1 << 24) - 1        # BEAM's largest tuple arity
MAX_ATOM_CHARACTERS = 255
_MAX_ATOM_UTF8_BYTES = 4 * MAX_ATOM_CHARACTERS
_SMALL_MIN = -(1 << 59)               # BEAM's immediate integers (64-bit)
_SMALL_MAX = (1 << 59) - 1
_U64 = (1 << 64) - 1                  # the C parsers below accumulate in 64-bit words
_U32 = (1 << 32) - 1
_SYSTEM_LIMIT = A.system_limit


def _proper(lst):
    """Elements of a proper list as a Python list; badarg otherwise."""
    try:
        return to_pylist(lst)
    except NotAList:
        raise badarg()


# -- type tests --------------------------------------------------------------------------------

def _type_test(name, types):
    def test(x):
        return TRUE if type(x) in types else FALSE
    test.__name__ = name
    bif("erlang", name, 1)(test)


for _name, _types in (
        ("is_atom", (Atom,)), ("is_integer", (int,)), ("is_float", (float,)),
        ("is_number", (int, float)), ("is_list", (Nil, Cons)), ("is_tuple", (tuple,)),
        ("is_binary", (bytes,)), ("is_bitstring", (bytes, BitString)), ("is_pid", (Pid,)),
        ("is_port", (Port,)), ("is_reference", (Ref,)), ("is_function", (Fun, ExportFun)),
        ("is_map", (Map,))):
    _type_test(_name, frozenset(_types))


@bif("erlang", "is_boolean", 1)
def is_boolean(x):
    return TRUE if x is TRUE or x is FALSE else FALSE


@bif("erlang", "is_function", 2)
def is_function_2(f, arity):
    """A positive bignum arity is allowed (it never matches); negative or
    non-integer arities are badarg."""
    if type(arity) is not int or arity < 0:
        raise badarg()
    t = type(f)
    if t is Fun:
        return TRUE if f.entry.arity - len(f.env) == arity else FALSE
    if t is ExportFun:
        return TRUE if f.arity == arity else FALSE
    return FALSE


@bif("erlang", "is_record", 2)
def is_record_2(t, tag):
    if type(tag) is not Atom:
        raise badarg()
    return TRUE if type(t) is tuple and t and t[0] is tag else FALSE


@bif("erlang", "is_record", 3)
def is_record_3(t, tag, size):
    if type(tag) is not Atom or type(size) is not int or not _SMALL_MIN <= size <= _SMALL_MAX:
        raise badarg()
    return TRUE if type(t) is tuple and t and len(t) == size and t[0] is tag else FALSE


# -- comparison and boolean operators ----------------------------------------------------------

@bif("erlang", "==", 2)
def op_eq(a, b):
    return TRUE if eq(a, b) else FALSE


@bif("erlang", "/=", 2)
def op_ne(a, b):
    return FALSE if eq(a, b) else TRUE


@bif("erlang", "=:=", 2)
def op_exact_eq(a, b):
    return TRUE if eq_exact(a, b) else FALSE


@bif("erlang", "=/=", 2)
def op_exact_ne(a, b):
    return FALSE if eq_exact(a, b) else TRUE


@bif("erlang", "<", 2)
def op_lt(a, b):
    return TRUE if compare(a, b) < 0 else FALSE


@bif("erlang", ">", 2)
def op_gt(a, b):
    return TRUE if compare(a, b) > 0 else FALSE


@bif("erlang", "=<", 2)
def op_le(a, b):
    return TRUE if compare(a, b) <= 0 else FALSE


@bif("erlang", ">=", 2)
def op_ge(a, b):
    return TRUE if compare(a, b) >= 0 else FALSE


def _truth(x):
    if x is TRUE:
        return True
    if x is FALSE:
        return False
    raise badarg()


@bif("erlang", "and", 2)
def op_and(a, b):
    """Both operands are checked: 'and'(false, 1) is badarg."""
    return TRUE if _truth(a) & _truth(b) else FALSE


@bif("erlang", "or", 2)
def op_or(a, b):
    return TRUE if _truth(a) | _truth(b) else FALSE


@bif("erlang", "xor", 2)
def op_xor(a, b):
    return TRUE if _truth(a) ^ _truth(b) else FALSE


@bif("erlang", "not", 1)
def op_not(a):
    return FALSE if _truth(a) else TRUE


# -- tuples ------------------------------------------------------------------------------------

@bif("erlang", "element", 2)
def element(i, t):
    if type(t) is not tuple or type(i) is not int or not 0 < i <= len(t):
        raise badarg()
    return t[i - 1]


@bif("erlang", "setelement", 3)
def setelement(i, t, v):
    if type(t) is not tuple or type(i) is not int or not 0 < i <= len(t):
        raise badarg()
    return t[:i - 1] + (v,) + t[i:]


@bif("erlang", "tuple_size", 1)
def tuple_size(t):
    if type(t) is not tuple:
        raise badarg()
    return len(t)


@bif("erlang", "size", 1)
def size(t):
    """Tuple arity or whole bytes of a bitstring."""
    tt = type(t)
    if tt is tuple or tt is bytes:
        return len(t)
    if tt is BitString:
        return t.bits >> 3
    raise badarg()


def _arity(n):
    if type(n) is not int or not 0 <= n <= MAX_TUPLE_SIZE:
        raise badarg()
    return n


@bif("erlang", "make_tuple", 2)
def make_tuple_2(n, value):
    return (value,) * _arity(n)


@bif("erlang", "make_tuple", 3)
def make_tuple_3(n, default, init):
    """Later {Position, Value} pairs override earlier ones."""
    items = [default] * _arity(n)
    for pair in _proper(init):
        if type(pair) is not tuple or len(pair) != 2:
            raise badarg()
        pos = pair[0]
        if type(pos) is not int or not 0 < pos <= n:
            raise badarg()
        items[pos - 1] = pair[1]
    return tuple(items)


@bif("erlang", "append_element", 2)
def append_element(t, v):
    if type(t) is not tuple or len(t) >= MAX_TUPLE_SIZE:
        raise badarg()
    return t + (v,)


@bif("erlang", "insert_element", 3)
def insert_element(i, t, v):
    if type(t) is not tuple or type(i) is not int or not 0 < i <= len(t) + 1:
        raise badarg()
    return t[:i - 1] + (v,) + t[i - 1:]


@bif("erlang", "delete_element", 2)
def delete_element(i, t):
    if type(t) is not tuple or type(i) is not int or not 0 < i <= len(t):
        raise badarg()
    return t[:i - 1] + t[i:]


@bif("erlang", "tuple_to_list", 1)
def tuple_to_list(t):
    if type(t) is not tuple:
        raise badarg()
    return from_seq(t)


@bif("erlang", "list_to_tuple", 1)
def list_to_tuple(lst):
    items = _proper(lst)
    if len(items) > MAX_TUPLE_SIZE:
        raise badarg()
    return tuple(items)


# -- lists -------------------------------------------------------------------------------------

@bif("erlang", "hd", 1)
def hd(lst):
    if type(lst) is not Cons:
        raise badarg()
    return lst.hd


@bif("erlang", "tl", 1)
def tl(lst):
    if type(lst) is not Cons:
        raise badarg()
    return lst.tl


@bif("erlang", "length", 1)
def length(lst):
    n = list_length(lst)
    if n < 0:
        raise badarg()
    return n


def append(a, b):
    """a ++ b: a must be a proper list, b can be anything."""
    if a is NIL:
        return b
    return from_seq(_proper(a), b)


def subtract(a, b):
    """a -- b: each element of b removes the first =:= occurrence left in a.
    Linear: b becomes a multiset keyed by hkey; once it is used up the rest
    of a is shared, not copied. Both lists must be proper."""
    remove = _proper(b)
    if list_length(a) < 0:
        raise badarg()
    if not remove:
        return a
    counts = {}
    for x in remove:
        k = hkey(x)
        counts[k] = counts.get(k, 0) + 1
    kept = []
    keep = kept.append
    cell = a
    while counts and type(cell) is Cons:
        x = cell.hd
        k = hkey(x)
        c = counts.get(k)
        if c is None:
            keep(x)
        elif c == 1:
            del counts[k]
        else:
            counts[k] = c - 1
        cell = cell.tl
    return from_seq(kept, cell)


bif("erlang", "++", 2)(append)
bif("erlang", "append", 2)(append)
bif("erlang", "--", 2)(subtract)
bif("erlang", "subtract", 2)(subtract)


# -- atoms -------------------------------------------------------------------------------------

def _atom_chars(lst):
    """The text of a list of code points for an atom, or None when a 256th
    element exists (BEAM checks the length before looking at that element)."""
    chars = []
    add = chars.append
    n = 0
    while type(lst) is Cons:
        if n == MAX_ATOM_CHARACTERS:
            return None
        c = lst.hd
        if type(c) is not int or not (0 <= c < 0xD800 or 0xDFFF < c <= 0x10FFFF):
            raise badarg()
        add(chr(c))
        n += 1
        lst = lst.tl
    if lst is not NIL:
        raise badarg()
    return "".join(chars)


@bif("erlang", "atom_to_list", 1)
def atom_to_list(a):
    if type(a) is not Atom:
        raise badarg()
    return estr(a.name)


@bif("erlang", "list_to_atom", 1)
def list_to_atom(lst):
    name = _atom_chars(lst)
    if name is None:
        raise ErlangError(ERROR, _SYSTEM_LIMIT)
    return atom(name)


@bif("erlang", "list_to_existing_atom", 1)
def list_to_existing_atom(lst):
    name = _atom_chars(lst)
    a = None if name is None else existing_atom(name)
    if a is None:
        raise badarg()
    return a


@bif("erlang", "atom_to_binary", 2)
def atom_to_binary(a, encoding):
    if type(a) is not Atom:
        raise badarg()
    if encoding is A.utf8 or encoding is A.unicode:
        return a.name.encode("utf-8")
    if encoding is A.latin1:
        try:
            return a.name.encode("latin-1")
        except UnicodeEncodeError:
            raise badarg()
    raise badarg()


def _binary_atom_name(b, encoding, must_exist):
    """The atom name in binary b. Too long is system_limit for a new atom and
    badarg for an existing one; for UTF-8, 255 good characters followed by
    anything at all count as too long."""
    if type(b) is not bytes:
        raise badarg()
    if encoding is A.latin1:
        if len(b) > MAX_ATOM_CHARACTERS:
            raise badarg() if must_exist else ErlangError(ERROR, _SYSTEM_LIMIT)
        return b.decode("latin-1")
    if encoding is not A.utf8 and encoding is not A.unicode:
        raise badarg()
    if len(b) > _MAX_ATOM_UTF8_BYTES:
        raise badarg() if must_exist else ErlangError(ERROR, _SYSTEM_LIMIT)
    try:
        name = b.decode("utf-8")
        n = len(name)
    except UnicodeDecodeError as e:
        name = None
        n = len(b[:e.start].decode("utf-8")) + 1
    if n > MAX_ATOM_CHARACTERS:
        raise badarg() if must_exist else ErlangError(ERROR, _SYSTEM_LIMIT)
    if name is None:
        raise badarg()
    return name


@bif("erlang", "binary_to_atom", 2)
def binary_to_atom(b, encoding):
    return atom(_binary_atom_name(b, encoding, False))


@bif("erlang", "binary_to_existing_atom", 2)
def binary_to_existing_atom(b, encoding):
    a = existing_atom(_binary_atom_name(b, encoding, True))
    if a is None:
        raise badarg()
    return a


# -- pids, ports, references and funs as text --------------------------------------------------

@bif("erlang", "pid_to_list", 1)
def pid_to_list(p):
    if type(p) is not Pid:
        raise badarg()
    return estr(format_term(p))


@bif("erlang", "port_to_list", 1)
def port_to_list(p):
    if type(p) is not Port:
        raise badarg()
    return estr(format_term(p))


@bif("erlang", "ref_to_list", 1)
def ref_to_list(r):
    if type(r) is not Ref:
        raise badarg()
    return estr(format_term(r))


def _is_latin1_lower(c):
    return "a" <= c <= "z" or ("\xdf" <= c <= "\xff" and c != "\xf7")


def _is_latin1_alnum(c):
    return ("0" <= c <= "9" or "A" <= c <= "Z" or _is_latin1_lower(c)
            or ("\xc0" <= c <= "\xde" and c != "\xd7"))


_C_ESCAPES = {"'": b"\\'", "\\": b"\\\\", "\n": b"\\n", "\f": b"\\f", "\t": b"\\t",
              "\r": b"\\r", "\b": b"\\b", "\v": b"\\v"}


def c_atom_text(name):
    """An atom as the emulator's own printer writes it (UTF-8 bytes): quoted
    unless it is a Latin-1 lowercase letter followed by Latin-1 letters,
    digits and '_' (no reserved-word check, unlike io_lib); C0 and C1 control
    characters in octal."""
    if not name:
        return b"''"
    if _is_latin1_lower(name[0]) and all(_is_latin1_alnum(c) or c == "_" for c in name[1:]):
        return name.encode("utf-8")
    out = [b"'"]
    for c in name:
        esc = _C_ESCAPES.get(c)
        if esc is not None:
            out.append(esc)
        elif c < " " or "\x80" <= c < "\xa0":
            out.append(b"\\%03o" % ord(c))
        else:
            out.append(c.encode("utf-8"))
    out.append(b"'")
    return b"".join(out)


@bif("erlang", "fun_to_list", 1)
def fun_to_list(f):
    """The emulator's text for a fun, as a list of its UTF-8 bytes."""
    t = type(f)
    if t is Fun:
        e = f.entry
        text = b"#Fun<%s.%d.%d>" % (e.module.name.encode("utf-8"), e.index, e.old_uniq)
    elif t is ExportFun:
        text = b"fun %s:%s/%d" % (c_atom_text(f.module.name), c_atom_text(f.function.name),
                                  f.arity)
    else:
        raise badarg()
    return from_seq(text)


def _byte_text(lst, limit):
    """A list of at most `limit` bytes as a str; badarg for anything else.
    BEAM copies it into a fixed-size C string, so a NUL byte ends the text."""
    chars = []
    while type(lst) is Cons:
        c = lst.hd
        if type(c) is not int or not 0 <= c <= 255 or len(chars) == limit:
            raise badarg()
        chars.append(chr(c))
        lst = lst.tl
    if lst is not NIL:
        raise badarg()
    return "".join(chars).split("\0", 1)[0]


_PID_TEXT = re.compile(r"<([0-9]+)\.([0-9]+)\.([0-9]+)>")
_PORT_TEXT = re.compile(r"#Port<([0-9]+)\.([0-9]+)>")
_REF_TEXT = re.compile(r"#Ref<([0-9]+(?:\.[0-9]+){0,5})>")
_MAX_PID_NUMBER = (1 << 15) - 1
_MAX_PID_SERIAL = (1 << 13) - 1
_MAX_PORT_NUMBER = (1 << 28) - 1
_MAX_REF_WORD0 = (1 << 18) - 1        # the lowest word of a local ref has 18 bits
_REF_THREAD_MASK = 0xFFFF             # scheduler id bits of the middle word
_SCHEDULERS = 1                       # erlpy runs one scheduler (system_info(schedulers))


def _fields(pattern, lst, limit):
    m = pattern.fullmatch(_byte_text(lst, limit))
    if m is None:
        raise badarg()
    return m.groups()


@bif("erlang", "list_to_pid", 1)
def list_to_pid(lst):
    """"<0.Num.Serial>" of this node only (no distribution)."""
    node, num, serial = (int(x) & _U64 for x in _fields(_PID_TEXT, lst, 64))
    if node != 0 or num > _MAX_PID_NUMBER or serial > _MAX_PID_SERIAL:
        raise badarg()
    rt = VM.runtime
    return HOOKS.make_pid(rt.node, num, serial, rt.creation)


@bif("erlang", "list_to_port", 1)
def list_to_port(lst):
    node, num = _fields(_PORT_TEXT, lst, 38)
    num = int(num) & _U64
    if int(node) & _U32 != 0 or num > _MAX_PORT_NUMBER:
        raise badarg()
    rt = VM.runtime
    ports = getattr(rt, "ports", None)
    live = ports.table.get(num) if ports is not None else None
    if live is not None:
        return live.id
    return Port(rt.node, num, rt.creation)


@bif("erlang", "list_to_ref", 1)
def list_to_ref(lst):
    """"#Ref<0.A.B.C>" of this node: three words, the lowest below 2**18, a
    valid scheduler id in the middle one."""
    words = [int(x) & _U64 for x in _fields(_REF_TEXT, lst, 71)[0].split(".")]
    if any(w > _U32 for w in words) or words[0] != 0 or len(words) != 4:
        raise badarg()
    ids = (words[3], words[2], words[1])
    if ids[0] > _MAX_REF_WORD0 or ids[1] & _REF_THREAD_MASK > _SCHEDULERS:
        raise badarg()
    rt = VM.runtime
    return HOOKS.make_ref(rt.node, ids, rt.creation)


# -- erlang:fun_info/2 -------------------------------------------------------------------------

def _local_fun_info(f, item):
    e = f.entry
    if item is A.arity:
        return e.arity - len(f.env)
    if item is A.env:
        return from_seq(f.env)
    if item is A.module:
        return e.module
    if item is A.name:
        return e.name if e.module_obj is not None else NIL   # [] once the code is gone
    if item is A.type:
        return A.local
    if item is A.index or item is A.new_index:
        return e.index
    if item is A.uniq:
        return e.old_uniq
    if item is A.new_uniq:
        return e.uniq
    if item is A.pid:
        return HOOKS.fun_creator(f)
    raise badarg()      # refc (BEAM's reference count) has no meaning here


_EXTERNAL_UNDEFINED = frozenset((A.pid, A.index, A.new_index, A.uniq, A.new_uniq, A.refc))


@bif("erlang", "fun_info", 2)
def fun_info(f, item):
    t = type(f)
    if t is Fun:
        return (item, _local_fun_info(f, item))
    if t is not ExportFun or type(item) is not Atom:
        raise badarg()
    if item is A.arity:
        value = f.arity
    elif item is A.module:
        value = f.module
    elif item is A.name:
        value = f.function
    elif item is A.env:
        value = NIL
    elif item is A.type:
        value = A.external
    elif item in _EXTERNAL_UNDEFINED:
        value = A.undefined
    else:
        raise badarg()
    return (item, value)
