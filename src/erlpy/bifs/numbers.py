"""Number BIFs: conversions between numbers and text, rounding, and the
arithmetic operators as callable functions (`erlang:'+'(1, 2)`, `fun erlang:'*'/2`).

Everything follows OTP 25's C code, quirks included: a NUL ends the text
list_to_float sees, list_to_integer keeps only the low byte of each element,
float_to_list's N is cut to a C int, text that would not fit OTP's 256-byte
buffer is badarg.
"""

import math

from ..terms import A, NIL, Cons, estr, badarg
from ..terms.floats import short_repr, fixed_repr, scientific_repr, parse_float, c_round
from ..terms.numbers import (
    int_to_float, arith_add, arith_sub, arith_mul, arith_fdiv, arith_div, arith_rem,
    arith_band, arith_bor, arith_bxor, arith_bsl, arith_bsr, arith_bnot, arith_neg,
    arith_plus, int_to_text, parse_int_bytes, is_digit_table,
)
from .registry import bif

__all__ = ["float_text", "scan_int_list", "scan_float_list"]

_MIN_SMALL = -(1 << 59)          # BEAM's immediate integers; larger ones are bignums
_MAX_SMALL = (1 << 59) - 1

# ------------------------------------------------------------------ arithmetic

for _name, _fn in (("+", arith_add), ("-", arith_sub), ("*", arith_mul), ("/", arith_fdiv),
                   ("div", arith_div), ("rem", arith_rem), ("band", arith_band),
                   ("bor", arith_bor), ("bxor", arith_bxor), ("bsl", arith_bsl),
                   ("bsr", arith_bsr)):
    bif("erlang", _name, 2)(_fn)
bif("erlang", "bnot", 1)(arith_bnot)
bif("erlang", "-", 1)(arith_neg)
bif("erlang", "+", 1)(arith_plus)


# ------------------------------------------------------------------ rounding

@bif("erlang", "float", 1)
def float_1(x):
    t = type(x)
    if t is float:
        return x
    if t is int:
        f = int_to_float(x)
        if f is not None:
            return f
    raise badarg()


def _integral(x):
    """Argument check shared by trunc/round/floor/ceil: ints pass through."""
    if type(x) is int:
        return True
    if type(x) is float:
        return False
    raise badarg()


@bif("erlang", "trunc", 1)
def trunc_1(x):
    return x if _integral(x) else int(x)


@bif("erlang", "round", 1)
def round_1(x):
    """Halves round away from zero."""
    return x if _integral(x) else c_round(x)


@bif("erlang", "floor", 1)
def floor_1(x):
    return x if _integral(x) else math.floor(x)


@bif("erlang", "ceil", 1)
def ceil_1(x):
    return x if _integral(x) else math.ceil(x)


@bif("erlang", "abs", 1)
def abs_1(x):
    """abs(-0.0) is -0.0 in OTP (only values below zero are negated)."""
    t = type(x)
    if t is int:
        return -x if x < 0 else x
    if t is float:
        return -x if x < 0.0 else x
    raise badarg()


# ------------------------------------------------------------------ floats -> text

def _c_int(n):
    """OTP stores the option's N in a C int: keep the low 32 bits, signed."""
    n &= 0xFFFFFFFF
    return n - (1 << 32) if n & 0x80000000 else n


def float_text(f, opts):
    """float_to_list/2's text for float f and option list opts, or None for badarg.
    Later options override earlier ones; `compact` sticks once given."""
    if type(f) is not float:
        return None
    fmt = None          # None: the default "%.20e"
    decimals = 20
    compact = False
    while type(opts) is Cons:
        o = opts.hd
        opts = opts.tl
        if o is A.compact:
            compact = True
        elif o is A.short:
            fmt = A.short
        elif (type(o) is tuple and len(o) == 2 and type(o[1]) is int
              and _MIN_SMALL <= o[1] <= _MAX_SMALL and (o[0] is A.decimals or o[0] is A.scientific)):
            fmt = o[0]
            decimals = _c_int(o[1])
        else:
            return None
    if opts is not NIL:
        return None
    if fmt is A.short:
        return short_repr(f)
    if fmt is A.decimals:
        return None if decimals < 0 else fixed_repr(f, decimals, compact)
    return scientific_repr(f, decimals)


def _float_to_text(f, opts):
    s = float_text(f, opts)
    if s is None:
        raise badarg()
    return s


@bif("erlang", "float_to_list", 1)
def float_to_list_1(f):
    return estr(_float_to_text(f, NIL))


@bif("erlang", "float_to_list", 2)
def float_to_list_2(f, opts):
    return estr(_float_to_text(f, opts))


@bif("erlang", "float_to_binary", 1)
def float_to_binary_1(f):
    return _float_to_text(f, NIL).encode("ascii")


@bif("erlang", "float_to_binary", 2)
def float_to_binary_2(f, opts):
    return _float_to_text(f, opts).encode("ascii")


# ------------------------------------------------------------------ text -> floats

def _byte_list_text(lst):
    """A proper list of bytes (0..255) as a str, or None."""
    out = []
    append = out.append
    while type(lst) is Cons:
        c = lst.hd
        if type(c) is not int or not 0 <= c <= 255:
            return None
        append(c)
        lst = lst.tl
    if lst is not NIL:
        return None
    return bytes(out).decode("latin-1")


@bif("erlang", "list_to_float", 1)
def list_to_float_1(lst):
    text = _byte_list_text(lst)
    v = None if text is None else parse_float(text)
    if v is None:
        raise badarg()
    return v


@bif("erlang", "binary_to_float", 1)
def binary_to_float_1(b):
    if type(b) is not bytes:
        raise badarg()
    v = parse_float(b.decode("latin-1"))
    if v is None:
        raise badarg()
    return v


# string:list_to_float/1 scans a float off the front of a list, with a state
# machine that, on a failed exponent, gives back the 'e' and what followed.
_SIGN, _INT, _FRAC, _EXP_SIGN, _EXP0, _EXP1, _END = range(7)


@bif("string", "list_to_float", 1)
def scan_float_list(lst):
    """string:list_to_float/1: {Float, Rest} or {error, no_float | not_a_list}."""
    if lst is NIL:
        return (A.error, A.no_float)
    if type(lst) is not Cons:
        return (A.error, A.not_a_list)
    buf = []
    part = _SIGN
    e_len = 0           # where an 'e' was seen: buf length and list position
    e_cell = lst
    while True:
        c = lst.hd
        store = True
        if type(c) is not int:
            break
        if c == 45 or c == 43:                          # - +
            if part == _SIGN:
                part = _INT
                store = c == 45
            elif part == _EXP_SIGN:
                part = _EXP0
            else:
                if part == _EXP0:
                    del buf[e_len:]
                    lst = e_cell
                part = _END
        elif c == 46 or c == 44:                        # . ,
            if part == _INT:
                part = _FRAC
            else:
                if part == _EXP_SIGN or part == _EXP0:
                    del buf[e_len:]
                    lst = e_cell
                part = _END
        elif c == 101 or c == 69:                       # e E
            if part == _FRAC:
                e_len = len(buf)
                e_cell = lst
                part = _EXP_SIGN
            else:
                if part == _EXP_SIGN or part == _EXP0:
                    del buf[e_len:]
                    lst = e_cell
                part = _END
        elif 48 <= c <= 57:
            if part == _SIGN:
                part = _INT
            elif part == _EXP_SIGN or part == _EXP0:
                part = _EXP1
        else:
            break
        if part == _END:
            if len(buf) < 3:
                return (A.error, A.no_float)
            break
        if store:
            buf.append(c)
        lst = lst.tl
        if type(lst) is not Cons:
            break
    if part == _EXP_SIGN or part == _EXP0:
        del buf[e_len:]
        lst = e_cell
    if not buf:
        return (A.error, A.no_float)
    v = parse_float("".join(map(chr, buf)))
    if v is None:
        return (A.error, A.no_float)
    return (v, lst)


# ------------------------------------------------------------------ integers <-> text

_DIGIT_TABLES = [None, None] + [is_digit_table(b) for b in range(2, 37)]


def scan_int_list(lst, base):
    """Read [+-]digits off the front of an Erlang list as BEAM does (each element
    counts by its low byte). Returns (int, rest), or (None, reason) with reason
    no_integer or not_a_list."""
    if lst is NIL:
        return None, A.no_integer
    if type(lst) is not Cons:
        return None, A.not_a_list
    first = lst.hd
    negative = False
    if type(first) is int and (first == 45 or first == 43):
        negative = first == 45
        lst = lst.tl
        if type(lst) is not Cons:
            return None, A.no_integer
    is_digit = _DIGIT_TABLES[base]
    digits = bytearray()
    append = digits.append
    while True:
        c = lst.hd
        if type(c) is not int or not _MIN_SMALL <= c <= _MAX_SMALL:
            break
        c &= 0xFF
        if not is_digit[c]:
            break
        append(c)
        lst = lst.tl
        if type(lst) is not Cons:
            break
    if not digits:
        return None, A.no_integer
    v = int(digits, base)
    return (-v if negative else v), lst


def _base(base):
    if type(base) is not int or not 2 <= base <= 36:
        raise badarg()
    return base


def _list_to_integer(lst, base):
    v, rest = scan_int_list(lst, base)
    if v is None or rest is not NIL:
        raise badarg()
    return v


@bif("erlang", "list_to_integer", 1)
def list_to_integer_1(lst):
    return _list_to_integer(lst, 10)


@bif("erlang", "list_to_integer", 2)
def list_to_integer_2(lst, base):
    return _list_to_integer(lst, _base(base))


@bif("string", "list_to_integer", 1)
def string_list_to_integer_1(lst):
    v, rest = scan_int_list(lst, 10)
    return (A.error, rest) if v is None else (v, rest)


def _binary_to_integer(b, base):
    if type(b) is not bytes:
        raise badarg()
    v = parse_int_bytes(b, base)
    if v is None:
        raise badarg()
    return v


@bif("erlang", "binary_to_integer", 1)
def binary_to_integer_1(b):
    return _binary_to_integer(b, 10)


@bif("erlang", "binary_to_integer", 2)
def binary_to_integer_2(b, base):
    return _binary_to_integer(b, _base(base))


def _int_text(i, base):
    if type(i) is not int:
        raise badarg()
    return int_to_text(i, base)


@bif("erlang", "integer_to_list", 1)
def integer_to_list_1(i):
    return estr(_int_text(i, 10))


@bif("erlang", "integer_to_list", 2)
def integer_to_list_2(i, base):
    return estr(_int_text(i, _base(base)))


@bif("erlang", "integer_to_binary", 1)
def integer_to_binary_1(i):
    return _int_text(i, 10).encode("ascii")


@bif("erlang", "integer_to_binary", 2)
def integer_to_binary_2(i, base):
    return _int_text(i, _base(base)).encode("ascii")
