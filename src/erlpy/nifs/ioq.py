"""A byte queue as the NIF API's ErlNifIOQueue: a sequence of binaries
(the elements an erlang:iovec() was made of) consumed from the front.
Shared by the zlib and prim_buffer NIFs.

`iovec_elements(term, max_elements)` inspects an iovec term as
enif_inspect_iovec does: a list of binaries, at most `max_elements` of them
per call; returns (the non-empty binaries, the rest of the list), or None
when the term is not such a list.
"""

from collections import deque

from ..terms import Cons, NIL, BitString

__all__ = ["IOQueue", "iovec_elements"]


def iovec_elements(term, max_elements):
    parts = []
    n = 0
    t = term
    while type(t) is Cons:
        b = t.hd
        tb = type(b)
        if tb is bytes:
            if b:
                parts.append(b)
        elif tb is BitString:
            # a bitstring passes when it holds no whole byte (BEAM checks the
            # trailing bits only of binaries with a byte in them)
            if b.bits >= 8:
                return None
        else:
            return None
        n += 1
        t = t.tl
        if n >= max_elements:
            break
    if t is not NIL and type(t) is not Cons:
        return None
    return parts, t


class IOQueue:
    """Binaries waiting to be consumed; `off` bytes of the first are gone."""

    __slots__ = ("items", "off", "size")

    def __init__(self):
        self.items = deque()
        self.off = 0
        self.size = 0

    def enq(self, data):
        if data:
            self.items.append(data)
            self.size += len(data)

    def clear(self):
        self.items.clear()
        self.off = 0
        self.size = 0

    def blocks(self, limit):
        """The queued binaries front first, each cut to at most `limit` bytes
        (the first without its consumed part)."""
        off = self.off
        for b in self.items:
            if off or len(b) > limit:
                yield b[off:off + limit]
            else:
                yield b
            off = 0

    def head(self):
        """The unconsumed part of the first binary (the queue is not empty)."""
        b = self.items[0]
        return b[self.off:] if self.off else b

    def deq(self, n):
        """Drop n bytes from the front (n <= size)."""
        self.size -= n
        items = self.items
        off = self.off
        while n:
            left = len(items[0]) - off
            if n < left:
                off += n
                break
            n -= left
            items.popleft()
            off = 0
        self.off = off

    def peek_bytes(self, n):
        """The first n bytes (n <= size), without consuming them."""
        out = []
        off = self.off
        for b in self.items:
            if not n:
                break
            piece = b[off:off + n]
            off = 0
            out.append(piece)
            n -= len(piece)
        return b"".join(out)

    def find(self, byte):
        """Offset of the first `byte` in the queue, or -1."""
        base = 0
        off = self.off
        for b in self.items:
            i = b.find(byte, off)
            if i >= 0:
                return base + i - off
            base += len(b) - off
            off = 0
        return -1
