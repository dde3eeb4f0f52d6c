"""Assemble a VM: the code table with every BIF bound, the runtime, ports,
the code path and module loading from it."""

import glob
import os
import sys

from ..terms import atom, Atom
from ..terms import etf
from ..code.table import CodeTable, BadBeam
from ..code.contract import VM, Halt, NEW_VM_HOOKS
from ..bifs import registry
from ..runtime.scheduler import Runtime
from ..ports.port import PortTable
from . import boot as _boot  # registers erlpy:booted/0 before BIFs are bound

__all__ = ["ErlangVM", "ProcessExit", "otp_root", "otp_lib_dirs", "select_engine", "ENGINES"]


class ProcessExit(Exception):
    """The Erlang process running a call exited instead of returning."""

    def __init__(self, reason):
        Exception.__init__(self, reason)
        self.reason = reason

    def __str__(self):
        from ..terms import format_term
        return "process exited: " + format_term(self.reason)

# Modules whose BIFs must be registered before the VM starts.
_BIF_MODULES = [
    "processes", "system", "ports", "erlang_terms", "lists", "math", "unicode", "numbers",
    "binary", "maps", "ets", "etf", "atomics", "misc", "re",
]
# Python NIFs of the modules OTP links statically into beam.smp (erlpy.nifs).
_NIF_MODULES = ["prim_file", "prim_buffer", "zlib", "erl_tracer"]
# Built-in port drivers (erlpy.ports), registered by name.
_DRIVER_MODULES = ["inet", "tty"]

def otp_root():
    return os.environ.get("ERLPY_OTP_ROOT", "/usr/lib/erlang")


def otp_lib_dirs(root=None):
    """ebin directories of the OTP applications, newest version of each."""
    root = root or otp_root()
    dirs = {}
    for d in sorted(glob.glob(os.path.join(root, "lib", "*", "ebin"))):
        app = os.path.basename(os.path.dirname(d)).split("-")[0]
        dirs[app] = d
    return dirs


ENGINES = ("jit", "interp")


def select_engine(name=None):
    """Make `name` (or $ERLPY_ENGINE, default the JIT) the engine that runs
    Erlang code; returns its name."""
    name = name or os.environ.get("ERLPY_ENGINE") or "jit"
    if name not in ENGINES:
        raise ValueError("unknown engine %r (expected one of %s)" % (name, ", ".join(ENGINES)))
    if name == "jit":
        from ..jit import engine
    else:
        from ..emu import interp as engine
    VM.call_export = engine.call_export
    VM.entry = engine.entry
    return name


def _register_bifs():
    import importlib
    for package, names in (("erlpy.bifs.", _BIF_MODULES), ("erlpy.nifs.", _NIF_MODULES),
                           ("erlpy.ports.", _DRIVER_MODULES)):
        for name in names:
            try:
                importlib.import_module(package + name)
            except ImportError as e:
                if e.name != package + name:
                    raise


class ErlangVM:
    """One Erlang node running inside this Python process."""

    def __init__(self, code_path=(), extra_path_end=(), engine=None):
        if hasattr(sys, "set_int_max_str_digits"):
            sys.set_int_max_str_digits(0)
        self.engine = select_engine(engine)
        _register_bifs()
        for reset in NEW_VM_HOOKS:
            reset()
        self.code = CodeTable()
        registry.install(self.code)
        self.runtime = Runtime(self.code)
        self.ports = PortTable(self.runtime)
        self.runtime.vm = self
        from ..runtime import ets
        self.runtime.exit_hooks.append(ets.process_exited)
        libs = otp_lib_dirs()
        self.erts_ebin = libs.get("erts")
        self.code_path = list(code_path)
        self.user_path = list(code_path)
        self.user_path_end = list(extra_path_end)
        self.booted = False
        for app in ("kernel", "stdlib", "compiler"):
            if app in libs:
                self.code_path.append(libs[app])
        for app, d in sorted(libs.items()):
            if d not in self.code_path and app != "erts":
                self.code_path.append(d)
        self.code_path.extend(extra_path_end)
        etf.HOOKS.make_pid = self._make_pid
        etf.HOOKS.make_fun = self._make_fun
        etf.HOOKS.make_export_fun = lambda m, f, a: self.code.export(m, f, a).fun
        VM.undefined_function = self.code.export(atom("error_handler"),
                                                 atom("undefined_function"), 3)
        self.runtime.preloaded = []

    # -- term hooks --------------------------------------------------------------------
    def _make_pid(self, node, num, serial, creation):
        from ..terms import Pid
        rt = self.runtime
        if node is rt.node:
            p = rt.procs.get(num)
            if p is not None and p.pid.serial == serial:
                return p.pid
        return Pid(node, num, serial, creation)

    def _make_fun(self, module, index, old_uniq, uniq16, arity, pid, env):
        from ..terms import Fun
        fe = self.code.fun_entry(module, index, old_uniq)
        if fe is None:
            if self.ensure_loaded(module) is not None:
                fe = self.code.fun_entry(module, index, old_uniq)
        if fe is None:
            from ..code.table import FunEntry
            fe = FunEntry(module, atom("-unknown-"), index, old_uniq, arity, len(env), -1, None,
                          uniq16)
        return Fun(fe, env)

    # -- loading -------------------------------------------------------------------------
    def find_beam(self, name):
        fname = name + ".beam"
        for d in self.code_path:
            p = os.path.join(d, fname)
            if os.path.isfile(p):
                return p
        if self.erts_ebin:
            p = os.path.join(self.erts_ebin, fname)
            if os.path.isfile(p):
                return p
        return None

    def load_file(self, path):
        """Load a .beam file; returns the Module. Raises BadBeam or OSError."""
        with open(path, "rb") as f:
            data = f.read()
        pm = self.code.prepare(data)
        return self.code.install(pm, data)

    def ensure_loaded(self, name):
        """The current Module for `name` (an Atom), loading it from the path; None if absent."""
        mod = self.code.modules.get(name)
        if mod is not None:
            return mod
        path = self.find_beam(name.name)
        if path is None:
            return None
        try:
            mod = self.load_file(path)
        except (BadBeam, OSError):
            return None
        if mod.name is not name:
            return None
        return mod

    def start(self, args=()):
        """Boot OTP for embedding, as `erl -noshell` does (the real init, the
        kernel and stdlib applications, `user` on standard I/O), with this
        VM's code path given to the code server as -pa/-pz; returns self once
        init has run its start commands, so that call() can run any OTP code.
        `args`: more erl arguments (strings). Raises ProcessExit if the node
        halts during the boot."""
        from .boot import start as boot_start
        argv = ["-noshell"]
        if self.user_path:
            argv += ["-pa"] + self.user_path
        if self.user_path_end:
            argv += ["-pz"] + self.user_path_end
        argv += list(args) + ["-s", "erlpy", "booted"]
        self.booted = False
        boot_start(self, argv)
        try:
            status = self.runtime.run(until=lambda: self.booted)
        except Halt as h:
            status = h.status
        if not self.booted:
            raise ProcessExit(("boot_failed", status))
        return self

    def call(self, module, function, args=()):
        """Run module:function(*args) in a new Erlang process and return its
        result (a term); raises ProcessExit if the process exits instead."""
        from ..terms import atom as _atom
        m = module if isinstance(module, Atom) else _atom(module)
        f = function if isinstance(function, Atom) else _atom(function)
        rt = self.runtime
        box = {}

        def returned(v, st):
            box["value"] = v
            return v

        def exited(ref, reason):
            box.setdefault("exit", reason)

        p, _ = rt.spawn(self.code.export(m, f, len(args)), list(args))
        p.stack.insert(0, (returned, None))
        user = rt.registry.get(_atom("user"))
        if user is not None:
            p.group_leader = user
        p.monitored_by[rt.make_ref()] = ((exited,), p.pid)
        rt.run(until=lambda: "exit" in box)
        if "value" in box:
            return box["value"]
        raise ProcessExit(box["exit"])

    def run(self):
        """Run the scheduler until halt; returns the exit status."""
        rt = self.runtime
        try:
            return rt.run()
        except Halt as h:
            from ..code.contract import TMP
            TMP.clear()
            return h.status
        finally:
            sys.stdout.flush()
