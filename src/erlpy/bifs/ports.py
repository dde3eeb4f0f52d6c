"""Port BIFs. erlang:open_port/port_command/... are Erlang code in
erlang.beam that call these erts_internal BIFs; ours answer synchronously."""

from ..terms import (A, Atom, Pid, Port, NIL, Cons, badarg, TRUE, FALSE, from_seq, to_pylist,
                     NotAList, estr, ErlangError)
from ..terms.errors import ERROR
from ..code.contract import VM
from ..ports.port import PortTable
from ..ports.fd import FdDriver
from .registry import bif

_BADARG = A.badarg


def _table():
    rt = VM.runtime
    t = getattr(rt, "ports", None)
    if t is None:
        t = PortTable(rt)
    return t


def _chars(t):
    try:
        if type(t) is bytes:
            return t.decode("utf-8")
        if type(t) is Atom:
            return t.name
        return "".join(chr(c) for c in to_pylist(t))
    except (NotAList, TypeError, ValueError, UnicodeDecodeError):
        raise badarg()


def _settings(opts):
    try:
        items = to_pylist(opts)
    except NotAList:
        return None
    s = {"binary": False, "eof": False, "packet": 0, "line": 0, "in": True, "out": True,
         "exit_status": False, "stderr_to_stdout": False, "args": None, "arg0": None,
         "env": [], "cd": None, "use_stdio": True}
    for o in items:
        if type(o) is Atom:
            n = o.name
            if n == "binary":
                s["binary"] = True
            elif n == "eof":
                s["eof"] = True
            elif n == "in" or n == "out":
                # as BEAM: `in` and `out` add directions; neither means both
                s.setdefault("directions", set()).add(n)
            elif n == "exit_status":
                s["exit_status"] = True
            elif n == "stderr_to_stdout":
                s["stderr_to_stdout"] = True
            elif n == "nouse_stdio":
                s["use_stdio"] = False
            elif n in ("stream", "use_stdio", "hide", "overlapped_io"):
                pass
            else:
                return None
        elif type(o) is tuple and len(o) == 2 and type(o[0]) is Atom:
            k, v = o[0].name, o[1]
            if k == "packet" and v in (1, 2, 4):
                s["packet"] = v
            elif k == "line" and type(v) is int and v > 0:
                s["line"] = v
            elif k == "args":
                s["args"] = [_chars(a) for a in to_pylist(v)]
            elif k == "arg0":
                s["arg0"] = _chars(v)
            elif k == "env":
                s["env"] = [(_chars(e[0]), None if e[1] is FALSE else _chars(e[1]))
                            for e in to_pylist(v)]
            elif k == "cd":
                s["cd"] = _chars(v)
            elif k in ("parallelism", "busy_limits_port", "busy_limits_msgq"):
                pass
            else:
                return None
        else:
            return None
    directions = s.pop("directions", None)
    if directions:
        s["in"], s["out"] = "in" in directions, "out" in directions
    return s


@bif("erts_internal", "open_port", 2)
def open_port(name, opts):
    s = _settings(opts)
    if s is None:
        return A.badopt
    table = _table()
    owner = VM.current.pid
    if type(name) is tuple and len(name) == 3 and name[0] is A.fd:
        fin, fout = name[1], name[2]
        if type(fin) is not int or type(fout) is not int or fin < 0 or fout < 0:
            return _BADARG
        port = table.open("fd", FdDriver, owner, fin, fout, s["in"])
    elif type(name) is tuple and len(name) == 2 and type(name[0]) is Atom and \
            name[0].name in ("spawn", "spawn_executable", "spawn_driver"):
        from ..ports.spawn import SpawnDriver
        from ..ports.port import DRIVERS
        command = _chars(name[1])
        builtin = DRIVERS.get(command.split(" ", 1)[0]) if name[0] is not A.spawn_executable \
            else None
        try:
            if builtin is not None:
                port = table.open(command, builtin, owner, command, s)
            elif name[0] is A.spawn_driver:
                return _BADARG
            else:
                port = table.open(name[0].name, SpawnDriver, owner, name[0].name, command, s)
        except OSError as e:
            import errno
            return A[errno.errorcode.get(e.errno, "einval").lower()]
    else:
        return _BADARG
    port.binary = s["binary"]
    port.eof = s["eof"]
    port.packet = s["packet"]
    port.line = s["line"]
    return port.id


def _port(p):
    table = _table()
    port = table.lookup(p)
    return port


@bif("erts_internal", "port_command", 3)
def port_command(p, data, flags):
    if type(p) is not Port and type(p) is not Atom:
        return _BADARG
    port = _port(p)
    if port is None:
        return _BADARG
    from ..terms.bits import iolist_to_bytes
    try:
        b = iolist_to_bytes(data)
    except ErlangError:
        return _BADARG
    try:
        opts = to_pylist(flags)
    except NotAList:
        return A.badopt
    for o in opts:
        if o is not A.force and o is not A.nosuspend:
            return A.badopt
    port.command(b)
    return TRUE


@bif("erts_internal", "port_close", 1)
def port_close(p):
    port = _port(p)
    if port is None:
        return _BADARG
    _table().close(port, A.normal)
    return TRUE


@bif("erts_internal", "port_control", 3)
def port_control(p, op, data):
    port = _port(p)
    if port is None or type(op) is not int:
        return _BADARG
    from ..terms.bits import iolist_to_bytes
    r = port.driver.control(op, iolist_to_bytes(data))
    if r is None:
        return _BADARG
    if getattr(port.driver, "control_binary", False):
        return bytes(r)
    return from_seq(list(r))


@bif("erts_internal", "port_call", 3)
def port_call(p, op, data):
    port = _port(p)
    if port is None:
        return _BADARG
    return _BADARG


@bif("erts_internal", "port_connect", 2)
def port_connect(p, pid):
    port = _port(p)
    if port is None or type(pid) is not Pid:
        return _BADARG
    port.owner = pid
    port.links.add(pid)
    proc = VM.runtime.process(pid)
    if proc is not None:
        proc.links.add(port.id)
    return TRUE


def _info_item(port, item):
    n = item.name
    if n == "id":
        return (item, port.id.num)
    if n == "connected":
        return (item, port.owner)
    if n == "links":
        return (item, from_seq(list(port.links)))
    if n == "name":
        return (item, estr(port.name))
    if n == "input":
        return (item, port.input)
    if n == "output":
        return (item, port.output)
    if n == "os_pid":
        return (item, getattr(port.driver, "os_pid", A.undefined))
    if n == "registered_name":
        return (item, port.registered_name) if port.registered_name else NIL
    if n == "monitors":
        return (item, NIL)
    if n == "monitored_by":
        return (item, from_seq([w for w, _ in port.monitored_by.values()]))
    if n == "memory":
        return (item, 100)
    if n == "queue_size":
        return (item, 0)
    if n == "locking":
        return (item, A.port_level)
    if n == "parallelism":
        return (item, FALSE)
    return None


@bif("erts_internal", "port_info", 1)
def port_info1(p):
    port = _port(p)
    if port is None:
        if type(p) is Port:
            return A.undefined
        return _BADARG
    items = [_info_item(port, A[n]) for n in
             ("name", "links", "id", "connected", "input", "output", "os_pid")]
    if port.registered_name is not None:
        items.insert(0, (A.registered_name, port.registered_name))
    return from_seq(items)


@bif("erts_internal", "port_info", 2)
def port_info2(p, item):
    if type(item) is not Atom:
        return _BADARG
    port = _port(p)
    if port is None:
        if type(p) is Port:
            return A.undefined
        return _BADARG
    r = _info_item(port, item)
    if r is None:
        return _BADARG
    return r


@bif("erlang", "ports", 0)
def ports():
    return from_seq([p.id for _, p in sorted(_table().table.items())])


@bif("erlang", "port_set_data", 2)
def port_set_data(p, data):
    port = _port(p)
    if port is None:
        raise badarg()
    port.data = data
    return TRUE


@bif("erlang", "port_get_data", 1)
def port_get_data(p):
    port = _port(p)
    if port is None:
        raise badarg()
    return port.data if port.data is not None else A.undefined
