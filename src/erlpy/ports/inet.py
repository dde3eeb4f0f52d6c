"""The inet drivers tcp_inet and udp_inet: what BEAM's inet_drv does, in Python.

prim_inet (the preloaded module under gen_tcp, gen_udp and inet) drives a
socket port with erlang:port_control(S, Req + ?ERTS_INET_DRV_CONTROL_MAGIC_NUMBER,
Args); the reply is [?INET_REP_OK | Data] or [?INET_REP_ERROR | ErrnoName].
Slow requests (connect, accept, a passive recv) answer at once with a 16-bit
request id and complete later with {inet_async, S, Id, Result} sent to the
process that asked; data given to port_command is acknowledged with
{inet_reply, S, ok | {error, Reason}}; an active socket sends its owner
{tcp, S, Data}, {tcp_closed, S}, {tcp_error, S, Reason}, {tcp_passive, S},
{udp, S, IP, Port, Data}, {udp_passive, S}.

Sockets are non-blocking and registered with the port table's selector only
while the driver wants an event (readable while active or while a recv waits,
writable while output is queued or a connect is in progress), so the
scheduler's idle wait wakes for them and nothing ever blocks it.

The driver frames packets itself, as inet_drv.c with packet_parser.c does:
{packet, raw | 0 | 1 | 2 | 4 | line | asn1 | sunrm | cdr | fcgi | tpkt | http |
httph | http_bin | httph_bin | ssl_tls} with packet_size, line_delimiter,
header and buffer. Families: inet, inet6 and local (AF_UNIX). Not done:
sendfile (enotsup), SCTP, ancillary data on UDP sends, network namespaces
(netns is stored and reported, not entered).
"""

import errno as _errno
import os
import socket
import struct
import selectors
from collections import deque

from ..terms import A, NIL, Cons
from ..code.contract import VM
from .port import driver

__all__ = ["TcpDriver", "UdpDriver", "InetDriver"]

_MAGIC = 0x03f1a300

# reply codes
_REP_ERROR = 0
_REP_OK = 1

# family codes (inet_int.hrl)
_AF_INET, _AF_INET6, _AF_ANY, _AF_LOOPBACK, _AF_LOCAL = 1, 2, 3, 4, 5
_AF_UNSPEC, _AF_UNDEFINED = 0, 6
_TYPE_STREAM, _TYPE_DGRAM, _TYPE_SEQPACKET = 1, 2, 3

# requests
_REQ_OPEN, _REQ_CLOSE, _REQ_CONNECT, _REQ_PEER, _REQ_NAME, _REQ_BIND = 1, 2, 3, 4, 5, 6
_REQ_SETOPTS, _REQ_GETOPTS, _REQ_GETIX, _REQ_GETSTAT = 7, 8, 9, 11
_REQ_GETHOSTNAME, _REQ_FDOPEN, _REQ_GETFD, _REQ_GETTYPE, _REQ_GETSTATUS = 12, 13, 14, 15, 16
_REQ_GETSERVBYNAME, _REQ_GETSERVBYPORT, _REQ_SETNAME, _REQ_SETPEER = 17, 18, 19, 20
_REQ_GETIFLIST, _REQ_IFGET, _REQ_IFSET, _REQ_SUBSCRIBE, _REQ_GETIFADDRS = 21, 22, 23, 24, 25
_REQ_ACCEPT, _REQ_LISTEN, _REQ_IGNOREFD, _REQ_GETLADDRS, _REQ_GETPADDRS = 26, 27, 28, 29, 30
_TCP_REQ_RECV, _TCP_REQ_UNRECV, _TCP_REQ_SHUTDOWN, _TCP_REQ_SENDFILE = 42, 43, 44, 45
_PACKET_REQ_RECV = 60

# descriptor state bits
_F_OPEN, _F_ACTIVE, _F_LISTEN, _F_CON, _F_ACC, _F_BUSY = 0x1, 0x4, 0x8, 0x10, 0x20, 0x80
_F_MULTI = 0x100
_CLOSED = 0
_OPEN = _F_OPEN
_CONNECTED = _F_OPEN | _F_ACTIVE
_LISTENING = _F_OPEN | _F_LISTEN
_CONNECTING = _F_OPEN | _F_CON
_ACCEPTING = _LISTENING | _F_ACC
_MULTI_ACCEPTING = _ACCEPTING | _F_MULTI

# active modes, data modes
_PASSIVE, _ACTIVE, _ONCE, _MULTI = 0, 1, 2, 3
_MODE_LIST, _MODE_BINARY = 0, 1
_DELIVER_PORT, _DELIVER_TERM = 0, 1

# packet types
_PB_RAW, _PB_1, _PB_2, _PB_4, _PB_ASN1, _PB_RM, _PB_CDR, _PB_FCGI = 0, 1, 2, 3, 4, 5, 6, 7
_PB_LINE, _PB_TPKT, _PB_HTTP, _PB_HTTPH, _PB_SSL_TLS, _PB_HTTP_BIN, _PB_HTTPH_BIN = \
    8, 9, 10, 11, 12, 13, 14
_PB_HTTP_ANY = (_PB_HTTP, _PB_HTTPH, _PB_HTTP_BIN, _PB_HTTPH_BIN)

# options
_OPT_REUSEADDR, _OPT_KEEPALIVE, _OPT_DONTROUTE, _OPT_LINGER, _OPT_BROADCAST = 0, 1, 2, 3, 4
_OPT_OOBINLINE, _OPT_SNDBUF, _OPT_RCVBUF, _OPT_PRIORITY, _OPT_TOS = 5, 6, 7, 8, 9
_OPT_NODELAY, _OPT_MULTICAST_IF, _OPT_MULTICAST_TTL, _OPT_MULTICAST_LOOP = 10, 11, 12, 13
_OPT_ADD_MEMBERSHIP, _OPT_DROP_MEMBERSHIP, _OPT_IPV6_V6ONLY = 14, 15, 16
_LOPT_BUFFER, _LOPT_HEADER, _LOPT_ACTIVE, _LOPT_PACKET, _LOPT_MODE = 20, 21, 22, 23, 24
_LOPT_DELIVER, _LOPT_EXITONCLOSE, _LOPT_HIWTRMRK, _LOPT_LOWTRMRK = 25, 26, 27, 28
_LOPT_SEND_TIMEOUT, _LOPT_DELAY_SEND, _LOPT_PACKET_SIZE, _LOPT_READ_PACKETS = 30, 31, 32, 33
_OPT_RAW, _LOPT_SEND_TIMEOUT_CLOSE, _LOPT_MSGQ_HIWTRMRK, _LOPT_MSGQ_LOWTRMRK = 34, 35, 36, 37
_LOPT_NETNS, _LOPT_SHOW_ECONNRESET, _LOPT_LINE_DELIM, _OPT_TCLASS = 38, 39, 40, 41
_OPT_BIND_TO_DEVICE, _OPT_RECVTOS, _OPT_RECVTCLASS, _OPT_PKTOPTIONS = 42, 43, 44, 45
_OPT_TTL, _OPT_RECVTTL, _OPT_NOPUSH, _OPT_DEBUG = 46, 47, 48, 99

# statistics
_STAT_RECV_CNT, _STAT_RECV_MAX, _STAT_RECV_AVG, _STAT_RECV_DVI = 1, 2, 3, 4
_STAT_SEND_CNT, _STAT_SEND_MAX, _STAT_SEND_AVG, _STAT_SEND_PEND = 5, 6, 7, 8
_STAT_RECV_OCT, _STAT_SEND_OCT = 9, 10
_SUBS_EMPTY_OUT_Q = 1

_INFINITY = 0xffffffff
_DEF_BUFFER = 1460
_HIGH_WATERMARK = 8 * 1024
_LOW_WATERMARK = 4 * 1024
_MSGQ_HIGH = 8 * 1024
_MSGQ_LOW = 4 * 1024
_MAX_PACKET = 0x4000000
_PACKET_POLL = 5

_R = selectors.EVENT_READ
_W = selectors.EVENT_WRITE

_SOL = socket.SOL_SOCKET
_IPPROTO_IP = getattr(socket, "IPPROTO_IP", 0)
_IPPROTO_IPV6 = getattr(socket, "IPPROTO_IPV6", 41)
_IPPROTO_TCP = getattr(socket, "IPPROTO_TCP", 6)
_SO_PRIORITY = getattr(socket, "SO_PRIORITY", 12)
_IP_TOS = getattr(socket, "IP_TOS", 1)
_IP_TTL = getattr(socket, "IP_TTL", 2)
_IP_RECVTOS = getattr(socket, "IP_RECVTOS", 13)
_IP_RECVTTL = getattr(socket, "IP_RECVTTL", 12)
_IPV6_TCLASS = getattr(socket, "IPV6_TCLASS", 67)
_IPV6_RECVTCLASS = getattr(socket, "IPV6_RECVTCLASS", 66)
_IPV6_V6ONLY = getattr(socket, "IPV6_V6ONLY", 26)
_TCP_NOPUSH = getattr(socket, "TCP_CORK", getattr(socket, "TCP_NOPUSH", None))
_SO_BINDTODEVICE = getattr(socket, "SO_BINDTODEVICE", 25)

_PYFAMILY = {_AF_INET: socket.AF_INET, _AF_INET6: socket.AF_INET6}
if hasattr(socket, "AF_UNIX"):
    _PYFAMILY[_AF_LOCAL] = socket.AF_UNIX
_FAMILY_CODE = dict((v, k) for k, v in _PYFAMILY.items())

_AM_INET_ASYNC = A.inet_async
_AM_INET_REPLY = A.inet_reply
_AM_OK = A.ok
_AM_ERROR = A.error
_AM_TCP = A.tcp
_AM_UDP = A.udp
_AM_DATA = A.data
_AM_CLOSED = A.closed
_AM_TIMEOUT = A.timeout


class _Abort(Exception):
    """A control request's error reply."""

    def __init__(self, name):
        Exception.__init__(self, name)
        self.name = name


def _errno_name(num):
    if num is None:
        return "einval"
    name = _errno.errorcode.get(num)
    return name.lower() if name else "einval"


def _oserror_name(e):
    return _errno_name(getattr(e, "errno", None))


def _ok(payload=b""):
    return b"\x01" + payload


def _err(name):
    return b"\x00" + name.encode("latin-1")


def _i32(v):
    return struct.pack(">i", v) if v < 0x80000000 else struct.pack(">I", v & 0xffffffff)


def _u16(v):
    return struct.pack(">H", v & 0xffff)


def _get_i32(data, pos):
    return struct.unpack_from(">i", data, pos)[0]


def _get_u32(data, pos):
    return struct.unpack_from(">I", data, pos)[0]


def _blist(b, tail=NIL):
    r = tail
    for x in reversed(b):
        r = Cons(x, r)
    return r


def _current():
    p = VM.current
    return p.pid if p is not None else None


# -- addresses -------------------------------------------------------------------------

def _parse_faddress(pyfamily, data, pos):
    """inet_set_faddress: [Tag, P1, P0, Addr...] at data[pos:] as a Python
    socket address for `pyfamily` (the tag may choose another family);
    returns (pyfamily, sockaddr, new_pos). Raises _Abort."""
    if pos >= len(data):
        raise _Abort("einval")
    tag = data[pos]
    pos += 1
    if tag in (_AF_ANY, _AF_LOOPBACK):
        if len(data) - pos < 2:
            raise _Abort("einval")
        port = (data[pos] << 8) | data[pos + 1]
        pos += 2
        if pyfamily == socket.AF_INET:
            return pyfamily, ("0.0.0.0" if tag == _AF_ANY else "127.0.0.1", port), pos
        if pyfamily == socket.AF_INET6:
            return pyfamily, ("::" if tag == _AF_ANY else "::1", port, 0, 0), pos
        raise _Abort("einval")
    if tag == _AF_INET:
        if len(data) - pos < 6:
            raise _Abort("einval")
        port = (data[pos] << 8) | data[pos + 1]
        host = socket.inet_ntoa(bytes(data[pos + 2:pos + 6]))
        return socket.AF_INET, (host, port), pos + 6
    if tag == _AF_INET6:
        if len(data) - pos < 18:
            raise _Abort("einval")
        port = (data[pos] << 8) | data[pos + 1]
        host = socket.inet_ntop(socket.AF_INET6, bytes(data[pos + 2:pos + 18]))
        pos += 18
        flow = scope = 0
        if len(data) - pos >= 8:
            flow = _get_u32(data, pos)
            scope = _get_u32(data, pos + 4)
            pos += 8
        return socket.AF_INET6, (host, port, flow, scope), pos
    if tag == _AF_LOCAL and _AF_LOCAL in _PYFAMILY:
        if pos >= len(data):
            raise _Abort("einval")
        n = data[pos]
        if len(data) - pos - 1 < n:
            raise _Abort("einval")
        path = bytes(data[pos + 1:pos + 1 + n])
        if n + (0 if n and path[:1] == b"\0" else 1) > 108:
            raise _Abort("einval")
        return socket.AF_UNIX, path, pos + 1 + n
    raise _Abort("eafnosupport")


def _encode_address(pyfamily, addr):
    """inet_get_address: a Python socket address as [F, P1, P0, Addr...]."""
    if pyfamily == socket.AF_INET:
        return bytes([_AF_INET]) + _u16(addr[1]) + socket.inet_aton(addr[0])
    if pyfamily == socket.AF_INET6:
        host = addr[0].split("%", 1)[0]
        return bytes([_AF_INET6]) + _u16(addr[1]) + socket.inet_pton(socket.AF_INET6, host)
    if _AF_LOCAL in _PYFAMILY and pyfamily == _PYFAMILY[_AF_LOCAL]:
        if isinstance(addr, str):
            b = os.fsencode(addr)
        elif addr is None:
            b = b""
        else:
            b = bytes(addr)
        if b[:1] != b"\0":
            b = b.split(b"\0", 1)[0]
        if len(b) > 255:
            raise _Abort("einval")
        return bytes([_AF_LOCAL, len(b)]) + b
    return bytes([_AF_UNDEFINED])


def _address_terms(pyfamily, addr):
    """(IP, Port) terms of a Python socket address, as active UDP messages give them."""
    if pyfamily == socket.AF_INET:
        return tuple(socket.inet_aton(addr[0])), addr[1]
    if pyfamily == socket.AF_INET6:
        b = socket.inet_pton(socket.AF_INET6, addr[0].split("%", 1)[0])
        return tuple(struct.unpack(">8H", b)), addr[1]
    b = _encode_address(pyfamily, addr)
    return (A.local, bytes(b[2:])), 0


# -- packet framing (packet_parser.c) --------------------------------------------------------

def _packet_length(htype, buf, max_plen, trunc_len, delim, http_state):
    """packet_get_length: > 0 the length of the first packet (it may not all be
    there yet), 0 more bytes are needed to tell, -1 a framing error."""
    n = len(buf)
    if htype == _PB_RAW:
        return n
    if htype == _PB_1:
        if n < 1:
            return 0
        hlen, plen = 1, buf[0]
    elif htype == _PB_2:
        if n < 2:
            return 0
        hlen, plen = 2, (buf[0] << 8) | buf[1]
    elif htype == _PB_4:
        if n < 4:
            return 0
        hlen, plen = 4, int.from_bytes(buf[0:4], "big")
    elif htype == _PB_RM:
        if n < 4:
            return 0
        hlen, plen = 4, int.from_bytes(buf[0:4], "big") & 0x7fffffff
    elif htype == _PB_LINE:
        i = buf.find(delim)
        if i < 0:
            if max_plen and n > max_plen:
                return -1
            if trunc_len and n >= trunc_len:
                return trunc_len
            return 0
        ln = i + 1
        if max_plen and ln > max_plen:
            return -1
        if trunc_len and ln > trunc_len:
            return trunc_len
        return ln
    elif htype == _PB_ASN1:
        if n < 2:
            return 0
        t = 1
        nn = n - 1
        if buf[0] & 0x1f == 0x1f:
            while nn and buf[t] & 0x80:
                t += 1
                nn -= 1
            if nn < 2:
                return 0
            t += 1
            nn -= 1
        length = buf[t] & 0x7f
        if buf[t] & 0x80:
            t += 1
            nn -= 1
            if nn < length:
                return 0
            if length > 4:
                return -1
            plen = int.from_bytes(buf[t:t + length], "big") if length else 0
            t += length
        else:
            t += 1
            plen = length
        hlen = t
    elif htype == _PB_CDR:
        if n < 12:
            return 0
        if bytes(buf[0:4]) != b"GIOP":
            return -1
        hlen = 12
        plen = int.from_bytes(buf[8:12], "little" if buf[6] & 1 else "big")
    elif htype == _PB_FCGI:
        if n < 8:
            return 0
        if buf[0] != 1:
            return -1
        hlen = 8
        plen = ((buf[4] << 8) | buf[5]) + buf[6]
    elif htype == _PB_TPKT:
        if n < 4:
            return 0
        if buf[0] != 3:
            return -1
        hlen = 4
        plen = ((buf[2] << 8) | buf[3]) - 4
        if plen < 0:
            return -1
    elif htype == _PB_SSL_TLS:
        if n < 5:
            return 0
        hlen = 5
        if buf[0] & 0x80 and buf[2] == 1:
            plen = (((buf[0] << 8) | buf[1]) & 0x7fff) - 3
            if plen < 0:
                return -1
        else:
            plen = (buf[3] << 8) | buf[4]
    elif htype in _PB_HTTP_ANY:
        if htype in (_PB_HTTPH, _PB_HTTPH_BIN):
            http_state[0] = 1
        if (n == 1 and buf[0] == 10) or (n == 2 and buf[0] == 13 and buf[1] == 10):
            return n
        if not max_plen:
            max_plen = trunc_len
        start = 0
        while True:
            i = buf.find(b"\n", start)
            if i < 0:
                if max_plen and n >= max_plen:
                    return -1
                return 0
            plen = i + 1
            if not http_state[0]:
                if max_plen and plen > max_plen:
                    return -1
                return plen
            if plen < n:
                if buf[plen] in (32, 9) and plen > 2:
                    start = plen
                    continue
                if max_plen and plen > max_plen:
                    return -1
                return plen
            if max_plen and plen > max_plen:
                return -1
            return 0
    else:
        return -1
    if max_plen and plen > max_plen:
        return -1
    return hlen + plen


def _packet_body(htype, pkt):
    if htype == _PB_1:
        return pkt[1:]
    if htype == _PB_2:
        return pkt[2:]
    if htype == _PB_4:
        return pkt[4:]
    if htype == _PB_FCGI and len(pkt) >= 8:
        return pkt[:len(pkt) - pkt[6]]
    return pkt


def _ssl_tls_record(port_id, pkt):
    """packet_parse_ssl: {ssl_tls, S, ContentType, {Major, Minor}, Data}; an
    SSLv2 client hello becomes a handshake record <<1, Len:24, Hello/binary>>."""
    if pkt[0] & 0x80 and pkt[2] == 1:
        n = len(pkt) - 3
        data = bytes([1]) + n.to_bytes(3, "big") + bytes(pkt[3:])
        return (A.ssl_tls, port_id, 22, (pkt[3], pkt[4]), data)
    return (A.ssl_tls, port_id, pkt[0], (pkt[1], pkt[2]), bytes(pkt[5:]))


# -- the HTTP packet parser (packet_parser.c) ---------------------------------------------------

_HTTP_HEADERS = [
    "Cache-Control", "Connection", "Date", "Pragma", "Transfer-Encoding", "Upgrade", "Via",
    "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Authorization", "From",
    "Host", "If-Modified-Since", "If-Match", "If-None-Match", "If-Range",
    "If-Unmodified-Since", "Max-Forwards", "Proxy-Authorization", "Range", "Referer",
    "User-Agent", "Age", "Location", "Proxy-Authenticate", "Public", "Retry-After", "Server",
    "Vary", "Warning", "Www-Authenticate", "Allow", "Content-Base", "Content-Encoding",
    "Content-Language", "Content-Length", "Content-Location", "Content-Md5", "Content-Range",
    "Content-Type", "Etag", "Expires", "Last-Modified", "Accept-Ranges", "Set-Cookie",
    "Set-Cookie2", "X-Forwarded-For", "Cookie", "Keep-Alive", "Proxy-Connection"]
_HTTP_HEADER_INDEX = dict((h.encode("latin-1"), i) for i, h in enumerate(_HTTP_HEADERS))
_HTTP_METHODS = set(b"OPTIONS GET HEAD POST PUT DELETE TRACE".split())
_TSPECIAL = set(b"()<>@,;:\\\"/[]?={} \t")


def _tspecial(c):
    return c <= 32 or c >= 128 or c in _TSPECIAL


def _http_digits(buf, i, n):
    """Digits of buf[i:n] -> (value, index after them)."""
    v = 0
    j = i
    while j < n and 48 <= buf[j] <= 57:
        v = v * 10 + buf[j] - 48
        j += 1
    return v, j


def _http_parse(line, state, mkstr):
    """packet_parse_http: the term for one http packet, or None for an error
    (the caller makes it {http_error, Line})."""
    buf = line
    n = len(buf)
    if n >= 2 and buf[n - 2] == 13:
        n -= 2
    elif n >= 1 and buf[n - 1] == 10:
        n -= 1
    if state[0] == 0:
        if n >= 5 and buf[:5] == b"HTTP/":
            major, i = _http_digits(buf, 5, n)
            if i == 5 or i >= n or buf[i] != 46:
                return None
            minor, j = _http_digits(buf, i + 1, n)
            if j == i + 1:
                return None
            k = j
            while k < n and buf[k] in (32, 9):
                k += 1
            if k == j:
                return None
            status, k2 = _http_digits(buf, k, n)
            k3 = k2
            while k3 < n and buf[k3] in (32, 9):
                k3 += 1
            if k3 == k2 and k3 < n:
                return None
            state[0] = 1
            return (A.http_response, (major, minor), status, mkstr(bytes(buf[k3:n])))
        i = 0
        while i < n and not _tspecial(buf[i]):
            i += 1
        if i == n or i == 0 or buf[i] not in (32, 9):
            return None
        meth = bytes(buf[:i])
        while i < n and buf[i] in (32, 9):
            i += 1
        u0 = i
        while i < n and buf[i] not in (32, 9):
            i += 1
        if i == u0:
            return None
        uri = bytes(buf[u0:i])
        while i < n and buf[i] in (32, 9):
            i += 1
        m = A[meth.decode("latin-1")] if meth in _HTTP_METHODS else mkstr(meth)
        if i == n:
            state[0] = 1
            return (A.http_request, m, _http_uri(uri, mkstr), (0, 9))
        if n - i < 8 or buf[i:i + 5] != b"HTTP/":
            return None
        major, j = _http_digits(buf, i + 5, n)
        if j == i + 5 or j >= n or buf[j] != 46:
            return None
        minor, k = _http_digits(buf, j + 1, n)
        if k == j + 1:
            return None
        state[0] = 1
        return (A.http_request, m, _http_uri(uri, mkstr), (major, minor))
    if n == 0:
        state[0] = 0
        return A.http_eoh
    canon = bytearray()
    up = True
    i = 0
    while not _tspecial(buf[i]):
        c = buf[i]
        if up:
            if 97 <= c <= 122:
                c -= 32
            up = False
        elif 65 <= c <= 90:
            c += 32
        elif c == 45:
            up = True
        canon.append(c)
        i += 1
        if i == n:
            return None
    if buf[i] != 58:
        return None
    oname = bytes(buf[:i])
    if i <= 50:
        idx = _HTTP_HEADER_INDEX.get(bytes(canon))
        name = bytes(canon)
    else:
        idx = None
        name = oname
    i += 1
    while i < n and buf[i] in (32, 9):
        i += 1
    value = bytes(buf[i:n])
    if idx is not None:
        return (A.http_header, idx + 1, A[_HTTP_HEADERS[idx]], mkstr(oname), mkstr(value))
    return (A.http_header, 0, mkstr(name), mkstr(oname), mkstr(value))


def _http_uri(uri, mkstr):
    n = len(uri)
    if uri == b"*":
        return A["*"]
    if n <= 1 or uri[:1] == b"/":
        return (A.abs_path, mkstr(uri))
    low = uri[:8].lower()
    for prefix, scheme in ((b"http://", A.http), (b"https://", A.https)):
        if low.startswith(prefix):
            rest = uri[len(prefix):]
            slash = rest.find(b"/")
            if slash < 0:
                path, hostport = b"/", rest
            else:
                path, hostport = rest[slash:], rest[:slash]
            colon = hostport.find(b":")
            portnum = A.undefined
            host = hostport
            if colon >= 0:
                host = hostport[:colon]
                digits = hostport[colon + 1:]
                v, j = _http_digits(digits, 0, len(digits))
                if j == len(digits) and v != 0:
                    portnum = v
            return (A.absoluteURI, scheme, mkstr(host), portnum, mkstr(path))
    colon = uri.find(b":")
    if colon < 0:
        return mkstr(uri)
    return (A.scheme, mkstr(uri[:colon]), mkstr(uri[colon + 1:]))


# -- the selector --------------------------------------------------------------------------------

class _Selectable:
    """Keeps one fd registered with the port table's selector for exactly the
    events the owner wants (see _wanted)."""

    def _init_select(self, table):
        self._table = table
        self._fd = -1
        self._events = 0

    def _select(self):
        want = self._wanted() if self._fd >= 0 else 0
        if want == self._events:
            return
        sel = self._table.selector
        try:
            if self._events == 0:
                sel.register(self._fd, want, self._on_event)
            elif want == 0:
                sel.unregister(self._fd)
            else:
                sel.modify(self._fd, want, self._on_event)
            self._events = want
        except (KeyError, ValueError, OSError):
            # a stale entry for this fd number (its old owner closed it while
            # registered): replace it
            try:
                sel.unregister(self._fd)
            except (KeyError, ValueError, OSError):
                pass
            self._events = 0
            if want:
                try:
                    sel.register(self._fd, want, self._on_event)
                    self._events = want
                except (KeyError, ValueError, OSError):
                    pass

    def _unselect(self):
        if self._events and self._fd >= 0:
            try:
                self._table.selector.unregister(self._fd)
            except (KeyError, ValueError, OSError):
                pass
        self._events = 0


class _Flusher(_Selectable):
    """Output still queued when a TCP port closed: written out before the socket
    is closed, as the emulator keeps flushing a closing port's queue."""

    def __init__(self, table, sock, data, shutdown_how):
        self._init_select(table)
        self.sock = sock
        self._fd = sock.fileno()
        self.data = bytearray(data)
        self.shutdown_how = shutdown_how
        self._select()

    def _wanted(self):
        return _W if self.sock is not None else 0

    def _on_event(self):
        if self.sock is None:
            return
        try:
            while self.data:
                n = self.sock.send(self.data)
                del self.data[:n]
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.data = bytearray()
        self._unselect()
        try:
            if self.shutdown_how is not None:
                self.sock.shutdown(self.shutdown_how)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        self.sock = None
        self._fd = -1


# -- the common descriptor ------------------------------------------------------------------------

class InetDriver(_Selectable):
    """What tcp_inet and udp_inet share: the socket, the options, the queue of
    asynchronous requests, the generic control requests."""

    stype = None          # socket.SOCK_STREAM / SOCK_DGRAM

    def __init__(self, port, command=None, settings=None):
        self.port = port
        self._init_select(port.table)
        self.sock = None
        self.pyfamily = None
        self.efamily = 0
        self.etype = 0
        self.state = _CLOSED
        self.active = _PASSIVE
        self.active_count = 0
        self.mode = _MODE_LIST
        self.deliver = _DELIVER_TERM
        self.hsz = 0
        self.htype = _PB_RAW
        self.psize = 0
        self.bufsz = _DEF_BUFFER
        self.buffer_set = False
        self.exitf = True
        self.delimiter = 10
        self.debug = 0
        self.netns = None
        self.msgq_high = _MSGQ_HIGH
        self.msgq_low = _MSGQ_LOW
        self.opq = deque()          # pending asynchronous requests: [id, caller, req, timer]
        self.op_ref = 0
        self.caller = None          # who waits for the {inet_reply, S, _} of a send
        self.name_fake = None
        self.peer_fake = None
        self.remote = None          # the peer's Python address
        self.subscribers = []       # empty_out_q subscribers
        self.recv_cnt = self.recv_max = self.recv_oct = 0
        self.recv_avg = self.recv_dvi = 0.0
        self.send_cnt = self.send_max = self.send_oct = 0
        self.send_avg = 0.0
        self.read_packets = _PACKET_POLL

    # -- messages ----------------------------------------------------------------------------
    @property
    def rt(self):
        return self.port.table.runtime

    def _send_to(self, pid, msg):
        if pid is None:
            return
        rt = self.port.table.runtime
        p = rt.process(pid)
        if p is not None:
            rt.deliver(p, msg)

    def _output(self, msg):
        """A message to the port's owner (erl_drv_output_term)."""
        if self.port.alive:
            self._send_to(self.port.owner, msg)

    def _new_id(self):
        i = self.op_ref & 0xffff
        self.op_ref += 1
        return i

    def _enq(self, req, caller=None):
        op = [self._new_id(), caller if caller is not None else _current(), req, None]
        self.opq.append(op)
        return op

    def _deq(self):
        if not self.opq:
            return None
        op = self.opq.popleft()
        if op[3] is not None:
            self.rt.timers.cancel(op[3])
            op[3] = None
        return op

    def _async_ok(self, value=_AM_OK):
        op = self._deq()
        if op is not None:
            result = _AM_OK if value is _AM_OK else (_AM_OK, value)
            self._send_to(op[1], (_AM_INET_ASYNC, self.port.id, op[0], result))

    def _async_error(self, reason):
        op = self._deq()
        if op is not None:
            self._send_to(op[1], (_AM_INET_ASYNC, self.port.id, op[0],
                                  (_AM_ERROR, A[reason])))

    def _async_error_all(self, reason):
        while self.opq:
            self._async_error(reason)

    def _reply(self, result, caller=None):
        """{inet_reply, S, Result} to the sender waiting for it."""
        if caller is None:
            caller = self.caller
            self.caller = None
        self._send_to(caller, (_AM_INET_REPLY, self.port.id, result))

    def _reply_error(self, name, caller=None):
        self._reply((_AM_ERROR, A[name]), caller)

    def _passive_message(self):
        name = "tcp_passive" if self.stype == socket.SOCK_STREAM else "udp_passive"
        self._output((A[name], self.port.id))

    def _check_active_to_passive(self):
        if self.active == _ONCE:
            self.active = _PASSIVE
        elif self.active == _MULTI:
            self.active_count -= 1
            if self.active_count == 0:
                self.active = _PASSIVE
                self._passive_message()

    def _fmt(self, data, hsz=None):
        """Data as the socket's mode gives it: a list, a binary, or hsz header
        bytes consed onto a binary."""
        if hsz is None:
            hsz = self.hsz
        if self.mode == _MODE_LIST or hsz > len(data):
            return _blist(data)
        if hsz:
            return _blist(data[:hsz], bytes(data[hsz:]))
        return bytes(data)

    def _input_count(self, n):
        self.recv_cnt += 1
        self.recv_oct += n
        avg = self.recv_avg + (n - self.recv_avg) / self.recv_cnt
        self.recv_avg = avg
        self.recv_dvi = self.recv_dvi + ((n - avg) - self.recv_dvi) / self.recv_cnt
        if n > self.recv_max:
            self.recv_max = n

    def _output_count(self, n):
        self.send_cnt += 1
        self.send_oct += n
        self.send_avg += (n - self.send_avg) / self.send_cnt
        if n > self.send_max:
            self.send_max = n

    # -- the driver interface -----------------------------------------------------------------
    def control(self, op, data):
        op = (op - _MAGIC) & 0xffffffff
        try:
            return self.ctl(op, data)
        except _Abort as e:
            return _err(e.name)
        except (struct.error, IndexError, ValueError, OverflowError, TypeError):
            return _err("einval")

    def ctl(self, op, data):
        return self.inet_ctl(op, data)

    # -- open / close --------------------------------------------------------------------------
    def _open(self, data, allowed_types):
        if len(data) != 2:
            raise _Abort("einval")
        fam = _PYFAMILY.get(data[0])
        if fam is None:
            raise _Abort("eafnosupport")
        if data[1] not in allowed_types:
            raise _Abort("einval")
        if self.state != _CLOSED:
            raise _Abort("exbadseq")
        typ = socket.SOCK_STREAM if data[1] == _TYPE_STREAM else socket.SOCK_DGRAM
        try:
            s = socket.socket(fam, typ)
        except OSError as e:
            raise _Abort(_oserror_name(e))
        self._attach(s, fam, data[0], data[1])
        self.state = _OPEN
        return _ok()

    def _attach(self, s, pyfamily, efamily, etype):
        s.setblocking(False)
        self.sock = s
        self._fd = s.fileno()
        self.pyfamily = pyfamily
        self.efamily = efamily
        self.etype = etype

    def _fdopen(self, data, allowed_types):
        if len(data) not in (6, 10):
            raise _Abort("einval")
        fam = _PYFAMILY.get(data[0])
        if fam is None:
            raise _Abort("eafnosupport")
        if data[1] not in allowed_types:
            raise _Abort("einval")
        if self.state != _CLOSED:
            raise _Abort("exbadseq")
        fd = _get_i32(data, 2)
        bound = 1 if len(data) == 6 else _get_i32(data, 6)
        typ = socket.SOCK_STREAM if data[1] == _TYPE_STREAM else socket.SOCK_DGRAM
        try:
            s = socket.socket(fam, typ, 0, fd)
        except OSError as e:
            raise _Abort(_oserror_name(e))
        self._attach(s, fam, data[0], data[1])
        self.state = _OPEN
        if bound and typ == socket.SOCK_STREAM:
            try:
                s.getpeername()
                self.state = _CONNECTED
            except OSError:
                pass
        return _ok()

    def _desc_close(self):
        """desc_close: drop the socket; the port lives on."""
        self._unselect()
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self._fd = -1
        self.subscribers = []
        self.state = _CLOSED

    def _driver_exit(self, errname=None):
        """driver_exit: the port terminates (normal, or an errno name) after
        unlinking its owner, which so hears nothing but the messages before."""
        port = self.port
        if not port.alive:
            return
        owner = port.owner
        if owner is not None:
            port.links.discard(owner)
            p = self.rt.process(owner)
            if p is not None:
                p.links.discard(port.id)
        port.table.close(port, A.normal if errname is None else A[errname])

    # -- generic requests (inet_ctl) --------------------------------------------------------------
    def inet_ctl(self, op, data):
        if op == _REQ_GETSTAT:
            return self._getstat(data)
        if op == _REQ_SUBSCRIBE:
            return self._subscribe(data)
        if op == _REQ_GETOPTS:
            return self._getopts(data)
        if op == _REQ_SETOPTS:
            return self._setopts_req(data)
        if op == _REQ_GETSTATUS:
            return _ok(_i32(self.state))
        if op == _REQ_GETTYPE:
            if not self.efamily or not self.etype:
                raise _Abort("einval")
            return _ok(_i32(self.efamily) + _i32(self.etype))
        if op == _REQ_GETFD:
            if not self.state & _F_OPEN or self.sock is None:
                raise _Abort("einval")
            return _ok(_i32(self._fd))
        if op == _REQ_GETHOSTNAME:
            if data:
                raise _Abort("einval")
            return _ok(socket.gethostname().encode("latin-1", "replace"))
        if op == _REQ_PEER:
            if not self.state & _F_ACTIVE:
                raise _Abort("enotconn")
            if self.peer_fake is not None:
                return _ok(self.peer_fake)
            try:
                return _ok(_encode_address(self.pyfamily, self.sock.getpeername()))
            except OSError as e:
                raise _Abort(_oserror_name(e))
            except AttributeError:
                raise _Abort("enotconn")
        if op == _REQ_NAME:
            if self.name_fake is not None:
                return _ok(self.name_fake)
            if self.sock is None:
                raise _Abort("einval")
            try:
                return _ok(_encode_address(self.pyfamily, self.sock.getsockname()))
            except OSError as e:
                raise _Abort(_oserror_name(e))
        if op in (_REQ_SETPEER, _REQ_SETNAME):
            if not data:
                fake = None
            elif len(data) < 2:
                raise _Abort("einval")
            else:
                fam, addr, _ = _parse_faddress(self.pyfamily, data, 0)
                fake = _encode_address(fam, addr)
            if op == _REQ_SETPEER:
                self.peer_fake = fake
            else:
                self.name_fake = fake
            return _ok()
        if op in (_REQ_GETLADDRS, _REQ_GETPADDRS):
            if len(data) != 4:
                raise _Abort("einval")
            if self.sock is None:
                raise _Abort("exbadport")
            try:
                a = self.sock.getsockname() if op == _REQ_GETLADDRS else self.sock.getpeername()
            except OSError as e:
                raise _Abort(_oserror_name(e))
            return _ok(_encode_address(self.pyfamily, a))
        if op == _REQ_BIND:
            return self._bind(data)
        if op == _REQ_IGNOREFD:
            if (self.state & _CONNECTED) != _CONNECTED:
                raise _Abort("enotconn")
            if self.stype != socket.SOCK_STREAM:
                raise _Abort("einval")
            return _ok()
        if op == _REQ_GETSERVBYNAME:
            if len(data) < 2:
                raise _Abort("einval")
            n = data[0]
            if n >= len(data) - 1:
                raise _Abort("einval")
            name = bytes(data[1:1 + n]).decode("latin-1")
            m = data[1 + n]
            proto = bytes(data[2 + n:2 + n + m]).decode("latin-1")
            try:
                return _ok(_u16(socket.getservbyname(name, proto)))
            except OSError:
                raise _Abort("einval")
        if op == _REQ_GETSERVBYPORT:
            if len(data) < 3:
                raise _Abort("einval")
            portnum = (data[0] << 8) | data[1]
            m = data[2]
            proto = bytes(data[3:3 + m]).decode("latin-1")
            try:
                return _ok(socket.getservbyport(portnum, proto).encode("latin-1"))
            except OSError:
                raise _Abort("einval")
        if op == _REQ_GETIFLIST:
            if self.sock is None:
                raise _Abort("exbadport")
            return _getiflist()
        if op == _REQ_IFGET:
            if self.sock is None:
                raise _Abort("exbadport")
            return _ifget(data)
        if op == _REQ_GETIFADDRS:
            if self.sock is None:
                raise _Abort("exbadport")
            return _getifaddrs()
        if op == _REQ_IFSET:
            raise _Abort("enotsup")
        raise _Abort("exbadport")

    def _bind(self, data):
        if len(data) < 2:
            raise _Abort("einval")
        if self.state != _OPEN:
            raise _Abort("exbadport")
        fam, addr, _ = _parse_faddress(self.pyfamily, data, 0)
        if fam != self.pyfamily:
            raise _Abort("einval" if fam in _FAMILY_CODE else "eafnosupport")
        try:
            self.sock.bind(addr)
        except OSError as e:
            raise _Abort(_oserror_name(e))
        if fam in (socket.AF_INET, socket.AF_INET6):
            port = addr[1]
            if port == 0:
                try:
                    port = self.sock.getsockname()[1]
                except OSError:
                    port = 0
        else:
            port = 0
        return _ok(_u16(port))

    def _getstat(self, data):
        out = bytearray(b"\x01")
        for op in data:
            out.append(op)
            if op in (_STAT_RECV_OCT, _STAT_SEND_OCT):
                v = self.recv_oct if op == _STAT_RECV_OCT else self.send_oct
                out += struct.pack(">Q", v & 0xffffffffffffffff)
                continue
            if op == _STAT_RECV_CNT:
                v = self.recv_cnt
            elif op == _STAT_RECV_MAX:
                v = self.recv_max
            elif op == _STAT_RECV_AVG:
                v = int(self.recv_avg)
            elif op == _STAT_RECV_DVI:
                v = int(abs(self.recv_dvi))
            elif op == _STAT_SEND_CNT:
                v = self.send_cnt
            elif op == _STAT_SEND_MAX:
                v = self.send_max
            elif op == _STAT_SEND_AVG:
                v = int(self.send_avg)
            elif op == _STAT_SEND_PEND:
                v = self._queue_size()
            else:
                v = 0
            out += struct.pack(">I", v & 0xffffffff)
        return bytes(out)

    def _queue_size(self):
        return 0

    def _subscribe(self, data):
        out = bytearray(b"\x01")
        for op in data:
            if op != _SUBS_EMPTY_OUT_Q:
                raise _Abort("einval")
            out.append(op)
            n = self._queue_size()
            if n > 0:
                c = _current()
                if c is not None and c not in self.subscribers:
                    self.subscribers.append(c)
            out += struct.pack(">I", n & 0xffffffff)
        return bytes(out)

    def _empty_out_q(self):
        subs, self.subscribers = self.subscribers, []
        for pid in subs:
            self._send_to(pid, (A.empty_out_q, self.port.id))

    # -- options -----------------------------------------------------------------------------------
    def _setopts_req(self, data):
        old_active = self.active
        old_htype = self.htype
        r = self._set_opts(data)
        if r < 0:
            raise _Abort("einval")
        if r == 0 or not self.port.alive:
            return _ok()
        self._after_setopts(old_active, old_htype)
        return _ok()

    def _after_setopts(self, old_active, old_htype):
        self._select()

    def _sockopt(self, level, name, value, propagate):
        """inet_setopt with setopt_prio_tos_trick: setting one option must not
        change SO_PRIORITY or IP_TOS behind the user's back (Linux resets the
        priority when the TOS is set)."""
        s = self.sock
        if s is None:
            if propagate:
                raise _Abort("einval")
            return
        try:
            prio = s.getsockopt(_SOL, _SO_PRIORITY)
        except OSError:
            prio = None
        try:
            tos = s.getsockopt(_IPPROTO_IP, _IP_TOS)
        except OSError:
            tos = None
        try:
            s.setsockopt(level, name, value)
        except OSError:
            if propagate:
                raise _Abort("einval")
            return
        if name == _SO_PRIORITY:
            return
        if name != _IP_TOS and tos is not None:
            try:
                s.setsockopt(_IPPROTO_IP, _IP_TOS, tos)
            except OSError:
                if propagate:
                    raise _Abort("einval")
        if prio is not None:
            try:
                s.setsockopt(_SOL, _SO_PRIORITY, prio)
            except OSError as e:
                if propagate and e.errno != _errno.EPERM:
                    raise _Abort("einval")

    def _set_opts(self, data):
        """inet_set_opts: -1 on a bad option, 0 if the port went away, 1 else."""
        pos = 0
        n = len(data)
        while n - pos >= 5:
            opt = data[pos]
            ival = _get_i32(data, pos + 1)
            pos += 5
            level = _SOL
            propagate = False
            value = ival
            plain = _SETOPT_ATTRS.get(opt)
            if plain is not None:
                attr, convert, only_stype = plain
                if only_stype is None or self.stype == only_stype:
                    setattr(self, attr, convert(ival))
                continue
            if opt == _LOPT_BUFFER:
                self.bufsz = max(ival, 1)
                self.buffer_set = True
                continue
            if opt == _LOPT_ACTIVE:
                self.active = ival
                if ival == _MULTI:
                    if n - pos < 2:
                        return -1
                    nval = struct.unpack_from(">h", data, pos)[0]
                    pos += 2
                    ac = self.active_count + nval
                    if ac > 32767 or ac < -32768:
                        return -1
                    self.active_count = max(ac, 0)
                    if self.active_count == 0:
                        self.active = _PASSIVE
                        self._passive_message()
                else:
                    self.active_count = 0
                if self.stype == socket.SOCK_STREAM and self.active != _PASSIVE and \
                        self.state == _CLOSED:
                    if self._closed_when_activated():
                        return 0
                continue
            if opt in (_LOPT_HIWTRMRK, _LOPT_LOWTRMRK):
                if self.stype == socket.SOCK_STREAM:
                    self._set_watermark(opt == _LOPT_HIWTRMRK, "high", "low", max(ival, 0))
                continue
            if opt in (_LOPT_MSGQ_HIWTRMRK, _LOPT_MSGQ_LOWTRMRK):
                if ival < 1:
                    return -1
                self._set_watermark(opt == _LOPT_MSGQ_HIWTRMRK, "msgq_high", "msgq_low", ival)
                continue
            if opt == _LOPT_READ_PACKETS:
                if self.stype == socket.SOCK_DGRAM:
                    if ival <= 0:
                        return -1
                    self.read_packets = ival
                continue
            if opt == _LOPT_NETNS:
                if ival < 0 or n - pos < ival:
                    return -1
                self.netns = bytes(data[pos:pos + ival])
                pos += ival
                continue
            spec = _SOCKOPTS.get(opt)
            if spec is not None:
                level, name, propagate = spec
                if name is None:
                    continue
                if opt == _OPT_RCVBUF and not self.buffer_set:
                    if ival > (1 << 16) and self.stype == socket.SOCK_DGRAM:
                        self.bufsz = 1 << 16
                    elif ival > self.bufsz:
                        self.bufsz = ival
            elif opt == _OPT_LINGER:
                if n - pos < 4:
                    return -1
                secs = _get_i32(data, pos)
                pos += 4
                name = socket.SO_LINGER
                value = struct.pack("ii", ival, secs)
                if self.stype == socket.SOCK_STREAM:
                    self.linger_zero = bool(ival and secs == 0)
            elif opt == _OPT_MULTICAST_IF:
                if self.pyfamily == socket.AF_INET:
                    level, name = _IPPROTO_IP, socket.IP_MULTICAST_IF
                    value = struct.pack(">I", ival & 0xffffffff)
                elif self.pyfamily == socket.AF_INET6:
                    level, name = _IPPROTO_IPV6, socket.IPV6_MULTICAST_IF
                else:
                    return -1
            elif opt in (_OPT_ADD_MEMBERSHIP, _OPT_DROP_MEMBERSHIP):
                add = opt == _OPT_ADD_MEMBERSHIP
                if n - pos < 4:
                    return -1
                ifindex = _get_i32(data, pos)
                pos += 4
                if ival == _AF_INET and self.pyfamily == socket.AF_INET:
                    if n - pos < 8:
                        return -1
                    maddr = bytes(data[pos:pos + 4])
                    laddr = bytes(data[pos + 4:pos + 8])
                    pos += 8
                    level = _IPPROTO_IP
                    name = socket.IP_ADD_MEMBERSHIP if add else socket.IP_DROP_MEMBERSHIP
                    value = maddr + laddr if not ifindex else \
                        maddr + laddr + struct.pack("i", ifindex)
                elif ival == _AF_INET6 and self.pyfamily == socket.AF_INET6:
                    if n - pos < 16:
                        return -1
                    maddr = bytes(data[pos:pos + 16])
                    pos += 16
                    level = _IPPROTO_IPV6
                    name = socket.IPV6_JOIN_GROUP if add else socket.IPV6_LEAVE_GROUP
                    value = maddr + struct.pack("I", ifindex & 0xffffffff)
                else:
                    return -1
            elif opt == _OPT_RAW:
                if n - pos < 8:
                    return -1
                level = ival
                name = _get_i32(data, pos)
                size = _get_i32(data, pos + 4)
                pos += 8
                if size < 0 or n - pos < size:
                    return -1
                value = bytes(data[pos:pos + size])
                pos += size
            elif opt == _OPT_BIND_TO_DEVICE:
                if ival < 0 or n - pos < ival or ival > 16:
                    return -1
                value = bytes(data[pos:pos + ival])
                pos += ival
                name = _SO_BINDTODEVICE
                propagate = True
            else:
                return -1
            try:
                self._sockopt(level, name, value, propagate)
            except _Abort:
                return -1
        return 1

    def _set_watermark(self, is_high, high_attr, low_attr, value):
        """Set one end of a high/low watermark pair, moving the other so low <= high."""
        if is_high:
            setattr(self, high_attr, value)
            if getattr(self, low_attr) > value:
                setattr(self, low_attr, value)
        else:
            setattr(self, low_attr, value)
            if getattr(self, high_attr) < value:
                setattr(self, high_attr, value)

    def _closed_when_activated(self):
        return False

    def _getopts(self, data):
        """inet_fill_opts: each option's code followed by its value; options that
        do not apply to this socket, or that the OS will not read, are left out."""
        out = bytearray(b"\x01")
        pos = 0
        n = len(data)
        while pos < n:
            opt = data[pos]
            pos += 1
            if opt == _OPT_RAW:
                value, pos = self._getopt_raw(data, pos)
            else:
                value = self._getopt(opt)
            if value is not None:
                out.append(opt)
                out += value
        return bytes(out)

    def _getopt(self, opt):
        """The encoded value of one option, or None to leave it out."""
        plain = _GETOPT_ATTRS.get(opt)
        if plain is not None:
            attr, as_flag, only_stype = plain
            if only_stype is not None and self.stype != only_stype:
                return None
            v = getattr(self, attr)
            return _i32((1 if v else 0) if as_flag else v)
        if opt == _LOPT_ACTIVE:
            if self.active == _MULTI:
                return _i32(self.active) + struct.pack(">h", self.active_count)
            return _i32(self.active)
        if opt == _LOPT_NETNS:
            if self.netns is None:
                return None
            return _i32(len(self.netns)) + self.netns
        if opt == _OPT_PKTOPTIONS:
            return None
        if opt == _OPT_BIND_TO_DEVICE:
            v = self._getsockopt(_SOL, _SO_BINDTODEVICE, 16)
            if v is None:
                return None
            v = v.split(b"\0", 1)[0]
            return _i32(len(v)) + v
        if opt == _OPT_MULTICAST_IF:
            if self.pyfamily == socket.AF_INET:
                v = self._getsockopt(_IPPROTO_IP, socket.IP_MULTICAST_IF, 4)
                return None if v is None else _i32(_AF_INET) + bytes(v[:4]).ljust(4, b"\0")
            if self.pyfamily == socket.AF_INET6:
                v = self._getsockopt(_IPPROTO_IPV6, socket.IPV6_MULTICAST_IF)
                return None if v is None else _i32(_AF_INET6) + _i32(v)
            raise _Abort("einval")
        if opt == _OPT_LINGER:
            v = self._getsockopt(_SOL, socket.SO_LINGER, 8)
            if v is None:
                return None
            onoff, secs = struct.unpack("ii", v)
            return _i32(onoff) + _i32(secs)
        spec = _SOCKOPTS.get(opt)
        if spec is None:
            raise _Abort("einval")
        level, name, _ = spec
        if name is None:
            return _i32(0)
        v = self._getsockopt(level, name)
        return None if v is None else _i32(v)

    def _getopt_raw(self, data, pos):
        """A raw {Level, Name, Size} query: (encoded value or None, next position)."""
        n = len(data)
        if n - pos < 13:
            raise _Abort("einval")
        level = _get_i32(data, pos)
        name = _get_i32(data, pos + 4)
        provided = data[pos + 8]
        size = _get_i32(data, pos + 9)
        pos += 13
        if provided:
            if n - pos < size:
                raise _Abort("einval")
            pos += size
        if size < 0 or size > 0x10000:
            raise _Abort("einval")
        v = self._getsockopt(level, name, size)
        if v is None:
            return None, pos
        return _i32(level) + _i32(name) + _i32(len(v)) + v, pos

    def _getsockopt(self, level, name, size=None):
        """getsockopt, or None when there is no socket or the OS refuses."""
        try:
            if size is None:
                return self.sock.getsockopt(level, name)
            return self.sock.getsockopt(level, name, size)
        except (OSError, AttributeError):
            return None


def _flag(v):
    return 1 if v else 0


def _u32(v):
    return v & 0xffffffff


def _u8(v):
    return v & 0xff


def _same(v):
    return v


_STREAM = socket.SOCK_STREAM
_DGRAM = socket.SOCK_DGRAM

# Options that only set a field: option -> (field, conversion, socket type it
# applies to or None for all); for the others set_opts ignores them silently.
_SETOPT_ATTRS = {
    _LOPT_HEADER: ("hsz", _same, None),
    _LOPT_MODE: ("mode", _same, None),
    _LOPT_DELIVER: ("deliver", _same, None),
    _LOPT_PACKET: ("htype", _same, None),
    _LOPT_PACKET_SIZE: ("psize", _u32, None),
    _LOPT_EXITONCLOSE: ("exitf", _same, None),
    _LOPT_SEND_TIMEOUT: ("send_timeout", _u32, _STREAM),
    _LOPT_SEND_TIMEOUT_CLOSE: ("send_timeout_close", _same, _STREAM),
    _LOPT_DELAY_SEND: ("delay_send", _flag, _STREAM),
    _LOPT_SHOW_ECONNRESET: ("show_econnreset", _flag, _STREAM),
    _LOPT_LINE_DELIM: ("delimiter", _u8, None),
    _OPT_DEBUG: ("debug", _flag, None),
}

# Options get_opts answers from a field: option -> (field, reported as 0/1,
# socket type it applies to or None for all); for the others it is left out.
_GETOPT_ATTRS = {
    _LOPT_BUFFER: ("bufsz", False, None),
    _LOPT_HEADER: ("hsz", False, None),
    _LOPT_MODE: ("mode", False, None),
    _LOPT_DELIVER: ("deliver", False, None),
    _LOPT_PACKET: ("htype", False, None),
    _LOPT_PACKET_SIZE: ("psize", False, None),
    _LOPT_EXITONCLOSE: ("exitf", True, None),
    _LOPT_HIWTRMRK: ("high", False, _STREAM),
    _LOPT_LOWTRMRK: ("low", False, _STREAM),
    _LOPT_SEND_TIMEOUT: ("send_timeout", False, _STREAM),
    _LOPT_SEND_TIMEOUT_CLOSE: ("send_timeout_close", True, _STREAM),
    _LOPT_DELAY_SEND: ("delay_send", True, _STREAM),
    _LOPT_SHOW_ECONNRESET: ("show_econnreset", True, _STREAM),
    _LOPT_MSGQ_HIWTRMRK: ("msgq_high", False, None),
    _LOPT_MSGQ_LOWTRMRK: ("msgq_low", False, None),
    _LOPT_READ_PACKETS: ("read_packets", False, _DGRAM),
    _OPT_DEBUG: ("debug", False, None),
}

# Plain integer socket options: option -> (level, name or None where this OS
# lacks it, whether a failure to set it is reported).
_SOCKOPTS = {
    _OPT_REUSEADDR: (_SOL, socket.SO_REUSEADDR, False),
    _OPT_KEEPALIVE: (_SOL, socket.SO_KEEPALIVE, False),
    _OPT_DONTROUTE: (_SOL, socket.SO_DONTROUTE, False),
    _OPT_BROADCAST: (_SOL, socket.SO_BROADCAST, False),
    _OPT_OOBINLINE: (_SOL, socket.SO_OOBINLINE, False),
    _OPT_SNDBUF: (_SOL, socket.SO_SNDBUF, False),
    _OPT_RCVBUF: (_SOL, socket.SO_RCVBUF, False),
    _OPT_PRIORITY: (_SOL, _SO_PRIORITY, True),
    _OPT_TOS: (_IPPROTO_IP, _IP_TOS, True),
    _OPT_TCLASS: (_IPPROTO_IPV6, _IPV6_TCLASS, True),
    _OPT_TTL: (_IPPROTO_IP, _IP_TTL, True),
    _OPT_RECVTOS: (_IPPROTO_IP, _IP_RECVTOS, True),
    _OPT_RECVTCLASS: (_IPPROTO_IPV6, _IPV6_RECVTCLASS, True),
    _OPT_RECVTTL: (_IPPROTO_IP, _IP_RECVTTL, True),
    _OPT_NODELAY: (_IPPROTO_TCP, socket.TCP_NODELAY, False),
    _OPT_NOPUSH: (_IPPROTO_TCP, _TCP_NOPUSH, False),
    _OPT_MULTICAST_TTL: (_IPPROTO_IP, getattr(socket, "IP_MULTICAST_TTL", 33), False),
    _OPT_MULTICAST_LOOP: (_IPPROTO_IP, getattr(socket, "IP_MULTICAST_LOOP", 34), False),
    _OPT_IPV6_V6ONLY: (_IPPROTO_IPV6, _IPV6_V6ONLY, True),
}


# -- interfaces (inet:getifaddrs, getiflist, ifget) --------------------------------------------------

_SIOCGIFFLAGS, _SIOCGIFADDR, _SIOCGIFDSTADDR, _SIOCGIFBRDADDR = 0x8913, 0x8915, 0x8917, 0x8919
_SIOCGIFNETMASK, _SIOCGIFMTU, _SIOCGIFHWADDR = 0x891b, 0x8921, 0x8927
_IFF_UP, _IFF_BROADCAST, _IFF_LOOPBACK, _IFF_POINTOPOINT, _IFF_MULTICAST = \
    0x1, 0x2, 0x8, 0x10, 0x1000


def _if_names():
    try:
        return [name for _, name in socket.if_nameindex()]
    except (OSError, AttributeError):
        return []


class _IfReq:
    """ioctl(SIOCGIF*) on one interface name (Linux)."""

    def __init__(self):
        try:
            import fcntl
            self.fcntl = fcntl
        except ImportError:
            self.fcntl = None
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def close(self):
        self.sock.close()

    def get(self, name, code):
        if self.fcntl is None:
            return None
        req = struct.pack("16s24s", name.encode("utf-8")[:15], b"")
        try:
            return self.fcntl.ioctl(self.sock.fileno(), code, req)
        except OSError:
            return None

    def sockaddr(self, name, code):
        """[F, Addr...] of the interface address an ioctl returns, or None."""
        r = self.get(name, code)
        if r is None:
            return None
        fam = struct.unpack_from("H", r, 16)[0]
        if fam in (0, socket.AF_INET):
            return bytes([_AF_INET]) + r[20:24]
        return None

    def flags(self, name):
        r = self.get(name, _SIOCGIFFLAGS)
        return struct.unpack_from("H", r, 16)[0] if r is not None else 0

    def hwaddr(self, name):
        r = self.get(name, _SIOCGIFHWADDR)
        if r is None:
            return None
        return struct.unpack_from("H", r, 16)[0], r[18:24]


def _eflags(flags):
    """IFGET_FLAGS: kernel interface flags as inet's."""
    e = 0
    if flags & _IFF_UP:
        e |= 0x1 | 0x10
    if flags & _IFF_BROADCAST:
        e |= 0x2
    if flags & _IFF_LOOPBACK:
        e |= 0x4
    if flags & _IFF_POINTOPOINT:
        e |= 0x8
    if flags & _IFF_MULTICAST:
        e |= 0x20
    return e


def _ifget(data):
    """inet_ctl_ifget: the options asked for, in order, that the ioctls give."""
    if not data or data[0] > len(data):
        raise _Abort("einval")
    n = data[0]
    name = bytes(data[1:1 + n]).decode("utf-8", "replace")
    out = bytearray(b"\x01")
    ifr = _IfReq()
    try:
        for opt in data[1 + n:]:
            if opt in (1, 2, 3, 5):
                code = {1: _SIOCGIFADDR, 2: _SIOCGIFBRDADDR, 3: _SIOCGIFDSTADDR,
                        5: _SIOCGIFNETMASK}[opt]
                a = ifr.sockaddr(name, code)
                if a is not None:
                    out.append(opt)
                    out += a
            elif opt == 4:
                r = ifr.get(name, _SIOCGIFMTU)
                if r is not None:
                    out.append(opt)
                    out += _i32(struct.unpack_from("i", r, 16)[0])
            elif opt == 6:
                out.append(opt)
                out += _i32(_eflags(ifr.flags(name)))
            elif opt == 7:
                hw = ifr.hwaddr(name)
                if hw is not None:
                    out.append(opt)
                    out += _u16(6) + hw[1]
            else:
                raise _Abort("einval")
    finally:
        ifr.close()
    return bytes(out)


def _getiflist():
    """SIOCGIFCONF's list: the interfaces that have an IPv4 address."""
    ifr = _IfReq()
    try:
        names = [n for n in _if_names() if ifr.sockaddr(n, _SIOCGIFADDR) is not None]
    finally:
        ifr.close()
    return _ok(b"".join(n.encode("utf-8") + b"\0" for n in names))


def _getifaddrs():
    """inet_ctl_getifaddrs over what getifaddrs(3) lists on Linux: a link entry
    per interface, then the IPv4 addresses, then the IPv6 ones."""
    ifr = _IfReq()
    try:
        names = _if_names()
        if not names or ifr.fcntl is None:
            raise _Abort("enotsup")
        out = bytearray(b"\x01")
        flags = dict((n, ifr.flags(n)) for n in names)

        def entry(name, opts):
            out.extend(name.encode("utf-8") + b"\0")
            out.append(6)
            out.extend(_i32(_eflags(flags.get(name, 0))))
            out.extend(opts)
            out.append(0)

        for name in names:
            hw = ifr.hwaddr(name)
            opts = b""
            if hw is not None and hw[0] in (1, 772):    # ARPHRD_ETHER, ARPHRD_LOOPBACK
                opts = b"\x07" + _u16(6) + hw[1]
            entry(name, opts)
        for name in names:
            a = ifr.sockaddr(name, _SIOCGIFADDR)
            if a is None:
                continue
            opts = b"\x01" + a
            m = ifr.sockaddr(name, _SIOCGIFNETMASK)
            if m is not None:
                opts += b"\x05" + m
            f = flags[name]
            if f & _IFF_POINTOPOINT:
                d = ifr.sockaddr(name, _SIOCGIFDSTADDR)
                if d is not None:
                    opts += b"\x03" + d
            elif f & _IFF_BROADCAST:
                b = ifr.sockaddr(name, _SIOCGIFBRDADDR)
                if b is not None:
                    opts += b"\x02" + b
            entry(name, opts)
        try:
            with open("/proc/net/if_inet6") as f6:
                lines = f6.read().split("\n")
        except OSError:
            lines = []
        for line in lines:
            parts = line.split()
            if len(parts) < 6 or parts[5] not in flags:
                continue
            addr = bytes.fromhex(parts[0])
            plen = int(parts[2], 16)
            mask = ((1 << 128) - (1 << (128 - plen))).to_bytes(16, "big")
            entry(parts[5], b"\x01" + bytes([_AF_INET6]) + addr +
                  b"\x05" + bytes([_AF_INET6]) + mask)
        return bytes(out)
    finally:
        ifr.close()


# -- TCP -------------------------------------------------------------------------------------------

class TcpDriver(InetDriver):
    """tcp_inet: stream sockets (inet, inet6, local)."""

    stype = socket.SOCK_STREAM

    def __init__(self, port, command=None, settings=None):
        InetDriver.__init__(self, port, command, settings)
        self.ibuf = bytearray()
        self.outq = bytearray()
        self.high = _HIGH_WATERMARK
        self.low = _LOW_WATERMARK
        self.send_timeout = _INFINITY
        self.send_timeout_close = 0
        self.delay_send = 0
        self.show_econnreset = 0
        self.linger_zero = False
        self.http_state = [0]
        self.recv_len = 0            # length asked for by the pending passive recv
        self.read_closed = False     # desc_close_read: no more reads
        self.close_sent = False
        self.delayed_close_recv = False
        self.delayed_close_send = False
        self.delayed_econnreset = False
        self.shutdown_wr_done = False
        self.pending_shutdown = None     # socket.SHUT_WR / SHUT_RDWR once the queue empties
        self.busy_callers = []
        self.send_timer = None
        self.acceptors = []          # [id, caller, timer] waiting in accept

    # -- what to wait for ---------------------------------------------------------------------------
    def _wanted(self):
        if self.sock is None:
            return 0
        st = self.state
        if st & _F_ACC:
            return _R
        if st == _CONNECTING:
            return _W
        if (st & _CONNECTED) != _CONNECTED:
            return 0
        ev = 0
        if self.outq:
            ev |= _W
        if not self.read_closed and (self.active != _PASSIVE or
                                     (self.opq and self.opq[0][2] == _TCP_REQ_RECV)):
            ev |= _R
        return ev

    def _on_event(self):
        if self.sock is None:
            return
        st = self.state
        if st & _F_ACC:
            self._accept_ready()
        elif st == _CONNECTING:
            self._connect_ready()
        elif (st & _CONNECTED) == _CONNECTED:
            if self.outq:
                self._output_ready()
            if self.sock is not None and (self.state & _CONNECTED) == _CONNECTED and \
                    not self.read_closed and (self.active != _PASSIVE or self.opq):
                self._tcp_recv()
        self._select()

    def _queue_size(self):
        return len(self.outq)

    # -- control requests ---------------------------------------------------------------------------
    def ctl(self, op, data):
        if op == _REQ_OPEN:
            return self._open(data, (_TYPE_STREAM,))
        if op == _REQ_FDOPEN:
            r = self._fdopen(data, (_TYPE_STREAM,))
            self._select()
            return r
        if op == _REQ_LISTEN:
            if not self.state & _F_OPEN or self.sock is None:
                raise _Abort("exbadport")
            if len(data) != 2:
                raise _Abort("einval")
            backlog = struct.unpack(">h", data)[0]
            try:
                self.sock.listen(max(backlog, 0))
            except OSError as e:
                raise _Abort(_oserror_name(e))
            self.state = _LISTENING
            return _ok()
        if op == _REQ_CONNECT:
            return self._connect(data)
        if op == _REQ_ACCEPT:
            return self._accept(data)
        if op == _REQ_CLOSE:
            self._close_check()
            self._tcp_desc_close()
            return _ok()
        if op == _TCP_REQ_RECV:
            return self._recv_req(data)
        if op == _TCP_REQ_UNRECV:
            if (self.state & _CONNECTED) != _CONNECTED:
                raise _Abort("enotconn")
            self.ibuf[0:0] = data
            if self.active != _PASSIVE:
                self._tcp_deliver()
                self._select()
            return _ok()
        if op == _TCP_REQ_SHUTDOWN:
            return self._shutdown(data)
        if op == _TCP_REQ_SENDFILE:
            raise _Abort("enotsup")
        return self.inet_ctl(op, data)

    def _connect(self, data):
        if not self.state & _F_OPEN or self.sock is None:
            raise _Abort("exbadport")
        if (self.state & _CONNECTED) == _CONNECTED:
            raise _Abort("eisconn")
        if (self.state & _CONNECTING) == _CONNECTING:
            raise _Abort("einval")
        if len(data) < 6:
            raise _Abort("einval")
        timeout = _get_u32(data, 0)
        fam, addr, _ = _parse_faddress(self.pyfamily, data, 4)
        try:
            code = self.sock.connect_ex(addr)
        except OSError as e:
            raise _Abort(_oserror_name(e))
        except (TypeError, ValueError, OverflowError):
            raise _Abort("einval")
        if code in (_errno.EINPROGRESS, _errno.EAGAIN, _errno.EWOULDBLOCK, _errno.EALREADY):
            self.state = _CONNECTING
            self.remote = addr
            op = self._enq(_REQ_CONNECT)
            if timeout != _INFINITY:
                op[3] = self.rt.timers.add(timeout, self._connect_timeout)
            self._select()
            return _ok(_u16(op[0]))
        if code == 0 or code == _errno.EISCONN:
            self.state = _CONNECTED
            self.remote = addr
            op = self._enq(_REQ_CONNECT)
            self._async_ok()
            self._select()
            return _ok(_u16(op[0]))
        raise _Abort(_errno_name(code))

    def _connect_timeout(self):
        if self.opq:
            self.opq[0][3] = None
        if self.state == _CONNECTING:
            self._tcp_desc_close()
            self._async_error("timeout")

    def _connect_ready(self):
        try:
            err = self.sock.getsockopt(_SOL, socket.SO_ERROR)
        except OSError as e:
            err = e.errno or _errno.EINVAL
        if err in (_errno.EINPROGRESS, _errno.EALREADY):
            return
        if err:
            self.state = _OPEN
            self._select()
            self._async_error(_errno_name(err))
            return
        self.state = _CONNECTED
        self._async_ok()
        self._select()

    # -- accept ----------------------------------------------------------------------------------------
    def _accept(self, data):
        if self.state not in (_LISTENING, _ACCEPTING, _MULTI_ACCEPTING) or len(data) != 4:
            raise _Abort("einval")
        timeout = _get_u32(data, 0)
        caller = _current()
        if self.acceptors:
            aid = self._new_id()
            acc = [aid, caller, None]
            if timeout != _INFINITY:
                acc[2] = self.rt.timers.add(timeout, lambda: self._accept_timeout(acc))
            self.acceptors.append(acc)
            self.state = _MULTI_ACCEPTING
            return _ok(_u16(aid))
        try:
            s, addr = self.sock.accept()
        except (BlockingIOError, InterruptedError):
            aid = self._new_id()
            acc = [aid, caller, None]
            if timeout != _INFINITY:
                acc[2] = self.rt.timers.add(timeout, lambda: self._accept_timeout(acc))
            self.acceptors.append(acc)
            self.state = _ACCEPTING
            self._select()
            return _ok(_u16(aid))
        except OSError as e:
            raise _Abort(_oserror_name(e))
        aid = self._new_id()
        newport = self._accepted(s, addr, caller)
        self._send_to(caller, (_AM_INET_ASYNC, self.port.id, aid, (_AM_OK, newport.id)))
        return _ok(_u16(aid))

    def _accepted(self, s, addr, owner):
        """tcp_inet_copy: a new port for an accepted connection, owned by (and
        linked to) the process that accepted it, with the listener's settings."""
        table = self.port.table
        newport = table.open("tcp_inet", TcpDriver, owner, "tcp_inet", None)
        d = newport.driver
        d._attach(s, self.pyfamily, self.efamily, self.etype)
        for name in ("mode", "exitf", "deliver", "htype", "psize", "hsz", "bufsz",
                     "buffer_set", "high", "low", "send_timeout", "send_timeout_close",
                     "show_econnreset", "linger_zero", "msgq_high", "msgq_low", "delimiter"):
            setattr(d, name, getattr(self, name))
        d.remote = addr
        d.state = _CONNECTED
        newport.binary = self.port.binary
        return newport

    def _accept_timeout(self, acc):
        acc[2] = None
        if acc in self.acceptors:
            self.acceptors.remove(acc)
            if not self.acceptors:
                self.state = _LISTENING
                self._select()
            self._send_to(acc[1], (_AM_INET_ASYNC, self.port.id, acc[0],
                                   (_AM_ERROR, _AM_TIMEOUT)))

    def _accept_ready(self):
        rt = self.rt
        while self.acceptors:
            # an acceptor that died no longer waits (inet_drv monitors them)
            while self.acceptors and rt.process(self.acceptors[0][1]) is None:
                acc = self.acceptors.pop(0)
                if acc[2] is not None:
                    rt.timers.cancel(acc[2])
            if not self.acceptors:
                break
            try:
                s, addr = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                acc = self.acceptors.pop(0)
                if acc[2] is not None:
                    rt.timers.cancel(acc[2])
                self._send_to(acc[1], (_AM_INET_ASYNC, self.port.id, acc[0],
                                       (_AM_ERROR, A[_oserror_name(e)])))
                continue
            acc = self.acceptors.pop(0)
            if acc[2] is not None:
                rt.timers.cancel(acc[2])
            newport = self._accepted(s, addr, acc[1])
            self._send_to(acc[1], (_AM_INET_ASYNC, self.port.id, acc[0],
                                   (_AM_OK, newport.id)))
        if self.state & _F_ACC:
            self.state = _LISTENING

    # -- receive ---------------------------------------------------------------------------------------
    def _recv_req(self, data):
        if (self.state & _CONNECTED) != _CONNECTED:
            if self.delayed_close_recv:
                self.delayed_close_recv = False
                self.delayed_close_send = False
                if self.delayed_econnreset:
                    self.delayed_econnreset = False
                    raise _Abort("econnreset")
                raise _Abort("closed")
            raise _Abort("enotconn")
        if self.active != _PASSIVE or len(data) != 8:
            raise _Abort("einval")
        timeout = _get_u32(data, 0)
        n = _get_u32(data, 4)
        if self.htype != _PB_RAW and n != 0:
            raise _Abort("einval")
        if n > _MAX_PACKET:
            raise _Abort("enomem")
        if self.opq:
            raise _Abort("ealready")
        op = self._enq(_TCP_REQ_RECV)
        self.recv_len = n
        # what is buffered, else one read from the socket now (as tcp_recv)
        if self._tcp_deliver(True) == 0 and self.opq and self.opq[0] is op:
            self._tcp_recv()
        if self.opq and self.opq[0] is op:
            if timeout == 0:
                self.recv_len = 0
                self._async_error("timeout")
            elif timeout != _INFINITY:
                op[3] = self.rt.timers.add(timeout, self._recv_timeout)
        self._select()
        return _ok(_u16(op[0]))

    def _recv_timeout(self):
        if self.opq and self.opq[0][2] == _TCP_REQ_RECV:
            self.opq[0][3] = None
            self.recv_len = 0
            self._async_error("timeout")
            self._select()

    def _tcp_recv(self):
        """One read from the socket, then deliver what is complete."""
        if self.ibuf and self._next_packet_length() < 0:
            return self._recv_error(_errno.EMSGSIZE)
        want = 65536
        if self.recv_len and self.active == _PASSIVE:
            want = max(want, self.recv_len - len(self.ibuf))
        try:
            data = self.sock.recv(want)
        except (BlockingIOError, InterruptedError):
            return 0
        except ConnectionResetError:
            if self.show_econnreset:
                return self._recv_error(_errno.ECONNRESET)
            return self._recv_closed()
        except OSError as e:
            return self._recv_error(e.errno)
        if not data:
            return self._recv_closed()
        self.ibuf += data
        return self._tcp_deliver(True)

    def _next_packet_length(self):
        buf = self.ibuf
        if not buf:
            return 0
        if self.active == _PASSIVE and self.recv_len:
            return self.recv_len if len(buf) >= self.recv_len else 0
        ht = self.htype
        if ht == _PB_RAW:
            return min(len(buf), max(self.bufsz, 1))
        tlen = _packet_length(ht, buf, self.psize, self.bufsz, self.delimiter,
                              self.http_state)
        if tlen > _MAX_PACKET:
            return -1
        if tlen > len(buf):
            return 0
        return tlen

    def _tcp_deliver(self, report=False):
        """tcp_deliver: hand out every complete packet the socket's mode allows;
        returns how many, or -1 if the socket went away. A framing error in
        the first packet is reported when `report` (a read or a recv request
        looked at it, as tcp_recv does); otherwise it waits for the next read."""
        count = 0
        while self.ibuf and self.port.alive:
            if self.active == _PASSIVE:
                if not (self.opq and self.opq[0][2] == _TCP_REQ_RECV):
                    break
            plen = self._next_packet_length()
            if plen < 0:
                if report and count == 0:
                    return self._recv_error(_errno.EMSGSIZE)
                break
            if plen == 0:
                break
            pkt = bytes(self.ibuf[:plen])
            del self.ibuf[:plen]
            self._input_count(plen)
            self._reply_data(pkt)
            count += 1
            if self.active == _PASSIVE:
                self.recv_len = 0
                break
        return count

    def _reply_data(self, pkt):
        ht = self.htype
        body = _packet_body(ht, pkt)
        if self.deliver == _DELIVER_PORT:
            self._output((self.port.id, (_AM_DATA, self._fmt(body))))
        elif ht in _PB_HTTP_ANY:
            binary = ht in (_PB_HTTP_BIN, _PB_HTTPH_BIN)
            mkstr = bytes if binary else _blist
            term = _http_parse(pkt, self.http_state, mkstr)
            if term is None:
                term = (A.http_error, mkstr(pkt))
            if self.active == _PASSIVE:
                self._async_ok(term)
                return
            self._output((A.http, self.port.id, term))
        elif ht == _PB_SSL_TLS:
            term = _ssl_tls_record(self.port.id, pkt)
            if self.active == _PASSIVE:
                self._async_ok(term)
                return
            self._output(term)
        elif self.active == _PASSIVE:
            self._async_ok(self._fmt(body))
            return
        else:
            self._output((_AM_TCP, self.port.id, self._fmt(body)))
        self._check_active_to_passive()

    def _closed_message(self):
        if not self.close_sent:
            self.close_sent = True
            self._output((A.tcp_closed, self.port.id))

    def _error_message(self, name):
        self._output((A.tcp_error, self.port.id, A[name]))

    def _fail_busy(self, name):
        """A blocked send learns that the connection is gone."""
        if self.state & _F_BUSY or self.busy_callers:
            self.state &= ~_F_BUSY
            if self.send_timer is not None:
                self.rt.timers.cancel(self.send_timer)
                self.send_timer = None
            callers, self.busy_callers = self.busy_callers, []
            self.outq = bytearray()
            for c in callers:
                self._reply_error(name, c)
            return True
        return False

    def _recv_closed(self):
        """tcp_recv_closed: the peer closed the connection."""
        if not self._fail_busy("closed"):
            self.delayed_close_send = True
        self.ibuf = bytearray()
        if self.active == _PASSIVE:
            self.recv_len = 0
            if self.exitf:
                self._tcp_desc_close()
            else:
                self._close_read()
            self._async_error_all("closed")
        else:
            self._closed_message()
            if self.exitf:
                self._driver_exit()
            else:
                self._close_read()
        return -1

    def _recv_error(self, err):
        if err in (_errno.EAGAIN, _errno.EWOULDBLOCK):
            return 0
        name = _errno_name(err)
        self._fail_busy("closed")
        self.ibuf = bytearray()
        if self.active == _PASSIVE:
            self.recv_len = 0
            if self.exitf:
                self._tcp_desc_close()
            else:
                self._close_read()
            self._async_error_all(name)
        else:
            self._error_message(name)
            self._closed_message()
            if self.exitf:
                self._driver_exit(name)
            else:
                self._close_read()
        return -1

    def _close_read(self):
        self.read_closed = True
        self._select()

    def _closed_when_activated(self):
        """Made active after the connection closed: {tcp_closed, S} now."""
        if self.delayed_econnreset:
            self.delayed_econnreset = False
            self._error_message("econnreset")
        self._closed_message()
        if self.exitf:
            self._driver_exit()
            return True
        self.read_closed = True
        return False

    def _after_setopts(self, old_active, old_htype):
        if (self.state & _CONNECTED) != _CONNECTED:
            return
        if old_active == _PASSIVE and self.active in (_ONCE, _MULTI) and \
                self.htype == old_htype:
            # made active once or N: deliver what is buffered, else try a read now
            if self._tcp_deliver() == 0 and self.port.alive and self.sock is not None \
                    and not self.read_closed and self.active != _PASSIVE:
                self._tcp_recv()
        elif self.active != _PASSIVE and (old_active == _PASSIVE or self.htype != old_htype):
            self._tcp_deliver()
        if self.port.alive:
            self._select()

    # -- send ----------------------------------------------------------------------------------------
    def command(self, data):
        caller = _current()
        self.caller = caller
        if (self.state & _CONNECTED) != _CONNECTED:
            if self.delayed_close_send:
                self.delayed_close_send = False
                if self.delayed_econnreset:
                    self._reply_error("econnreset")
                else:
                    self._reply_error("closed")
            else:
                self._reply_error("enotconn")
            return
        if self.pending_shutdown is not None:
            self._send_error(_errno.EPIPE)
            return
        n = len(data)
        ht = self.htype
        if ht == _PB_1:
            data = bytes([n & 0xff]) + data
        elif ht == _PB_2:
            data = _u16(n) + data
        elif ht == _PB_4:
            data = struct.pack(">I", n & 0xffffffff) + data
        self._output_count(len(data))
        if self.outq:
            self.outq += data
            if len(self.outq) >= self.high:
                if self.send_timeout == 0:
                    self._reply_error("timeout")
                    return
                self.state |= _F_BUSY
                self.busy_callers.append(caller)
                self.caller = None
                if self.send_timeout != _INFINITY and self.send_timer is None:
                    self.send_timer = self.rt.timers.add(self.send_timeout, self._send_timeout)
                return
            self._reply(_AM_OK)
            return
        if not data:
            self._reply(_AM_OK)
            return
        try:
            sent = self.sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError as e:
            self._send_error(e.errno)
            return
        if sent < len(data):
            self.outq += data[sent:]
            self._select()
        self._reply(_AM_OK)

    def _send_timeout(self):
        self.send_timer = None
        if not self.busy_callers:
            return
        self.state &= ~_F_BUSY
        callers, self.busy_callers = self.busy_callers, []
        for c in callers:
            self._reply_error("timeout", c)
        if self.send_timeout_close:
            self._tcp_desc_close()

    def _output_ready(self):
        while self.outq:
            try:
                n = self.sock.send(self.outq)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                self._send_error(e.errno)
                return
            if n <= 0:
                return
            del self.outq[:n]
            if len(self.outq) <= self.low and (self.state & _F_BUSY or self.busy_callers):
                self.state &= ~_F_BUSY
                if self.send_timer is not None:
                    self.rt.timers.cancel(self.send_timer)
                    self.send_timer = None
                callers, self.busy_callers = self.busy_callers, []
                for c in callers:
                    self._reply(_AM_OK, c)
        self._empty_out_q()
        if self.pending_shutdown is not None and self.sock is not None:
            how, self.pending_shutdown = self.pending_shutdown, None
            try:
                self.sock.shutdown(how)
                self.shutdown_wr_done = True
            except OSError as e:
                self._send_error(e.errno)

    def _send_error(self, err):
        """tcp_send_error / tcp_send_or_shutdown_error."""
        if err == _errno.EPIPE and not self.shutdown_wr_done:
            err = _errno.ECONNRESET
        show = err == _errno.ECONNRESET and self.show_econnreset
        name = _errno_name(err)
        busy = self.busy_callers
        self.busy_callers = []
        self.state &= ~_F_BUSY
        if self.send_timer is not None:
            self.rt.timers.cancel(self.send_timer)
            self.send_timer = None
        reason = name if show else "closed"
        if self.active != _PASSIVE:
            if show:
                self._error_message(name)
            self._closed_message()
            for c in busy:
                self._reply_error(reason, c)
            if self.caller is not None:
                self._reply_error(reason)
            if self.exitf:
                self._driver_exit()
            else:
                self._tcp_desc_close()
        else:
            self._close_check()
            if self.caller is not None or busy:
                for c in busy:
                    self._reply_error(reason, c)
                if self.caller is not None:
                    self._reply_error(reason)
            else:
                self.delayed_close_send = True
            self._tcp_desc_close()
            self.delayed_close_recv = True
            if show:
                self.delayed_econnreset = True

    def _shutdown(self, data):
        if (self.state & _CONNECTED) != _CONNECTED:
            raise _Abort("enotconn")
        if len(data) != 1:
            raise _Abort("einval")
        how = data[0]
        if how not in (0, 1, 2):
            raise _Abort("einval")
        pyhow = (socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR)[how]
        if how != 0 and self.outq:
            self.pending_shutdown = pyhow
            return _ok()
        try:
            self.sock.shutdown(pyhow)
        except OSError as e:
            if how != 0:
                self.shutdown_wr_done = True
            raise _Abort(_oserror_name(e))
        return _ok()

    # -- close ---------------------------------------------------------------------------------------
    def _close_check(self):
        """tcp_close_check: requests still waiting learn that the socket closed."""
        st = self.state
        if st & _F_ACC:
            accs, self.acceptors = self.acceptors, []
            for acc in accs:
                if acc[2] is not None:
                    self.rt.timers.cancel(acc[2])
                self._send_to(acc[1], (_AM_INET_ASYNC, self.port.id, acc[0],
                                       (_AM_ERROR, _AM_CLOSED)))
            self.state = _LISTENING
        elif st == _CONNECTING:
            self._async_error("closed")
        elif (st & _CONNECTED) == _CONNECTED:
            self._async_error_all("closed")

    def _tcp_desc_close(self):
        self.ibuf = bytearray()
        self.outq = bytearray()
        self._empty_out_q()
        self._desc_close()

    def close(self):
        """The port closes (port_close, its owner exited, driver_exit)."""
        self._close_check()
        self._async_error_all("closed")
        self.ibuf = bytearray()
        if self.send_timer is not None:
            self.rt.timers.cancel(self.send_timer)
            self.send_timer = None
        if self.sock is not None and self.outq and not self.linger_zero and \
                (self.state & _CONNECTED) == _CONNECTED:
            self._unselect()
            sock, data, self.outq = self.sock, bytes(self.outq), bytearray()
            self.sock = None
            self._fd = -1
            self.state = _CLOSED
            _Flusher(self.port.table, sock, data, self.pending_shutdown)
            return
        self._tcp_desc_close()


# -- UDP -------------------------------------------------------------------------------------------

class UdpDriver(InetDriver):
    """udp_inet: datagram sockets (inet, inet6, local)."""

    stype = socket.SOCK_DGRAM

    def __init__(self, port, command=None, settings=None):
        InetDriver.__init__(self, port, command, settings)
        self.http_state = [0]
        self.recv_timer = None

    def _wanted(self):
        if self.sock is None or not self.state & _F_OPEN:
            return 0
        if self.active != _PASSIVE or self.opq:
            return _R
        return 0

    def _on_event(self):
        if self.sock is None:
            return
        self._packet_input()
        self._select()

    def ctl(self, op, data):
        if op == _REQ_OPEN:
            r = self._open(data, (_TYPE_STREAM, _TYPE_DGRAM))
            self._select()
            return r
        if op == _REQ_FDOPEN:
            r = self._fdopen(data, (_TYPE_STREAM, _TYPE_DGRAM))
            self._select()
            return r
        if op == _REQ_CLOSE:
            self._desc_close()
            return _ok()
        if op == _REQ_CONNECT:
            return self._connect(data)
        if op == _REQ_LISTEN:
            raise _Abort("exbadport")
        if op == _PACKET_REQ_RECV:
            if not self.state & _F_OPEN:
                raise _Abort("exbadport")
            if self.active != _PASSIVE or len(data) != 8:
                raise _Abort("einval")
            timeout = _get_u32(data, 0)
            if self.opq:
                raise _Abort("ealready")
            op_ = self._enq(_PACKET_REQ_RECV)
            if self._packet_input() == 0 and self.opq and self.opq[0] is op_:
                if timeout != _INFINITY:
                    op_[3] = self.rt.timers.add(timeout, self._recv_timeout)
            self._select()
            return _ok(_u16(op_[0]))
        return self.inet_ctl(op, data)

    def _connect(self, data):
        if not self.state & _F_OPEN:
            raise _Abort("exbadport")
        if not data:
            # dissolve the association: a fresh socket bound where this one was
            try:
                name = self.sock.getsockname()
                s = socket.socket(self.pyfamily, socket.SOCK_DGRAM)
                s.setsockopt(_SOL, socket.SO_REUSEADDR, 1)
                self._unselect()
                self.sock.close()
                s.bind(name)
                self._attach(s, self.pyfamily, self.efamily, self.etype)
            except OSError as e:
                raise _Abort(_oserror_name(e))
            self.state &= ~_F_ACTIVE
            self.remote = None
            op = self._enq(_REQ_CONNECT)
            self._async_ok()
            self._select()
            return _ok(_u16(op[0]))
        if len(data) < 6:
            raise _Abort("einval")
        fam, addr, _ = _parse_faddress(self.pyfamily, data, 4)
        try:
            self.sock.connect(addr)
        except OSError as e:
            self.state &= ~_F_ACTIVE
            raise _Abort(_oserror_name(e))
        except (TypeError, ValueError, OverflowError):
            raise _Abort("einval")
        self.remote = addr
        self.state |= _F_ACTIVE
        op = self._enq(_REQ_CONNECT)
        self._async_ok()
        return _ok(_u16(op[0]))

    def _recv_timeout(self):
        if self.opq:
            self.opq[0][3] = None
            self._async_error("timeout")
            self._select()

    def _packet_input(self):
        """packet_inet_input: read up to read_packets datagrams (one when passive)."""
        count = 0
        for _ in range(max(self.read_packets, 1)):
            if self.sock is None:
                break
            if self.active == _PASSIVE and not self.opq:
                break
            try:
                if self.state & _F_ACTIVE:
                    data = self.sock.recv(self.bufsz)
                    addr = self.remote
                else:
                    data, addr = self.sock.recvfrom(self.bufsz)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as e:
                name = _oserror_name(e)
                if self.active == _PASSIVE:
                    self._async_error(name)
                else:
                    self._output((A.udp_error, self.port.id, A[name]))
                break
            self._input_count(len(data))
            fam = self.pyfamily
            if self.active == _PASSIVE:
                try:
                    head = _encode_address(fam, addr)
                except (_Abort, OSError, TypeError, IndexError):
                    head = bytes([_AF_UNSPEC])
                whole = head + data
                self._async_ok(self._fmt(whole, self.hsz + len(head)))
                count += 1
                break
            if self.deliver == _DELIVER_PORT:
                self._output((self.port.id, (_AM_DATA, self._fmt(data))))
            else:
                try:
                    ip, portnum = _address_terms(fam, addr)
                except (_Abort, OSError, TypeError, IndexError):
                    ip, portnum = (A.unspec, b""), 0
                self._output((_AM_UDP, self.port.id, ip, portnum, self._fmt(data)))
            count += 1
            self._check_active_to_passive()
            if self.active == _PASSIVE:
                break
        return count

    def command(self, data):
        caller = _current()
        self.caller = caller
        if not self.state & _F_OPEN or self.sock is None:
            self._reply_error("einval")
            return
        try:
            fam, addr, pos = _parse_faddress(self.pyfamily, data, 0)
        except _Abort as e:
            self._reply_error(e.name)
            return
        if len(data) - pos < 4:
            self._reply_error("einval")
            return
        anc = _get_u32(data, pos)
        pos += 4
        if anc != 0 or len(data) - pos < 0:
            self._reply_error("einval")
            return
        payload = data[pos:]
        self._output_count(len(payload))
        try:
            if self.state & _F_ACTIVE:
                self.sock.send(payload)
            else:
                self.sock.sendto(payload, addr)
        except OSError as e:
            self._reply_error(_oserror_name(e))
            return
        except (TypeError, ValueError, OverflowError):
            self._reply_error("einval")
            return
        self._reply(_AM_OK)

    def _after_setopts(self, old_active, old_htype):
        # datagrams that arrived while passive are read at the next wake-up
        self._select()

    def close(self):
        self._async_error_all("closed")
        self._desc_close()


driver("tcp_inet")(TcpDriver)
driver("udp_inet")(UdpDriver)
