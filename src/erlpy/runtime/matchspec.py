"""Match specifications ([{Head, Guards, Body}]) compiled once into Python functions.

A match spec is turned into Python source for one function and exec'ed, so
running it on a term costs a few type tests and local assignments, not a
tree walk. Semantics follow OTP 25's db_match_compile / db_prog_match:

- Head: '$N' binds (or, when already bound, compares with =:=), '_' skips,
  tuples/lists/maps are matched structurally, every other term is compared
  exactly (=:=; floats bit for bit). Map patterns need constant keys.
- Guards: each guard must evaluate to `true`; any failing guard function
  makes the clause fail and the next clause is tried.
- Body: expressions evaluated in order. In the table dialect the last value
  is the result; a failing function gives the atom 'EXIT' in its place.
  In the trace dialect values are dropped and the result is `true`, or the
  argument of the last {message, X}.
- Expressions: '$N', '$_' (the whole term), '$$' (all bound variables),
  {const, T}, {{E1, ...}} (tuple construction), lists and maps of
  expressions, {F, A1, ...} calls of the guard functions OTP allows, and
  the special forms and/or/andalso/orelse/self (plus the trace actions in
  the trace dialect).

Compilation errors give None (callers raise badarg); `lint` collects the
error messages OTP's erlang:match_spec_test/3 returns.
"""

import math
import struct
import sys

from ..terms import (A, Atom, NIL, Nil, Cons, BitString, Pid, Port, Ref, Fun, ExportFun, Map,
                     TRUE, FALSE, compare, eq_exact, from_seq, list_length, format_term)
from ..code.contract import VM

__all__ = ["TABLE", "TRACE", "NOMATCH", "CompiledMS", "compile_ms", "lint", "is_variable",
           "has_variable", "RETURN_TRACE", "EXCEPTION_TRACE", "TraceContext",
           "get_trace_control_word", "set_trace_control_word"]

TABLE = "table"        # ets:select and friends (DCOMP_TABLE)
TRACE = "trace"        # trace patterns and match_spec_test(_, _, trace) (DCOMP_TRACE)


class _NoMatch:
    __slots__ = ()

    def __repr__(self):
        return "NOMATCH"


NOMATCH = _NoMatch()

RETURN_TRACE = 1
EXCEPTION_TRACE = 2

_UNDERSCORE = A["_"]
_DOLLAR_UNDERSCORE = A["$_"]
_DOLLAR_DOLLAR = A["$$"]
_EXIT = A["EXIT"]
_CONST = A.const
_UNDEFINED = A.undefined


class _Fail(Exception):
    """A guard function failed: the clause fails (guard) or gives 'EXIT' (body)."""


# -- variables ------------------------------------------------------------------------

_var_cache = {}


def is_variable(t):
    """N for an atom '$N' (N a decimal number without leading zeros, or 0), else -1."""
    if type(t) is not Atom:
        return -1
    n = _var_cache.get(t)
    if n is None:
        s = t.name
        n = -1
        if len(s) >= 2 and s[0] == "$" and s[1:].isdigit() and s[1:].isascii():
            if s[1] != "0" or len(s) == 2:
                n = int(s[1:])
        _var_cache[t] = n
    return n


def has_variable(t):
    """True if t is or contains '_' or a '$N' variable (maps: keys and values)."""
    stack = [t]
    while stack:
        t = stack.pop()
        tt = type(t)
        if tt is Atom:
            if t is _UNDERSCORE or is_variable(t) >= 0:
                return True
        elif tt is tuple:
            stack.extend(t)
        elif tt is Cons:
            while type(t) is Cons:
                stack.append(t.hd)
                t = t.tl
            stack.append(t)
        elif tt is Map:
            for k, v in t.items():
                stack.append(k)
                stack.append(v)
    return False


# -- guard functions ----------------------------------------------------------------------
# Each takes Erlang terms and returns a term, or raises _Fail.

def _is_num(x):
    t = type(x)
    return t is int or t is float


def _float_result(r):
    if r - r != 0.0:      # inf or nan
        raise _Fail()
    return r


def _to_float(x):
    try:
        return float(x)
    except OverflowError:
        raise _Fail()


def _g_is_atom(x):
    return TRUE if type(x) is Atom else FALSE


def _g_is_float(x):
    return TRUE if type(x) is float else FALSE


def _g_is_integer(x):
    return TRUE if type(x) is int else FALSE


def _g_is_list(x):
    return TRUE if (type(x) is Cons or x is NIL) else FALSE


def _g_is_number(x):
    t = type(x)
    return TRUE if (t is int or t is float) else FALSE


def _g_is_pid(x):
    return TRUE if type(x) is Pid else FALSE


def _g_is_port(x):
    return TRUE if type(x) is Port else FALSE


def _g_is_reference(x):
    return TRUE if type(x) is Ref else FALSE


def _g_is_tuple(x):
    return TRUE if type(x) is tuple else FALSE


def _g_is_map(x):
    return TRUE if type(x) is Map else FALSE


def _g_is_binary(x):
    return TRUE if type(x) is bytes else FALSE


def _g_is_function(x):
    t = type(x)
    return TRUE if (t is Fun or t is ExportFun) else FALSE


def _g_is_record(x, tag, size):
    if type(tag) is not Atom or type(size) is not int:
        raise _Fail()
    return TRUE if (type(x) is tuple and len(x) == size and size > 0 and x[0] is tag) else FALSE


def _g_abs(x):
    if not _is_num(x):
        raise _Fail()
    return abs(x)


def _g_element(n, t):
    if type(n) is not int or type(t) is not tuple or n < 1 or n > len(t):
        raise _Fail()
    return t[n - 1]


def _g_hd(x):
    if type(x) is not Cons:
        raise _Fail()
    return x.hd


def _g_tl(x):
    if type(x) is not Cons:
        raise _Fail()
    return x.tl


def _g_length(x):
    n = list_length(x)
    if n < 0:
        raise _Fail()
    return n


def _this_node():
    n = VM.node
    return n if n is not None else A["nonode@nohost"]


def _g_node0():
    return _this_node()


def _g_node1(x):
    t = type(x)
    if t is Pid or t is Port or t is Ref:
        return x.node
    raise _Fail()


def _round_half_away(x):
    f = math.floor(x)
    if x - f >= 0.5:
        f += 1
    return int(f)


def _g_round(x):
    t = type(x)
    if t is int:
        return x
    if t is float:
        return _round_half_away(x) if x >= 0 else -_round_half_away(-x)
    raise _Fail()


def _g_trunc(x):
    t = type(x)
    if t is int:
        return x
    if t is float:
        return int(x)
    raise _Fail()


def _g_float(x):
    t = type(x)
    if t is float:
        return x
    if t is int:
        return _to_float(x)
    raise _Fail()


def _g_size(x):
    t = type(x)
    if t is tuple or t is bytes:
        return len(x)
    if t is BitString:
        return x.bits >> 3
    raise _Fail()


def _g_map_size(x):
    if type(x) is not Map:
        raise _Fail()
    return x.size()


_MISSING = object()


def _g_map_get(k, m):
    if type(m) is not Map:
        raise _Fail()
    v = m.get(k, _MISSING)
    if v is _MISSING:
        raise _Fail()
    return v


def _g_is_map_key(k, m):
    if type(m) is not Map:
        raise _Fail()
    return TRUE if m.contains(k) else FALSE


def _g_bit_size(x):
    t = type(x)
    if t is bytes:
        return len(x) * 8
    if t is BitString:
        return x.bits
    raise _Fail()


def _g_byte_size(x):
    t = type(x)
    if t is bytes:
        return len(x)
    if t is BitString:
        return (x.bits + 7) >> 3
    raise _Fail()


def _binary_part(b, start, length):
    if type(b) is BitString:        # its whole bytes
        b = b.data[:b.bits >> 3]
    if type(b) is not bytes or type(start) is not int or type(length) is not int:
        raise _Fail()
    if length < 0:
        start, length = start + length, -length
    if start < 0 or start + length > len(b):
        raise _Fail()
    return b[start:start + length]


def _g_binary_part2(b, pos_len):
    if type(pos_len) is not tuple or len(pos_len) != 2:
        raise _Fail()
    return _binary_part(b, pos_len[0], pos_len[1])


def _g_plus1(x):
    if not _is_num(x):
        raise _Fail()
    return x


def _g_minus1(x):
    if not _is_num(x):
        raise _Fail()
    return -x


def _g_add(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return a + b
    if (ta is int or ta is float) and (tb is int or tb is float):
        try:
            return _float_result(float(a) + float(b))
        except OverflowError:
            raise _Fail()
    raise _Fail()


def _g_sub(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return a - b
    if (ta is int or ta is float) and (tb is int or tb is float):
        try:
            return _float_result(float(a) - float(b))
        except OverflowError:
            raise _Fail()
    raise _Fail()


def _g_mul(a, b):
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return a * b
    if (ta is int or ta is float) and (tb is int or tb is float):
        try:
            return _float_result(float(a) * float(b))
        except OverflowError:
            raise _Fail()
    raise _Fail()


def _g_fdiv(a, b):
    if not (_is_num(a) and _is_num(b)):
        raise _Fail()
    fb = _to_float(b)
    if fb == 0.0:
        raise _Fail()
    return _float_result(_to_float(a) / fb)


def _ints(a, b):
    if type(a) is not int or type(b) is not int:
        raise _Fail()


def _g_div(a, b):
    _ints(a, b)
    if b == 0:
        raise _Fail()
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _g_rem(a, b):
    _ints(a, b)
    if b == 0:
        raise _Fail()
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def _g_band(a, b):
    _ints(a, b)
    return a & b


def _g_bor(a, b):
    _ints(a, b)
    return a | b


def _g_bxor(a, b):
    _ints(a, b)
    return a ^ b


def _g_bnot(a):
    if type(a) is not int:
        raise _Fail()
    return ~a


# Shifts producing more bits than this fail (system_limit in OTP).
_MAX_SHIFT_BITS = 1 << 26


def _shift(a, n):
    _ints(a, n)
    if n >= 0:
        if a != 0 and n + a.bit_length() > _MAX_SHIFT_BITS:
            raise _Fail()
        return a << n
    return a >> min(-n, a.bit_length() + 1)


def _g_bsl(a, n):
    return _shift(a, n)


def _g_bsr(a, n):
    if type(n) is not int:
        raise _Fail()
    return _shift(a, -n)


def _g_gt(a, b):
    if type(a) is int and type(b) is int:
        return TRUE if a > b else FALSE
    return TRUE if compare(a, b) > 0 else FALSE


def _g_ge(a, b):
    if type(a) is int and type(b) is int:
        return TRUE if a >= b else FALSE
    return TRUE if compare(a, b) >= 0 else FALSE


def _g_lt(a, b):
    if type(a) is int and type(b) is int:
        return TRUE if a < b else FALSE
    return TRUE if compare(a, b) < 0 else FALSE


def _g_le(a, b):
    if type(a) is int and type(b) is int:
        return TRUE if a <= b else FALSE
    return TRUE if compare(a, b) <= 0 else FALSE


def _g_eq(a, b):
    return TRUE if (a is b or compare(a, b) == 0) else FALSE


def _g_eqx(a, b):
    return TRUE if eq_exact(a, b) else FALSE


def _g_ne(a, b):
    return FALSE if (a is b or compare(a, b) == 0) else TRUE


def _g_nex(a, b):
    return FALSE if eq_exact(a, b) else TRUE


def _g_not(a):
    if a is TRUE:
        return FALSE
    if a is FALSE:
        return TRUE
    raise _Fail()


def _g_xor(a, b):
    if (a is not TRUE and a is not FALSE) or (b is not TRUE and b is not FALSE):
        raise _Fail()
    return TRUE if a is not b else FALSE


# The trace control word, shared with erlang:system_flag(trace_control_word, _).
_tcw = [0]


def get_trace_control_word():
    return _tcw[0]


def set_trace_control_word(w):
    old = _tcw[0]
    _tcw[0] = w
    return old


def _g_get_tcw():
    return _tcw[0]


def _check_tcw(w):
    if type(w) is not int or w < 0 or w > 0xFFFFFFFF:
        raise _Fail()


def _g_set_tcw(w):
    _check_tcw(w)
    return set_trace_control_word(w)


def _g_set_tcw_fake(w):
    _check_tcw(w)
    return _tcw[0]


# Flags saying where a function may be called (OTP's DBIF_* bits).
_ALL = 0xF
_TRACE_GUARD = 0x4
_TRACE_BODY = 0x8

# (name, arity) -> (python name, function, where allowed)
_GUARD_BIFS = {}


def _reg(name, arity, fn, where=_ALL):
    _GUARD_BIFS[(A[name], arity)] = ("_g%d" % len(_GUARD_BIFS), fn, where)


for _name, _arity, _fn in (
        ("is_atom", 1, _g_is_atom), ("is_float", 1, _g_is_float),
        ("is_integer", 1, _g_is_integer), ("is_list", 1, _g_is_list),
        ("is_number", 1, _g_is_number), ("is_pid", 1, _g_is_pid),
        ("is_port", 1, _g_is_port), ("is_reference", 1, _g_is_reference),
        ("is_tuple", 1, _g_is_tuple), ("is_map", 1, _g_is_map),
        ("is_binary", 1, _g_is_binary), ("is_function", 1, _g_is_function),
        ("is_record", 3, _g_is_record), ("abs", 1, _g_abs), ("element", 2, _g_element),
        ("hd", 1, _g_hd), ("length", 1, _g_length), ("node", 1, _g_node1),
        ("node", 0, _g_node0), ("round", 1, _g_round), ("size", 1, _g_size),
        ("map_size", 1, _g_map_size), ("map_get", 2, _g_map_get),
        ("is_map_key", 2, _g_is_map_key), ("bit_size", 1, _g_bit_size),
        ("byte_size", 1, _g_byte_size), ("binary_part", 2, _g_binary_part2),
        ("binary_part", 3, _binary_part), ("tl", 1, _g_tl), ("trunc", 1, _g_trunc),
        ("float", 1, _g_float), ("+", 1, _g_plus1), ("-", 1, _g_minus1),
        ("+", 2, _g_add), ("-", 2, _g_sub), ("*", 2, _g_mul), ("/", 2, _g_fdiv),
        ("div", 2, _g_div), ("rem", 2, _g_rem), ("band", 2, _g_band), ("bor", 2, _g_bor),
        ("bxor", 2, _g_bxor), ("bnot", 1, _g_bnot), ("bsl", 2, _g_bsl), ("bsr", 2, _g_bsr),
        (">", 2, _g_gt), (">=", 2, _g_ge), ("<", 2, _g_lt), ("=<", 2, _g_le),
        ("==", 2, _g_eq), ("=:=", 2, _g_eqx), ("/=", 2, _g_ne), ("=/=", 2, _g_nex),
        ("not", 1, _g_not), ("xor", 2, _g_xor)):
    _reg(_name, _arity, _fn)
_reg("get_tcw", 0, _g_get_tcw, _TRACE_GUARD | _TRACE_BODY)
_reg("set_tcw", 1, _g_set_tcw, _TRACE_BODY)
_SET_TCW_FAKE = ("_gtcwfake", _g_set_tcw_fake, _TRACE_BODY)


# -- what a compiled spec runs with ----------------------------------------------------------

class TraceContext:
    """Per-run state of a trace-dialect match: the flags and message set by the
    body, plus what the tracer knows about the call (caller, seq_trace...).
    The tracing runtime may subclass it to give real values and actions."""

    __slots__ = ("flags", "message", "caller", "caller_line")

    def __init__(self, caller=_UNDEFINED, caller_line=_UNDEFINED):
        self.flags = 0
        self.message = TRUE
        self.caller = caller
        self.caller_line = caller_line

    def set_message(self, m):
        self.message = m
        return TRUE

    def return_trace(self):
        self.flags |= RETURN_TRACE
        return TRUE

    def exception_trace(self):
        self.flags |= EXCEPTION_TRACE
        return TRUE

    def display(self, t):
        sys.stdout.write(erts_format(t) + "\n")
        sys.stdout.flush()
        return TRUE

    def silent(self, flag):
        return TRUE

    def is_seq_trace(self):
        return FALSE

    def get_seq_token(self):
        return NIL

    # The actions below change tracing state, which this VM does not
    # model here: they give 'EXIT' unless a tracing runtime overrides them.
    def set_seq_token(self, key, value):
        return _EXIT

    def process_dump(self):
        return _EXIT

    def enable_trace(self, flag, pid=None):
        return _EXIT

    def disable_trace(self, flag, pid=None):
        return _EXIT

    def trace(self, disable, enable, pid=None):
        return _EXIT


def _self_pid():
    return VM.current.pid


def _body_call(fn, *args):
    try:
        return fn(*args)
    except _Fail:
        return _EXIT


def _and_all(args, in_body):
    r = TRUE
    for x in args:
        if x is FALSE:
            r = FALSE
        elif x is not TRUE:
            if in_body:
                return _EXIT
            raise _Fail()
    return r


def _or_all(args, in_body):
    r = FALSE
    for x in args:
        if x is TRUE:
            r = TRUE
        elif x is not FALSE:
            if in_body:
                return _EXIT
            raise _Fail()
    return r


def _float_bits(f):
    return struct.pack("<d", f)


def _float_is(x, bits):
    """Pattern test for a float constant: same bits (so 0.0 and -0.0 differ)."""
    return type(x) is float and struct.pack("<d", x) == bits


_BASE_NS = {
    "_Fail": _Fail, "_NOMATCH": NOMATCH, "_TRUE": TRUE, "_FALSE": FALSE, "_NIL": NIL,
    "_EXIT": _EXIT, "_Cons": Cons, "_tuple": tuple, "_Map": Map, "_eqx": eq_exact,
    "_MISSING": _MISSING, "_self": _self_pid, "_bc": _body_call, "_and": _and_all,
    "_or": _or_all, "_float_is": _float_is, "_from_seq": from_seq,
    "_map_from": Map.from_pairs,
}
for _pyname, _fn, _where in list(_GUARD_BIFS.values()) + [_SET_TCW_FAKE]:
    _BASE_NS[_pyname] = _fn


# -- the compiler ---------------------------------------------------------------------------------

_ERR_LEN = 99     # OTP formats compile errors into a 100-byte buffer


class _Abort(Exception):
    """Compilation cannot go on (an error when not collecting, or a fatal one)."""


_SPECIAL_FORMS = frozenset(A[n] for n in (
    "const", "and", "or", "andalso", "andthen", "orelse", "self", "message", "is_seq_trace",
    "set_seq_token", "get_seq_token", "return_trace", "exception_trace", "display",
    "process_dump", "enable_trace", "disable_trace", "trace", "caller", "caller_line",
    "silent"))


class _Code:
    """Python statements (lines with relative indentation) plus the expression
    giving the value once they have run."""

    __slots__ = ("lines", "expr")

    def __init__(self, lines, expr):
        self.lines = lines
        self.expr = expr


class _Compiler:
    def __init__(self, dialect, errors, fake):
        self.dialect = dialect
        self.errors = errors          # list collecting (severity, text) or None
        self.fake = fake              # match_spec_test: set_tcw does not change the word
        self.ns = dict(_BASE_NS)
        self.nconst = 0
        self.ntmp = 0
        self.const_names = {}
        self.error_added = False
        # per clause
        self.bound = None             # var number -> python name, in binding order
        self.in_guard = False

    # -- errors -----------------------------------------------------------------------
    def error(self, text, fatal=False):
        """Record a compile error; stop unless errors are being collected."""
        text = text[:_ERR_LEN]
        if self.errors is not None:
            self.errors.append((A.error, text))
        if self.errors is None or fatal:
            raise _Abort()
        self.error_added = True

    # -- names ---------------------------------------------------------------------------
    def const(self, v):
        if v is NIL:
            return "_NIL"
        if v is TRUE:
            return "_TRUE"
        if v is FALSE:
            return "_FALSE"
        if type(v) is int and -(1 << 62) < v < (1 << 62):
            return repr(v) if v >= 0 else "(%d)" % v
        key = id(v)
        name = self.const_names.get(key)
        if name is None or self.ns[name] is not v:
            name = "k%d" % self.nconst
            self.nconst += 1
            self.ns[name] = v
            self.const_names[key] = name
        return name

    def tmp(self):
        self.ntmp += 1
        return "t%d" % self.ntmp

    # -- the whole spec ----------------------------------------------------------------------
    def compile(self, clauses):
        lines = []
        for head, guards, body in clauses:
            self.bound = {}
            self.in_guard = False
            lines.append((0, "while 1:"))
            clause = self.head(head)
            self.in_guard = True
            clause.extend(self.guards(guards))
            self.in_guard = False
            if self.dialect == TABLE and type(body) is not Cons:
                self.error("Body clause does not return anything.")
            clause.extend(self.body(body))
            if self.error_added:
                raise _Abort()
            lines.extend((d + 1, s) for d, s in clause)
        lines.append((0, "return _NOMATCH"))
        args = "t" if self.dialect == TABLE else "t, ctx"
        src = "def _ms(%s):\n%s\n" % (args, "\n".join(
            "    " * (d + 1) + s for d, s in lines))
        exec(compile(src, "<match_spec>", "exec"), self.ns)
        return self.ns["_ms"], src

    # -- heads ---------------------------------------------------------------------------
    def head(self, pat):
        out = []
        if self.dialect == TRACE:
            # The head matches the argument list of a call, held as a tuple `t`.
            if pat is _UNDERSCORE:
                return out
            n = is_variable(pat)
            if n >= 0:
                name = "v%d" % n
                self.bound[n] = name
                out.append((0, "%s = _from_seq(t)" % name))
                return out
            if pat is NIL or type(pat) is Cons:
                elems = []
                p = pat
                while type(p) is Cons:
                    elems.append(p.hd)
                    p = p.tl
                if p is not NIL:
                    self.error("Match expression part %s is not a proper list."
                               % erts_format(pat), fatal=True)
                pat = tuple(elems)
            elif type(pat) is not tuple:
                self.error("Match head is invalid in this context.", fatal=True)
        self.match(pat, "t", out)
        return out

    def match(self, pat, src, out):
        """Emit statements testing that the term in `src` matches `pat` (break if not)."""
        tp = type(pat)
        if tp is Atom:
            if pat is _UNDERSCORE:
                return
            n = is_variable(pat)
            if n >= 0:
                name = self.bound.get(n)
                if name is None:
                    name = "v%d" % n
                    self.bound[n] = name
                    out.append((0, "%s = %s" % (name, src)))
                else:
                    out.append((0, "if %s is not %s and not _eqx(%s, %s): break"
                                % (name, src, name, src)))
                return
            out.append((0, "if %s is not %s: break" % (src, self.const(pat))))
            return
        if tp is tuple:
            n = len(pat)
            if src != "t":
                x = self.tmp()
                out.append((0, "%s = %s" % (x, src)))
                src = x
            out.append((0, "if type(%s) is not _tuple or len(%s) != %d: break" % (src, src, n)))
            for i, p in enumerate(pat):
                self.match(p, "%s[%d]" % (src, i), out)
            return
        if tp is Cons:
            while type(pat) is Cons:
                x = self.tmp()
                out.append((0, "%s = %s" % (x, src)))
                out.append((0, "if type(%s) is not _Cons: break" % x))
                self.match(pat.hd, "%s.hd" % x, out)
                pat = pat.tl
                src = "%s.tl" % x
            self.match(pat, src, out)
            return
        if tp is Map:
            x = self.tmp()
            out.append((0, "%s = %s" % (x, src)))
            out.append((0, "if type(%s) is not _Map or %s.size() < %d: break"
                        % (x, x, pat.size())))
            for k, v in pat.items():
                if type(k) is Atom:
                    if is_variable(k) >= 0:
                        self.error("Variable found in map key.", fatal=True)
                    if k is _UNDERSCORE:
                        self.error("Underscore found in map key.", fatal=True)
                y = self.tmp()
                out.append((0, "%s = %s.get(%s, _MISSING)" % (y, x, self.const(k))))
                out.append((0, "if %s is _MISSING: break" % y))
                self.match(v, y, out)
            return
        if tp is int:
            out.append((0, "if type(%s) is not int or %s != %s: break"
                        % (src, src, self.const(pat))))
            return
        if tp is float:
            out.append((0, "if not _float_is(%s, %s): break"
                        % (src, self.const(_float_bits(pat)))))
            return
        if tp is Nil:
            out.append((0, "if %s is not _NIL: break" % src))
            return
        out.append((0, "if not _eqx(%s, %s): break" % (src, self.const(pat))))

    # -- guards and bodies ----------------------------------------------------------------
    def guards(self, guards):
        out = []
        if guards is NIL:
            return out
        if type(guards) is not Cons:
            self.error("Match expression is not a list.")
            return out
        tests = []
        g = guards
        while type(g) is Cons:
            c = self.expr(g.hd)
            tests.extend(c.lines)
            tests.append((0, "if %s is not _TRUE: break" % c.expr))
            g = g.tl
        if g is not NIL:
            self.error("Match expression is not a proper list.")
        out.append((0, "try:"))
        out.extend((d + 1, s) for d, s in tests)
        out.append((0, "except _Fail:"))
        out.append((1, "break"))
        return out

    def body(self, body):
        """Body expressions in order. In the table dialect only the last
        value matters and nothing has side effects, so the others are
        compiled (for their errors) but not run."""
        out = []
        if body is NIL:
            out.append((0, "return _TRUE" if self.dialect == TABLE else "return ctx.message"))
            return out
        if type(body) is not Cons:
            self.error("Match expression is not a list.")
            return out
        exprs = []
        b = body
        while type(b) is Cons:
            exprs.append(self.expr(b.hd))
            b = b.tl
        if b is not NIL:
            self.error("Match expression is not a proper list.")
        if self.dialect == TABLE:
            last = exprs[-1]
            out.extend(last.lines)
            out.append((0, "return %s" % last.expr))
            return out
        for c in exprs:
            out.extend(c.lines)
            out.append((0, c.expr))
        out.append((0, "return ctx.message"))
        return out

    def expr(self, t):
        """Compile one guard/body expression to a _Code (constants are folded)."""
        c = self.try_const(t)
        if c is not None:
            return _Code([], self.const(c[0]))
        tt = type(t)
        if tt is Atom:
            n = is_variable(t)
            if n >= 0:
                name = self.bound.get(n)
                if name is None:
                    self.error("Variable $%d is unbound." % n)
                    return _Code([], "_NIL")
                return _Code([], name)
            if t is _DOLLAR_UNDERSCORE:
                return _Code([], "t" if self.dialect == TABLE else "_from_seq(t)")
            # '$$': the bound variables, in variable order
            items = [self.bound[n] for n in sorted(self.bound)]
            e = "_NIL"
            for name in reversed(items):
                e = "_Cons(%s, %s)" % (name, e)
            return _Code([], e)
        if tt is Cons:
            return self.expr_list(t)
        if tt is Map:
            return self.expr_map(t)
        # a tuple: construction {{...}}, or a call
        if len(t) == 1 and type(t[0]) is tuple:
            parts = [self.expr(e) for e in reversed(t[0])]
            parts.reverse()
            return self.combine(parts, lambda es: "(%s)" % "".join(e + ", " for e in es))
        if len(t) >= 1 and type(t[0]) is Atom and is_variable(t[0]) < 0:
            return self.call(t)
        self.error("%s is neither a function call, nor a tuple (tuples are written "
                   "{{ ... }})." % erts_format(t))
        return _Code([], "_NIL")

    def combine(self, parts, make):
        lines = []
        for p in parts:
            lines.extend(p.lines)
        return _Code(lines, make([p.expr for p in parts]))

    def expr_list(self, t):
        heads = []
        while type(t) is Cons:
            heads.append(t.hd)
            t = t.tl
        parts = [self.expr(h) for h in heads]
        tail = self.expr(t)
        lines = []
        for p in parts:
            lines.extend(p.lines)
        lines.extend(tail.lines)
        e = tail.expr
        for p in reversed(parts):
            e = "_Cons(%s, %s)" % (p.expr, e)
        return _Code(lines, e)

    def expr_map(self, t):
        pairs = [(self.expr(k), self.expr(v)) for k, v in t.items()]
        lines = []
        for k, v in pairs:
            lines.extend(k.lines)
            lines.extend(v.lines)
        return _Code(lines, "_map_from((%s))" % "".join(
            "(%s, %s), " % (k.expr, v.expr) for k, v in pairs))

    def try_const(self, t):
        """(value,) if t is a constant expression, else None. Lists, maps and
        {{...}} tuples of constants, and {const, X}, are constants."""
        tt = type(t)
        if tt is Atom:
            if t is _DOLLAR_UNDERSCORE or t is _DOLLAR_DOLLAR or is_variable(t) >= 0:
                return None
            return (t,)
        if tt is tuple:
            if len(t) == 2 and t[0] is _CONST:
                return (t[1],)
            if len(t) == 1 and type(t[0]) is tuple:
                vals = []
                for e in t[0]:
                    c = self.try_const(e)
                    if c is None:
                        return None
                    vals.append(c[0])
                return (tuple(vals),)
            return None
        if tt is Cons:
            vals = []
            while type(t) is Cons:
                c = self.try_const(t.hd)
                if c is None:
                    return None
                vals.append(c[0])
                t = t.tl
            c = self.try_const(t)
            if c is None:
                return None
            return (from_seq(vals, c[0]),)
        if tt is Map:
            pairs = []
            for k, v in t.items():
                ck = self.try_const(k)
                cv = self.try_const(v)
                if ck is None or cv is None:
                    return None
                pairs.append((ck[0], cv[0]))
            return (Map.from_pairs(pairs),)
        return (t,)

    def call(self, t):
        name = t[0]
        arity = len(t) - 1
        if name in _SPECIAL_FORMS:
            return self.special(t, name, arity)
        entry = _GUARD_BIFS.get((name, arity))
        if entry is None:
            self.error("Function %s/%d does_not_exist." % (erts_format(name), arity))
            return _Code([], "_NIL")
        pyname, fn, where = entry
        if name is A.set_tcw and self.fake:
            pyname, fn, where = _SET_TCW_FAKE
        if where != _ALL:
            allowed = self.dialect == TRACE and (
                (self.in_guard and where & _TRACE_GUARD) or
                (not self.in_guard and where & _TRACE_BODY))
            if not allowed:
                self.error("Function %s/%d cannot be called in this context."
                           % (erts_format(name), arity))
                return _Code([], "_NIL")
        parts = self.args(t)
        if self.in_guard:
            return self.combine(parts, lambda es: "%s(%s)" % (pyname, ", ".join(es)))
        return self.combine(parts, lambda es: "_bc(%s)" % ", ".join([pyname] + es))

    def args(self, t):
        """Compile t[1:], last first as OTP does (so errors come in its order)."""
        parts = [self.expr(e) for e in reversed(t[1:])]
        parts.reverse()
        return parts

    def special(self, t, name, arity):
        nm = name.name
        if name is _CONST:
            if arity != 1:
                self.error("Special form 'const' called with more than one argument in %s."
                           % erts_format(t))
            return _Code([], "_NIL")     # {const, X} itself is caught by try_const
        if nm in ("and", "or", "andalso", "andthen", "orelse"):
            if arity < 1:
                label = "andalso" if nm == "andthen" else nm
                self.error("Special form '%s' called without arguments in %s."
                           % (label, erts_format(t)))
                return _Code([], "_NIL")
            if nm in ("and", "or"):
                parts = self.args(t)
                fn = "_and" if nm == "and" else "_or"
                in_body = "False" if self.in_guard else "True"
                return self.combine(parts, lambda es: "%s((%s), %s)" % (
                    fn, "".join(e + ", " for e in es), in_body))
            return self.short_circuit(t, nm == "orelse")
        if name is A.self:
            if arity != 0:
                self.error("Special form 'self' called with arguments in %s." % erts_format(t))
                return _Code([], "_NIL")
            return _Code([], "_self()")
        return self.trace_action(t, nm, arity)

    def short_circuit(self, t, is_orelse):
        """andalso/orelse: evaluate left to right, stop at false (true); the
        last argument's value is the result as it is. Right-nested chains of
        the same operator are flattened (same meaning, no deep nesting)."""
        ops = (A.orelse,) if is_orelse else (A.andalso, A.andthen)
        args = list(t[1:])
        while type(args[-1]) is tuple and len(args[-1]) >= 2 and args[-1][0] in ops:
            args[-1:] = args[-1][1:]
        r = self.tmp()
        stop, go = ("_TRUE", "_FALSE") if is_orelse else ("_FALSE", "_TRUE")
        bad = "raise _Fail()" if self.in_guard else "%s = _EXIT" % r
        # OTP compiles the arguments in order; errors come in that order
        parts = [self.expr(e) for e in args]
        lines = [(0, "%s = None" % r)]
        for i, p in enumerate(parts):
            depth = 0
            if i:
                lines.append((0, "if %s is None:" % r))
                depth = 1
            lines.extend((depth + d, s) for d, s in p.lines)
            if i == len(parts) - 1:
                lines.append((depth, "%s = %s" % (r, p.expr)))
                break
            x = self.tmp()
            lines.append((depth, "%s = %s" % (x, p.expr)))
            lines.append((depth, "if %s is %s: %s = %s" % (x, stop, r, stop)))
            lines.append((depth, "elif %s is not %s: %s" % (x, go, bad)))
        return _Code(lines, r)

    def trace_action(self, t, nm, arity):
        """The trace-dialect actions, run through the TraceContext `ctx`."""
        if self.dialect != TRACE:
            self.error("Special form '%s' used in wrong dialect." % nm)
            return _Code([], "_NIL")
        if self.in_guard and nm != "is_seq_trace":
            self.error("Special form '%s' called in guard context." % nm)
            return _Code([], "_NIL")
        arities, call = _TRACE_ACTIONS[nm]
        if arity not in arities:
            if arities == (0,):
                self.error("Special form '%s' called with arguments in %s."
                           % (nm, erts_format(t)))
            else:
                self.error("Special form '%s' called with wrong number of arguments in %s."
                           % (nm, erts_format(t)))
            return _Code([], "_NIL")
        return self.combine(self.args(t), lambda es: call[arity].format(*es))


# Trace actions: allowed arities, and the Python call for each arity (from the
# compiled arguments in term order). {enable_trace, Pid, Flag} and
# {trace, Pid, Disable, Enable} name the pid first.
_TRACE_ACTIONS = {
    "message": ((1,), {1: "ctx.set_message({0})"}),
    "return_trace": ((0,), {0: "ctx.return_trace()"}),
    "exception_trace": ((0,), {0: "ctx.exception_trace()"}),
    "display": ((1,), {1: "ctx.display({0})"}),
    "silent": ((1,), {1: "ctx.silent({0})"}),
    "is_seq_trace": ((0,), {0: "ctx.is_seq_trace()"}),
    "get_seq_token": ((0,), {0: "ctx.get_seq_token()"}),
    "set_seq_token": ((2,), {2: "ctx.set_seq_token({0}, {1})"}),
    "process_dump": ((0,), {0: "ctx.process_dump()"}),
    "caller": ((0,), {0: "ctx.caller"}),
    "caller_line": ((0,), {0: "ctx.caller_line"}),
    "enable_trace": ((1, 2), {1: "ctx.enable_trace({0})",
                              2: "ctx.enable_trace({1}, pid={0})"}),
    "disable_trace": ((1, 2), {1: "ctx.disable_trace({0})",
                               2: "ctx.disable_trace({1}, pid={0})"}),
    "trace": ((2, 3), {2: "ctx.trace({0}, {1})", 3: "ctx.trace({1}, {2}, pid={0})"}),
}


# -- public API ----------------------------------------------------------------------------

class CompiledMS:
    """A compiled match spec: `run(term)` gives the body's result or NOMATCH
    (table dialect); `run_trace(args, ctx)` runs a trace-dialect spec on an
    argument tuple with a TraceContext."""

    __slots__ = ("source", "clauses", "run", "dialect", "python_source", "__weakref__")

    def __init__(self, source, clauses, fn, dialect, python_source):
        self.source = source
        self.clauses = clauses
        self.run = fn
        self.dialect = dialect
        self.python_source = python_source

    def run_trace(self, args, ctx):
        """Match the call arguments (a Python tuple); returns (result, flags):
        result is False for no match, else ctx.message (true or the message)."""
        r = self.run(args, ctx)
        if r is NOMATCH:
            return FALSE, 0
        return r, ctx.flags


def _clauses(ms, errors):
    """The spec as a Python list of (head, guards, body), or None if malformed."""
    if type(ms) is not Cons:
        if errors is not None:
            errors.append((A.error, "Match programs are not in a list."))
        return None
    items = []
    while type(ms) is Cons:
        items.append(ms.hd)
        ms = ms.tl
    if ms is not NIL:
        if errors is not None:
            errors.append((A.error, "Match programs are not in a proper list."))
        return None
    for c in items:
        if type(c) is not tuple or len(c) != 3:
            if errors is not None:
                errors.append((A.error, "Match program part is not a tuple of arity 3."))
            return None
    return items


def compile_clauses(clauses, dialect=TABLE, errors=None, fake=False, source=None):
    """Compile a Python list of (head, guards, body) tuples (possibly empty:
    then nothing matches). None if the spec is invalid; error messages are
    appended to `errors` when a list is given."""
    comp = _Compiler(dialect, errors, fake)
    try:
        fn, src = comp.compile(clauses)
    except _Abort:
        return None
    except RecursionError:
        if errors is not None:
            errors.append((A.error, "Excessive nesting; system limit reached near: ..."))
        return None
    return CompiledMS(source, clauses, fn, dialect, src)


def compile_ms(ms, dialect=TABLE, errors=None, fake=False):
    """Compile an Erlang match spec term (a non-empty list of 3-tuples)."""
    clauses = _clauses(ms, errors)
    if clauses is None:
        return None
    return compile_clauses(clauses, dialect, errors, fake, ms)


def lint(ms, dialect=TABLE):
    """(compiled or None, [(severity atom, message str)]) as match_spec_test reports."""
    errors = []
    cms = compile_ms(ms, dialect, errors, fake=True)
    return cms, errors


# -- erts-style term printing for error messages (erts_printf %T) ----------------------------

def _erts_atom(a):
    s = a.name
    if not s:
        return "''"
    quote = not ("a" <= s[0] <= "z" or "\u00df" <= s[0] <= "\u00ff" and s[0] != "\u00f7")
    if not quote:
        for c in s[1:]:
            if not (c == "_" or c.isalnum() and c < "\u0100") or c in "\u00d7\u00f7":
                quote = True
                break
    if not quote:
        return s
    esc = {"'": "\\'", "\\": "\\\\", "\n": "\\n", "\f": "\\f", "\t": "\\t", "\r": "\\r",
           "\b": "\\b", "\v": "\\v"}
    out = []
    for c in s:
        o = ord(c)
        if c in esc:
            out.append(esc[c])
        elif o < 32 or 128 <= o < 160:
            out.append("\\%03o" % o)
        else:
            out.append(c)
    return "'" + "".join(out) + "'"


def _printable_string(t):
    n = 0
    while type(t) is Cons:
        c = t.hd
        if type(c) is not int or c < 0 or c > 255:
            return False
        if (c < 32 and c not in (9, 10, 11, 12, 13)) or c == 127:
            return False
        n += 1
        t = t.tl
    return t is NIL and n > 0


def _erts_fmt(t, out):
    tt = type(t)
    if tt is Atom:
        out.append(_erts_atom(t))
    elif tt is int:
        out.append(str(t))
    elif tt is float:
        out.append("%e" % t)
    elif tt is Nil:
        out.append("[]")
    elif tt is tuple:
        out.append("{")
        for i, e in enumerate(t):
            if i:
                out.append(",")
            _erts_fmt(e, out)
        out.append("}")
    elif tt is Cons:
        if _printable_string(t):
            out.append('"')
            while type(t) is Cons:
                c = t.hd
                out.append("\\n" if c == 10 else ('\\"' if c == 34 else chr(c)))
                t = t.tl
            out.append('"')
            return
        out.append("[")
        first = True
        while type(t) is Cons:
            if not first:
                out.append(",")
            first = False
            _erts_fmt(t.hd, out)
            t = t.tl
        if t is not NIL:
            out.append("|")
            _erts_fmt(t, out)
        out.append("]")
    elif tt is bytes:
        if t and all(32 <= b < 127 for b in t):
            out.append('<<"' + "".join('\\"' if b == 34 else chr(b) for b in t) + '">>')
        else:
            out.append("<<" + ",".join(str(b) for b in t) + ">>")
    elif tt is BitString:
        nbytes = t.bits >> 3
        rest = t.bits & 7
        items = [str(b) for b in t.data[:nbytes]]
        items.append("%d:%d" % (t.data[nbytes] >> (8 - rest), rest))
        out.append("<<" + ",".join(items) + ">>")
    elif tt is Map:
        out.append("#{")
        for i, (k, v) in enumerate(t.items()):
            if i:
                out.append(",")
            _erts_fmt(k, out)
            out.append("=>")
            _erts_fmt(v, out)
        out.append("}")
    elif tt is Pid:
        out.append("<0.%d.%d>" % (t.num, t.serial))
    elif tt is Ref:
        out.append("#Ref<0." + ".".join(str(i) for i in reversed(t.ids)) + ">")
    else:
        out.append(format_term(t))


def erts_format(t):
    """A term as erts_printf's %T prints it (floats as %e, strings quoted)."""
    out = []
    _erts_fmt(t, out)
    return "".join(out)
