"""The minimal boot: enough of OTP's start-up to run `-s`/`-run`/`-eval`
commands, until the real `init` with a boot script replaces it.

- `init`: a native process registered as init that answers init.erl's
  requests (ensure_loaded, get_argument...) and stops the VM on
  init:stop/0,1.
- the boot process (traps exits, as OTP's): starts the logger server and
  `user` (OTP's own user.erl over an fd port, latin1 under -noshell), makes
  `user` its group leader, then runs the commands in order.
"""

import sys

from ..terms import (A, atom, Atom, Pid, NIL, Cons, estr, from_seq, format_term, ErlangError,
                     to_pylist, Map)
from ..code.contract import VM, Halt

__all__ = ["boot", "start"]

_INIT = A.init


def _reply(rt, to, value):
    if type(to) is Pid:
        rt.send(to, (_INIT, value))


class _Init:
    """The native init process."""

    def __init__(self, vm, flags, plain):
        self.vm = vm
        self.flags = flags      # [(Atom flag, [str values])] in command-line order
        self.plain = plain
        self.boot_pid = None
        self.boot_ref = None

    def handle(self, p, msg):
        rt = self.vm.runtime
        if type(msg) is tuple and len(msg) == 2:
            frm, req = msg
            if frm is A.stop:
                status = req
                if status is A.stop or status is A.reboot or status is A.restart:
                    status = 0
                if type(status) is not int:
                    sys.stderr.write(self._halt_text(status))
                    status = 1
                raise Halt(status)
            if type(frm) is Pid:
                _reply(rt, frm, self.request(req))
            return
        if type(msg) is tuple and len(msg) == 5 and msg[0] is A["DOWN"] and msg[1] == self.boot_ref:
            reason = msg[4]
            if reason is not A.normal:
                text = format_term((estr("init terminating in do_boot"), reason))
                sys.stdout.flush()
                sys.stderr.write(text + "\n")
                sys.stderr.write("init terminating in do_boot (%s)\n" % format_term(reason))
                sys.stderr.flush()
                raise Halt(1)

    @staticmethod
    def _halt_text(status):
        try:
            return "".join(chr(c) for c in to_pylist(status)) + "\n"
        except Exception:
            return format_term(status) + "\n"

    def request(self, req):
        if type(req) is tuple and len(req) == 2 and req[0] is A.ensure_loaded:
            mod = self.vm.ensure_loaded(req[1]) if type(req[1]) is Atom else None
            if mod is None:
                return (A.error, A.nofile)
            return (A.module, req[1])
        if type(req) is tuple and len(req) == 2 and req[0] is A.get_argument:
            vals = [from_seq([estr(v) for v in vs]) for f, vs in self.flags if f is req[1]]
            return (A.ok, from_seq(vals)) if vals else A.error
        if req is A.get_arguments:
            return from_seq([(f, from_seq([estr(v) for v in vs])) for f, vs in self.flags])
        if req is A.get_plain_arguments:
            return from_seq([estr(a) for a in self.plain])
        if req is A.get_status:
            return (A.started, A.started)
        if req is A.script_id:
            return (estr("erlpy"), estr("minimal"))
        if req is A.fetch_loaded:
            return from_seq([(m, estr("")) for m in self.vm.code.modules])
        if type(req) is tuple and req and req[0] is A.notify_when_started:
            return A.started
        return A.error


def _step_call(v, st):
    return VM.call_export(st[0], st[1])


def _step_trap_exit(v, st):
    VM.current.trap_exit = True
    return v


def _step_group_leader(v, st):
    if type(v) is Pid:
        VM.current.group_leader = v
    return v


def _step_logger_started(v, st):
    return v


def _eval_scan(v, text):
    e = VM.code.export(A.erl_scan, A.string, 1)
    return VM.call_export(e, [estr(text)])


def _eval_parse(v, text):
    if not (type(v) is tuple and len(v) == 3 and v[0] is A.ok):
        raise ErlangError(A.error, (A.badmatch, v))
    return VM.call_export(VM.code.export(A.erl_parse, A.parse_exprs, 1), [v[1]])


def _eval_exprs(v, text):
    if not (type(v) is tuple and len(v) == 2 and v[0] is A.ok):
        raise ErlangError(A.error, (A.badmatch, v))
    return VM.call_export(VM.code.export(A.erl_eval, A.exprs, 2), [v[1], NIL])


def _commands(code, commands):
    """Step records (in execution order) for -s / -run / -eval commands."""
    steps = []
    for kind, args in commands:
        if kind == "eval":
            text = " ".join(args)
            steps += [(_eval_scan, text), (_eval_parse, text), (_eval_exprs, text)]
            continue
        mod = atom(args[0])
        fun = atom(args[1]) if len(args) > 1 else A.start
        rest = args[2:]
        if kind == "s":
            call_args = [from_seq([atom(a) for a in rest])] if rest else []
        else:
            call_args = [from_seq([estr(a) for a in rest])] if rest else []
        steps.append((_step_call, (code.export(mod, fun, len(call_args)), call_args)))
    return steps


def start(vm, flags=(), commands=(), plain=()):
    """Start init and the boot process (which runs `commands`); the
    scheduler runs them once vm.run() or vm.call() drives it."""
    rt = vm.runtime
    vm.preload()
    init_state = _Init(vm, list(flags), list(plain))
    init_proc = rt.spawn_native(init_state.handle, name=_INIT)
    code = vm.code
    steps = [(_step_trap_exit, None),
             (_step_call, (code.export(A.logger_server, A.start_link, 0), [])),
             (_step_logger_started, None),
             (_step_call, (code.export(A.user, A.start, 0), [])),
             (_step_group_leader, None)]
    steps += _commands(code, commands)
    boot_proc, _ = rt.spawn(code.export(A.erlang, A.self, 0), [], None)
    boot_proc.stack = list(reversed(steps))
    boot_proc.group_leader = boot_proc.pid
    boot_proc.initial_call = (A.init, A.start, 2)
    init_state.boot_pid = boot_proc.pid
    ref = rt.make_ref()
    init_proc.monitors[ref] = (A.process, boot_proc.pid)
    boot_proc.monitored_by[ref] = (init_proc.pid, boot_proc.pid)
    init_state.boot_ref = ref
    rt.crash_reporter = _crash_reporter(rt)


def boot(vm, flags, commands, plain):
    """Boot and run until the VM halts; returns the exit status."""
    start(vm, flags, commands, plain)
    return vm.run()


def _crash_reporter(rt):
    """Send BEAM's 'Error in process' log event to the system logger."""
    fmt = estr("Error in process ~p with exit value:~n~p~n")

    def report(p, reason):
        logger = rt.registry.get(A.logger)
        if logger is None:
            return
        meta = Map.from_pairs([
            (A.error_logger, Map.from_pairs([(A.emulator, A.true), (A.tag, A.error)])),
            (A.gl, p.group_leader if p.group_leader is not None else p.pid),
            (A.pid, p.pid),
            (A.time, int(__import__("time").time() * 1000000)),
        ])
        rt.send(logger, (A.log, A.error, fmt, from_seq([p.pid, reason]), meta))
    return report
