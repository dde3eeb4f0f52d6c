"""Mailbox operations behind the receive instructions.

A process has `mbox` (a deque, oldest first), `save` (index of the next
message to examine), `markers` (receive markers: marker id -> [position,
bound ref]) and a receive timer. Markers implement OTP 24's receive
optimisation: a receive that waits for a reply carrying a fresh reference
starts scanning at the position the queue had when the reference was made.
"""

from ..terms import eq_exact, A, ErlangError
from ..terms.errors import ERROR

__all__ = ["remove_message", "timeout", "timed_out", "marker_reserve", "marker_bind", "marker_clear",
           "marker_use"]


def remove_message(p):
    """Take the message at the save pointer out of the queue."""
    i = p.save
    if i == 0:
        p.mbox.popleft()
    else:
        del p.mbox[i]
    p.save = 0
    markers = p.markers
    if markers:
        for m in markers.values():
            if m[0] > i:
                m[0] -= 1
    if p.receive_timer is not None:
        p.cancel_receive_timer()


def timeout(p):
    """The receive timed out: reset the save pointer and the timer state."""
    p.save = 0
    p.receive_timer = None
    p.timed_out = False


def timed_out(p, t):
    """wait_timeout with time `t`: True if the receive's `after` branch runs
    now (the timer fired, or t is 0); otherwise arms the timer (once) and
    the caller suspends the process."""
    if p.timed_out:
        p.timed_out = False
        p.receive_timer = None
        return True
    if t is not _INFINITY:
        if type(t) is not int or t < 0 or t > 0xFFFFFFFF:
            raise ErlangError(ERROR, A.timeout_value)
        if t == 0:
            return True
        if p.receive_timer is None:
            p.start_receive_timer(t)
    return False


_INFINITY = A.infinity


def marker_reserve(p):
    markers = p.markers
    if markers is None:
        markers = p.markers = {}
    p.marker_seq += 1
    mid = p.marker_seq
    markers[mid] = [len(p.mbox), None]
    if len(markers) > 2:
        # BEAM keeps at most a couple of markers; drop the oldest
        del markers[min(markers)]
    return mid


def marker_bind(p, mid, ref):
    markers = p.markers
    if markers and mid in markers:
        markers[mid][1] = ref


def marker_clear(p, ref):
    markers = p.markers
    if markers:
        for mid, m in list(markers.items()):
            if m[1] is not None and eq_exact(m[1], ref):
                del markers[mid]


def marker_use(p, ref):
    markers = p.markers
    if markers:
        for m in markers.values():
            if m[1] is not None and eq_exact(m[1], ref):
                if m[0] > p.save:
                    p.save = min(m[0], len(p.mbox))
                return
