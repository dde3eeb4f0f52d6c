"""prim_buffer's NIFs: the byte buffer behind raw files' read_line and
prim_file's reads. A buffer is a magic reference to a _Buffer.

As BEAM's NIF, small writes are gathered in an accumulator of up to 2 KB
that joins the queue (as one binary) before anything reads the queue, and
each binary of a larger write is its own queue element: peek_head/1 (and so
prim_buffer:read_iovec/2) sees the same pieces as on BEAM.
"""

from ..terms import A, Ref, badarg, NIL
from ..terms.errors import error
from ..code.contract import VM
from ..bifs.registry import bif
from .ioq import IOQueue, iovec_elements

_OK = A.ok
_ACCUMULATOR_SIZE = 2048
_WRITE_ELEMENTS = 64
_UINT64 = 1 << 64


class _Buffer:
    __slots__ = ("queue", "acc", "locked")

    def __init__(self):
        self.queue = IOQueue()
        self.acc = None         # bytearray of small writes, or None
        self.locked = False

    def flush_accumulator(self):
        acc = self.acc
        if acc:
            self.queue.enq(bytes(acc))
            self.acc = None

    def write(self, parts):
        size = 0
        for p in parts:
            size += len(p)
        acc = self.acc
        held = len(acc) if acc is not None else 0
        if held + size >= _ACCUMULATOR_SIZE:
            if size >= _ACCUMULATOR_SIZE // 2:
                self.flush_accumulator()
                for p in parts:
                    self.queue.enq(p)
                return
            self.flush_accumulator()
            acc = None
        if acc is None:
            acc = self.acc = bytearray()
        for p in parts:
            acc += p


def _buffer(t):
    if type(t) is not Ref or type(t.magic) is not _Buffer:
        raise badarg()
    return t.magic


def _uint64(v):
    if type(v) is not int or not 0 <= v < _UINT64:
        raise badarg()
    return v


@bif("prim_buffer", "new", 0)
def new():
    r = VM.make_ref()
    r.magic = _Buffer()
    return r


@bif("prim_buffer", "size", 1)
def size(b):
    buf = _buffer(b)
    acc = buf.acc
    return buf.queue.size + (len(acc) if acc is not None else 0)


@bif("prim_buffer", "peek_head", 1)
def peek_head(b):
    buf = _buffer(b)
    buf.flush_accumulator()
    if not buf.queue.size:
        raise badarg()
    return buf.queue.head()


@bif("prim_buffer", "copying_read", 2)
def copying_read(b, n):
    buf = _buffer(b)
    _uint64(n)
    buf.flush_accumulator()
    q = buf.queue
    if q.size < n:
        raise badarg()
    if not n:
        return b""
    data = q.peek_bytes(n)
    q.deq(n)
    return data


@bif("prim_buffer", "write", 2)
def write(b, iovec):
    buf = _buffer(b)
    while True:
        r = iovec_elements(iovec, _WRITE_ELEMENTS)
        if r is None:
            raise badarg()
        parts, iovec = r
        buf.write(parts)
        if iovec is NIL:
            return _OK


@bif("prim_buffer", "skip", 2)
def skip(b, n):
    buf = _buffer(b)
    _uint64(n)
    buf.flush_accumulator()
    if buf.queue.size < n:
        raise badarg()
    buf.queue.deq(n)
    return _OK


@bif("prim_buffer", "find_byte_index", 2)
def find_byte_index(b, needle):
    buf = _buffer(b)
    if type(needle) is not int or not -(1 << 31) <= needle < (1 << 31):
        raise badarg()
    buf.flush_accumulator()
    if not 0 <= needle <= 255:
        raise badarg()
    i = buf.queue.find(needle)
    if i < 0:
        return A.not_found
    return (_OK, i)


@bif("prim_buffer", "try_lock", 1)
def try_lock(b):
    buf = _buffer(b)
    if buf.locked:
        return A.busy
    buf.locked = True
    return A.acquired


@bif("prim_buffer", "unlock", 1)
def unlock(b):
    buf = _buffer(b)
    if not buf.locked:
        raise error(A.lock_order_violation)
    buf.locked = False
    return _OK
