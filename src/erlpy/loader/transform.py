"""Generic -> specialised instructions (the loader's transformation table).

Operands in specialised instructions:
  src   ('x', n) | ('y', n) | ('c', term)   (float registers map to x 1024+n)
  dst   ('x', n) | ('y', n)
  label instruction index, or None for "no fail label" (raise instead)
  imp   index into the module's import table (bound to export entries on install)

The specialised instruction set is documented by SPEC below: one line per
instruction, its operands in order. Both engines implement exactly these.
Fusions: test_arity/is_tagged_tuple + get_tuple_element runs, runs of
get_tuple_element, runs of move, is_nonempty_list + get_list/get_hd/get_tl,
put_tuple + put (old beams), comparisons with an atom/small integer constant,
arithmetic BIFs, select_val into hashed jump tables, call_ext to erlang:apply/3.
"""

from ..terms import Atom, NIL, A
from ..beam.reader import BadBeam
from ..bifs.registry import native_functions

__all__ = ["transform", "SPEC", "FLOAT_REG_BASE", "X_REGS"]

X_REGS = 1024
FLOAT_REG_BASE = 1024

SPEC = """
func_info M F A                     raise function_clause for the current x regs
call arity label                    body call
call_last arity label              tail call (frame already deallocated)
call_only arity label              tail call without frame
call_ext arity imp / call_ext_last arity imp / call_ext_only arity imp
bif imp fail [srcs] dst             call a BIF (guard/gc BIFs too)
arith op fail a b dst imp           + - * band bor bxor div rem bsr bsl (as Python
                                    operators) with inline integer fast paths
allocate n / deallocate / trim n / init_yregs [n...]
return / send / remove_message / timeout
loop_rec fail dst / loop_rec_end label / wait label / wait_timeout label src
recv_marker_reserve dst / recv_marker_bind src src / recv_marker_clear src / recv_marker_use src
is_<type> fail src  (integer float number atom pid reference port nil binary list
                     nonempty_list tuple boolean bitstr map function)
is_function2 fail src arity
is_lt/is_ge/is_eq/is_ne/is_eq_exact/is_ne_exact fail a b
is_eq_exact_id / is_ne_exact_id fail src const   (atom or [] constant: identity)
is_eq_exact_int / is_ne_exact_int fail src int   (integer constant)
test_arity fail src n [(i, dst)...] / is_tagged_tuple fail src n atom [(i, dst)...]
select_val src fail table kind / select_tuple_arity src fail table / jump label
catch y label / catch_end y / try y label / try_end y / try_case y / try_case_end src
raise trace value / raw_raise / build_stacktrace
move src dst / moves [(src, dst)...] / swap a b
get_list src hd tl / get_hd src dst / get_tl src dst / get_tuple_elements src [(i, dst)...]
is_nonempty_list_get fail src hd tl   (hd/tl may be None)
set_tuple_element src tuple_reg index / put_list hd tl dst / put_tuple2 dst [srcs]
badmatch src / if_end / case_end src / badrecord src
call_fun arity / call_fun2 arity src / make_fun index dst [srcs]
apply arity / apply_last arity
fconv src dst / fadd/fsub/fmul/fdiv a b dst / fnegate a dst
put_map_assoc src dst [k, v, ...] / put_map_exact fail src dst [k, v, ...]
get_map_elements fail src [(key, dst)...] / has_map_fields fail src [keys]
bs_* (see emu/bits.py)
on_load
"""

_TYPE_TESTS = {
    "is_integer", "is_float", "is_number", "is_atom", "is_pid", "is_reference", "is_port",
    "is_nil", "is_binary", "is_list", "is_nonempty_list", "is_tuple", "is_boolean",
    "is_bitstr", "is_map", "is_function",
}

_COMPARES = {"is_lt", "is_ge", "is_eq", "is_ne", "is_eq_exact", "is_ne_exact"}

# Integer BIFs done inline on small operands; the value is the Python operator.
_ARITH = {("erlang", "+", 2): "+", ("erlang", "-", 2): "-", ("erlang", "*", 2): "*",
          ("erlang", "band", 2): "&", ("erlang", "bor", 2): "|", ("erlang", "bxor", 2): "^",
          ("erlang", "div", 2): "//", ("erlang", "rem", 2): "%", ("erlang", "bsr", 2): ">>",
          ("erlang", "bsl", 2): "<<"}


class _Label:
    __slots__ = ("n",)

    def __init__(self, n):
        self.n = n


def _reg(op):
    """Register or constant operand in specialised form (types dropped)."""
    k = op[0]
    if k == "x" or k == "y":
        return (k, op[1]) if len(op) > 2 else op
    if k == "c":
        return op
    if k == "fr":
        return ("x", FLOAT_REG_BASE + op[1])
    if k == "u":
        return ("c", op[1])
    raise BadBeam("bad operand %r" % (op,))


def _dst(op):
    k = op[0]
    if k == "x" or k == "y":
        return (k, op[1])
    if k == "fr":
        return ("x", FLOAT_REG_BASE + op[1])
    raise BadBeam("bad destination %r" % (op,))


def _num(op):
    if op[0] in ("u", "c") and type(op[1]) is int:
        return op[1]
    raise BadBeam("expected a number, got %r" % (op,))


def _lbl(op):
    if op[0] != "f":
        raise BadBeam("expected a label, got %r" % (op,))
    return _Label(op[1]) if op[1] else None


def _fail(op):
    """A fail operand: a label, or the atoms no_fail/resume used by bs_start_match4."""
    if op[0] == "f":
        return _lbl(op)
    if op[0] == "c" and type(op[1]) is Atom:
        return None
    raise BadBeam("bad fail operand %r" % (op,))


def _list(op):
    if op[0] != "list":
        raise BadBeam("expected a list, got %r" % (op,))
    return op[1]


def _is_imm_id(op):
    """A constant that is equal only to itself (atoms and [])."""
    return op[0] == "c" and (type(op[1]) is Atom or op[1] is NIL)


def transform(pm, generic, bf):
    out = []
    loc = []
    func_of = []
    labels = {}
    functions = []  # (name, arity, func_info_index)
    cur_line = 0
    nfunc = -1
    imports = bf.imports
    funs = bf.funs
    on_load = None
    native = native_functions(bf.module)
    stub = None     # (m, f, a) of a function whose body is replaced by its BIF/NIF

    def emit(ins):
        out.append(ins)
        loc.append(cur_line)
        func_of.append(nfunc)

    n = len(generic)
    i = 0
    while i < n:
        name, args = generic[i]
        i += 1
        if name == "label":
            labels[_num(args[0])] = len(out)
            continue
        if stub is not None and name != "line":
            # The body of a function implemented natively: a tail call to the
            # export entry, which the native function is bound to. The original
            # body (erlang:nif_error/1) stays behind it, unreachable.
            if stub not in imports:
                imports.append(stub)
            emit(("call_ext_only", stub[2], imports.index(stub)))
            stub = None
        if name == "line":
            cur_line = _num(args[0])
            continue
        if name == "int_code_end":
            break
        if name in ("test_heap", "fclearerror", "fcheckerror", "nif_start", "recv_mark",
                    "recv_set", "bs_init_writable_noop"):
            continue
        if name == "func_info":
            nfunc += 1
            m, f, a = args[0][1], args[1][1], _num(args[2])
            if type(f) is not Atom or type(m) is not Atom:
                raise BadBeam("bad func_info")
            functions.append((f, a, len(out)))
            emit(("func_info", m, f, a))
            if (f.name, a) in native:
                stub = (m, f, a)
            continue
        if name in ("call", "call_only"):
            emit((name, _num(args[0]), _lbl(args[1])))
            continue
        if name == "call_last":
            emit((name, _num(args[0]), _lbl(args[1])))
            continue
        if name in ("call_ext", "call_ext_last", "call_ext_only"):
            imp = _num(args[1])
            if imp >= len(imports):
                raise BadBeam("import index out of range")
            emit((name, _num(args[0]), imp))
            continue
        if name in ("bif0", "bif1", "bif2", "gc_bif1", "gc_bif2", "gc_bif3"):
            if name == "bif0":
                imp, fail, srcs, dst = args[0], None, [], args[1]
            elif name.startswith("bif"):
                fail, imp, srcs, dst = _lbl(args[0]), args[1], args[2:-1], args[-1]
            else:
                fail, imp, srcs, dst = _lbl(args[0]), args[2], args[3:-1], args[-1]
            imp = _num(imp)
            if imp >= len(imports):
                raise BadBeam("import index out of range")
            srcs = [_reg(s) for s in srcs]
            m, f, a = imports[imp]
            if a != len(srcs):
                raise BadBeam("bif arity mismatch")
            op = _ARITH.get((m.name, f.name, a))
            if op is not None:
                emit(("arith", op, fail, srcs[0], srcs[1], _dst(dst), imp))
            else:
                emit(("bif", imp, fail, srcs, _dst(dst)))
            continue
        if name in ("allocate", "allocate_zero"):
            emit(("allocate", _num(args[0])))
            continue
        if name in ("allocate_heap", "allocate_heap_zero"):
            emit(("allocate", _num(args[0])))
            continue
        if name == "init":
            emit(("init_yregs", [_dst(args[0])[1]]))
            continue
        if name == "init_yregs":
            emit(("init_yregs", [_dst(y)[1] for y in _list(args[0])]))
            continue
        if name == "deallocate":
            emit(("deallocate",))
            continue
        if name == "trim":
            emit(("trim", _num(args[0])))
            continue
        if name in ("return", "send", "remove_message", "timeout", "if_end",
                    "build_stacktrace", "raw_raise"):
            emit((name,))
            continue
        if name == "on_load":
            on_load = len(out)
            continue
        if name == "loop_rec":
            emit(("loop_rec", _lbl(args[0]), _dst(args[1])))
            continue
        if name in ("loop_rec_end", "wait", "jump"):
            emit((name, _lbl(args[0])))
            continue
        if name == "wait_timeout":
            emit(("wait_timeout", _lbl(args[0]), _reg(args[1])))
            continue
        if name == "recv_marker_reserve":
            emit((name, _dst(args[0])))
            continue
        if name == "recv_marker_bind":
            emit((name, _reg(args[0]), _reg(args[1])))
            continue
        if name in ("recv_marker_clear", "recv_marker_use"):
            emit((name, _reg(args[0])))
            continue
        if name in _TYPE_TESTS:
            fail, src = _lbl(args[0]), _reg(args[1])
            if name == "is_nonempty_list" and i < n:
                nxt, nargs = generic[i]
                hd = tl = None
                if nxt == "get_list" and _reg(nargs[0]) == src:
                    hd, tl = _dst(nargs[1]), _dst(nargs[2])
                    i += 1
                elif nxt in ("get_hd", "get_tl") and _reg(nargs[0]) == src:
                    if nxt == "get_hd":
                        hd = _dst(nargs[1])
                    else:
                        tl = _dst(nargs[1])
                    i += 1
                if hd is not None or tl is not None:
                    emit(("is_nonempty_list_get", fail, src, hd, tl))
                    continue
            emit((name, fail, src))
            continue
        if name == "is_function2":
            emit((name, _lbl(args[0]), _reg(args[1]), _reg(args[2])))
            continue
        if name in _COMPARES:
            fail, a, b = _lbl(args[0]), _reg(args[1]), _reg(args[2])
            if name in ("is_eq_exact", "is_ne_exact"):
                if _is_imm_id(a) and not _is_imm_id(b):
                    a, b = b, a
                if _is_imm_id(b):
                    emit((name + "_id", fail, a, b[1]))
                    continue
                if a[0] == "c" and type(a[1]) is int and b[0] != "c":
                    a, b = b, a
                if b[0] == "c" and type(b[1]) is int:
                    emit((name + "_int", fail, a, b[1]))
                    continue
            emit((name, fail, a, b))
            continue
        if name in ("test_arity", "is_tagged_tuple"):
            fail, src, arity = _lbl(args[0]), _reg(args[1]), _num(args[2])
            i, gets = _tuple_gets(generic, i, src)
            if name == "test_arity":
                emit(("test_arity", fail, src, arity, gets))
            else:
                emit(("is_tagged_tuple", fail, src, arity, args[3][1], gets))
            continue
        if name == "get_tuple_element":
            i, gets = _tuple_gets(generic, i - 1, _reg(args[0]))
            emit(("get_tuple_elements", _reg(args[0]), gets))
            continue
        if name == "select_val":
            src, fail = _reg(args[0]), _lbl(args[1])
            pairs = _list(args[2])
            table = {}
            kinds = set()
            for j in range(0, len(pairs), 2):
                v = pairs[j][1]
                kinds.add(type(v))
                key = v
                if type(v) is float:
                    key = ("float", v)
                table.setdefault(key, _lbl(pairs[j + 1]))
            if kinds <= {Atom}:
                kind = "atom"
            elif kinds <= {int}:
                kind = "int"
            else:
                kind = "any"
            emit(("select_val", src, fail, table, kind))
            continue
        if name == "select_tuple_arity":
            src, fail = _reg(args[0]), _lbl(args[1])
            pairs = _list(args[2])
            table = {}
            for j in range(0, len(pairs), 2):
                table.setdefault(_num(pairs[j]), _lbl(pairs[j + 1]))
            emit(("select_tuple_arity", src, fail, table))
            continue
        if name in ("catch", "try"):
            emit((name, _dst(args[0])[1], _lbl(args[1])))
            continue
        if name in ("catch_end", "try_end", "try_case"):
            emit((name, _dst(args[0])[1]))
            continue
        if name in ("try_case_end", "badmatch", "case_end", "badrecord"):
            emit((name, _reg(args[0])))
            continue
        if name == "raise":
            emit(("raise", _reg(args[0]), _reg(args[1])))
            continue
        if name == "move":
            moves = [(_reg(args[0]), _dst(args[1]))]
            while i < n and generic[i][0] == "move":
                a2 = generic[i][1]
                moves.append((_reg(a2[0]), _dst(a2[1])))
                i += 1
            if len(moves) == 1:
                emit(("move", moves[0][0], moves[0][1]))
            else:
                emit(("moves", moves))
            continue
        if name == "fmove":
            emit(("move", _reg(args[0]), _dst(args[1])))
            continue
        if name == "swap":
            emit(("swap", _dst(args[0]), _dst(args[1])))
            continue
        if name == "get_list":
            emit(("get_list", _reg(args[0]), _dst(args[1]), _dst(args[2])))
            continue
        if name in ("get_hd", "get_tl"):
            emit((name, _reg(args[0]), _dst(args[1])))
            continue
        if name == "set_tuple_element":
            emit(("set_tuple_element", _reg(args[0]), _dst(args[1]), _num(args[2])))
            continue
        if name == "put_list":
            emit(("put_list", _reg(args[0]), _reg(args[1]), _dst(args[2])))
            continue
        if name == "put_tuple2":
            emit(("put_tuple2", _dst(args[0]), [_reg(s) for s in _list(args[1])]))
            continue
        if name == "put_tuple":
            arity, dst = _num(args[0]), _dst(args[1])
            srcs = []
            for _ in range(arity):
                if i >= n or generic[i][0] != "put":
                    raise BadBeam("put_tuple without enough put")
                srcs.append(_reg(generic[i][1][0]))
                i += 1
            emit(("put_tuple2", dst, srcs))
            continue
        if name == "call_fun":
            emit(("call_fun", _num(args[0])))
            continue
        if name == "call_fun2":
            emit(("call_fun2", _num(args[1]), _reg(args[2])))
            continue
        if name == "make_fun2":
            idx = _num(args[0])
            if idx >= len(funs):
                raise BadBeam("fun index out of range")
            nfree = funs[idx][4]
            emit(("make_fun", idx, ("x", 0), [("x", k) for k in range(nfree)]))
            continue
        if name == "make_fun3":
            idx = _num(args[0])
            if idx >= len(funs):
                raise BadBeam("fun index out of range")
            emit(("make_fun", idx, _dst(args[1]), [_reg(s) for s in _list(args[2])]))
            continue
        if name == "apply":
            emit(("apply", _num(args[0])))
            continue
        if name == "apply_last":
            emit(("apply_last", _num(args[0])))
            continue
        if name == "fconv":
            emit(("fconv", _reg(args[0]), _dst(args[1])))
            continue
        if name in ("fadd", "fsub", "fmul", "fdiv"):
            emit((name, _reg(args[1]), _reg(args[2]), _dst(args[3])))
            continue
        if name == "fnegate":
            emit((name, _reg(args[1]), _dst(args[2])))
            continue
        if name == "put_map_assoc":
            emit(("put_map_assoc", _reg(args[1]), _dst(args[2]),
                  [_reg(s) for s in _list(args[4])]))
            continue
        if name == "put_map_exact":
            emit(("put_map_exact", _lbl(args[0]), _reg(args[1]), _dst(args[2]),
                  [_reg(s) for s in _list(args[4])]))
            continue
        if name == "get_map_elements":
            lst = _list(args[2])
            pairs = [(_reg(lst[j]), _dst(lst[j + 1])) for j in range(0, len(lst), 2)]
            emit(("get_map_elements", _lbl(args[0]), _reg(args[1]), pairs))
            continue
        if name == "has_map_fields":
            emit(("has_map_fields", _lbl(args[0]), _reg(args[1]),
                  [_reg(s) for s in _list(args[2])]))
            continue
        if name in _OLD_BS_START:
            i, ins = _old_construction(name, args, generic, i)
            emit(ins)
            continue
        if name.startswith("bs_"):
            emit(_bs(name, args))
            continue
        raise BadBeam("unsupported instruction %s" % name)

    # resolve labels
    def res(v):
        t = type(v)
        if t is _Label:
            if v.n not in labels:
                raise BadBeam("undefined label %d" % v.n)
            return labels[v.n]
        if t is tuple:
            if v and v[0] == "c":
                return v
            return tuple([res(e) for e in v])
        if t is list:
            return [res(e) for e in v]
        if t is dict:
            return {k: res(e) for k, e in v.items()}
        return v

    pm.code = [res(ins) for ins in out]
    pm.loc = loc
    pm.func_of = func_of
    pm.functions = functions
    pm.labels = labels
    pm.on_load = on_load
    pm.exports = []
    for f, a, lbl in bf.exports:
        if lbl not in labels:
            raise BadBeam("export to undefined label")
        pm.exports.append((f, a, labels[lbl]))
    pm.funs = []
    for f, a, lbl, idx, nfree, ouniq in funs:
        if lbl not in labels:
            raise BadBeam("fun to undefined label")
        pm.funs.append((f, a, labels[lbl], idx, nfree, ouniq))


def _tuple_gets(generic, i, src):
    """Collect get_tuple_element Src N Dst following position i; stop when a
    destination overwrites the source."""
    gets = []
    n = len(generic)
    while i < n and generic[i][0] == "get_tuple_element":
        a = generic[i][1]
        if _reg(a[0]) != src:
            break
        d = _dst(a[2])
        gets.append((_num(a[1]), d))
        i += 1
        if d == src:
            break
    return i, gets


_OLD_BS_START = ("bs_init2", "bs_init_bits", "bs_append", "bs_private_append")
_OLD_BS_PUT = {"bs_put_integer": "integer", "bs_put_binary": "binary", "bs_put_float": "float",
               "bs_put_utf8": "utf8", "bs_put_utf16": "utf16", "bs_put_utf32": "utf32",
               "bs_put_string": "string"}


def _old_construction(name, args, generic, i):
    """Fuse bs_init2/bs_init_bits/bs_append/bs_private_append and the bs_put_*
    instructions that fill the binary (pre-OTP 25 code) into one bs_create_bin,
    so the binary is built in one go and stored in its destination at the end."""
    segs = []
    if name in ("bs_init2", "bs_init_bits"):
        fail, dst = _lbl(args[0]), _dst(args[5])
    elif name == "bs_append":
        fail, dst = _lbl(args[0]), _dst(args[7])
        segs.append([("c", A.append), ("c", 1), ("c", _num(args[4])), ("c", 0),
                     _reg(args[5]), ("c", A.all)])
    else:
        fail, dst = _lbl(args[0]), _dst(args[5])
        segs.append([("c", A.private_append), ("c", 1), ("c", _num(args[2])), ("c", 0),
                     _reg(args[3]), ("c", A.all)])
    n = len(generic)
    while i < n:
        nxt, a = generic[i]
        if nxt == "line":
            i += 1
            continue
        kind = _OLD_BS_PUT.get(nxt)
        if kind is None:
            break
        i += 1
        segno = len(segs) + 1
        if kind == "string":
            segs.append([("c", A.string), ("c", segno), ("c", 8), ("c", 0),
                         ("c", _num(a[1])), ("c", _num(a[0]))])
        elif kind.startswith("utf"):
            segs.append([("c", A[kind]), ("c", segno), ("c", 0), ("c", _num(a[1])),
                         _reg(a[2]), ("c", A.undefined)])
        else:
            size = a[1]
            size = ("c", A.all) if size[0] == "c" and size[1] is A.all else _reg(size)
            segs.append([("c", A[kind]), ("c", segno), ("c", _num(a[2])), ("c", _num(a[3])),
                         _reg(a[4]), size])
    flat = [op for seg in segs for op in seg]
    return i, ("bs_create_bin", fail, 0, 0, 1, dst, flat)


def _bs(name, args):
    """Bit syntax instructions: labels resolved, operands normalised."""
    conv = []
    for a in args:
        k = a[0]
        if k == "f":
            conv.append(_lbl(a))
        elif k in ("x", "y", "fr"):
            conv.append(_reg(a))
        elif k == "c" and name in ("bs_start_match4",) and type(a[1]) is Atom and not conv:
            conv.append(None)  # no_fail / resume
        elif k == "list":
            conv.append([_reg(e) if e[0] != "f" else _lbl(e) for e in a[1]])
        elif k == "alloc":
            conv.append(0)
        else:
            conv.append(a)
    return (name,) + tuple(conv)
