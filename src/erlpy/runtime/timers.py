"""Timers: a heap ordered by deadline on the monotonic clock, in milliseconds
as Erlang counts them. Cancelling marks an entry dead; the heap drops it later."""

import heapq
import itertools
import time

__all__ = ["Timers", "Timer", "now_ms"]


def now_ms():
    return time.monotonic() * 1000.0


class Timer:
    __slots__ = ("deadline", "callback", "active", "seq")

    def __init__(self, deadline, callback, seq):
        self.deadline = deadline
        self.callback = callback
        self.active = True
        self.seq = seq

    def __lt__(self, other):
        return (self.deadline, self.seq) < (other.deadline, other.seq)


class Timers:
    def __init__(self):
        self.heap = []
        self._seq = itertools.count()

    def add(self, ms, callback):
        """Call callback() after ms milliseconds; returns the Timer."""
        t = Timer(now_ms() + ms, callback, next(self._seq))
        heapq.heappush(self.heap, t)
        return t

    def add_at(self, deadline_ms, callback):
        t = Timer(deadline_ms, callback, next(self._seq))
        heapq.heappush(self.heap, t)
        return t

    def cancel(self, t):
        """Deactivate; returns the milliseconds that were left, or None if it already ran."""
        if not t.active:
            return None
        t.active = False
        return max(0.0, t.deadline - now_ms())

    def remaining(self, t):
        if not t.active:
            return None
        return max(0.0, t.deadline - now_ms())

    def fire_due(self):
        """Run the callbacks of every timer that is due; returns how many ran."""
        heap = self.heap
        if not heap:
            return 0
        now = now_ms()
        n = 0
        while heap and heap[0].deadline <= now:
            t = heapq.heappop(heap)
            if t.active:
                t.active = False
                t.callback()
                n += 1
        return n

    def next_deadline(self):
        """Deadline (ms) of the earliest active timer, or None."""
        heap = self.heap
        while heap and not heap[0].active:
            heapq.heappop(heap)
        return heap[0].deadline if heap else None
