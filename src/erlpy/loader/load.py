"""From a BEAM file to specialised code, as BEAM's own loader does.

decode(): the Code chunk becomes generic instructions (name, [operands]).
specialise(): labels and line instructions vanish into side tables, labels
resolve to instruction indexes, and generic instructions become specialised
ones by operand kind and by fusing common sequences (see transform.py).

The result, a PreparedModule, is what both engines consume: `code` is a list
of tuples (opname, operand...), with branch targets as instruction indexes,
`loc[i]` the line item of instruction i, `func_of[i]` its function.
"""

from ..beam.reader import read_beam, BadBeam
from .compact import CompactReader, BadCode
from .opcodes import OPCODES
from .transform import transform

__all__ = ["prepare", "PreparedModule", "decode", "BadBeam", "BODY"]


# The parts of a prepared module only the interpreter, the JIT compiler and
# stack traces read: the on-disk cache keeps them apart, so a start whose
# modules all have compiled code in the JIT cache never unpickles them.
BODY = ("code", "loc", "func_of", "lines", "line_fnames", "literals", "strings", "types",
        "labels")


class PreparedModule:
    """Loaded but not yet installed module code. From the cache, the BODY
    fields are read on first use (body_source: a function returning them)."""

    __slots__ = ("name", "beam", "functions", "exports", "funs", "imports", "attributes",
                 "compile_info", "md5", "on_load", "body_source") + BODY

    def __getattr__(self, name):
        if name in BODY:
            source = object.__getattribute__(self, "body_source")
            for field, value in zip(BODY, source()):
                setattr(self, field, value)
            self.body_source = None
            return object.__getattribute__(self, name)
        raise AttributeError(name)


def decode(bf):
    """Generic instructions [(name, [operands])] of a BeamFile's Code chunk."""
    rd = CompactReader(bf.code, 0, bf.atoms, bf.literals)
    out = []
    end = len(bf.code)
    try:
        while rd.pos < end:
            op = rd.byte()
            spec = OPCODES.get(op)
            if spec is None:
                raise BadBeam("unknown opcode %d" % op)
            name, arity = spec
            args = [rd.operand() for _ in range(arity)]
            out.append((name, args))
            if name == "int_code_end":
                break
    except BadCode as e:
        raise BadBeam(str(e))
    return out


def prepare(data):
    """Parse and specialise a .beam binary. Raises BadBeam on malformed input:
    whatever goes wrong while reading a corrupt file means "badfile"."""
    try:
        return _prepare(data)
    except BadBeam:
        raise
    except (BadCode, ValueError, TypeError, IndexError, KeyError, AttributeError,
            OverflowError, UnicodeError, RecursionError, MemoryError) as e:
        raise BadBeam("%s: %s" % (type(e).__name__, e))


def _prepare(data):
    bf = read_beam(data)
    generic = decode(bf)
    pm = PreparedModule()
    pm.name = bf.module
    pm.beam = bf
    pm.imports = bf.imports
    pm.lines = bf.lines
    pm.line_fnames = bf.line_fnames
    pm.attributes = bf.attributes
    pm.compile_info = bf.compile_info
    pm.md5 = bf.md5
    pm.literals = bf.literals
    pm.strings = bf.strings
    pm.types = bf.types
    transform(pm, generic, bf)
    return pm
