"""Instruction closures for the interpreter.

build_closure(mod, pc, ins) returns the closure for one specialised
instruction: f(X, y) -> next pc. Instructions that change the frame, the
module or the process (calls, returns, allocate, suspending receive) return
a negative control code instead; the interpreter loop handles those.
"""

from ..terms import (Atom, NIL, Cons, BitString, Pid, Port, Ref, Fun, ExportFun, Map, A,
                     ErlangError, compare, eq_exact, TRUE, FALSE, from_seq)
from ..terms.errors import ERROR, EXIT, THROW
from ..terms import numbers
from ..code.contract import VM, CatchTag, NONVALUE, RawTrace
from .gen import Shape, factory_namespace
from . import receive
from .stacktrace import build_stacktrace

__all__ = ["build_closure", "fill", "CONTROL", "C_CALL", "C_CALL_ONLY", "C_CALL_EXT", "C_CALL_EXT_ONLY",
           "C_RETURN", "C_ALLOCATE", "C_APPLY", "C_APPLY_LAST", "C_CALL_FUN", "C_CALL_FUN2",
           "C_WAIT", "C_WAIT_TIMEOUT", "arith_slow"]

(C_CALL, C_CALL_ONLY, C_CALL_EXT, C_CALL_EXT_ONLY, C_RETURN, C_ALLOCATE, C_APPLY,
 C_APPLY_LAST, C_CALL_FUN, C_CALL_FUN2, C_WAIT, C_WAIT_TIMEOUT) = range(-1, -13, -1)

CONTROL = {
    "call": C_CALL, "call_last": C_CALL_ONLY, "call_only": C_CALL_ONLY,
    "call_ext": C_CALL_EXT, "call_ext_last": C_CALL_EXT_ONLY, "call_ext_only": C_CALL_EXT_ONLY,
    "return": C_RETURN, "allocate": C_ALLOCATE, "apply": C_APPLY, "apply_last": C_APPLY_LAST,
    "call_fun": C_CALL_FUN, "call_fun2": C_CALL_FUN2, "wait": C_WAIT,
    "wait_timeout": C_WAIT_TIMEOUT,
}

_INF = float("inf")
_X0, _X1, _X2, _X3 = ("x", 0), ("x", 1), ("x", 2), ("x", 3)


def _err(reason):
    return ErlangError(ERROR, reason)


def _badarith():
    return ErlangError(ERROR, A.badarith)


def _chk(r):
    if type(r) is float and r - r != 0.0:
        raise _badarith()
    return r


_ARITH_SLOW = {"+": numbers.arith_add, "-": numbers.arith_sub, "*": numbers.arith_mul,
               "&": numbers.arith_band, "|": numbers.arith_bor, "^": numbers.arith_bxor,
               "//": numbers.arith_div, "%": numbers.arith_rem, ">>": numbers.arith_bsr,
               "<<": numbers.arith_bsl}

# Operands for which the inline Python operator gives Erlang's result (other
# cases, e.g. rem of a negative number, take the BIF).
_ARITH_GUARD = {"//": "{a} >= 0 and {b} > 0", "%": "{a} >= 0 and {b} > 0",
                ">>": "{b} >= 0", "<<": "0 <= {b} < 64"}


def arith_slow(op, a, b):
    """An inline arithmetic BIF outside its fast path (floats, bignums past
    the size limit, non-numbers, negative div/rem...): the BIF semantics."""
    return _ARITH_SLOW[op](a, b)


def _fconv(v):
    t = type(v)
    if t is float:
        return v
    if t is int:
        try:
            return float(v)
        except OverflowError:
            raise _badarith()
    raise _badarith()


def _fdiv(a, b):
    try:
        return _chk(a / b)
    except ZeroDivisionError:
        raise _badarith()


def _function_clause(args):
    e = ErlangError(ERROR, A.function_clause)
    e.frame_args = from_seq(args)
    return e


def _catch_value(cls, reason, raw):
    if cls is THROW:
        return reason
    if cls is ERROR:
        return (A["EXIT"], (reason, build_stacktrace(raw.exc)))
    return (A["EXIT"], reason)


def _raw_raise(cls, reason, raw):
    if cls is not ERROR and cls is not EXIT and cls is not THROW:
        raise _err(A.badarg)
    if type(raw) is RawTrace:
        old = raw.exc
        e = ErlangError(cls, reason, list(old.trace), old.etrace)
        e.located = True
        raise e
    raise ErlangError(cls, reason)


def _raise_old(trace, value):
    """The pre-OTP-23 `raise` instruction: class comes from the raw trace."""
    if type(trace) is RawTrace:
        _raw_raise(trace.exc.cls, value, trace)
    raise _err(A.badarg)


def _set_element(t, idx, v):
    return t[:idx] + (v,) + t[idx + 1:]


def _select_any(v, table, fail):
    key = ("float", v) if type(v) is float else v
    lbl = table.get(key)
    if lbl is None:
        return fail
    # exact match required: 1 must not select 1.0's branch and vice versa (keys differ already)
    return lbl


def _is_fun_arity(f, arity):
    if type(arity) is not int or arity < 0:
        raise _err(A.badarg)
    t = type(f)
    if t is Fun:
        return f.entry.arity - len(f.env) == arity
    if t is ExportFun:
        return f.arity == arity
    return False


def _badmap(m):
    return _err((A.badmap, m))


def _put_assoc(m, kvs):
    if type(m) is not Map:
        raise _badmap(m)
    return m.put_many([(kvs[i], kvs[i + 1]) for i in range(0, len(kvs), 2)])


def _put_exact(m, kvs):
    if type(m) is not Map:
        raise _badmap(m)
    pairs = [(kvs[i], kvs[i + 1]) for i in range(0, len(kvs), 2)]
    r = m.update_many(pairs)
    if r is None:
        for k, _ in pairs:
            if not m.contains(k):
                raise _err((A.badkey, k))
    return r


def _send(dest, msg):
    return VM.send(dest, msg)


factory_namespace.update({
    "Atom": Atom, "NIL": NIL, "Cons": Cons, "BitString": BitString, "Pid": Pid, "Port": Port,
    "Ref": Ref, "Fun": Fun, "ExportFun": ExportFun, "Map": Map, "ErlangError": ErlangError,
    "compare": compare, "eq_exact": eq_exact, "TRUE": TRUE, "FALSE": FALSE, "VM": VM,
    "NONVALUE": NONVALUE, "A": A, "_err": _err, "arith_slow": arith_slow, "_fconv": _fconv,
    "_fdiv": _fdiv, "_chk": _chk, "_badarith": _badarith, "_function_clause": _function_clause,
    "_catch_value": _catch_value, "_raw_raise": _raw_raise, "_raise_old": _raise_old,
    "_set_element": _set_element, "_select_any": _select_any, "_is_fun_arity": _is_fun_arity,
    "_put_assoc": _put_assoc, "_put_exact": _put_exact, "_send": _send,
    "build_stacktrace": build_stacktrace, "receive": receive,
})

_TYPE_TESTS = {
    "is_integer": "type({v}) is not int",
    "is_float": "type({v}) is not float",
    "is_number": "type({v}) is not int and type({v}) is not float",
    "is_atom": "type({v}) is not Atom",
    "is_pid": "type({v}) is not Pid",
    "is_reference": "type({v}) is not Ref",
    "is_port": "type({v}) is not Port",
    "is_nil": "{v} is not NIL",
    "is_binary": "type({v}) is not bytes",
    "is_list": "{v} is not NIL and type({v}) is not Cons",
    "is_nonempty_list": "type({v}) is not Cons",
    "is_tuple": "type({v}) is not tuple",
    "is_boolean": "{v} is not TRUE and {v} is not FALSE",
    "is_bitstr": "type({v}) is not bytes and type({v}) is not BitString",
    "is_map": "type({v}) is not Map",
    "is_function": "type({v}) is not Fun and type({v}) is not ExportFun",
}

_NOOP = {"deallocate"}


def _constant_closure(value):
    def op(X, y):
        return value
    return op


_CONTROL_CLOSURES = {code: _constant_closure(code) for code in set(CONTROL.values())}


def build_closure(mod, pc, ins):
    name = ins[0]
    nxt = pc + 1
    code = CONTROL.get(name)
    if code is not None and name not in _BUILDERS:
        return _CONTROL_CLOSURES[code]
    if name in _NOOP:
        return _constant_closure(nxt)
    s = Shape()
    if name == "trim":
        s.line("del y[:%s]" % s.val(ins[1]))
    elif not fill(s, mod, ins):
        raise ValueError("no interpreter closure for %s" % name)
    return s.build(nxt)


def fill(s, mod, ins):
    """Write the semantics of a simple instruction into shape `s` (either
    engine's); False if `ins` has no builder here."""
    name = ins[0]
    builder = _BUILDERS.get(name)
    if builder is not None:
        builder(s, mod, ins)
        return True
    if name in _TYPE_TESTS:
        v = s.value(ins[2], "v")
        s.line("if %s: %s" % (_TYPE_TESTS[name].format(v=v), s.jump(ins[1])))
        return True
    if name.startswith("bs_"):
        from .bits import BS_BUILDERS
        builder = BS_BUILDERS.get(name)
        if builder is not None:
            builder(s, mod, ins)
            return True
    return False


# -- builders: each fills a Shape for one instruction -------------------------

def _b_func_info(s, mod, ins):
    s.line("raise _function_clause(%s)" % s.xs(ins[3]))


# Guard BIFs written inline: (expression, whether it can fail). {a0}, {a1}
# are the operands, {f} the BIF itself, called off the fast path for the
# error (and its stack frame) exactly as without inlining.
_INLINE_BIFS = {
    ("erlang", "element", 2): (
        "{a1}[{a0} - 1] if type({a1}) is tuple and type({a0}) is int and 0 < {a0} <= len({a1})"
        " else {f}({a0}, {a1})", True),
    ("erlang", "hd", 1): ("{a0}.hd if type({a0}) is Cons else {f}({a0})", True),
    ("erlang", "tl", 1): ("{a0}.tl if type({a0}) is Cons else {f}({a0})", True),
    ("erlang", "tuple_size", 1): ("len({a0}) if type({a0}) is tuple else {f}({a0})", True),
    ("erlang", "self", 0): ("VM.current.pid", False),
    ("erlang", "=:=", 2): ("TRUE if {a0} is {a1} or eq_exact({a0}, {a1}) else FALSE", False),
    ("erlang", "=/=", 2): ("FALSE if {a0} is {a1} or eq_exact({a0}, {a1}) else TRUE", False),
    ("erlang", "is_atom", 1): ("TRUE if type({a0}) is Atom else FALSE", False),
    ("erlang", "is_integer", 1): ("TRUE if type({a0}) is int else FALSE", False),
    ("erlang", "is_tuple", 1): ("TRUE if type({a0}) is tuple else FALSE", False),
    ("erlang", "is_list", 1): ("TRUE if {a0} is NIL or type({a0}) is Cons else FALSE", False),
    ("erlang", "is_binary", 1): ("TRUE if type({a0}) is bytes else FALSE", False),
    ("erlang", "is_map", 1): ("TRUE if type({a0}) is Map else FALSE", False),
}


def _b_bif(s, mod, ins):
    _, imp, fail, srcs, dst = ins
    e = mod.imports[imp]
    f = e.bif
    fn = s.val(f if f is not None else missing_bif)
    inline = _INLINE_BIFS.get((e.module.name, e.function.name, e.arity)) if f else None
    if inline is not None and (fail is None or not inline[1]):
        ops = {"a%d" % i: s.value(a, "a%d" % i) for i, a in enumerate(srcs)}
        s.line("%s = %s" % (s.dst(dst), inline[0].format(f=fn, **ops)))
        return
    args = ", ".join(s.src(a) for a in srcs)
    if fail is None:
        s.line("%s = %s(%s)" % (s.dst(dst), fn, args))
    else:
        s.try_call("%s(%s)" % (fn, args), fail)
        s.line("%s = r" % s.dst(dst))


def missing_bif(*args):
    """A guard BIF that erlpy does not implement."""
    raise ErlangError(ERROR, A.undef)


def _int_test(s, ops):
    """(expressions for the operands, test that all are ints): a literal
    integer operand needs no test."""
    exprs, tests = [], []
    for op, temp in ops:
        e = s.value(op, temp)
        exprs.append(e)
        if not (op[0] == "c" and type(op[1]) is int):
            tests.append("type(%s) is int" % e)
    return exprs, " and ".join(tests) or "True"


def _b_arith(s, mod, ins):
    _, op, fail, a, b, dst, imp = ins
    (a, b), ints = _int_test(s, [(a, "a"), (b, "b")])
    guard = _ARITH_GUARD.get(op)
    if guard is not None:
        ints = "%s and %s" % (ints, guard.format(a=a, b=b))
    if fail is None:
        s.line("%s = %s %s %s if %s else arith_slow(%r, %s, %s)" % (
            s.dst(dst), a, op, b, ints, op, a, b))
        return
    s.line("if %s:" % ints)
    s.line("    r = %s %s %s" % (a, op, b))
    s.line("else:")
    s.try_call("arith_slow(%r, %s, %s)" % (op, a, b), fail, indent="    ")
    s.line("%s = r" % s.dst(dst))


def _b_init_yregs(s, mod, ins):
    for n in ins[1]:
        s.line("%s = None" % s.dst(("y", n)))


def _b_send(s, mod, ins):
    s.line("%s = _send(%s, %s)" % (s.dst(_X0), s.src(_X0), s.src(_X1)))


def _b_remove_message(s, mod, ins):
    s.line("receive.remove_message(VM.current)")


def _b_timeout(s, mod, ins):
    s.line("receive.timeout(VM.current)")


def _b_loop_rec(s, mod, ins):
    _, fail, dst = ins
    s.line("p = VM.current")
    s.line("mb = p.mbox")
    s.line("i = p.save")
    s.line("if i >= len(mb): " + s.jump(fail))
    s.line("%s = mb[i]" % s.dst(dst))


def _b_loop_rec_end(s, mod, ins):
    s.line("VM.current.save += 1")
    s.line(s.jump(ins[1]))


def _b_recv_marker_reserve(s, mod, ins):
    s.line("%s = receive.marker_reserve(VM.current)" % s.dst(ins[1]))


def _b_recv_marker_bind(s, mod, ins):
    s.line("receive.marker_bind(VM.current, %s, %s)" % (s.src(ins[1]), s.src(ins[2])))


def _b_recv_marker_clear(s, mod, ins):
    s.line("receive.marker_clear(VM.current, %s)" % s.src(ins[1]))


def _b_recv_marker_use(s, mod, ins):
    s.line("receive.marker_use(VM.current, %s)" % s.src(ins[1]))


def _b_is_function2(s, mod, ins):
    _, fail, f, arity = ins
    s.line("if not _is_fun_arity(%s, %s): %s" % (s.src(f), s.src(arity), s.jump(fail)))


def _b_compare(test):
    def build(s, mod, ins):
        _, fail, a, b = ins
        (a, b), ints = _int_test(s, [(a, "a"), (b, "b")])
        s.line(test.format(a=a, b=b, ints=ints, fail=s.jump(fail)))
    return build


_b_is_lt = _b_compare("if ({a} >= {b}) if {ints} else compare({a}, {b}) >= 0: {fail}")
_b_is_ge = _b_compare("if ({a} < {b}) if {ints} else compare({a}, {b}) < 0: {fail}")
_b_is_eq = _b_compare("if {a} is not {b} and compare({a}, {b}) != 0: {fail}")
_b_is_ne = _b_compare("if {a} is {b} or compare({a}, {b}) == 0: {fail}")
_b_is_eq_exact = _b_compare("if {a} is not {b} and not eq_exact({a}, {b}): {fail}")
_b_is_ne_exact = _b_compare("if {a} is {b} or eq_exact({a}, {b}): {fail}")


def _b_is_eq_exact_id(s, mod, ins):
    _, fail, a, c = ins
    s.line("if %s is not %s: %s" % (s.src(a), s.val(c), s.jump(fail)))


def _b_is_eq_exact_int(s, mod, ins):
    _, fail, a, c = ins
    v = s.value(a, "v")
    s.line("if %s != %s or type(%s) is not int: %s" % (v, s.val(c), v, s.jump(fail)))


def _b_is_ne_exact_int(s, mod, ins):
    _, fail, a, c = ins
    v = s.value(a, "v")
    s.line("if %s == %s and type(%s) is int: %s" % (v, s.val(c), v, s.jump(fail)))


def _b_local_tail_call(s, mod, ins):
    """call_only/call_last to a local function: a jump, unless the slice is
    used up; then the interpreter's slow path preempts."""
    s.line("r = VM.reds - 1")
    s.line("VM.reds = r")
    s.line("if r > 0: return %s" % s.val(ins[2]))
    s.line(s.jump(C_CALL_ONLY))


def _b_is_ne_exact_id(s, mod, ins):
    _, fail, a, c = ins
    s.line("if %s is %s: %s" % (s.src(a), s.val(c), s.jump(fail)))


def _gets(s, gets):
    for idx, dst in gets:
        s.line("%s = t[%s]" % (s.dst(dst), s.val(idx)))


def _b_test_arity(s, mod, ins):
    _, fail, src, arity, gets = ins
    s.line("t = " + s.src(src))
    s.line("if type(t) is not tuple or len(t) != %s: %s" % (s.val(arity), s.jump(fail)))
    _gets(s, gets)


def _b_is_tagged_tuple(s, mod, ins):
    _, fail, src, arity, tag, gets = ins
    s.line("t = " + s.src(src))
    s.line("if type(t) is not tuple or len(t) != %s or t[0] is not %s: %s" % (
        s.val(arity), s.val(tag), s.jump(fail)))
    _gets(s, gets)


def _b_get_tuple_elements(s, mod, ins):
    _, src, gets = ins
    s.line("t = " + s.src(src))
    _gets(s, gets)


def _b_select_val(s, mod, ins):
    _, src, fail, table, kind = ins
    s.line("v = " + s.src(src))
    t, f = s.val(table), s.val(fail)
    if kind == "atom":
        s.line("return %s.get(v, %s)" % (t, f))
    elif kind == "int":
        s.line("if type(v) is not int: return %s" % f)
        s.line("return %s.get(v, %s)" % (t, f))
    else:
        s.line("return _select_any(v, %s, %s)" % (t, f))


def _b_select_tuple_arity(s, mod, ins):
    _, src, fail, table = ins
    s.line("v = " + s.src(src))
    f = s.val(fail)
    s.line("if type(v) is not tuple: return %s" % f)
    s.line("return %s.get(len(v), %s)" % (s.val(table), f))


def _b_jump(s, mod, ins):
    s.line(s.jump(ins[1]))


def _b_catch(s, mod, ins):
    s.line("%s = %s" % (s.dst(("y", ins[1])), s.val(CatchTag(mod, ins[2]))))


def _b_catch_end(s, mod, ins):
    s.line("%s = None" % s.dst(("y", ins[1])))
    s.line("if %s is NONVALUE: %s = _catch_value(%s, %s, %s)" % (
        s.src(_X0), s.dst(_X0), s.src(_X1), s.src(_X2), s.src(_X3)))


def _b_try_end(s, mod, ins):
    s.line("%s = None" % s.dst(("y", ins[1])))


def _b_try_case(s, mod, ins):
    s.line("%s = None" % s.dst(("y", ins[1])))
    s.line("%s, %s, %s = %s, %s, %s" % (s.dst(_X0), s.dst(_X1), s.dst(_X2),
                                        s.src(_X1), s.src(_X2), s.src(_X3)))


def _b_raise_reason(tag):
    def build(s, mod, ins):
        s.line("raise _err((%s, %s))" % (s.val(A[tag]), s.src(ins[1])))
    return build


def _b_if_end(s, mod, ins):
    s.line("raise _err(%s)" % s.val(A.if_clause))


def _b_raise(s, mod, ins):
    s.line("_raise_old(%s, %s)" % (s.src(ins[1]), s.src(ins[2])))


def _b_raw_raise(s, mod, ins):
    s.line("_raw_raise(%s, %s, %s)" % (s.src(_X0), s.src(_X1), s.src(_X2)))


def _b_build_stacktrace(s, mod, ins):
    s.line("%s = build_stacktrace(%s.exc)" % (s.dst(_X0), s.src(_X0)))


def _b_move(s, mod, ins):
    s.line("%s = %s" % (s.dst(ins[2]), s.src(ins[1])))


def _b_moves(s, mod, ins):
    for src, dst in ins[1]:
        s.line("%s = %s" % (s.dst(dst), s.src(src)))


def _b_swap(s, mod, ins):
    a, b = s.dst(ins[1]), s.dst(ins[2])
    s.line("%s, %s = %s, %s" % (a, b, b, a))


def _b_get_list(s, mod, ins):
    s.line("c = " + s.src(ins[1]))
    s.line("%s = c.hd" % s.dst(ins[2]))
    s.line("%s = c.tl" % s.dst(ins[3]))


def _b_get_hd(s, mod, ins):
    s.line("%s = %s.hd" % (s.dst(ins[2]), s.src(ins[1])))


def _b_get_tl(s, mod, ins):
    s.line("%s = %s.tl" % (s.dst(ins[2]), s.src(ins[1])))


def _b_is_nonempty_list_get(s, mod, ins):
    _, fail, src, hd, tl = ins
    s.line("c = " + s.src(src))
    s.line("if type(c) is not Cons: " + s.jump(fail))
    if hd is not None:
        s.line("%s = c.hd" % s.dst(hd))
    if tl is not None:
        s.line("%s = c.tl" % s.dst(tl))


def _b_set_tuple_element(s, mod, ins):
    _, src, treg, idx = ins
    s.line("%s = _set_element(%s, %s, %s)" % (s.dst(treg), s.src(treg), s.val(idx), s.src(src)))


def _b_put_list(s, mod, ins):
    s.line("%s = Cons(%s, %s)" % (s.dst(ins[3]), s.src(ins[1]), s.src(ins[2])))


def _b_put_tuple2(s, mod, ins):
    elems = [s.src(e) for e in ins[2]]
    s.line("%s = (%s%s)" % (s.dst(ins[1]), ", ".join(elems), "," if len(elems) == 1 else ""))


def _b_make_fun(s, mod, ins):
    _, idx, dst, srcs = ins
    env = [s.src(e) for e in srcs]
    s.line("%s = Fun(%s, (%s%s))" % (s.dst(dst), s.val(mod.funs[idx]), ", ".join(env),
                                    "," if len(env) == 1 else ""))


def _b_fconv(s, mod, ins):
    s.line("%s = _fconv(%s)" % (s.dst(ins[2]), s.src(ins[1])))


def _b_float_op(op):
    def build(s, mod, ins):
        _, a, b, dst = ins
        if op == "/":
            s.line("%s = _fdiv(%s, %s)" % (s.dst(dst), s.src(a), s.src(b)))
        else:
            s.line("r = %s %s %s" % (s.src(a), op, s.src(b)))
            s.line("if r - r != 0.0: raise _badarith()")
            s.line("%s = r" % s.dst(dst))
    return build


def _b_fnegate(s, mod, ins):
    s.line("%s = -%s" % (s.dst(ins[2]), s.src(ins[1])))


def _kv_list(s, kvs):
    return "[%s]" % ", ".join(s.src(e) for e in kvs)


def _b_put_map_assoc(s, mod, ins):
    _, src, dst, kvs = ins
    s.line("%s = _put_assoc(%s, %s)" % (s.dst(dst), s.src(src), _kv_list(s, kvs)))


def _b_put_map_exact(s, mod, ins):
    _, fail, src, dst, kvs = ins
    if fail is None:
        s.line("%s = _put_exact(%s, %s)" % (s.dst(dst), s.src(src), _kv_list(s, kvs)))
    else:
        s.try_call("_put_exact(%s, %s)" % (s.src(src), _kv_list(s, kvs)), fail)
        s.line("%s = r" % s.dst(dst))


def _b_get_map_elements(s, mod, ins):
    _, fail, src, pairs = ins
    s.line("m = " + s.src(src))
    s.line("if type(m) is not Map: " + s.jump(fail))
    for key, dst in pairs:
        s.line("v = m.get(%s)" % s.src(key))
        s.line("if v is None: " + s.jump(fail))
        s.line("%s = v" % s.dst(dst))


def _b_has_map_fields(s, mod, ins):
    _, fail, src, keys = ins
    s.line("m = " + s.src(src))
    s.line("if type(m) is not Map: " + s.jump(fail))
    for key in keys:
        s.line("if not m.contains(%s): %s" % (s.src(key), s.jump(fail)))


_BUILDERS = {
    "func_info": _b_func_info, "bif": _b_bif, "arith": _b_arith,
    "init_yregs": _b_init_yregs, "send": _b_send, "remove_message": _b_remove_message,
    "timeout": _b_timeout, "loop_rec": _b_loop_rec, "loop_rec_end": _b_loop_rec_end,
    "recv_marker_reserve": _b_recv_marker_reserve, "recv_marker_bind": _b_recv_marker_bind,
    "recv_marker_clear": _b_recv_marker_clear, "recv_marker_use": _b_recv_marker_use,
    "is_function2": _b_is_function2, "is_lt": _b_is_lt, "is_ge": _b_is_ge, "is_eq": _b_is_eq,
    "is_ne": _b_is_ne, "is_eq_exact": _b_is_eq_exact, "is_ne_exact": _b_is_ne_exact,
    "is_eq_exact_id": _b_is_eq_exact_id, "is_ne_exact_id": _b_is_ne_exact_id,
    "is_eq_exact_int": _b_is_eq_exact_int, "is_ne_exact_int": _b_is_ne_exact_int,
    "call_only": _b_local_tail_call, "call_last": _b_local_tail_call,
    "test_arity": _b_test_arity, "is_tagged_tuple": _b_is_tagged_tuple,
    "get_tuple_elements": _b_get_tuple_elements, "select_val": _b_select_val,
    "select_tuple_arity": _b_select_tuple_arity, "jump": _b_jump, "catch": _b_catch,
    "try": _b_catch, "catch_end": _b_catch_end, "try_end": _b_try_end,
    "try_case": _b_try_case, "try_case_end": _b_raise_reason("try_clause"),
    "badmatch": _b_raise_reason("badmatch"), "case_end": _b_raise_reason("case_clause"),
    "badrecord": _b_raise_reason("badrecord"), "if_end": _b_if_end, "raise": _b_raise,
    "raw_raise": _b_raw_raise, "build_stacktrace": _b_build_stacktrace, "move": _b_move,
    "moves": _b_moves, "swap": _b_swap, "get_list": _b_get_list, "get_hd": _b_get_hd,
    "get_tl": _b_get_tl, "is_nonempty_list_get": _b_is_nonempty_list_get,
    "set_tuple_element": _b_set_tuple_element, "put_list": _b_put_list,
    "put_tuple2": _b_put_tuple2, "make_fun": _b_make_fun, "fconv": _b_fconv,
    "fadd": _b_float_op("+"), "fsub": _b_float_op("-"), "fmul": _b_float_op("*"),
    "fdiv": _b_float_op("/"), "fnegate": _b_fnegate, "put_map_assoc": _b_put_map_assoc,
    "put_map_exact": _b_put_map_exact, "get_map_elements": _b_get_map_elements,
    "has_map_fields": _b_has_map_fields,
}
