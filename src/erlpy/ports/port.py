"""Ports: the port table, the port object shared by all drivers, and the
I/O wait the scheduler sleeps in.

A driver is a class with open(port, name, opts) and command(data),
control(op, data), close(). Drivers deliver input with port.deliver_data(bytes)
and port.deliver_eof(); the port turns it into {Port, {data, D}} / {Port, eof}
messages for its owner, honouring binary/list, {packet, N} and {line, L} modes.
"""

import selectors

from ..terms import A, Port as PortTerm, Pid, NIL, TRUE, FALSE, estr, from_seq, Cons
from ..code.contract import VM

__all__ = ["PortTable", "PortObj", "DRIVERS", "driver"]

# Built-in drivers by name, as open_port({spawn | spawn_driver, "NAME args"})
# finds them before trying an OS command: name -> class(port, command, settings).
DRIVERS = {}


def driver(name):
    """Register the decorated class as the built-in driver `name`."""
    def deco(cls):
        DRIVERS[name] = cls
        return cls
    return deco

_EXIT = A["EXIT"]
_DOWN = A["DOWN"]
_DATA = A.data
_EOF = A.eof
_NORMAL = A.normal
_KILL = A.kill


class PortObj:
    """A live port."""

    def __init__(self, table, num, name, driver):
        self.table = table
        self.id = PortTerm(table.runtime.node, num, table.runtime.creation, self)
        self.name = name
        self.driver = driver
        self.owner = None
        self.links = set()
        self.monitored_by = {}
        self.registered_name = None
        self.alive = True
        self.binary = False
        self.eof = False
        self.packet = 0
        self.line = 0
        self.partial = b""
        self.data = None
        self.input = 0
        self.output = 0

    # -- owner side ----------------------------------------------------------
    def command_message(self, sender, msg):
        """A message sent to the port: {Pid, {command, Data}} / {Pid, close} /
        {Pid, {connect, NewPid}}."""
        if type(msg) is tuple and len(msg) == 2 and type(msg[0]) is Pid:
            who, what = msg
            if type(what) is tuple and len(what) == 2 and what[0] is A.command:
                from ..terms.bits import iolist_to_bytes
                try:
                    data = iolist_to_bytes(what[1])
                except Exception:
                    self.table.close(self, A.badsig)
                    return
                self.command(data)
                return
            if what is A.close:
                self.table.close(self, _NORMAL, notify=(A.closed,))
                return
            if type(what) is tuple and len(what) == 2 and what[0] is A.connect:
                old = self.owner
                self.owner = what[1]
                self.table.runtime.send(old, (self.id, A.connected))
                return
        self.table.close(self, A.badsig)

    def command(self, data):
        self.output += len(data)
        data = len(data).to_bytes(self.packet, "big") + data if self.packet else data
        self.driver.command(data)

    # -- driver side ---------------------------------------------------------
    def deliver_data(self, data):
        """Input from the driver: framed by packet/line mode and sent to the owner."""
        self.input += len(data)
        if self.packet:
            self._packets(data)
        elif self.line:
            self._lines(data)
        else:
            self._send((_DATA, self._fmt(data)))

    def _packets(self, data):
        buf = self.partial + data
        n = self.packet
        while len(buf) >= n:
            size = int.from_bytes(buf[:n], "big")
            if len(buf) < n + size:
                break
            self._send((_DATA, self._fmt(buf[n:n + size])))
            buf = buf[n + size:]
        self.partial = buf

    def _lines(self, data):
        buf = self.partial + data
        while True:
            i = buf.find(b"\n")
            if i < 0:
                break
            self._send((_DATA, (A.eol, self._fmt(buf[:i]))))
            buf = buf[i + 1:]
        while len(buf) >= self.line:
            self._send((_DATA, (A.noeol, self._fmt(buf[:self.line]))))
            buf = buf[self.line:]
        self.partial = buf

    def deliver_eof(self):
        if self.line and self.partial:
            self._send((_DATA, (A.noeol, self._fmt(self.partial))))
            self.partial = b""
        if self.eof:
            self._send(_EOF)
        else:
            self.table.close(self, _NORMAL)

    def deliver_exit_status(self, status):
        self._send((A.exit_status, status))

    def _fmt(self, data):
        if self.binary:
            return bytes(data)
        r = NIL
        for b in reversed(data):
            r = Cons(b, r)
        return r

    def _send(self, payload):
        rt = self.table.runtime
        if self.owner is not None:
            p = rt.process(self.owner)
            if p is not None:
                rt.deliver(p, (self.id, payload))

    # -- signals -------------------------------------------------------------
    def exit_signal(self, sender, reason):
        if reason is _NORMAL and sender != self.owner:
            return
        self.table.close(self, reason if reason is not _KILL else A.killed)

    def linked_process_exited(self, pid, reason):
        self.links.discard(pid)
        if pid == self.owner or reason is not _NORMAL:
            self.table.close(self, reason)


class PortTable:
    """All ports of a runtime, and the selector that waits for their I/O."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.table = {}
        self._next = 0
        self.selector = selectors.DefaultSelector()
        self.drivers = {}
        runtime.ports = self
        runtime.io_wait = self.io_wait
        runtime.io_poll = self.poll

    def open(self, name, driver_cls, owner, *args):
        self._next += 1
        port = PortObj(self, self._next, name, None)
        port.owner = owner
        port.driver = driver_cls(port, *args)
        self.table[port.id.num] = port
        port.links.add(owner)
        p = self.runtime.process(owner)
        if p is not None:
            p.links.add(port.id)
        return port

    def close(self, port, reason, notify=None):
        """Close a port; links get {'EXIT', Port, Reason}, monitors 'DOWN'."""
        if not port.alive:
            return
        port.alive = False
        try:
            port.driver.close()
        except OSError:
            pass
        self.table.pop(port.id.num, None)
        rt = self.runtime
        if port.registered_name is not None:
            rt.registry.pop(port.registered_name, None)
            port.registered_name = None
        if notify is not None and port.owner is not None:
            rt.send(port.owner, (port.id,) + notify)
        for ref, (watcher, obj) in list(port.monitored_by.items()):
            w = rt.process(watcher)
            if w is not None:
                w.monitors.pop(ref, None)
                rt.deliver(w, (_DOWN, ref, A.port, obj, reason))
        port.monitored_by = {}
        for pid in list(port.links):
            p = rt.process(pid)
            if p is None:
                continue
            p.links.discard(port.id)
            if p.trap_exit:
                rt.deliver(p, (_EXIT, port.id, reason))
            elif reason is not _NORMAL:
                rt.exit_signal(port.id, pid, reason)
        port.links = set()
        port.id.port = None

    def lookup(self, t):
        """The live port for a Port term or a registered name, else None."""
        if type(t) is PortTerm:
            p = t.port
            return p if p is not None and p.alive else None
        from ..terms import Atom
        if type(t) is Atom:
            r = self.runtime.registry.get(t)
            if type(r) is PortTerm:
                return self.lookup(r)
        return None

    def monitor(self, proc, item):
        from ..terms import badarg
        port = self.lookup(item)
        rt = self.runtime
        ref = rt.make_ref()
        obj = item
        if port is None:
            rt.deliver(proc, (_DOWN, ref, A.port, obj, A.noproc))
            return ref
        proc.monitors[ref] = (A.port, port.id)
        port.monitored_by[ref] = (proc.pid, obj)
        return ref

    # -- I/O ------------------------------------------------------------------------
    def watch(self, fd, callback):
        self.selector.register(fd, selectors.EVENT_READ, callback)

    def unwatch(self, fd):
        try:
            self.selector.unregister(fd)
        except (KeyError, ValueError):
            pass

    def io_wait(self, timeout):
        """Sleep until a watched fd is readable or `timeout` seconds pass."""
        if not self.selector.get_map():
            if timeout is None:
                import time
                time.sleep(3600)
            elif timeout > 0:
                import time
                time.sleep(timeout)
            return
        for key, _ in self.selector.select(timeout):
            key.data()

    def poll(self):
        """Handle ready I/O without blocking (called between time slices)."""
        if self.selector.get_map():
            for key, _ in self.selector.select(0):
                key.data()
