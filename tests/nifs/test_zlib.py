"""zlib's NIFs, run through OTP's own zlib.erl.

The scenarios are Erlang code (compiled with the real erlc) that drives
zlib the ways applications do: the one-call functions, explicit deflate and
inflate sessions with every flush mode, chunked output (safeInflate,
inflateChunk), preset dictionaries, end-of-stream behaviours, errors and the
controlling process. Real `erl` runs them once; erlpy runs each in a fresh
process; the results must be identical (=:=). Errors are compared as
{Class, Reason, {M, F, Arity}} of the top frame. Level 0 is only compared on
output smaller than one chunk, and deflateParams/3 by the round trip of its
output (see erlpy.nifs.zlib). Python-level tests then check what Erlang code
cannot reach (the NIFs' own argument checks).
"""

import shutil
import zlib as pyzlib

import pytest

import erlpy.nifs.zlib as Z  # registers the NIFs at collection time
import erlpy.nifs.prim_buffer  # noqa: F401  (the boot needs it)
import erlpy.nifs.erl_tracer  # noqa: F401
from erlpy.terms import A, atom, NIL, from_seq, to_pylist, eq_exact
from tests.erlc import compile_erlang, have_erlc
from tests.nifs.booted import booted_vm, erl_results, diff_results

HAVE_ERL = shutil.which("erl") is not None and have_erlc()
needs_erl = pytest.mark.skipif(not HAVE_ERL, reason="needs erl and erlc")

MODULE = "erlpy_zlib_scen"

SOURCE = r"""
-module(erlpy_zlib_scen).
-export([all/1, run/1, names/0]).
-compile([nowarn_deprecated_function]).

all(Out) ->
    R = [{N, run(N)} || N <- names()],
    ok = file:write_file(Out, term_to_binary(R)).

names() ->
    [simple, simple_errors, levels, strategies, window_bits, flushes, chunked_deflate,
     many_pieces, deflate_errors, safe_inflate, inflate_chunk, byte_by_byte, eos,
     dictionary, dictionary_bytewise, raw_dictionary, get_dictionary, params, reset,
     controller, checksums, stash_progress].

run(Name) ->
    try scen(Name)
    catch C:R:S -> {crashed, C, R, top(S)}
    end.

r(F) ->
    try F()
    catch C:R:S -> {C, R, top(S)}
    end.

top([{M, F, A, _} | _]) when is_list(A) -> {M, F, length(A)};
top([{M, F, A, _} | _]) -> {M, F, A};
top(_) -> none.

rnd(N, Seed) ->
    rand:seed(exsss, {Seed, 2, 3}),
    << <<(rand:uniform(256) - 1)>> || _ <- lists:seq(1, N) >>.

text(N) -> list_to_binary([integer_to_list(I) || I <- lists:seq(1, N)]).

bin(X) -> iolist_to_binary(X).

scen(simple) ->
    Inputs = [<<>>, <<"hello">>, ["a", [$b, <<"cd">>], <<>>], text(40000), rnd(30000, 1),
              binary:copy(<<"abc">>, 100000)],
    [{F, bin(zlib:F(I)), zlib:G(zlib:F(I)) =:= bin(I)}
     || I <- Inputs, {F, G} <- [{compress, uncompress}, {gzip, gunzip}, {zip, unzip}]];
scen(simple_errors) ->
    C = zlib:compress(<<"some data to compress">>),
    G = zlib:gzip(<<"abc">>),
    [r(fun() -> zlib:uncompress(<<"garbage">>) end),
     r(fun() -> zlib:uncompress(<<"garbagegarbage">>) end),
     r(fun() -> zlib:uncompress(foo) end),
     r(fun() -> zlib:uncompress([<<"abc">> | foo]) end),
     r(fun() -> zlib:compress(foo) end),
     r(fun() -> zlib:gzip([1, 2 | 3]) end),
     r(fun() -> zlib:unzip(<<"garbage">>) end),
     r(fun() -> zlib:gunzip(<<"garbage">>) end),
     r(fun() -> zlib:uncompress(binary:part(C, 0, 10)) end),
     r(fun() -> zlib:uncompress(<<C/binary, "trailing junk">>) end),
     r(fun() -> zlib:unzip(<<(zlib:zip(<<"abc">>))/binary, "junk">>) end),
     r(fun() -> zlib:gunzip(<<G/binary, G/binary>>) end),
     r(fun() -> zlib:gunzip(<<G/binary, "junk">>) end),
     r(fun() -> zlib:gunzip(<<G/binary, 0, 0, 0>>) end),
     r(fun() -> zlib:uncompress(<<(zlib:compress(<<"abc">>)):8/binary>>) end),
     r(fun() -> zlib:uncompress(zlib:gzip(<<"abc">>)) end)];
scen(levels) ->
    D = text(20000),
    [begin
         Z = zlib:open(),
         ok = zlib:deflateInit(Z, L),
         Small = bin(zlib:deflate(Z, <<"small input, small output">>, finish)),
         ok = zlib:deflateReset(Z),
         Big = if L =:= none; L =:= 0 -> skipped;
                  true -> erlang:md5(zlib:deflate(Z, D, finish))
               end,
         ok = zlib:deflateEnd(Z),
         ok = zlib:close(Z),
         {L, Small, Big}
     end || L <- [default, none, best_speed, best_compression, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]];
scen(strategies) ->
    D = <<(text(5000))/binary, (binary:copy(<<0>>, 3000))/binary, (rnd(2000, 7))/binary>>,
    [begin
         Z = zlib:open(),
         ok = zlib:deflateInit(Z, L, deflated, W, M, S),
         Out = bin(zlib:deflate(Z, D, finish)),
         ok = zlib:deflateEnd(Z),
         {L, W, M, S, erlang:md5(Out), byte_size(Out)}
     end || S <- [default, filtered, huffman_only, rle], L <- [1, 6, 9], M <- [1, 8, 9],
            W <- [15]];
scen(window_bits) ->
    D = text(3000),
    [{W, r(fun() ->
                   Z = zlib:open(),
                   ok = zlib:deflateInit(Z, default, deflated, W, 8, default),
                   Out = bin(zlib:deflate(Z, D, finish)),
                   ok = zlib:deflateEnd(Z),
                   Z2 = zlib:open(),
                   IW = r(fun() -> zlib:inflateInit(Z2, W) end),
                   Back = r(fun() -> bin(zlib:inflate(Z2, Out)) =:= D end),
                   Auto = if W > 0 ->
                                  Z3 = zlib:open(),
                                  ok = zlib:inflateInit(Z3, 32 + 15),
                                  bin(zlib:inflate(Z3, Out)) =:= D;
                             true -> raw
                          end,
                   {erlang:md5(Out), IW, Back, Auto}
           end)}
     || W <- [8, 9, 10, 12, 15, 24, 25, 31, -8, -9, -12, -15]]
    ++ [{inflate, W, r(fun() -> zlib:inflateInit(zlib:open(), W) end)}
        || W <- [8, 20, 0, 7, 16, 32, 47, -8, -16, 48, foo]]
    ++ [{deflate, W, r(fun() -> zlib:deflateInit(zlib:open(), default, deflated, W, 8, default) end)}
        || W <- [7, 20, 40, 47, -7, -16]];
scen(flushes) ->
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    A = zlib:deflate(Z, <<>>, none),
    B = zlib:deflate(Z, <<"abc">>, sync),
    C = zlib:deflate(Z, <<>>, sync),
    D = zlib:deflate(Z, <<"abc">>, full),
    E = zlib:deflate(Z, <<"abc">>, none),
    F = zlib:deflate(Z, [], finish),
    G = r(fun() -> zlib:deflate(Z, [], none) end),
    H = r(fun() -> zlib:deflate(Z, <<"more">>, finish) end),
    I = zlib:deflate(Z, [], finish),
    J = zlib:deflateEnd(Z),
    R = rnd(70000, 3),
    T = text(30000),
    Big = [begin
               Z1 = zlib:open(),
               zlib:deflateInit(Z1, L),
               X = zlib:deflate(Z1, Data, M1),
               Y = zlib:deflate(Z1, Data, M2),
               W = zlib:deflate(Z1, <<>>, finish),
               {L, M1, M2, erlang:md5([X, Y, W]), iolist_size([X, Y, W])}
           end || {Data, L, M1, M2} <- [{R, default, sync, full}, {R, default, none, none},
                                        {T, best_speed, sync, sync}, {T, default, sync, full},
                                        {T, 9, full, none}]],
    [A, B, C, D, E, F, G, H, I, J, r(fun() -> zlib:deflate(Z, <<"x">>, bad) end) | Big];
scen(chunked_deflate) ->
    T = text(50000),
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    Parts = [zlib:deflate(Z, binary:part(T, P, 7000), none) || P <- lists:seq(0, 49000, 7000)],
    Last = zlib:deflate(Z, binary:part(T, 56000, byte_size(T) - 56000), finish),
    Whole = bin([Parts, Last]),
    {[iolist_size(P) || P <- Parts], Whole =:= zlib:compress(T), zlib:uncompress(Whole) =:= T};
scen(many_pieces) ->
    Pieces = [integer_to_binary(I) || I <- lists:seq(1, 2000)],
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    Out = bin(zlib:deflate(Z, [Pieces, [[<<>>]], "chars", [$x, [$y]]], finish)),
    ok = zlib:deflateEnd(Z),
    Z2 = zlib:open(),
    ok = zlib:inflateInit(Z2),
    Back = zlib:inflate(Z2, [binary:part(Out, I, 1) || I <- lists:seq(0, byte_size(Out) - 1)]),
    {Out =:= zlib:compress([Pieces, "chars", "xy"]), bin(Back) =:= bin([Pieces, "charsxy"]),
     zlib:inflateEnd(Z2)};
scen(deflate_errors) ->
    Z = zlib:open(),
    [r(fun() -> zlib:deflate(Z, <<"x">>) end),
     r(fun() -> zlib:deflateEnd(Z) end),
     r(fun() -> zlib:inflateEnd(Z) end),
     r(fun() -> zlib:deflateInit(Z, 11) end),
     r(fun() -> zlib:deflateInit(Z, default, foo, 15, 8, default) end),
     r(fun() -> zlib:deflateInit(Z, default, deflated, 15, 10, default) end),
     r(fun() -> zlib:deflateInit(Z, default, deflated, 15, 8, foo) end),
     zlib:deflateInit(Z),
     r(fun() -> zlib:deflateInit(Z) end),
     r(fun() -> zlib:inflateInit(Z) end),
     r(fun() -> zlib:inflate(Z, <<"x">>) end),
     r(fun() -> zlib:deflate(Z, foo) end),
     r(fun() -> zlib:deflate(Z, <<1:3>>) end),
     r(fun() -> zlib:deflate(Z, <<"abc">>) end),
     r(fun() -> zlib:deflateEnd(Z) end),
     zlib:deflateInit(Z),
     zlib:deflateEnd(Z),
     zlib:close(Z),
     r(fun() -> zlib:close(Z) end),
     r(fun() -> zlib:deflateInit(Z) end),
     r(fun() -> zlib:deflate(make_ref(), <<>>) end),
     r(fun() -> zlib:close(foo) end),
     r(fun() -> zlib:crc32(zlib:open()) end),
     r(fun() -> zlib:setBufSize(zlib:open(), 10) end),
     r(fun() -> zlib:getBufSize(zlib:open()) end)];
scen(safe_inflate) ->
    D = text(60000),
    C = zlib:compress(D),
    Z = zlib:open(),
    ok = zlib:inflateInit(Z),
    Steps = safe_loop(Z, C, []),
    {Steps, zlib:inflateEnd(Z)};
scen(inflate_chunk) ->
    D = text(30000),
    C = zlib:compress(D),
    Z = zlib:open(),
    ok = zlib:inflateInit(Z),
    ok = zlib:setBufSize(Z, 5000),
    First = zlib:inflateChunk(Z, C),
    Steps = chunk_loop(Z, First, []),
    Z2 = zlib:open(),
    ok = zlib:inflateInit(Z2),
    Default = zlib:getBufSize(Z2),
    One = zlib:inflateChunk(Z2, zlib:compress(<<"tiny">>)),
    {Steps, Default, One};
scen(byte_by_byte) ->
    D = text(2000),
    [begin
         Z = zlib:open(),
         ok = zlib:inflateInit(Z, W),
         Outs = [zlib:safeInflate(Z, <<B>>) || <<B>> <= Comp],
         {W, [O || O <- Outs, O =/= {finished, []}], zlib:inflateEnd(Z)}
     end || {W, Comp} <- [{15, zlib:compress(D)}, {31, zlib:gzip(D)}, {-15, zlib:zip(D)},
                          {47, zlib:gzip(D)}, {47, zlib:compress(D)}]];
scen(eos) ->
    Two = [zlib:compress(<<"a">>), zlib:compress(<<"b">>)],
    [{B, r(fun() ->
                   Z = zlib:open(),
                   ok = zlib:inflateInit(Z, 15, B),
                   X = zlib:inflate(Z, Two),
                   Y = zlib:inflate(Z, zlib:compress(<<"c">>)),
                   {X, Y, r(fun() -> zlib:inflateEnd(Z) end)}
           end)} || B <- [error, reset, cut]]
    ++ [r(fun() -> zlib:inflateInit(zlib:open(), 15, foo) end),
        r(fun() ->
                  Z = zlib:open(),
                  ok = zlib:inflateInit(Z, 47),
                  {zlib:inflate(Z, zlib:gzip(<<"ab">>)), zlib:inflateReset(Z),
                   zlib:inflate(Z, zlib:compress(<<"cd">>)), zlib:inflateEnd(Z)}
          end),
        r(fun() ->
                  Z = zlib:open(),
                  ok = zlib:inflateInit(Z),
                  {zlib:inflate(Z, zlib:compress(<<>>)), zlib:inflate(Z, <<>>), zlib:inflateEnd(Z)}
          end),
        r(fun() ->
                  Z = zlib:open(),
                  ok = zlib:inflateInit(Z),
                  {zlib:inflate(Z, <<120>>), r(fun() -> zlib:inflateEnd(Z) end)}
          end),
        r(fun() ->
                  Z = zlib:open(),
                  ok = zlib:inflateInit(Z),
                  zlib:inflate(Z, <<"abc">>)
          end)];
scen(dictionary) ->
    Dict = <<"hello world">>,
    Z0 = zlib:open(),
    ok = zlib:deflateInit(Z0),
    Adler = zlib:deflateSetDictionary(Z0, Dict),
    Dc = bin(zlib:deflate(Z0, <<"hello world hello">>, finish)),
    BigDict = binary:copy(<<"z">>, 1000),
    Z1 = zlib:open(),
    ok = zlib:deflateInit(Z1),
    BigAdler = zlib:deflateSetDictionary(Z1, BigDict),
    Dc2 = bin(zlib:deflate(Z1, <<"zzzz hello">>, finish)),
    Z2 = zlib:open(),
    ok = zlib:deflateInit(Z2),
    A1 = zlib:deflateSetDictionary(Z2, <<"abc">>),
    A2 = zlib:deflateSetDictionary(Z2, <<"def">>),
    Dc3 = bin(zlib:deflate(Z2, <<"abcdef">>, finish)),
    [Adler, Dc, BigAdler, Dc2, A1, A2, Dc3,
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), zlib:inflate(Z, Dc) end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), zlib:inflate(Z, Dc2) end),
     r(fun() ->
               Z = zlib:open(), zlib:inflateInit(Z),
               N = zlib:inflate(Z, Dc, [{exception_on_need_dict, false}]),
               S = zlib:inflateSetDictionary(Z, Dict),
               G0 = zlib:inflateGetDictionary(Z),
               O = zlib:inflate(Z, []),
               {N, S, G0, O, zlib:inflateGetDictionary(Z), zlib:inflateEnd(Z)}
       end),
     r(fun() ->
               Z = zlib:open(), zlib:inflateInit(Z),
               catch zlib:inflate(Z, Dc),
               ok = zlib:inflateSetDictionary(Z, [<<"hello">>, " world"]),
               zlib:inflate(Z, [])
       end),
     r(fun() ->
               Z = zlib:open(), zlib:inflateInit(Z),
               catch zlib:inflate(Z, Dc3),
               ok = zlib:inflateSetDictionary(Z, <<"abcdef">>),
               zlib:inflate(Z, [])
       end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), catch zlib:inflate(Z, Dc),
                zlib:inflateSetDictionary(Z, <<"hello worlx">>) end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), zlib:inflateSetDictionary(Z, Dict) end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), zlib:inflateSetDictionary(Z, foo) end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), zlib:safeInflate(Z, Dc) end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), zlib:safeInflate(Z, binary:part(Dc, 0, 6)) end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), zlib:safeInflate(Z, binary:part(Dc, 0, 7)) end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z),
                {zlib:safeInflate(Z, Dc), zlib:safeInflate(Z, [])} end),
     r(fun() -> Z = zlib:open(), zlib:deflateInit(Z), zlib:deflate(Z, <<"a">>),
                zlib:deflateSetDictionary(Z, Dict) end),
     r(fun() -> Z = zlib:open(), zlib:deflateInit(Z, default, deflated, 31, 8, default),
                zlib:deflateSetDictionary(Z, Dict) end),
     r(fun() -> Z = zlib:open(), zlib:deflateInit(Z), zlib:deflateSetDictionary(Z, [foo]) end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), zlib:deflateSetDictionary(Z, Dict) end)];
scen(dictionary_bytewise) ->
    Z0 = zlib:open(),
    ok = zlib:deflateInit(Z0),
    _ = zlib:deflateSetDictionary(Z0, <<"0123456789">>),
    Dc = bin(zlib:deflate(Z0, text(500), finish)),
    Z = zlib:open(),
    ok = zlib:inflateInit(Z),
    Steps = [zlib:safeInflate(Z, <<B>>) || <<B>> <= binary:part(Dc, 0, 8)],
    S = zlib:inflateSetDictionary(Z, <<"0123456789">>),
    Rest = zlib:safeInflate(Z, binary:part(Dc, 8, byte_size(Dc) - 8)),
    {Steps, S, Rest, zlib:inflateEnd(Z)};
scen(raw_dictionary) ->
    Dict = <<"hello world">>,
    Z0 = zlib:open(),
    ok = zlib:deflateInit(Z0, default, deflated, -15, 8, default),
    Adler = zlib:deflateSetDictionary(Z0, Dict),
    Out = zlib:deflate(Z0, <<"hello world hello">>, finish),
    Crc = zlib:crc32(Z0),
    Z = zlib:open(),
    ok = zlib:inflateInit(Z, -15),
    ok = zlib:inflateSetDictionary(Z, Dict),
    Back = zlib:inflate(Z, Out),
    {Adler, Out, Crc, Back, zlib:crc32(Z), zlib:inflateGetDictionary(Z)};
scen(get_dictionary) ->
    Big = text(20000),
    Z2 = zlib:open(), zlib:inflateInit(Z2),
    X = zlib:inflate(Z2, zlib:compress(<<"abcdef">>)),
    G2 = zlib:inflateGetDictionary(Z2),
    Z3 = zlib:open(), zlib:inflateInit(Z3),
    Y = zlib:safeInflate(Z3, zlib:compress(Big)),
    G3 = zlib:inflateGetDictionary(Z3),
    _ = zlib:safeInflate(Z3, []),
    G4 = zlib:inflateGetDictionary(Z3),
    Z4 = zlib:open(), zlib:inflateInit(Z4, -15),
    _ = zlib:inflate(Z4, zlib:zip(Big)),
    G5 = zlib:inflateGetDictionary(Z4),
    Z5 = zlib:open(), zlib:inflateInit(Z5, 31),
    _ = zlib:inflate(Z5, zlib:gzip(Big)),
    G6 = zlib:inflateGetDictionary(Z5),
    Z6 = zlib:open(), zlib:inflateInit(Z6),
    _ = zlib:inflate(Z6, binary:part(zlib:compress(Big), 0, 20000)),
    G7 = zlib:inflateGetDictionary(Z6),
    Z7 = zlib:open(), zlib:deflateInit(Z7, default, deflated, 9, 8, default),
    Small = bin(zlib:deflate(Z7, Big, finish)),
    Z8 = zlib:open(), zlib:inflateInit(Z8, 15),
    _ = zlib:safeInflate(Z8, Small),
    G8 = zlib:inflateGetDictionary(Z8),
    {X, G2, element(1, Y), [erlang:md5(G) || G <- [G3, G4, G5, G6, G7, G8]],
     r(fun() -> zlib:inflateGetDictionary(zlib:open()) end)};
scen(params) ->
    D = text(8000),
    P1 = r(fun() ->
                   Z = zlib:open(), zlib:deflateInit(Z),
                   ok = zlib:deflateParams(Z, 1, default),
                   bin(zlib:deflate(Z, <<"abc">>, finish))
           end),
    P2 = r(fun() ->
                   Z = zlib:open(), zlib:deflateInit(Z),
                   X = zlib:deflate(Z, D),
                   ok = zlib:deflateParams(Z, best_speed, filtered),
                   Y = zlib:deflate(Z, D, finish),
                   zlib:uncompress(bin([X, Y])) =:= <<D/binary, D/binary>>
           end),
    P3 = r(fun() ->
                   Z = zlib:open(), zlib:deflateInit(Z, default, deflated, 31, 8, default),
                   X = zlib:deflate(Z, D),
                   ok = zlib:deflateParams(Z, 1, rle),
                   Y = zlib:deflate(Z, D, finish),
                   ok = zlib:deflateParams(Z, 1, rle),
                   zlib:gunzip(bin([X, Y])) =:= <<D/binary, D/binary>>
           end),
    P4 = r(fun() ->
                   Z = zlib:open(), zlib:deflateInit(Z),
                   X = zlib:deflate(Z, D),
                   ok = zlib:deflateParams(Z, 9, default),
                   ok = zlib:deflateParams(Z, none, default),
                   ok = zlib:deflateParams(Z, 4, huffman_only),
                   Y = zlib:deflate(Z, D, finish),
                   zlib:uncompress(bin([X, Y])) =:= <<D/binary, D/binary>>
           end),
    P5 = r(fun() ->
                   Z = zlib:open(), zlib:deflateInit(Z),
                   _ = zlib:deflate(Z, <<"abcabcabc">>),
                   ok = zlib:deflateParams(Z, 1, default),
                   ok = zlib:deflateReset(Z),
                   bin(zlib:deflate(Z, <<"abcabcabc">>, finish))
           end),
    P6 = r(fun() ->
                   Z = zlib:open(), zlib:deflateInit(Z, default, deflated, -15, 8, default),
                   X = zlib:deflate(Z, D),
                   ok = zlib:deflateParams(Z, 2, default),
                   Y = zlib:deflate(Z, D, finish),
                   zlib:unzip(bin([X, Y])) =:= <<D/binary, D/binary>>
           end),
    [P1, P2, P3, P4, P5, P6,
     r(fun() -> Z = zlib:open(), zlib:deflateInit(Z), zlib:deflateParams(Z, 12, default) end),
     r(fun() -> Z = zlib:open(), zlib:deflateInit(Z), zlib:deflateParams(Z, 1, foo) end),
     r(fun() -> Z = zlib:open(), zlib:inflateInit(Z), zlib:deflateParams(Z, 1, default) end),
     r(fun() -> Z = zlib:open(), zlib:deflateInit(Z), zlib:deflate(Z, <<>>, finish),
                zlib:deflateParams(Z, 1, default) end)];
scen(reset) ->
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    _ = zlib:deflate(Z, <<"lost">>),
    ok = zlib:deflateReset(Z),
    A = bin(zlib:deflate(Z, <<"kept">>, finish)),
    ok = zlib:deflateEnd(Z),
    ok = zlib:inflateInit(Z),
    _ = zlib:safeInflate(Z, binary:part(zlib:compress(<<"xyz">>), 0, 4)),
    ok = zlib:inflateReset(Z),
    B = zlib:inflate(Z, zlib:compress(<<"again">>)),
    ok = zlib:inflateEnd(Z),
    {A, B, zlib:close(Z)};
scen(controller) ->
    Z = zlib:open(),
    Self = self(),
    Other = fun(F) ->
                    spawn(fun() -> Self ! {self(), r(F)} end),
                    receive {_, Res} -> Res end
            end,
    A = Other(fun() -> zlib:deflateInit(Z) end),
    B = Other(fun() -> zlib:close(Z) end),
    ok = zlib:deflateInit(Z),
    P = spawn(fun() -> receive go -> Self ! {done, r(fun() -> bin(zlib:deflate(Z, <<"x">>, finish)) end)} end end),
    ok = zlib:set_controlling_process(Z, P),
    C = r(fun() -> zlib:deflate(Z, <<"y">>) end),
    P ! go,
    D = receive {done, X} -> X end,
    E = r(fun() -> zlib:set_controlling_process(Z, self()) end),
    F = r(fun() -> zlib:set_controlling_process(Z, foo) end),
    [A, B, C, D, E, F];
scen(checksums) ->
    Z = zlib:open(),
    ok = zlib:deflateInit(Z, default, deflated, -15, 8, default),
    C0 = zlib:crc32(Z),
    _ = zlib:deflate(Z, <<"abc">>),
    C1 = zlib:crc32(Z),
    _ = zlib:deflate(Z, <<"def">>, finish),
    C2 = zlib:crc32(Z),
    Z2 = zlib:open(),
    ok = zlib:deflateInit(Z2),
    _ = zlib:deflate(Z2, <<"abc">>, finish),
    C3 = zlib:crc32(Z2),
    Z3 = zlib:open(),
    ok = zlib:inflateInit(Z3, -15),
    _ = zlib:inflate(Z3, zlib:zip(<<"abcabc">>)),
    C4 = zlib:crc32(Z3),
    [C0, C1, C2, C3, C4, zlib:crc32(Z, <<"abc">>), zlib:crc32(Z, 1, <<"abc">>),
     zlib:adler32(Z, <<"abc">>), zlib:adler32(Z, 7, <<"abc">>),
     zlib:crc32_combine(Z, 1, 2, 3), zlib:adler32_combine(Z, 1, 2, 3),
     r(fun() -> zlib:crc32(foo, <<"abc">>) end)];
scen(stash_progress) ->
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    X = zlib:deflate(Z, text(3000)),
    ok = zlib:deflateParams(Z, best_compression, default),
    Y = zlib:deflate(Z, <<"tail">>, finish),
    {X, zlib:uncompress(bin([X, Y])) =:= <<(text(3000))/binary, "tail">>}.

safe_loop(Z, In, Acc) ->
    case zlib:safeInflate(Z, In) of
        {continue, O} -> safe_loop(Z, [], [{continue, iolist_size(O)} | Acc]);
        {finished, O} -> lists:reverse([{finished, iolist_size(O)} | Acc])
    end.

chunk_loop(Z, {more, O}, Acc) -> chunk_loop(Z, zlib:inflateChunk(Z), [{more, iolist_size(O)} | Acc]);
chunk_loop(_, O, Acc) -> lists:reverse([iolist_size(O) | Acc]).
"""

SCENARIOS = ['simple', 'simple_errors', 'levels', 'strategies', 'window_bits', 'flushes', 'chunked_deflate', 'many_pieces', 'deflate_errors', 'safe_inflate', 'inflate_chunk', 'byte_by_byte', 'eos', 'dictionary', 'dictionary_bytewise', 'raw_dictionary', 'get_dictionary', 'params', 'reset', 'controller', 'checksums', 'stash_progress']


@pytest.fixture(scope="module")
def env():
    d = compile_erlang(SOURCE)
    want = erl_results(d, MODULE) if HAVE_ERL else {}
    return booted_vm(d), want




@needs_erl
@pytest.mark.parametrize("name", SCENARIOS)
def test_same_as_erl(env, name):
    vm, want = env
    got = vm.call(MODULE, "run", [atom(name)])
    if not eq_exact(got, want[name]):
        pytest.fail("%s differs:\n%s" % (name, diff_results(got, want[name])))


def test_one_call_functions(env):
    vm, _ = env
    data = b"erlpy " * 5000
    for f, inverse, check in (("compress", "uncompress", pyzlib.decompress),
                              ("gzip", "gunzip", lambda b: pyzlib.decompress(b, 31)),
                              ("zip", "unzip", lambda b: pyzlib.decompress(b, -15))):
        packed = vm.call("zlib", f, [data])
        assert check(packed) == data
        assert vm.call("zlib", inverse, [packed]) == data
    assert vm.call("zlib", "compress", [b"hello"]) == bytes(
        [120, 156, 203, 72, 205, 201, 201, 7, 0, 6, 44, 2, 21])


def test_uncompress_garbage_raises_data_error(env):
    from erlpy.api.vm import ProcessExit
    vm, _ = env
    with pytest.raises(ProcessExit) as info:
        vm.call("zlib", "uncompress", [b"garbage"])
    reason, stack = info.value.reason
    top = to_pylist(stack)[0]
    assert reason is A.data_error and top[:3] == (A.zlib, A.uncompress, 1)
    with pytest.raises(ProcessExit) as info:
        vm.call("zlib", "uncompress", [b"garbage!"])
    reason, stack = info.value.reason
    top = to_pylist(stack)[0]
    assert reason is A.data_error and top[:2] == (A.zlib, A.inflate_nif)


# -- the NIFs directly: what zlib.erl never lets through ---------------------------------

@pytest.fixture
def no_process(env):
    """Call the NIFs from Python, outside any process: the stream's owner
    is then None, and so is the caller."""
    from erlpy.code.contract import VM
    saved = VM.current
    VM.current = None
    yield
    VM.current = saved


def _raises(reason, fn, *args):
    from erlpy.terms import ErlangError
    with pytest.raises(ErlangError) as info:
        fn(*args)
    assert info.value.reason is reason, info.value.reason


def _drain(nif, z, in_chunk, out_chunk, flush=0):
    """zlib.erl's dequeue_all_chunks: the binaries and the tags seen."""
    out, tags = [], []
    while True:
        tag, chunk = nif(z, in_chunk, out_chunk, flush)
        tags.append(tag)
        out.extend(to_pylist(chunk))
        assert all(len(b) <= out_chunk for b in to_pylist(chunk))
        if tag is A.finished:
            return b"".join(out), tags


def test_deflate_and_inflate_in_small_chunks(no_process):
    data = bytes(range(256)) * 40 + b"tail" * 3000
    z = Z.open_nif()
    assert Z.deflateInit_nif(z, -1, 8, 15, 8, 0) is A.ok
    assert Z.enqueue_nif(z, from_seq([data[:5000], data[5000:]])) is A.ok
    packed, tags = _drain(Z.deflate_nif, z, 1000, 100, 4)
    assert packed == pyzlib.compress(data)
    assert tags.count(A.finished) == 1 and len(tags) > 10
    assert Z.deflateEnd_nif(z) is A.ok
    assert Z.inflateInit_nif(z, 15, 2) is A.ok
    Z.enqueue_nif(z, from_seq([packed[i:i + 7] for i in range(0, len(packed), 7)]))
    back, tags = _drain(Z.inflate_nif, z, 50, 333)
    assert back == data
    assert Z.inflateEnd_nif(z) is A.ok
    assert Z.close_nif(z) is A.ok


def test_argument_checks(no_process):
    from erlpy.terms import Ref, BitString
    z = Z.open_nif()
    for bad in (A.foo, Ref(A.nonode, (1, 2, 3), 0), 1):
        _raises(A.badarg, Z.deflateEnd_nif, bad)
    _raises(A.badarg, Z.deflateInit_nif, z, -1, 8, 15, 8, 1 << 31)
    _raises(A.badarg, Z.deflateInit_nif, z, -1.0, 8, 15, 8, 0)
    _raises(A.not_initialized, Z.enqueue_nif, z, NIL)
    assert Z.deflateInit_nif(z, -1, 8, 15, 8, 0) is A.ok
    _raises(A.stream_error, Z.deflateParams_nif, z, 10, 0)
    _raises(A.badarg, Z.enqueue_nif, z, b"abc")
    _raises(A.badarg, Z.enqueue_nif, z, from_seq([b"a"], b"b"))
    _raises(A.badarg, Z.enqueue_nif, z, from_seq([BitString(b"\x80\x80", 9)]))
    assert Z.enqueue_nif(z, from_seq([BitString(b"\x80", 3), b""])) is A.ok
    tag, tail = Z.enqueue_nif(z, from_seq([b"x"] * 300))
    assert tag is A["continue"] and len(to_pylist(tail)) == 44
    assert Z.deflate_nif(z, 8192, -1, 0) is A.mem_error
    _raises(A.stream_error, Z.deflate_nif, z, 8192, 8192, 9)
    _raises(A.error, Z.clearStash_nif, z)
    assert Z.setStash_nif(z, A.x) is A.ok
    _raises(A.error, Z.setStash_nif, z, A.y)
    assert Z.getStash_nif(z) == (A.ok, A.x)
    assert Z.clearStash_nif(z) is A.ok and Z.getStash_nif(z) is A.empty
    _raises(A.badarg, Z.setBufSize_nif, z, 2 ** 40)
    assert Z.setBufSize_nif(z, 100) is A.ok and Z.getBufSize_nif(z) == 100
    _raises(A.badarg, Z.set_controller_nif, z, A.foo)


def test_level_0_round_trips(no_process):
    data = bytes(range(256)) * 300
    z = Z.open_nif()
    Z.deflateInit_nif(z, 0, 8, 31, 8, 0)
    Z.enqueue_nif(z, from_seq([data]))
    packed, _ = _drain(Z.deflate_nif, z, 8192, 8192, 4)
    assert pyzlib.decompress(packed, 31) == data
