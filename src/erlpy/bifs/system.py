"""BIFs about the system and the code: system_info, statistics, time,
node, halt, display, unique integers, module loading and module_info."""

import os
import sys
import time

from ..terms import (A, Atom, Pid, Port, Ref, Fun, ExportFun, NIL, Cons, ErlangError, badarg,
                     TRUE, FALSE, boolean, from_seq, to_pylist, NotAList, estr, atom, Map,
                     format_term)
from ..terms.errors import ERROR
from ..code.contract import VM, Halt
from ..code.table import BadBeam
from .registry import bif
from . import registry

_UNDEFINED = A.undefined
OTP_RELEASE = "25"
ERTS_VERSION = "13.1.5"


def _rt():
    return VM.runtime


def _pylist(lst):
    try:
        return to_pylist(lst)
    except NotAList:
        raise badarg()


# -- time -----------------------------------------------------------------------------
# Native time unit is the nanosecond, as on Linux BEAM. Monotonic time starts at a large
# negative value like BEAM's, so that code never assumes it is positive.

_MONO_BASE = -576460751000000000
_mono_start = time.monotonic_ns()
_UNITS = {"second": 1, "seconds": 1, "millisecond": 1000, "milli_seconds": 1000,
          "microsecond": 1000000, "micro_seconds": 1000000, "nanosecond": 1000000000,
          "nano_seconds": 1000000000, "native": 1000000000, "perf_counter": 1000000000}


def monotonic_ns():
    return _MONO_BASE + (time.monotonic_ns() - _mono_start)


def _time_offset_ns():
    return time.time_ns() - monotonic_ns()


def _unit(u):
    if type(u) is int and u > 0:
        return u
    if type(u) is Atom:
        r = _UNITS.get(u.name)
        if r is not None:
            return r
    raise badarg()


def convert(value, from_per_sec, to_per_sec):
    """Convert a time value between units, rounding toward negative infinity like BEAM."""
    return (value * to_per_sec) // from_per_sec


@bif("erlang", "monotonic_time", 0)
def monotonic_time0():
    return monotonic_ns()


@bif("erlang", "monotonic_time", 1)
def monotonic_time1(unit):
    return convert(monotonic_ns(), 1000000000, _unit(unit))


@bif("erlang", "system_time", 0)
def system_time0():
    return time.time_ns()


@bif("erlang", "system_time", 1)
def system_time1(unit):
    return convert(time.time_ns(), 1000000000, _unit(unit))


@bif("erlang", "time_offset", 0)
def time_offset0():
    return _time_offset_ns()


@bif("erlang", "time_offset", 1)
def time_offset1(unit):
    return convert(_time_offset_ns(), 1000000000, _unit(unit))


@bif("erlang", "convert_time_unit", 3)
def convert_time_unit(value, frm, to):
    if type(value) is not int:
        raise badarg()
    return convert(value, _unit(frm), _unit(to))


def _timestamp():
    us = time.time_ns() // 1000
    return (us // 1000000000000, (us // 1000000) % 1000000, us % 1000000)


@bif("erlang", "timestamp", 0)
def timestamp():
    return _timestamp()


_last_now = [0]


@bif("erlang", "now", 0)
def now():
    us = time.time_ns() // 1000
    if us <= _last_now[0]:
        us = _last_now[0] + 1
    _last_now[0] = us
    return (us // 1000000000000, (us // 1000000) % 1000000, us % 1000000)


@bif("os", "timestamp", 0)
def os_timestamp():
    return _timestamp()


@bif("os", "system_time", 0)
def os_system_time0():
    return time.time_ns()


@bif("os", "system_time", 1)
def os_system_time1(unit):
    return convert(time.time_ns(), 1000000000, _unit(unit))


@bif("os", "perf_counter", 0)
def os_perf_counter0():
    return time.perf_counter_ns()


@bif("os", "perf_counter", 1)
def os_perf_counter1(unit):
    return convert(time.perf_counter_ns(), 1000000000, _unit(unit))


@bif("erts_internal", "perf_counter_unit", 0)
def perf_counter_unit():
    return 1000000000


def _datetime(t):
    return ((t.tm_year, t.tm_mon, t.tm_mday), (t.tm_hour, t.tm_min, t.tm_sec))


@bif("erlang", "date", 0)
def date():
    t = time.localtime()
    return (t.tm_year, t.tm_mon, t.tm_mday)


@bif("erlang", "time", 0)
def time_():
    t = time.localtime()
    return (t.tm_hour, t.tm_min, t.tm_sec)


@bif("erlang", "localtime", 0)
def localtime():
    return _datetime(time.localtime())


@bif("erlang", "universaltime", 0)
def universaltime():
    return _datetime(time.gmtime())


def _check_datetime(dt):
    if not (type(dt) is tuple and len(dt) == 2 and type(dt[0]) is tuple and len(dt[0]) == 3
            and type(dt[1]) is tuple and len(dt[1]) == 3):
        raise badarg()
    (y, mo, d), (h, mi, s) = dt
    for v in (y, mo, d, h, mi, s):
        if type(v) is not int:
            raise badarg()
    import calendar
    if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1] if y >= 1 else False):
        raise badarg()
    if not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= s <= 59):
        raise badarg()
    return y, mo, d, h, mi, s


def _gregorian_secs(y, mo, d, h, mi, s):
    import calendar
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


@bif("erlang", "universaltime_to_localtime", 1)
def universaltime_to_localtime(dt):
    y, mo, d, h, mi, s = _check_datetime(dt)
    secs = _gregorian_secs(y, mo, d, h, mi, s)
    try:
        return _datetime(time.localtime(secs))
    except (OverflowError, OSError, ValueError):
        return dt


@bif("erlang", "localtime_to_universaltime", 2)
def localtime_to_universaltime(dt, isdst):
    y, mo, d, h, mi, s = _check_datetime(dt)
    dst = -1 if isdst is _UNDEFINED else (1 if isdst is TRUE else 0)
    try:
        secs = time.mktime((y, mo, d, h, mi, s, 0, 0, dst))
        return _datetime(time.gmtime(secs))
    except (OverflowError, OSError, ValueError):
        return dt


@bif("erlang", "universaltime_to_posixtime", 1)
def universaltime_to_posixtime(dt):
    y, mo, d, h, mi, s = _check_datetime(dt)
    return _gregorian_secs(y, mo, d, h, mi, s)


@bif("erlang", "posixtime_to_universaltime", 1)
def posixtime_to_universaltime(secs):
    if type(secs) is not int:
        raise badarg()
    try:
        return _datetime(time.gmtime(secs))
    except (OverflowError, OSError, ValueError):
        raise badarg()


# -- node ---------------------------------------------------------------------------

@bif("erlang", "node", 0)
def node0():
    return _rt().node


@bif("erlang", "node", 1)
def node1(t):
    tt = type(t)
    if tt is Pid or tt is Port or tt is Ref:
        return t.node
    raise badarg()


@bif("erlang", "nodes", 0)
def nodes0():
    return NIL


@bif("erlang", "nodes", 1)
def nodes1(arg):
    return NIL


@bif("erlang", "is_alive", 0)
def is_alive():
    return boolean(_rt().node is not A["nonode@nohost"])


# -- unique integers, misc -----------------------------------------------------------

@bif("erlang", "unique_integer", 0)
def unique_integer0():
    return _rt().unique_integer() - (1 << 59)


@bif("erlang", "unique_integer", 1)
def unique_integer1(opts):
    ol = _pylist(opts)
    for o in ol:
        if o is not A.positive and o is not A.monotonic:
            raise badarg()
    n = _rt().unique_integer()
    if A.positive in ol:
        return n
    return n - (1 << 59)


@bif("erlang", "make_ref", 0)
def make_ref():
    return _rt().make_ref()


@bif("erlang", "halt", 0)
def halt0():
    return _halt(0)


@bif("erlang", "halt", 1)
def halt1(status):
    return _halt(status)


@bif("erlang", "halt", 2)
def halt2(status, opts):
    _pylist(opts)
    return _halt(status)


def _halt(status):
    if type(status) is int and status >= 0:
        code = status & 0xFF
    elif status is A.abort:
        code = 134
    elif type(status) is Cons or status is NIL:
        try:
            text = "".join(chr(c) for c in to_pylist(status))
        except (NotAList, TypeError, ValueError):
            raise badarg()
        sys.stdout.flush()
        sys.stderr.write(text + "\n")
        code = 1
    else:
        raise badarg()
    raise Halt(code)


@bif("erlang", "display", 1)
def display(t):
    sys.stdout.flush()
    os.write(1, (format_term(t) + "\n").encode("utf-8", "replace"))
    return TRUE


@bif("erlang", "display_string", 1)
def display_string(s):
    try:
        text = "".join(chr(c) for c in to_pylist(s))
    except (NotAList, TypeError, ValueError):
        raise badarg()
    sys.stdout.flush()
    os.write(2, text.encode("utf-8", "replace"))
    return TRUE


@bif("erlang", "display_nl", 0)
def display_nl():
    os.write(2, b"\n")
    return TRUE


# -- system_info / statistics --------------------------------------------------------

def _system_version():
    return estr("Erlang/OTP %s [erts-%s] [erlpy] [source] [64-bit] [smp:1:1] [ds:1:1:0] "
                "[async-threads:1]\n" % (OTP_RELEASE, ERTS_VERSION))


def _sysinfo(item):
    rt = _rt()
    if type(item) is Atom:
        n = item.name
        if n == "otp_release":
            return estr(OTP_RELEASE)
        if n == "version":
            return estr(ERTS_VERSION)
        if n == "system_version":
            return _system_version()
        if n == "system_architecture":
            return estr("x86_64-pc-linux-gnu")
        if n == "machine":
            return estr("BEAM")
        if n == "wordsize":
            return 8
        if n in ("schedulers", "schedulers_online", "logical_processors",
                 "logical_processors_available", "logical_processors_online",
                 "dirty_cpu_schedulers", "dirty_cpu_schedulers_online", "dirty_io_schedulers"):
            return 1
        if n == "thread_pool_size":
            return 1
        if n == "threads" or n == "smp_support":
            return TRUE
        if n == "process_count":
            return len(rt.procs)
        if n == "process_limit":
            return 262144
        if n == "port_count":
            ports = getattr(rt, "ports", None)
            return len(ports.table) if ports is not None else 0
        if n == "port_limit":
            return 65536
        if n == "atom_count":
            from ..terms.atom import atom_count
            return atom_count()
        if n == "atom_limit":
            return 1048576
        if n == "ets_limit":
            return 8192
        if n == "ets_count":
            from ..runtime.ets import REGISTRY
            return len(REGISTRY.tables)
        if n == "emu_flavor":
            return A.jit if getattr(rt, "engine", "emu") == "jit" else A.emu
        if n == "emu_type":
            return A.opt
        if n == "build_type":
            return A.opt
        if n == "heap_type":
            return A.private
        if n == "kernel_poll":
            return FALSE
        if n == "debug_compiled" or n == "lock_checking" or n == "lock_counting":
            return FALSE
        if n == "creation":
            return rt.creation
        if n == "hipe_architecture":
            return _UNDEFINED
        if n == "nif_version":
            return estr("2.16")
        if n == "driver_version":
            return estr("3.3")
        if n == "start_time":
            return int(rt.start_ms * 1000000)
        if n == "end_time":
            return (1 << 59) - 1
        if n == "os_monotonic_time_source" or n == "os_system_time_source":
            return NIL
        if n == "time_warp_mode":
            return A.no_time_warp
        if n == "time_correction":
            return TRUE
        if n == "tolerant_timeofday":
            return A.enabled
        if n == "multi_scheduling":
            return A.disabled
        if n == "c_compiler_used":
            return (A.gnuc, (12, 2, 0))
        if n == "compat_rel":
            return int(OTP_RELEASE)
        if n == "check_io":
            return NIL
        if n == "cpu_topology":
            return _UNDEFINED
        if n == "update_cpu_info":
            return A.unchanged
        if n == "dist_ctrl":
            return A.ip_address_and_port
        if n == "dist_buf_busy_limit":
            return 1048576
        if n == "fullsweep_after":
            return (A.fullsweep_after, 65535)
        if n == "min_heap_size":
            return (A.min_heap_size, 233)
        if n == "min_bin_vheap_size":
            return (A.min_bin_vheap_size, 46422)
        if n == "max_heap_size":
            return (A.max_heap_size, Map.from_pairs([(A.error_logger, TRUE), (A.kill, TRUE),
                                                     (A.size, 0)]))
        if n == "message_queue_data":
            return A.on_heap
        if n == "scheduler_id":
            return 1
        if n == "scheduler_bind_type" or n == "scheduler_bindings":
            return A.unbound
        if n == "modified_timing_level":
            return _UNDEFINED
        if n == "trace_control_word":
            return 0
        if n == "sequential_tracer":
            return (A.sequential_tracer, FALSE)
        if n == "loaded":
            return b""
        if n == "info" or n == "procs" or n == "dist":
            return b""
        if n == "allocator":
            return (A.glibc, NIL, NIL, NIL)
        if n == "otp_correction_package":
            return estr(OTP_RELEASE)
        if n == "port_parallelism":
            return FALSE
        if n == "async_dist":
            return FALSE
        if n == "halt_flush_timeout":
            return _INFINITY_ATOM
        if n == "eager_check_io":
            return TRUE
        if n == "outstanding_system_requests_limit":
            return 1
        if n == "break_ignored":
            return FALSE
        if n == "dynamic_trace" or n == "dynamic_trace_probes":
            return A.none if n == "dynamic_trace" else FALSE
        if n == "delayed_node_table_gc":
            return 60
        if n == "ets_always_compress":
            return FALSE
        if n == "thread_progress":
            return FALSE
        if n == "emu_args":
            return NIL
        if n == "taints":
            return NIL
        if n == "memory_types":
            return NIL
        if n == "os_type":
            return (A.unix, A.linux)
    if type(item) is tuple and len(item) == 2:
        if item[0] is A.allocator:
            return FALSE
    raise badarg()


_INFINITY_ATOM = A.infinity


@bif("erlang", "system_info", 1)
def system_info(item):
    return _sysinfo(item)


@bif("erlang", "system_flag", 2)
def system_flag(flag, value):
    if flag is A.backtrace_depth:
        if type(value) is not int or value < 0:
            raise badarg()
        from ..terms import errors
        old = errors.BACKTRACE_DEPTH
        return old
    if flag in (A.schedulers_online, A.dirty_cpu_schedulers_online):
        return 1
    if flag is A.multi_scheduling:
        return A.disabled
    if flag in (A.fullsweep_after, A.min_heap_size, A.min_bin_vheap_size, A.max_heap_size,
                A.trace_control_word, A.time_offset, A.erts_alloc, A.system_logger,
                A.outstanding_system_requests_limit, A.scheduler_wall_time,
                A.microstate_accounting, A.cpu_topology, A.scheduler_bind_type):
        if flag is A.system_logger:
            rt = _rt()
            old = getattr(rt, "system_logger", A.logger)
            rt.system_logger = value
            return old
        if flag is A.scheduler_wall_time:
            return FALSE
        return value
    raise badarg()


@bif("erlang", "statistics", 1)
def statistics(item):
    rt = _rt()
    if type(item) is not Atom:
        raise badarg()
    n = item.name
    now_ms = int(time.monotonic() * 1000 - rt.start_ms)
    if n == "runtime" or n == "wall_clock":
        if n == "runtime":
            total = int(time.process_time() * 1000)
        else:
            total = now_ms
        attr = "_last_" + n
        last = getattr(rt, attr, 0)
        setattr(rt, attr, total)
        return (total, total - last)
    if n == "reductions" or n == "exact_reductions":
        total = sum(p.reductions for p in rt.procs.values())
        last = getattr(rt, "_last_reds", 0)
        rt._last_reds = total
        return (total, total - last)
    if n == "run_queue":
        return len(rt.runq)
    if n == "run_queue_lengths" or n == "run_queue_lengths_all":
        return from_seq([len(rt.runq)])
    if n == "total_run_queue_lengths" or n == "total_run_queue_lengths_all":
        return len(rt.runq)
    if n == "active_tasks" or n == "active_tasks_all":
        return from_seq([1])
    if n == "total_active_tasks" or n == "total_active_tasks_all":
        return 1
    if n == "context_switches":
        return (getattr(rt, "context_switches", 0), 0)
    if n == "garbage_collection":
        return (0, 0, 0)
    if n == "io":
        return ((A.input, 0), (A.output, 0))
    if n == "scheduler_wall_time" or n == "scheduler_wall_time_all":
        return _UNDEFINED
    if n == "microstate_accounting":
        return _UNDEFINED
    raise badarg()


# -- code loading ----------------------------------------------------------------------

def _module_info(mod, key):
    name = key.name
    if name == "module":
        return mod.name
    if name == "exports":
        ex = sorted(mod.exports, key=lambda fa: (fa[0].name, fa[1]))
        return from_seq([(f, a) for f, a in ex])
    if name == "functions":
        return from_seq([(f, a) for f, a, _ in mod.functions])
    if name == "attributes":
        attrs = mod.attributes
        return attrs if attrs is not None else NIL
    if name == "compile":
        ci = mod.compile_info
        return ci if ci is not None else NIL
    if name == "md5":
        return mod.md5
    if name == "nifs":
        return NIL
    if name == "native":
        return FALSE
    raise badarg()


@bif("erlang", "get_module_info", 1)
def get_module_info1(m):
    mod = VM.code.modules.get(m) if type(m) is Atom else None
    if mod is None:
        raise badarg()
    return from_seq([(k, _module_info(mod, k)) for k in
                     (A.module, A.exports, A.attributes, A.compile, A.md5)])


@bif("erlang", "get_module_info", 2)
def get_module_info2(m, key):
    mod = VM.code.modules.get(m) if type(m) is Atom else None
    if mod is None or type(key) is not Atom:
        raise badarg()
    return _module_info(mod, key)


@bif("erlang", "module_loaded", 1)
def module_loaded(m):
    if type(m) is not Atom:
        raise badarg()
    return boolean(m in VM.code.modules)


@bif("erlang", "function_exported", 3)
def function_exported(m, f, a):
    if type(m) is not Atom or type(f) is not Atom or type(a) is not int:
        raise badarg()
    e = VM.code.exports.get((m, f, a))
    if e is None:
        return FALSE
    return boolean(e.module_obj is not None or (e.bif is not None and m in VM.code.modules))


@bif("erlang", "is_builtin", 3)
def is_builtin(m, f, a):
    if type(m) is not Atom or type(f) is not Atom or type(a) is not int:
        raise badarg()
    e = VM.code.exports.get((m, f, a))
    return boolean(e is not None and e.bif is not None)


@bif("erlang", "loaded", 0)
def loaded():
    return from_seq(list(VM.code.modules))


@bif("erlang", "pre_loaded", 0)
def pre_loaded():
    return from_seq(list(getattr(_rt(), "preloaded", [])))


@bif("erlang", "make_fun", 3)
def make_fun(m, f, a):
    if type(m) is not Atom or type(f) is not Atom or type(a) is not int or not 0 <= a <= 255:
        raise badarg()
    return VM.code.export(m, f, a).fun


def load_binary(name, data):
    """Load `data` as module `name`: {module, Name} or {error, Reason} like
    erlang:load_module/2."""
    code = VM.code
    if type(data) is not bytes:
        raise badarg()
    if name in code.old:
        return (A.error, A.not_purged)
    try:
        pm = code.prepare(data)
    except BadBeam:
        return (A.error, A.badfile)
    except RecursionError:
        return (A.error, A.badfile)
    if pm.name is not name:
        return (A.error, A.badfile)
    if pm.on_load is not None:
        code.stage_on_load(pm, data)
        return (A.error, A.on_load)
    code.install(pm, data)
    return (A.module, name)


@bif("erlang", "load_module", 2)
def load_module(m, data):
    if type(m) is not Atom:
        raise badarg()
    return load_binary(m, data)


@bif("erlang", "delete_module", 1)
def delete_module(m):
    if type(m) is not Atom:
        raise badarg()
    code = VM.code
    if m in code.old:
        raise badarg()
    if code.delete(m):
        return TRUE
    return _UNDEFINED


@bif("erlang", "check_old_code", 1)
def check_old_code(m):
    if type(m) is not Atom:
        raise badarg()
    return boolean(m in VM.code.old)


@bif("erlang", "purge_module", 1)
def purge_module(m):
    if type(m) is not Atom:
        raise badarg()
    if not VM.code.purge(m):
        raise badarg()
    return TRUE


@bif("erts_internal", "purge_module", 2)
def erts_purge_module(m, op):
    if type(m) is not Atom:
        raise badarg()
    if op is A.prepare or op is A.prepare_on_load:
        return boolean(m in VM.code.old)
    if op is A.abort:
        return FALSE
    if op is A.complete:
        VM.code.purge(m)
        return TRUE
    raise badarg()


@bif("erlang", "check_process_code", 2)
def check_process_code2(pid, m):
    return FALSE


@bif("erlang", "check_process_code", 3)
def check_process_code3(pid, m, opts):
    return FALSE


@bif("erts_internal", "check_process_code", 1)
def erts_check_process_code(m):
    return FALSE


@bif("erlang", "load_nif", 2)
def load_nif(path, info):
    """NIFs are Python functions registered like BIFs and bound when their
    module loads; load_nif succeeds for a library whose module has them."""
    try:
        name = os.path.basename("".join(chr(c) for c in to_pylist(path)))
    except (TypeError, ValueError):
        raise badarg()
    if registry.native_functions(atom(name)):
        return A.ok
    return (A.error, (A.load_failed, estr("Failed to load NIF library %s: erlpy runs NIFs "
                                          "written in Python only" % name)))


@bif("os", "getenv", 0)
def os_getenv0():
    return from_seq([estr("%s=%s" % kv) for kv in os.environ.items()])


@bif("os", "getenv", 1)
def os_getenv1(name):
    try:
        key = "".join(chr(c) for c in to_pylist(name))
    except (NotAList, TypeError, ValueError):
        raise badarg()
    v = os.environ.get(key)
    return FALSE if v is None else estr(v)


@bif("os", "putenv", 2)
def os_putenv(name, value):
    try:
        k = "".join(chr(c) for c in to_pylist(name))
        v = "".join(chr(c) for c in to_pylist(value))
    except (NotAList, TypeError, ValueError):
        raise badarg()
    if not k or "=" in k:
        raise badarg()
    os.environ[k] = v
    return TRUE


@bif("os", "unsetenv", 1)
def os_unsetenv(name):
    try:
        k = "".join(chr(c) for c in to_pylist(name))
    except (NotAList, TypeError, ValueError):
        raise badarg()
    os.environ.pop(k, None)
    return TRUE


@bif("os", "getpid", 0)
def os_getpid():
    return estr(str(os.getpid()))


@bif("erts_internal", "is_system_process", 1)
def is_system_process(pid):
    return FALSE


@bif("erts_internal", "cmp_term", 2)
def cmp_term(a, b):
    from ..terms import compare
    return compare(a, b)
