"""erl_tracer's NIFs (the default tracer module), called directly as
tracing would: enabled/3 against live, dead and non-pid/port tracer states,
trace/5's message shapes with each option, time stamps, and delivery to a
port (the external term format, echoed back by `cat`). Real `erl` runs the
same scenarios; results must be identical (=:=)."""

import shutil

import pytest

import erlpy.nifs.erl_tracer  # noqa: F401  (registers the NIFs at collection time)
import erlpy.nifs.zlib  # noqa: F401  (the boot needs them)
import erlpy.nifs.prim_buffer  # noqa: F401
from erlpy.terms import atom, eq_exact, format_term
from tests.erlc import compile_erlang, have_erlc
from tests.nifs.booted import booted_vm, erl_results

HAVE_ERL = shutil.which("erl") is not None and have_erlc()
pytestmark = pytest.mark.skipif(not HAVE_ERL or not shutil.which("cat"),
                                reason="needs erl, erlc and cat")

MODULE = "erlpy_tracer_scen"

SOURCE = r"""
-module(erlpy_tracer_scen).
-export([all/1, run/1, fresh/1]).

all(Out) ->
    R = [{N, fresh(N)} || N <- names()],
    ok = file:write_file(Out, term_to_binary(R)).

names() -> [enabled, messages, timestamps, to_port].

fresh(Name) ->
    Self = self(),
    {P, Ref} = spawn_monitor(fun() -> Self ! {self(), run(Name)} end),
    receive {P, R} -> erlang:demonitor(Ref, [flush]), R
    after 5000 -> timeout
    end.

run(Name) ->
    try scen(Name)
    catch C:R:S -> {crashed, C, R, S}
    end.

got() -> receive M -> M after 100 -> timeout end.

scen(enabled) ->
    Self = self(),
    {Dead, Ref} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', Ref, process, Dead, _} -> ok end,
    Port = open_port({spawn, "cat"}, [binary]),
    Closed = open_port({spawn, "cat"}, [binary]),
    port_close(Closed),
    R = [erl_tracer:enabled(T, S, X)
         || T <- [send, trace_status, 'receive', seq_trace],
            S <- [Self, Dead, Port, Closed, foo, {Self}, #{}],
            X <- [Self, Port, undefined, list_to_pid("<0.1.0>")]],
    port_close(Port),
    R;
scen(messages) ->
    Self = self(),
    Opts = [#{}, #{extra => ex}, #{match_spec_result => ms}, #{scheduler_id => 3},
            #{extra => ex, match_spec_result => ms, scheduler_id => 1},
            #{timestamp => bogus}, not_a_map],
    [{erl_tracer:trace(Tag, Self, tracee, msg, O), got()}
     || Tag <- [send, seq_trace, call], O <- Opts]
    ++ [erl_tracer:trace(send, foo, tracee, msg, #{}), got(),
        erl_tracer:trace(send, list_to_pid("<0.1.99>"), tracee, msg, #{}), got()];
scen(timestamps) ->
    Self = self(),
    [begin
         ok = erl_tracer:trace(spawn, Self, tracee, msg, #{timestamp => K, extra => e}),
         M = got(),
         {K, element(1, M), tuple_size(M), shape(element(tuple_size(M), M))}
     end || K <- [monotonic, strict_monotonic, timestamp, cpu_timestamp]]
    ++ [begin
            ok = erl_tracer:trace(seq_trace, Self, 7, msg, #{timestamp => monotonic}),
            Last = got(),
            {element(1, Last), tuple_size(Last)}
        end];
scen(to_port) ->
    Port = open_port({spawn, "cat"}, [binary]),
    ok = erl_tracer:trace('receive', Port, self(), hello, #{extra => 1}),
    R = receive {Port, {data, B}} -> binary_to_term(B) after 2000 -> timeout end,
    port_close(Port),
    {R =:= {trace, self(), 'receive', hello, 1}, R}.

shape({A, B, C}) when is_integer(A), is_integer(B), is_integer(C) -> now;
shape({A, B}) when is_integer(A), is_integer(B) -> mono_unique;
shape(A) when is_integer(A) -> integer;
shape(_) -> other.
"""

SCENARIOS = ["enabled", "messages", "timestamps", "to_port"]


@pytest.fixture(scope="module")
def env():
    d = compile_erlang(SOURCE)
    return booted_vm(d), erl_results(d, MODULE)


@pytest.mark.parametrize("name", SCENARIOS)
def test_same_as_erl(env, name):
    vm, want = env
    got = vm.call(MODULE, "fresh", [atom(name)])
    if name == "to_port":       # the pid differs between the runs
        assert eq_exact(got[0], want[name][0]), format_term(got)
        return
    assert eq_exact(got, want[name]), "erl %s / erlpy %s" % (
        format_term(want[name]), format_term(got))
