"""Match specifications: compiling and running, checked by hand and against
erlang:match_spec_test/3 in a real erl."""

import shutil
import subprocess

import pytest

from erlpy.code.contract import VM
from erlpy.terms import (A, NIL, Cons, Pid, Ref, Map, BitString, TRUE, FALSE, from_seq, estr,
                         eq_exact, format_term)
from erlpy.terms.etf import binary_to_term
from erlpy.runtime import matchspec as M
from erlpy.bifs import ets as B


def L(*xs):
    return from_seq(list(xs))


V = {i: A["$%d" % i] for i in range(10)}
_ = A["_"]


class FakeProc:
    def __init__(self, pid):
        self.pid = pid


@pytest.fixture(autouse=True)
def fake_vm():
    old = (VM.current, VM.node)
    VM.current = FakeProc(Pid(A["nonode@nohost"], 9, 0, 0))
    VM.node = A["nonode@nohost"]
    yield
    VM.current, VM.node = old


def run(ms, term):
    c = M.compile_ms(ms)
    assert c is not None
    return c.run(term)


# -- heads -------------------------------------------------------------------------------

def test_variables_bind_and_compare_exactly():
    ms = L(((V[1], V[1]), NIL, L(V[1])))
    assert run(ms, (1, 1)) == 1
    assert run(ms, (1, 1.0)) is M.NOMATCH
    assert run(ms, (1, 2)) is M.NOMATCH


def test_tuple_arity_and_constants():
    ms = L(((A.a, _, 3), NIL, L(A["$_"])))
    assert eq_exact(run(ms, (A.a, 7, 3)), (A.a, 7, 3))
    assert run(ms, (A.a, 7, 3.0)) is M.NOMATCH
    assert run(ms, (A.a, 7)) is M.NOMATCH
    assert run(ms, L(A.a, 7, 3)) is M.NOMATCH


def test_float_constants_match_bit_for_bit():
    ms = L(((0.0,), NIL, L(TRUE)))
    assert run(ms, (0.0,)) is TRUE
    assert run(ms, (-0.0,)) is M.NOMATCH
    assert run(ms, (0,)) is M.NOMATCH


def test_list_and_improper_list_patterns():
    ms = L(((Cons(V[1], Cons(V[2], V[3])),), NIL, L(A["$$"])))
    r = run(ms, (L(1, 2, 3),))
    assert eq_exact(r, L(1, 2, L(3)))
    assert run(ms, (L(1),)) is M.NOMATCH
    ms2 = L(((Cons(V[1], A.x),), NIL, L(V[1])))
    assert run(ms2, (Cons(5, A.x),)) == 5


def test_map_patterns_need_keys():
    m = Map.from_pairs([(A.a, V[1])])
    ms = L(((m,), NIL, L(V[1])))
    assert run(ms, (Map.from_pairs([(A.a, 1), (A.b, 2)]),)) == 1
    assert run(ms, (Map.from_pairs([(A.b, 2)]),)) is M.NOMATCH
    assert M.compile_ms(L(((Map.from_pairs([(V[1], 1)]),), NIL, L(TRUE)))) is None


def test_whole_head_variable_and_underscore():
    assert eq_exact(run(L((V[1], NIL, L(V[1]))), (1, 2)), (1, 2))
    assert run(L((_, NIL, L(A.yes))), 42) is A.yes


def test_dollar_atoms_in_head_are_constants():
    ms = L(((A["$_"],), NIL, L(TRUE)))
    assert run(ms, (A["$_"],)) is TRUE
    assert run(ms, (1,)) is M.NOMATCH


# -- guards ---------------------------------------------------------------------------------

def test_guard_exceptions_fail_the_clause():
    ms = L(((V[1],), L((A[">"], (A["+"], V[1], 1), 2)), L(A.big)),
           (_, NIL, L(A.other)))
    assert run(ms, (5,)) is A.big
    assert run(ms, (A.x,)) is A.other      # '+' fails: clause 1 fails, clause 2 runs
    assert run(ms, (0,)) is A.other


def test_guards_must_be_exactly_true():
    ms = L(((V[1],), L(V[1]), L(A.ok)))
    assert run(ms, (TRUE,)) is A.ok
    assert run(ms, (1,)) is M.NOMATCH


def test_andalso_orelse_short_circuit_and_last_value():
    ms = L(((V[1],), L((A.andalso, (A.is_integer, V[1]), (A[">"], V[1], 3))), L(A.ok)))
    assert run(ms, (5,)) is A.ok
    assert run(ms, (A.x,)) is M.NOMATCH     # is_integer false: '>' never runs
    body = L(((V[1],), NIL, L((A.andalso, TRUE, V[1]))))
    assert run(body, (7,)) == 7
    body2 = L(((V[1],), NIL, L((A.orelse, V[1], TRUE))))
    assert run(body2, (3,)) is A.EXIT


def test_nested_andalso_chains_stay_flat():
    x = (A[">"], V[1], 0)
    for _i in range(150):
        x = (A.andalso, (A[">"], V[1], 0), x)
    ms = L(((V[1],), L(x), L(A.ok)))
    assert run(ms, (1,)) is A.ok
    assert run(ms, (0,)) is M.NOMATCH


def test_and_or_evaluate_everything():
    ms = L((_, NIL, L((A["and"], TRUE, FALSE), (A["or"], FALSE, 1))))
    assert run(ms, 0) is A.EXIT
    ms = L((_, NIL, L((A["and"], TRUE, FALSE))))
    assert run(ms, 0) is FALSE


def test_self_and_node():
    assert run(L((_, NIL, L((A.self,)))), 0) is VM.current.pid
    assert run(L((_, NIL, L((A.node,)))), 0) is A["nonode@nohost"]


# -- bodies -----------------------------------------------------------------------------------

def test_body_construction_and_const():
    ms = L(((V[1], V[2]), NIL,
            L(((V[2], (A.const, V[1]), L(V[1], V[2]), (A.const, (1, 2)),
                Map.from_pairs([(V[1], V[2])])),))))
    r = run(ms, (A.k, 5))
    assert eq_exact(r, (5, V[1], L(A.k, 5), (1, 2), Map.from_pairs([(A.k, 5)])))


def test_failing_body_call_gives_exit():
    ms = L(((V[1],), NIL, L(((V[1], (A.element, 5, A["$_"])),))))
    assert eq_exact(run(ms, (1,)), (1, A.EXIT))


def test_dollar_dollar_lists_bound_variables_in_order():
    ms = L(((V[3], V[1], _), NIL, L(A["$$"])))
    assert eq_exact(run(ms, (A.c, A.a, A.z)), L(A.a, A.c))


def test_guard_bifs():
    cases = [
        ((A.abs, -3), 3), ((A.float, 3), 3.0), ((A.trunc, 2.7), 2), ((A.round, 2.5), 3),
        ((A.round, -2.5), -3), ((A.size, b"ab"), 2), ((A.byte_size, BitString(b"\x80\x00", 9)), 2),
        ((A.bit_size, BitString(b"\x80", 3)), 3), ((A.binary_part, b"abc", 1, 2), b"bc"),
        ((A.binary_part, b"abc", ((3, -2),)), b"bc"), ((A["div"], -7, 2), -3),
        ((A["rem"], -7, 2), -1), ((A["/"], 7, 2), 3.5), ((A["bsl"], 1, 3), 8),
        ((A["bsr"], -8, 1), -4), ((A.bnot, 5), -6), ((A.length, L(1, 2)), 2),
        ((A.hd, L(1)), 1), ((A.tl, L(1, 2)), L(2)), ((A.map_size, Map.from_pairs([])), 0),
        ((A["=="], 1, 1.0), TRUE), ((A["=:="], 1, 1.0), FALSE), ((A["<"], 1, A.a), TRUE),
        ((A["/"], 1, 0), A.EXIT), ((A.hd, NIL), A.EXIT), ((A.length, Cons(1, 2)), A.EXIT),
        ((A["bsl"], 1, 1 << 70), A.EXIT), ((A["+"], 1.0e308, 1.0e308), A.EXIT),
        ((A.is_record, ((A.r, 1),), A.r, 2), TRUE), ((A.is_record, ((A.r, 1),), A.r, A.x), A.EXIT),
        ((A["not"], TRUE), FALSE), ((A["xor"], TRUE, FALSE), TRUE),
    ]
    for expr, expected in cases:
        got = run(L((_, NIL, L(expr))), 0)
        assert eq_exact(got, expected), (expr, got, expected)


# -- errors ---------------------------------------------------------------------------------------

def test_invalid_specs_are_rejected():
    bad = [
        NIL, A.x, Cons((_, NIL, NIL), A.y), L((_, NIL)), L((_, NIL, NIL)),
        L((_, NIL, L(V[1]))), L((_, NIL, L((1, 2)))), L((_, NIL, L((A.foo, 1)))),
        L((_, NIL, L((A.message, 1)))), L((_, A.x, L(TRUE))), L((_, NIL, L((A.const, 1, 2)))),
        L((_, NIL, L((A.get_tcw,)))), L((_, NIL, L((A["and"],)))),
    ]
    for ms in bad:
        assert M.compile_ms(ms) is None, format_term(ms)


def test_lint_messages():
    cms, errs = M.lint(L(((V[1], _), NIL, L(V[2], (A.message, A.x), (A.return_trace,)))))
    assert cms is None
    assert [t for _s, t in errs] == [
        "Variable $2 is unbound.", "Special form 'message' used in wrong dialect.",
        "Special form 'return_trace' used in wrong dialect."]
    _c, errs = M.lint(L((_, NIL, L((1.5, estr("abc")),))))
    assert errs[0][1].startswith('{1.500000e+00,"abc"} is neither a function call')


def test_trace_dialect():
    cms = M.compile_ms(L((L(V[1], _), NIL, L((A.message, V[1]), (A.return_trace,)))), M.TRACE)
    ctx = M.TraceContext()
    assert cms.run_trace((1, 2), ctx) == (1, M.RETURN_TRACE)
    assert cms.run_trace((1,), M.TraceContext())[0] is FALSE
    whole = M.compile_ms(L((V[1], NIL, L((A.message, V[1])))), M.TRACE)
    assert eq_exact(whole.run_trace((1, 2), M.TraceContext())[0], L(1, 2))


def test_compiled_code_is_straight_line():
    cms = M.compile_ms(L(((V[1], V[2]), L((A[">"], V[2], 10)), L(V[1]))))
    assert "while 1:" in cms.python_source
    assert cms.run((A.a, 11)) is A.a


# -- against real erl: erlang:match_spec_test/3 ------------------------------------------------

ERL = shutil.which("erl")
ERLC = shutil.which("erlc")

# {Term, MatchSpec, table | trace} cases, in Erlang syntax
CASES = r"""
[{{a,b}, [{{'$1','_'},[],[{1,2}]}], table},
 {{a,b}, [{{'$1','_'},[{is_boolean,'$1'}],['$1']}], table},
 {{a,b}, [{{'$1','_'},[],[]}], table},
 {{a,b}, [{{'$1','_'},[],['$2']}], table},
 {{a,b}, [{{'$1','_'},[],[{message, x}]}], table},
 {{a,b}, [{{'$1','_'},[],[{return_trace}, {caller}]}], table},
 {{a,b}, [{{'$1','_'},[],[{'+','$1',1}]}], table},
 {{1,b}, [{{'$1','_'},[],[{{'$1',{'+','$1',a},{'andalso',true,5},{'andalso',3,true},{'and',true,3}}}]}], table},
 {{1,b}, [{{'$1','_'},[{'+','$1',a}],['$_']},{'_',[],[nomatch1]}], table},
 {{1,b}, [{{'$1','_'},[{'==','$1',1.0}],['$$']}], table},
 {{1,b}, [{{1.0,'_'},[],['$$']}], table},
 {{1,b}, [{{'$3','$1'},[],[{{'$$', '_', {const, '$1'}, ['$1'|'$3'], #{'$1' => '$3'}}}]}], table},
 {{1,b}, [{{'$3','$1'},[],[{const}]}], table},
 {{1,b}, [{{'$3','$1'},[],[{const,1,2}, {'and'}, {foo, 1}, {get_tcw}, {self,1}]}], table},
 {[1,b], [{['$3','$1'],[],[{message,'$_'}, {return_trace}]}], trace},
 {[1,b], [{'$1',[],[{message,'$_'}, {caller}, {exception_trace}]}], trace},
 {[1,b], [{{'$1'},[],[{message,'$_'}]}], trace},
 {[1,b], [{foo,[],[{message,'$_'}]}], trace},
 {[1,b], [{'_',[{message,1}],[{message,'$_'}]}], trace},
 {[1,b], [{'_',[],[{return_trace}, {exception_trace}, {message, {{'$_'}}}]}], trace},
 {[1,b], [{'_',[],[{caller, 1}, {enable_trace}, {trace, a}, {message, 1, 2}]}], trace},
 {{1,b}, [{#{'$1' => 1},[],[]}], table},
 {#{a => 1, b => 2}, [{#{a => '$1'},[],['$1']}], table},
 {#{a => 1, b => 2}, [{#{c => '$1'},[],['$1']}], table},
 {{1,b}, x, table},
 {{1,b}, [x|y], table},
 {{1,b}, [{a,b}], table},
 {{1,b}, [{'_',b,[]}], table},
 {{1,b}, [{'_',[b|c],[a|b]}], table},
 {{1,b}, [], table},
 {{1,b}, [{'_',[],[{{{'not', 1}, {'xor', true, false}, {'or', true, 1}, {'orelse', false, 7}, {'orelse', 3, 7}, {'orelse', true, 7}, {'andalso', false, 3}}}]}], table},
 {{1,b}, [{'_',[],[{{{element, 3, '$_'}, {hd, []}, {length, [a|b]}, {abs, -3}, {float, 3}, {trunc, 2.7}, {round, 2.5}, {round, -2.5}, {size, <<1,2>>}, {bit_size, <<1:3>>}, {byte_size, <<1:9>>}, {binary_part, <<1,2,3>>, 1, 2}, {binary_part, <<1,2,3>>, {{3,-2}}}, {node}, {node, '$_'}}}]}], table},
 {{1,b}, [{'_',[],[{{{'/', 1, 0}, {'div', 7, 2}, {'rem', -7, 2}, {'/', 7, 2}, {'bsl', 1, 70}, {'-', 3}, {'+', a}, {'bnot', 5}, {is_record, {{r, 1}}, r, 2}, {map_get, a, #{a => 1}}, {is_map_key, a, #{}}, {map_size, #{}}, {'=:=', 1, 1.0}, {'==', 1, 1.0}, {'<', 1, a}, {'>=', {{}}, []}, {'=/=', 1, 1.0}, {'/=', 1, 1.0}}}]}], table},
 {{1,b}, [{'_',[],[{{{size, {{1,2,3}}}, {size, [1]}, {tl, [1,2]}, {'*', 2.0, 3}, {'-', 1.5, 1}, {'bsr', -8, 1}, {'band', 12, 10}, {'bor', 1, 2.0}, {float, 1 bsl 2000}, {trunc, 1.0e20}, {is_function, 1}, {is_binary, <<1:3>>}, {abs, -2.5}, {'div', 1, 0}, {'rem', 1.0, 1}, {'bsl', 1, -1}, {'bsl', 1, 1 bsl 70}}}]}], table},
 {{1,b}, [{'_',[],[{{{is_record, {{r, 1}}, r, 2}, {is_record, {{r, 1}}, r, 3}, {is_record, {{r, 1}}, s, 2}, {is_record, {{r, 1}}, r, a}, {map_get, b, #{a => 1}}, {is_map_key, a, x}, {binary_part, <<1,2>>, 2, 0}, {binary_part, <<1,2>>, 2, -1}, {binary_part, <<1,2>>, 3, -1}, {binary_part, <<1:9>>, 0, 1}, {element, 0, {{a}}}, {round, 1.0e30}, {'+', 1.0e308, 1.0e308}}}]}], table},
 {{1,b}, [{'_',[],[{{{'+', 1 bsl 62, 1 bsl 62}, {'*', 1.0e200, 1.0e200}, {float, 1 bsl 1100}, {'-', <<>>}, {'not', true}, {length, []}, {length, "abc"}, {hd, "a"}, {trunc, 5}, {round, 7}, {abs, 1 bsl 70}}}]}], table},
 {{1,b}, [{'_',[],[{{{is_atom, a}, {is_float, 1}, {is_integer, 1}, {is_list, []}, {is_number, 1.0}, {is_pid, {self}}, {is_port, a}, {is_reference, a}, {is_tuple, {{}}}, {is_map, #{}}, {is_binary, <<>>}, {is_function, a}}}]}], table},
 {{1,b}, [{'_',[],[{{1.5, "abc", [1,2], <<1,2>>, 'A b', 0.1, {{}}, 1 bsl 70, #{a=>1}, [a|b], "a\nb", <<"abc">>}}]}], table},
 {{1,b}, [{'_',[],[{1.5, "abc", [1,2], <<1,2>>, 'A b', 0.1, {}, 1 bsl 70, #{a=>1}, [a|b], "a\nb", <<"abc">>}]}], table},
 {{1,b}, [{'_',[],[{1, lists}]}], table},
 {{x,[1,2,3]}, [{{'$1',['$2'|'$3']},[{'=:=','$2',1}],[{{'$3','$1'}}]}], table},
 {{x,[1,2,3]}, [{{'$1',['$2'|'$3']},[{'andalso',{is_list,'$3'},{'orelse',{'>',{length,'$3'},5},{'==',{hd,'$3'},2}}}],[{{'$3','$1'}}]}], table},
 {{x,"abc"}, [{{'$1',"ab" ++ '$2'},[],['$2']}], table},
 {{x,<<"abc">>}, [{{'$1',<<"abc">>},[],['$_']}], table},
 {{x,1}, [{{'$1','$2'},[{'orelse', {'==', '$2', 1}, {'==', '$2', 2}}, {'andthen', true, true}],[ok]}], table},
 {{x,1}, [{{'$1','$2'},[{'andalso'}],[ok]}], table},
 {{x,1}, [{{'$1','$2'},[{'orelse'}],[ok]}], table},
 {{x,1}, [{{'$1','$2'},[{'or'}],[ok]}], table},
 {{x,1}, [{{'$1','$2'},[],[{{'$1'}}, {{}}, {'$1'}, {}]}], table},
 {{x,1}, [{{'$1','$2'},[],[[]]}], table},
 {{x,1}, [{{'$1','$2'},[],[{set_tcw, 5}]}], table},
 {[x,1], [{['$1','$2'],[{get_tcw}],[{set_tcw, 5}, {message, {get_tcw}}]}], trace},
 {[x,1], [{['$1','$2'],[{set_tcw, 1}],[ok]}], trace},
 {[x,1], [{['$1','$2'],[],[{is_seq_trace}, {get_seq_token}, {message, {{{is_seq_trace}, {get_seq_token}}}}]}], trace},
 {[x,1], [{['$1','$2'],[{is_seq_trace}],[ok]}], trace},
 {[x,1], [{['$1','$2'],[],[{display, 1, 2}, {silent, 1, 2}, {process_dump, 1}, {get_seq_token, 1}]}], trace},
 {[x,1], [{['$1'|'$2'],[],[ok]}], trace},
 {[x,1], [{[],[],[ok]}], trace},
 {[], [{[],[],[{message, ok}]}], trace}
]
"""

RUNNER = r"""
-module(ms_runner).
-export([main/1]).
norm(T) when is_pid(T) -> '$pid';
norm(T) when is_reference(T) -> '$ref';
norm(T) when is_list(T) -> norm_list(T);
norm(T) when is_tuple(T) -> list_to_tuple([norm(E) || E <- tuple_to_list(T)]);
norm(T) when is_map(T) -> maps:from_list([{norm(K), norm(V)} || {K, V} <- maps:to_list(T)]);
norm(T) -> T.
norm_list([H|T]) -> [norm(H)|norm_list(T)];
norm_list([]) -> [];
norm_list(T) -> norm(T).
read(In) ->
    {ok, Bin} = file:read_file(In),
    {ok, Toks, _} = erl_scan:string(binary_to_list(Bin)),
    {ok, Exprs} = erl_parse:parse_exprs(Toks),
    {value, V, _} = erl_eval:exprs(Exprs, []),
    V.
main([In, Out]) ->
    Cases = read(In),
    Res = [norm(try erlang:match_spec_test(T, MS, K) catch C:R -> {'$error', C, R} end)
           || {T, MS, K} <- Cases],
    ok = file:write_file(Out, term_to_binary({Cases, Res})),
    halt().
"""


def _norm(t):
    tt = type(t)
    if tt is Pid:
        return A["$pid"]
    if tt is Ref:
        return A["$ref"]
    if tt is tuple:
        return tuple(_norm(e) for e in t)
    if tt is Cons:
        items = []
        while type(t) is Cons:
            items.append(_norm(t.hd))
            t = t.tl
        return from_seq(items, _norm(t))
    if tt is Map:
        return Map.from_pairs([(_norm(k), _norm(v)) for k, v in t.items()])
    return t


def run_erl(tmp_path, module_src, module, data_text):
    src = tmp_path / (module + ".erl")
    src.write_text(module_src)
    subprocess.run([ERLC, "-o", str(tmp_path), str(src)], check=True, cwd=str(tmp_path))
    inp = tmp_path / "in.txt"
    inp.write_text(data_text + ".\n")
    out = tmp_path / "out.bin"
    subprocess.run([ERL, "-noshell", "-pa", str(tmp_path), "-run", module, "main",
                    str(inp), str(out)], check=True, timeout=60, cwd=str(tmp_path))
    return binary_to_term(out.read_bytes())


@pytest.mark.skipif(not ERL or not ERLC, reason="erl not installed")
def test_match_spec_test_agrees_with_erl(tmp_path):
    cases, expected = run_erl(tmp_path, RUNNER, "ms_runner", CASES)
    got_all = []
    for case in cases:
        term, ms_term, kind = case
        try:
            got = B.match_spec_test_3(term, ms_term, kind)
        except Exception as e:  # an ErlangError
            got = (A["$error"], e.cls, e.reason)
        got_all.append(_norm(got))
    bad = []
    e = expected
    for case, got in zip(cases, got_all):
        want = e.hd
        e = e.tl
        if not eq_exact(got, want):
            bad.append("%s\n  want %s\n  got  %s" % (format_term(case), format_term(want),
                                                    format_term(got)))
    assert not bad, "\n".join(bad)
    assert len(got_all) > 50
