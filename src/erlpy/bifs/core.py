"""The everyday BIFs of erlang, lists, math and unicode: type tests,
comparisons, tuples, lists, atoms, identifiers of pids/refs/funs."""

import math

from ..terms import (A, Atom, atom, existing_atom, NIL, Cons, BitString, Pid, Port, Ref, Fun,
                     ExportFun, Map, ErlangError, badarg, badarith, TRUE, FALSE, boolean,
                     from_seq, to_pylist, NotAList, estr, list_to_str, compare, eq, eq_exact,
                     hkey, list_length)
from ..terms.errors import ERROR
from ..terms.printer import format_term
from ..code.contract import VM
from .registry import bif


def _pylist(lst):
    try:
        return to_pylist(lst)
    except NotAList:
        raise badarg()


# -- type tests -------------------------------------------------------------------------

def _type_test(name, test):
    bif("erlang", name, 1)(lambda x: TRUE if test(x) else FALSE)


for _name, _test in (
        ("is_atom", lambda x: type(x) is Atom),
        ("is_integer", lambda x: type(x) is int),
        ("is_float", lambda x: type(x) is float),
        ("is_number", lambda x: type(x) is int or type(x) is float),
        ("is_list", lambda x: x is NIL or type(x) is Cons),
        ("is_tuple", lambda x: type(x) is tuple),
        ("is_binary", lambda x: type(x) is bytes),
        ("is_bitstring", lambda x: type(x) is bytes or type(x) is BitString),
        ("is_pid", lambda x: type(x) is Pid),
        ("is_port", lambda x: type(x) is Port),
        ("is_reference", lambda x: type(x) is Ref),
        ("is_map", lambda x: type(x) is Map),
        ("is_function", lambda x: type(x) is Fun or type(x) is ExportFun),
        ("is_boolean", lambda x: x is TRUE or x is FALSE)):
    _type_test(_name, _test)


@bif("erlang", "is_function", 2)
def is_function2(f, arity):
    if type(arity) is not int or arity < 0:
        raise badarg()
    if type(f) is Fun:
        return boolean(f.entry.arity - len(f.env) == arity)
    if type(f) is ExportFun:
        return boolean(f.arity == arity)
    return FALSE


@bif("erlang", "is_record", 2)
def is_record2(t, tag):
    if type(tag) is not Atom:
        raise badarg()
    return boolean(type(t) is tuple and len(t) > 0 and t[0] is tag)


@bif("erlang", "is_record", 3)
def is_record3(t, tag, size):
    if type(tag) is not Atom or type(size) is not int:
        raise badarg()
    return boolean(type(t) is tuple and len(t) == size and size > 0 and t[0] is tag)


# -- comparisons and booleans ---------------------------------------------------------------

for _op, _fn in (("==", lambda a, b: eq(a, b)), ("/=", lambda a, b: not eq(a, b)),
                 ("=:=", eq_exact), ("=/=", lambda a, b: not eq_exact(a, b)),
                 ("<", lambda a, b: compare(a, b) < 0), (">", lambda a, b: compare(a, b) > 0),
                 ("=<", lambda a, b: compare(a, b) <= 0), (">=", lambda a, b: compare(a, b) >= 0)):
    bif("erlang", _op, 2)((lambda f: lambda a, b: TRUE if f(a, b) else FALSE)(_fn))


def _bool(x):
    if x is TRUE:
        return True
    if x is FALSE:
        return False
    raise badarg()


@bif("erlang", "and", 2)
def and_(a, b):
    return boolean(_bool(a) & _bool(b))


@bif("erlang", "or", 2)
def or_(a, b):
    return boolean(_bool(a) | _bool(b))


@bif("erlang", "xor", 2)
def xor_(a, b):
    return boolean(_bool(a) ^ _bool(b))


@bif("erlang", "not", 1)
def not_(a):
    return boolean(not _bool(a))


@bif("erlang", "min", 2)
def min2(a, b):
    return b if compare(b, a) < 0 else a


@bif("erlang", "max", 2)
def max2(a, b):
    return b if compare(b, a) > 0 else a


# -- tuples -------------------------------------------------------------------------------

@bif("erlang", "element", 2)
def element(i, t):
    if type(t) is not tuple or type(i) is not int or not 1 <= i <= len(t):
        raise badarg()
    return t[i - 1]


@bif("erlang", "setelement", 3)
def setelement(i, t, v):
    if type(t) is not tuple or type(i) is not int or not 1 <= i <= len(t):
        raise badarg()
    return t[:i - 1] + (v,) + t[i:]


@bif("erlang", "tuple_size", 1)
def tuple_size(t):
    if type(t) is not tuple:
        raise badarg()
    return len(t)


@bif("erlang", "size", 1)
def size(t):
    if type(t) is tuple or type(t) is bytes:
        return len(t)
    if type(t) is BitString:
        return t.bits // 8
    raise badarg()


_MAX_TUPLE = (1 << 24) - 1


@bif("erlang", "make_tuple", 2)
def make_tuple(n, v):
    if type(n) is not int or not 0 <= n <= _MAX_TUPLE:
        raise badarg()
    return (v,) * n


@bif("erlang", "make_tuple", 3)
def make_tuple3(n, default, init):
    if type(n) is not int or not 0 <= n <= _MAX_TUPLE:
        raise badarg()
    t = [default] * n
    for item in _pylist(init):
        if type(item) is not tuple or len(item) != 2 or type(item[0]) is not int \
                or not 1 <= item[0] <= n:
            raise badarg()
        t[item[0] - 1] = item[1]
    return tuple(t)


@bif("erlang", "append_element", 2)
def append_element(t, v):
    if type(t) is not tuple or len(t) >= _MAX_TUPLE:
        raise badarg()
    return t + (v,)


@bif("erlang", "insert_element", 3)
def insert_element(i, t, v):
    if type(t) is not tuple or type(i) is not int or not 1 <= i <= len(t) + 1:
        raise badarg()
    return t[:i - 1] + (v,) + t[i - 1:]


@bif("erlang", "delete_element", 2)
def delete_element(i, t):
    if type(t) is not tuple or type(i) is not int or not 1 <= i <= len(t):
        raise badarg()
    return t[:i - 1] + t[i:]


@bif("erlang", "tuple_to_list", 1)
def tuple_to_list(t):
    if type(t) is not tuple:
        raise badarg()
    return from_seq(t)


@bif("erlang", "list_to_tuple", 1)
def list_to_tuple(lst):
    return tuple(_pylist(lst))


# -- lists ---------------------------------------------------------------------------------

@bif("erlang", "length", 1)
def length(lst):
    n = list_length(lst)
    if n < 0:
        raise badarg()
    return n


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


def _append(a, b):
    if a is NIL:
        return b
    return from_seq(_pylist(a), b)


def _subtract(a, b):
    items = _pylist(a)
    remove = _pylist(b)
    if not remove:
        return a
    counts = {}
    for x in remove:
        h = hkey(x)
        counts[h] = counts.get(h, 0) + 1
    out = []
    for x in items:
        h = hkey(x)
        c = counts.get(h)
        if c:
            counts[h] = c - 1
        else:
            out.append(x)
    return from_seq(out)


bif("erlang", "++", 2)(_append)
bif("erlang", "append", 2)(_append)
bif("erlang", "--", 2)(_subtract)
bif("erlang", "subtract", 2)(_subtract)


@bif("lists", "reverse", 2)
def reverse(lst, tail):
    r = tail
    while type(lst) is Cons:
        r = Cons(lst.hd, r)
        lst = lst.tl
    if lst is not NIL:
        raise badarg()
    return r


def _keyfind(key, n, lst):
    if type(n) is not int or n < 1:
        raise badarg()
    i = n - 1
    simple = type(key) is Atom
    while type(lst) is Cons:
        e = lst.hd
        if type(e) is tuple and len(e) > i:
            k = e[i]
            if k is key or (not simple and eq(k, key)):
                return e
        lst = lst.tl
    if lst is not NIL:
        raise badarg()
    return None


@bif("lists", "keyfind", 3)
def keyfind(key, n, lst):
    e = _keyfind(key, n, lst)
    return FALSE if e is None else e


@bif("lists", "keymember", 3)
def keymember(key, n, lst):
    return boolean(_keyfind(key, n, lst) is not None)


@bif("lists", "keysearch", 3)
def keysearch(key, n, lst):
    e = _keyfind(key, n, lst)
    return FALSE if e is None else (A.value, e)


@bif("lists", "member", 2)
def member(x, lst):
    simple = type(x) is Atom or type(x) is int
    while type(lst) is Cons:
        h = lst.hd
        if h is x or (not simple and eq_exact(h, x)) or (type(x) is int and type(h) is int
                                                         and h == x):
            return TRUE
        lst = lst.tl
    if lst is not NIL:
        raise badarg()
    return FALSE


# -- atoms ---------------------------------------------------------------------------------

def _text(lst):
    try:
        return list_to_str(lst)
    except (NotAList, ValueError):
        raise badarg()


@bif("erlang", "atom_to_list", 1)
def atom_to_list(a):
    if type(a) is not Atom:
        raise badarg()
    return estr(a.name)


def _new_atom(name):
    if len(name) > 255:
        raise ErlangError(ERROR, A.system_limit)
    return atom(name)


@bif("erlang", "list_to_atom", 1)
def list_to_atom(lst):
    return _new_atom(_text(lst))


@bif("erlang", "list_to_existing_atom", 1)
def list_to_existing_atom(lst):
    a = existing_atom(_text(lst))
    if a is None:
        raise badarg()
    return a


def _encoding(enc):
    if enc is A.latin1:
        return "latin-1"
    if enc is A.utf8 or enc is A.unicode:
        return "utf-8"
    raise badarg()


@bif("erlang", "atom_to_binary", 1)
def atom_to_binary1(a):
    return atom_to_binary(a, A.utf8)


@bif("erlang", "atom_to_binary", 2)
def atom_to_binary(a, enc):
    if type(a) is not Atom:
        raise badarg()
    try:
        return a.name.encode(_encoding(enc))
    except UnicodeEncodeError:
        raise badarg()


def _binary_text(b, enc):
    if type(b) is not bytes:
        raise badarg()
    try:
        return b.decode(_encoding(enc))
    except UnicodeDecodeError:
        raise badarg()


@bif("erlang", "binary_to_atom", 1)
def binary_to_atom1(b):
    return binary_to_atom(b, A.utf8)


@bif("erlang", "binary_to_atom", 2)
def binary_to_atom(b, enc):
    return _new_atom(_binary_text(b, enc))


@bif("erlang", "binary_to_existing_atom", 1)
def binary_to_existing_atom1(b):
    return binary_to_existing_atom(b, A.utf8)


@bif("erlang", "binary_to_existing_atom", 2)
def binary_to_existing_atom(b, enc):
    a = existing_atom(_binary_text(b, enc))
    if a is None:
        raise badarg()
    return a


# -- pids, refs, ports, funs as text -------------------------------------------------------

@bif("erlang", "pid_to_list", 1)
def pid_to_list(p):
    if type(p) is not Pid:
        raise badarg()
    return estr(format_term(p))


@bif("erlang", "ref_to_list", 1)
def ref_to_list(r):
    if type(r) is not Ref:
        raise badarg()
    return estr(format_term(r))


@bif("erlang", "port_to_list", 1)
def port_to_list(p):
    if type(p) is not Port:
        raise badarg()
    return estr(format_term(p))


@bif("erlang", "fun_to_list", 1)
def fun_to_list(f):
    if type(f) is not Fun and type(f) is not ExportFun:
        raise badarg()
    return estr(format_term(f))


def _parse_ids(text, prefix, suffix, count):
    if not (text.startswith(prefix) and text.endswith(suffix)):
        raise badarg()
    parts = text[len(prefix):len(text) - len(suffix)].split(".")
    if count is not None and len(parts) != count:
        raise badarg()
    try:
        nums = [int(x) for x in parts]
    except ValueError:
        raise badarg()
    if any(n < 0 or n >= (1 << 32) for n in nums):
        raise badarg()
    return nums


@bif("erlang", "list_to_pid", 1)
def list_to_pid(lst):
    node, num, serial = _parse_ids(_text(lst), "<", ">", 3)
    rt = VM.runtime
    if node != 0:
        raise badarg()
    p = rt.procs.get(num)
    if p is not None and p.pid.serial == serial:
        return p.pid
    return Pid(rt.node, num, serial, rt.creation)


@bif("erlang", "list_to_ref", 1)
def list_to_ref(lst):
    nums = _parse_ids(_text(lst), "#Ref<", ">", None)
    if len(nums) < 2 or nums[0] != 0:
        raise badarg()
    rt = VM.runtime
    return Ref(rt.node, tuple(reversed(nums[1:])), rt.creation)


@bif("erlang", "list_to_port", 1)
def list_to_port(lst):
    node, num = _parse_ids(_text(lst), "#Port<", ">", 2)
    if node != 0:
        raise badarg()
    rt = VM.runtime
    ports = getattr(rt, "ports", None)
    if ports is not None and num in ports.table:
        return ports.table[num].id
    return Port(rt.node, num, rt.creation)


@bif("erlang", "fun_info", 2)
def fun_info(f, item):
    if type(item) is not Atom:
        raise badarg()
    n = item.name
    if type(f) is Fun:
        e = f.entry
        vals = {"arity": lambda: e.arity - len(f.env), "module": lambda: e.module,
                "name": lambda: e.name, "env": lambda: from_seq(list(f.env)),
                "index": lambda: e.index, "new_index": lambda: e.index,
                "uniq": lambda: e.old_uniq, "new_uniq": lambda: e.uniq or bytes(16),
                "type": lambda: A.local, "pid": lambda: A.undefined}
    elif type(f) is ExportFun:
        vals = {"arity": lambda: f.arity, "module": lambda: f.module,
                "name": lambda: f.function, "env": lambda: NIL, "type": lambda: A.external,
                "index": lambda: A.undefined, "new_index": lambda: A.undefined,
                "uniq": lambda: A.undefined, "new_uniq": lambda: A.undefined,
                "pid": lambda: A.undefined}
    else:
        raise badarg()
    g = vals.get(n)
    if g is None:
        raise badarg()
    return (item, g())


# -- math ------------------------------------------------------------------------------------

def _float_arg(x):
    if type(x) is float:
        return x
    if type(x) is int:
        try:
            return float(x)
        except OverflowError:
            raise badarith()
    raise badarith()


def _math1(name, fn):
    def impl(x):
        v = _float_arg(x)
        try:
            r = fn(v)
        except (ValueError, OverflowError, ZeroDivisionError):
            raise badarith()
        if r != r or r in (float("inf"), float("-inf")):
            raise badarith()
        return r
    bif("math", name, 1)(impl)


for _name, _fn in (("sin", math.sin), ("cos", math.cos), ("tan", math.tan),
                   ("asin", math.asin), ("acos", math.acos), ("atan", math.atan),
                   ("sinh", math.sinh), ("cosh", math.cosh), ("tanh", math.tanh),
                   ("asinh", math.asinh), ("acosh", math.acosh), ("atanh", math.atanh),
                   ("exp", math.exp), ("log", math.log), ("log2", math.log2),
                   ("log10", math.log10), ("sqrt", math.sqrt), ("erf", math.erf),
                   ("erfc", math.erfc), ("ceil", lambda v: float(math.ceil(v))),
                   ("floor", lambda v: float(math.floor(v)))):
    _math1(_name, _fn)


def _math2(name, fn):
    def impl(x, y):
        a, b = _float_arg(x), _float_arg(y)
        try:
            r = fn(a, b)
        except (ValueError, OverflowError, ZeroDivisionError):
            raise badarith()
        if r != r or r in (float("inf"), float("-inf")):
            raise badarith()
        return r
    bif("math", name, 2)(impl)


_math2("pow", math.pow)
_math2("atan2", math.atan2)
_math2("fmod", math.fmod)


# -- unicode -----------------------------------------------------------------------------------

def _unicode_encoding(enc):
    """Python codec for an Erlang encoding name, or badarg."""
    if type(enc) is tuple and len(enc) == 2:
        kind, endian = enc
        if endian not in (A.big, A.little):
            raise badarg()
        if kind is A.utf16:
            return "utf-16-be" if endian is A.big else "utf-16-le"
        if kind is A.utf32:
            return "utf-32-be" if endian is A.big else "utf-32-le"
        raise badarg()
    if enc is A.latin1:
        return "latin-1"
    if enc is A.unicode or enc is A.utf8:
        return "utf-8"
    if enc is A.utf16:
        return "utf-16-be"
    if enc is A.utf32:
        return "utf-32-be"
    raise badarg()


def _decode_chunk(b, codec):
    """Decode as much of binary b as possible: (code points, rest, stop kind or None)."""
    try:
        return [ord(c) for c in b.decode(codec)], b"", None
    except UnicodeDecodeError as e:
        good = b[:e.start].decode(codec)
        kind = A.incomplete if e.reason == "unexpected end of data" else A.error
        return [ord(c) for c in good], b[e.start:], kind


def _bad_char(c, in_codec):
    return c < 0 or c > 0x10FFFF or 0xD800 <= c <= 0xDFFF or (in_codec == "latin-1" and c > 255)


def _walk(data, in_codec, out):
    """Append the code points of chardata to `out`; on a bad element return
    (kind, rest) where rest is the unconverted remainder in OTP's shape, else None."""
    t = type(data)
    if t is bytes:
        codes, rest, kind = _decode_chunk(data, in_codec)
        out.extend(codes)
        return None if kind is None else (kind, rest)
    if data is NIL:
        return None
    if t is not Cons:
        raise badarg()
    x = data
    while type(x) is Cons:
        h = x.hd
        th = type(h)
        if th is int:
            if _bad_char(h, in_codec):
                return (A.error, x)
            out.append(h)
        elif th is bytes or th is Cons or h is NIL:
            stop = _walk(h, in_codec, out)
            if stop is not None:
                return (stop[0], Cons(stop[1], x.tl) if x.tl is not NIL else
                        Cons(stop[1], NIL))
        else:
            raise badarg()
        x = x.tl
    if x is not NIL:
        if type(x) is bytes:
            return _walk(x, in_codec, out)
        raise badarg()
    return None


def _convert(data, in_enc, as_list):
    in_codec = _unicode_encoding(in_enc)
    codes = []
    stop = _walk(data, in_codec, codes)
    done = from_seq(codes) if as_list else "".join(map(chr, codes)).encode("utf-8")
    if stop is not None:
        return (stop[0], done, stop[1])
    return done


@bif("unicode", "characters_to_binary", 2)
def characters_to_binary(data, in_enc):
    return _convert(data, in_enc, False)


@bif("unicode", "characters_to_list", 2)
def characters_to_list(data, in_enc):
    return _convert(data, in_enc, True)


@bif("unicode", "bin_is_7bit", 1)
def bin_is_7bit(b):
    """false for anything but an all-ASCII binary (lists included), as in BEAM."""
    return boolean(type(b) is bytes and b.isascii())
