"""Float printing as OTP does it.

short_repr: float_to_list(F, [short]), used by ~w/~p: the shortest digit string
that reads back to the same float (Python's repr gives those digits), printed
in plain decimal or in scientific notation, whichever is shorter (decimal on a tie).
"""

__all__ = ["short_repr"]


def _digits_exp(f):
    """Shortest round-trip digits and decimal exponent: f = 0.DIGITS * 10**exp."""
    r = repr(abs(f))
    if "e" in r:
        mant, e = r.split("e")
        e = int(e)
    else:
        mant, e = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = (ip + fp).lstrip("0")
    # position of the decimal point relative to the first significant digit
    lead = len(ip + fp) - len((ip + fp).lstrip("0"))
    point = len(ip) - lead + e
    digits = digits.rstrip("0") or "0"
    return digits, point


def short_repr(f):
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError("not a finite float")
    sign = "-" if (f < 0 or (f == 0.0 and str(f).startswith("-"))) else ""
    if f == 0.0:
        return sign + "0.0"
    digits, point = _digits_exp(f)
    # scientific: D.DDDeX
    sci = digits[0] + "." + (digits[1:] or "0") + "e" + str(point - 1)
    # decimal
    if point <= 0:
        dec = "0." + "0" * (-point) + digits
    elif point >= len(digits):
        dec = digits + "0" * (point - len(digits)) + ".0"
    else:
        dec = digits[:point] + "." + digits[point:]
    return sign + (dec if len(dec) <= len(sci) else sci)
