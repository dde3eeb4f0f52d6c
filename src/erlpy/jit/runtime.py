"""What generated code calls besides its own functions: entry into other
modules through export entries, funs, apply, traps, and exception location.

Nothing here may recurse through `f(*args)` on a hot path: calls into
generated functions have a fixed number of arguments (CF<n> helpers are
made per arity)."""

import sys

from ..terms import Atom, Fun, ExportFun, A, ErlangError, from_seq
from ..terms.errors import ERROR, BACKTRACE_DEPTH
from ..code.contract import VM, Trap
from ..emu.stacktrace import locate_frame, bif_frame, add_frame
from ..emu.interp import error_handler_call

__all__ = ["call_export", "entry", "call_local", "bind", "bind_fun", "trap", "apply",
           "fun_caller", "locate"]

# set by jit/engine.py: module_functions(module) -> {entry pc: python function}
module_functions = None

_GENERATED = "<erlpy-jit "


def _undefined(e):
    """Calls of a function no module defines go to the error handler."""
    def undefined(*args):
        handler, hargs = error_handler_call(e, args)
        return _call(handler, hargs)
    return undefined


def _bif_caller(e):
    """An export implemented in Python, called through apply or a fun."""
    f = e.bif

    def call(*args):
        try:
            r = f(*args)
        except ErlangError as exc:
            if not exc.located and e.bif_frame and not hasattr(exc, "bifcall"):
                exc.bifcall = (e, list(args))
            raise
        if type(r) is Trap:
            return _call(r.export, r.args)
        return r
    return call


def bind(e):
    """The Python callable behind export `e` (cached in e.engine_entry until
    the module is reloaded)."""
    if e.bif is not None:
        fn = _bif_caller(e)
    elif e.module_obj is None:
        return _undefined(e)
    else:
        fn = module_functions(e.module_obj)[e.entry]
    e.engine_entry = fn
    return fn


def bind_fun(fe):
    m = fe.module_obj
    if m is None:
        raise ErlangError(ERROR, A.undef)
    fn = fe.engine_entry = module_functions(m)[fe.entry]
    return fn


def _badarity(f, args):
    return ErlangError(ERROR, (A.badarity, (f, from_seq(list(args)))))


def call_export(e, args):
    """Call an export or a fun on a list of arguments, with no Erlang frame
    below (a process's first call, a boot step): a failing BIF's frame is
    added here."""
    try:
        return _call(e, args)
    except ErlangError as exc:
        if not exc.located and hasattr(exc, "bifcall"):
            exc.located = True
            be, bargs = exc.bifcall
            bif_frame(exc, be, bargs)
        raise


def _call(e, args):
    """Call an export or a fun on a list of arguments."""
    if type(e) is Fun:
        fe = e.entry
        env = e.env
        if fe.arity - len(env) != len(args):
            raise _badarity(e, args)
        fn = fe.engine_entry or bind_fun(fe)
        return fn(*args, *env)
    if type(e) is ExportFun:
        if e.arity != len(args):
            raise _badarity(e, args)
        e = e.export or VM.code.export(e.module, e.function, e.arity)
    return (e.engine_entry or bind(e))(*args)


def entry(v, state):
    """Record function that starts a call: state is (export or fun, args)."""
    return call_export(state[0], state[1])


def call_local(v, state):
    """Record function of a preempted call: state is (function, args)."""
    return state[0](*state[1])


def trap(t):
    """A BIF asked to continue in Erlang code."""
    return _call(t.export, t.args)


def apply(m, f, args):
    if type(m) is not Atom or type(f) is not Atom:
        raise ErlangError(ERROR, A.badarg)
    e = VM.code.export(m, f, len(args))
    return (e.engine_entry or bind(e))(*args)


_FUN_CALLERS = {}

_FUN_CALLER = '''
def make(Fun, ExportFun, bind, bind_fun, badarity, badfun, VM):
    def call_fun(f{params}):
        if type(f) is Fun:
            fe = f.entry
            env = f.env
            if fe.arity - len(env) != {n}:
                raise badarity(f, [{args}])
            fn = fe.engine_entry or bind_fun(fe)
            k = len(env)
            if k == 0:
                return fn({args})
{env_cases}
            return fn({args_comma}*env)
        if type(f) is ExportFun:
            if f.arity != {n}:
                raise badarity(f, [{args}])
            e = f.export or VM.code.export(f.module, f.function, f.arity)
            return (e.engine_entry or bind(e))({args})
        raise badfun(f)
    return call_fun
'''


def _badfun(f):
    return ErlangError(ERROR, (A.badfun, f))


def fun_caller(n):
    """The helper that calls a fun with n arguments (CF<n> in generated code)."""
    fn = _FUN_CALLERS.get(n)
    if fn is None:
        args = ", ".join("a%d" % i for i in range(n))
        cases = []
        for k in range(1, 5):
            env = ", ".join("env[%d]" % i for i in range(k))
            cases.append("            if k == %d:\n                return fn(%s%s)" % (
                k, args + ", " if args else "", env))
        src = _FUN_CALLER.format(params="".join(", a%d" % i for i in range(n)), n=n, args=args,
                                 args_comma=args + ", " if args else "",
                                 env_cases="\n".join(cases))
        ns = {}
        exec(compile(src, "<erlpy-jit call_fun/%d>" % n, "exec"), ns)
        fn = _FUN_CALLERS[n] = ns["make"](Fun, ExportFun, bind, bind_fun, _badarity, _badfun,
                                          VM)
    return fn


def locate(exc, mod, pc):
    """Record an exception's trace where it is raised, as BEAM does: the
    failing BIF (its arguments read from the raising function's registers,
    its Python locals), the raising function, then its callers, from the
    Python stack and the process's resume records. Callers that see it
    later add nothing."""
    if exc.located:
        return
    ins = mod.code[pc]
    frame = sys._getframe(1)
    regs = frame.f_locals if ins[0] in _READS_REGISTERS else {}

    def read(op):
        k = op[0]
        if k == "x" or k == "y":
            return regs.get("%s%d" % (k, op[1]))
        return op[1]
    bifcall = None
    if hasattr(exc, "bifcall"):
        # a BIF called through apply, a fun or a trap (which may have
        # overwritten x0 with the trap)
        e, args = exc.bifcall
        bifcall = (e, args, pc)
    elif ins[0] in ("call_ext", "call_ext_only", "call_ext_last"):
        e = mod.imports[ins[2]]
        if e.bif is not None:
            bifcall = (e, [regs.get("x%d" % i) for i in range(ins[1])], pc)
    locate_frame(exc, mod, pc, read, bifcall)
    _callers(exc, frame.f_back)


def _process_base():
    """The code of the scheduler function that runs a process's records: no
    Erlang frame of this process is below it on the Python stack."""
    rt = VM.runtime
    fn = getattr(rt, "run_process", None)
    return getattr(getattr(fn, "__func__", fn), "__code__", None)


# instructions whose failure shows a BIF frame with register operands
_READS_REGISTERS = {"bif", "arith", "send", "call_ext", "call_ext_only", "call_ext_last"}


def _callers(exc, f):
    """Frames of the callers of a raising function: generated functions on
    the Python stack (not those in a tail call: BEAM has dropped them), then
    the frames the process has saved in resume records."""
    base = _process_base()
    while f is not None:
        if len(exc.trace) >= BACKTRACE_DEPTH:
            return
        code = f.f_code
        if code is base:
            break
        if code.co_filename.startswith(_GENERATED) and code.co_name[0] in "fg":
            g = f.f_globals
            pc = g["LINES"].get(f.f_lineno)
            if pc is not None and f.f_lineno not in g["TAILS"]:
                m = g["MOD"]
                add_frame(exc, m.mfa_at(pc), None, m.location_at(pc))
        f = f.f_back
    p = VM.current
    if p is None:
        return
    for fn, st in reversed(p.stack):
        if len(exc.trace) >= BACKTRACE_DEPTH:
            return
        if getattr(fn, "catches", False):
            m = fn.__globals__["MOD"]
            pc = st[0] - 1
            add_frame(exc, m.mfa_at(pc), None, m.location_at(pc))
