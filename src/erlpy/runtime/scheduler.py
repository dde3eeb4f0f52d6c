"""The runtime: processes, the scheduler loop, messages and signals.

One OS thread runs every process. The run queue holds runnable processes;
each runs for a slice of CONTEXT_REDS reductions, until it waits in
receive, or until it exits. When nothing is runnable the scheduler sleeps
until the next timer or I/O event (ports register with `io_wait`).

Signals are delivered at once and in order (a message sent before an exit
is queued before the 'EXIT' message it causes), which keeps BEAM's
per-pair ordering guarantee. Exit propagation through links uses a work
list, so a chain of 100,000 linked processes does not recurse in Python.
"""

import os
import sys
import time
import traceback
from collections import deque

from ..terms import (atom, A, Pid, Port, Ref, Atom, NIL, ErlangError, TRUE, FALSE, estr,
                     format_term)
from ..terms.errors import ERROR, EXIT, THROW
from ..code.contract import VM, TMP, PREEMPT, WAIT, HIBERNATE, Unwind, Exit, Thrown
from ..emu.stacktrace import build_stacktrace
from .process import Process, RUNNABLE, WAITING, RUNNING, EXITING, EXITED
from .timers import Timers, now_ms

__all__ = ["Runtime", "CONTEXT_REDS"]

CONTEXT_REDS = 4000

_NORMAL = A.normal
_KILL = A.kill
_KILLED = A.killed
_NOPROC = A.noproc
_EXIT_TAG = A["EXIT"]
_DOWN = A["DOWN"]
_PROCESS = A.process
_NOCATCH = A.nocatch
_REPLY_DEMONITOR = A.reply_demonitor
_DEMONITOR = A.demonitor


def _native_loop(v, handler):
    """Record function of a native process: handle every queued message, then wait."""
    p = VM.current
    mb = p.mbox
    while mb:
        handler(p, mb.popleft())
    TMP.append((_native_loop, handler))
    raise WAIT


class Runtime:
    """All runtime state of one VM (one Erlang node)."""

    def __init__(self, code):
        self.code = code
        self.runq = deque()
        self.timers = Timers()
        self.procs = {}            # pid number -> Process
        self.registry = {}         # Atom -> Pid | Port
        self.node = atom("nonode@nohost")
        self.creation = 0
        self._next_pid = 0
        self._pid_serial = 0
        self._ref_counter = 0
        self._unique = 0
        self.halted = None         # exit status once erlang:halt has run
        self.exit_hooks = []       # fn(pid, reason) run when a process exits (ETS...)
        self.node_monitors = {}    # Pid -> [options] of net_kernel:monitor_nodes
        self.aliases = {}          # Ref -> (owner pid, mode): process aliases (OTP 24)
        self.io_wait = None        # fn(timeout_seconds) -> waits for port I/O; set by ports
        self.io_poll = None        # fn() -> handles ready port I/O without blocking
        self.internal_errors = 0
        self.current = None
        self.start_ms = now_ms()
        self.start_time = time.time()
        VM.code = code
        VM.send = self.send
        VM.make_ref = self.make_ref
        VM.node = self.node
        VM.runtime = self

    # -- identifiers -----------------------------------------------------------
    def new_pid(self):
        n = self._next_pid
        self._next_pid = n + 1
        if n >= (1 << 28):
            self._next_pid = 0
            self._pid_serial += 1
        return Pid(self.node, n, self._pid_serial, self.creation)

    def make_ref(self):
        self._ref_counter += 1
        c = self._ref_counter
        return Ref(self.node, (c & 0x3FFFF, (c >> 18) & 0xFFFFFFFF, (c >> 50) & 0xFFFFFFFF),
                   self.creation)

    def unique_integer(self):
        self._unique += 1
        return self._unique

    # -- processes ---------------------------------------------------------------
    def spawn(self, target, args, parent=None, link=False, monitor=False, opts=None):
        """Start a process running `target` (export or fun) on the Python list `args`.
        Returns (process, monitor_ref or None)."""
        pid = self.new_pid()
        p = Process(self, pid)
        pid.proc = p
        self.procs[pid.num] = p
        p.stack = [(VM.entry, (target, args))]
        if parent is not None:
            # a process without a group leader set is its own (the first one)
            p.group_leader = parent.group_leader if parent.group_leader is not None \
                else parent.pid
            p.spawned_by = parent.pid
            p.error_handler = parent.error_handler
        mref = None
        if link and parent is not None:
            p.links.add(parent.pid)
            parent.links.add(pid)
        if monitor and parent is not None:
            mref = self.make_ref()
            parent.monitors[mref] = (_PROCESS, pid)
            p.monitored_by[mref] = (parent.pid, pid)
        self.runq.append(p)
        return p, mref

    def spawn_native(self, handler, name=None):
        """A process written in Python: handler(process, message) runs for each
        message in arrival order (no selective receive). Used by the boot."""
        pid = self.new_pid()
        p = Process(self, pid)
        pid.proc = p
        self.procs[pid.num] = p
        p.stack = [(_native_loop, handler)]
        p.initial_call = (A.erlang, A.apply, 2)
        if name is not None:
            self.registry[name] = pid
            p.registered_name = name
        self.runq.append(p)
        return p

    def process(self, pid):
        """The live local Process for a Pid, or None."""
        p = pid.proc
        if p is not None and p.status < EXITING:
            return p
        if pid.node is self.node and pid.proc is None:
            p = self.procs.get(pid.num)
            if p is not None and p.pid == pid and p.status < EXITING:
                return p
        return None

    def whereis(self, name):
        return self.registry.get(name)

    # -- messages ------------------------------------------------------------------
    def deliver(self, p, msg):
        p.mbox.append(msg)
        if p.status == WAITING:
            p.status = RUNNABLE
            self.runq.append(p)

    def wake(self, p):
        if p.status == WAITING:
            p.status = RUNNABLE
            self.runq.append(p)

    def send(self, dest, msg):
        """erlang:send/2 semantics; returns msg, raises badarg on a bad destination."""
        t = type(dest)
        if t is Pid:
            p = dest.proc
            if p is None or p.status >= EXITING:
                p = self.process(dest)
                if p is None:
                    if dest.node is not self.node:
                        self.send_remote(dest, msg)
                    return msg
            p.mbox.append(msg)
            if p.status == WAITING:
                p.status = RUNNABLE
                self.runq.append(p)
            return msg
        if t is Atom:
            target = self.registry.get(dest)
            if target is None:
                raise ErlangError(ERROR, A.badarg)
            return self.send(target, msg)
        if t is tuple and len(dest) == 2 and type(dest[0]) is Atom and type(dest[1]) is Atom:
            if dest[1] is self.node:
                target = self.registry.get(dest[0])
                if target is None:
                    return msg
                return self.send(target, msg)
            self.send_remote(dest, msg)
            return msg
        if t is Port:
            port = dest.port
            if port is not None and port.alive:
                port.command_message(VM.current.pid if VM.current else None, msg)
            return msg
        if t is Ref:
            a = self.aliases.get(dest)
            if a is not None:
                pid, mode = a
                p = self.process(pid)
                if p is not None:
                    if mode is _REPLY_DEMONITOR:
                        self.remove_alias(dest)
                        self.demonitor(p, dest)
                    self.deliver(p, msg)
            return msg
        raise ErlangError(ERROR, A.badarg)

    def send_remote(self, dest, msg):
        """Messages to other nodes: dropped unless distribution is running."""
        dist = getattr(self, "dist", None)
        if dist is not None:
            dist.send(dest, msg)

    # -- links, monitors and exit signals -----------------------------------------
    def link(self, p, other):
        """link(Other) from process p; returns True."""
        if type(other) is Pid:
            q = self.process(other)
            if q is None:
                if other.node is not self.node:
                    return TRUE
                if p.trap_exit:
                    self.deliver(p, (_EXIT_TAG, other, _NOPROC))
                    return TRUE
                raise ErlangError(ERROR, _NOPROC)
            if q is p:
                return TRUE
            p.links.add(other)
            q.links.add(p.pid)
            return TRUE
        if type(other) is Port:
            port = other.port
            if port is None or not port.alive:
                if p.trap_exit:
                    self.deliver(p, (_EXIT_TAG, other, _NOPROC))
                    return TRUE
                raise ErlangError(ERROR, _NOPROC)
            p.links.add(other)
            port.links.add(p.pid)
            return TRUE
        raise ErlangError(ERROR, A.badarg)

    def unlink(self, p, other):
        p.links.discard(other)
        if type(other) is Pid:
            q = self.process(other)
            if q is not None:
                q.links.discard(p.pid)
        elif type(other) is Port and other.port is not None:
            other.port.links.discard(p.pid)
        return TRUE

    def monitor_process(self, p, target):
        """monitor(process, Target) from p; returns the reference."""
        ref = self.make_ref()
        obj = target
        if type(target) is Atom:
            pid = self.registry.get(target)
            obj = (target, self.node)
        elif type(target) is tuple:
            name, node = target
            pid = self.registry.get(name) if node is self.node else None
        else:
            pid = target
        q = self.process(pid) if type(pid) is Pid else None
        if q is None:
            self.deliver(p, (_DOWN, ref, _PROCESS, obj, _NOPROC))
            return ref
        p.monitors[ref] = (_PROCESS, q.pid)
        q.monitored_by[ref] = (p.pid, obj)
        return ref

    def add_alias(self, p, ref, mode):
        self.aliases[ref] = (p.pid, mode)
        if p.alias_refs is None:
            p.alias_refs = set()
        p.alias_refs.add(ref)

    def remove_alias(self, ref):
        a = self.aliases.pop(ref, None)
        if a is not None:
            p = self.process(a[0])
            if p is not None and p.alias_refs:
                p.alias_refs.discard(ref)
        return a is not None

    def demonitor(self, p, ref):
        """Remove a monitor held by p; returns True if it was active."""
        a = self.aliases.get(ref)
        if a is not None and a[1] is not A.explicit_unalias:
            self.remove_alias(ref)
        m = p.monitors.pop(ref, None)
        if m is None:
            return False
        target = m[1]
        if type(target) is Pid:
            q = self.process(target)
            if q is not None:
                q.monitored_by.pop(ref, None)
        elif type(target) is Port and target.port is not None:
            target.port.monitored_by.pop(ref, None)
        return True

    def exit_signal(self, sender, target, reason):
        """exit(Target, Reason) sent by `sender` (a Pid or Port)."""
        q = self.process(target) if type(target) is Pid else None
        if q is None:
            if type(target) is Port and target.port is not None:
                target.port.exit_signal(sender, reason)
            return
        if reason is _KILL:
            self._kill(q, _KILLED)
            return
        if q.trap_exit:
            self.deliver(q, (_EXIT_TAG, sender, reason))
        elif reason is not _NORMAL or q.pid == sender:
            self._kill(q, reason)

    def _kill(self, q, reason):
        """Make q exit with reason: at once if it is not running, else by
        raising Exit in it (the current process)."""
        cur = self.current
        if q is cur:
            raise Exit(reason)
        self.exit_process(q, reason)

    def exit_process(self, p, reason):
        """Terminate p: unregister, notify links and monitors, run exit hooks."""
        if p.status >= EXITING:
            return
        pending = [(p, reason)]
        raise_for_current = None
        while pending:
            p, reason = pending.pop()
            if p.status >= EXITING:
                continue
            p.status = EXITING
            p.exit_reason = reason
            if p.receive_timer is not None:
                self.timers.cancel(p.receive_timer)
                p.receive_timer = None
            if p.registered_name is not None:
                self.registry.pop(p.registered_name, None)
                p.registered_name = None
            if p.alias_refs:
                for ref in p.alias_refs:
                    self.aliases.pop(ref, None)
                p.alias_refs = None
            pid = p.pid
            if self.node_monitors:
                self.node_monitors.pop(pid, None)
            for hook in self.exit_hooks:
                hook(pid, reason)
            for ref, (_kind, target) in p.monitors.items():
                if type(target) is Pid:
                    q = self.process(target)
                    if q is not None:
                        q.monitored_by.pop(ref, None)
                elif type(target) is Port and target.port is not None:
                    target.port.monitored_by.pop(ref, None)
            p.monitors = {}
            for ref, (watcher, obj) in p.monitored_by.items():
                w = self.process(watcher) if type(watcher) is Pid else None
                if w is not None:
                    w.monitors.pop(ref, None)
                    a = self.aliases.get(ref)
                    if a is not None and a[1] is not A.explicit_unalias:
                        self.remove_alias(ref)
                    self.deliver(w, (_DOWN, ref, _PROCESS, obj, reason))
                elif type(watcher) is tuple:
                    watcher[0](ref, reason)   # a Python-side watcher (the API)
            p.monitored_by = {}
            links = p.links
            p.links = set()
            for other in links:
                if type(other) is Pid:
                    q = self.process(other)
                    if q is None:
                        continue
                    q.links.discard(pid)
                    if q.trap_exit:
                        self.deliver(q, (_EXIT_TAG, pid, reason))
                    elif reason is not _NORMAL:
                        if q is self.current:
                            raise_for_current = reason
                        else:
                            pending.append((q, reason))
                elif type(other) is Port and other.port is not None:
                    other.port.linked_process_exited(pid, reason)
            p.status = EXITED
            p.stack = []
            p.mbox = None
            p.dict = None
            self.procs.pop(pid.num, None)
            pid.proc = None
        if raise_for_current is not None and self.current is not None \
                and self.current.status < EXITING:
            raise Exit(raise_for_current)

    # -- the scheduler ---------------------------------------------------------------
    def run(self, until=None):
        """Run until erlang:halt (returns the exit status) or until `until()`
        is true (returns None). Waits when nothing is runnable."""
        runq = self.runq
        timers = self.timers
        heap = timers.heap
        clock = time.monotonic
        slices = 0
        while self.halted is None:
            if until is not None and until():
                return None
            # inline: a booted node always has timers pending, and this runs per slice
            if heap and heap[0].deadline <= clock() * 1000.0:
                timers.fire_due()
            if runq:
                p = runq.popleft()
                if p.status == RUNNABLE:
                    self.run_process(p)
                slices += 1
                if slices & 63 == 0 and self.io_poll is not None:
                    self.io_poll()
                continue
            if until is not None and not timers.heap and self.io_wait is None:
                raise RuntimeError("deadlock: no process can run and nothing will wake one")
            self._idle()
        return self.halted

    def _idle(self):
        deadline = self.timers.next_deadline()
        if deadline is None:
            timeout = None
        else:
            timeout = max(0.0, (deadline - now_ms()) / 1000.0)
        if self.io_wait is not None:
            self.io_wait(timeout)
        elif timeout is None:
            # nothing can ever happen again, as in erl: wait forever
            time.sleep(3600)
        elif timeout > 0:
            time.sleep(timeout)

    def run_process(self, p):
        VM.current = p
        self.current = p
        VM.reds = CONTEXT_REDS
        p.status = RUNNING
        S = p.stack
        v = p.value
        try:
            while True:
                try:
                    while S:
                        fn, st = S.pop()
                        v = fn(v, st)
                    break
                except ErlangError as e:
                    # a resumed JIT frame below may catch it, or add its frame
                    while S and not getattr(S[-1][0], "catches", False):
                        S.pop()
                    if not S:
                        raise
                    v = Thrown(e)
        except Unwind as u:
            u.__traceback__ = None
            TMP.reverse()
            S.extend(TMP)
            TMP.clear()
            p.value = None
            if p.status == RUNNING:
                if (u is WAIT or u is HIBERNATE) and not p.timed_out:
                    p.status = WAITING
                else:
                    p.status = RUNNABLE
                    self.runq.append(p)
            self._account(p)
            return
        except ErlangError as e:
            TMP.clear()
            self._end(p, self.exit_reason_of(e), e)
            return
        except Exit as x:
            TMP.clear()
            self._end(p, x.reason, None)
            return
        except RecursionError as e:
            TMP.clear()
            self.internal_error(p, e)
            return
        except Exception as e:  # a bug in erlpy: kill only this process
            TMP.clear()
            self.internal_error(p, e)
            return
        self._end(p, _NORMAL, None)

    def _account(self, p):
        p.reductions += CONTEXT_REDS - VM.reds
        VM.current = None
        self.current = None

    def _end(self, p, reason, exc):
        self._account(p)
        if p.status >= EXITING:
            return
        if exc is not None and exc.cls is not EXIT:
            self.report_crash(p, reason)
        self.exit_process(p, reason)

    @staticmethod
    def exit_reason_of(e):
        if e.cls is EXIT:
            return e.reason
        st = build_stacktrace(e)
        if e.cls is THROW:
            return ((_NOCATCH, e.reason), st)
        return (e.reason, st)

    def report_crash(self, p, reason):
        """BEAM logs 'Error in process ~p with exit value: ~p' for processes
        that die of an error or an uncaught throw; the logger decides whether to
        print it. Set by the boot (crash_reporter)."""
        reporter = getattr(self, "crash_reporter", None)
        if reporter is not None:
            reporter(p, reason)

    def internal_error(self, p, exc):
        """A Python exception escaped from erlpy's own code: a bug. Report it
        clearly on stderr, kill only this process, keep the VM running."""
        self.internal_errors += 1
        VM.current = None
        self.current = None
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        sys.stderr.write("erlpy internal error (a bug in erlpy, please report it) in process "
                         "%s:\n%s" % (format_term(p.pid), tb))
        sys.stderr.flush()
        reason = (A.erlpy_internal_error, estr("%s: %s" % (type(exc).__name__, exc)))
        if p.status < EXITING:
            self.exit_process(p, reason)

    def halt(self, status):
        self.halted = status
