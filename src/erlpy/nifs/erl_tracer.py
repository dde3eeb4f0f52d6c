"""erl_tracer's NIFs: the default tracer module. enabled/3 says whether a
trace event goes to the tracer in the tracer state (a local pid or port that
must be alive and differ from the tracee); trace/5 sends the event as the
message BEAM's tracing sends ({trace, Tracee, Tag, Msg[, Extra]...}, with a
time stamp as trace_ts), to a port as its external term format."""

import time

from ..terms import A, Pid, Port, Map, eq_exact
from ..terms.etf import term_to_binary
from ..code.contract import VM
from ..bifs.registry import bif

_TRACE = A.trace
_DISCARD = A.discard


def _local_pid(t):
    return type(t) is Pid and t.node is VM.runtime.node


def _local_port(t):
    return type(t) is Port and t.node is VM.runtime.node


def _port_alive(t):
    p = t.port
    return p is not None and p.alive


@bif("erl_tracer", "enabled", 3)
def enabled(tag, state, tracee):
    dead = A.remove if tag is A.trace_status else _DISCARD
    if _local_pid(state):
        if VM.runtime.process(state) is None:
            return dead
    elif _local_port(state):
        if not _port_alive(state):
            return dead
    else:
        return dead
    if eq_exact(state, tracee):
        return _DISCARD
    return _TRACE


def _timestamp(kind):
    from ..bifs.system import monotonic_ns, now
    if kind is A.monotonic:
        return monotonic_ns()
    if kind is A.strict_monotonic:
        return (monotonic_ns(), VM.runtime.unique_integer() - (1 << 59))
    if kind is A.timestamp:
        return now()
    if kind is A.cpu_timestamp:
        us = time.process_time_ns() // 1000
        return (us // 1000000000000, (us // 1000000) % 1000000, us % 1000000)
    return None


@bif("erl_tracer", "trace", 5)
def trace(tag, state, tracee, msg, opts):
    if _local_pid(state):
        to_port = False
    elif _local_port(state):
        to_port = True
    else:
        return A.ok
    absent = object()
    has = type(opts) is Map and opts.size() > 0

    def opt(key):
        return opts.get(key, absent) if has else absent

    extra = opt(A.extra)
    if extra is not absent:
        tt = [_TRACE, tracee, tag, msg, extra]
    elif tag is A.seq_trace:
        tt = [A.seq_trace, tracee, msg]
    else:
        tt = [_TRACE, tracee, tag, msg]
    for key in (A.match_spec_result, A.scheduler_id):
        v = opt(key)
        if v is not absent:
            tt.append(v)
    kind = opt(A.timestamp)
    if kind is not absent:
        ts = _timestamp(kind)
        if ts is None:
            return A.ok
        tt.append(ts)
        if tt[0] is _TRACE:
            tt[0] = A.trace_ts
    event = tuple(tt)
    if to_port:
        if _port_alive(state):
            state.port.command(term_to_binary(event))
    else:
        VM.runtime.send(state, event)
    return A.ok
