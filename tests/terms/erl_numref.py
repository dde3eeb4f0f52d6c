"""Run many BIF calls through real `erl` and through erlpy, as comparable text.

A call is (module, function, args) with args a Python list of erlpy terms.
Both sides print each result (or `!class:reason`) in one canonical form:
floats as their 64-bit pattern, so that comparisons are bit-exact, binaries
in hex.
"""

import os
import shutil
import struct
import subprocess
import tempfile

from erlpy.terms import Atom, Cons, NIL, ErlangError, atom, from_seq
from erlpy.bifs.registry import BIFS

__all__ = ["HAVE_ERL", "erl_results", "py_results", "canon", "f2bits", "bits2f"]

HAVE_ERL = shutil.which("erl") is not None and shutil.which("erlc") is not None

_MODULE = r"""
-module(erlpy_numref).
-export([main/1]).

main([In, Out]) ->
    {ok, Bin} = file:read_file(In),
    Calls = binary_to_term(Bin),
    {ok, Fd} = file:open(Out, [write, raw, binary, {delayed_write, 1 bsl 20, 1000}]),
    lists:foreach(fun({M, F, A}) -> ok = file:write(Fd, [res(call(M, F, A)), $\n]) end, Calls),
    ok = file:close(Fd),
    halt(0).

call(M, F, A) ->
    try {ok, apply(M, F, A)} catch C:E -> {C, E} end.

res({ok, V}) -> enc(V);
res({C, E}) -> ["!", atom_to_list(C), ":", enc(E)].

enc(F) when is_float(F) ->
    <<N:64>> = <<F/float>>,
    H = integer_to_list(N, 16),
    ["f", lists:duplicate(16 - length(H), $0), string:lowercase(H)];
enc(I) when is_integer(I) -> integer_to_list(I);
enc(A) when is_atom(A) -> ["'", atom_to_list(A), "'"];
enc(B) when is_binary(B) -> ["<<", binary:encode_hex(B), ">>"];
enc(T) when is_tuple(T) -> ["{", lists:join(",", [enc(X) || X <- tuple_to_list(T)]), "}"];
enc([]) -> "[]";
enc([H | T]) -> ["[", enc(H), enc_tail(T), "]"];
enc(_) -> "?".

enc_tail([]) -> [];
enc_tail([H | T]) -> [",", enc(H) | enc_tail(T)];
enc_tail(T) -> ["|", enc(T)].
"""


def f2bits(f):
    return struct.unpack(">Q", struct.pack(">d", f))[0]


def bits2f(n):
    return struct.unpack(">d", struct.pack(">Q", n))[0]


def _etf(t, out):
    """Append the external term format of t (ints, floats, atoms, tuples, lists,
    binaries) to the bytearray out: erl reads the calls with binary_to_term."""
    tt = type(t)
    if tt is int:
        if 0 <= t < 256:
            out += b"\x61" + bytes((t,))
        elif -2 ** 31 <= t < 2 ** 31:
            out += b"\x62" + struct.pack(">i", t)
        else:
            mag = -t if t < 0 else t
            raw = mag.to_bytes((mag.bit_length() + 7) // 8, "little")
            out += b"\x6f" + struct.pack(">I", len(raw)) + bytes((t < 0,)) + raw
    elif tt is float:
        out += b"\x46" + struct.pack(">d", t)
    elif tt is Atom:
        raw = t.name.encode("utf-8")
        out += b"\x76" + struct.pack(">H", len(raw)) + raw
    elif tt is tuple:
        out += b"\x69" + struct.pack(">I", len(t))
        for x in t:
            _etf(x, out)
    elif tt is bytes:
        out += b"\x6d" + struct.pack(">I", len(t)) + t
    elif t is NIL:
        out += b"\x6a"
    elif tt is Cons:
        items = []
        while type(t) is Cons:
            items.append(t.hd)
            t = t.tl
        out += b"\x6c" + struct.pack(">I", len(items))
        for x in items:
            _etf(x, out)
        _etf(t, out)
    else:
        raise TypeError("cannot encode %r" % (t,))


def canon(t):
    """The text erlpy_numref:enc/1 prints for the same term."""
    tt = type(t)
    if tt is float:
        return "f%016x" % f2bits(t)
    if tt is int:
        return str(t)
    if tt is Atom:
        return "'%s'" % t.name
    if tt is bytes:
        return "<<" + t.hex().upper() + ">>"
    if tt is tuple:
        return "{" + ",".join(canon(x) for x in t) + "}"
    if t is NIL:
        return "[]"
    if tt is Cons:
        out = []
        while type(t) is Cons:
            out.append(canon(t.hd))
            t = t.tl
        tail = "" if t is NIL else "|" + canon(t)
        return "[" + ",".join(out) + tail + "]"
    return "?"


def erl_results(calls):
    """Results of the calls in real OTP (one erl run), as canonical strings."""
    d = tempfile.mkdtemp(prefix="erlpy_numref")
    try:
        with open(os.path.join(d, "erlpy_numref.erl"), "w") as fh:
            fh.write(_MODULE)
        subprocess.run(["erlc", "-o", d, os.path.join(d, "erlpy_numref.erl")], check=True)
        inp = os.path.join(d, "calls.bin")
        out = os.path.join(d, "out.txt")
        blob = bytearray(b"\x83\x6c" + struct.pack(">I", len(calls)))
        for m, f, args in calls:
            _etf((atom(m), atom(f), from_seq(args)), blob)
        blob += b"\x6a"
        with open(inp, "wb") as fh:
            fh.write(blob)
        subprocess.run(["erl", "-noshell", "-pa", d, "-run", "erlpy_numref", "main", inp, out],
                       check=True, timeout=600)
        with open(out) as fh:
            return fh.read().split("\n")[:-1]
    finally:
        shutil.rmtree(d, ignore_errors=True)


def py_results(calls):
    """Results of the same calls through erlpy's registered BIFs."""
    out = []
    for m, f, args in calls:
        fn = BIFS[(m, f, len(args))][0]
        try:
            out.append(canon(fn(*args)))
        except ErlangError as e:
            out.append("!%s:%s" % (e.cls.name, canon(e.reason)))
    return out

