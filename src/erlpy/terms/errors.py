"""Erlang exceptions as Python exceptions.

An ErlangError carries class (error/exit/throw), reason and the raw
stacktrace: a Python list of frames {M, F, ArityOrArgs, Location} that the
engines extend while the exception unwinds through Erlang frames (up to
the backtrace depth, 8 as in BEAM). `erlang:raise/3` gives a finished
Erlang-list stacktrace instead (`etrace`).
"""

from .atom import A

__all__ = [
    "ErlangError", "badarg", "badarith", "error", "exit_", "throw", "ERROR", "EXIT", "THROW",
    "BACKTRACE_DEPTH",
]

ERROR = A.error
EXIT = A.exit
THROW = A.throw
BACKTRACE_DEPTH = 8


class ErlangError(Exception):
    """An Erlang exception (class, reason) raised by BIFs or by Erlang code."""

    def __init__(self, cls, reason, trace=None, etrace=None):
        self.cls = cls
        self.reason = reason
        # frames collected so far: tuples (M, F, ArityOrArgs, LocationList)
        self.trace = [] if trace is None else trace
        # a complete Erlang-list stacktrace (erlang:raise/3) or None
        self.etrace = etrace
        # set by the engine once the frame of the raising function is in `trace`
        self.located = False
        # error_info map term for BIF frames ({error_info, Map} in the location), or None
        self.error_info = None
        # args for the top frame given by error/2,3 (an Erlang list) or None
        self.frame_args = None

    def __str__(self):
        return "%s:%r" % (self.cls.name, self.reason)


def error(reason):
    return ErlangError(ERROR, reason)


def exit_(reason):
    return ErlangError(EXIT, reason)


def throw(reason):
    return ErlangError(THROW, reason)


_BADARG = A.badarg
_BADARITH = A.badarith


def badarg():
    return ErlangError(ERROR, _BADARG)


def badarith():
    return ErlangError(ERROR, _BADARITH)
