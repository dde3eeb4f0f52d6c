"""What loaded code, whichever engine runs it, agrees on with the runtime.

- Unwind: raised to suspend a process (reductions spent, waiting in receive).
  It derives from BaseException so no `except Exception` (and no Erlang
  catch) ever stops it. Engine frames it crosses push resume records
  (fn, state) onto TMP, innermost first; the scheduler moves them onto the
  process's own stack and later calls fn(value, state) for each.
- Trap: returned by a BIF that finishes by calling Erlang code (apply/3...):
  the engine calls `export` with `args` in the BIF's place.
- Exit: raised to end the current process at once with a reason that no
  catch may intercept (exit(self(), kill), a kill signal to itself).
- VM: the state shared by engines, BIFs and the scheduler (the current
  process, the code table, runtime entry points set at start-up).
"""

__all__ = ["Unwind", "PREEMPT", "WAIT", "HIBERNATE", "TMP", "Thrown", "Trap", "Exit", "Halt",
           "VM", "RawTrace", "NONVALUE", "CatchTag"]


class Unwind(BaseException):
    """Internal suspension; never visible to Erlang code."""

    def __init__(self, kind):
        BaseException.__init__(self, kind)
        self.kind = kind


PREEMPT = Unwind("preempt")
WAIT = Unwind("wait")
# erlang:hibernate/3: wait, but the frames crossed push nothing (the stack is discarded)
HIBERNATE = Unwind("hibernate")
TMP = []


class Thrown:
    """An exception on its way to a resumed frame: when a record function
    raises, the scheduler passes this as the value of the next record whose
    function has `catches` set, so that frame's catch and location apply."""

    __slots__ = ("exc",)

    def __init__(self, exc):
        self.exc = exc


class Trap:
    """A BIF's request to continue by calling an Erlang function."""

    __slots__ = ("export", "args")

    def __init__(self, export, args):
        self.export = export
        self.args = args


class Exit(BaseException):
    """The current process must exit with `reason`, bypassing catch."""

    def __init__(self, reason):
        BaseException.__init__(self, reason)
        self.reason = reason


class Halt(BaseException):
    """erlang:halt/1,2: stop the whole VM with this exit status."""

    def __init__(self, status):
        BaseException.__init__(self, status)
        self.status = status


class RawTrace:
    """The raw stacktrace an exception handler receives in x2: it keeps the
    exception, so raw_raise can rethrow it and build_stacktrace can format it."""

    __slots__ = ("exc",)

    def __init__(self, exc):
        self.exc = exc


class CatchTag:
    """A catch/try marker stored in a y register: the handler's address."""

    __slots__ = ("mod", "pc")

    def __init__(self, mod, pc):
        self.mod = mod
        self.pc = pc


class _NonValue:
    __slots__ = ()

    def __repr__(self):
        return "THE_NON_VALUE"


NONVALUE = _NonValue()


class _VM:
    """Process-wide VM state. Attributes are set by the runtime at start-up."""

    def __init__(self):
        self.current = None      # the running Process
        self.reds = 0            # reductions left in the current slice
        self.code = None         # the CodeTable
        self.send = None         # send(dest, msg) -> msg
        self.undefined_function = None  # export of error_handler:undefined_function/3
        self.node = None         # this node's name (atom)
        self.make_ref = None     # make_ref() -> a new local Ref
        self.runtime = None      # the runtime (runtime/scheduler.py Runtime)
        # the engine: call_export(export_or_fun, args) runs a call to completion
        # in the current process; entry is the record function (v, (e, args))
        # that starts one. Set by the VM (interpreter or JIT).
        self.call_export = None
        self.entry = None


VM = _VM()

# Functions run when a new VM is assembled: state kept in module globals
# (ETS tables, persistent terms, timers...) belongs to one VM, and a Python
# process runs one VM at a time.
NEW_VM_HOOKS = []


def per_vm_state(reset):
    """Register `reset` (no arguments) to forget a module's VM state when a
    new VM is assembled; returns it (usable as a decorator)."""
    NEW_VM_HOOKS.append(reset)
    return reset
