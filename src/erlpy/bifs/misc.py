"""The remaining BIFs OTP's kernel and stdlib call: code preparation,
tracing and distribution queries on a node that has neither, driver
loading (erlpy has no C drivers), and small system queries."""

import os

from ..terms import (A, Atom, Pid, Port, Ref, Fun, ExportFun, NIL, Cons, badarg, TRUE, FALSE,
                     from_seq, to_pylist, NotAList, estr, ErlangError, boolean)
from ..terms.errors import ERROR
from ..code.contract import VM, Trap
from ..code.table import BadBeam
from .registry import bif

_OK = A.ok
_UNDEFINED = A.undefined


def _rt():
    return VM.runtime


# -- staged code loading (code_server's atomic loads go through these) -----------------

@bif("erts_internal", "prepare_loading", 2)
def prepare_loading(m, data):
    if type(m) is not Atom or type(data) is not bytes:
        raise badarg()
    try:
        pm = VM.code.prepare(data)
    except BadBeam:
        return (A.error, A.badfile)
    if pm.name is not m:
        return (A.error, A.badfile)
    ref = VM.make_ref()
    ref.magic = ("prepared_code", pm, data)
    return ref


def _prepared(r):
    if type(r) is Ref and type(r.magic) is tuple and r.magic[0] == "prepared_code":
        return r.magic
    return None


@bif("erlang", "finish_loading", 1)
def finish_loading(preps):
    try:
        items = to_pylist(preps)
    except NotAList:
        raise badarg()
    staged = [_prepared(r) for r in items]
    if any(s is None for s in staged):
        raise badarg()
    code = VM.code
    not_purged = [s[1].name for s in staged if s[1].name in code.old]
    if not_purged:
        return (A.not_purged, from_seq(not_purged))
    on_load = []
    for _, pm, data in staged:
        if pm.on_load is None:
            code.install(pm, data)
        else:
            code.stage_on_load(pm, data)
            on_load.append(pm.name)
    if on_load:
        return (A.on_load, from_seq(on_load))
    return _OK


@bif("erlang", "has_prepared_code_on_load", 1)
def has_prepared_code_on_load(r):
    s = _prepared(r)
    if s is None:
        raise badarg()
    return boolean(s[1].on_load is not None)


@bif("erlang", "call_on_load_function", 1, traps=True)
def call_on_load_function(m):
    """Run the on_load function of a module waiting for it (code_server and
    init call this in a process of their own)."""
    mod = VM.code.pending.get(m) if type(m) is Atom else None
    if mod is None:
        raise badarg()
    from ..code.table import Export
    _, name, arity = mod.mfa_at(mod.on_load)
    e = Export(m, name, arity)
    e.module_obj = mod
    e.entry = mod.on_load
    return Trap(e, [])


@bif("erlang", "finish_after_on_load", 2)
def finish_after_on_load(m, ok):
    if type(m) is not Atom or (ok is not TRUE and ok is not FALSE):
        raise badarg()
    if not VM.code.finish_on_load(m, ok is TRUE):
        raise badarg()
    return TRUE


@bif("erlang", "fun_info_mfa", 1)
def fun_info_mfa(f):
    if type(f) is Fun:
        e = f.entry
        return (e.module, e.name, e.arity - len(f.env))
    if type(f) is ExportFun:
        return (f.module, f.function, f.arity)
    raise badarg()


@bif("erts_internal", "term_type", 1)
def term_type(t):
    from ..terms import Map, BitString
    tt = type(t)
    names = {int: "fixnum", float: "float", Atom: "atom", tuple: "tuple", Cons: "list",
             bytes: "refc_binary", BitString: "sub_binary", Pid: "pid", Port: "port",
             Ref: "reference", Fun: "fun", ExportFun: "export", Map: "flatmap"}
    if tt is int and not -(1 << 59) <= t < (1 << 59):
        return A.bignum
    if t is NIL:
        return A.nil
    return A[names.get(tt, "unknown")]


@bif("erts_internal", "time_unit", 0)
def time_unit():
    return 1000000000


@bif("erts_internal", "get_creation", 0)
def get_creation():
    return _rt().creation


@bif("erts_internal", "spawn_system_process", 3)
def spawn_system_process(m, f, args):
    from .processes import spawn3
    return spawn3(m, f, args)


@bif("erts_internal", "suspend_process", 2)
def suspend_process(pid, opts):
    return TRUE


@bif("erlang", "resume_process", 1)
def resume_process(pid):
    return TRUE


@bif("erts_internal", "process_display", 2)
def process_display(pid, kind):
    return TRUE


@bif("erts_internal", "system_check", 1)
def system_check(kind):
    return _OK


@bif("erts_internal", "scheduler_wall_time", 1)
def scheduler_wall_time(flag):
    return FALSE


@bif("erts_internal", "no_aux_work_threads", 0)
def no_aux_work_threads():
    return 1


# -- tracing: accepted, with nothing traced ------------------------------------------

@bif("erts_internal", "trace", 3)
def trace(pid_spec, how, flags):
    return 0


@bif("erts_internal", "trace_pattern", 3)
def trace_pattern(mfa, ms, flags):
    return 0


@bif("erlang", "trace_info", 2)
def trace_info(what, item):
    return (item, _UNDEFINED if type(item) is Atom else FALSE)


@bif("erlang", "trace_delivered", 1)
def trace_delivered(what):
    return _rt().make_ref()


@bif("erlang", "seq_trace", 2)
def seq_trace(flag, value):
    return FALSE


@bif("erlang", "seq_trace_info", 1)
def seq_trace_info(what):
    return (what, FALSE)


@bif("erlang", "seq_trace_print", 1)
def seq_trace_print(msg):
    return FALSE


@bif("erlang", "seq_trace_print", 2)
def seq_trace_print2(label, msg):
    return FALSE


@bif("erlang", "dt_spread_tag", 1)
def dt_spread_tag(b):
    return FALSE


@bif("erlang", "dt_restore_tag", 1)
def dt_restore_tag(t):
    return TRUE


@bif("erlang", "dt_get_tag", 0)
def dt_get_tag():
    return _UNDEFINED


@bif("erlang", "dt_put_tag", 1)
def dt_put_tag(t):
    return _UNDEFINED


# -- distribution queries on a node that is not distributed ---------------------------

@bif("erlang", "monitor_node", 2)
def monitor_node(node, flag):
    if type(node) is not Atom or flag not in (TRUE, FALSE):
        raise badarg()
    if flag is TRUE and node is not _rt().node:
        _rt().deliver(VM.current, (A.nodedown, node))
    return TRUE


@bif("erlang", "monitor_node", 3)
def monitor_node3(node, flag, opts):
    return monitor_node(node, flag)


@bif("erlang", "nodes", 2)
def nodes2(kind, opts):
    return NIL


@bif("erlang", "alias", 0)
def alias0():
    return alias([])


@bif("erlang", "alias", 1)
def alias(opts):
    mode = A.explicit_unalias
    try:
        items = to_pylist(opts) if opts is not NIL else []
    except NotAList:
        raise badarg()
    for o in items:
        if o is A.explicit_unalias or o is A.reply:
            mode = A.explicit_unalias if o is A.explicit_unalias else A.reply_demonitor
        else:
            raise badarg()
    rt = _rt()
    ref = rt.make_ref()
    rt.add_alias(VM.current, ref, mode)
    return ref


@bif("erlang", "unalias", 1)
def unalias(ref):
    if type(ref) is not Ref:
        raise badarg()
    rt = _rt()
    a = rt.aliases.get(ref)
    if a is None or a[0] != VM.current.pid:
        return FALSE
    return boolean(rt.remove_alias(ref))


@bif("erlang", "spawn_request_abandon", 1)
def spawn_request_abandon(ref):
    if type(ref) is not Ref:
        raise badarg()
    return FALSE


@bif("net_kernel", "dflag_unicode_io", 1)
def dflag_unicode_io(pid):
    return TRUE


@bif("erts_internal", "get_dflags", 0)
def get_dflags():
    return (A.erts_dflags, 0, 0, 0, 0, 0, 0)


# -- drivers: erlpy loads no C drivers ---------------------------------------------------

@bif("erl_ddll", "loaded_drivers", 0)
def loaded_drivers():
    return (_OK, from_seq([estr(n) for n in ("fd", "spawn", "spawn_executable")]))


@bif("erl_ddll", "try_load", 3)
def try_load(path, name, opts):
    return (A.error, A.not_loaded)


@bif("erl_ddll", "try_unload", 2)
def try_unload(name, opts):
    return (A.error, A.not_loaded)


@bif("erl_ddll", "info", 2)
def ddll_info(name, tag):
    raise badarg()


@bif("erl_ddll", "format_error_int", 1)
def ddll_format_error_int(code):
    return estr("driver loading is not supported by erlpy")


# -- small queries ------------------------------------------------------------------------

@bif("error_logger", "warning_map", 0)
def warning_map():
    return A.warning


@bif("io", "printable_range", 0)
def printable_range():
    return A.latin1


@bif("file", "native_name_encoding", 0)
def native_name_encoding():
    return A.utf8


@bif("os", "env", 0)
def os_env():
    return from_seq([(estr(k), estr(v)) for k, v in os.environ.items()])


@bif("erts_debug", "flat_size", 1)
def flat_size(t):
    from ..terms import Map, BitString
    size = 0
    stack = [t]
    while stack:
        x = stack.pop()
        tx = type(x)
        if tx is tuple:
            size += 1 + len(x)
            stack.extend(x)
        elif tx is Cons:
            while type(x) is Cons:
                size += 2
                stack.append(x.hd)
                x = x.tl
            stack.append(x)
        elif tx is float:
            size += 2
        elif tx is int and not -(1 << 59) <= x < (1 << 59):
            size += 1 + (x.bit_length() + 63) // 64
        elif tx is bytes or tx is BitString:
            n = len(x) if tx is bytes else len(x.data)
            size += 6 if n > 64 else 2 + (n + 7) // 8     # ProcBin or heap binary
        elif tx is Map:
            size += 3 + 2 * len(x)
            for k, v in x.items():
                stack.append(k)
                stack.append(v)
        elif tx is Fun:
            size += 4 + len(x.env)
            stack.extend(x.env)
        elif tx is Ref or tx is Pid or tx is Port:
            size += 0 if x.node is _rt().node and tx is not Ref else 4
    return size


@bif("erts_debug", "same", 2)
def same(a, b):
    return boolean(a is b)


@bif("erts_debug", "get_internal_state", 1)
def get_internal_state(what):
    return _UNDEFINED


@bif("erts_debug", "set_internal_state", 2)
def set_internal_state(what, value):
    return _UNDEFINED
