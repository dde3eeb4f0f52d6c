"""The inet drivers (tcp_inet, udp_inet) as far as the boot uses them.

OTP's prim_inet drives a socket port with port_control requests and reads
[?INET_REP_OK | Reply] or [?INET_REP_ERROR | Errno]. The kernel's start-up
opens a UDP socket to learn the host name (inet_config); that, options
accepted as set, and closing are what is here. Requests this driver does not
implement answer {error, enotsup}, as an inet driver does for an operation
its platform lacks, so gen_tcp/gen_udp fail with an error, not a crash.
"""

import socket

from .port import driver

__all__ = ["InetDriver"]

_REP_ERROR = 0
_REP_OK = 1

_REQ_OPEN = 1
_REQ_CLOSE = 2
_REQ_SETOPTS = 7
_REQ_GETHOSTNAME = 12
_REQ_GETTYPE = 15
_REQ_GETSTATUS = 16

_FAMILIES = {1: socket.AF_INET, 2: socket.AF_INET6}
_TYPES = {1: socket.SOCK_STREAM, 2: socket.SOCK_DGRAM}


def _error(name):
    return bytes([_REP_ERROR]) + name.encode("latin-1")


class InetDriver:
    """One socket port; the socket itself is created by INET_REQ_OPEN."""

    def __init__(self, port, command, settings):
        self.port = port
        self.sock = None
        self.family = self.kind = 0

    def command(self, data):
        pass

    def control(self, op, data):
        if op == _REQ_OPEN:
            if len(data) < 2 or data[0] not in _FAMILIES or data[1] not in _TYPES:
                return _error("einval")
            try:
                self.sock = socket.socket(_FAMILIES[data[0]], _TYPES[data[1]])
            except OSError as e:
                return _error(_errno_name(e))
            self.sock.setblocking(False)
            self.family, self.kind = data[0], data[1]
            return bytes([_REP_OK])
        if op == _REQ_SETOPTS:
            return bytes([_REP_OK])
        if op == _REQ_GETHOSTNAME:
            return bytes([_REP_OK]) + socket.gethostname().encode("latin-1", "replace")
        if op == _REQ_GETTYPE:
            return bytes([_REP_OK]) + self.family.to_bytes(4, "big") + \
                self.kind.to_bytes(4, "big")
        return _error("enotsup")

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _errno_name(e):
    import errno
    return errno.errorcode.get(e.errno, "einval").lower()


driver("tcp_inet")(InetDriver)
driver("udp_inet")(InetDriver)
