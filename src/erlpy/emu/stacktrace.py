"""Stack frames of exceptions, and their Erlang form.

Engines collect frames in ErlangError.trace as Python tuples
(M, F, ArityOrArgs, location) where location is a Python list of
(key, value) pairs: ("file", "x.erl"), ("line", 12), ("error_info", Map).
build_stacktrace turns them into the list OTP returns from a catch.
"""

from ..terms import A, estr, from_seq
from ..terms.errors import BACKTRACE_DEPTH
from ..code.contract import VM

__all__ = ["build_stacktrace", "add_frame", "bif_frame", "locate_frame"]

_FILE = A.file
_LINE = A.line
_ERROR_INFO = A.error_info


def _location(pairs):
    items = []
    for k, v in pairs:
        if k == "file":
            items.append((_FILE, estr(v)))
        elif k == "line":
            items.append((_LINE, v))
        else:
            items.append((_ERROR_INFO, v))
    return from_seq(items)


def build_stacktrace(exc):
    """The Erlang stacktrace list of an exception (cached on it)."""
    if exc.etrace is None:
        exc.etrace = from_seq([(m, f, a, _location(loc)) for (m, f, a, loc) in exc.trace])
    return exc.etrace


def add_frame(exc, mfa, args, loc):
    """Append a frame unless the trace is complete or was given by raise/3."""
    if exc.etrace is None and len(exc.trace) < BACKTRACE_DEPTH:
        m, f, a = mfa
        exc.trace.append((m, f, a if args is None else args, loc))


def bif_frame(exc, export, args):
    """The frame a failing BIF adds on top: {M, F, Args, [{error_info, ...}]}."""
    info = exc.error_info
    if info is None:
        info = export.error_info
    loc = [("error_info", info)] if info is not None else []
    add_frame(exc, (export.module, export.function, export.arity), from_seq(list(args)), loc)


def _inline_arith(ins):
    """BEAM's JIT does + and - with a literal integer inline and raises
    badarith without an erlang:'+'/2 frame; every other arithmetic BIF
    failure shows the BIF with its arguments."""
    op, a, b = ins[1], ins[3], ins[4]
    return op in ("+", "-") and ((a[0] == "c" and type(a[1]) is int) or
                          (b[0] == "c" and type(b[1]) is int))


def locate_frame(exc, mod, pc, read, bifcall):
    """Add the frame of the function running instruction `pc` of `mod`, as
    BEAM records it: for the raising function (exc not yet located) the
    failing BIF's frame first (bifcall = (export, args, pc) or the
    instruction's own BIF), then the function with its location; for a
    caller, the function and the location of its call. `read(operand)`
    gives a register's value at the time of the failure."""
    if exc.etrace is not None or len(exc.trace) >= BACKTRACE_DEPTH:
        return
    if exc.located:
        add_frame(exc, mod.mfa_at(pc), None, mod.location_at(pc))
        return
    exc.located = True
    ins = mod.code[pc]
    n = len(exc.trace)
    if bifcall is not None and bifcall[2] == pc:
        be, bargs, _ = bifcall
        if be.bif_frame:
            bif_frame(exc, be, bargs)
    elif ins[0] == "bif":
        be = mod.imports[ins[1]]
        if be.bif_frame:
            bif_frame(exc, be, [read(a) for a in ins[3]])
    elif ins[0] == "arith":
        if not _inline_arith(ins):
            bif_frame(exc, mod.imports[ins[6]], [read(ins[3]), read(ins[4])])
    elif ins[0] == "send":
        bif_frame(exc, VM.code.export(A.erlang, A.send, 2), [read(("x", 0)), read(("x", 1))])
    loc = mod.location_at(pc)
    if exc.error_info is not None and len(exc.trace) == n:
        # an instruction's own error (bs_create_bin...): the cause goes in this frame
        loc = loc + [("error_info", exc.error_info)]
    add_frame(exc, mod.mfa_at(pc), exc.frame_args, loc)
