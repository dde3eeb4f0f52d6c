"""The real boot, as beam.smp does it: the preloaded modules are loaded, and
the first process runs `erl_init:start(init, BootArgs)` with the argument
list `erl` gives the emulator; OTP's own `init` then reads the boot script
(start_clean.boot unless -boot says otherwise), loads kernel and stdlib
through erl_prim_loader and starts the kernel application.
"""

import gc
import glob
import os
import time

from ..terms import atom, from_seq, A, TRUE, estr, Map
from ..code.contract import VM
from ..bifs.registry import bif

__all__ = ["boot_args", "bindir", "start", "boot", "PRELOADED"]

# What beam.smp loads before the first process runs (erts-*/ebin).
PRELOADED = ["erl_init", "init", "erl_prim_loader", "prim_file", "prim_buffer", "zlib",
             "erl_tracer", "prim_inet", "prim_socket", "prim_net", "socket_registry",
             "prim_zip", "prim_eval", "erts_code_purger", "erts_internal", "erlang",
             "persistent_term", "atomics", "counters", "erts_literal_area_collector",
             "erts_dirty_process_signal_handler"]


@bif("erlpy", "booted", 0)
def booted():
    """`-s erlpy booted`: init has run the boot script (and, embedded, the
    user's start commands). What the boot built - OTP's code, the kernel's
    processes and tables - lives as long as the node: moved out of the
    cyclic garbage collector's sight, full collections stop rescanning it
    (a third to a half of the time of allocation-heavy programs)."""
    VM.runtime.vm.booted = True
    if hasattr(gc, "freeze"):
        gc.freeze()
    return TRUE


def boot_args(args, root=None, progname="erl"):
    """The emulator's argument list for init: erl's own prefix, then the
    user's arguments (strings), as binaries."""
    from .vm import otp_root
    root = root or otp_root()
    home = os.environ.get("HOME") or os.path.expanduser("~")
    full = ["-root", root, "-bindir", bindir(root), "-progname", progname, "--",
            "-home", home, "--"] + list(args)
    return [os.fsencode(a) for a in full]


def bindir(root):
    """The emulator's bin directory of the OTP installed at `root`."""
    found = sorted(glob.glob(os.path.join(root, "erts-*", "bin")))
    return found[-1] if found else os.path.join(root, "bin")


def start(vm, args, progname="erl"):
    """Load the preloaded modules and spawn the first process."""
    vm.runtime.preloaded = [atom(n) for n in PRELOADED]
    for name in PRELOADED:
        vm.ensure_loaded(atom(name))
    code = vm.code
    bargs = from_seq(boot_args(args, progname=progname))
    init, _ = vm.runtime.spawn(code.export(atom("erl_init"), atom("start"), 2),
                               [atom("init"), bargs])
    init.group_leader = init.pid
    # the system process beam.smp starts with init (the others it starts
    # serve dirty schedulers and literal areas, which erlpy has not)
    purger, _ = vm.runtime.spawn(code.export(atom("erts_code_purger"), atom("start"), 0), [])
    purger.group_leader = init.pid
    vm.runtime.crash_reporter = _crash_reporter(vm.runtime)


def boot(vm, args, progname="erl"):
    """Boot OTP with `args` (erl's arguments, strings) and run until the
    node halts; returns the exit status."""
    # the first start command (after the boot script, before the user's),
    # placed before the first flag so that no plain argument attaches to it
    args = list(args)
    at = next((i for i, a in enumerate(args) if a.startswith("-")), len(args))
    start(vm, args[:at] + ["-s", "erlpy", "booted"] + args[at:], progname)
    return vm.run()


def _crash_reporter(rt):
    """What beam.smp does when a process exits with an error: send the
    logger its "Error in process" event."""
    fmt = estr("Error in process ~p with exit value:~n~p~n")
    meta_error_logger = Map.from_pairs([(A.emulator, A.true), (A.tag, A.error)])

    def report(p, reason):
        logger = rt.registry.get(A.logger)
        if logger is None:
            return
        meta = Map.from_pairs([
            (A.error_logger, meta_error_logger),
            (A.gl, p.group_leader if p.group_leader is not None else p.pid),
            (A.pid, p.pid),
            (A.time, int(time.time() * 1000000)),
        ])
        rt.send(logger, (A.log, A.error, fmt, from_seq([p.pid, reason]), meta))
    return report
