"""Stack frames of exceptions, and their Erlang form.

Engines collect frames in ErlangError.trace as Python tuples
(M, F, ArityOrArgs, location) where location is a Python list of
(key, value) pairs: ("file", "x.erl"), ("line", 12), ("error_info", Map).
build_stacktrace turns them into the list OTP returns from a catch.
"""

from ..terms import A, estr, from_seq
from ..terms.errors import BACKTRACE_DEPTH

__all__ = ["build_stacktrace", "add_frame", "bif_frame"]

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
