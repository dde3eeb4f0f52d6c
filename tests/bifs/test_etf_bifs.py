"""The ETF and hashing BIFs (term_to_binary, term_to_iovec, binary_to_term,
external_size, phash, phash2): option parsing, results and errors compared
with real OTP 25 in one erl run."""

import pytest

import erlpy.bifs.etf as bifs
from erlpy.bifs.registry import BIFS
from erlpy.terms import A, atom, NIL, BitString, ErlangError, Map, from_seq, estr
from erlpy.terms.etf import term_to_binary

from ..terms.erlref import ERL, ERLC, Erl

L = from_seq
T = (A.a, estr("text"), 1.5, from_seq(list(range(40))))
t2b = bifs.term_to_binary_2
T_SRC = '{a, "text", 1.5, lists:seq(0, 39)}'
BIG = from_seq([7] * 200)
BIG_SRC = "lists:duplicate(200, 7)"
BIN = b"x" * 100
BIN_SRC = "list_to_binary(lists:duplicate(100, $x))"


def mv(n):
    return (A.minor_version, n)


def cz(n):
    return (A.compressed, n)


# (Erlang expression, the same call in Python)
CASES = [
    # term_to_binary/1,2
    ("term_to_binary(%s)" % T_SRC, lambda: bifs.term_to_binary_1(T)),
    ("term_to_binary(%s, [])" % T_SRC, lambda: bifs.term_to_binary_2(T, NIL)),
    ("term_to_binary(%s, [compressed])" % BIG_SRC,
     lambda: bifs.term_to_binary_2(BIG, L([A.compressed]))),
    ("term_to_binary(%s, [{compressed, 0}])" % BIG_SRC, lambda: t2b(BIG, L([cz(0)]))),
    ("term_to_binary(%s, [{compressed, 9}])" % BIG_SRC, lambda: t2b(BIG, L([cz(9)]))),
    ("term_to_binary(%s, [{compressed, 3}, compressed])" % BIG_SRC,
     lambda: bifs.term_to_binary_2(BIG, L([cz(3), A.compressed]))),
    ("term_to_binary(%s, [compressed, {compressed, 0}])" % BIG_SRC,
     lambda: bifs.term_to_binary_2(BIG, L([A.compressed, cz(0)]))),
    ("term_to_binary(%s, [{compressed, 10}])" % BIG_SRC, lambda: t2b(BIG, L([cz(10)]))),
    ("term_to_binary(%s, [{compressed, -1}])" % BIG_SRC, lambda: t2b(BIG, L([cz(-1)]))),
    ("term_to_binary(a, [{compressed, 1.0}])", lambda: bifs.term_to_binary_2(A.a, L([cz(1.0)]))),
    ("term_to_binary(a, [{compressed, 1 bsl 64}])",
     lambda: bifs.term_to_binary_2(A.a, L([cz(1 << 64)]))),
    ("term_to_binary(%s, [{minor_version, 0}])" % T_SRC, lambda: t2b(T, L([mv(0)]))),
    ("term_to_binary(%s, [{minor_version, 1}])" % T_SRC, lambda: t2b(T, L([mv(1)]))),
    ("term_to_binary(%s, [{minor_version, 2}])" % T_SRC, lambda: t2b(T, L([mv(2)]))),
    ("term_to_binary(%s, [{minor_version, 2}, {minor_version, 0}])" % T_SRC,
     lambda: bifs.term_to_binary_2(T, L([mv(2), mv(0)]))),
    ("term_to_binary(a, [{minor_version, 3}])", lambda: bifs.term_to_binary_2(A.a, L([mv(3)]))),
    ("term_to_binary(a, [{minor_version, -1}])", lambda: bifs.term_to_binary_2(A.a, L([mv(-1)]))),
    ("term_to_binary(a, [{minor_version, a}])", lambda: bifs.term_to_binary_2(A.a, L([mv(A.a)]))),
    ("term_to_binary(%s, [deterministic])" % T_SRC,
     lambda: bifs.term_to_binary_2(T, L([A.deterministic]))),
    ("term_to_binary(a, [iovec])", lambda: bifs.term_to_binary_2(A.a, L([A.iovec]))),
    ("term_to_binary(a, [{fragment, 3}])", lambda: t2b(A.a, L([(A.fragment, 3)]))),
    ("term_to_binary(a, [{compressed, 1, 2}])",
     lambda: bifs.term_to_binary_2(A.a, L([(A.compressed, 1, 2)]))),
    ("term_to_binary(a, [compressed | x])",
     lambda: bifs.term_to_binary_2(A.a, from_seq([A.compressed], A.x))),
    ("term_to_binary(a, x)", lambda: bifs.term_to_binary_2(A.a, A.x)),
    ("term_to_binary(a, [safe])", lambda: bifs.term_to_binary_2(A.a, L([A.safe]))),
    # term_to_iovec/1,2
    ("erlang:term_to_iovec(%s)" % T_SRC, lambda: bifs.term_to_iovec_1(T)),
    ("erlang:term_to_iovec({%s, a, %s})" % (BIN_SRC, BIN_SRC),
     lambda: bifs.term_to_iovec_1((BIN, A.a, BIN))),
    ("erlang:term_to_iovec({%s, a}, [compressed])" % BIN_SRC,
     lambda: bifs.term_to_iovec_2((BIN, A.a), L([A.compressed]))),
    ("erlang:term_to_iovec(a, [compressed])",
     lambda: bifs.term_to_iovec_2(A.a, L([A.compressed]))),
    ("erlang:term_to_iovec(%s, [{minor_version, 2}, deterministic])" % T_SRC,
     lambda: bifs.term_to_iovec_2(T, L([mv(2), A.deterministic]))),
    ("erlang:term_to_iovec(a, [iovec])", lambda: bifs.term_to_iovec_2(A.a, L([A.iovec]))),
    ("erlang:term_to_iovec(a, [bad])", lambda: bifs.term_to_iovec_2(A.a, L([A.bad]))),
    # binary_to_term/1,2
    ("binary_to_term(<<131,100,0,1,97>>)", lambda: bifs.binary_to_term_1(b"\x83d\x00\x01a")),
    ("binary_to_term(<<131,97,1,2:3>>)",
     lambda: bifs.binary_to_term_1(BitString(b"\x83a\x01\x40", 27))),
    ("binary_to_term(abc)", lambda: bifs.binary_to_term_1(A.abc)),
    ("binary_to_term(<<131,97>>)", lambda: bifs.binary_to_term_1(b"\x83a")),
    ("binary_to_term(<<131,97,1,2>>, [])", lambda: bifs.binary_to_term_2(b"\x83a\x01\x02", NIL)),
    ("binary_to_term(<<131,97,1,2>>, [used])",
     lambda: bifs.binary_to_term_2(b"\x83a\x01\x02", L([A.used]))),
    ("binary_to_term(<<131,97,1,2>>, [safe, used, safe])",
     lambda: bifs.binary_to_term_2(b"\x83a\x01\x02", L([A.safe, A.used, A.safe]))),
    ("binary_to_term(<<131,100,0,20,\"etf_never_made_atom1\">>, [safe])",
     lambda: bifs.binary_to_term_2(b"\x83d\x00\x14etf_never_made_atom1", L([A.safe]))),
    ("binary_to_term(<<131,97,1>>, [bad])",
     lambda: bifs.binary_to_term_2(b"\x83a\x01", L([A.bad]))),
    ("binary_to_term(<<131,97,1>>, [safe | x])",
     lambda: bifs.binary_to_term_2(b"\x83a\x01", from_seq([A.safe], A.x))),
    ("binary_to_term(<<131,97,1>>, safe)", lambda: bifs.binary_to_term_2(b"\x83a\x01", A.safe)),
    ("binary_to_term(<<131,97>>, [safe])", lambda: bifs.binary_to_term_2(b"\x83a", L([A.safe]))),
    ("binary_to_term(x, [bad])", lambda: bifs.binary_to_term_2(A.x, L([A.bad]))),
    ("binary_to_term(x, [used])", lambda: bifs.binary_to_term_2(A.x, L([A.used]))),
    # external_size/1,2
    ("erlang:external_size(%s)" % T_SRC, lambda: bifs.external_size_1(T)),
    ("erlang:external_size(%s, [{minor_version, 0}])" % T_SRC,
     lambda: bifs.external_size_2(T, L([mv(0)]))),
    ("erlang:external_size(%s, [{minor_version, 1}])" % T_SRC,
     lambda: bifs.external_size_2(T, L([mv(1)]))),
    ("erlang:external_size(a, [{minor_version, 2}])",
     lambda: bifs.external_size_2(A.a, L([mv(2)]))),
    ("erlang:external_size(a, [deterministic])",
     lambda: bifs.external_size_2(A.a, L([A.deterministic]))),
    ("erlang:external_size(a, [compressed])", lambda: bifs.external_size_2(A.a, L([A.compressed]))),
    ("erlang:external_size(a, x)", lambda: bifs.external_size_2(A.a, A.x)),
    # phash/2, phash2/1,2
    ("erlang:phash2(%s)" % T_SRC, lambda: bifs.phash2_1(T)),
] + [
    ("erlang:%s(%s, %s)" % (name, T_SRC, rs), (lambda f, r: lambda: f(T, r))(fn, r))
    for name, fn in (("phash2", bifs.phash2_2), ("phash", bifs.phash))
    for rs, r in (("1", 1), ("7", 7), ("1 bsl 32", 1 << 32), ("(1 bsl 32) - 1", (1 << 32) - 1),
                  ("0", 0), ("-1", -1), ("(1 bsl 32) + 1", (1 << 32) + 1), ("1 bsl 64", 1 << 64),
                  ("1.0", 1.0), ("a", A.a))
]


def _python_result(call):
    try:
        v = call()
    except ErlangError as e:
        cause = "none"
        if e.error_info is not None and e.error_info.get(A.cause) is not None:
            cause = e.error_info.get(A.cause).name
        return "error %s %s" % (e.reason.name, cause)
    return "ok " + term_to_binary(v, minor_version=2, deterministic=True).hex().upper()


@pytest.fixture(scope="module")
def otp():
    if ERL is None or ERLC is None:
        pytest.skip("erl not installed")
    erl = Erl()
    try:
        return erl.run([("call", "fun() -> %s end" % src) for src, _ in CASES])
    finally:
        erl.close()


def test_bifs_match_otp(otp):
    bad = []
    for (src, call), expected in zip(CASES, otp):
        mine = _python_result(call)
        if mine != expected:
            bad.append((src, expected[:80], mine[:80]))
    assert not bad, bad
    assert len(otp) == len(CASES)


def test_registered():
    for name, arity in (("term_to_binary", 1), ("term_to_binary", 2), ("term_to_iovec", 1),
                        ("term_to_iovec", 2), ("binary_to_term", 1), ("binary_to_term", 2),
                        ("external_size", 1), ("external_size", 2), ("phash", 2),
                        ("phash2", 1), ("phash2", 2)):
        assert ("erlang", name, arity) in BIFS


def test_badopt_cause_without_erl():
    with pytest.raises(ErlangError) as e:
        bifs.binary_to_term_2(b"\x83a\x01", L([A.bad]))
    assert e.value.reason is A.badarg
    assert e.value.error_info.get(A.cause) is A.badopt
    assert e.value.error_info.get(A.module) is atom("erl_erts_errors")
    assert isinstance(e.value.error_info, Map)
