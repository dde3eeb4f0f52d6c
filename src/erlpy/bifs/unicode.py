"""The BIFs of module unicode (OTP 25): characters_to_binary/2,
characters_to_list/2, bin_is_7bit/1.

For latin1, unicode and utf8 input this follows the emulator's converter:
chardata is walked depth first; bytes that end a binary in the middle of a
UTF-8 sequence are carried into the next binary; the first bad element stops
the conversion with {error, Converted, Rest}, Rest being the untouched
remainder nested as in the input ([Pending, Rest] when carried bytes were
waiting); bytes still pending at the end give {incomplete, ...} or {error, ...}.
Before reporting an error, the whole input is checked for elements that are
not chardata at all (badarg), up to the first bignum.

Other encodings (utf16, utf32, either endianness) are handed by BEAM to
Erlang code in unicode.erl. Input that converts cleanly is converted here;
anything else goes to that same Erlang code (a Trap), so its error results
and exceptions are exactly OTP's.
"""

from ..terms import A, Atom, NIL, Cons, badarg, TRUE, FALSE, estr
from ..code.contract import VM, Trap
from .registry import bif

__all__ = ["chardata_to_text"]

_SMALL_MIN = -(1 << 59)
_SMALL_MAX = (1 << 59) - 1
_ERROR = A.error
_INCOMPLETE = A.incomplete

# Python codecs of the encodings BEAM leaves to unicode.erl.
_OTHER_CODECS = {
    A.utf16: "utf-16-be", (A.utf16, A.big): "utf-16-be", (A.utf16, A.little): "utf-16-le",
    A.utf32: "utf-32-be", (A.utf32, A.big): "utf-32-be", (A.utf32, A.little): "utf-32-le",
}


def _is_latin1(encoding):
    """True for latin1, False for unicode/utf8, None for anything else."""
    if encoding is A.latin1:
        return True
    if encoding is A.unicode or encoding is A.utf8:
        return False
    return None


def _utf8_lead_needs(lead):
    """Length of the sequence a lead byte starts (0 when it starts none), by
    BEAM's masks: 0xF5..0xF7 count as 4-byte leads and C0/C1 as 2-byte ones."""
    if lead & 0xE0 == 0xC0:
        return 2
    if lead & 0xF0 == 0xE0:
        return 3
    if lead & 0xF8 == 0xF0:
        return 4
    return 0


def _pending_may_complete(pending):
    """Whether carried bytes are the start of a sequence that more bytes could
    complete (BEAM looks only at the continuation-byte pattern here)."""
    n = len(pending)
    need = _utf8_lead_needs(pending[0])
    cont1 = n > 1 and pending[1] & 0xC0 == 0x80
    cont2 = n > 2 and pending[2] & 0xC0 == 0x80
    if need == 2:
        return True
    if need == 3:
        return n < 2 or cont1
    return n < 2 or (n < 3 and cont1) or (cont1 and cont2)


def _utf8_part(b, pending):
    """Decode binary b after the carried bytes `pending`.
    Returns (text, pending, rest): rest is None, or the undecoded part of b
    starting at the bad sequence."""
    head = ""
    start = 0
    if pending:
        need = _utf8_lead_needs(pending[0]) - len(pending)
        if len(b) < need:
            return "", pending + b, None
        try:
            head = (pending + b[:need]).decode("utf-8")
        except UnicodeDecodeError:
            return "", pending, b
        start = need
    body = b[start:] if start else b
    try:
        return head + body.decode("utf-8"), b"", None
    except UnicodeDecodeError as e:
        bad = e.start
    text = head + body[:bad].decode("utf-8")
    left = len(body) - bad
    if left < _utf8_lead_needs(body[bad]):
        return text, body[bad:], None      # cut off by the end of the binary: carry it
    return text, b"", body[bad:]


def _binary_text(b, latin1, pending):
    """(text, pending, rest) of one binary, as _utf8_part."""
    if latin1:
        return b.decode("latin-1"), b"", None
    return _utf8_part(b, pending)


def _flush(codes, add):
    """Move the code points collected so far into the text pieces."""
    if codes:
        add("".join(map(chr, codes)))
        codes.clear()


def chardata_to_text(data, latin1):
    """Convert chardata as the emulator does. Returns (text, None, None) or
    (converted text, error | incomplete, Rest); non-chardata stops with an
    error too, so callers must check it with _is_chardata."""
    pieces = []
    add = pieces.append
    codes = []
    code = codes.append
    top = 0xFF if latin1 else 0x10FFFF
    cons = Cons
    pending = b""
    stack = [data]
    rest = None
    while stack:
        cell = stack.pop()
        while type(cell) is cons:
            h = cell.hd
            th = type(h)
            if th is int:
                if pending or not 0 <= h <= top or 0xD800 <= h <= 0xDFFF:
                    rest = cell
                    break
                code(h)
            elif th is cons:
                stack.append(cell.tl)
                cell = h
                continue
            elif th is bytes:
                _flush(codes, add)
                text, pending, bad = _binary_text(h, latin1, pending)
                add(text)
                if bad is not None:
                    rest = cons(bad, cell.tl)
                    break
            elif h is not NIL:
                rest = cell
                break
            cell = cell.tl
        if rest is not None:
            break
        if cell is NIL:
            continue
        if type(cell) is bytes:         # the tail of an improper list, or the whole input
            _flush(codes, add)
            text, pending, bad = _binary_text(cell, latin1, pending)
            add(text)
            if bad is None:
                continue
            rest = bad
        else:
            rest = cell
        break
    _flush(codes, add)
    text = "".join(pieces)
    if rest is not None:
        for tail in reversed(stack):
            rest = Cons(rest, tail)
        if pending:
            rest = Cons(pending, Cons(rest, NIL))
        return text, _ERROR, rest
    if pending:
        return text, (_INCOMPLETE if _pending_may_complete(pending) else _ERROR), pending
    return text, None, None


def _is_chardata(data):
    """BEAM's first pass: only small integers, binaries and lists (with a
    binary or [] as tail). It stops, content, at the first bignum, which the
    conversion then reports as an error."""
    stack = [data]
    while stack:
        x = stack.pop()
        while type(x) is Cons:
            h = x.hd
            th = type(h)
            if th is int:
                if not _SMALL_MIN <= h <= _SMALL_MAX:
                    return True
            elif th is Cons:
                stack.append(x.tl)
                x = h
                continue
            elif th is not bytes and h is not NIL:
                return False
            x = x.tl
        if x is not NIL and type(x) is not bytes:
            return False
    return True


def _convert(data, latin1, make):
    text, kind, rest = chardata_to_text(data, latin1)
    if kind is None:
        return make(text)
    if kind is _ERROR and not _is_chardata(data):
        raise badarg()
    return (kind, make(text), rest)


def _encode_utf8(text):
    return text.encode("utf-8")


def _clean_text(data, codec):
    """The text of chardata whose binaries each decode completely with codec
    and whose integers are all Unicode scalar values; None for anything else."""
    pieces = []
    add = pieces.append
    stack = [data]
    while stack:
        x = stack.pop()
        while type(x) is Cons:
            h = x.hd
            th = type(h)
            if th is int:
                if not (0 <= h < 0xD800 or 0xDFFF < h <= 0x10FFFF):
                    return None
                add(chr(h))
            elif th is Cons:
                stack.append(x.tl)
                x = h
                continue
            elif th is bytes:
                try:
                    add(h.decode(codec))
                except UnicodeDecodeError:
                    return None
            elif h is not NIL:
                return None
            x = x.tl
        if type(x) is bytes:
            try:
                add(x.decode(codec))
            except UnicodeDecodeError:
                return None
        elif x is not NIL:
            return None
    return "".join(pieces)


def _other_encoding(data, encoding, erlang_fallback, make):
    te = type(encoding)
    codec = None
    if te is Atom:
        codec = _OTHER_CODECS.get(encoding)
    elif te is tuple and len(encoding) == 2 and type(encoding[0]) is Atom \
            and type(encoding[1]) is Atom:
        codec = _OTHER_CODECS.get(encoding)
    if codec is not None:
        text = _clean_text(data, codec)
        if text is not None:
            return make(text)
    return Trap(VM.code.export(A.unicode, erlang_fallback, 2), [data, encoding])


@bif("unicode", "characters_to_binary", 2, traps=True)
def characters_to_binary(data, encoding):
    latin1 = _is_latin1(encoding)
    if latin1 is None:
        return _other_encoding(data, encoding, A.characters_to_binary_int, _encode_utf8)
    if type(data) is Cons and type(data.hd) is bytes and data.tl is NIL:
        data = data.hd                  # [Bin] is converted as Bin (shapes the Rest)
    if type(data) is bytes:
        if latin1:
            return data if data.isascii() else data.decode("latin-1").encode("utf-8")
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            pass
    return _convert(data, latin1, _encode_utf8)


@bif("unicode", "characters_to_list", 2, traps=True)
def characters_to_list(data, encoding):
    latin1 = _is_latin1(encoding)
    if latin1 is None:
        return _other_encoding(data, encoding, A.characters_to_list_int, estr)
    if type(data) is bytes:
        try:
            return estr(data.decode("latin-1" if latin1 else "utf-8"))
        except UnicodeDecodeError:
            pass
    return _convert(data, latin1, estr)


@bif("unicode", "bin_is_7bit", 1)
def bin_is_7bit(b):
    """false for anything that is not an all-ASCII binary."""
    return TRUE if type(b) is bytes and b.isascii() else FALSE
