"""prim_buffer's NIFs, run through OTP's own prim_buffer.erl.

The scenarios are Erlang code (compiled with the real erlc): writes of
binaries big and small, reads that cross them, read_iovec/2's pieces (which
show how writes were gathered or kept apart), find_byte_index/2, skip, wipe,
the lock, bad arguments, and a raw file read line by line (prim_file keeps
its read-ahead in a prim_buffer). Real `erl` runs them once; erlpy runs each
in a fresh process; the results must be identical (=:=). Python-level tests
then check the NIFs that prim_buffer.erl does not export.
"""

import os
import shutil
import tempfile

import pytest

import erlpy.nifs.prim_buffer as P  # registers the NIFs at collection time
import erlpy.nifs.zlib  # noqa: F401  (the boot needs it)
import erlpy.nifs.erl_tracer  # noqa: F401
from erlpy.terms import A, atom, NIL, BitString, Ref, ErlangError, from_seq, eq_exact, estr
from tests.erlc import compile_erlang, have_erlc
from tests.nifs.booted import booted_vm, erl_results, diff_results

HAVE_ERL = shutil.which("erl") is not None and have_erlc()
needs_erl = pytest.mark.skipif(not HAVE_ERL, reason="needs erl and erlc")

MODULE = "erlpy_prim_buffer_scen"

SOURCE = r"""
-module(erlpy_prim_buffer_scen).
-export([all/2, run/2]).

all(Dir, Out) ->
    R = [{N, run(N, Dir)} || N <- names()],
    ok = file:write_file(Out, term_to_binary(R)).

names() ->
    [empty, round_trip, pieces, accumulator, large_writes, find, skip_and_wipe, locks,
     bad_writes, bad_args, read_iovec_shapes, raw_read_line].

run(Name, Dir) ->
    try scen(Name, Dir)
    catch C:R:S -> {crashed, C, R, top(S)}
    end.

r(F) ->
    try F()
    catch C:R:S -> {C, R, top(S)}
    end.

top([{M, F, A, _} | _]) when is_list(A) -> {M, F, length(A)};
top([{M, F, A, _} | _]) -> {M, F, A};
top(_) -> none.

sizes(L) -> [byte_size(B) || B <- L].

scen(empty, _) ->
    B = prim_buffer:new(),
    [prim_buffer:size(B), r(fun() -> prim_buffer:read(B, 0) end),
     r(fun() -> prim_buffer:read(B, 1) end), r(fun() -> prim_buffer:read(B, 100) end),
     r(fun() -> prim_buffer:read_iovec(B, 100) end), prim_buffer:find_byte_index(B, 0),
     prim_buffer:skip(B, 0), prim_buffer:wipe(B), prim_buffer:write(B, []),
     prim_buffer:write(B, [<<>>]), prim_buffer:size(B)];
scen(round_trip, _) ->
    B = prim_buffer:new(),
    ok = prim_buffer:write(B, [<<"hello">>, <<" ">>, <<"world\n">>]),
    S1 = prim_buffer:size(B),
    F1 = prim_buffer:find_byte_index(B, $\n),
    R1 = prim_buffer:read(B, 3),
    Big = binary:copy(<<"x">>, 3000),
    ok = prim_buffer:write(B, [Big, <<"tail">>]),
    S2 = prim_buffer:size(B),
    R2 = prim_buffer:read(B, 3),
    ok = prim_buffer:skip(B, 6),
    F2 = prim_buffer:find_byte_index(B, $t),
    R3 = sizes(prim_buffer:read_iovec(B, 2000)),
    R4 = prim_buffer:read(B, 1002),
    {S1, F1, R1, S2, R2, F2, R3, R4, prim_buffer:size(B),
     r(fun() -> prim_buffer:read_iovec(B, 65) end)};
scen(pieces, _) ->
    B = prim_buffer:new(),
    [prim_buffer:write(B, [integer_to_binary(I)]) || I <- lists:seq(1, 3000)],
    S = prim_buffer:size(B),
    Parts = [sizes(prim_buffer:read_iovec(B, N)) || N <- [10, 100, 1000, 5000]],
    Rest = prim_buffer:read(B, prim_buffer:size(B)),
    {S, Parts, byte_size(Rest), binary:part(Rest, 0, 20), prim_buffer:size(B)};
scen(accumulator, _) ->
    B2 = prim_buffer:new(),
    prim_buffer:write(B2, [binary:copy(<<"a">>, 1500)]),
    prim_buffer:write(B2, [binary:copy(<<"b">>, 600)]),
    prim_buffer:write(B2, [<<"c">>]),
    B3 = prim_buffer:new(),
    prim_buffer:write(B3, [binary:copy(<<"a">>, 500)]),
    prim_buffer:write(B3, [binary:copy(<<"b">>, 1600)]),
    prim_buffer:write(B3, [<<"c">>]),
    B4 = prim_buffer:new(),
    prim_buffer:write(B4, [<<"ab">>, binary:copy(<<"a">>, 70), <<"cd">>]),
    prim_buffer:write(B4, [binary:copy(<<"b">>, 5000), <<"x">>, binary:copy(<<"b">>, 100)]),
    B5 = prim_buffer:new(),
    prim_buffer:write(B5, [binary:copy(<<"a">>, 2047)]),
    prim_buffer:write(B5, [<<"b">>]),
    prim_buffer:write(B5, [binary:copy(<<"c">>, 1023)]),
    [{prim_buffer:size(B2), sizes(prim_buffer:read_iovec(B2, 2101))},
     {prim_buffer:size(B3), sizes(prim_buffer:read_iovec(B3, 2101))},
     {prim_buffer:size(B4), sizes(prim_buffer:read_iovec(B4, 5175))},
     {prim_buffer:size(B5), sizes(prim_buffer:read_iovec(B5, 3071))}];
scen(large_writes, _) ->
    B = prim_buffer:new(),
    Bins = [binary:copy(<<I>>, 700 + I * 13) || I <- lists:seq(1, 100)],
    ok = prim_buffer:write(B, Bins),
    S = prim_buffer:size(B),
    Shapes = [sizes(prim_buffer:read_iovec(B, N)) || N <- [65, 500, 713, 1000, 20000]],
    Rest = prim_buffer:read(B, prim_buffer:size(B)),
    {S, Shapes, erlang:md5(Rest),
     erlang:md5(Rest) =:= erlang:md5(binary:part(iolist_to_binary(Bins), S - byte_size(Rest), byte_size(Rest)))};
scen(find, _) ->
    B = prim_buffer:new(),
    prim_buffer:write(B, [<<"abc">>]),
    prim_buffer:write(B, [binary:copy(<<"z">>, 4000), <<"\n">>, binary:copy(<<"y">>, 3000)]),
    prim_buffer:write(B, [<<0, 255>>]),
    A = [prim_buffer:find_byte_index(B, X) || X <- [$a, $c, $z, $\n, $y, 0, 255, $q]],
    prim_buffer:skip(B, 4001),
    C = [prim_buffer:find_byte_index(B, X) || X <- [$a, $z, $\n, $y, 0, 255]],
    {A, C};
scen(skip_and_wipe, _) ->
    B = prim_buffer:new(),
    prim_buffer:write(B, [<<"0123456789">>]),
    A = [prim_buffer:skip(B, 3), prim_buffer:read(B, 2), r(fun() -> prim_buffer:skip(B, 6) end),
         prim_buffer:size(B), prim_buffer:skip(B, 5), prim_buffer:size(B)],
    prim_buffer:write(B, [<<"ab">>]), prim_buffer:write(B, [binary:copy(<<"c">>, 5000)]),
    {A, prim_buffer:wipe(B), prim_buffer:size(B), r(fun() -> prim_buffer:read(B, 1) end)};
scen(locks, _) ->
    B = prim_buffer:new(),
    Self = self(),
    A = [prim_buffer:try_lock(B), prim_buffer:try_lock(B)],
    spawn(fun() -> Self ! {other, prim_buffer:try_lock(B)} end),
    O = receive {other, X} -> X end,
    {A, O, prim_buffer:unlock(B), r(fun() -> prim_buffer:unlock(B) end), prim_buffer:try_lock(B)};
scen(bad_writes, _) ->
    B = prim_buffer:new(),
    [r(fun() -> prim_buffer:write(B, X) end)
     || X <- [<<"a">>, [<<"a">> | <<"b">>], [1, 2], [<<1:3>>], [<<1:9>>], foo, [], [<<>>],
              ["ab"], [<<"a">>, [<<"b">>]]]]
    ++ [prim_buffer:size(B),
        r(fun() -> prim_buffer:write(B, lists:duplicate(100, <<"q">>) ++ [foo]) end),
        prim_buffer:size(B)];
scen(bad_args, _) ->
    B = prim_buffer:new(),
    prim_buffer:write(B, [<<"abc">>]),
    [r(fun() -> prim_buffer:find_byte_index(B, X) end) || X <- [-1, 256, 1.0, 1 bsl 40, a]]
    ++ [r(fun() -> prim_buffer:skip(B, X) end) || X <- [-1, 100, a, 1 bsl 64]]
    ++ [r(fun() -> prim_buffer:read(B, X) end) || X <- [-1, 4, 1 bsl 70]]
    ++ [r(fun() -> prim_buffer:F(X) end) || F <- [size, wipe, try_lock, unlock],
                                            X <- [make_ref(), foo]]
    ++ [r(fun() -> prim_buffer:write(make_ref(), [<<"a">>]) end), prim_buffer:size(B)];
scen(read_iovec_shapes, _) ->
    B = prim_buffer:new(),
    prim_buffer:write(B, [binary:copy(<<"a">>, 5000)]),
    prim_buffer:write(B, [binary:copy(<<"b">>, 2000)]),
    [sizes(prim_buffer:read_iovec(B, N)) || N <- [100, 4000, 900, 30, 1970]];
scen(raw_read_line, Dir) ->
    F = filename:join(Dir, "lines.txt"),
    Lines = [[integer_to_list(I), " ", lists:duplicate(I rem 97, $x), "\n"] || I <- lists:seq(1, 700)],
    ok = file:write_file(F, [Lines, "no newline at the end"]),
    {ok, Fd} = file:open(F, [raw, read, binary, {read_ahead, 512}]),
    Got = read_lines(Fd, []),
    ok = file:close(Fd),
    {length(Got), erlang:md5(Got), lists:last(Got)}.

read_lines(Fd, Acc) ->
    case file:read_line(Fd) of
        {ok, L} -> read_lines(Fd, [L | Acc]);
        eof -> lists:reverse(Acc)
    end.
"""

SCENARIOS = ['empty', 'round_trip', 'pieces', 'accumulator', 'large_writes', 'find', 'skip_and_wipe', 'locks', 'bad_writes', 'bad_args', 'read_iovec_shapes', 'raw_read_line']


@pytest.fixture(scope="module")
def env():
    d = compile_erlang(SOURCE)
    tmp = tempfile.mkdtemp(prefix="erlpy_prim_buffer")
    try:
        run = os.path.join(tmp, "run")
        os.mkdir(run)
        want = erl_results(d, MODULE, run) if HAVE_ERL else {}
        vm = booted_vm(d)
        yield vm, run, want
    finally:
        shutil.rmtree(tmp, ignore_errors=True)




@needs_erl
@pytest.mark.parametrize("name", SCENARIOS)
def test_same_as_erl(env, name):
    vm, run, want = env
    got = vm.call(MODULE, "run", [atom(name), estr(run)])
    if not eq_exact(got, want[name]):
        pytest.fail("%s differs:\n%s" % (name, diff_results(got, want[name])))


# -- the NIFs prim_buffer.erl keeps to itself ----------------------------------------------

def _raises(reason, fn, *args):
    with pytest.raises(ErlangError) as info:
        fn(*args)
    assert info.value.reason is reason, info.value.reason


def test_peek_head_and_copying_read(env):
    b = P.new()
    _raises(A.badarg, P.peek_head, b)
    assert P.write(b, from_seq([b"ab", b"cd"])) is A.ok      # gathered: one piece
    assert P.peek_head(b) == b"abcd"
    assert P.write(b, from_seq([b"x" * 1500])) is A.ok       # kept apart
    assert P.peek_head(b) == b"abcd"
    assert P.copying_read(b, 3) == b"abc"
    assert P.peek_head(b) == b"d"
    assert P.copying_read(b, 0) == b""
    assert P.copying_read(b, 2) == b"dx"
    assert P.peek_head(b) == b"x" * 1499
    _raises(A.badarg, P.copying_read, b, 1500)
    _raises(A.badarg, P.copying_read, b, -1)
    _raises(A.badarg, P.copying_read, b, 2 ** 64)
    assert P.size(b) == 1499
    assert P.copying_read(b, 1499) == b"x" * 1499 and P.size(b) == 0


def test_write_checks_each_batch_of_64(env):
    b = P.new()
    ok = from_seq([b"q"] * 64 + [A.foo])
    _raises(A.badarg, P.write, b, ok)
    assert P.size(b) == 64
    _raises(A.badarg, P.write, b, from_seq([BitString(b"\x80\x00", 9)]))
    assert P.write(b, from_seq([BitString(b"\x80", 3)])) is A.ok
    _raises(A.badarg, P.write, Ref(A.nonode, (1, 2, 3), 0), NIL)


def test_many_small_writes_read_back(env):
    b = P.new()
    data = bytearray()
    for i in range(5000):
        piece = str(i).encode() * (i % 7)
        data += piece
        P.write(b, from_seq([piece]))
    assert P.size(b) == len(data)
    got = bytearray()
    n = 1
    while P.size(b):
        k = min(n, P.size(b))
        got += P.copying_read(b, k)
        n = n * 3 % 4097 + 1
    assert bytes(got) == bytes(data)
