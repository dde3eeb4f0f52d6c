"""Bit syntax runtime (erlpy.terms.bits).

A reference model writes every segment as a string of '0'/'1' characters,
byte by byte as OTP documents it; hypothesis checks construction and
matching against it. Random cases are also run through real `erl` (one
invocation for the whole module) and compared as `~w` text.
"""

import os
import random
import shutil
import struct
import subprocess
import tempfile

import pytest
from hypothesis import given, settings, strategies as st

from erlpy.terms import A, NIL, Cons, BitString, ErlangError, from_seq, format_term, eq_exact
from erlpy.terms.etf import binary_to_term
from erlpy.terms.bits import (
    LITTLE, SIGNED, ALL, RUNTIME, BS_INTEGER, BS_FLOAT, BS_BINARY, BS_UTF8, BS_UTF16, BS_UTF32,
    BS_STRING, BS_APPEND, BS_PRIVATE_APPEND, norm_flags, create_bin, compile_create_bin,
    BinBuilder, append_builder, init_size, bs_add, utf8_size, utf16_size, init_writable,
    start_match, get_integer, get_float, get_binary, skip_bits, test_tail as tail_is,
    test_unit as unit_ok,
    match_string, get_utf8, get_utf16, get_utf32, get_tail, get_position, set_position,
    bit_size, byte_size, bitstring_to_list, list_to_bitstring, iolist_to_bytes, iolist_size)

UNDEF = A.undefined


# ---------------------------------------------------------------------------
# Reference model: bits as '0'/'1' strings

def term_bits(t):
    if type(t) is bytes:
        return "".join(format(b, "08b") for b in t)
    return "".join(format(b, "08b") for b in t.data)[:t.bits]


def bits_term(s):
    if len(s) % 8 == 0:
        return bytes(int(s[i:i + 8], 2) for i in range(0, len(s), 8))
    padded = s + "0" * (-len(s) % 8)
    return BitString(bytes(int(padded[i:i + 8], 2) for i in range(0, len(padded), 8)), len(s))


def ref_int(v, n, little):
    """n bits of v: big endian, or whole bytes low first then the low n%8
    bits of the next byte (little endian)."""
    v &= (1 << n) - 1
    if not little:
        return format(v, "0%db" % n) if n else ""
    whole, rem = divmod(n, 8)
    s = "".join(format((v >> (8 * i)) & 255, "08b") for i in range(whole))
    if rem:
        s += format((v >> (8 * whole)) & ((1 << rem) - 1), "0%db" % rem)
    return s


def ref_read_int(s, little, signed):
    n = len(s)
    if not n:
        return 0
    if little:
        whole, rem = divmod(n, 8)
        v = 0
        for i in range(whole):
            v |= int(s[8 * i:8 * i + 8], 2) << (8 * i)
        if rem:
            v |= int(s[8 * whole:], 2) << (8 * whole)
    else:
        v = int(s, 2)
    if signed and v >> (n - 1):
        v -= 1 << n
    return v


FLOAT_FMT = {16: "e", 32: "f", 64: "d"}


def ref_float(v, n, little):
    raw = struct.pack(("<" if little else ">") + FLOAT_FMT[n], v)
    return term_bits(raw)


def ref_utf(kind, v, little):
    if kind == BS_UTF8:
        return term_bits(chr(v).encode("utf-8"))
    if kind == BS_UTF16:
        return term_bits(chr(v).encode("utf-16-le" if little else "utf-16-be"))
    return term_bits(v.to_bytes(4, "little" if little else "big"))


# ---------------------------------------------------------------------------
# Strategies: valid segments with their reference bits and matched values

code_points = st.one_of(st.integers(0, 0xD7FF), st.integers(0xE000, 0x10FFFF))


@st.composite
def bitstrings(draw, max_bytes=12):
    nbytes = draw(st.integers(0, max_bytes))
    extra = draw(st.integers(0, 7))
    s = "".join(draw(st.sampled_from("01")) for _ in range(nbytes * 8 + extra))
    return bits_term(s)


FLOAT_LIMIT = {16: 65504.0, 32: 3.4e38, 64: 1.7e308}


@st.composite
def segments(draw):
    """(segment for create_bin, reference bits, matcher, expected value)."""
    kind = draw(st.sampled_from(["int", "int", "int", "float", "bin", "utf", "str"]))
    flags = draw(st.sampled_from([0, LITTLE, SIGNED, LITTLE | SIGNED]))
    little = bool(flags & LITTLE)
    if kind == "int":
        unit = draw(st.sampled_from([1, 1, 3, 8]))
        size = draw(st.integers(0, 90 // unit))
        value = draw(st.integers(-(1 << 100), 1 << 100))
        n = size * unit
        bits = ref_int(value, n, little)
        expect = ref_read_int(bits, little, bool(flags & SIGNED))
        return ((BS_INTEGER, 1, unit, flags, value, size), bits,
                lambda c: get_integer(c, size, unit, flags), expect)
    if kind == "float":
        n = draw(st.sampled_from([16, 32, 64]))
        unit = draw(st.sampled_from([1, n // 8 if n != 64 else 8]))
        size = n // unit
        lim = FLOAT_LIMIT[n]
        exact = 1 << {16: 11, 32: 24, 64: 53}[n]      # integers that convert exactly
        value = draw(st.one_of(st.floats(-lim, lim), st.integers(-exact, exact)))
        bits = ref_float(float(value), n, little)
        expect = struct.unpack(">" + FLOAT_FMT[n], bits_term(ref_float(float(value), n, False)))[0]
        return ((BS_FLOAT, 1, unit, flags, value, size), bits,
                lambda c: get_float(c, size, unit, flags), expect)
    if kind == "bin":
        value = draw(bitstrings())
        have = len(term_bits(value))
        if draw(st.booleans()):
            unit = 1 if type(value) is BitString else draw(st.sampled_from([1, 8]))
            seg = (BS_BINARY, 1, unit, 0, value, ALL)
            n = have
        else:
            unit = draw(st.sampled_from([1, 8]))
            size = draw(st.integers(0, have // unit))
            seg = (BS_BINARY, 1, unit, 0, value, size)
            n = size * unit
        bits = term_bits(value)[:n]
        return (seg, bits, lambda c: get_binary(c, n, 1), bits_term(bits))
    if kind == "utf":
        ukind = draw(st.sampled_from([BS_UTF8, BS_UTF16, BS_UTF32]))
        value = draw(code_points)
        get = {BS_UTF8: lambda c: get_utf8(c), BS_UTF16: lambda c: get_utf16(c, flags),
               BS_UTF32: lambda c: get_utf32(c, flags)}[ukind]
        return ((ukind, 1, 1, flags, value, UNDEF), ref_utf(ukind, value, little), get, value)
    data = draw(st.binary(min_size=1, max_size=8))
    return ((BS_STRING, 1, 8, 0, data, len(data)), term_bits(data),
            lambda c: match_string(c, len(data) * 8, data), True)


def numbered(segs):
    return [(s[0], i + 1) + tuple(s[2:]) for i, s in enumerate(segs)]


@settings(max_examples=400, deadline=None)
@given(st.lists(segments(), max_size=8))
def test_construct_and_match_roundtrip(cases):
    segs = numbered([c[0] for c in cases])
    expect_bits = "".join(c[1] for c in cases)
    built = create_bin(segs)
    assert built == bits_term(expect_bits)
    assert type(built) is (bytes if len(expect_bits) % 8 == 0 else BitString)
    ctx = start_match(built)
    for seg, bits, matcher, expect in cases:
        got = matcher(ctx)
        assert got == expect, (seg, got, expect)
        if type(expect) is float:
            assert type(got) is float and str(got) == str(expect)
    assert tail_is(ctx, 0)


@settings(max_examples=300, deadline=None)
@given(st.lists(segments(), max_size=6), st.data())
def test_compiled_matches_generic(cases, data):
    segs = numbered([c[0] for c in cases])
    template, args = [], []
    for seg in segs:
        seg = list(seg)
        if seg[0] != BS_STRING:
            if data.draw(st.booleans()):
                args.append(seg[4])
                seg[4] = RUNTIME
            if data.draw(st.booleans()) and seg[0] != BS_UTF8:
                args.append(seg[5])
                seg[5] = RUNTIME
        template.append(tuple(seg))
    assert compile_create_bin(template)(*args) == create_bin(segs)


@settings(max_examples=300, deadline=None)
@given(bitstrings(max_bytes=20), st.lists(st.tuples(st.sampled_from("ibsfu"), st.integers(0, 70),
                                                   st.sampled_from([0, 2, 4, 6])), max_size=8))
def test_match_against_reference(source, ops):
    """Arbitrary reads from arbitrary data agree with the reference decoder."""
    src = term_bits(source)
    ctx = start_match(source)
    pos = 0
    for op, n, flags in ops:
        before = get_position(ctx)
        if op == "i":
            got = get_integer(ctx, n, 1, flags)
            want = None if n > len(src) - pos else ref_read_int(
                src[pos:pos + n], bool(flags & LITTLE), bool(flags & SIGNED))
        elif op == "b":
            got = get_binary(ctx, n, 1)
            want = None if n > len(src) - pos else bits_term(src[pos:pos + n])
        elif op == "s":
            got = skip_bits(ctx, n, 1) or None
            want = None if n > len(src) - pos else True
        elif op == "f":
            size = (16, 32, 64)[n % 3]
            got = get_float(ctx, size, 1, flags)
            want = None
            if size <= len(src) - pos:
                raw = bits_term(src[pos:pos + size])
                f = struct.unpack(("<" if flags & LITTLE else ">") + FLOAT_FMT[size], raw)[0]
                want = f if f - f == 0 else None
        else:
            got = get_utf8(ctx)
            try:
                chunk = bits_term(src[pos:pos + 32][:len(src[pos:]) // 8 * 8])
                want = ord(chunk.decode("utf-8", "strict")[0]) if chunk else None
            except UnicodeDecodeError as e:
                # decodable prefix: the first character is fine if the error lies after it
                want = ord(chunk[:e.start].decode()[0]) if e.start else None
        assert got == want, (op, n, flags, pos)
        if got is None:
            assert get_position(ctx) == before
        else:
            pos = get_position(ctx)
    assert get_tail(ctx) == bits_term(src[pos:])


# ---------------------------------------------------------------------------
# Construction details and errors (cases checked with erl by hand too)

def cause(exc):
    return exc.error_info.get(A.cause)


def fail(segs):
    with pytest.raises(ErlangError) as info:
        create_bin(numbered(segs))
    return info.value.reason, cause(info.value)


def seg(kind, value, size=UNDEF, unit=1, flags=0):
    return (kind, 0, unit, flags, value, size)


def test_integer_layouts():
    assert create_bin([seg(BS_INTEGER, 0x123, 12)]) == BitString(bytes([0x12, 0x30]), 12)
    assert create_bin([seg(BS_INTEGER, 0x123, 12, flags=LITTLE)]) == \
        BitString(bytes([0x23, 0x10]), 12)
    assert create_bin([seg(BS_INTEGER, -1, 12, flags=LITTLE)]) == BitString(b"\xff\xf0", 12)
    assert create_bin([seg(BS_INTEGER, 1 << 100, 8)]) == b"\x00"
    assert create_bin([seg(BS_INTEGER, 5, 3), seg(BS_FLOAT, 1.5, 32),
                       seg(BS_INTEGER, -3, 13, flags=LITTLE | SIGNED),
                       seg(BS_BINARY, b"\x07\x08", ALL, 8), seg(BS_UTF8, 0xE9),
                       seg(BS_UTF16, 0x1F600)]) == \
        bytes([167, 248, 0, 0, 31, 191, 7, 8, 195, 169, 216, 61, 222, 0])


def test_float_conversions():
    assert create_bin([seg(BS_FLOAT, 1.0e300, 32)]) == bytes([127, 128, 0, 0])
    assert create_bin([seg(BS_FLOAT, 1.0e300, 16)]) == bytes([124, 0])
    assert create_bin([seg(BS_FLOAT, 70000.0, 16)]) == bytes([124, 0])
    assert create_bin([seg(BS_FLOAT, 1 << 200, 32)]) == bytes([127, 128, 0, 0])
    assert create_bin([seg(BS_FLOAT, 1 << 100, 64)]) == bytes([70, 48, 0, 0, 0, 0, 0, 0])
    assert create_bin([seg(BS_FLOAT, 2.980232241545089e-08, 16)]) == b"\x00\x01"
    assert create_bin([seg(BS_FLOAT, -1.5, 16), seg(BS_FLOAT, 1.5, 32, flags=LITTLE),
                       seg(BS_FLOAT, -0.0, 64, flags=LITTLE)]) == \
        bytes([190, 0, 0, 0, 192, 63, 0, 0, 0, 0, 0, 0, 0, 128])
    # small integers convert to float32 with a single rounding
    assert create_bin([seg(BS_FLOAT, (1 << 24) + 1, 32)]) == struct.pack(">f", 1 << 24)
    assert create_bin([seg(BS_FLOAT, (1 << 54) + (1 << 30) + 1, 32)]) == bytes([90, 128, 0, 1])


def test_bignum_floats_round_like_beam():
    v = (1 << 64) * ((1 << 53) + 1) + (1 << 63) + 1      # erl: float(V) == math:pow(2, 117)
    assert create_bin([seg(BS_FLOAT, v, 64)]) == struct.pack(">d", 2.0 ** 117)
    assert float(v) != 2.0 ** 117


def test_errors_with_cause():
    a = A.a
    assert fail([seg(BS_INTEGER, a, 8)]) == (A.badarg, (1, A.integer, A.type, a))
    assert fail([seg(BS_BINARY, BitString(b"\x20", 3), ALL, 8)]) == \
        (A.badarg, (1, A.binary, A.unit, BitString(b"\x20", 3)))
    assert fail([seg(BS_BINARY, BitString(b"\x20", 3), 1, 8)]) == \
        (A.badarg, (1, A.binary, A.short, BitString(b"\x20", 3)))
    assert fail([seg(BS_FLOAT, 1.0, 24)]) == (A.badarg, (1, A.float, A.invalid, 24))
    assert fail([seg(BS_FLOAT, a, 0)]) == (A.badarg, (1, A.float, A.invalid, 0))
    assert fail([seg(BS_FLOAT, 1 << 2000, 64)])[1][2] is A.no_float
    assert fail([seg(BS_UTF8, 0xD800)]) == (A.badarg, (1, A.utf8, A.type, 0xD800))
    assert fail([seg(BS_UTF8, 0x110000)]) == (A.badarg, (1, A.utf8, A.type, 0x110000))
    assert fail([seg(BS_UTF16, -1)]) == (A.badarg, (1, A.utf16, A.type, -1))
    assert fail([seg(BS_UTF32, -1)]) == (A.badarg, (1, A.utf32, A.type, -1))
    assert fail([seg(BS_INTEGER, 1, -1)]) == (A.badarg, (1, A.integer, A.size, -1))
    assert fail([seg(BS_INTEGER, 1, a)]) == (A.badarg, (1, A.integer, A.size, a))
    assert fail([seg(BS_INTEGER, 1, 1.0)]) == (A.badarg, (1, A.integer, A.size, 1.0))
    assert fail([seg(BS_INTEGER, 1, 1 << 60)]) == (A.system_limit, (1, A.integer, A.size, 1 << 60))
    assert fail([seg(BS_INTEGER, 1, 1 << 58, 32)]) == \
        (A.system_limit, (1, A.integer, A.size, 1 << 58))
    assert fail([seg(BS_INTEGER, 1.5, 8)]) == (A.badarg, (1, A.integer, A.type, 1.5))
    assert fail([seg(BS_INTEGER, a, 0)]) == (A.badarg, (1, A.integer, A.type, a))
    assert fail([seg(BS_BINARY, b"\x01\x02", 3, 8)]) == \
        (A.badarg, (1, A.binary, A.short, b"\x01\x02"))
    assert fail([seg(BS_BINARY, a, 2, 8)]) == (A.badarg, (1, A.binary, A.type, a))
    assert fail([seg(BS_BINARY, b"\x01\x02\x03", ALL, 16), seg(BS_INTEGER, 1, 8)]) == \
        (A.badarg, (1, A.binary, A.unit, b"\x01\x02\x03"))
    assert fail([seg(BS_APPEND, a, ALL, 8), seg(BS_INTEGER, 1, 8)]) == \
        (A.badarg, (1, A.binary, A.type, a))
    assert fail([seg(BS_APPEND, BitString(b"\x20", 3), ALL, 8), seg(BS_INTEGER, 1, 8)]) == \
        (A.badarg, (1, A.binary, A.unit, BitString(b"\x20", 3)))


def test_error_order_is_size_pass_first():
    a = A.a
    # a later size/type problem found by BEAM's sizing pass wins over an earlier bad value
    assert fail([seg(BS_INTEGER, a, 8), seg(BS_BINARY, 1, ALL, 8)]) == \
        (A.badarg, (2, A.binary, A.type, 1))
    assert fail([seg(BS_INTEGER, a, 8), seg(BS_INTEGER, 1, -1)]) == \
        (A.badarg, (2, A.integer, A.size, -1))
    assert fail([seg(BS_UTF8, a), seg(BS_UTF32, -1)]) == (A.badarg, (2, A.utf32, A.type, -1))
    assert fail([seg(BS_APPEND, a, ALL, 8), seg(BS_INTEGER, 1, -1)]) == \
        (A.badarg, (2, A.integer, A.size, -1))
    # ... but a sizing problem in a segment after an unsized bitstring does not
    assert fail([seg(BS_INTEGER, a, 8), seg(BS_BINARY, BitString(b"\x20", 3), ALL, 8)]) == \
        (A.badarg, (1, A.integer, A.type, a))
    e = pytest.raises(ErlangError, create_bin, [seg(BS_INTEGER, a, 8)]).value
    assert e.error_info.get(A.function) is A.format_bs_fail
    assert e.error_info.get(A.module) is A.erl_erts_errors


def test_appends():
    assert create_bin([seg(BS_APPEND, BitString(b"\x20", 3), ALL, 1), seg(BS_INTEGER, 1, 8)]) \
        == BitString(bytes([32, 32]), 11)
    acc = b""
    for i in range(3000):
        acc = create_bin([seg(BS_PRIVATE_APPEND, acc, ALL, 1), seg(BS_INTEGER, i, 8)])
    assert acc == bytes(i & 255 for i in range(3000))
    acc = init_writable(10)
    assert acc == b""
    for i in range(50):
        acc = create_bin([seg(BS_APPEND, acc, ALL, 1), seg(BS_INTEGER, i, 3)])
    assert bit_size(acc) == 150
    assert list(iter_ints(acc, 3)) == [i & 7 for i in range(50)]


def iter_ints(t, n):
    ctx = start_match(t)
    while True:
        v = get_integer(ctx, n, 1, 0)
        if v is None:
            return
        yield v


def test_compiled_fast_path_and_errors():
    f = compile_create_bin([(BS_APPEND, 1, 8, 0, RUNTIME, ALL), (BS_INTEGER, 2, 1, 0, RUNTIME, 8)])
    assert f(b"ab", 0x163) == b"abc"
    with pytest.raises(ErlangError) as info:
        f(b"ab", A.x)
    assert cause(info.value) == (2, A.integer, A.type, A.x)
    g = compile_create_bin([(BS_STRING, 1, 8, 0, b"xy", 2), (BS_UTF8, 2, 1, 0, RUNTIME, UNDEF),
                            (BS_FLOAT, 3, 1, LITTLE, RUNTIME, 64),
                            (BS_BINARY, 4, 8, 0, RUNTIME, 2)])
    assert g(0x20AC, 1.0, b"abc") == b"xy\xe2\x82\xac" + struct.pack("<d", 1.0) + b"ab"
    assert cause(pytest.raises(ErlangError, g, 0xD800, 1.0, b"abc").value) == \
        (2, A.utf8, A.type, 0xD800)
    h = compile_create_bin([(BS_INTEGER, 1, 1, 0, RUNTIME, RUNTIME)])
    assert h(5, 3) == BitString(b"\xa0", 3)


def test_old_style_builder():
    b = BinBuilder(init_size(3, 8))
    b.put_integer(1, 4, 1, 0)
    b.put_binary(BitString(b"\xf0", 4), ALL, 1)
    b.put_string(b"z")
    assert b.result() == b"\x1fz\x00"
    b = append_builder(b"ab", 16, 8)
    b.put_utf16(0x41, LITTLE)
    assert b.result() == b"abA\x00"
    b = BinBuilder(init_size(21, 1))
    b.put_float(1.0, 16, 1, 0)
    b.put_integer(-1, 5, 1, LITTLE)
    assert b.result() == BitString(struct.pack(">e", 1.0) + b"\xf8", 21)
    with pytest.raises(ErlangError):          # past the announced size
        BinBuilder(8).put_integer(1, 9, 1, 0)
    with pytest.raises(ErlangError):
        BinBuilder(64).put_binary(b"ab", 3, 8)
    with pytest.raises(ErlangError):
        BinBuilder(8).put_integer(A.a, 8, 1, 0)
    with pytest.raises(ErlangError):
        BinBuilder(8).put_utf8(0xD800)
    with pytest.raises(ErlangError):
        append_builder(BitString(b"\x20", 3), 8, 8)
    assert pytest.raises(ErlangError, init_size, 1 << 60, 8).value.reason is A.system_limit
    assert pytest.raises(ErlangError, init_size, -1, 8).value.reason is A.badarg
    assert bs_add(3, 4, 8) == 35
    assert pytest.raises(ErlangError, bs_add, 1 << 60, 1, 1).value.reason is A.system_limit
    assert pytest.raises(ErlangError, bs_add, -1, 1, 1).value.reason is A.badarg
    assert [utf8_size(v) for v in (0, 0x80, 0x800, 0x10000, A.a)] == [1, 2, 3, 4, 1]
    assert [utf16_size(v) for v in (0, 0x10000)] == [2, 4]


def test_norm_flags():
    assert norm_flags(0) == 0
    assert norm_flags(2 | 4 | 1 | 8) == LITTLE | SIGNED
    assert norm_flags(16) == LITTLE          # native, on this little-endian host
    assert norm_flags(NIL) == 0
    assert norm_flags(from_seq([A.signed, A.native])) == LITTLE | SIGNED
    assert norm_flags(from_seq([A.big, A.unsigned])) == 0


# ---------------------------------------------------------------------------
# Matching details

def test_match_context_basics():
    ctx = start_match(b"\x01\x02\x03")
    assert start_match(ctx) is ctx
    assert start_match(A.a) is None and start_match(NIL) is None
    assert get_integer(ctx, 8, 1, 0) == 1
    p = get_position(ctx)
    assert get_integer(ctx, 17, 1, 0) is None and get_position(ctx) == p
    assert get_integer(ctx, -1, 1, 0) is None and get_integer(ctx, A.a, 1, 0) is None
    assert unit_ok(ctx, 8) and not unit_ok(ctx, 3)
    assert get_binary(ctx, ALL, 3) is None
    assert get_binary(ctx, 4, 1) == BitString(b"\x00", 4)
    set_position(ctx, p)
    assert get_tail(ctx) == b"\x02\x03"
    assert get_binary(ctx, ALL, 8) == b"\x02\x03"
    assert tail_is(ctx, 0)
    assert get_float(start_match(b""), 0, 1, 0) == 0.0
    assert get_float(start_match(bytes([127, 128, 0, 0])), 32, 1, 0) is None
    assert get_float(start_match(bytes([124, 0])), 16, 1, 0) is None
    assert get_float(start_match(b"\x01\x02\x03"), 24, 1, 0) is None
    assert get_float(start_match(bytes(16)), 65, 1, 0) is None
    assert get_float(start_match(bytes(16)), 8, 8, 0) == 0.0
    ctx = start_match(b"\x00\x00\xd8\x00")
    assert get_utf32(ctx, 0) is None and get_position(ctx) == 0
    assert get_utf16(start_match(b"\xd8\x00\x00"), 0) is None
    assert get_utf16(start_match(b"\xd8\x3d\xde\x00"), 0) == 0x1F600
    assert get_utf16(start_match(b"\x3d\xd8\x00\xde"), LITTLE) == 0x1F600
    for bad in (b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe0\x80\x80", b"\xf8"):
        assert get_utf8(start_match(bad)) is None
    ctx = start_match(BitString(b"\x41\xc3\x80", 20))
    assert get_utf8(ctx) == 0x41 and get_utf8(ctx) is None and get_position(ctx) == 8
    ctx = start_match(BitString(bytes([0x61, 0xD4, 0x80]), 17))      # 0 + <<16#C3A9:16>>
    assert skip_bits(ctx, 1, 1) and get_utf8(ctx) == 0xE9 and get_position(ctx) == 17
    ctx = start_match(BitString(bytes([0b10110000, 0b11110000]), 12))
    assert skip_bits(ctx, 1, 1)
    assert match_string(ctx, 7, b"\x60") and get_position(ctx) == 8
    assert not match_string(ctx, 4, b"\x00") and match_string(ctx, 4, b"\xf0")
    assert skip_bits(start_match(b"ab"), ALL, 8) and not skip_bits(start_match(b"ab"), ALL, 3)


# ---------------------------------------------------------------------------
# Whole-term helpers

def test_bitstring_lists():
    assert format_term(bitstring_to_list(BitString(bytes([1, 2, 0x30]), 20))) == "[1,2,<<3:4>>]"
    assert bitstring_to_list(b"") is NIL
    assert list_to_bitstring(from_seq([BitString(b"\x20", 3), 2, from_seq(
        [BitString(b"\x18", 5)])], BitString(b"\x80", 1))) == BitString(bytes([32, 67, 128]), 17)
    with pytest.raises(ErlangError):
        list_to_bitstring(from_seq([256]))
    with pytest.raises(ErlangError):
        list_to_bitstring(from_seq([-1]))
    assert bit_size(BitString(b"\x00", 3)) == 3 and byte_size(BitString(b"\x00\x00", 9)) == 2
    with pytest.raises(ErlangError):
        bit_size(A.a)


def test_iolists():
    io = from_seq([1, b"\x02", from_seq([3, NIL, from_seq([b"\x04"], b"\x05")])], b"\x06")
    assert iolist_to_bytes(io) == bytes([1, 2, 3, 4, 5, 6])
    assert iolist_size(io) == 6
    assert iolist_to_bytes(b"abc") == b"abc"
    for bad in (from_seq([256]), from_seq([-1]), from_seq([A.a]), Cons(1, 2),
                from_seq([BitString(b"\x00", 1)]), from_seq([1.0]), A.a, from_seq([1 << 70])):
        with pytest.raises(ErlangError):
            iolist_to_bytes(bad)
        with pytest.raises(ErlangError):
            iolist_size(bad)


def test_long_and_deep_iolists():
    n = 1000000
    flat = from_seq([i & 255 for i in range(n)])
    assert iolist_to_bytes(flat) == bytes(i & 255 for i in range(n))
    deep = NIL
    for i in range(200000):
        deep = Cons(deep, Cons(i & 255, NIL))      # [[[[] , 0], 1], 2] ...
    assert iolist_size(deep) == 200000
    deep_tail = NIL
    for i in range(200000):
        deep_tail = Cons(7, Cons(deep_tail, NIL))
    assert iolist_to_bytes(deep_tail) == b"\x07" * 200000


# ---------------------------------------------------------------------------
# Against real erl: random constructions (errors included) and matches

ERL = shutil.which("erl")
ERLC = shutil.which("erlc")

BAD_VALUES = [A.a, 1.5, -1, 1 << 70, BitString(b"\xa0", 3), 0xD800, 0x110000, NIL]


def random_construct_case(rng):
    """(Erlang expression, create_bin segments)."""
    parts, segs = [], []
    for i in range(rng.randint(1, 5)):
        segno = i + 1
        kind = rng.choice(["int", "int", "float", "bin", "utf8", "utf16", "utf32", "str"])
        little = rng.random() < 0.4
        flags = LITTLE if little else 0
        end = "-little" if little else ""
        if kind == "int":
            unit = rng.choice([1, 1, 2, 8])
            size = rng.randint(0, 70) // unit
            if rng.random() < 0.1:
                size = rng.choice([size, -1, A.a, 1 << 60])
            value = rng.randint(-(1 << 80), 1 << 80)
            if rng.random() < 0.1:
                value = rng.choice(BAD_VALUES)
            parts.append("(id(%s)):(id(%s))/integer-unit:%d%s" % (
                format_term(value), format_term(size), unit, end))
            segs.append((BS_INTEGER, segno, unit, flags, value, size))
        elif kind == "float":
            size = rng.choice([16, 32, 64, 64, 24, 0])
            value = rng.choice([rng.uniform(-1e5, 1e5), rng.uniform(-1e300, 1e300),
                                rng.randint(-(1 << 70), 1 << 70), 1 << 1100, A.a, 1.0e-10])
            parts.append("(id(%s)):(id(%d))/float%s" % (format_term(value), size, end))
            segs.append((BS_FLOAT, segno, 1, flags, value, size))
        elif kind == "bin":
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 6)))
            extra = rng.choice([0, 0, 3])
            value = data if not extra else BitString(data + bytes([rng.randrange(256) & 0xE0]),
                                                     len(data) * 8 + extra)
            if rng.random() < 0.1:
                value = rng.choice(BAD_VALUES)
            if rng.random() < 0.5:
                unit = rng.choice([1, 8, 8, 3])
                parts.append("(id(%s))/binary-unit:%d" % (format_term(value), unit))
                segs.append((BS_BINARY, segno, unit, 0, value, ALL))
            else:
                unit = rng.choice([1, 8])
                size = rng.randint(0, 8)
                parts.append("(id(%s)):(id(%d))/binary-unit:%d" % (format_term(value), size, unit))
                segs.append((BS_BINARY, segno, unit, 0, value, size))
        elif kind == "str":
            data = bytes(rng.randrange(32, 127) for _ in range(rng.randint(1, 4)))
            text = data.decode().replace("\\", "\\\\").replace('"', '\\"')
            parts.append('"%s"' % text)
            segs.append((BS_STRING, segno, 8, 0, data, len(data)))
        else:
            value = rng.choice([rng.randint(0, 0x7F), rng.randint(0, 0xD7FF),
                                rng.randint(0xE000, 0x10FFFF)])
            if rng.random() < 0.15:
                value = rng.choice(BAD_VALUES)
            k = {"utf8": BS_UTF8, "utf16": BS_UTF16, "utf32": BS_UTF32}[kind]
            parts.append("(id(%s))/%s%s" % (format_term(value), kind, end if kind != "utf8" else ""))
            segs.append((k, segno, 1, flags if kind != "utf8" else 0, value, UNDEF))
    return "<<" + ", ".join(parts) + ">>", segs


def python_construct(segs):
    try:
        return (A.ok, create_bin(segs))
    except ErlangError as e:
        return (A.error, e.reason, cause(e))


MATCH_SPECS = ["integer", "integer-signed", "integer-little", "integer-signed-little",
               "float", "float-little", "binary", "utf8", "utf16", "utf16-little", "utf32"]


def random_match_case(rng):
    """(Erlang function clause body, data term, list of (spec, size, unit))."""
    nbytes = rng.randint(0, 16)
    data = bytes(rng.choice([0, 0xFF, 0x80, 0xD8, 0xDC, 0xE0, 0xC3, 0x41, rng.randrange(256)])
                 for _ in range(nbytes))
    extra = rng.choice([0, 0, 5])
    term = data if not extra else BitString(data + bytes([rng.randrange(256) & 0xF8]),
                                            nbytes * 8 + extra)
    specs = []
    for _ in range(rng.randint(1, 4)):
        spec = rng.choice(MATCH_SPECS)
        if spec.startswith("integer"):
            unit = rng.choice([1, 1, 3, 8])
            size = rng.choice([rng.randint(0, 40) // unit, -1, A.a]) if rng.random() < 0.05 \
                else rng.randint(0, 24) // unit
        elif spec.startswith("float"):
            unit = 1
            size = rng.choice([16, 32, 64, 16, 32, 64, 0, 24])
        elif spec == "binary":
            unit = rng.choice([1, 8, 2])
            size = rng.randint(0, 5)
        else:
            unit = size = None
        specs.append((spec, size, unit))
    return term, specs


def python_match(term, specs):
    ctx = start_match(term)
    values = []
    for spec, size, unit in specs:
        flags = (LITTLE if "little" in spec else 0) | (SIGNED if "signed" in spec else 0)
        if spec.startswith("integer"):
            v = get_integer(ctx, size, unit, flags)
        elif spec.startswith("float"):
            v = get_float(ctx, size, unit, flags)
        elif spec == "binary":
            v = get_binary(ctx, size, unit)
        elif spec == "utf8":
            v = get_utf8(ctx)
        elif spec.startswith("utf16"):
            v = get_utf16(ctx, flags)
        else:
            v = get_utf32(ctx, flags)
        if v is None:
            return A.nomatch
        values.append(v)
    values.append(get_tail(ctx))
    return tuple(values)


def erlang_match_fun(name, specs):
    segs, params = [], ["Bin"]
    for i, (spec, size, unit) in enumerate(specs):
        if size is None:
            segs.append("V%d/%s" % (i, spec))
        else:
            params.append("S%d" % i)
            segs.append("V%d:S%d/%s-unit:%d" % (i, i, spec, unit))
    values = ", ".join(["V%d" % i for i in range(len(specs))] + ["Rest"])
    return ("%s(%s) ->\n    case Bin of\n        <<%s, Rest/bitstring>> -> {%s};\n"
            "        _ -> nomatch\n    end.\n" % (name, ", ".join(params), ", ".join(segs), values))


@pytest.fixture(scope="module")
def erl_results():
    if not ERL or not ERLC:
        pytest.skip("erl is not installed")
    rng = random.Random(20250325)
    constructs = [random_construct_case(rng) for _ in range(400)]
    matches = [random_match_case(rng) for _ in range(400)]
    lines = ["-module(bits_cases).", "-export([main/0]).",
             "id(X) -> X.",
             "c(F) -> try F() of V -> {ok, V} catch error:R:S -> [{_, _, _, L} | _] = S,",
             "    {error, R, maps:get(cause, proplists:get_value(error_info, L))} end.",
             "p(T) -> io:format(\"~s~n\", [binary:encode_hex(term_to_binary(T))]).",
             "main() ->"]
    body = []
    for expr, _ in constructs:
        body.append('    p(c(fun() -> %s end))' % expr)
    for i, (term, specs) in enumerate(matches):
        args = [format_term(term)] + [format_term(size) for _, size, _ in specs if size is not None]
        body.append('    p(m%d(%s))' % (i, ", ".join(args)))
    lines.append(",\n".join(body) + ".")
    for i, (term, specs) in enumerate(matches):
        lines.append(erlang_match_fun("m%d" % i, specs))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "bits_cases.erl")
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        subprocess.run([ERLC, "-o", tmp, src], check=True, capture_output=True)
        out = subprocess.run([ERL, "-noshell", "-pa", tmp, "-eval", "bits_cases:main(), halt()."],
                             check=True, capture_output=True, text=True).stdout.split()
    return constructs, matches, [binary_to_term(bytes.fromhex(line)) for line in out]


def same(a, b):
    """=:= and, for floats, the same bits (so 0.0 and -0.0 differ)."""
    if type(a) is float or type(b) is float:
        return type(a) is type(b) and struct.pack(">d", a) == struct.pack(">d", b)
    if type(a) is tuple:
        return type(b) is tuple and len(a) == len(b) and all(map(same, a, b))
    return eq_exact(a, b)


def test_construction_matches_erl(erl_results):
    constructs, _, out = erl_results
    mismatches = [(expr, format_term(out[i]), format_term(python_construct(segs)))
                  for i, (expr, segs) in enumerate(constructs)
                  if not same(python_construct(segs), out[i])]
    assert not mismatches, mismatches[:5]


def test_matching_matches_erl(erl_results):
    constructs, matches, out = erl_results
    base = len(constructs)
    mismatches = [(format_term(term), specs, format_term(out[base + i]),
                   format_term(python_match(term, specs)))
                  for i, (term, specs) in enumerate(matches)
                  if not same(python_match(term, specs), out[base + i])]
    assert not mismatches, mismatches[:5]
