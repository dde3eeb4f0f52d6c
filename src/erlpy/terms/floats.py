"""Floats <-> text exactly as OTP 25 writes and reads them.

short_repr(f)            float_to_list(F, [short]); also what ~w and ~p print.
fixed_repr(f, n, compact)    float_to_list(F, [{decimals, N}] (+ [compact])).
scientific_repr(f, n)    float_to_list(F, [{scientific, N}]); the default form is n = 20.
parse_float(text)        list_to_float/binary_to_float: strict syntax, None when rejected.

OTP formats into a 256-byte buffer and fails with badarg when the text does
not fit; fixed_repr and scientific_repr return None in that case.
"""

import math
import re

__all__ = ["short_repr", "fixed_repr", "scientific_repr", "parse_float", "c_round",
           "FLOAT_BUF_SIZE"]

FLOAT_BUF_SIZE = 256        # OTP's char buffer; text of this length or more is badarg

_TWO_POW_53 = 9007199254740992
_SHORT_INT_LIMIT_E1 = (1 << 52) // 5      # digits above these, with 1 or 2 trailing
_SHORT_INT_LIMIT_E2 = (1 << 51) // 25     # zeros, would fake integer precision
_POW10 = [float(10 ** k) for k in range(19)]   # exact doubles, as OTP's table
_FAST_DECIMALS = len(_POW10)              # from here on OTP uses printf("%.*f")
_INF = float("inf")


def _shortest(s):
    """Sign, shortest round-trip digits (no leading/trailing zeros) and exponent
    from repr(f): |f| = int(digits) * 10**exp. Python's repr has Ryu's digits."""
    if s[0] == "-":
        sign = "-"
        s = s[1:]
    else:
        sign = ""
    mant, _, exp = s.partition("e")
    ip, _, fp = mant.partition(".")
    e = int(exp) if exp else 0
    if fp == "0":
        fp = ""
    digits = (ip + fp).lstrip("0")
    e -= len(fp)
    stripped = digits.rstrip("0")
    e += len(digits) - len(stripped)
    return sign, stripped, e


def short_repr(f):
    """float_to_list(F, [short]): Ryu's shortest digits laid out by OTP's rules.

    Plain notation is used while it is not much longer than scientific, except
    for integers from 2**53 up, which always get an exponent (their trailing
    digits are not exact)."""
    s = repr(f)
    if "e" not in s:
        # Python's plain form is OTP's too, unless the value is below 0.001 or
        # an integer with 2+ trailing zeros or 16+ digits: those take the long way.
        ip, _, fp = s.partition(".")
        if fp != "0":
            if ip != "0" and ip != "-0" or fp[:3] != "000":
                return s
        elif ip[-2:] != "00" and len(ip) < 16:
            return s
    sign, digits, e = _shortest(s)
    if not digits:
        return sign + "0.0"
    n = len(digits)
    sci_exp = e + n - 1
    if n == 1:
        plain = -4 <= e <= 2
    elif sci_exp >= 10:
        plain = e <= 2
    else:
        plain = -(n + 2) <= e <= 1
    if plain and 0 <= e <= 2 and n >= 14:
        d = int(digits)
        if ((e == 0 and d >= _TWO_POW_53) or (e == 1 and d > _SHORT_INT_LIMIT_E1)
                or (e == 2 and d > _SHORT_INT_LIMIT_E2)):
            plain = False
    if not plain:
        return "%s%s.%se%d" % (sign, digits[0], digits[1:] or "0", sci_exp)
    if e >= 0:
        return sign + digits + "0" * e + ".0"
    whole = n + e
    if whole > 0:
        return sign + digits[:whole] + "." + digits[whole:]
    return sign + "0." + "0" * -whole + digits


def c_round(x):
    """C's round(): halves go away from zero. Returns an int."""
    if x >= 0.0:
        r = math.floor(x)
        return r + 1 if x - r >= 0.5 else r
    r = math.ceil(x)
    return r - 1 if r - x >= 0.5 else r


def _strip_zeros(s):
    """OTP's `compact`: drop trailing zeros, but keep one digit after a '.'
    (s always has a non-zero digit or a '.')."""
    t = s.rstrip("0")
    return t + "0" if t[-1] == "." else t


def fixed_repr(f, decimals, compact):
    """float_to_list(F, [{decimals, N}]) for N >= 0; None if OTP's buffer overflows.

    Like OTP, values up to 2**53 with fewer than 19 decimals are rounded with
    double arithmetic (halves away from zero, after scaling by 10**N), not
    exactly as printf would."""
    neg = math.copysign(1.0, f) < 0.0
    af = -f if neg else f
    if af > _TWO_POW_53 or decimals >= _FAST_DECIMALS:
        if decimals >= FLOAT_BUF_SIZE - 2:
            return None
        s = format(f, ".%df" % decimals)      # not "%f" %: PyPy turns that into %g
        if len(s) >= FLOAT_BUF_SIZE:
            return None
        # here OTP strips zeros even without a '.': 1.0e20, 0 decimals -> "1"
        return _strip_zeros(s) if compact else s
    if decimals == 0:
        s = str(c_round(af))
    else:
        int_f = math.floor(af)
        scale = _POW10[decimals]
        frac = c_round((af - int_f) * scale)
        if frac >= scale:
            int_f += 1
            frac = 0
        s = "%d.%0*d" % (int_f, decimals, frac)
        if compact:
            s = _strip_zeros(s)
    return "-" + s if neg else s


def scientific_repr(f, decimals):
    """float_to_list(F, [{scientific, N}]) ("%.Ne"); None if it overflows OTP's buffer.
    A negative N means printf's default precision, 6."""
    if decimals < 0:
        decimals = 6
    elif decimals >= FLOAT_BUF_SIZE - 6:
        return None
    s = format(f, ".%de" % decimals)
    return s if len(s) < FLOAT_BUF_SIZE else None


# [+-]digits(.|,)digits[(e|E)[+-]digits]; OTP accepts ',' as the decimal point too.
_FLOAT_SYNTAX = re.compile(r"[+-]?[0-9]+[.,][0-9]+(?:[eE][+-]?[0-9]+)?\Z")


def parse_float(text):
    """list_to_float/binary_to_float on a str of chars 0..255: the float, or None.

    A NUL ends the text (OTP hands a C string to strtod); overflow is rejected,
    underflow gives 0.0 or a subnormal."""
    nul = text.find("\0")
    if nul >= 0:
        text = text[:nul]
    if _FLOAT_SYNTAX.match(text) is None:
        return None
    v = float(text.replace(",", "."))
    if v == _INF or v == -_INF:
        return None
    return v
