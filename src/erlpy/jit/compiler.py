"""BEAM code -> Python source: one Python function per BEAM function.

x and y registers become Python locals, an Erlang call a plain Python call
with a fixed number of arguments, a self tail call a jump back to the entry.
Simple instructions are written by the same builders the interpreter uses
(emu/ops.py, emu/bits.py) through a Shape that names locals instead of
register arrays and turns jumps into `goto` tokens.

Control flow. The blocks of a function are laid out in instruction order
inside `while True:`; a block that must be reachable by a computed jump (a
call's continuation, which a resumed process enters; a catch handler; a
loop head; a block with several predecessors) is a *chain entry*, guarded
by `if L <= pc:`. Falling off the end of a chain entry's code runs the next
one; any other jump to it is `L = pc; continue`. Every other block has a
single predecessor and is written inline at its jump, nested under the
test that jumps to it.

Functions that tail-call each other are compiled into one Python function
(a "group"), where those calls are jumps too.

Suspension (unwind-on-suspend, DESIGN.md): a function's `except Unwind`
pushes a resume record for the call it was in, found from the traceback's
line number; the resume record calls the function again with L = the
continuation and Y = the saved y registers. Exceptions: `except
ErlangError` records the trace where the error was raised (jit/runtime.py
locate) and continues at the handler of the innermost catch tag in the y
registers, as BEAM does.
"""

import re

from ..emu.ops import fill

__all__ = ["compile_module", "JitError", "GENERATED"]

GENERATED = "<erlpy-jit %s>"

_MAX_DEPTH = 60          # nesting levels of inlined blocks before a jump is dispatched
_SMALL_SELECT = 8        # select_val tables up to this size become if-chains
_TERMINATORS = {
    "return", "jump", "call_only", "call_last", "call_ext_only", "call_ext_last", "apply_last",
    "func_info", "badmatch", "case_end", "if_end", "try_case_end", "badrecord", "raise",
    "raw_raise", "select_val", "select_tuple_arity", "wait", "loop_rec_end",
}
_TOKEN = "\x00"
_RAISES = {"func_info", "badmatch", "case_end", "if_end", "try_case_end", "badrecord"}


class JitError(Exception):
    """The module cannot be compiled (the interpreter runs it instead)."""


_TOKEN_RE = re.compile(_TOKEN + r"J(\d+)" + _TOKEN)


def _tokens(lines):
    """The jump targets of some lines, one per goto token."""
    return [int(t) for ln in lines for t in _TOKEN_RE.findall(ln)]


class Pool:
    """The constants generated code refers to, named K0, K1..."""

    def __init__(self):
        self.names = {}
        self.values = []

    def name(self, v):
        t = type(v)
        if t is float:
            key = (t, v.hex())          # -0.0 == 0.0 in Python, not in Erlang
        elif t in (int, str, bytes):
            key = (t, v)
        else:
            key = id(v)
        n = self.names.get(key)
        if n is None:
            n = self.names[key] = "K%d" % len(self.values)
            self.values.append(v)
        return n


class JitShape:
    """The Shape interface of emu/gen.py, for generated functions."""

    __slots__ = ("pool", "lines")

    def __init__(self, pool):
        self.pool = pool
        self.lines = []

    def val(self, v):
        if type(v) is int:
            return repr(v) if v >= 0 else "(%r)" % v
        if v is None:
            return "None"
        return self.pool.name(v)

    def src(self, op):
        k = op[0]
        if k == "x" or k == "y":
            return "%s%d" % (k, op[1])
        return self.val(op[1])

    dst = src

    def value(self, op, temp):
        return self.src(op)

    def xs(self, n):
        return "[%s]" % ", ".join("x%d" % i for i in range(n))

    def line(self, text):
        self.lines.extend(text.split("\n"))

    def jump(self, label):
        if label is None:
            raise JitError("jump without a label")
        return "%sJ%d%s" % (_TOKEN, label, _TOKEN)

    def try_call(self, expr, fail, indent=""):
        self.line(indent + "try:")
        self.line(indent + "    r = " + expr)
        self.line(indent + "except ErlangError:")
        self.line(indent + "    r = NONVALUE")
        self.line(indent + "if r is NONVALUE: " + self.jump(fail))


class _Ins:
    """One translated instruction: its lines (with goto tokens), jump
    targets, whether it falls through, and what kind of call site it is."""

    __slots__ = ("lines", "targets", "falls", "site", "dynamic")

    def __init__(self, lines, targets, falls, site=None, dynamic=False):
        self.lines = lines
        self.targets = targets
        self.falls = falls
        self.site = site          # None, or "body": a call with a continuation
        self.dynamic = dynamic    # targets reached by a computed jump


class _Func:
    """Per-function compilation state."""

    def __init__(self, index, name, arity, start, end):
        self.index = index
        self.name = name
        self.arity = arity
        self.start = start        # the func_info instruction
        self.entry = start + 1
        self.end = end
        self.pyname = "f%d" % index
        self.unit = None          # the functions compiled with it into one Python function
        self.unit_name = None


def compile_module(mod):
    """-> (source, pool values, line map, tail-call pcs, {entry pc: function name})."""
    pool = Pool()
    funcs = []
    fns = mod.functions
    for i, (f, a, pc) in enumerate(fns):
        end = fns[i + 1][2] if i + 1 < len(fns) else len(mod.code)
        funcs.append(_Func(i, f, a, pc, end))
    entries = {fn.entry: fn for fn in funcs}
    out = _Out()
    for unit in _tail_call_groups(mod, funcs, entries):
        _FunctionCompiler(mod, unit, entries, pool, out).compile()
    out.emit(0, "FUNCTIONS = {%s}" % ", ".join("%d: %s" % (fn.entry, fn.pyname) for fn in funcs))
    source = "\n".join(out.lines) + "\n"
    return source, pool.values, out.linemap, out.tails, {fn.entry: fn.pyname for fn in funcs}


_GROUP_FUNCTIONS = 8      # at most this many functions...
_GROUP_SIZE = 600         # ...and instructions in one group


def _tail_call_groups(mod, funcs, entries):
    """Functions that tail-call each other (loop -> step -> next -> loop) are
    compiled into one Python function, where those calls are jumps: a Python
    call per tail call would grow the native stack until the next
    preemption unwinds it. Small groups only (dispatch is linear)."""
    parent = {fn: fn for fn in funcs}

    def find(f):
        while parent[f] is not f:
            parent[f] = parent[parent[f]]
            f = parent[f]
        return f
    members = {fn: [fn] for fn in funcs}
    for fn in funcs:
        for pc in range(fn.start, fn.end):
            ins = mod.code[pc]
            if ins[0] in ("call_only", "call_last"):
                target = entries.get(ins[2])
                if target is None:
                    continue
                a, b = find(fn), find(target)
                if a is b:
                    continue
                group = members[a] + members[b]
                if len(group) > _GROUP_FUNCTIONS or \
                        sum(f.end - f.start for f in group) > _GROUP_SIZE:
                    continue
                parent[b] = a
                members[a] = group
                del members[b]
    units = []
    for fn in funcs:
        if find(fn) is fn:
            units.append(sorted(members[fn], key=lambda f: f.start))
    for i, unit in enumerate(units):
        for fn in unit:
            fn.unit = unit
            fn.unit_name = unit[0].pyname if len(unit) == 1 else "g%d" % i
    return units


class _Out:
    """The generated source, with the BEAM instruction of every line."""

    def __init__(self):
        self.lines = []
        self.linemap = {}     # line number -> pc
        self.tails = set()    # lines of tail calls to Erlang code (their frame is gone)

    def emit(self, depth, text, pc=None):
        self.lines.append(" " * depth + text)
        if pc is not None:
            self.linemap[len(self.lines)] = pc

    def lineno(self):
        return len(self.lines)


class _FunctionCompiler:

    def __init__(self, mod, unit, entries, pool, out):
        self.mod = mod
        self.unit = unit
        self.fn = unit[0]
        self.name = unit[0].unit_name
        self.own = {fn.entry: fn for fn in unit}
        self.entries = entries
        self.pool = pool
        self.out = out
        self.ins = {}
        self.sites = []         # (line number, continuation label, frame size)
        self.catch_regs = set()

    # -- translation of single instructions ----------------------------------------
    def translate(self, pc, ins):
        name = ins[0]
        s = JitShape(self.pool)
        m = getattr(self, "_t_" + name, None)
        if m is not None:
            r = m(s, pc, ins)
            if r is not None:
                return r
        elif name in ("deallocate", "allocate"):
            pass
        elif name in ("catch", "try"):
            self.catch_regs.add(ins[1])
            fill(s, self.mod, ins)    # the handler is entered from `except`, not jumped to
            return _Ins(s.lines, [], True)
        elif not fill(s, self.mod, ins):
            raise JitError("no JIT translation for %s" % name)
        return _Ins(s.lines, _tokens(s.lines), name not in _TERMINATORS)

    def _t_return(self, s, pc, ins):
        return _Ins(["return x0"], [], False)

    def _t_trim(self, s, pc, ins):
        return _Ins(["TRIM %d" % ins[1]], [], True)

    def _call_args(self, n):
        return ", ".join("x%d" % i for i in range(n))

    def _local(self, label):
        target = self.entries.get(label)
        if target is None:
            raise JitError("call to a label that starts no function")
        return target

    def _local_call(self, target, n):
        """A call of local function `target` with n arguments in x0.."""
        if len(target.unit) == 1:
            return "%s(%s)" % (target.pyname, self._call_args(n))
        width = max(f.arity for f in target.unit) or 1
        args = ["x%d" % i for i in range(n)] + ["None"] * (width - n) + [str(target.entry)]
        return "%s(%s)" % (target.unit_name, ", ".join(args))

    def _t_call(self, s, pc, ins):
        target = self._local(ins[2])
        return _Ins(["SITE x0 = " + self._local_call(target, ins[1])], [], True, "body")

    def _t_call_only(self, s, pc, ins):
        target = self._local(ins[2])
        if target.entry in self.own:
            # a tail call within this Python function: the arguments are in place
            return _Ins(["L = %d; continue" % target.entry], [], False)
        return _Ins(["TAIL return " + self._local_call(target, ins[1])], [], False)

    _t_call_last = _t_call_only

    def _remote(self, s, ins):
        """(callee expression, bif function or None, whether it may trap)."""
        e = self.mod.imports[ins[2]]
        if e.bif is not None:
            return s.val(e.bif), e, getattr(e.bif, "traps", False)
        k = s.val(e)
        return "(%s.engine_entry or BIND(%s))" % (k, k), None, False

    def _t_call_ext(self, s, pc, ins):
        callee, bif, traps = self._remote(s, ins)
        call = "%s(%s)" % (callee, self._call_args(ins[1]))
        if bif is None:
            return _Ins(["SITE x0 = " + call], [], True, "body")
        if not traps:
            return _Ins(["x0 = " + call], [], True)
        # the trap target runs as a call from this instruction
        return _Ins(["x0 = " + call, "SITE if type(x0) is Trap: x0 = TRAP(x0)"], [], True, "body")

    def _t_call_ext_only(self, s, pc, ins):
        callee, bif, traps = self._remote(s, ins)
        call = "%s(%s)" % (callee, self._call_args(ins[1]))
        if bif is None:
            return _Ins(["TAIL return " + call], [], False)
        if not traps:
            return _Ins(["return " + call], [], False)
        return _Ins(["r = " + call, "TAIL if type(r) is Trap: return TRAP(r)", "return r"], [], False)

    _t_call_ext_last = _t_call_ext_only

    def _fun_call(self, n, fun):
        args = self._call_args(n)
        return "CF%d(%s%s)" % (n, fun, ", " + args if args else "")

    def _t_call_fun(self, s, pc, ins):
        n = ins[1]
        return _Ins(["SITE x0 = " + self._fun_call(n, "x%d" % n)], [], True, "body")

    def _t_call_fun2(self, s, pc, ins):
        return _Ins(["SITE x0 = " + self._fun_call(ins[1], s.src(ins[2]))], [], True, "body")

    def _t_apply(self, s, pc, ins):
        n = ins[1]
        return _Ins(["SITE x0 = APPLY(x%d, x%d, %s)" % (n, n + 1, s.xs(n))], [], True, "body")

    def _t_apply_last(self, s, pc, ins):
        n = ins[1]
        return _Ins(["TAIL return APPLY(x%d, x%d, %s)" % (n, n + 1, s.xs(n))], [], False)

    def _t_wait(self, s, pc, ins):
        return _Ins(["WAIT %d" % ins[1]], [ins[1]], False, dynamic=True)

    def _t_wait_timeout(self, s, pc, ins):
        return _Ins(["WAIT_TIMEOUT %d %s" % (ins[1], s.src(ins[2]))], [ins[1]], True,
                    dynamic=True)

    def _t_select_val(self, s, pc, ins):
        _, src, fail, table, kind = ins
        v = s.src(src)
        if kind == "any" or len(table) > _SMALL_SELECT:
            labels = sorted(set(table.values()) | {fail})
            if kind == "atom":
                expr = "%s.get(%s, %d)" % (s.val(table), v, fail)
            elif kind == "int":
                expr = "%s.get(%s, %d) if type(%s) is int else %d" % (s.val(table), v, fail, v,
                                                                     fail)
            else:
                expr = "_select_any(%s, %s, %d)" % (v, s.val(table), fail)
            return _Ins(["L = %s; continue" % expr], labels, False, dynamic=True)
        if kind == "int":
            s.line("if type(%s) is int:" % v)
            for value, label in table.items():
                s.line("    if %s == %s: %s" % (v, s.val(value), s.jump(label)))
        else:
            for value, label in table.items():
                s.line("if %s is %s: %s" % (v, s.val(value), s.jump(label)))
        s.line(s.jump(fail))
        return _Ins(s.lines, _tokens(s.lines), False)

    def _t_select_tuple_arity(self, s, pc, ins):
        _, src, fail, table = ins
        v = s.src(src)
        s.line("if type(%s) is tuple:" % v)
        if len(table) > _SMALL_SELECT:
            s.line("    L = %s.get(len(%s), %d); continue" % (s.val(table), v, fail))
            s.line("L = %d; continue" % fail)
            return _Ins(s.lines, sorted(set(table.values()) | {fail}), False, dynamic=True)
        s.line("    n = len(%s)" % v)
        for arity, label in table.items():
            s.line("    if n == %d: %s" % (arity, s.jump(label)))
        s.line(s.jump(fail))
        return _Ins(s.lines, _tokens(s.lines), False)

    # -- analysis --------------------------------------------------------------------
    def compile(self):
        code = self.mod.code
        for fn in self.unit:
            for pc in range(fn.start, fn.end):
                self.ins[pc] = self.translate(pc, code[pc])
        self._frames()
        self._layout()
        self._emit()

    def _successors(self, pc):
        ir = self.ins[pc]
        succ = list(ir.targets)
        if ir.falls and pc + 1 in self.ins:
            succ.append(pc + 1)
        return succ

    def _frames(self):
        """The y frame size at each instruction (allocate/trim/deallocate)."""
        frame = {}
        work = []
        for fn in self.unit:
            frame[fn.entry] = frame[fn.start] = 0
            work.append(fn.entry)
        code = self.mod.code
        catches = {}
        for pc, ir in self.ins.items():
            if code[pc][0] in ("catch", "try"):
                catches[pc] = code[pc][2]
        while work:
            pc = work.pop()
            f = frame[pc]
            name = code[pc][0]
            if name == "allocate":
                f = code[pc][1]
            elif name == "trim":
                f -= code[pc][1]
            elif name == "deallocate":
                f = 0
            nexts = self._successors(pc)
            if pc in catches:
                nexts.append(catches[pc])
            for t in nexts:
                if t in self.ins and t not in frame:
                    frame[t] = f
                    work.append(t)
        self.frame = frame

    def _layout(self):
        code = self.mod.code
        preds = {}
        chain = set(self.own)
        leaders = set(self.own) | {fn.start for fn in self.unit}
        for pc in sorted(self.ins):
            ir = self.ins[pc]
            for t in ir.targets:
                if t not in self.ins:
                    raise JitError("jump out of the function")
                preds[t] = preds.get(t, 0) + 1
                leaders.add(t)
                if ir.dynamic:
                    chain.add(t)
            if ir.site == "body" and pc + 1 in self.ins:
                chain.add(pc + 1)
                leaders.add(pc + 1)
            if code[pc][0] in ("catch", "try"):
                chain.add(code[pc][2])
                leaders.add(code[pc][2])
        for pc in sorted(leaders):
            if pc - 1 in self.ins and self.ins[pc - 1].falls:
                preds[pc] = preds.get(pc, 0) + 1
        # (a loop head has two predecessors: the way in and the back edge)
        self.copied = set()
        for t, n in preds.items():
            if n > 1:
                if code[t][0] in _RAISES and t not in chain:
                    self.copied.add(t)     # one raising instruction: written at every jump
                else:
                    chain.add(t)
        self.leaders = leaders
        self.chain = chain

    # -- emission --------------------------------------------------------------------
    def _emit(self):
        while True:
            mark = len(self.out.lines), dict(self.out.linemap), set(self.out.tails)
            self.sites = []
            self.promote = set()
            self._emit_function()
            if not self.promote:
                return
            # blocks nested too deep become chain entries; write the function again
            self.chain |= self.promote
            del self.out.lines[mark[0]:]
            self.out.linemap, self.out.tails = mark[1], mark[2]

    def _emit_function(self):
        fn, out, name = self.fn, self.out, self.name
        grouped = len(self.unit) > 1
        width = max(f.arity for f in self.unit)
        # x0 is a parameter even of arity-0 functions: a resumed call's value arrives in it
        params = ["x%d" % i for i in range(width)] or ["x0=None"]
        resumable = any(ir.site == "body" or ir.dynamic for ir in self.ins.values())
        if grouped:
            # a group is entered with L = the entry of the member called
            params = ["x%d=None" % i for i in range(max(width, 1))] + ["L=None", "Y=None"]
        else:
            params = params + ["L=%d" % fn.entry, "Y=None"]
        out.emit(0, "def %s(%s):" % (name, ", ".join(params)))
        regs = ["y%d" % i for i in sorted(self.catch_regs)]
        if regs:
            out.emit(1, "%s = None" % " = ".join(regs))
        out.emit(1, "while True:")
        out.emit(2, "try:")
        if resumable:
            self._emit_resume_preamble()
        out.emit(3, "while True:")
        self.emitted = set()
        chain = sorted(self.chain)
        self.next_chain = {c: (chain[i + 1] if i + 1 < len(chain) else None)
                           for i, c in enumerate(chain)}
        for c in chain:
            out.emit(4, "if L <= %d:" % c)
            n = out.lineno()
            if c in self.own:
                self._emit_reductions(5, self.own[c])
            self._emit_block(c, 5, c)
            if out.lineno() == n:
                out.emit(5, "pass")
        out.emit(4, "raise SystemError('fell off %s')" % name)
        self._emit_handlers(resumable)
        out.emit(0, "def R%s(v, st):" % name)
        out.emit(1, "return %s(%s)" % (name, ", ".join(
            ["v"] + ["None"] * (max(width, 1) - 1) + ["st[0]", "st[1]"])))
        out.emit(0, "R%s.catches = True" % name)
        if grouped:
            for f in self.unit:
                args = ["x%d" % i for i in range(f.arity)]
                out.emit(0, "def %s(%s):" % (f.pyname, ", ".join(args)))
                out.emit(1, "return " + self._local_call(f, f.arity))

    def _emit_resume_preamble(self):
        out = self.out
        out.emit(3, "if Y is not None:")
        sizes = set()
        tests = []
        for pc, label, regs in self._resume_points():
            if regs and regs[-1].startswith("x"):
                tests.append(("L == %d" % label, regs))
            elif regs:
                sizes.add(len(regs))
        for f in sorted(sizes):
            tests.append(("len(Y) == %d" % f, ["y%d" % i for i in range(f)]))
        for i, (test, regs) in enumerate(tests):
            out.emit(4, "%s %s: %s, = Y" % ("elif" if i else "if", test, ", ".join(regs)))
        out.emit(4, "Y = None")
        out.emit(4, "if type(x0) is Thrown: raise x0.exc")

    def _resume_points(self):
        pts = []
        for pc, ir in self.ins.items():
            ins = self.mod.code[pc]
            if ir.site == "body":
                pts.append((pc, pc + 1, self._saved(pc)))
            elif ins[0] == "wait":
                pts.append((pc, ins[1], self._saved(pc)))
            elif ins[0] == "wait_timeout":
                src = ins[2]
                pts.append((pc, ins[1], self._saved(pc, "x%d" % src[1] if src[0] == "x" else None)))
        return pts

    def _emit_reductions(self, depth, fn):
        out = self.out
        out.emit(depth, "r = VM.reds - 1")
        out.emit(depth, "VM.reds = r")
        out.emit(depth, "if r <= 0:")
        args = ", ".join("x%d" % i for i in range(fn.arity))
        out.emit(depth + 1, "TMP.append((CALL_LOCAL, (%s, (%s%s))))" % (
            fn.pyname, args, "," if fn.arity == 1 else ""))
        out.emit(depth + 1, "raise PREEMPT")

    def _saved(self, pc, src=None):
        """The registers a resume record keeps: the y frame, and a receive
        timeout held in an x register (read again when the receive resumes)."""
        regs = ["y%d" % i for i in range(self.frame.get(pc, 0))]
        if src is not None and src.startswith("x"):
            regs.append(src)
        return regs

    def _ytuple(self, pc, src=None):
        regs = self._saved(pc, src)
        return "(%s%s)" % (", ".join(regs), "," if len(regs) == 1 else "")

    def _emit_block(self, pc, depth, chain_entry):
        """Write the code from leader `pc` on, following fall-through."""
        out = self.out
        self.emitted.add(pc)
        while True:
            ir = self.ins[pc]
            if self._emit_ins(pc, ir, depth, chain_entry) or not ir.falls:
                return
            pc += 1
            if pc not in self.ins:
                out.emit(depth, "raise SystemError('fell off the end')")
                return
            if pc in self.leaders:
                if pc in self.chain:
                    if not (chain_entry is not None and self.next_chain.get(chain_entry) == pc):
                        out.emit(depth, "L = %d; continue" % pc)
                    return
                if pc in self.emitted and pc not in self.copied:
                    raise JitError("block emitted twice")
                self.emitted.add(pc)

    def _emit_ins(self, pc, ir, depth, chain_entry):
        """Write one instruction; True if that also wrote the rest of the block."""
        out = self.out
        last = len(ir.lines) - 1
        for k, text in enumerate(ir.lines):
            if text.startswith("TRIM "):
                k = int(text[5:])
                f = self.frame.get(pc, 0)
                if f - k > 0:
                    out.emit(depth, "%s = %s" % (
                        ", ".join("y%d" % i for i in range(f - k)),
                        ", ".join("y%d" % i for i in range(k, f))), pc)
                continue
            if text.startswith("WAIT "):
                label = int(text[5:])
                out.emit(depth, "TMP.append((R%s, (%d, %s)))" % (
                    self.name, label, self._ytuple(pc)), pc)
                out.emit(depth, "raise WAIT", pc)
                continue
            if text.startswith("WAIT_TIMEOUT "):
                _, label, src = text.split(" ", 2)
                out.emit(depth, "if not receive.timed_out(VM.current, %s):" % src, pc)
                out.emit(depth + 1, "TMP.append((R%s, (%s, %s)))" % (
                    self.name, label, self._ytuple(pc, src)), pc)
                out.emit(depth + 1, "raise WAIT", pc)
                continue
            marker = text[:5]
            if marker in ("SITE ", "TAIL "):
                text = text[5:]
            stripped = text.lstrip(" ")
            rel = (len(text) - len(stripped)) // 4
            if _TOKEN in stripped:
                if k == last and rel == 0 and chain_entry and self._flip(pc, stripped, depth,
                                                                         chain_entry):
                    return True
                self._emit_jump(pc, stripped, depth + rel, rel == 0 and chain_entry)
                continue
            out.emit(depth + rel, stripped, pc)
            if marker == "SITE ":
                self.sites.append((out.lineno(), pc + 1))
            elif marker == "TAIL ":
                out.tails.add(out.lineno())

    def _flip(self, pc, text, depth, chain_entry):
        """`if C: goto T` followed by a short run of instructions that ends the
        block (typically `return`): write `if not C: <that run>`, then T's
        code at this level, so T's calls fall through to their continuations
        instead of dispatching to them."""
        i = text.index(_TOKEN)
        prefix, label = text[:i], int(text[i + 2:text.index(_TOKEN, i + 1)])
        if not (prefix.startswith("if ") and prefix.endswith(": ")) or label in self.chain \
                or label in self.emitted or label in self.copied:
            return False
        run = []
        q = pc + 1
        while q in self.ins and q not in self.leaders and len(run) < 4:
            run.append(q)
            if not self.ins[q].falls:
                break
            q += 1
        if not run or self.ins[run[-1]].falls:
            return False
        self.out.emit(depth, "if not (%s):" % prefix[3:-2], pc)
        for q in run:
            self._emit_ins(q, self.ins[q], depth + 1, None)
        self._emit_block(label, depth, chain_entry)
        return True

    def _emit_jump(self, pc, text, depth, top_chain):
        """A line holding a goto token: inline the target or dispatch to it."""
        out = self.out
        i = text.index(_TOKEN)
        j = text.index(_TOKEN, i + 1)
        prefix, label = text[:i], int(text[i + 2:j])
        inline = label in self.copied or (label not in self.chain and label not in self.emitted)
        if inline and depth >= _MAX_DEPTH:
            self.promote.add(label)
            inline = False
        if not inline:
            out.emit(depth, prefix + "L = %d; continue" % label, pc)
            return
        if prefix.strip() == "":
            # an unconditional jump: the target's code follows here
            self._emit_block(label, depth, top_chain or None)
            return
        out.emit(depth, prefix.rstrip(), pc)
        n = out.lineno()
        self._emit_block(label, depth + 1, None)
        if out.lineno() == n:
            out.emit(depth + 1, "pass")

    def _emit_handlers(self, resumable):
        out = self.out
        out.emit(2, "except ErlangError as _e:")
        out.emit(3, "ln = _e.__traceback__.tb_lineno")
        out.emit(3, "if ln in TAILS: raise")
        out.emit(3, "pc = LINES.get(ln, -1)")
        if resumable:
            out.emit(3, "if pc < 0: pc = L - 1")
        out.emit(3, "LOCATE(_e, MOD, pc)")
        if self.catch_regs:
            out.emit(3, "tag = %s" % " or ".join(
                "(y%d if type(y%d) is CatchTag else None)" % (n, n)
                for n in sorted(self.catch_regs)))
            out.emit(3, "if tag is None: raise")
            out.emit(3, "x0, x1, x2, x3, L = NONVALUE, _e.cls, _e.reason, RawTrace(_e), tag.pc")
        else:
            out.emit(3, "raise")
        if self.sites:
            out.emit(2, "except Unwind as _u:")
            out.emit(3, "if _u is not HIBERNATE:")
            out.emit(4, "ln = _u.__traceback__.tb_lineno")
            first = True
            for ln, cont in self.sites:
                out.emit(4, "%s ln == %d:" % ("if" if first else "elif", ln))
                out.emit(5, "TMP.append((R%s, (%d, %s)))" % (self.name, cont,
                                                              self._ytuple(cont - 1)))
                first = False
            out.emit(3, "raise")
