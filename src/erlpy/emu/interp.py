"""The closure-threaded interpreter.

One flat loop runs a process's Erlang code: simple instructions are closures
`f(X, y) -> next pc`; calls, returns, frame allocation and suspending
receives return a negative control code handled here. Erlang calls never
recurse in Python: a body call pushes (module, return pc, y frame) on the
process's explicit stack, so 1,000,000-deep recursion is a long list, not a
deep Python stack.

Suspension follows the unwind-on-suspend contract (code/contract.py): on
preemption or an empty mailbox the loop pushes one resume record holding
its whole state (module, pc, stack, frame, live x registers) and raises
Unwind; the scheduler later calls resume(value, state).

Exceptions: an ErlangError raised by an instruction or a BIF collects stack
frames from the explicit stack (BEAM's backtrace), then the loop looks for
a catch tag in the current frame and in the saved frames, innermost first,
and continues at the handler with x0..x3 = non-value, class, reason, raw
trace, as BEAM's handlers expect.
"""

from functools import partial

from ..terms import Atom, Fun, ExportFun, A, ErlangError, from_seq
from ..terms.errors import ERROR, BACKTRACE_DEPTH
from ..code.contract import VM, TMP, PREEMPT, WAIT, Trap, CatchTag, NONVALUE, RawTrace
from ..loader.transform import X_REGS
from .ops import (build_closure, C_CALL, C_CALL_ONLY, C_CALL_EXT, C_CALL_EXT_ONLY, C_RETURN,
                  C_ALLOCATE, C_APPLY, C_APPLY_LAST, C_CALL_FUN, C_CALL_FUN2, C_WAIT,
                  C_WAIT_TIMEOUT)
from .stacktrace import add_frame, bif_frame, locate_frame
from . import receive

__all__ = ["call_export", "entry", "resume", "XREGS", "build", "error_handler_call"]

# The x registers: one array shared by all processes (only one runs at a
# time; live registers are saved when a process is suspended), followed by
# the float registers.
XREGS = [None] * (X_REGS + 256)

def build(mod):
    """The closure table of a module. Each instruction's closure is built the
    first time it runs, so loading stays cheap and unused code costs nothing."""
    code = [partial(_build_on_first_use, mod, pc) for pc in range(len(mod.code))]
    mod.emu_code = code
    return code


def _build_on_first_use(mod, pc, X, y):
    f = mod.emu_code[pc] = build_closure(mod, pc, mod.code[pc])
    return f(X, y)


def _read(op, X, y):
    k = op[0]
    if k == "x":
        return X[op[1]]
    if k == "y":
        return y[op[1]]
    return op[1]


def error_handler_call(e, args):
    """A call of export `e`, which nothing defines, goes to
    error_handler:undefined_function(M, F, Args) as in BEAM: returns that
    export and its arguments; raises undef if the handler is missing too."""
    handler = VM.undefined_function
    if handler is None or (handler.module_obj is None and handler.bif is None) or handler is e:
        exc = ErlangError(ERROR, A.undef)
        exc.trace.append((e.module, e.function, from_seq(list(args)), []))
        raise exc
    return handler, [e.module, e.function, from_seq(list(args))]


def _undefined_target(e, n, X):
    """Redirect a call of an undefined function to the error handler."""
    handler, X[:3] = error_handler_call(e, X[:n])
    return handler


def _badarity(f, n, X):
    return ErlangError(ERROR, (A.badarity, (f, from_seq(X[:n]))))


def _catch_tag(y):
    if y:
        for v in y:
            if type(v) is CatchTag:
                return v
    return None


def call_export(e, args):
    """Run `e` (an export or a fun) on `args` in the current process until it
    returns: the entry record of a new process. May raise Unwind or ErlangError."""
    X = XREGS
    while True:
        if type(e) is Fun:
            fe = e.entry
            n = len(args)
            X[:n] = args
            if fe.arity - len(e.env) != n:
                raise _badarity(e, n, X)
            X[n:n + len(e.env)] = e.env
            return _run(fe.module_obj, fe.entry, [], None)
        f = e.bif
        if f is not None:
            try:
                r = f(*args)
            except ErlangError as exc:
                if not exc.located:
                    exc.located = True
                    if e.bif_frame:
                        bif_frame(exc, e, args)
                raise
            if type(r) is Trap:
                e, args = r.export, r.args
                continue
            return r
        m = e.module_obj
        n = len(args)
        X[:n] = args
        if m is not None:
            return _run(m, e.entry, [], None)
        e = _undefined_target(e, n, X)
        args = X[:3]


def entry(v, state):
    """Record function that starts a call: state is (export or fun, args)."""
    return call_export(state[0], state[1])


def resume(v, state):
    """Resume record function: continue a suspended interpreter run."""
    mod, npc, stack, y, xs = state
    if xs:
        XREGS[:len(xs)] = xs
    return _run(mod, npc, stack, y)


def _run(mod, npc, stack, y):
    X = XREGS
    vm = VM
    code = mod.emu_code
    if code is None:
        code = build(mod)
    mcode = mod.code
    imports = mod.imports
    bifcall = None
    pc = npc
    while True:
        try:
            while True:
                while npc >= 0:
                    pc = npc
                    npc = code[pc](X, y)
                ins = mcode[pc]
                if npc == C_CALL:
                    stack.append((mod, pc + 1, y))
                    npc = ins[2]
                    y = None
                    r = vm.reds - 1
                    vm.reds = r
                    if r <= 0:
                        TMP.append((resume, (mod, npc, stack, None, tuple(X[:ins[1]]))))
                        raise PREEMPT
                    continue
                if npc == C_RETURN:
                    if not stack:
                        return X[0]
                    m, npc, y = stack.pop()
                    if m is not mod:
                        mod = m
                        code = m.emu_code
                        mcode = m.code
                        imports = m.imports
                    continue
                if npc == C_ALLOCATE:
                    y = [None] * ins[1]
                    npc = pc + 1
                    continue
                if npc == C_CALL_ONLY:
                    # the closure jumps directly; we get here when the slice is over
                    TMP.append((resume, (mod, ins[2], stack, None, tuple(X[:ins[1]]))))
                    raise PREEMPT
                # -- calls through export entries and funs ---------------------
                if npc == C_CALL_EXT or npc == C_CALL_EXT_ONLY:
                    e = imports[ins[2]]
                    n = ins[1]
                    tail = npc == C_CALL_EXT_ONLY
                elif npc == C_CALL_FUN or npc == C_CALL_FUN2:
                    n = ins[1]
                    f = X[n] if npc == C_CALL_FUN else _read(ins[2], X, y)
                    tail = False
                    tf = type(f)
                    if tf is Fun:
                        e = f
                    elif tf is ExportFun:
                        if f.arity != n:
                            raise _badarity(f, n, X)
                        e = f.export
                        if e is None:
                            e = vm.code.export(f.module, f.function, f.arity)
                    else:
                        raise ErlangError(ERROR, (A.badfun, f))
                elif npc == C_APPLY or npc == C_APPLY_LAST:
                    n = ins[1]
                    m, f = X[n], X[n + 1]
                    if type(m) is not Atom or type(f) is not Atom:
                        raise ErlangError(ERROR, A.badarg)
                    e = vm.code.export(m, f, n)
                    tail = npc == C_APPLY_LAST
                elif npc == C_WAIT:
                    # nothing can arrive between the failed loop_rec and here
                    TMP.append((resume, (mod, ins[1], stack, y, ())))
                    raise WAIT
                elif npc == C_WAIT_TIMEOUT:
                    # resumed at the label after a message or the timeout: the
                    # receive loop comes back here and sees timed_out
                    if receive.timed_out(vm.current, _read(ins[2], X, y)):
                        npc = pc + 1
                        continue
                    # a timeout in an x register is read again when the receive resumes
                    src = ins[2]
                    live = tuple(X[:src[1] + 1]) if src[0] == "x" else ()
                    TMP.append((resume, (mod, ins[1], stack, y, live)))
                    raise WAIT
                else:
                    raise SystemError("bad control code %d at %s:%d" % (npc, mod.name, pc))

                # invoke e (an export or a fun) on X[0..n-1]; `tail`: no return
                while True:
                    if type(e) is Fun:
                        fe = e.entry
                        env = e.env
                        if fe.arity - len(env) != n:
                            raise _badarity(e, n, X)
                        if env:
                            X[n:n + len(env)] = env
                            n += len(env)
                        m = fe.module_obj
                        entry = fe.entry
                    else:
                        f = e.bif
                        if f is not None:
                            args = X[:n]
                            bifcall = (e, args, pc)
                            r = f(*args)
                            bifcall = None
                            if type(r) is Trap:
                                e = r.export
                                args = r.args
                                n = len(args)
                                X[:n] = args
                                continue
                            X[0] = r
                            npc = C_RETURN if tail else pc + 1
                            break
                        m = e.module_obj
                        entry = e.entry
                    if m is not None:
                        if not tail:
                            stack.append((mod, pc + 1, y))
                        y = None
                        if m is not mod:
                            mod = m
                            code = m.emu_code
                            if code is None:
                                code = build(m)
                            mcode = m.code
                            imports = m.imports
                        npc = entry
                        r = vm.reds - 1
                        vm.reds = r
                        if r <= 0:
                            TMP.append((resume, (mod, npc, stack, None, tuple(X[:n]))))
                            raise PREEMPT
                        break
                    e = _undefined_target(e, n, X)
                    n = 3
        except ErlangError as exc:
            _locate(exc, mod, pc, stack, bifcall, X, y)
            bifcall = None
            tag = _catch_tag(y)
            if tag is None:
                k = len(stack) - 1
                while k >= 0:
                    tag = _catch_tag(stack[k][2])
                    if tag is not None:
                        y = stack[k][2]
                        del stack[k:]
                        break
                    k -= 1
                if tag is None:
                    raise
            X[0] = NONVALUE
            X[1] = exc.cls
            X[2] = exc.reason
            X[3] = RawTrace(exc)
            m = tag.mod
            if m is not mod:
                mod = m
                code = m.emu_code
                mcode = m.code
                imports = m.imports
            npc = tag.pc


def _locate(exc, mod, pc, stack, bifcall, X, y):
    """Add the frames of this run to an exception's trace: the current
    function's (and a failing BIF's), then the return addresses on the stack."""
    locate_frame(exc, mod, pc, lambda op: _read(op, X, y), bifcall)
    for m, rpc, _ in reversed(stack):
        if exc.etrace is not None or len(exc.trace) >= BACKTRACE_DEPTH:
            break
        add_frame(exc, m.mfa_at(rpc - 1), None, m.location_at(rpc - 1))
