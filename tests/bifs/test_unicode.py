"""unicode BIFs of erlpy.bifs.unicode: the emulator's exact result shapes for
latin1/utf8 input, unit-tested directly, and a differential run against real
erl over fixed cases and seeded random chardata in every encoding (utf16 and
utf32 input that does not convert cleanly goes to unicode.erl, as in BEAM)."""

import random

import pytest
from hypothesis import given, settings, strategies as st

import erlpy.bifs.unicode as uc
from erlpy.code.contract import Trap
from erlpy.terms import (A, NIL, Cons, BitString, ErlangError, TRUE, FALSE, from_seq, estr,
                         eq_exact)

from .bif_diff import HAVE_ERL, differences

needs_erl = pytest.mark.skipif(not HAVE_ERL, reason="erl/erlc not installed")

L = from_seq


def same(a, b):
    return eq_exact(a, b)


def _b(data):
    return uc.characters_to_binary(data, A.utf8)


def _l(data):
    return uc.characters_to_list(data, A.utf8)


# -- unit tests --------------------------------------------------------------------------------

def test_rest_shapes():
    assert same(_b(L([L([1, 0xD800, 2])])), (A.error, b"\x01", L([L([0xD800, 2])])))
    assert same(_b(L([b"\xc3", 65])), (A.error, b"", L([b"\xc3", L([65])])))
    assert same(_b(L([b"\xe2", L([65])])), (A.error, b"", L([b"\xe2", L([L([65])])])))
    assert same(_b(L([b"\xf0", b"A"])), (A.error, b"", b"\xf0A"))
    assert same(_b(L([b"x", b"\xe2\x82", 5])), (A.error, b"x", L([b"\xe2\x82", L([5])])))
    assert same(_b(L([NIL, L([L([0xD800])]), 1])), (A.error, b"", L([L([L([0xD800])]), 1])))
    assert same(_b(L([1], b"\xff")), (A.error, b"\x01", b"\xff"))
    assert same(_b(L([L([1], b"\xff"), 2])), (A.error, b"\x01", L([b"\xff", 2])))
    assert same(_b(L([b"\xc3"], b"A")), (A.error, b"", L([b"\xc3", b"A"])))
    # [Bin] is converted as Bin by characters_to_binary only
    assert same(_b(L([b"\xff"])), (A.error, b"", b"\xff"))
    assert same(_l(L([b"\xff"])), (A.error, NIL, L([b"\xff"])))


def test_incomplete_uses_only_the_continuation_pattern():
    assert _b(b"\xc0") == (A.incomplete, b"", b"\xc0")
    assert _b(b"\xf5") == (A.incomplete, b"", b"\xf5")
    assert _b(b"\xed\xa0") == (A.incomplete, b"", b"\xed\xa0")
    assert _b(b"\xe2\x41") == (A.error, b"", b"\xe2\x41")
    assert same(_l(b"\xe2\x41"), (A.error, NIL, b"\xe2\x41"))
    assert _b(b"\xf8") == (A.error, b"", b"\xf8")
    assert same(_b(L([b"\xc3", b"\xa9\xc3"])), (A.incomplete, "\u00e9".encode(), b"\xc3"))
    assert same(_l(L([b"\xe2", NIL, b"\x82", L([L([b"\xac"])])])), estr("\u20ac"))


def test_badarg_before_error_unless_a_bignum_comes_first():
    with pytest.raises(ErlangError):
        _b(L([0xD800, A.foo]))
    big = 2 ** 64
    assert same(_b(L([0xD800, big, A.foo])), (A.error, b"", L([0xD800, big, A.foo])))
    for bad in (L([1], 2), L([1, 2.0]), BitString(b"\x80", 1), L([BitString(b"\x80", 1)]),
                A.a, 1, L([1], big)):
        with pytest.raises(ErlangError) as info:
            _b(bad)
        assert info.value.reason is A.badarg


def test_latin1():
    assert uc.characters_to_binary(b"abc", A.latin1) == b"abc"
    assert same(uc.characters_to_binary(L([b"\xc8", 255]), A.latin1), "\u00c8\u00ff".encode())
    assert same(uc.characters_to_binary(L([256]), A.latin1), (A.error, b"", L([256])))
    assert same(uc.characters_to_list(b"\xc8", A.latin1), L([200]))


def test_valid_binary_is_returned_as_is():
    b = "h\u00e9llo".encode()
    assert _b(b) is b and _b(L([b])) is b


def test_other_encodings_convert_clean_input_and_trap_the_rest():
    from erlpy.api.vm import ErlangVM
    ErlangVM()                          # the code table the Trap names its target in
    assert uc.characters_to_binary(L([b"\x00A", 66, b"\xd8\x3d\xde\x00"]), A.utf16) \
        == "AB\U0001F600".encode()
    assert same(uc.characters_to_list(b"A\x00\x00\x00", (A.utf32, A.little)), L([65]))
    for data, enc in ((b"\x00", A.utf16), (L([b"\xd8"], b"\x00\xdc\x00"), A.utf16),
                      (L([-1]), A.utf32), (b"A", A.foo), (b"A", (A.utf16, A.middle))):
        r = uc.characters_to_binary(data, enc)
        assert type(r) is Trap and r.args == [data, enc]
        assert r.export.function is A.characters_to_binary_int
        assert uc.characters_to_list(data, enc).export.function is A.characters_to_list_int


def test_bin_is_7bit():
    assert uc.bin_is_7bit(b"abc") is TRUE and uc.bin_is_7bit(b"\x80") is FALSE
    assert uc.bin_is_7bit(L([97])) is FALSE and uc.bin_is_7bit(BitString(b"\x00", 1)) is FALSE


def test_long_input_is_iterative():
    n = 300000
    deep = NIL
    for _ in range(2000):
        deep = Cons(deep, NIL)
    data = L([L(list(range(97, 123)) * (n // 26)), b"\xc3\xa9", deep])
    r = _b(data)
    assert len(r) == (n // 26) * 26 + 2
    assert same(_l(data), _l(r))


CHARS = st.integers(0, 0x10FFFF).filter(lambda c: not 0xD800 <= c <= 0xDFFF)


def _as_chardata(text, char_cuts, rnd):
    """Valid chardata for text: pieces cut at character boundaries, each one a
    list of integers or UTF-8 bytes split anywhere into nested binaries."""
    bounds = sorted({c for c in char_cuts if 0 < c < len(text)} | {0, len(text)})
    parts = []
    for a, b in zip(bounds, bounds[1:]):
        piece = text[a:b]
        if rnd.random() < 0.4:
            parts.append(L([ord(c) for c in piece]))
            continue
        raw = piece.encode("utf-8")
        cut = rnd.randint(0, len(raw))
        parts.append(L([raw[:cut], L([raw[cut:]])]))
    return L(parts)


@settings(max_examples=300, deadline=None)
@given(st.lists(CHARS, max_size=30), st.lists(st.integers(0, 30), max_size=6), st.randoms())
def test_valid_chardata_converts_like_python(codes, cuts, rnd):
    text = "".join(map(chr, codes))
    data = _as_chardata(text, cuts, rnd)
    assert _b(data) == text.encode("utf-8")
    assert same(_l(data), estr(text))
    if all(c < 256 for c in codes):
        latin1 = L([text.encode("latin-1")] + [ord(c) for c in text])
        assert uc.characters_to_binary(latin1, A.latin1) == (text * 2).encode("utf-8")


# -- against erl -------------------------------------------------------------------------------

FIXED_DATA = [
    L([0xD800, A.foo]), L([0xD800, 2 ** 64, A.foo]), L([b"\xc3", 65]), b"\xc0", b"\xe2\x41",
    L([b"\xff"]), L([L([1, 0xD800, 2])]), L([A.a], b"\x01"), L([1], b"\xff"), L([1], 2),
    L([L([1], b"\xff"), 2]), BitString(b"\x80", 1), L([BitString(b"\x80", 1)]), L([-1]),
    L([b"\xe2\x82", b"\xac\xff"]), L([b"\xe2", NIL, b"\x82", L([L([b"\xac"])])]),
    L([b"\xe2", L([65])]), L([b"\xf0\x9f"]), L([b"\xf0\x9f", b""]), L([b"\xf0", b"A"]), NIL,
    A.a, 1, L([2 ** 64]), L([0x110000]), L([b"a", 0xD800], b"b"), L([L([L([L([0xD800])])])]),
    L([NIL, L([L([0xD800])]), 1]), L([b"\xc3", b"\xff"]), L([b"\xc3"]), L([b"\xc3", NIL]),
    b"\xf5", b"\xf8", b"\xed\xa0", b"\xed\xa0\x80", b"\xe0\x80", b"\xe0\x80\x80", b"abc\x80d",
    L([b"x", b"\xe2\x41"]), L([b"x", b"\xe2\x82", 5]), L([1, 2.0]), L([b"a"], A.a),
    L(["\u00e9".encode(), 0x10FFFF, L([0x7FF, 0x800])]), L([b"\xc3", b"", b"\xa9"]),
    L([b"\xc3", b"\xa9\xc3"]), L([b"\xf0", b"\x9f", b"\x98", b"\x80", b"\xf0"]),
    L([b"\xf4\x90\x80\x80"]), L([b"\xc3", 2 ** 64]), L([2 ** 64], A.a), L([1], 2 ** 64),
    L([L([b"\xc3"]), 66]), L([b"\xc3"], b"\xa9"), L([b"\xc3"], b"A"), b"\xc3AB", L([-2 ** 64]),
    L([()]), L([0xD800], A.foo), L([b"\xff", A.foo]), b"\x00\x00\xff\xfe", b"\xfe\xff\x00\x00",
    b"\xd8\x00\xdc\x00", b"\x00\xd8\x00\xdc", L([b"\xd8"], b"\x00\xdc\x00"),
    L([b"\x00A", 66, b"\x00C"]), L([b"\x00"], 66), b"\x00", b"\x00\x00\x00", b"\x01\x00\x00\x00",
    b"\x00\x00\xd8\x00", L([b"\x00\x00", L([b"\x00", b"A"])]), L([b"A\x00", 0xD800]),
]

ENCODINGS = [A.utf8, A.unicode, A.latin1, A.utf16, (A.utf16, A.big), (A.utf16, A.little),
             A.utf32, (A.utf32, A.big), (A.utf32, A.little), A.foo, (A.utf8, A.big),
             (A.utf16, A.middle), 1]

CODECS = {A.utf8: "utf-8", A.unicode: "utf-8", A.latin1: "latin-1", A.utf16: "utf-16-be",
          (A.utf16, A.big): "utf-16-be", (A.utf16, A.little): "utf-16-le",
          A.utf32: "utf-32-be", (A.utf32, A.big): "utf-32-be",
          (A.utf32, A.little): "utf-32-le"}


def _random_chardata(r, enc):
    """Mostly valid chardata in `enc`, split at random places, with now and
    then a bad integer, bad bytes, a misplaced term or an odd nesting."""
    codec = CODECS.get(enc, "utf-8")
    ranges = [(32, 126), (128, 255)]
    if codec != "latin-1":
        ranges += [(256, 0x7FF), (0x800, 0xFFFF), (0x10000, 0x10FFFF)]
    text = "".join(chr(c) if not 0xD800 <= c <= 0xDFFF else "x"
                   for c in (r.randint(*r.choice(ranges)) for _ in range(r.randint(0, 12))))
    raw = text.encode(codec, "replace")
    if r.random() < 0.25:
        raw = raw[:-r.randint(1, 3)]            # end in the middle of a character
    items = []
    pos = 0
    while pos < len(raw):
        k = r.randint(1, 6)
        items.append(raw[pos:pos + k])
        pos += k
        roll = r.random()
        if roll < 0.1:
            items.append(r.choice([0xD800, -1, 0x110000, 256, 2 ** 64, 65, 0x10FFFF, 233]))
        elif roll < 0.15:
            items.append(r.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xd8\x00"]))
        elif roll < 0.18:
            items.append(r.choice([A.x, 1.0, BitString(b"\x80", 1), ()]))
        elif roll < 0.3:
            items.append(NIL)
    out = NIL
    tail = NIL
    if items and r.random() < 0.2 and type(items[-1]) is bytes:
        tail = items.pop()
    while items:
        n = r.randint(1, 3)
        chunk, items = items[-n:], items[:-n]
        group = L(chunk)
        out = Cons(group, out) if r.random() < 0.4 else L(chunk, out)
    if tail is not NIL:
        out = L([out], tail) if out is not NIL else tail
    if r.random() < 0.15:
        return raw
    return out


def _random_calls(seed, n):
    r = random.Random(seed)
    calls = []
    for _ in range(n):
        enc = r.choice(ENCODINGS[:9] * 3 + ENCODINGS[9:])
        data = _random_chardata(r, enc)
        calls.append(("unicode", r.choice(["characters_to_binary", "characters_to_list"]),
                      [data, enc]))
    return calls


@needs_erl
def test_against_erl():
    calls = [("unicode", f, [d, e]) for d in FIXED_DATA for e in ENCODINGS[:10]
             for f in ("characters_to_binary", "characters_to_list")]
    calls += [("unicode", "bin_is_7bit", [d]) for d in FIXED_DATA[:20]]
    calls += [("unicode", "characters_to_binary", [d]) for d in FIXED_DATA[:20]]
    calls += [("unicode", "characters_to_binary", [d, A.latin1, A.utf16]) for d in FIXED_DATA[:20]]
    calls += _random_calls(3, 1500)
    bad = differences("erlpy_diff_unicode", calls)
    assert not bad, bad[:8]
