"""Differential testing of BIFs: the same calls run in real `erl` (one run)
and in erlpy (one VM), each result printed with ~w by Erlang code on both
sides and compared line by line.

A call is (module, function, args): args is either a Python list of erlpy
terms, handed to both VMs in one external-term-format file (so no data has
to be compiled), or a str of Erlang source text for the argument list, for
arguments that must be built by Erlang code (local funs, ...). Each call is
made with apply/3 inside try; an exception shows as {Class, Reason,
TopFrame} with the frame's error_info kept (file and line dropped), so BIF
error frames are compared too.
"""

import os
import shutil
import subprocess
import tempfile

from erlpy.terms import atom, from_seq, list_to_str
from erlpy.terms.etf import term_to_binary
from tests.erlc import compile_erlang

__all__ = ["HAVE_ERL", "differences"]

HAVE_ERL = shutil.which("erl") is not None and shutil.which("erlc") is not None

_TEMPLATE = r"""
-module(%(name)s).
-export([lines/1, write/2]).

source_calls() ->
    [%(calls)s].

lines(Data) ->
    Calls = source_calls() ++ binary_to_term(Data),
    lists:flatten([io_lib:format("~w~n", [one(M, F, A)]) || {M, F, A} <- Calls]).

write(DataFile, Out) ->
    {ok, Data} = file:read_file(DataFile),
    ok = file:write_file(Out, unicode:characters_to_binary(lines(Data))).

one(M, F, A) ->
    try {ok, apply(M, F, A)}
    catch C:R:S -> {C, R, top(S)}
    end.

top([{Mod, Fun, Args, Loc} | _]) -> {Mod, Fun, Args, [I || {error_info, _} = I <- Loc]};
top(S) -> S.
"""


def _quoted(name):
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _erl_string(path):
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def differences(name, calls):
    """[(call, erl_line, erlpy_line)] for every call whose results differ."""
    from erlpy.api.vm import ErlangVM
    source = [c for c in calls if type(c[2]) is str]
    data = [c for c in calls if type(c[2]) is not str]
    items = ["{%s, %s, %s}" % (_quoted(m), _quoted(f), a) for m, f, a in source]
    d = compile_erlang(_TEMPLATE % {"name": name, "calls": ",\n     ".join(items)})
    tmp = tempfile.mkdtemp(prefix="erlpy_bifdiff")
    try:
        blob = os.path.join(tmp, "calls.bin")
        out = os.path.join(tmp, "out.txt")
        terms = from_seq([(atom(m), atom(f), from_seq(args)) for m, f, args in data])
        etf = term_to_binary(terms)
        with open(blob, "wb") as fh:
            fh.write(etf)
        subprocess.run(["erl", "-noshell", "-pa", d, "-eval",
                        "%s:write(%s, %s), halt()." % (name, _erl_string(blob), _erl_string(out))],
                       check=True, timeout=600)
        with open(out, encoding="utf-8") as fh:
            want = fh.read().split("\n")[:-1]
        vm = ErlangVM(code_path=[d]).start()
        got = list_to_str(vm.call(name, "lines", [etf])).split("\n")[:-1]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ordered = source + data
    assert len(want) == len(ordered) and len(got) == len(ordered), (len(want), len(got))
    return [(c, w, g) for c, w, g in zip(ordered, want, got) if w != g]
