"""Differential tests of both engines (interpreter and JIT): the same
functions run on real erl and on erlpy, and their results, printed with ~w,
must be identical.

Each function in SRC returns a term (often {Class, Reason, TopFrame} of an
exception), so instruction semantics, BIF errors and stack traces are all
compared against OTP 25 itself.
"""

import re
import shutil
import subprocess

import pytest

from erlpy.api.vm import ErlangVM
from erlpy.terms import estr
from tests.erlc import compile_erlang, have_erlc

pytestmark = pytest.mark.skipif(not have_erlc() or shutil.which("erl") is None,
                                reason="erl/erlc are not installed")

SRC = r"""
-module(diff_emu).
-compile([nowarn_unused_function, nowarn_unused_vars, nowarn_shadow_vars]).
-export([all/0, show/1]).
-record(r, {a = 1, b}).

id(X) -> X.

catching(F) ->
    try F() of V -> {ok, V}
    catch C:R:S -> {C, R, top(S)}
    end.

top([{M, F, A, L} | _]) -> {M, F, A, proplists:get_value(line, L)};
top(Other) -> Other.

tests() ->
    [{arith, fun() -> {id(7) div 2, id(-7) div 2, id(-7) rem 2, id(7) / 2, id(1 bsl 70) * 3,
                       id(5) band 3, id(5) bor 8, id(5) bxor 1, id(1) bsl 3, id(-16) bsr 2,
                       bnot id(5), -id(3), id(2.5) * 2} end},
     {badarith, fun() -> id(a) + 1 end},
     {div_zero, fun() -> id(1) div id(0) end},
     {float_overflow, fun() -> id(1.0e308) * 10 end},
     {compare, fun() -> {id(1) == 1.0, id(1) =:= 1.0, id(a) < id(b), id({1}) < id([]),
                         id([]) < id([a]), id(<<1>>) > id([]), id(1) < id(a)} end},
     {badmatch, fun() -> {ok, _} = id(err) end},
     {case_clause, fun() -> case id(x) of y -> 1 end end},
     {if_clause, fun() -> X = id(1), if X > 2 -> a end end},
     {function_clause, fun() -> clause(id(3)) end},
     {try_clause, fun() -> try id(x) of y -> 1 catch _:_ -> 2 end end},
     {badfun, fun() -> (id(nofun))(1) end},
     {badarity, fun() -> (id(fun(X) -> X end))(1, 2) end},
     {undef, fun() -> (id(no_such_mod)):f(1) end},
     {throw, fun() -> throw(id(ball)) end},
     {exit, fun() -> exit(id(gone)) end},
     {error2, fun() -> erlang:error(why, [id(1), 2]) end},
     {nested_try, fun() -> try try throw(a) catch throw:a -> throw(b) end catch throw:X -> {caught, X} end end},
     {after_order, fun() -> put(k, []), try put(k, [body | get(k)]) after put(k, [after_ | get(k)]) end, get(k) end},
     {catch_old, fun() -> {catch throw(t), element(1, catch error(e)), catch exit(x)} end},
     {raise, fun() -> try erlang:raise(throw, r, []) catch C:R -> {C, R} end end},
     {record, fun() -> R = #r{b = 2}, {R#r.a, R#r.b, R#r{a = 9}, is_record(R, r)} end},
     {badrecord, fun() -> (id(notrec))#r.a end},
     {tuples, fun() -> T = id({a, b, c}), {element(2, T), setelement(1, T, z), tuple_size(T),
                                           erlang:append_element(T, d)} end},
     {element_badarg, fun() -> element(5, id({a})) end},
     {lists, fun() -> {[X * 2 || X <- id([1, 2, 3]), X > 1], [{X, Y} || X <- [1, 2], Y <- [a, b]],
                       id([1, 2]) ++ [3], id([1, 2, 3, 2]) -- [2], length(id([a, b]))} end},
     {maps, fun() -> M = id(#{a => 1, 1 => x, 1.0 => y}),
                     {maps:get(a, M), M#{a := 2}, M#{b => 3}, map_size(M),
                      case M of #{1 := V} -> V end, maps:to_list(M)} end},
     {map_badkey, fun() -> M = id(#{}), M#{a := 1} end},
     {map_badmap, fun() -> M = id(x), M#{a => 1} end},
     {binary_build, fun() -> X = id(300), {<<X:16>>, <<X:16/little>>, <<1:1, 0:2>>, <<"ab", X/utf8>>,
                                           <<1.5/float>>, <<(id(<<1, 2>>))/binary, 3>>} end},
     {binary_match, fun() -> <<A:4, B:12, C/binary>> = id(<<1, 2, 3, 4>>),
                             <<D/utf8, E/binary>> = id(<<"héllo"/utf8>>),
                             <<F:3/binary, _/bits>> = id(<<"abcdef">>),
                             {A, B, C, D, E, F} end},
     {binary_badarg, fun() -> X = id(a), <<X:8>> end},
     {bin_compr, fun() -> << <<(X + 1)>> || <<X>> <= id(<<1, 2, 3>>) >> end},
     {strings, fun() -> {atom_to_list(id(hello)), list_to_atom(id("w")), integer_to_list(id(255), 16),
                         lists:flatten(io_lib:format("~p|~w|~s", [id("ab"), id([1]), id("x")]))} end},
     {funs, fun() -> Add = fun(A) -> fun(B) -> A + B end end, F = Add(id(2)),
                     {F(3), erlang:fun_info(F, arity), (fun lists:reverse/1)([1, 2])} end},
     {send_badarg, fun() -> id(nonexistent_name) ! hi end},
     {receive_timeout, fun() -> receive never -> 1 after id(5) -> timeout end end},
     {self_messages, fun() -> self() ! {a, 1}, self() ! {b, 2},
                             R1 = receive {b, X} -> X end, R2 = receive {a, Y} -> Y end, {R1, R2} end},
     {deep_recursion, fun() -> deep(id(200000)) end},
     {big_numbers, fun() -> {fact(id(30)), id(1 bsl 64) div 3, -id(1 bsl 65) rem 7} end},
     {floats, fun() -> {id(0.1) + id(0.2), float(id(3)), trunc(id(-2.5)), round(id(2.5)),
                        round(id(-2.5)), abs(id(-3)), id(1.0e-10)} end}].

clause(1) -> one.
deep(0) -> 0;
deep(N) -> 1 + deep(N - 1).
fact(0) -> 1;
fact(N) -> N * fact(N - 1).

all() -> [{Name, catching(F)} || {Name, F} <- tests()].

show(Results) -> lists:flatten([io_lib:format("~w ~w~n", [N, R]) || {N, R} <- Results]).
"""


def _lines(text):
    out = {}
    for line in text.splitlines():
        name, _, rest = line.partition(" ")
        out[name] = rest
    return out


@pytest.fixture(scope="module", params=["jit", "interp"])
def both(request):
    d = compile_erlang(SRC)
    erl = subprocess.run(
        ["erl", "-noshell", "-pa", d, "-eval",
         "io:put_chars(diff_emu:show(diff_emu:all())), halt()."],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, check=True)
    expected = _lines(erl.stdout.decode("latin-1"))
    vm = ErlangVM(code_path=[d], engine=request.param).start()
    got = vm.call("diff_emu", "show", [vm.call("diff_emu", "all", [])])
    from erlpy.terms import list_to_str
    return expected, _lines(list_to_str(got))


NAMES = re.findall(r"^\s*\[?\{(\w+), fun\(\)", SRC, re.M)


@pytest.mark.parametrize("name", NAMES)
def test_same_result_as_otp(name, both):
    expected, got = both
    assert name in expected
    # funs print with a unique counter that differs between runs
    norm = lambda s: re.sub(r"#Fun<[^>]*>", "#Fun<>", s)
    assert norm(got.get(name, "<missing>")) == norm(expected[name])
