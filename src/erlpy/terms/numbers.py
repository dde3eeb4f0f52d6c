"""Integer and mixed arithmetic with OTP 25's exact semantics, and integers <-> text.

The arith_* functions are Erlang's operators (`erlang:'+'/2`...): they take
any terms and raise badarith for non-numbers, float overflow or division by
zero, and system_limit for integers beyond BEAM's bignum size. The
interpreter inlines int/int + - *; it calls these on the slow path.

Integers become floats as BEAM does it (int_to_float): exactly rounded below
2**64, and for larger bignums by BEAM's digit-by-digit sum, which rounds twice.
"""

import sys

from .atom import A
from .errors import ErlangError, ERROR, badarith

__all__ = [
    "MAX_INT_BITS", "int_to_float", "arith_add", "arith_sub", "arith_mul", "arith_fdiv",
    "arith_div", "arith_rem", "arith_band", "arith_bor", "arith_bxor", "arith_bsl",
    "arith_bsr", "arith_bnot", "arith_neg", "arith_plus", "system_limit", "int_to_text",
    "parse_int_bytes", "is_digit_table",
]

# CPython refuses int <-> decimal str beyond 4300 digits unless told otherwise;
# Erlang has no such limit (list_to_integer of 100,000 digits must work).
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)

# A bignum has at most 2**19 - 1 64-bit digits: larger results are system_limit.
MAX_INT_BITS = ((1 << 19) - 1) * 64

_TWO_POW_64 = 1 << 64
_DIGIT_MASK = _TWO_POW_64 - 1
_DIGIT_BASE = float(_TWO_POW_64)
_INF = float("inf")
_SYSTEM_LIMIT = A.system_limit


def system_limit():
    return ErlangError(ERROR, _SYSTEM_LIMIT)


def int_to_float(i):
    """BEAM's integer -> double conversion; None when the result is not finite.

    Up to 64 bits the conversion is exact-rounded; bignums are summed from the
    top 64-bit digit down (d = d * 2**64 + digit), so e.g. 2**116 + 2**63 + 1
    gives 2**116 where correct rounding gives 2**116 + 2**64."""
    if -_TWO_POW_64 < i < _TWO_POW_64:
        return float(i)
    m = -i if i < 0 else i
    nbits = m.bit_length()
    if nbits > 1024:
        return None
    d = 0.0
    shift = ((nbits - 1) >> 6) << 6
    while shift >= 0:
        d = d * _DIGIT_BASE + float((m >> shift) & _DIGIT_MASK)
        shift -= 64
    if d == _INF:
        return None
    return -d if i < 0 else d


def _arith_float(x):
    """An operand of mixed arithmetic as a float; badarith for non-numbers."""
    t = type(x)
    if t is float:
        return x
    if t is int:
        if -_TWO_POW_64 < x < _TWO_POW_64:
            return float(x)
        f = int_to_float(x)
        if f is not None:
            return f
    raise badarith()


def _checked_int(r):
    if r.bit_length() > MAX_INT_BITS:
        raise system_limit()
    return r


def arith_add(a, b):
    if type(a) is int and type(b) is int:
        r = a + b
        if r.bit_length() > MAX_INT_BITS:
            raise system_limit()
        return r
    r = _arith_float(a) + _arith_float(b)
    if r - r == 0.0:
        return r
    raise badarith()


def arith_sub(a, b):
    if type(a) is int and type(b) is int:
        r = a - b
        if r.bit_length() > MAX_INT_BITS:
            raise system_limit()
        return r
    r = _arith_float(a) - _arith_float(b)
    if r - r == 0.0:
        return r
    raise badarith()


def arith_mul(a, b):
    if type(a) is int and type(b) is int:
        if a.bit_length() + b.bit_length() > MAX_INT_BITS + 1:
            raise system_limit()        # the product is certainly too large
        r = a * b
        if r.bit_length() > MAX_INT_BITS:
            raise system_limit()
        return r
    r = _arith_float(a) * _arith_float(b)
    if r - r == 0.0:
        return r
    raise badarith()


def arith_fdiv(a, b):
    """Erlang's '/': both operands become floats first, the result is a float."""
    fa = _arith_float(a)
    fb = _arith_float(b)
    if fb == 0.0:
        raise badarith()
    r = fa / fb
    if r - r == 0.0:
        return r
    raise badarith()


def arith_div(a, b):
    """Integer division truncating toward zero."""
    if type(a) is not int or type(b) is not int or b == 0:
        raise badarith()
    if a >= 0 and b > 0:
        return a // b
    q, r = divmod(a, b)
    if r and (a < 0) != (b < 0):
        q += 1
    return q


def arith_rem(a, b):
    """Remainder with the sign of the dividend."""
    if type(a) is not int or type(b) is not int or b == 0:
        raise badarith()
    r = a % b
    if r and (a < 0) != (b < 0):
        r -= b
    return r


# band/bor/bxor can exceed the bignum size limit by one bit at most; OTP does
# not check them either (it returns the oversized bignum).


def arith_band(a, b):
    if type(a) is not int or type(b) is not int:
        raise badarith()
    return a & b


def arith_bor(a, b):
    if type(a) is not int or type(b) is not int:
        raise badarith()
    return a | b


def arith_bxor(a, b):
    if type(a) is not int or type(b) is not int:
        raise badarith()
    return a ^ b


def _shift_left(a, n):
    """a shifted left by n bits (right for negative n, rounding toward -inf).
    Any shift of 0 is 0; too large a result (or a bignum count) is system_limit."""
    if n > 0:
        if a == 0:
            return 0
        if a.bit_length() + n > MAX_INT_BITS:
            raise system_limit()
        return a << n
    return a >> -n


def arith_bsl(a, n):
    if type(a) is not int or type(n) is not int:
        raise badarith()
    return _shift_left(a, n)


def arith_bsr(a, n):
    if type(a) is not int or type(n) is not int:
        raise badarith()
    return _shift_left(a, -n)


def arith_bnot(a):
    if type(a) is not int:
        raise badarith()
    return _checked_int(~a)


def arith_neg(a):
    """Unary minus: -0.0 for 0.0."""
    t = type(a)
    if t is int or t is float:
        return -a
    raise badarith()


def arith_plus(a):
    """Unary plus: any number unchanged."""
    t = type(a)
    if t is int or t is float:
        return a
    raise badarith()


# ---------------------------------------------------------------- integers <-> text

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CHUNK = {}     # base -> (base**k, k), the largest power below 2**30 (one CPython digit)


def _chunk(base):
    c = _CHUNK.get(base)
    if c is None:
        k = 1
        while base ** (k + 1) < (1 << 30):
            k += 1
        c = _CHUNK[base] = (base ** k, k)
    return c


def int_to_text(i, base=10):
    """integer_to_list/2's text: upper-case letters, '-' for negatives."""
    if base == 10:
        return str(i)
    if base == 16:
        return "%X" % i
    if base == 2:
        return format(i, "b")
    if base == 8:
        return "%o" % i
    n = -i if i < 0 else i
    power, k = _chunk(base)
    chunks = []
    while n >= power:
        n, r = divmod(n, power)
        chunks.append(r)
    chunks.append(n)
    out = []
    for pos, r in enumerate(reversed(chunks)):
        digits = []
        while r:
            r, d = divmod(r, base)
            digits.append(_DIGITS[d])
        if pos:
            digits.extend("0" * (k - len(digits)))
        out.append("".join(reversed(digits)))
    text = "".join(out) or "0"
    return "-" + text if i < 0 else text


def _digit_bytes(base):
    if base <= 10:
        return bytes(range(48, 48 + base))
    letters = base - 10
    return b"0123456789" + bytes(range(65, 65 + letters)) + bytes(range(97, 97 + letters))


_VALID_DIGITS = [None, None] + [_digit_bytes(b) for b in range(2, 37)]


def is_digit_table(base):
    """256 booleans: which byte values are digits of `base` (either letter case)."""
    table = [False] * 256
    for c in _VALID_DIGITS[base]:
        table[c] = True
    return table


def parse_int_bytes(b, base):
    """binary_to_integer/2's syntax: [+-] then digits of `base` only (no spaces or
    underscores). Returns the int, or None if the bytes are not an integer."""
    body = b
    if body[:1] in (b"-", b"+"):
        body = body[1:]
    if not body:
        return None
    digits = body.lstrip(b"0")
    if not digits:
        return 0
    if digits.translate(None, _VALID_DIGITS[base]):
        return None
    v = int(digits, base)
    return -v if b[0] == 45 else v
