"""The JIT engine: compiles a module's code to Python the first time one of
its functions is called, caches the compiled code on disk, and falls back
to the interpreter for a module it cannot compile.

Cache: the code object (marshal) and its constants (pickled, with VM objects
such as export entries named rather than stored) in the user's cache
directory, keyed by the module's MD5, erlpy's version, the Python
implementation and a digest of the code generator, so a second start
compiles nothing.
"""

import hashlib
import io
import marshal
import os
import pickle
import sys
import tempfile
import types
import importlib
import warnings

from ..terms import atom
from ..code.contract import (VM, TMP, PREEMPT, WAIT, HIBERNATE, Unwind, Trap, Thrown, CatchTag,
                             NONVALUE, RawTrace)
from ..code.table import Export, FunEntry, Module
from ..terms import ExportFun, ErlangError
from ..loader import cache
from ..bifs import registry
from ..emu.gen import factory_namespace
from ..emu import interp, receive, bits as _bits  # bits: its names join factory_namespace
from ..emu.ops import _select_any
from . import runtime
from .runtime import call_export, entry
from .compiler import compile_module, JitError, GENERATED

__all__ = ["call_export", "entry", "module_functions", "compile_all", "FALLBACKS", "STATS"]

FORMAT = "4"
FALLBACKS = []          # (module name, reason) of modules the interpreter runs instead
STATS = {"compiled": 0, "cached": 0}

# Erlang calls are Python calls; reductions bound the depth of one slice
# (every call spends one and a preempted process resumes from records), so
# this leaves ample room for BIFs that recurse.
if sys.getrecursionlimit() < 30000:
    sys.setrecursionlimit(30000)

try:                      # PyPy: do not unroll recursion into traces (DESIGN.md)
    import pypyjit
    pypyjit.set_param("max_unroll_recursion=0")
except ImportError:
    pass


def _base_namespace():
    ns = dict(factory_namespace)
    ns.update({
        "VM": VM, "TMP": TMP, "PREEMPT": PREEMPT, "WAIT": WAIT, "HIBERNATE": HIBERNATE,
        "Unwind": Unwind, "Trap": Trap, "Thrown": Thrown, "CatchTag": CatchTag,
        "NONVALUE": NONVALUE, "RawTrace": RawTrace, "ErlangError": ErlangError,
        "receive": receive, "_select_any": _select_any,
        "TRAP": runtime.trap, "BIND": runtime.bind, "CALL_LOCAL": runtime.call_local,
        "APPLY": runtime.apply, "LOCATE": runtime.locate,
    })
    return ns


_BASE = None


def module_functions(mod):
    """{entry pc: Python function} of a module's code (compiled on first use)."""
    fns = mod.jit
    if fns is None:
        fns = mod.jit = _load(mod)
    return fns


runtime.module_functions = module_functions


def _load(mod):
    global _BASE
    if _BASE is None:
        _BASE = _base_namespace()
    path = _cache_path(mod)
    art = _read_cache(path, mod)
    if art is None:
        try:
            source, consts, lines, tails, names = compile_module(mod)
            with warnings.catch_warnings():
                # `x is 0` in generic comparisons is deliberate (identity first)
                warnings.simplefilter("ignore", SyntaxWarning)
                code = compile(source, GENERATED % mod.name.name, "exec")
        except (JitError, SyntaxError, RecursionError, ValueError, MemoryError) as e:
            return _fallback(mod, e)
        art = (code, consts, lines, tails, names)
        STATS["compiled"] += 1
        _write_cache(path, mod, art)
    else:
        STATS["cached"] += 1
    code, consts, lines, tails, names = art
    # a module's own dict: PyPy's JIT treats the globals of a module as constants
    ns = types.ModuleType("erlpy.jit.generated." + mod.name.name).__dict__
    ns.update(_BASE)
    for i, v in enumerate(consts):
        ns["K%d" % i] = v
    ns["MOD"] = mod
    ns["LINES"] = lines
    ns["TAILS"] = tails
    for n in _fun_arities(code):
        ns["CF%d" % n] = runtime.fun_caller(n)
    exec(code, ns)
    for pc, name in names.items():
        # process_info(P, current_function) reads it from preempted calls' records
        ns[name].mfa = mod.mfa_at(pc)
    return ns["FUNCTIONS"]


def _fun_arities(code):
    return sorted({int(name[2:]) for name in _names(code)
                   if name.startswith("CF") and name[2:].isdigit()})


def _names(code):
    names = set(code.co_names)
    for c in code.co_consts:
        if hasattr(c, "co_names"):
            names |= _names(c)
    return names


def _fallback(mod, reason):
    """Run this module on the interpreter: each function enters it."""
    FALLBACKS.append((mod.name.name, str(reason)))
    if os.environ.get("ERLPY_JIT_VERBOSE") == "1":
        sys.stderr.write("erlpy: JIT cannot compile %s (%s); interpreting it\n" % (
            mod.name.name, reason))
    fns = {}
    for f, a, pc in mod.functions:
        e = _LocalEntry(mod, pc + 1)
        fns[pc + 1] = _interpreted(e)
    return fns


class _LocalEntry:
    """Enough of an export for the interpreter to enter a local function."""

    __slots__ = ("module_obj", "entry", "bif")

    def __init__(self, mod, pc):
        self.module_obj = mod
        self.entry = pc
        self.bif = None


def _interpreted(e):
    def run(*args):
        return interp.call_export(e, list(args))
    return run


def compile_all(mod):
    """Compile a module now (tests: no module may fall back); returns the reason
    it could not be compiled, or None."""
    n = len(FALLBACKS)
    mod.jit = None
    module_functions(mod)
    return FALLBACKS[n][1] if len(FALLBACKS) > n else None


# -- the on-disk cache ---------------------------------------------------------------

_DISABLED = os.environ.get("ERLPY_NO_CACHE") == "1"


def _code_digest():
    """A digest of the code generator's and the loader's sources: compiled
    code from another generator (a development checkout, a patched install)
    is never reused."""
    h = hashlib.md5()
    here = os.path.dirname(os.path.abspath(__file__))
    emu = os.path.join(os.path.dirname(here), "emu")
    loader = os.path.join(os.path.dirname(here), "loader")
    for path in (os.path.join(here, "compiler.py"), os.path.join(emu, "ops.py"),
                 os.path.join(emu, "bits.py"), os.path.join(emu, "gen.py"),
                 os.path.join(loader, "transform.py")):
        try:
            with open(path, "rb") as f:
                h.update(f.read())
        except OSError:
            pass
    return h.hexdigest()[:12]


_DIGEST = None


def _cache_path(mod):
    global _DIGEST
    if _DIGEST is None:
        _DIGEST = _code_digest()
    tag = getattr(sys.implementation, "cache_tag", None) or sys.implementation.name
    # the native functions (which stubs the loader replaced, after which
    # calls a Trap is checked) may change while the process runs
    d = os.path.join(cache.base_dir(), "jit-%s-%s-%s-%s" % (FORMAT, tag, _DIGEST,
                                                             registry.signature()))
    return os.path.join(d, "%s-%s.jit" % (mod.name.name, mod.md5.hex()))


class _BifKeys(dict):
    """id(BIF function) -> (module, name, arity): BIFs made by factories
    (closures) are named by their registration."""

    def get(self, k, default=None):
        if len(self) != len(registry.BIFS):
            self.clear()
            self.update((id(fn), key) for key, (fn, _frame) in registry.BIFS.items())
        return dict.get(self, k, default)


_BIF_KEYS = _BifKeys()


class _Pickler(pickle.Pickler):
    """Constants name the VM objects they refer to instead of storing them."""

    def __init__(self, f, mod):
        pickle.Pickler.__init__(self, f, protocol=pickle.HIGHEST_PROTOCOL)
        self.mod = mod

    def persistent_id(self, obj):
        t = type(obj)
        if t is Export:
            return ("export", obj.module.name, obj.function.name, obj.arity)
        if t is ExportFun:
            return ("efun", obj.module.name, obj.function.name, obj.arity)
        if t is FunEntry:
            return ("funentry", self.mod.funs.index(obj))
        if t is CatchTag:
            return ("catch", obj.pc)
        if t is Module:
            return ("module",)
        key = _BIF_KEYS.get(id(obj))
        if key is not None:
            return ("bif",) + key
        if callable(obj) and hasattr(obj, "__qualname__") and "<" not in obj.__qualname__:
            return ("py", obj.__module__, obj.__qualname__)
        return None


_PY_OBJECTS = {}    # ("py", module, qualname) -> the object


class _Unpickler(pickle.Unpickler):

    def __init__(self, f, mod):
        pickle.Unpickler.__init__(self, f)
        self.mod = mod

    def persistent_load(self, pid):
        kind = pid[0]
        code = VM.code
        if kind == "export":
            return code.export(atom(pid[1]), atom(pid[2]), pid[3])
        if kind == "efun":
            return code.export(atom(pid[1]), atom(pid[2]), pid[3]).fun
        if kind == "funentry":
            return self.mod.funs[pid[1]]
        if kind == "catch":
            return CatchTag(self.mod, pid[1])
        if kind == "module":
            return self.mod
        if kind == "bif":
            return registry.BIFS[pid[1:]][0]
        if kind == "py":
            obj = _PY_OBJECTS.get(pid)
            if obj is None:
                obj = importlib.import_module(pid[1])
                for part in pid[2].split("."):
                    obj = getattr(obj, part)
                _PY_OBJECTS[pid] = obj
            return obj
        raise pickle.UnpicklingError("unknown object %r" % (pid,))


def _read_cache(path, mod):
    if _DISABLED:
        return None
    try:
        with open(path, "rb") as f:
            data = f.read()
        n = int.from_bytes(data[:8], "little")
        code = marshal.loads(data[8:8 + n])
        consts, lines, tails, names = _Unpickler(io.BytesIO(data[8 + n:]), mod).load()
        return code, consts, lines, tails, names
    except Exception:
        return None


def _write_cache(path, mod, art):
    if _DISABLED:
        return
    code, consts, lines, tails, names = art
    try:
        buf = io.BytesIO()
        _Pickler(buf, mod).dump((consts, lines, tails, names))
        blob = marshal.dumps(code)
        d = os.path.dirname(path)
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(len(blob).to_bytes(8, "little"))
            f.write(blob)
            f.write(buf.getvalue())
        os.replace(tmp, path)
    except Exception:
        # an unpicklable constant or an unwritable directory: no cache entry
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass
