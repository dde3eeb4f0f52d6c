"""The process object: mailbox, stack of resume records, links, monitors,
flags and the process dictionary."""

from collections import deque

__all__ = ["Process", "RUNNABLE", "WAITING", "RUNNING", "EXITING", "EXITED"]

RUNNABLE = 0   # in the run queue
WAITING = 1    # in receive, waiting for a message or a timeout
RUNNING = 2
EXITING = 3    # an exit is being propagated
EXITED = 4


class Process:
    __slots__ = (
        # identity and scheduling
        "pid", "status", "stack", "value", "priority", "reductions",
        # mailbox (see emu/receive.py)
        "mbox", "save", "markers", "marker_seq", "receive_timer", "timed_out",
        # signals
        "links", "monitors", "monitored_by", "trap_exit", "exit_reason",
        # the rest of process state
        "dict", "group_leader", "registered_name", "initial_call", "error_handler",
        "runtime", "sys_tasks", "alias_refs", "min_heap_size", "message_queue_data",
        "fullsweep_after", "sensitive", "spawned_by",
    )

    def __init__(self, runtime, pid):
        self.runtime = runtime
        self.pid = pid
        self.status = RUNNABLE
        self.stack = []
        self.value = None
        self.priority = None
        self.reductions = 0
        self.mbox = deque()
        self.save = 0
        self.markers = None
        self.marker_seq = 0
        self.receive_timer = None
        self.timed_out = False
        self.links = set()
        self.monitors = {}       # ref -> (kind, target) for monitors this process holds
        self.monitored_by = {}   # ref -> watcher pid, for monitors on this process
        self.trap_exit = False
        self.exit_reason = None
        self.dict = {}           # hkey(key) -> (key, value), insertion ordered
        self.group_leader = None
        self.registered_name = None
        self.initial_call = None
        self.error_handler = None
        self.sys_tasks = None
        self.alias_refs = None
        self.min_heap_size = 233
        self.message_queue_data = None
        self.fullsweep_after = 65535
        self.sensitive = False
        self.spawned_by = None

    # -- receive timers (called by the interpreter) ----------------------------
    def start_receive_timer(self, ms):
        self.receive_timer = self.runtime.timers.add(ms, self._receive_timeout)

    def _receive_timeout(self):
        self.receive_timer = None
        if self.status == WAITING:
            self.timed_out = True
            self.runtime.wake(self)

    def cancel_receive_timer(self):
        t = self.receive_timer
        if t is not None:
            self.receive_timer = None
            self.runtime.timers.cancel(t)
        self.timed_out = False

    def is_alive(self):
        return self.status < EXITING

    def __repr__(self):
        return "<process %r>" % (self.pid,)
