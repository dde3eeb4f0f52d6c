"""Differential testing of BIFs: the same calls run in real `erl` (one run)
and in erlpy (one VM), each result printed with ~w by Erlang code on both
sides and compared line by line.

A call is (module, function, args_src): args_src is Erlang source text for
the argument list, so arguments can be pids, funs or anything `erl_source`
writes. Each call is made with apply/3 inside try; an exception shows as
{Class, Reason, TopFrame} with the frame's error_info kept (file and line
dropped), so BIF error frames are compared too.
"""

import os
import shutil
import subprocess
import tempfile

from erlpy.terms import list_to_str
from tests.erlc import compile_erlang
from tests.terms.erlref import erl_source

__all__ = ["HAVE_ERL", "differences", "src"]

HAVE_ERL = shutil.which("erl") is not None and shutil.which("erlc") is not None

_TEMPLATE = r"""
-module(%(name)s).
-export([lines/0, write/1]).

calls() ->
    [%(calls)s].

lines() ->
    lists:flatten([io_lib:format("~w~n", [one(M, F, A)]) || {M, F, A} <- calls()]).

write(File) ->
    ok = file:write_file(File, unicode:characters_to_binary(lines())).

one(M, F, A) ->
    try {ok, apply(M, F, A)}
    catch C:R:S -> {C, R, top(S)}
    end.

top([{Mod, Fun, Args, Loc} | _]) -> {Mod, Fun, Args, [I || {error_info, _} = I <- Loc]};
top(S) -> S.
"""


def src(term):
    """Erlang source text for an erlpy term (no local funs)."""
    return erl_source(term)


def _quoted(name):
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _module(name, calls):
    items = ["{%s, %s, %s}" % (_quoted(m), _quoted(f), a) for m, f, a in calls]
    return _TEMPLATE % {"name": name, "calls": ",\n     ".join(items)}


def differences(name, calls, extra_path=()):
    """[(call, erl_line, erlpy_line)] for every call whose results differ."""
    from erlpy.api.vm import ErlangVM
    d = compile_erlang(_module(name, calls))
    tmp = tempfile.mkdtemp(prefix="erlpy_bifdiff")
    try:
        out = os.path.join(tmp, "out.txt")
        subprocess.run(["erl", "-noshell", "-pa", d, "-eval",
                        "%s:write(\"%s\"), halt()." % (name, out)],
                       check=True, timeout=600)
        with open(out, encoding="utf-8") as fh:
            want = fh.read().split("\n")[:-1]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    vm = ErlangVM(code_path=[d] + list(extra_path)).start()
    got = list_to_str(vm.call(name, "lines", [])).split("\n")[:-1]
    assert len(want) == len(calls) and len(got) == len(calls), (len(want), len(got))
    return [(c, w, g) for c, w, g in zip(calls, want, got) if w != g]
