"""Processes, messages, links, monitors, timers and scheduling, through the
Python API on Erlang compiled by erlc."""

import pytest

from erlpy.api.vm import ErlangVM, ProcessExit
from erlpy.terms import A, atom, Pid, from_seq, to_pylist, NIL
from erlpy.bifs.registry import bif
from tests.erlc import compile_erlang, have_erlc

pytestmark = pytest.mark.skipif(not have_erlc(), reason="erlc is not installed")

SRC = r"""
-module(rt_procs).
-compile([nowarn_unused_function]).
-export([selective/0, timeout/0, link_crash/0, trap/0, kill/0, monitor_reasons/0,
         registered/0, deep/1, loop/2, fairness/0, down_noproc/0, crash_bif/0,
         exit_normal_self/0, link_kill_propagates/0, after_zero/0, timer_msgs/0]).

selective() ->
    Self = self(),
    [Self ! M || M <- [a, b, c, {x, 1}]],
    R1 = receive {x, N} -> N end,
    R2 = receive c -> c end,
    Rest = drain([]),
    {R1, R2, Rest}.

drain(Acc) -> receive M -> drain([M | Acc]) after 0 -> rev(Acc, []) end.
rev([], A) -> A;
rev([H | T], A) -> rev(T, [H | A]).

timeout() ->
    T0 = erlang:monotonic_time(millisecond),
    receive never -> got after 30 -> ok end,
    erlang:monotonic_time(millisecond) - T0 >= 30.

after_zero() -> receive never -> got after 0 -> nothing end.

link_crash() ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> exit(boom) end),
    receive {'EXIT', P, R} -> R end.

trap() ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> receive go -> ok end end),
    exit(P, stop_it),
    receive {'EXIT', P, R} -> R end.

kill() ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> process_flag(trap_exit, true), receive never -> ok end end),
    exit(P, kill),
    receive {'EXIT', P, R} -> R end.

link_kill_propagates() ->
    Parent = self(),
    Mid = spawn(fun() ->
                    C = spawn_link(fun() -> receive never -> ok end end),
                    Parent ! {child, C},
                    receive never -> ok end
                end),
    C = receive {child, X} -> X end,
    Ref = monitor(process, C),
    exit(Mid, kill),
    receive {'DOWN', Ref, process, C, R} -> R end.

exit_normal_self() ->
    {P, Ref} = spawn_monitor(fun() -> exit(self(), normal), receive never -> ok end end),
    receive {'DOWN', Ref, process, P, R} -> R end.

monitor_reasons() ->
    {P1, R1} = spawn_monitor(fun() -> ok end),
    {P2, R2} = spawn_monitor(fun() -> error(bad) end),
    {P3, R3} = spawn_monitor(fun() -> throw(ball) end),
    A = receive {'DOWN', R1, process, P1, X1} -> X1 end,
    {B, _} = receive {'DOWN', R2, process, P2, X2} -> X2 end,
    {C, _} = receive {'DOWN', R3, process, P3, X3} -> X3 end,
    {A, B, C}.

down_noproc() ->
    P = spawn(fun() -> ok end),
    receive after 10 -> ok end,
    R = monitor(process, P),
    receive {'DOWN', R, process, P, Why} -> Why end.

registered() ->
    P = spawn(fun() -> receive {From, ping} -> From ! pong end end),
    true = register(rt_pinger, P),
    rt_pinger ! {self(), ping},
    R = receive pong -> pong end,
    {R, whereis(rt_pinger) =:= P orelse whereis(rt_pinger) =:= undefined,
     catch register(rt_pinger2, not_a_pid)}.

deep(0) -> 0;
deep(N) -> 1 + deep(N - 1).

loop(0, Acc) -> Acc;
loop(N, Acc) -> loop(N - 1, Acc + 1).

fairness() ->
    Self = self(),
    spawn(fun() -> Self ! {busy, loop(300000, 0)} end),
    spawn(fun() -> Self ! quick end),
    first_two([]).

first_two(Acc) when length(Acc) =:= 2 -> rev(Acc, []);
first_two(Acc) -> receive {busy, _} -> first_two([busy | Acc]); quick -> first_two([quick | Acc]) end.

crash_bif() ->
    {P, Ref} = spawn_monitor(fun() -> rt_test:python_bug() end),
    receive {'DOWN', Ref, process, P, {R, _}} -> R end.

timer_msgs() ->
    erlang:send_after(20, self(), late),
    erlang:send_after(5, self(), early),
    T = erlang:start_timer(1000, self(), never),
    Left = erlang:cancel_timer(T),
    A = receive M1 -> M1 end,
    B = receive M2 -> M2 end,
    {A, B, is_integer(Left) andalso Left > 900}.
"""


@pytest.fixture(scope="module")
def vm():
    @bif("rt_test", "python_bug", 0)
    def python_bug():
        raise KeyError("deliberate bug")
    d = compile_erlang(SRC)
    vm = ErlangVM(code_path=[d]).start()
    from erlpy.bifs import registry
    registry.install(vm.code)
    return vm


def call(vm, f, *args):
    return vm.call("rt_procs", f, list(args))


def test_selective_receive_keeps_order_of_unmatched(vm):
    r = call(vm, "selective")
    assert r[0] == 1 and r[1] is A.c
    assert [x for x in r[2]] == [A.a, A.b]


def test_receive_after(vm):
    assert call(vm, "timeout") is A.true
    assert call(vm, "after_zero") is A.nothing


def test_links_and_trap_exit(vm):
    assert call(vm, "link_crash") is A.boom
    assert call(vm, "trap") is A.stop_it
    assert call(vm, "kill") is A.killed


def test_killed_process_propagates_killed_to_links(vm):
    assert call(vm, "link_kill_propagates") is A.killed


def test_exit_self_normal_terminates(vm):
    assert call(vm, "exit_normal_self") is A.normal


def test_monitor_down_reasons(vm):
    r = call(vm, "monitor_reasons")
    assert r[0] is A.normal and r[1] is A.bad
    assert r[2] == (A.nocatch, A.ball)
    assert call(vm, "down_noproc") is A.noproc


def test_registered_names(vm):
    r = call(vm, "registered")
    assert r[0] is A.pong and r[1] is A.true
    assert r[2][0] is A["EXIT"] and r[2][1][0] is A.badarg


def test_million_deep_body_recursion(vm):
    assert call(vm, "deep", 1000000) == 1000000


def test_tail_loop_runs_in_constant_stack(vm):
    assert call(vm, "loop", 2000000, 0) == 2000000


def test_preemption_lets_short_process_finish_first(vm):
    r = call(vm, "fairness")
    assert r == from_seq([A.quick, A.busy]) or to_pylist(r) == [A.quick, A.busy]


def test_python_bug_kills_only_that_process(vm, capfd):
    assert call(vm, "crash_bif") is A.erlpy_internal_error
    err = capfd.readouterr().err
    assert "erlpy internal error" in err and "KeyError" in err
    assert call(vm, "deep", 10) == 10


def test_timers(vm):
    r = call(vm, "timer_msgs")
    assert r[0] is A.early and r[1] is A.late and r[2] is A.true
