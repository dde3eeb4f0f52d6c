"""Ctrl-C as beam.smp handles it: the BREAK menu, read from the keyboard
while every Erlang process stands still (the handler runs between two Python
bytecodes of whatever the scheduler was doing, and returns to it on 'c').
`+B`/`+Bd` make Ctrl-C end the node at once (status 0), `+Bi` ignores it."""

import os
import signal
import sys

__all__ = ["install", "break_mode"]

HELP = ("BREAK: (a)bort (A)bort with dump (c)ontinue (p)roc info (i)nfo\n"
        "       (l)oaded (v)ersion (k)ill (D)b-tables (d)istribution\n")


def break_mode(flag):
    """The mode an emulator flag +B... selects, or None for another flag."""
    if flag in ("+B", "+Bd"):
        return "off"
    if flag == "+Bi":
        return "ignore"
    if flag == "+Bc":
        return "menu"
    return None


def install(vm, mode="menu", leave=None):
    """Handle SIGINT for `vm` (an ErlangVM); `leave(status)` ends the process
    (the CLI's exit, which restores the terminal first)."""
    leave = leave or os._exit
    if mode == "ignore":
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    elif mode == "off":
        signal.signal(signal.SIGINT, lambda signum, frame: leave(0))
    else:
        signal.signal(signal.SIGINT, lambda signum, frame: _menu(vm, leave))


def _write(text):
    sys.stdout.flush()
    # the terminal may be in raw mode (the shell's tty driver): BEAM writes
    # carriage returns too
    os.write(1, text.replace("\n", "\r\n").encode("latin-1", "replace"))


def _key():
    try:
        data = os.read(0, 64)
    except OSError:
        return None
    return chr(data[0]) if data else None


def _menu(vm, leave):
    _write("\n" + HELP)
    while True:
        c = _key()
        if c is None or c in "aq*":
            leave(0)
            return
        if c == "\n" or c == "\r":
            continue
        if c == "c":
            return
        if c == "A":
            sys.stderr.write("erlpy writes no crash dump\n")
            leave(1)
            return
        report = _REPORTS.get(c)
        if report is not None:
            _write(report(vm))
            return
        _write("Invalid option '%s'. Please enter one of the following:\n%s" % (c, HELP))


def _version(vm):
    from ..bifs.system import ERTS_VERSION
    return "Erlang (BEAM) emulator version %s (erlpy)\n" % ERTS_VERSION


def _loaded(vm):
    mods = sorted(m.name for m in vm.code.modules)
    return "".join("%s\n" % m for m in mods) + "Current code: %d\nOld code: %d\n" % (
        len(mods), len(vm.code.old))


def _processes(vm):
    from ..terms import format_term
    lines = []
    for p in list(vm.runtime.procs.values()):
        lines.append("=proc:%s\n" % format_term(p.pid))
        if p.registered_name is not None:
            lines.append("Name: %s\n" % format_term(p.registered_name))
        lines.append("Message queue length: %d\n" % len(p.mbox))
        lines.append("Reductions: %d\n" % p.reductions)
    return "".join(lines)


def _info(vm):
    rt = vm.runtime
    return "=memory\nprocesses: %d\nports: %d\natoms: %d\nets tables: %d\n" % (
        len(rt.procs), len(vm.ports.table), _atom_count(), _ets_count())


def _atom_count():
    from ..terms.atom import atom_count
    return atom_count()


def _ets_count():
    from ..runtime.ets import REGISTRY
    return len(REGISTRY.tables)


def _ports(vm):
    from ..terms import format_term
    return "".join("=port:%s\nName: %s\n" % (format_term(p.id), p.name)
                   for p in list(vm.ports.table.values()))


_REPORTS = {"v": _version, "l": _loaded, "p": _processes, "i": _info, "o": _ports,
            "m": lambda vm: "", "d": lambda vm: "Not distributed.\n",
            "D": lambda vm: "=ets tables: %d\n" % _ets_count(),
            "k": lambda vm: ""}
