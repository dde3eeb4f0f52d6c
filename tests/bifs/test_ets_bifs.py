"""The ETS BIFs, run on the same operation sequences as a real erl.

Each scenario is a list of steps {Var, Fun, Args} written in Erlang syntax;
erl runs them (in a fresh process each, with +S 2) and sends back the
results as an external-format binary; the same steps then run here through
the registered BIFs, and the results must be identical (=:=) after table
references are renumbered and pids replaced. Args may use {'$v', Var} for
an earlier result, '$last' for the previous one, {'$elem', N, X} for
element N of X, and '$self' for the running process. Pseudo functions
'$keys' / '$rkeys' walk a table with first/next or last/prev, '$chunks'
follows a select continuation to the end.
"""

import shutil
import subprocess

import pytest

from erlpy.code.contract import VM
from erlpy.terms import (A, NIL, Cons, Pid, Ref, Map, TRUE, FALSE, from_seq, to_pylist, eq_exact,
                         format_term)
from erlpy.terms.errors import ErlangError
from erlpy.terms.etf import binary_to_term
from erlpy.bifs.registry import BIFS
from erlpy.bifs import ets as B
from erlpy.runtime import ets as E

ERL = shutil.which("erl")
ERLC = shutil.which("erlc")

NODE = A["nonode@nohost"]


class FakeProc:
    def __init__(self, pid):
        self.pid = pid


class FakeRuntime:
    """Just enough of the runtime for liveness checks."""

    def __init__(self):
        self.alive = set()

    def process(self, pid):
        return object() if pid in self.alive else None


@pytest.fixture
def vm(monkeypatch):
    E.reset()
    counter = [0]

    def make_ref():
        counter[0] += 1
        return Ref(NODE, (counter[0] & 0x3FFFF, counter[0] >> 18, 7), 0)

    me = Pid(NODE, 80, 0, 0)
    sent = []
    rt = FakeRuntime()
    rt.alive.add(me)
    monkeypatch.setattr(VM, "current", FakeProc(me))
    monkeypatch.setattr(VM, "make_ref", make_ref)
    monkeypatch.setattr(VM, "send", lambda dest, msg: sent.append((dest, msg)))
    monkeypatch.setattr(VM, "node", NODE)
    monkeypatch.setattr(VM, "runtime", rt)
    monkeypatch.setattr(VM, "reds", 4000)
    monkeypatch.setattr(B, "schedulers", lambda: 2)
    VM.sent = sent
    yield VM
    E.reset()


def L(*xs):
    return from_seq(list(xs))


def call(mod, fun, *args):
    fn = BIFS[(mod, fun, len(args))][0]
    return fn(*args)


def ets(fun, *args):
    return call("ets", fun, *args)


def cause_of(exc):
    info = exc.error_info
    if info is None:
        return A.none
    c = info.get(A.cause)
    return A.none if c is None else c


# -- the library functions of ets.erl that are Erlang code, as they call the BIFs -----------

def _tab2list(t):
    return ets("match_object", t, A["_"])


def _delete_all_objects(t):
    ets("internal_delete_all", t, A.undefined)
    return TRUE


def _select_delete(t, ms):
    if eq_exact(ms, L((A["_"], NIL, L(TRUE)))):
        return ets("internal_delete_all", t, A.undefined)
    return ets("internal_select_delete", t, ms)


def _match_delete(t, pattern):
    _select_delete(t, L((pattern, NIL, L(TRUE))))
    return TRUE


def _match_spec_run(lst, cms):
    r = ets("match_spec_run_r", lst, cms, NIL)
    return from_seq(list(reversed(to_pylist(r))))


def _test_ms(term, ms):
    r = call("erlang", "match_spec_test", term, ms, A.table)
    return (r[0], r[1]) if r[0] is A.ok else r


def _walk(t, first, step):
    out = []
    k = ets(first, t)
    while k is not E.EOT:
        out.append(k)
        k = ets(step, t, k)
    return from_seq(out)


def _chunks(res):
    out = []
    while res is not E.EOT:
        out.append(res)
        if res[1] is E.EOT:
            break
        res = ets("select", res[1])
    return from_seq(out)


LIBRARY = {
    "tab2list": _tab2list, "delete_all_objects": _delete_all_objects,
    "select_delete": _select_delete, "match_delete": _match_delete,
    "match_spec_run": _match_spec_run, "test_ms": _test_ms,
    "$keys": lambda t: _walk(t, "first", "next"), "$rkeys": lambda t: _walk(t, "last", "prev"),
    "$chunks": _chunks,
}


def py_call(f, args):
    if type(f) is tuple:
        return call(f[0].name, f[1].name, *args)
    lib = LIBRARY.get(f.name)
    if lib is not None:
        return lib(*args)
    return ets(f.name, *args)


# -- renumbering refs, hiding pids -----------------------------------------------------------

class Norm:
    def __init__(self):
        self.refs = {}

    def __call__(self, t):
        tt = type(t)
        if tt is Ref:
            k = (tuple(t.ids), t.node, t.creation)
            n = self.refs.get(k)
            if n is None:
                n = self.refs[k] = len(self.refs) + 1
            return (A["$ref"], n)
        if tt is Pid:
            return A["$pid"]
        if tt is tuple:
            return tuple([self(e) for e in t])
        if tt is Cons:
            items = []
            while type(t) is Cons:
                items.append(self(t.hd))
                t = t.tl
            return from_seq(items, self(t))
        if tt is Map:
            return Map.from_pairs([(self(k), self(v)) for k, v in t.items()])
        return t


def subst(t, env):
    tt = type(t)
    if t is A["$self"]:
        return VM.current.pid
    if t is A["$last"]:
        return env[A["$last"]]
    if tt is tuple:
        if len(t) == 2 and t[0] is A["$v"]:
            return env[t[1]]
        if len(t) == 3 and t[0] is A["$elem"]:
            return subst(t[2], env)[t[1] - 1]
        return tuple([subst(e, env) for e in t])
    if tt is Cons:
        items = []
        while type(t) is Cons:
            items.append(subst(t.hd, env))
            t = t.tl
        return from_seq(items, subst(t, env))
    return t


def run_scenario(steps):
    env = {}
    norm = Norm()
    out = []
    for var, f, args in to_pylist(steps):
        VM.reds = 4000      # a fresh slice, as the erl side yields before each step
        a = [subst(x, env) for x in to_pylist(args)]
        try:
            r = py_call(f, a)
            env[A["$last"]] = r
            if var is not A["_"]:
                env[var] = r
            out.append(norm(r))
        except ErlangError as e:
            out.append((A["$error"], e.cls, e.reason, cause_of(e)))
    return from_seq(out)


RUNNER = r"""
-module(ets_runner).
-export([main/1]).

read(In) ->
    {ok, Bin} = file:read_file(In),
    {ok, Toks, _} = erl_scan:string(binary_to_list(Bin)),
    {ok, Exprs} = erl_parse:parse_exprs(Toks),
    {value, V, _} = erl_eval:exprs(Exprs, []),
    V.

subst('$self', _) -> self();
subst('$last', Env) -> maps:get('$last', Env);
subst({'$elem', N, T}, Env) -> element(N, subst(T, Env));
subst({'$v', V}, Env) -> maps:get(V, Env);
subst(T, Env) when is_tuple(T) -> list_to_tuple([subst(E, Env) || E <- tuple_to_list(T)]);
subst([H|T], Env) -> [subst(H, Env)|subst(T, Env)];
subst(T, _) -> T.

norm(T, S) when is_reference(T) ->
    case lists:keyfind(T, 1, S) of
        {_, N} -> {{'$ref', N}, S};
        false -> N = length(S) + 1, {{'$ref', N}, [{T, N}|S]}
    end;
norm(T, S) when is_pid(T) -> {'$pid', S};
norm(T, S) when is_tuple(T) ->
    {L, S1} = norm_list(tuple_to_list(T), S),
    {list_to_tuple(L), S1};
norm([], S) -> {[], S};
norm(T, S) when is_list(T) -> norm_list(T, S);
norm(T, S) when is_map(T) ->
    {L, S1} = norm_list(maps:to_list(T), S),
    {maps:from_list(L), S1};
norm(T, S) -> {T, S}.
norm_list([H|T], S) ->
    {H1, S1} = norm(H, S),
    {T1, S2} = norm_list(T, S1),
    {[H1|T1], S2};
norm_list([], S) -> {[], S};
norm_list(T, S) -> norm(T, S).

cause([{_, _, _, L}|_]) when is_list(L) ->
    case proplists:get_value(error_info, L) of
        #{cause := C} -> C;
        _ -> none
    end;
cause(_) -> none.

walk(T, First, Next) -> walk(T, ets:First(T), Next, []).
walk(_, '$end_of_table', _, Acc) -> lists:reverse(Acc);
walk(T, K, Next, Acc) -> walk(T, ets:Next(T, K), Next, [K|Acc]).

chunks('$end_of_table') -> [];
chunks({_, '$end_of_table'} = R) -> [R];
chunks({_, C} = R) -> [R|chunks(ets:select(C))].

do('$keys', [T]) -> walk(T, first, next);
do('$rkeys', [T]) -> walk(T, last, prev);
do('$chunks', [R]) -> chunks(R);
do({M, F}, A) -> apply(M, F, A);
do(F, A) -> apply(ets, F, A).

run(Steps) ->
    {_, _, Out} = lists:foldl(
        fun({Var, F, Args}, {Env, S, Acc}) ->
            A = subst(Args, Env),
            erlang:yield(),     % a fresh slice: insert's yield decision is reproducible
            case (try {ok, do(F, A)} catch C:E:St -> {'$error', C, E, cause(St)} end) of
                {ok, R} ->
                    Env1 = case Var of '_' -> Env#{'$last' => R}; _ -> Env#{Var => R, '$last' => R} end,
                    {R1, S1} = norm(R, S),
                    {Env1, S1, [R1|Acc]};
                Err ->
                    {Env, S, [Err|Acc]}
            end
        end, {#{}, [], []}, Steps),
    lists:reverse(Out).

main([In, Out]) ->
    Scenarios = read(In),
    Res = [begin
               Self = self(),
               {P, M} = spawn_monitor(fun() -> Self ! {self(), run(Steps)} end),
               receive
                   {P, R} -> erlang:demonitor(M, [flush]), {Name, R};
                   {'DOWN', M, _, _, Why} -> {Name, {crashed, Why}}
               end
           end || {Name, Steps} <- Scenarios],
    ok = file:write_file(Out, term_to_binary({Scenarios, Res})),
    halt().
"""


def run_erl(tmp_path, scenarios_text):
    src = tmp_path / "ets_runner.erl"
    src.write_text(RUNNER)
    subprocess.run([ERLC, "-o", str(tmp_path), str(src)], check=True, cwd=str(tmp_path))
    inp = tmp_path / "in.txt"
    inp.write_text(scenarios_text + ".\n")
    out = tmp_path / "out.bin"
    subprocess.run([ERL, "+S", "2", "-noshell", "-pa", str(tmp_path), "-run", "ets_runner",
                    "main", str(inp), str(out)], check=True, timeout=120, cwd=str(tmp_path))
    return binary_to_term(out.read_bytes())


SCENARIOS = r"""
[
 {set_basics, [
   {t, new, [t, [set]]},
   {'_', insert, [{'$v', t}, [{I, I * I} || I <- lists:seq(1, 40)]]},
   {'_', lookup, [{'$v', t}, 7]},
   {'_', lookup, [{'$v', t}, 7.0]},
   {'_', member, [{'$v', t}, 40]},
   {'_', lookup_element, [{'$v', t}, 3, 2]},
   {'_', tab2list, [{'$v', t}]},
   {'_', '$keys', [{'$v', t}]},
   {'_', '$rkeys', [{'$v', t}]},
   {'_', insert, [{'$v', t}, {7, seven}]},
   {'_', lookup, [{'$v', t}, 7]},
   {'_', insert_new, [{'$v', t}, {7, again}]},
   {'_', insert_new, [{'$v', t}, {77, new}]},
   {'_', insert_new, [{'$v', t}, [{78, a}, {7, b}]]},
   {'_', insert_new, [{'$v', t}, [{78, a}, {79, b}, {78, c}]]},
   {'_', take, [{'$v', t}, 78]},
   {'_', take, [{'$v', t}, 78]},
   {'_', delete, [{'$v', t}, 1]},
   {'_', delete_object, [{'$v', t}, {2, 5}]},
   {'_', delete_object, [{'$v', t}, {2, 4}]},
   {'_', info, [{'$v', t}, size]},
   {'_', slot, [{'$v', t}, 3]},
   {'_', slot, [{'$v', t}, 255]},
   {'_', slot, [{'$v', t}, 256]},
   {'_', slot, [{'$v', t}, 257]},
   {'_', next, [{'$v', t}, 1]},
   {'_', next, [{'$v', t}, 3]},
   {'_', prev, [{'$v', t}, 3]},
   {'_', first, [{'$v', t}]},
   {'_', last, [{'$v', t}]},
   {'_', tab2list, [{'$v', t}]}]},

 {set_growth, [
   {t, new, [t, [set, public]]},
   {'_', insert, [{'$v', t}, [{I} || I <- lists:seq(1, 3000)]]},
   {'_', '$keys', [{'$v', t}]},
   {'_', slot, [{'$v', t}, 1000]},
   {'_', info, [{'$v', t}, size]},
   {'_', select_delete, [{'$v', t}, [{{'$1'}, [{'>', '$1', 50}], [true]}]]},
   {'_', tab2list, [{'$v', t}]},
   {'_', slot, [{'$v', t}, 40]},
   {'_', insert, [{'$v', t}, [{I} || I <- lists:seq(5000, 9000)]]},
   {'_', match_delete, [{'$v', t}, {'_'}]},
   {'_', insert, [{'$v', t}, [{I} || I <- lists:seq(1, 300)]]},
   {'_', '$keys', [{'$v', t}]}]},

 {shrink_by_delete, [
   {t, new, [t, [set]]},
   {'_', insert, [{'$v', t}, [{I, x} || I <- lists:seq(1, 6000)]]},
   {'_', slot, [{'$v', t}, 5999]},
   {'_', slot, [{'$v', t}, 6000]}] ++
   [{'_', delete, [{'$v', t}, I]} || I <- lists:seq(1, 5900)] ++ [
   {'_', '$keys', [{'$v', t}]},
   {'_', slot, [{'$v', t}, 2400]},
   {'_', slot, [{'$v', t}, 300]},
   {'_', slot, [{'$v', t}, 0]}]},

 {mixed_keys_hash, [
   {t, new, [t, [set]]},
   {'_', insert, [{'$v', t}, [{K} || K <- [a, b, foo, bar, "str", <<"bin">>, 1.5, -3, 1 bsl 80, {1,2}, [], [1|2], <<1:3>>, {7, "y"}, 0.0, -0.0, 2.0, 2, [1,2,3], <<>>, {}, ''] ]]},
   {'_', tab2list, [{'$v', t}]},
   {'_', '$keys', [{'$v', t}]},
   {'_', lookup, [{'$v', t}, 0.0]},
   {'_', lookup, [{'$v', t}, -0.0]},
   {'_', lookup, [{'$v', t}, 2]}]},

 {bags, [
   {b, new, [b, [bag]]},
   {d, new, [d, [duplicate_bag]]},
   {'_', insert, [{'$v', b}, [{k, 1}, {k, 2}, {k, 1}, {j, 1}, {k, 1.0}, {k, 3}]]},
   {'_', insert, [{'$v', d}, [{k, 1}, {k, 2}, {k, 1}, {j, 1}, {k, 1.0}, {k, 3}]]},
   {'_', lookup, [{'$v', b}, k]},
   {'_', lookup, [{'$v', d}, k]},
   {'_', lookup_element, [{'$v', b}, k, 2]},
   {'_', lookup_element, [{'$v', d}, k, 2]},
   {'_', tab2list, [{'$v', b}]},
   {'_', tab2list, [{'$v', d}]},
   {'_', '$keys', [{'$v', b}]},
   {'_', next, [{'$v', b}, k]},
   {'_', delete_object, [{'$v', b}, {k, 1}]},
   {'_', delete_object, [{'$v', d}, {k, 1}]},
   {'_', lookup, [{'$v', b}, k]},
   {'_', lookup, [{'$v', d}, k]},
   {'_', insert_new, [{'$v', b}, {k, 99}]},
   {'_', insert_new, [{'$v', b}, {z, 99}]},
   {'_', select, [{'$v', d}, [{{k, '$1'}, [], ['$1']}]]},
   {'_', select, [{'$v', d}, [{{'$1', '$2'}, [{'<', '$2', 3}], [{{'$2', '$1'}}]}], 2]},
   {'_', '$chunks', ['$last']},
   {'_', select_count, [{'$v', d}, [{{k, '_'}, [], [true]}]]},
   {'_', take, [{'$v', d}, k]},
   {'_', lookup, [{'$v', d}, k]},
   {'_', update_counter, [{'$v', b}, j, 1]},
   {'_', update_element, [{'$v', d}, j, {2, x}]},
   {'_', select_replace, [{'$v', b}, []]},
   {'_', select_replace, [{'$v', d}, [{{'$1', '$2'}, [], [{{'$1', {{'$2'}}}}]}]]},
   {'_', tab2list, [{'$v', d}]}]},

 {counters, [
   {t, new, [t, [set, {keypos, 2}]]},
   {'_', insert, [{'$v', t}, {x, a, 1, 2, 3}]},
   {'_', update_counter, [{'$v', t}, a, 5]},
   {'_', update_counter, [{'$v', t}, a, {4, -1}]},
   {'_', update_counter, [{'$v', t}, a, [{3, 1}, {4, 10, 11, 0}, {5, -10, 0, 100}, {3, 1}]]},
   {'_', update_counter, [{'$v', t}, a, []]},
   {'_', lookup, [{'$v', t}, a]},
   {'_', update_counter, [{'$v', t}, a, {2, 1}]},
   {'_', update_counter, [{'$v', t}, a, {1, 1}]},
   {'_', update_counter, [{'$v', t}, a, {9, 1}]},
   {'_', update_counter, [{'$v', t}, a, {0, 1}]},
   {'_', update_counter, [{'$v', t}, a, {3, 1.0}]},
   {'_', update_counter, [{'$v', t}, a, [{3, 1} | x]]},
   {'_', update_counter, [{'$v', t}, a, {3, 1, 2}]},
   {'_', update_counter, [{'$v', t}, a, x]},
   {'_', update_counter, [{'$v', t}, b, 1]},
   {'_', update_counter, [{'$v', t}, b, 1, {y, z, 10}]},
   {'_', update_counter, [{'$v', t}, c, 1, {y, z}]},
   {'_', update_counter, [{'$v', t}, c, {3, 1}, {y, z}]},
   {'_', update_counter, [{'$v', t}, c, {3, 1}, y]},
   {'_', update_counter, [{'$v', t}, c, [{3, 2}, {3, 3}], {y, z, 0}]},
   {'_', update_counter, [{'$v', t}, a, 1 bsl 80]},
   {'_', update_counter, [{'$v', t}, a, {3, -(1 bsl 81), 0, -7}]},
   {'_', tab2list, [{'$v', t}]},
   {'_', update_element, [{'$v', t}, a, {1, new}]},
   {'_', update_element, [{'$v', t}, a, [{1, x}, {5, y}]]},
   {'_', update_element, [{'$v', t}, a, {2, k}]},
   {'_', update_element, [{'$v', t}, a, {6, k}]},
   {'_', update_element, [{'$v', t}, nokey, {6, k}]},
   {'_', update_element, [{'$v', t}, a, [{1, x} | y]]},
   {'_', lookup, [{'$v', t}, a]},
   {o, new, [o, [ordered_set]]},
   {'_', update_counter, [{'$v', o}, 1.0, 1, {1, 0}]},
   {'_', update_counter, [{'$v', o}, 1, 1, {1, 0}]},
   {'_', tab2list, [{'$v', o}]}]},

 {ordered, [
   {o, new, [o, [ordered_set]]},
   {'_', insert, [{'$v', o}, [{K} || K <- [3, 1.0, a, "str", <<"b">>, {1,2}, [], [a|b], 2.5, -1, {a}, #{a=>1}, 1 bsl 70, <<1:3>>, {}, {1, a}, {1, b}, {2, a}, [1|2], [1], #{b=>1}, #{a=>2}, #{1=>a}, #{1.0=>a}, 'B', zz]]]},
   {'_', tab2list, [{'$v', o}]},
   {'_', insert, [{'$v', o}, {1}]},
   {'_', lookup, [{'$v', o}, 1.0]},
   {'_', '$keys', [{'$v', o}]},
   {'_', '$rkeys', [{'$v', o}]},
   {'_', next, [{'$v', o}, 2]},
   {'_', next, [{'$v', o}, zzz]},
   {'_', prev, [{'$v', o}, 2]},
   {'_', prev, [{'$v', o}, -1]},
   {'_', next, [{'$v', o}, '$end_of_table']},
   {'_', slot, [{'$v', o}, 0]},
   {'_', slot, [{'$v', o}, 25]},
   {'_', slot, [{'$v', o}, 26]},
   {'_', slot, [{'$v', o}, 27]},
   {'_', select, [{'$v', o}, [{{'$1'}, [{is_tuple, '$1'}], ['$1']}]]},
   {'_', select_reverse, [{'$v', o}, [{{'$1'}, [{is_number, '$1'}], ['$1']}]]},
   {'_', select, [{'$v', o}, [{{{1, '_'}}, [], ['$_']}]]},
   {'_', select, [{'$v', o}, [{{'$1'}, [], ['$1']}], 4]},
   {'_', '$chunks', ['$last']},
   {'_', select_reverse, [{'$v', o}, [{{'$1'}, [], ['$1']}], 7]},
   {'_', '$chunks', ['$last']},
   {'_', select, [{'$v', o}, [{{{1, '$1'}}, [], ['$1']}], 1]},
   {'_', '$chunks', ['$last']},
   {'_', select, [{'$v', o}, [{{{'$1', a}}, [], ['$1']}, {{{1, '_'}}, [], [one]}], 2]},
   {'_', '$chunks', ['$last']},
   {'_', select, [{'$v', o}, [{{a}, [], [found]}], 2]},
   {'_', select, [{'$v', o}, [{{nokey}, [], [found]}], 2]},
   {'_', select, [{'$v', o}, [{{nokey}, [], [found]}]]},
   {'_', select, [{'$v', o}, [{{1, 2}, [], [found]}], 2]},
   {'_', select_count, [{'$v', o}, [{{'$1'}, [{is_atom, '$1'}], [true]}]]},
   {'_', match, [{'$v', o}, {{'$1', '_'}}]},
   {'_', match, [{'$v', o}, {{'$1', '$2'}}, 2]},
   {'_', '$chunks', ['$last']},
   {'_', match_object, [{'$v', o}, {{1, '_'}}, 1]},
   {'_', '$chunks', ['$last']},
   {'_', select_delete, [{'$v', o}, [{{{'_', '_'}}, [], [true]}]]},
   {'_', select_replace, [{'$v', o}, [{{'$1'}, [{is_integer, '$1'}], [{{'$1'}}]}]]},
   {'_', tab2list, [{'$v', o}]},
   {'_', delete_all_objects, [{'$v', o}]},
   {'_', tab2list, [{'$v', o}]},
   {'_', first, [{'$v', o}]},
   {'_', slot, [{'$v', o}, 0]}]},

 {ordered_prefix, [
   {o, new, [o, [ordered_set, {keypos, 1}]]},
   {'_', insert, [{'$v', o}, [{{U, I}, I} || U <- [a, b, c], I <- lists:seq(1, 30)]]},
   {'_', select, [{'$v', o}, [{{{b, '$1'}, '_'}, [{'<', '$1', 5}], ['$1']}]]},
   {'_', select, [{'$v', o}, [{{{b, '_'}, '$1'}, [], ['$1']}], 7]},
   {'_', '$chunks', ['$last']},
   {'_', select_reverse, [{'$v', o}, [{{{b, '_'}, '$1'}, [], ['$1']}], 7]},
   {'_', '$chunks', ['$last']},
   {'_', select, [{'$v', o}, [{{{a, '_'}, '$1'}, [{'>', '$1', 28}], ['$1']}, {{{c, '_'}, '$1'}, [{'<', '$1', 3}], ['$1']}], 2]},
   {'_', '$chunks', ['$last']},
   {'_', select_reverse, [{'$v', o}, [{{{c, '$1'}, '_'}, [], ['$1']}]]},
   {'_', select_count, [{'$v', o}, [{{{b, '_'}, '_'}, [], [true]}]]},
   {'_', select_delete, [{'$v', o}, [{{{b, '$1'}, '_'}, [{'>', '$1', 10}], [true]}]]},
   {'_', select, [{'$v', o}, [{{{'$1', '$2'}, '_'}, [{'==', '$2', 10}], ['$1']}]]}]},

 {select_hash, [
   {t, new, [t, [set]]},
   {'_', insert, [{'$v', t}, [{I, I rem 7, [I]} || I <- lists:seq(1, 3000)]]},
   {'_', select, [{'$v', t}, [{{'$1', 3, '_'}, [{'<', '$1', 100}], ['$1']}]]},
   {'_', select, [{'$v', t}, [{{'$1', '$2', ['$3']}, [{'andalso', {'==', '$2', 0}, {'<', '$3', 200}}], [{{'$1', {'*', '$3', 2}}}]}], 9]},
   {'_', '$chunks', ['$last']},
   {'_', select, [{'$v', t}, [{{'$1', '_', '_'}, [{'<', '$1', 40}], ['$1']}], 1000]},
   {'_', '$chunks', ['$last']},
   {'_', select, [{'$v', t}, [{{'$1', '_', '_'}, [{'<', '$1', 2000}], ['$1']}], 700]},
   {'_', '$chunks', ['$last']},
   {'_', select, [{'$v', t}, [{'_', [], [x]}], 2500]},
   {'_', select, [{'$v', t}, [{{5, '_', '_'}, [], ['$_']}, {{6, '_', '_'}, [], ['$_']}, {{100000, '_', '_'}, [], ['$_']}]]},
   {'_', select, [{'$v', t}, [{{5, '_', '_'}, [], ['$_']}, {{6, '_', '_'}, [], ['$_']}], 1]},
   {'_', '$chunks', ['$last']},
   {'_', select, [{'$v', t}, [{{100000, '_', '_'}, [], ['$_']}], 1]},
   {'_', select, [{'$v', t}, [{x, [], ['$_']}], 1]},
   {'_', select, [{'$v', t}, []]},
   {'_', select, [{'$v', t}, [], 3]},
   {'_', select_count, [{'$v', t}, [{{'_', 1, '_'}, [], [true]}]]},
   {'_', select_count, [{'$v', t}, [{{'_', 1, '_'}, [], [yes]}]]},
   {'_', select_reverse, [{'$v', t}, [{{'$1', 1, '_'}, [{'<', '$1', 30}], ['$1']}]]},
   {'_', select_reverse, [{'$v', t}, [{{'$1', 1, '_'}, [{'<', '$1', 30}], ['$1']}], 2]},
   {'_', '$chunks', ['$last']},
   {'_', match, [{'$v', t}, {'$1', 2, ['$2']}, 50]},
   {'_', '$chunks', ['$last']},
   {'_', match_object, [{'$v', t}, {'_', 6, [2999]}]},
   {'_', select_replace, [{'$v', t}, [{{'$1', '$2', '$3'}, [{'<', '$1', 4}], [{{'$1', '$3', '$2'}}]}]]},
   {'_', select, [{'$v', t}, [{{'$1', '_', '_'}, [{'<', '$1', 6}], ['$_']}]]},
   {'_', select_replace, [{'$v', t}, [{{'$1', '$2', '$3'}, [], [{{'$2', '$1', '$3'}}]}]]},
   {'_', select_delete, [{'$v', t}, [{{'$1', 5, '_'}, [], [true]}]]},
   {'_', info, [{'$v', t}, size]},
   {'_', select, [{'$v', t}, [{{'$1', '_', '_'}, [{'<', '$1', 50}], ['$1']}]]}]},

 {named_and_errors, [
   {n, new, [ntab, [named_table, public, {keypos, 2}, {read_concurrency, true}, compressed]]},
   {'_', new, [ntab, [named_table]]},
   {'_', whereis, [ntab]},
   {'_', whereis, [nosuch]},
   {'_', whereis, [1]},
   {'_', insert, [ntab, {a, b, c}]},
   {'_', insert, [ntab, {a}]},
   {'_', insert, [ntab, [{a, b}, x]]},
   {'_', insert, [ntab, [x]]},
   {'_', insert, [ntab, []]},
   {'_', insert, [ntab, x]},
   {'_', insert, [nosuch, {a, b}]},
   {'_', insert, [1, {a, b}]},
   {'_', insert, [{'$v', n}, {a, b}]},
   {'_', lookup, [ntab, b]},
   {'_', lookup_element, [ntab, b, 0]},
   {'_', lookup_element, [ntab, b, 4]},
   {'_', lookup_element, [ntab, zz, 1]},
   {'_', lookup_element, [ntab, b, x]},
   {'_', delete_object, [ntab, {x}]},
   {'_', next, [ntab, zz]},
   {'_', slot, [ntab, -1]},
   {'_', slot, [ntab, x]},
   {'_', select, [ntab, [{'_', [], []}]]},
   {'_', select, [ntab, foo]},
   {'_', select, [ntab, [{'_', [], ['$_']}], 0]},
   {'_', select, [ntab, [{'_', [], ['$_']}], a]},
   {'_', select, [foo]},
   {'_', select, [{foo}]},
   {'_', select, [{ntab, 1, 2, 3, 4, 5}]},
   {'_', select, ['$end_of_table']},
   {'_', match, [ntab, '_', 0]},
   {'_', select_replace, [ntab, [{{'$1','$2', '_'}, [], [{{'$1', '$1', x}}]}]]},
   {'_', select_replace, [ntab, [{{'$1','$2', '_'}, [], [{{'$1', '$2', x}}]}]]},
   {'_', select_replace, [ntab, [{{'$1','$2', '_'}, [], [{const, {a, b, const}}]}]]},
   {'_', select_replace, [ntab, [{{'$1','$2', '_'}, [], [{{'$1', {element, 2, '$_'}, y}}]}]]},
   {'_', lookup, [ntab, b]},
   {'_', rename, [ntab, ntab]},
   {'_', rename, [ntab, ntab2]},
   {'_', rename, [ntab2, 1]},
   {'_', lookup, [ntab2, b]},
   {'_', lookup, [ntab, b]},
   {'_', info, [ntab2, name]},
   {'_', info, [ntab2, named_table]},
   {'_', info, [ntab2, keypos]},
   {'_', info, [ntab2, protection]},
   {'_', info, [ntab2, type]},
   {'_', info, [ntab2, read_concurrency]},
   {'_', info, [ntab2, write_concurrency]},
   {'_', info, [ntab2, compressed]},
   {'_', info, [ntab2, decentralized_counters]},
   {'_', info, [ntab2, heir]},
   {'_', info, [ntab2, owner]},
   {'_', info, [ntab2, node]},
   {'_', info, [ntab2, id]},
   {'_', info, [ntab2, fixed]},
   {'_', info, [ntab2, safe_fixed]},
   {'_', info, [ntab2, bogus]},
   {'_', info, [ntab2, 1]},
   {'_', info, [nosuch, size]},
   {'_', info, [nosuch]},
   {'_', info, [1]},
   {'_', setopts, [ntab2, [{protection, private}, {heir, none}]]},
   {'_', setopts, [ntab2, {heir, '$self', data}]},
   {'_', info, [ntab2, heir]},
   {'_', setopts, [ntab2, [{heir, none}, {heir, none}]]},
   {'_', setopts, [ntab2, [{bogus, 1}]]},
   {'_', setopts, [ntab2, [{protection, x}]]},
   {'_', info, [ntab2, protection]},
   {'_', give_away, [ntab2, '$self', gift]},
   {'_', give_away, [ntab2, x, gift]},
   {'_', give_away, [nosuch, '$self', gift]},
   {'_', safe_fixtable, [ntab2, x]},
   {'_', delete, [ntab2, b]},
   {'_', delete, [ntab2]},
   {'_', delete, [ntab2]},
   {'_', lookup, [ntab2, b]},
   {'_', info, [ntab2]},
   {'_', info, [{'$v', n}]},
   {'_', lookup, [{'$v', n}, b]},
   {'_', new, [1, []]},
   {'_', new, [x, [{keypos, 0}]]},
   {'_', new, [x, [bogus]]},
   {'_', new, [x, bogus]},
   {'_', new, [x, [set | x]]},
   {'_', new, [x, [{heir, '$self'}]]},
   {'_', new, [x, [ordered_set, {write_concurrency, {debug_hash_fixed_number_of_locks, 10}}]]},
   {o, new, [x, [ordered_set, set]]},
   {'_', info, [{'$v', o}, type]},
   {'_', update_element, [{'$v', o}, k, {2, x}]},
   {'_', internal_delete_all, [{'$v', o}, 5]},
   {'_', is_compiled_ms, [x]},
   {'_', match_spec_compile, [[]]},
   {'_', match_spec_compile, [[{'_', [], [{'+', 1}]}]]},
   {c, match_spec_compile, [[{{'$1', '$2'}, [{is_integer, '$1'}], [{{'$2', '$1'}}]}]]},
   {'_', is_compiled_ms, [{'$v', c}]},
   {'_', match_spec_run_r, [[{1, a}, {b, 2}, x, {3, c}], {'$v', c}, [acc]]},
   {'_', match_spec_run_r, [[{1, a} | x], {'$v', c}, []]},
   {'_', match_spec_run_r, [x, {'$v', c}, []]},
   {'_', match_spec_run_r, [[], x, []]},
   {'_', match_spec_run, [[{1, a}, {3, c}], {'$v', c}]},
   {'_', test_ms, [{1, a}, [{{'$1', '$2'}, [], [{{'$2', '$1'}}]}]]},
   {'_', test_ms, [{1, a}, [{{'$1', '$2'}, [], ['$3']}]]}]},

 {access, [
   {p, new, [p, [private]]},
   {q, new, [q, [protected]]},
   {'_', insert, [{'$v', p}, {1}]},
   {'_', delete, [{'$v', q}]},
   {'_', info, [{'$v', p}, protection]},
   {'_', info, [{'$v', q}, size]}]},

 {fixation, [
   {t, new, [t, [set, public]]},
   {'_', insert, [{'$v', t}, [{I} || I <- lists:seq(1, 600)]]},
   {'_', safe_fixtable, [{'$v', t}, true]},
   {'_', info, [{'$v', t}, fixed]},
   {'_', '$keys', [{'$v', t}]},
   {'_', delete, [{'$v', t}, 1]},
   {'_', next, [{'$v', t}, 1]},
   {'_', insert, [{'$v', t}, [{I} || I <- lists:seq(601, 1200)]]},
   {'_', slot, [{'$v', t}, 256]},
   {'_', select_delete, [{'$v', t}, [{{'$1'}, [{'<', '$1', 100}], [true]}]]},
   {'_', next, [{'$v', t}, 50]},
   {'_', insert, [{'$v', t}, {50}]},
   {'_', lookup, [{'$v', t}, 50]},
   {'_', safe_fixtable, [{'$v', t}, false]},
   {'_', info, [{'$v', t}, fixed]},
   {'_', next, [{'$v', t}, 1]},
   {'_', '$keys', [{'$v', t}]},
   {'_', insert, [{'$v', t}, {2000}]},
   {'_', '$keys', [{'$v', t}]},
   {'_', info, [{'$v', t}, size]}]},

 {write_concurrency, [
   {w, new, [w, [set, {write_concurrency, true}]]},
   {'_', insert, [{'$v', w}, [{I} || I <- lists:seq(1, 700)]]},
   {'_', '$keys', [{'$v', w}]},
   {'_', tab2list, [{'$v', w}]},
   {'_', select, [{'$v', w}, [{{'$1'}, [{'<', '$1', 300}], ['$1']}], 100]},
   {'_', '$chunks', ['$last']},
   {'_', info, [{'$v', w}, write_concurrency]},
   {'_', info, [{'$v', w}, decentralized_counters]},
   {a, new, [a, [bag, {write_concurrency, auto}]]},
   {'_', insert, [{'$v', a}, [{I, x} || I <- lists:seq(1, 300)]]},
   {'_', '$keys', [{'$v', a}]},
   {'_', info, [{'$v', a}, write_concurrency]},
   {'_', info, [{'$v', a}, decentralized_counters]},
   {'_', select_delete, [{'$v', a}, [{{'$1', '_'}, [{'>', '$1', 10}], [true]}]]},
   {'_', tab2list, [{'$v', a}]},
   {x, new, [x, [set, private, {write_concurrency, true}, {read_concurrency, true}]]},
   {'_', info, [{'$v', x}, write_concurrency]},
   {'_', info, [{'$v', x}, read_concurrency]},
   {y, new, [y, [ordered_set, {write_concurrency, true}]]},
   {'_', info, [{'$v', y}, write_concurrency]},
   {'_', info, [{'$v', y}, decentralized_counters]},
   {z, new, [z, [{write_concurrency, true}, ordered_set]]},
   {'_', info, [{'$v', z}, decentralized_counters]},
   {e, new, [e, [{write_concurrency, {debug_hash_fixed_number_of_locks, 300}}]]},
   {'_', info, [{'$v', e}, write_concurrency]},
   {'_', insert, [{'$v', e}, [{I} || I <- lists:seq(1, 20)]]},
   {'_', '$keys', [{'$v', e}]},
   {'_', slot, [{'$v', e}, 2303]},
   {'_', slot, [{'$v', e}, 2304]}]},

 {fun2ms, [
   {t, new, [t, [ordered_set]]},
   {'_', insert, [{'$v', t}, [{I, I rem 3, #{k => I}, "s" ++ integer_to_list(I)} || I <- lists:seq(1, 50)]]},
   {'_', select, [{'$v', t}, ets:fun2ms(fun({K, R, M, _}) when R =:= 1, K > 10 -> {K, map_get(k, M)} end)]},
   {'_', select, [{'$v', t}, ets:fun2ms(fun({K, _, #{k := V}, "s1" ++ Rest}) when is_map_key(k, #{k => 1}) -> {K, V, Rest} end)]},
   {'_', select, [{'$v', t}, ets:fun2ms(fun(X = {K, _, _, _}) when K rem 7 == 0 andalso K > 20 -> X end)]},
   {'_', select, [{'$v', t}, ets:fun2ms(fun({K, R, _, _}) when R == 2; K < 3 -> {K, self() =/= x} end)]},
   {'_', select_count, [{'$v', t}, ets:fun2ms(fun({K, _, _, _}) when K > 25 -> true end)]},
   {'_', select, [{'$v', t}, ets:fun2ms(fun({K, R, _, _}) when (K band 3) =:= 0, not (R =:= 0) -> [K, R | tl([a, b])] end)]},
   {'_', select, [{'$v', t}, ets:fun2ms(fun({K, _, _, _}) when element(1, {K}) > 45 -> object() end)]},
   {'_', select, [{'$v', t}, ets:fun2ms(fun({K, _, _, _}) when K > 48 -> bindings() end)]},
   {'_', select, [{'$v', t}, ets:fun2ms(fun({K, _, _, S}) when K > 47 -> {S, length(S), hd(S), abs(-K), float(K), trunc(K / 3), round(K / 3), K div 3, -K, K * 1.5} end)]},
   {'_', select, [{'$v', t}, ets:fun2ms(fun({K, _, _, _}) when K > 45, K < 48 orelse K == 50, is_integer(K), K /= 49 -> {const, K} end)]},
   {'_', select_delete, [{'$v', t}, ets:fun2ms(fun({K, _, _, _}) when K < 45 -> true end)]},
   {'_', select_replace, [{'$v', t}, ets:fun2ms(fun({K, R, M, S}) when K > 47 -> {K, R + 100, M, S} end)]},
   {'_', tab2list, [{'$v', t}]}]},

 {more_hash, [
   {b, new, [b, [bag, public]]},
   {'_', insert_new, [{'$v', b}, [{k, 1}, {k, 2}, {j, 1}, {k, 1}]]},
   {'_', lookup, [{'$v', b}, k]},
   {'_', insert_new, [{'$v', b}, [{z, 1}, {k, 3}]]},
   {'_', match, [{'$v', b}, {'$1', '$2'}, 2]},
   {'_', '$chunks', ['$last']},
   {'_', safe_fixtable, [{'$v', b}, true]},
   {'_', take, [{'$v', b}, k]},
   {'_', next, [{'$v', b}, k]},
   {'_', insert, [{'$v', b}, [{k, 9}, {k, 1}]]},
   {'_', lookup, [{'$v', b}, k]},
   {'_', delete_all_objects, [{'$v', b}]},
   {'_', insert, [{'$v', b}, [{k, 5}, {q, 5}]]},
   {'_', '$keys', [{'$v', b}]},
   {'_', safe_fixtable, [{'$v', b}, false]},
   {'_', tab2list, [{'$v', b}]},
   {t, new, [t, [set, {keypos, 2}]]},
   {'_', insert, [{'$v', t}, [{x, I, I * 2} || I <- lists:seq(1, 300)]]},
   {'_', select, [{'$v', t}, [{{'_', 7, '$1'}, [], ['$1']}, {{'_', 9, '$1'}, [], ['$1']}]]},
   {'_', select, [{'$v', t}, [{{'_', '$1', '$2'}, [{'<', '$1', 5}], [{{'$2', '$1'}}]}], 3]},
   {'_', '$chunks', ['$last']},
   {'_', safe_fixtable, [{'$v', t}, true]},
   {'_', select_delete, [{'$v', t}, [{{'_', '$1', '_'}, [{'>', '$1', 100}], [true]}]]},
   {'_', update_counter, [{'$v', t}, 150, {3, 1}, {y, 0, 0}]},
   {'_', update_counter, [{'$v', t}, 151, {1, 1}, {y, 0, 0}]},
   {'_', lookup, [{'$v', t}, 150]},
   {'_', lookup, [{'$v', t}, 151]},
   {'_', insert, [{'$v', t}, {z, 120, a}]},
   {'_', safe_fixtable, [{'$v', t}, false]},
   {'_', '$keys', [{'$v', t}]},
   {'_', info, [{'$v', t}, size]},
   {w, new, [w, [set, public, {write_concurrency, true}]]},
   {'_', insert, [{'$v', w}, [{I} || I <- lists:seq(1, 7000)]]},
   {'_', info, [{'$v', w}, stats]},
   {'_', select_delete, [{'$v', w}, [{{'$1'}, [{'>', '$1', 100}], [true]}]]},
   {'_', slot, [{'$v', w}, 7000]},
   {'_', '$keys', [{'$v', w}]},
   {'_', insert, [{'$v', w}, [{I} || I <- lists:seq(200, 400)]]},
   {'_', '$keys', [{'$v', w}]},
   {'_', delete_all_objects, [{'$v', w}]},
   {'_', slot, [{'$v', w}, 256]},
   {a, new, [a, [set, public, {write_concurrency, auto}]]},
   {'_', insert, [{'$v', a}, [{I} || I <- lists:seq(1, 3000)]]},
   {'_', info, [{'$v', a}, stats]},
   {'_', '$keys', [{'$v', a}]}]},

 {options, [
   {a, new, [a, [ordered_set, {write_concurrency, true}, {decentralized_counters, false}]]},
   {'_', info, [{'$v', a}, decentralized_counters]},
   {b, new, [b, [set, {write_concurrency, true}, {decentralized_counters, true}]]},
   {'_', info, [{'$v', b}, decentralized_counters]},
   {c, new, [c, [set, {decentralized_counters, true}]]},
   {'_', info, [{'$v', c}, decentralized_counters]},
   {'_', info, [{'$v', c}, write_concurrency]},
   {d, new, [d, [bag, {write_concurrency, auto}, {write_concurrency, false}]]},
   {'_', info, [{'$v', d}, write_concurrency]},
   {'_', info, [{'$v', d}, decentralized_counters]},
   {e, new, [e, [private, {read_concurrency, true}, {write_concurrency, auto}]]},
   {'_', info, [{'$v', e}, read_concurrency]},
   {'_', info, [{'$v', e}, write_concurrency]},
   {'_', info, [{'$v', e}, decentralized_counters]},
   {f, new, [f, [duplicate_bag, bag, public, protected, private, {heir, none}, compressed, {keypos, 3}, {keypos, 2}]]},
   {'_', info, [{'$v', f}]},
   {'_', new, [g, [{read_concurrency, maybe}]]},
   {'_', new, [g, [{decentralized_counters, maybe}]]},
   {'_', new, [g, [{write_concurrency, maybe}]]},
   {'_', new, [g, [{write_concurrency, {debug_hash_fixed_number_of_locks, 0}}]]},
   {'_', new, [g, [{heir, x, y}]]},
   {'_', new, [g, [{keypos, 1 bsl 64}]]},
   {'_', new, [g, [{a, b, c, d}]]},
   {t, new, [t, [set]]},
   {'_', insert, [{'$v', t}, [{I} || I <- lists:seq(1, 30)]]},
   {'_', {erts_internal, ets_raw_first}, [{'$v', t}]},
   {'_', {erts_internal, ets_raw_next}, [{'$v', t}, 16]},
   {'_', {erts_internal, ets_raw_next}, [{'$v', t}, 1000]},
   {'_', match, [{'$v', t}, {'$1'}, 7]},
   {'_', match, [{'$elem', 2, '$last'}]},
   {'_', match_object, [{'$v', t}, {'_'}, 7]},
   {'_', match_object, [{'$elem', 2, '$last'}]},
   {'_', select_reverse, [{'$v', t}, [{{'$1'}, [], ['$1']}], 7]},
   {'_', select_reverse, [{'$elem', 2, '$last'}]},
   {'_', match, ['$end_of_table']},
   {'_', match_object, [x]},
   {'_', select_reverse, [{}]}]},

 {info_all, [
   {t, new, [t, [bag, {keypos, 3}, public, {heir, none}]]},
   {'_', insert, [{'$v', t}, [{a, b, c}, {a, b, c}, {x, y, c}]]},
   {'_', info, [{'$v', t}, size]},
   {'_', {erlang, match_spec_test}, [{a, b}, [{{'$1', '_'}, [], ['$1']}], table]},
   {'_', {erlang, match_spec_test}, [{a, b}, x, table]},
   {'_', {erlang, match_spec_test}, [{a, b}, [], foo]},
   {'_', {erlang, match_spec_test}, [x, [{'_', [], [{message, 1}]}], trace]}]}
]
"""


@pytest.mark.skipif(not ERL or not ERLC, reason="erl not installed")
def test_scenarios_agree_with_erl(tmp_path, vm):
    scenarios, expected = run_erl(tmp_path, SCENARIOS)
    failures = []
    exp = expected
    for name, steps in to_pylist(scenarios):
        E.reset()
        want_name, want = exp.hd
        exp = exp.tl
        got = run_scenario(steps)
        gs, ws = to_pylist(got), to_pylist(want)
        for i, (s, g, w) in enumerate(zip(to_pylist(steps), gs, ws)):
            if not eq_exact(g, w):
                failures.append("%s step %d %s\n   want %s\n   got  %s" % (
                    name.name, i, format_term(s)[:300], format_term(w)[:600],
                    format_term(g)[:600]))
        assert len(gs) == len(ws)
    assert not failures, "\n".join(failures[:15]) + "\n(%d differences)" % len(failures)


# -- without erl ----------------------------------------------------------------------------

BIF_TAB = """
ets:internal_request_all/0 ets:new/2 ets:delete/1 ets:delete/2 ets:delete_object/2 ets:first/1
ets:is_compiled_ms/1 ets:lookup/2 ets:lookup_element/3 ets:info/1 ets:info/2 ets:last/1
ets:match/1 ets:match/2 ets:match/3 ets:match_object/1 ets:match_object/2 ets:match_object/3
ets:member/2 ets:next/2 ets:prev/2 ets:insert/2 ets:insert_new/2 ets:rename/2
ets:safe_fixtable/2 ets:slot/2 ets:update_counter/3 ets:select/1 ets:select/2 ets:select/3
ets:select_count/2 ets:select_reverse/1 ets:select_reverse/2 ets:select_reverse/3
ets:select_replace/2 ets:match_spec_compile/1 ets:match_spec_run_r/3 ets:update_element/3
ets:give_away/3 ets:setopts/2 ets:take/2 ets:update_counter/4 ets:whereis/1
ets:internal_delete_all/2 ets:internal_select_delete/2 erlang:match_spec_test/3
erts_internal:ets_super_user/1 erts_internal:ets_raw_first/1 erts_internal:ets_raw_next/2
erts_internal:ets_lookup_binary_info/2
"""


def test_every_ets_bif_of_otp_is_registered():
    for mfa in BIF_TAB.split():
        mf, a = mfa.split("/")
        m, f = mf.split(":")
        assert (m, f, int(a)) in BIFS, mfa


def test_broken_continuations_are_badarg(vm):
    t = ets("new", A.t, NIL)
    ets("insert", t, from_seq([(i,) for i in range(50)]))
    res = ets("select", t, L(((A["$1"],), NIL, L(A["$1"]))), 10)
    cont = res[1]
    assert len(cont) == 6
    for bad in [cont[:5], (cont[0], A.x) + cont[2:], cont[:2] + (-1,) + cont[3:],
                cont[:3] + (A.nope,) + cont[4:], cont[:4] + (A.x,) + cont[5:],
                cont[:5] + (-1,), cont[:1] + (10000,) + cont[2:]]:
        with pytest.raises(ErlangError):
            ets("select", bad)
    with pytest.raises(ErlangError) as e:
        ets("select", (A.nosuch,) + cont[1:])
    assert cause_of(e.value) is A.id
    assert ets("select", E.EOT) is E.EOT


def test_failed_updates_change_nothing(vm):
    t = ets("new", A.t, NIL)
    ets("insert", t, (A.k, 1, A.x))
    with pytest.raises(ErlangError):
        ets("update_counter", t, A.k, L((2, 1), (3, 1)))
    with pytest.raises(ErlangError):
        ets("update_counter", t, A.new, L((2, 1), (3, 1)), (A.d, 0, A.x))
    with pytest.raises(ErlangError):
        ets("insert", t, L((A.a, 1), A.b))
    with pytest.raises(ErlangError):
        ets("update_element", t, A.k, L((2, 5), (1, 5)))
    assert eq_exact(_tab2list(t), L((A.k, 1, A.x)))
    assert ets("insert_new", t, L((A.z, 1), (A.k, 2))) is FALSE
    assert eq_exact(_tab2list(t), L((A.k, 1, A.x)))


def test_match_spec_compile_errors(vm):
    for bad in [NIL, A.x, L((A["_"], NIL, NIL)), L((A["_"], NIL, L(A["$1"])))]:
        with pytest.raises(ErlangError):
            ets("match_spec_compile", bad)
    with pytest.raises(ErlangError):
        ets("match_spec_run_r", L(1), VM.make_ref(), NIL)
