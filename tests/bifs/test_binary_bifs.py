"""The binary module's BIFs and erlang's binary/iolist/checksum BIFs
(erlpy.bifs.binary), compared with real `erl` on fixed and random cases:
every case is an Erlang call; erl prints each result (or error reason) as
term_to_binary hex, all in one `erl` run, and the Python BIF must give the
same term."""

import hashlib
import os
import random
import shutil
import struct
import subprocess
import tempfile
import zlib

import pytest

from erlpy.terms import (A, NIL, Cons, BitString, Ref, ErlangError, from_seq, format_term,
                         eq_exact)
from erlpy.terms.etf import binary_to_term
from erlpy.code.contract import VM
from erlpy.bifs.registry import BIFS
import erlpy.bifs.binary  # noqa: F401  (registers the BIFs)

ERL = shutil.which("erl")
ERLC = shutil.which("erlc")


@pytest.fixture(autouse=True)
def make_ref(monkeypatch):
    counter = iter(range(1, 1 << 30))
    monkeypatch.setattr(VM, "make_ref", lambda: Ref(A["nonode@nohost"], (next(counter), 0, 0), 0),
                        raising=False)


def bif(m, f, *args):
    return BIFS[(m, f, len(args))][0](*args)


# ---------------------------------------------------------------------------
# Cases: an Erlang expression and the same computation in Python

class Compiled:
    """A pattern argument compiled with binary:compile_pattern first."""

    def __init__(self, pattern):
        self.pattern = pattern


def lit(t):
    if isinstance(t, Compiled):
        return "binary:compile_pattern(%s)" % lit(t.pattern)
    return format_term(t)


def value(t):
    if isinstance(t, Compiled):
        return bif("binary", "compile_pattern", t.pattern)
    return t


class Case:
    def __init__(self, erl, py):
        self.erl = erl
        self.py = py

    def run(self):
        try:
            return (A.ok, self.py())
        except ErlangError as e:
            return (A.error, e.reason)


def call(m, f, *args):
    return Case("%s:%s(%s)" % (m, f, ", ".join(lit(a) for a in args)),
                lambda: bif(m, f, *[value(a) for a in args]))


def pattern_tag(p):
    return Case("element(1, binary:compile_pattern(%s))" % lit(p),
                lambda: bif("binary", "compile_pattern", p)[0])


def md5_chunks(chunks):
    def py():
        ctx = bif("erlang", "md5_init")
        for c in chunks:
            ctx = bif("erlang", "md5_update", ctx, c)
        return bif("erlang", "md5_final", ctx)
    return Case("erlang:md5_final(lists:foldl(fun(C, X) -> erlang:md5_update(X, C) end, "
                "erlang:md5_init(), %s))" % lit(from_seq(chunks)), py)


def b(s):
    return s.encode("latin-1") if isinstance(s, str) else s


def bl(*items):
    return from_seq([b(i) for i in items])


def opts(*items):
    return from_seq(list(items))


def scope(p, n):
    return (A.scope, (p, n))


G, TRIM, TRIM_ALL = A["global"], A.trim, A.trim_all
BITS = BitString(bytes([1, 2, 0x30]), 20)        # <<1,2,3:4>>


def fixed_cases():
    c = []
    # match / matches
    c += [call("binary", "match", b("abcabc"), b("bc")),
          call("binary", "match", b("abcabc"), b("x")),
          call("binary", "match", b(""), A.foo),
          call("binary", "match", b("abc"), A.foo, opts(scope(0, 0))),
          call("binary", "match", b("abc"), A.foo, opts(scope(1, 0))),
          call("binary", "match", b("abc"), b("")),
          call("binary", "match", b("abc"), NIL),
          call("binary", "match", b("abc"), bl("b", "")),
          call("binary", "match", b("abcabc"), b("c"), opts(scope(6, -3))),
          call("binary", "match", b("abcabc"), b("c"), opts(scope(2, -3))),
          call("binary", "match", b("abcabc"), b("c"), opts(scope(4, 3))),
          call("binary", "match", b("abcabc"), b("c"), opts(scope(-1, 3))),
          call("binary", "match", b("abcabc"), b("c"), opts(scope(0, 1 << 64))),
          call("binary", "match", b("abcabc"), b("c"), opts(scope(1 << 64, 0))),
          call("binary", "match", b("abcabc"), b("c"), opts(scope(0, 3), scope(3, 3))),
          call("binary", "match", b("a,b"), b(","), Cons(scope(0, 3), A.foo)),
          call("binary", "match", b("a,b"), b(","), A.foo),
          call("binary", "match", b("a,b"), b(","), opts(G)),
          call("binary", "match", b("a,b"), b(","), opts((A.scope, 1))),
          call("binary", "match", b("abcdef"), bl("cd", "bcdef", "bc")),
          call("binary", "match", BITS, b("a")),
          call("binary", "match", A.foo, b("a")),
          call("binary", "match", b("abc"), (A.bm, 1)),
          call("binary", "match", b("abc"), Compiled(b("c")), opts(scope(1, 2))),
          call("binary", "match", b("abcabc"), Compiled(bl("c", "ab"))),
          call("binary", "matches", b("abcde"), bl("bcd", "abcde", "cd")),
          call("binary", "matches", b("abcdef"), bl("abc", "cd", "bcdef")),
          call("binary", "matches", b("aaaaa"), b("aa")),
          call("binary", "matches", b("aaaaa"), bl("aa", "a")),
          call("binary", "matches", b("abc"), b("")),
          call("binary", "matches", b("abc"), NIL),
          call("binary", "matches", b(""), b("a")),
          call("binary", "matches", b("abababab"), Compiled(b("ab")), opts(scope(7, -5))),
          pattern_tag(b("a")), pattern_tag(bl("a")), pattern_tag(bl("a", "b")),
          pattern_tag(bl("a", "a")), pattern_tag(b("")), pattern_tag(NIL),
          pattern_tag(BitString(b"\x00", 1)), pattern_tag(Cons(b("a"), b("b"))),
          pattern_tag(A.a)]
    # split
    s = b(",a,,b,,")
    c += [call("binary", "split", b("a,b"), b(","), Cons(G, A.foo)),
          call("binary", "split", s, b(",")),
          call("binary", "split", s, b(","), opts(G)),
          call("binary", "split", s, b(","), opts(G, TRIM)),
          call("binary", "split", s, b(","), opts(G, TRIM_ALL)),
          call("binary", "split", s, b(","), opts(G, TRIM, TRIM_ALL)),
          call("binary", "split", s, b(","), opts(TRIM_ALL)),
          call("binary", "split", s, b(","), opts(TRIM)),
          call("binary", "split", b("a,"), b(","), opts(TRIM)),
          call("binary", "split", b(","), b(","), opts(TRIM)),
          call("binary", "split", b(","), b(","), opts(TRIM_ALL)),
          call("binary", "split", b(","), b(","), NIL),
          call("binary", "split", b(""), b(","), opts(TRIM)),
          call("binary", "split", b(""), b(",")),
          call("binary", "split", b(""), A.bad),
          call("binary", "split", b(",,,"), b(","), opts(G, TRIM)),
          call("binary", "split", b("abcabc"), b("b"), opts(scope(2, 4))),
          call("binary", "split", b("abcabc"), b("b"), opts(scope(2, 4), G)),
          call("binary", "split", b("abcabc"), b("b"), opts(A.foo)),
          call("binary", "split", b("abc"), b("b"), A.foo),
          call("binary", "split", b("a-b_c"), Compiled(bl("-", "_")), opts(G))]
    # parts and bytes
    for m, f in (("binary", "part"), ("erlang", "binary_part")):
        for args in ((b("abc"), 1, 2), (b("abc"), 3, -2), (b("abc"), 2, -3), (b("abc"), 0, 4),
                     (b("abc"), 3, 0), (b("abc"), 4, 0), (b("abc"), -1, 1), (BITS, 0, 1),
                     (BITS, 2, -2), (BITS, 1, 2), (A.a, 0, 0), (b("abc"), 1, 1 << 63),
                     (b("abc"), 1, -(1 << 63)), (b("abc"), 1.0, 1)):
            c.append(call(m, f, *args))
        c += [call(m, f, b("abc"), (1, 2)), call(m, f, b("abc"), (1, 2, 3)),
              call(m, f, b("abc"), from_seq([1, 2]))]
    c += [call("binary", "at", b("abc"), 0), call("binary", "at", b("abc"), 3),
          call("binary", "at", BITS, 0), call("binary", "at", b("abc"), -1),
          call("binary", "first", b("abc")), call("binary", "first", b("")),
          call("binary", "last", b("abc")), call("binary", "last", BITS),
          call("binary", "copy", b("ab")), call("binary", "copy", b("ab"), 3),
          call("binary", "copy", BitString(b"\x20", 3), 0),
          call("binary", "copy", BitString(b"\x20", 3), 1),
          call("binary", "copy", b("ab"), -1), call("binary", "copy", A.a, 0),
          call("binary", "copy", BITS),
          call("binary", "decode_unsigned", b("\x00\x00\x01\x00")),
          call("binary", "decode_unsigned", b("\x00\x00\x01\x00"), A.little),
          call("binary", "decode_unsigned", b("")),
          call("binary", "decode_unsigned", b("\x01"), A.native),
          call("binary", "decode_unsigned", BITS),
          call("binary", "decode_unsigned", bytes(range(1, 40))),
          call("binary", "encode_unsigned", 0), call("binary", "encode_unsigned", 256, A.little),
          call("binary", "encode_unsigned", 1 << 64), call("binary", "encode_unsigned", -1),
          call("binary", "encode_unsigned", 1.0), call("binary", "encode_unsigned", 5, A.middle),
          call("binary", "encode_unsigned", (1 << 200) + 12345, A.little),
          call("binary", "longest_common_prefix", NIL),
          call("binary", "longest_common_prefix", bl("abc")),
          call("binary", "longest_common_prefix", bl("abc", "abd", "ab")),
          call("binary", "longest_common_prefix", bl("abc", "abc")),
          call("binary", "longest_common_prefix", from_seq([b("a"), BITS])),
          call("binary", "longest_common_prefix", Cons(b("a"), b("a"))),
          call("binary", "longest_common_suffix", bl("xabc", "abc", "")),
          call("binary", "longest_common_suffix", bl("xabc", "yabc")),
          call("binary", "longest_common_suffix", b("abc")),
          call("binary", "referenced_byte_size", b("abcd")),
          call("binary", "referenced_byte_size", BitString(b"\x01\x40", 10)),
          call("binary", "referenced_byte_size", A.a),
          call("binary", "list_to_bin", from_seq([1, b("\x02")], b("\x03"))),
          call("binary", "list_to_bin", b("abc")),
          call("binary", "list_to_bin", NIL)]
    # erlang conversions
    c += [call("erlang", "binary_to_list", BITS, 1, 2),
          call("erlang", "binary_to_list", b("abc"), 2, 1),
          call("erlang", "binary_to_list", b("abc"), 1, 3),
          call("erlang", "binary_to_list", b("abc"), 0, 3),
          call("erlang", "binary_to_list", b("abc"), 3, 3),
          call("erlang", "binary_to_list", b("abc"), 3, 4),
          call("erlang", "binary_to_list", b("abc")),
          call("erlang", "binary_to_list", BITS),
          call("erlang", "bitstring_to_list", BITS),
          call("erlang", "bitstring_to_list", BitString(b"\x80", 1)),
          call("erlang", "bitstring_to_list", A.a),
          call("erlang", "list_to_bitstring", from_seq([BitString(b"\x20", 3), 2,
                                                        from_seq([BitString(b"\x18", 5)])],
                                                       BitString(b"\x80", 1))),
          call("erlang", "list_to_bitstring", from_seq([BITS])),
          call("erlang", "list_to_bitstring", BITS),
          call("erlang", "list_to_bitstring", NIL),
          call("erlang", "list_to_bitstring", from_seq([256])),
          call("erlang", "split_binary", BITS, 2),
          call("erlang", "split_binary", BITS, 3),
          call("erlang", "split_binary", b("abc"), 0),
          call("erlang", "split_binary", b("abc"), 3),
          call("erlang", "split_binary", b("abc"), -1),
          call("erlang", "bit_size", BITS), call("erlang", "bit_size", A.a),
          call("erlang", "byte_size", BITS), call("erlang", "byte_size", b("ab")),
          call("erlang", "list_to_binary", from_seq([BITS])),
          call("erlang", "list_to_binary", b("abc")),
          call("erlang", "iolist_to_binary", b("abc")),
          call("erlang", "iolist_to_binary", BITS),
          call("erlang", "iolist_to_binary", NIL),
          call("erlang", "iolist_size", b("abc")),
          call("erlang", "iolist_size", BITS),
          call("erlang", "iolist_to_iovec", b("")),
          call("erlang", "iolist_to_iovec", b("a")),
          call("erlang", "iolist_to_iovec", BITS),
          call("erlang", "iolist_to_iovec", NIL),
          call("erlang", "iolist_to_iovec", from_seq([b("\x01"), 2, from_seq([3, b("\x04")])],
                                                     b("\x05")))]
    # checksums
    c += [call("erlang", "crc32", Cons(1, 2)), call("erlang", "crc32", Cons(b("\x01"), b("\x02"))),
          call("erlang", "crc32", BITS), call("erlang", "crc32", b("hello")),
          call("erlang", "crc32", 5, b("hello")), call("erlang", "crc32", 1 << 32, b("hello")),
          call("erlang", "crc32", -1, b("hello")),
          call("erlang", "adler32", from_seq([b("hel"), 108, from_seq([111])])),
          call("erlang", "adler32", 7, b("x")), call("erlang", "adler32", A.a),
          call("erlang", "crc32_combine", 1, 2, 0),
          call("erlang", "crc32_combine", 0xFFFFFFFF, 5, 1000),
          call("erlang", "crc32_combine", 0, 0, (1 << 32) - 1),
          call("erlang", "crc32_combine", 0, 0, 1 << 32),
          call("erlang", "adler32_combine", 1, 2, 0),
          call("erlang", "adler32_combine", 0xFFFFFFFF, 0xFFFFFFFF, 5),
          call("erlang", "adler32_combine", 123456789, 987654321, 70000),
          call("erlang", "md5", b("abc")), call("erlang", "md5", from_seq([b("a"), 98, 99])),
          call("erlang", "md5", BITS),
          call("erlang", "md5_final", bytes(88)),
          call("erlang", "md5_final", bytes(87)),
          call("erlang", "md5_update", bytes(80), b("a")),
          call("erlang", "md5_update", bif("erlang", "md5_init"), A.a),
          md5_chunks([]), md5_chunks([b("abc")]),
          md5_chunks([b("x" * 63), b("y"), b("z" * 130), from_seq([1, 2, 3]), b("")])]
    return c


# ---------------------------------------------------------------------------
# Random cases

def random_bytes(rng, alphabet, lo, hi):
    return bytes(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def random_pattern(rng):
    pats = [random_bytes(rng, b"abc", 1, 3) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.05:
        pats.append(rng.choice([b"", A.x]))
    if len(pats) == 1 and rng.random() < 0.5:
        p = pats[0]
    else:
        p = from_seq(pats)
    return Compiled(p) if rng.random() < 0.3 else p


def random_search_case(rng):
    hay = random_bytes(rng, b"abc", 0, 30)
    pat = random_pattern(rng)
    options = []
    fn = rng.choice(["match", "matches", "split"])
    if rng.random() < 0.4:
        pos = rng.randint(-1, len(hay) + 1)
        options.append(scope(pos, rng.randint(-len(hay) - 1, len(hay) + 1)))
    if fn == "split":
        options += [o for o in (G, TRIM, TRIM_ALL) if rng.random() < 0.4]
        rng.shuffle(options)
    if not options and rng.random() < 0.5:
        return call("binary", fn, hay, pat)
    return call("binary", fn, hay, pat, from_seq(options))


def random_iolist(rng, depth=0, bad=0.0):
    items = []
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        if r < 0.35:
            items.append(rng.randrange(256))
        elif r < 0.6:
            items.append(random_bytes(rng, range(256), 0, rng.choice([3, 3, 300, 700])))
        elif r < 0.8 and depth < 4:
            items.append(random_iolist(rng, depth + 1, bad))
        elif r < 0.85:
            items.append(from_seq([rng.randrange(256) for _ in range(rng.randint(0, 600))]))
        elif rng.random() < bad:
            items.append(rng.choice([256, -1, A.a, BitString(b"\x80", 1), 1.0, 1 << 70]))
        else:
            items.append(NIL)
    tail = NIL
    if rng.random() < 0.2:
        tail = random_bytes(rng, range(256), 0, 5)
    elif rng.random() < bad:
        tail = rng.choice([7, A.a, BitString(b"\x80", 1)])
    return from_seq(items, tail)


def random_bits_iolist(rng):
    items = []
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if r < 0.3:
            items.append(rng.randrange(256))
        elif r < 0.6:
            n = rng.randint(0, 20)
            data = int.to_bytes(rng.getrandbits(n) << (-n % 8), (n + 7) // 8, "big")
            items.append(data if n % 8 == 0 else BitString(data, n))
        elif r < 0.8:
            items.append(random_bits_iolist(rng))
        else:
            items.append(random_bytes(rng, range(256), 0, 4))
    return from_seq(items)


def random_cases():
    rng = random.Random(4242)
    cases = [random_search_case(rng) for _ in range(500)]
    for _ in range(60):
        io = random_iolist(rng, bad=0.15)
        cases += [call("erlang", f, io) for f in ("list_to_binary", "iolist_to_binary",
                                                  "iolist_size", "iolist_to_iovec", "crc32",
                                                  "adler32", "md5")]
        cases.append(call("binary", "list_to_bin", io))
    for _ in range(40):
        io = random_iolist(rng, bad=0.0)
        cases.append(call("erlang", "iolist_to_iovec", io))
        cases.append(call("erlang", "crc32", rng.randrange(1 << 32), io))
        cases.append(call("erlang", "adler32", rng.randrange(1 << 32), io))
    for _ in range(40):
        cases.append(call("erlang", "list_to_bitstring", random_bits_iolist(rng)))
    for _ in range(40):
        cases.append(call("erlang", "crc32_combine", rng.randrange(1 << 32),
                          rng.randrange(1 << 32), rng.randrange(1 << 32)))
        cases.append(call("erlang", "adler32_combine", rng.randrange(1 << 32),
                          rng.randrange(1 << 32), rng.randrange(1 << 32)))
    for _ in range(20):
        cases.append(md5_chunks([random_bytes(rng, range(256), 0, 150)
                                 for _ in range(rng.randint(0, 5))]))
    for _ in range(30):
        bins = [random_bytes(rng, b"ab", 0, 6) for _ in range(rng.randint(1, 4))]
        cases.append(call("binary", "longest_common_prefix", from_seq(bins)))
        cases.append(call("binary", "longest_common_suffix", from_seq(bins)))
    return cases


# ---------------------------------------------------------------------------

def same(a, b):
    if type(a) is float or type(b) is float:
        return type(a) is type(b) and struct.pack(">d", a) == struct.pack(">d", b)
    return eq_exact(a, b)


@pytest.fixture(scope="module")
def erl_run():
    if not ERL or not ERLC:
        pytest.skip("erl is not installed")
    cases = fixed_cases() + random_cases()
    lines = ["-module(binbif_cases).", "-export([main/0]).",
             "t(F) -> try F() of V -> {ok, V} catch error:R -> {error, R} end.",
             "p(T) -> io:format(\"~s~n\", [binary:encode_hex(term_to_binary(T))]).",
             "main() ->"]
    lines.append(",\n".join("    p(t(fun() -> %s end))" % c.erl for c in cases) + ".")
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "binbif_cases.erl")
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        subprocess.run([ERLC, "-o", tmp, src], check=True, capture_output=True)
        out = subprocess.run([ERL, "-noshell", "-pa", tmp, "-eval", "binbif_cases:main(), halt()."],
                             check=True, capture_output=True, text=True).stdout.split()
    assert len(out) == len(cases)
    return cases, [binary_to_term(bytes.fromhex(line)) for line in out]


def check(pairs):
    bad = [(c.erl, format_term(want), format_term(c.run())) for c, want in pairs
           if not same(c.run(), want)]
    assert not bad, bad[:6]


def test_fixed_cases_match_erl(erl_run):
    cases, out = erl_run
    n = len(fixed_cases())
    check(zip(cases[:n], out[:n]))


def test_random_cases_match_erl(erl_run):
    cases, out = erl_run
    n = len(fixed_cases())
    check(zip(cases[n:], out[n:]))


# ---------------------------------------------------------------------------
# Without erl

def test_compiled_pattern_is_reusable_and_typed():
    cp = bif("binary", "compile_pattern", bl("ab", "b"))
    assert cp[0] is A.ac and type(cp[1]) is Ref
    assert format_term(bif("binary", "matches", b("xabxb"), cp)) == "[{1,2},{4,1}]"
    assert eq_exact(bif("binary", "split", b("xabxb"), cp, opts(G)), bl("x", "x", ""))
    forged = (A.bm, cp[1])
    with pytest.raises(ErlangError):
        bif("binary", "match", b("ab"), forged)
    plain_ref = (A.ac, Ref(A["nonode@nohost"], cp[1].ids[:], 0))
    with pytest.raises(ErlangError):
        bif("binary", "match", b("ab"), plain_ref)
    assert cp[1] == Ref(cp[1].node, tuple(cp[1].ids), cp[1].creation)


def test_big_inputs_are_fast_enough():
    hay = b"x" * 1000000 + b"needle" + b"y" * 1000000
    assert bif("binary", "match", hay, b("needle")) == (1000000, 6)
    parts = bif("binary", "split", b",".join([b"f"] * 200000), b(","), opts(G))
    n = 0
    while type(parts) is Cons:
        n += 1
        parts = parts.tl
    assert n == 200000
    big = from_seq([from_seq([i & 255, b"ab"]) for i in range(200000)])
    assert bif("erlang", "iolist_size", big) == 600000
    assert bif("erlang", "crc32", big) == zlib.crc32(bif("erlang", "iolist_to_binary", big))
    assert bif("erlang", "md5", big) == hashlib.md5(bif("erlang", "iolist_to_binary", big)).digest()


def test_md5_context_layout():
    ctx = bif("erlang", "md5_update", bif("erlang", "md5_init"), b("abc"))
    assert ctx[:16] == bytes([1, 35, 69, 103, 137, 171, 205, 239,
                              254, 220, 186, 152, 118, 84, 50, 16])
    assert ctx[16:24] == bytes([24, 0, 0, 0, 0, 0, 0, 0]) and ctx[24:27] == b"abc"
    assert bif("erlang", "md5_final", ctx) == hashlib.md5(b"abc").digest()
