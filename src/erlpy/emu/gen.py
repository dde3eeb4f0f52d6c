"""Closure factories generated from Python source, one per instruction shape.

Every simple instruction becomes a closure `f(X, y) -> next_pc` with its
operands bound: register numbers and constants are closure variables, and
the operand kinds (x register, y register, constant) are baked into the
code. The source text of a shape is the cache key, so each shape is compiled
once per VM and reused by every instruction and module that has it.
"""

import types

__all__ = ["Shape", "factory_namespace"]

_FACTORIES = {}

# Names visible to generated code; ops.py fills this in.
factory_namespace = {}


class Shape:
    """Builds the source of one closure factory."""

    __slots__ = ("params", "values", "lines")

    def __init__(self):
        self.params = []
        self.values = []
        self.lines = []

    def val(self, v):
        """Bind a Python value; returns the name the body uses for it."""
        name = "p%d" % len(self.params)
        self.params.append(name)
        self.values.append(v)
        return name

    def src(self, op):
        """Expression reading operand `op` (('x', n) | ('y', n) | ('c', term))."""
        k = op[0]
        if k == "x":
            return "X[%s]" % self.val(op[1])
        if k == "y":
            return "y[%s]" % self.val(op[1])
        return self.val(op[1])

    def dst(self, op):
        """Assignment target for operand `op`."""
        k = op[0]
        if k == "x":
            return "X[%s]" % self.val(op[1])
        if k == "y":
            return "y[%s]" % self.val(op[1])
        raise ValueError("bad destination %r" % (op,))

    def line(self, text):
        self.lines.extend(text.split("\n"))

    def value(self, op, temp):
        """An expression for operand `op` that is cheap to repeat: here a
        local `temp` assigned from the register array."""
        if op[0] == "c":
            return self.val(op[1])
        self.line("%s = %s" % (temp, self.src(op)))
        return temp

    def jump(self, label):
        """Statement that continues at instruction `label`."""
        return "return " + self.val(label)

    def xs(self, n):
        """Expression for the list [x0, ..., x(n-1)]."""
        return "X[:%s]" % self.val(n)

    def try_call(self, expr, fail, indent=""):
        """r = expr, jumping to `fail` if it raises an Erlang error."""
        self.line(indent + "try:")
        self.line(indent + "    r = " + expr)
        self.line(indent + "except ErlangError:")
        self.line(indent + "    " + self.jump(fail))

    def build(self, nxt):
        """Compile (or reuse) the factory and return the closure for `nxt`."""
        body = "\n".join("        " + ln for ln in self.lines)
        params = ", ".join(self.params + ["nxt"])
        src = "def make(%s):\n    def op(X, y):\n%s\n        return nxt\n    return op\n" % (
            params, body)
        fac = _FACTORIES.get(src)
        if fac is None:
            # a module's dict: PyPy's JIT treats module globals as constants
            ns = types.ModuleType("erlpy.emu.generated").__dict__
            ns.update(factory_namespace)
            exec(compile(src, "<erlpy-op>", "exec"), ns)
            fac = _FACTORIES[src] = ns["make"]
        return fac(*self.values, nxt)
