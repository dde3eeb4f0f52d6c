"""BIFs about processes: spawning, signals, links and monitors, registration,
the process dictionary, process flags and process_info, timers, apply."""

from ..terms import (A, Atom, Pid, Port, Ref, Fun, ExportFun, NIL, Cons, ErlangError, badarg,
                     TRUE, FALSE, boolean, from_seq, to_pylist, NotAList, hkey, Map)
from ..terms.errors import ERROR, EXIT, THROW
from ..code.contract import VM, Trap, TMP, per_vm_state
from .registry import bif

_UNDEFINED = A.undefined
_NORMAL = A.normal
_INFINITY = A.infinity


def _rt():
    return VM.runtime


def _cur():
    return VM.current


def _pylist(lst):
    try:
        return to_pylist(lst)
    except NotAList:
        raise badarg()


def _is_list(t):
    return t is NIL or type(t) is Cons


# -- self, spawn ----------------------------------------------------------------

@bif("erlang", "self", 0)
def self_():
    return VM.current.pid


def _spawn_target(m, f, a):
    if type(m) is not Atom or type(f) is not Atom:
        raise badarg()
    try:
        args = to_pylist(a)
    except NotAList:
        raise badarg()
    return VM.code.export(m, f, len(args)), args


def _spawn(m, f, a, link=False, monitor=False, opts=None):
    e, args = _spawn_target(m, f, a)
    parent = VM.current
    p, mref = _rt().spawn(e, args, parent, link=link, monitor=monitor)
    p.initial_call = (m, f, len(args))
    if opts:
        _apply_spawn_opts(p, opts)
    return p, mref


def _apply_spawn_opts(p, opts):
    for o in opts:
        if type(o) is tuple and len(o) == 2:
            k, v = o
            if k is A.priority:
                p.priority = v
            elif k is A.min_heap_size:
                p.min_heap_size = v
            elif k is A.fullsweep_after:
                p.fullsweep_after = v
            elif k is A.message_queue_data:
                p.message_queue_data = v


@bif("erlang", "spawn", 3)
def spawn3(m, f, a):
    return _spawn(m, f, a)[0].pid


@bif("erlang", "spawn_link", 3)
def spawn_link3(m, f, a):
    return _spawn(m, f, a, link=True)[0].pid


_SPAWN_OPTS = frozenset(["priority", "min_heap_size", "min_bin_vheap_size", "fullsweep_after",
                         "message_queue_data", "max_heap_size"])


@bif("erlang", "spawn_opt", 4)
def spawn_opt4(m, f, a, opts):
    ol = _pylist(opts)
    link = monitor = False
    rest = []
    for o in ol:
        if o is A.link:
            link = True
        elif o is A.monitor:
            monitor = True
        elif type(o) is tuple and len(o) == 2 and o[0] is A.monitor:
            monitor = True
        elif type(o) is tuple and len(o) == 2 and type(o[0]) is Atom and o[0].name in _SPAWN_OPTS:
            rest.append(o)
        else:
            raise badarg()
    p, mref = _spawn(m, f, a, link, monitor, rest)
    if monitor:
        return (p.pid, mref)
    return p.pid


# -- exceptions -------------------------------------------------------------------

@bif("erlang", "error", 1, frame=False)
def error1(reason):
    raise ErlangError(ERROR, reason)


@bif("erlang", "error", 2, frame=False)
def error2(reason, args):
    e = ErlangError(ERROR, reason)
    if _is_list(args):
        e.frame_args = args
    return _raise(e)


@bif("erlang", "error", 3, frame=False)
def error3(reason, args, opts):
    e = ErlangError(ERROR, reason)
    if _is_list(args):
        e.frame_args = args
    if _is_list(opts):
        for o in _pylist(opts):
            if type(o) is tuple and len(o) == 2 and o[0] is A.error_info:
                e.error_info = o[1]
    return _raise(e)


def _raise(e):
    raise e


@bif("erlang", "exit", 1, frame=False)
def exit1(reason):
    raise ErlangError(EXIT, reason)


@bif("erlang", "throw", 1, frame=False)
def throw1(reason):
    raise ErlangError(THROW, reason)


@bif("erlang", "nif_error", 1, frame=False)
def nif_error1(reason):
    raise ErlangError(ERROR, reason)


@bif("erlang", "nif_error", 2, frame=False)
def nif_error2(reason, args):
    return error2(reason, args)


def _valid_stacktrace(st):
    try:
        frames = to_pylist(st)
    except NotAList:
        return False
    for fr in frames:
        if type(fr) is not tuple:
            return False
        if len(fr) == 4:
            m, f, a, loc = fr
            if type(m) is not Atom or type(f) is not Atom:
                return False
            if not (type(a) is int or _is_list(a)) or not _is_list(loc):
                return False
        elif len(fr) == 3:
            fun, a, loc = fr
            if type(fun) is not Fun and type(fun) is not ExportFun:
                return False
        else:
            return False
    return True


@bif("erlang", "raise", 3, frame=False)
def raise3(cls, reason, stacktrace):
    """Like BEAM, a bad class or stack trace makes raise/3 *return* badarg."""
    if cls is not ERROR and cls is not EXIT and cls is not THROW:
        return A.badarg
    from ..code.contract import RawTrace
    if type(stacktrace) is RawTrace:
        old = stacktrace.exc
        e = ErlangError(cls, reason, list(old.trace), old.etrace)
        e.located = True
        raise e
    if not _valid_stacktrace(stacktrace):
        return A.badarg
    e = ErlangError(cls, reason, etrace=stacktrace)
    e.located = True
    raise e


# -- links, monitors, exit signals --------------------------------------------------

@bif("erlang", "link", 1)
def link(other):
    if type(other) is not Pid and type(other) is not Port:
        raise badarg()
    return _rt().link(VM.current, other)


@bif("erlang", "unlink", 1)
def unlink(other):
    if type(other) is not Pid and type(other) is not Port:
        raise badarg()
    return _rt().unlink(VM.current, other)


@bif("erlang", "exit", 2)
def exit2(target, reason):
    if type(target) is not Pid and type(target) is not Port:
        raise badarg()
    _rt().exit_signal(VM.current.pid, target, reason)
    return TRUE


def _monitor(kind, item):
    rt = _rt()
    p = VM.current
    if kind is A.process:
        t = type(item)
        if t is Pid or t is Atom:
            return rt.monitor_process(p, item)
        if t is tuple and len(item) == 2 and type(item[0]) is Atom and type(item[1]) is Atom:
            return rt.monitor_process(p, item)
        raise badarg()
    if kind is A.port:
        ports = getattr(rt, "ports", None)
        if ports is not None:
            return ports.monitor(p, item)
        raise badarg()
    if kind is A.time_offset and item is A.clock_service:
        return rt.make_ref()
    raise badarg()


@bif("erlang", "monitor", 2)
def monitor2(kind, item):
    return _monitor(kind, item)


_ALIAS_MODES = (A.explicit_unalias, A.demonitor, A.reply_demonitor)


@bif("erlang", "monitor", 3)
def monitor3(kind, item, opts):
    mode = None
    for o in _pylist(opts):
        if type(o) is tuple and len(o) == 2 and o[0] is A.alias and o[1] in _ALIAS_MODES:
            mode = o[1]
        elif not (type(o) is tuple and len(o) == 2 and o[0] is A.tag):
            raise badarg()
    ref = _monitor(kind, item)
    if mode is not None:
        _rt().add_alias(VM.current, ref, mode)
    return ref


@bif("erlang", "demonitor", 1)
def demonitor1(ref):
    if type(ref) is not Ref:
        raise badarg()
    _rt().demonitor(VM.current, ref)
    return TRUE


@bif("erlang", "demonitor", 2)
def demonitor2(ref, opts):
    if type(ref) is not Ref:
        raise badarg()
    flush = info = False
    for o in _pylist(opts):
        if o is A.flush:
            flush = True
        elif o is A.info:
            info = True
        else:
            raise badarg()
    p = VM.current
    active = _rt().demonitor(p, ref)
    removed = False
    if flush:
        mb = p.mbox
        down = A["DOWN"]
        for i, m in enumerate(mb):
            if type(m) is tuple and len(m) == 5 and m[0] is down and m[1] == ref:
                del mb[i]
                if p.save > i:
                    p.save -= 1
                removed = True
                break
    if info:
        return boolean(active)
    return TRUE


# -- registration ------------------------------------------------------------------

@bif("erlang", "register", 2)
def register(name, who):
    rt = _rt()
    if type(name) is not Atom or name is _UNDEFINED or name in rt.registry:
        raise badarg()
    if type(who) is Pid:
        p = rt.process(who)
        if p is None or p.registered_name is not None:
            raise badarg()
        p.registered_name = name
    elif type(who) is Port:
        port = who.port
        if port is None or not port.alive or port.registered_name is not None:
            raise badarg()
        port.registered_name = name
    else:
        raise badarg()
    rt.registry[name] = who
    return TRUE


@bif("erlang", "unregister", 1)
def unregister(name):
    rt = _rt()
    if type(name) is not Atom or name not in rt.registry:
        raise badarg()
    who = rt.registry.pop(name)
    if type(who) is Pid:
        p = rt.process(who)
        if p is not None:
            p.registered_name = None
    elif who.port is not None:
        who.port.registered_name = None
    return TRUE


@bif("erlang", "whereis", 1)
def whereis(name):
    if type(name) is not Atom:
        raise badarg()
    return _rt().registry.get(name, _UNDEFINED)


@bif("erlang", "registered", 0)
def registered():
    return from_seq(list(_rt().registry))


# -- sending ----------------------------------------------------------------------

@bif("erlang", "send", 2)
def send2(dest, msg):
    return _rt().send(dest, msg)


@bif("erlang", "!", 2)
def bang(dest, msg):
    return _rt().send(dest, msg)


@bif("erlang", "send", 3)
def send3(dest, msg, opts):
    for o in _pylist(opts):
        if o is not A.noconnect and o is not A.nosuspend:
            raise badarg()
    _rt().send(dest, msg)
    return A.ok


@bif("erlang", "send_nosuspend", 2)
def send_nosuspend2(dest, msg):
    _rt().send(dest, msg)
    return TRUE


@bif("erlang", "send_nosuspend", 3)
def send_nosuspend3(dest, msg, opts):
    _rt().send(dest, msg)
    return TRUE


# -- process dictionary ----------------------------------------------------------------

@bif("erlang", "put", 2)
def put(key, value):
    d = VM.current.dict
    h = hkey(key)
    old = d.get(h)
    d[h] = (key, value)
    return _UNDEFINED if old is None else old[1]


@bif("erlang", "get", 1)
def get1(key):
    kv = VM.current.dict.get(hkey(key))
    return _UNDEFINED if kv is None else kv[1]


@bif("erlang", "get", 0)
def get0():
    return from_seq([kv for kv in VM.current.dict.values()])


@bif("erlang", "get_keys", 0)
def get_keys0():
    return from_seq([k for k, _ in VM.current.dict.values()])


@bif("erlang", "get_keys", 1)
def get_keys1(value):
    from ..terms import eq_exact
    return from_seq([k for k, v in VM.current.dict.values() if eq_exact(v, value)])


@bif("erlang", "erase", 1)
def erase1(key):
    kv = VM.current.dict.pop(hkey(key), None)
    return _UNDEFINED if kv is None else kv[1]


@bif("erlang", "erase", 0)
def erase0():
    p = VM.current
    items = list(p.dict.values())
    p.dict = {}
    return from_seq(items)


# -- flags and info ---------------------------------------------------------------------

@bif("erlang", "process_flag", 2)
def process_flag(flag, value):
    p = VM.current
    if flag is A.trap_exit:
        if value is not TRUE and value is not FALSE:
            raise badarg()
        old = boolean(p.trap_exit)
        p.trap_exit = value is TRUE
        return old
    if flag is A.priority:
        if value not in (A.low, A.normal, A.high, A.max):
            raise badarg()
        old = p.priority or A.normal
        p.priority = value
        return old
    if flag is A.error_handler:
        if type(value) is not Atom:
            raise badarg()
        old = p.error_handler or A.error_handler
        p.error_handler = value
        return old
    if flag is A.monitor_nodes or (type(flag) is tuple and len(flag) == 2
                                   and flag[0] is A.monitor_nodes):
        return _monitor_nodes(p, flag, value)
    if flag is A.min_heap_size or flag is A.min_bin_vheap_size:
        if type(value) is not int or value < 0:
            raise badarg()
        old = p.min_heap_size
        p.min_heap_size = value
        return old
    if flag is A.fullsweep_after:
        if type(value) is not int or value < 0:
            raise badarg()
        old = p.fullsweep_after
        p.fullsweep_after = value
        return old
    if flag is A.message_queue_data:
        if value not in (A.on_heap, A.off_heap):
            raise badarg()
        old = p.message_queue_data or A.on_heap
        p.message_queue_data = value
        return old
    if flag is A.sensitive:
        if value is not TRUE and value is not FALSE:
            raise badarg()
        old = boolean(p.sensitive)
        p.sensitive = value is TRUE
        return old
    if flag is A.max_heap_size:
        return 0
    if flag is A.save_calls:
        if type(value) is not int or not 0 <= value <= 10000:
            raise badarg()
        return 0
    raise badarg()


def _monitor_nodes(p, flag, value):
    """Node monitors (net_kernel:monitor_nodes/1,2): counted per process and
    option set; returns how many the process had. A node without
    distribution never delivers nodeup/nodedown."""
    if value is not TRUE and value is not FALSE:
        raise badarg()
    opts = flag[1] if type(flag) is tuple else NIL
    if type(opts) is not Map and not (opts is NIL or type(opts) is Cons):
        raise badarg()
    table = _rt().node_monitors
    mine = table.setdefault(p.pid, [])
    before = len(mine)
    if value is TRUE:
        mine.append(opts)
    elif opts in mine:
        mine.remove(opts)
    if not mine:
        del table[p.pid]
    return before


@bif("erlang", "process_flag", 3)
def process_flag3(pid, flag, value):
    if type(pid) is not Pid or flag is not A.save_calls:
        raise badarg()
    if _rt().process(pid) is None:
        raise badarg()
    return 0


@bif("erlang", "is_process_alive", 1)
def is_process_alive(pid):
    if type(pid) is not Pid:
        raise badarg()
    return boolean(_rt().process(pid) is not None)


@bif("erlang", "processes", 0)
def processes():
    rt = _rt()
    return from_seq([p.pid for _, p in sorted(rt.procs.items()) if p.status < 3])


@bif("erlang", "group_leader", 0)
def group_leader0():
    gl = VM.current.group_leader
    return gl if gl is not None else VM.current.pid


@bif("erlang", "group_leader", 2)
def group_leader2(leader, pid):
    if type(leader) is not Pid or type(pid) is not Pid:
        raise badarg()
    p = _rt().process(pid)
    if p is None:
        raise badarg()
    p.group_leader = leader
    return TRUE


_PI_DEFAULT = ("current_function", "initial_call", "status", "message_queue_len", "links",
               "dictionary", "trap_exit", "error_handler", "priority", "group_leader",
               "total_heap_size", "heap_size", "stack_size", "reductions", "garbage_collection",
               "suspending")


def _status_atom(p):
    if p is VM.current:
        return A.running
    if p.status == 1:
        return A.waiting
    return A.runnable


def _pinfo_item(p, item):
    n = item.name
    if n == "registered_name":
        return (item, p.registered_name) if p.registered_name is not None else NIL
    if n == "status":
        return (item, _status_atom(p))
    if n == "message_queue_len":
        return (item, len(p.mbox))
    if n == "messages":
        return (item, from_seq(list(p.mbox)))
    if n == "links":
        return (item, from_seq(sorted(p.links, key=lambda x: (type(x) is Pid, x.num))))
    if n == "monitors":
        mons = []
        for ref, (kind, target) in p.monitors.items():
            mons.append((kind, target))
        return (item, from_seq(mons))
    if n == "monitored_by":
        return (item, from_seq([w for w, _ in p.monitored_by.values() if type(w) is Pid]))
    if n == "dictionary":
        return (item, from_seq([kv for kv in p.dict.values()]))
    if n == "trap_exit":
        return (item, boolean(p.trap_exit))
    if n == "error_handler":
        return (item, p.error_handler or A.error_handler)
    if n == "priority":
        return (item, p.priority or A.normal)
    if n == "group_leader":
        return (item, p.group_leader if p.group_leader is not None else p.pid)
    if n in ("heap_size", "total_heap_size"):
        return (item, 233 + 2 * len(p.mbox))
    if n == "stack_size":
        return (item, 10)
    if n == "memory":
        return (item, 2800 + 16 * len(p.mbox))
    if n == "reductions":
        return (item, p.reductions)
    if n == "initial_call":
        ic = p.initial_call
        return (item, ic if ic is not None else (A.erlang, A.apply, 2))
    if n == "current_function":
        return (item, _current_function(p))
    if n == "current_location":
        m, f, a = _current_function(p)
        return (item, (m, f, a, NIL))
    if n == "current_stacktrace":
        m, f, a = _current_function(p)
        return (item, from_seq([(m, f, a, NIL)]))
    if n == "garbage_collection":
        return (item, from_seq([(A.max_heap_size, Map.from_pairs([
            (A.error_logger, TRUE), (A.kill, TRUE), (A.size, 0)])),
            (A.min_bin_vheap_size, 46422), (A.min_heap_size, p.min_heap_size),
            (A.fullsweep_after, p.fullsweep_after), (A.minor_gcs, 0)]))
    if n == "suspending":
        return (item, NIL)
    if n == "message_queue_data":
        return (item, p.message_queue_data or A.on_heap)
    if n == "catchlevel":
        return (item, 0)
    if n == "trace":
        return (item, 0)
    if n == "sequential_trace_token":
        return (item, NIL)
    if n == "binary":
        return (item, NIL)
    if n == "last_calls":
        return (item, FALSE)
    if n == "parent":
        sp = p.spawned_by
        return (item, sp if sp is not None else _UNDEFINED)
    if n == "min_heap_size" or n == "min_bin_vheap_size":
        return (item, p.min_heap_size)
    if n == "fullsweep_after":
        return (item, p.fullsweep_after)
    if n == "max_heap_size":
        return (item, Map.from_pairs([(A.error_logger, TRUE), (A.kill, TRUE), (A.size, 0)]))
    if n == "garbage_collection_info":
        return (item, NIL)
    if n == "backtrace":
        return (item, b"")
    if n == "current_function":
        return (item, _current_function(p))
    raise badarg()


def _current_function(p):
    """Best effort: the function a suspended process is in, from its resume record."""
    for fn, st in reversed(p.stack):
        if getattr(fn, "catches", False):       # a JIT resume record: (label, registers)
            return fn.__globals__["MOD"].mfa_at(st[0])
        if type(st) is tuple and len(st) == 5:
            mod, pc = st[0], st[1]
            try:
                return mod.mfa_at(pc)
            except Exception:
                break
        if type(st) is tuple and len(st) == 2:
            target = st[0]
            if type(target) is Fun:
                e = target.entry
                return (e.module, e.name, e.arity)
            mfa = getattr(target, "mfa", None)  # a preempted JIT call
            if mfa is not None:
                return mfa
            if hasattr(target, "module"):
                return (target.module, target.function, target.arity)
    ic = p.initial_call
    return ic if ic is not None else (A.erlang, A.apply, 2)


@bif("erlang", "process_info", 1)
def process_info1(pid):
    if type(pid) is not Pid:
        raise badarg()
    p = _rt().process(pid)
    if p is None:
        return _UNDEFINED
    items = []
    if p.registered_name is not None:
        items.append((A.registered_name, p.registered_name))
    for n in _PI_DEFAULT:
        items.append(_pinfo_item(p, A[n]))
    return from_seq(items)


@bif("erlang", "process_info", 2)
def process_info2(pid, item):
    if type(pid) is not Pid:
        raise badarg()
    p = _rt().process(pid)
    if type(item) is Atom:
        if p is None:
            return _UNDEFINED
        return _pinfo_item(p, item)
    items = _pylist(item)
    for it in items:
        if type(it) is not Atom:
            raise badarg()
    if p is None:
        return _UNDEFINED
    out = []
    for it in items:
        r = _pinfo_item(p, it)
        if r is NIL:
            out.append((it, NIL))
        else:
            out.append(r)
    return from_seq(out)


# -- apply -----------------------------------------------------------------------

@bif("erlang", "apply", 3, traps=True)
def apply3(m, f, args):
    if type(f) is not Atom:
        raise badarg()
    if type(m) is not Atom:
        if type(m) is tuple:
            raise badarg()
        raise badarg()
    a = _pylist(args)
    return Trap(VM.code.export(m, f, len(a)), a)


@bif("erlang", "apply", 2, traps=True)
def apply2(fun, args):
    a = _pylist(args)
    t = type(fun)
    if t is Fun:
        return Trap(fun, a)
    if t is ExportFun:
        if fun.arity != len(a):
            raise ErlangError(ERROR, (A.badarity, (fun, args)))
        e = fun.export or VM.code.export(fun.module, fun.function, fun.arity)
        return Trap(e, a)
    if t is tuple and len(fun) == 2 and type(fun[0]) is Atom and type(fun[1]) is Atom:
        return Trap(VM.code.export(fun[0], fun[1], len(a)), a)
    raise ErlangError(ERROR, (A.badfun, fun))


# -- scheduling -------------------------------------------------------------------

@bif("erlang", "yield", 0)
def yield_():
    VM.reds = 1
    return TRUE


@bif("erlang", "bump_reductions", 1)
def bump_reductions(n):
    if type(n) is not int or n < 0:
        raise badarg()
    VM.reds = max(1, VM.reds - n)
    return TRUE


@bif("erlang", "garbage_collect", 0)
def garbage_collect0():
    return TRUE


@bif("erlang", "garbage_collect", 1)
def garbage_collect1(pid):
    if type(pid) is not Pid:
        raise badarg()
    return boolean(_rt().process(pid) is not None)


@bif("erlang", "garbage_collect", 2)
def garbage_collect2(pid, opts):
    if type(pid) is not Pid:
        raise badarg()
    _pylist(opts)
    return boolean(_rt().process(pid) is not None)


@bif("erts_internal", "request_system_task", 3)
def request_system_task3(pid, prio, request):
    return _system_task(VM.current.pid, pid, request)


@bif("erts_internal", "request_system_task", 4)
def request_system_task4(requester, pid, prio, request):
    if type(requester) is not Pid:
        raise badarg()
    return _system_task(requester, pid, request)


def _system_task(requester, pid, request):
    """Garbage collection, check_process_code and copy_literals run "in" the
    target process; the answer {Op, ReqId, Result} goes to the requester (the
    code purger uses it to find processes still running old code)."""
    if type(pid) is not Pid or type(request) is not tuple or len(request) < 2:
        raise badarg()
    rt = _rt()
    op, req_id = request[0], request[1]
    target = rt.process(pid)
    if op is A.garbage_collect:
        result = boolean(target is not None)
    elif op is A.check_process_code and len(request) == 3 and type(request[2]) is Atom:
        result = boolean(target is not None and _runs_old_code(target, request[2]))
    elif op is A.copy_literals:
        result = A.ok
    else:
        raise badarg()
    rt.send(requester, (op, req_id, result))
    return A.ok


def _runs_old_code(p, name):
    """Whether a suspended call of p returns into the old code of module
    `name` (a resume record of either engine names the module it runs)."""
    old = VM.code.old.get(name)
    if old is None:
        return False
    for fn, st in p.stack:
        g = getattr(fn, "__globals__", None)
        if g is not None and g.get("MOD") is old:
            return True
        if type(st) is tuple and any(x is old for x in st):
            return True
    return False


@bif("erlang", "hibernate", 3)
def hibernate(m, f, args):
    """Discard the stack and continue in M:F(Args) once a message arrives."""
    a = _pylist(args)
    if type(m) is not Atom or type(f) is not Atom:
        raise badarg()
    from ..code.contract import HIBERNATE
    e = VM.code.export(m, f, len(a))
    # the process waits for a message, then starts afresh in M:F(Args)
    VM.current.stack.clear()
    TMP.append((_hibernate_wake, (e, a)))
    raise HIBERNATE


def _hibernate_wake(v, st):
    p = VM.current
    if p.save >= len(p.mbox):
        from ..code.contract import WAIT
        TMP.append((_hibernate_wake, st))
        raise WAIT
    return VM.call_export(st[0], st[1])


# -- timers ------------------------------------------------------------------------

def _timer_opts(opts):
    absolute = False
    for o in _pylist(opts):
        if type(o) is tuple and len(o) == 2 and o[0] is A.abs and o[1] in (TRUE, FALSE):
            absolute = o[1] is TRUE
        else:
            raise badarg()
    return absolute


_TIMERS = {}   # hkey(ref) -> Timer
per_vm_state(_TIMERS.clear)


def _start(time, dest, msg, absolute, wrap):
    rt = _rt()
    if type(time) is not int:
        raise badarg()
    if type(dest) is not Pid and type(dest) is not Atom:
        raise badarg()
    if absolute:
        delay = time - _monotonic_ms()
    else:
        delay = time
    if not absolute and (time < 0 or time > 0xFFFFFFFF):
        raise badarg()
    ref = rt.make_ref()
    payload = (A.timeout, ref, msg) if wrap else msg

    def fire():
        _TIMERS.pop(ref, None)
        target = dest
        if type(dest) is Atom:
            target = rt.registry.get(dest)
            if target is None:
                return
        if type(target) is Pid:
            p = rt.process(target)
            if p is not None:
                rt.deliver(p, payload)

    _TIMERS[ref] = rt.timers.add(max(0, delay), fire)
    return ref


def _monotonic_ms():
    from ..runtime.timers import now_ms
    return int(now_ms())


@bif("erlang", "send_after", 3)
def send_after3(time, dest, msg):
    return _start(time, dest, msg, False, False)


@bif("erlang", "send_after", 4)
def send_after4(time, dest, msg, opts):
    return _start(time, dest, msg, _timer_opts(opts), False)


@bif("erlang", "start_timer", 3)
def start_timer3(time, dest, msg):
    return _start(time, dest, msg, False, True)


@bif("erlang", "start_timer", 4)
def start_timer4(time, dest, msg, opts):
    return _start(time, dest, msg, _timer_opts(opts), True)


def _cancel(ref, info, asynchronous, read_only):
    if type(ref) is not Ref:
        raise badarg()
    rt = _rt()
    t = _TIMERS.get(ref)
    if t is None:
        left = FALSE
    elif read_only:
        left = int(rt.timers.remaining(t) + 0.5)
    else:
        _TIMERS.pop(ref, None)
        r = rt.timers.cancel(t)
        left = FALSE if r is None else int(r + 0.5)
    if asynchronous:
        if info:
            rt.deliver(VM.current, (A.cancel_timer if not read_only else A.read_timer, ref, left))
        return A.ok
    return left if info else A.ok


def _cancel_opts(opts):
    asynchronous = False
    info = True
    for o in _pylist(opts):
        if type(o) is tuple and len(o) == 2 and o[1] in (TRUE, FALSE):
            if o[0] is A["async"]:
                asynchronous = o[1] is TRUE
            elif o[0] is A.info:
                info = o[1] is TRUE
            else:
                raise badarg()
        else:
            raise badarg()
    return asynchronous, info


@bif("erlang", "cancel_timer", 1)
def cancel_timer1(ref):
    return _cancel(ref, True, False, False)


@bif("erlang", "cancel_timer", 2)
def cancel_timer2(ref, opts):
    asynchronous, info = _cancel_opts(opts)
    return _cancel(ref, info, asynchronous, False)


@bif("erlang", "read_timer", 1)
def read_timer1(ref):
    return _cancel(ref, True, False, True)


@bif("erlang", "read_timer", 2)
def read_timer2(ref, opts):
    asynchronous, _ = _cancel_opts(opts)
    return _cancel(ref, True, asynchronous, True)
