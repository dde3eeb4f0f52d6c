"""The module table: loaded modules (current and old version), export
entries that call sites bind to, and fun entries.

An Export is the one object per {M, F, A}: call sites hold it and see
whatever currently implements the function (Erlang code, a BIF, a NIF), or
nothing, in which case the engines go through error_handler as BEAM does.
"""

import bisect
from ..terms import atom, Atom, ExportFun, Fun, A
from ..loader.load import prepare, BadBeam
from ..loader import cache

__all__ = ["Export", "Module", "FunEntry", "CodeTable", "BadBeam"]


class Export:
    """An export entry. `module_obj` + `entry` locate Erlang code; `bif` is a
    Python callable taking the arguments positionally (BIFs, NIFs)."""

    __slots__ = ("module", "function", "arity", "module_obj", "entry", "bif", "fun",
                 "engine_entry", "bif_frame", "error_info")

    def __init__(self, module, function, arity):
        self.module = module
        self.function = function
        self.arity = arity
        self.module_obj = None
        self.entry = -1
        self.bif = None
        self.fun = ExportFun(module, function, arity, self)
        self.engine_entry = None   # engine-specific callable cache (JIT)
        self.bif_frame = True      # whether a failing BIF shows up as a stack frame
        self.error_info = None     # the #{module => M} map of that frame, or None

    def __repr__(self):
        return "%s:%s/%d" % (self.module.name, self.function.name, self.arity)


class FunEntry:
    """A fun's code: module, index, old_uniq (for term identity), total arity
    (free variables + parameters), and where its code starts."""

    __slots__ = ("module", "name", "index", "old_uniq", "arity", "nfree", "entry",
                 "module_obj", "uniq", "engine_entry")

    def __init__(self, module, name, index, old_uniq, arity, nfree, entry, module_obj, uniq):
        self.module = module
        self.name = name
        self.index = index
        self.old_uniq = old_uniq
        self.arity = arity
        self.nfree = nfree
        self.entry = entry
        self.module_obj = module_obj
        self.uniq = uniq
        self.engine_entry = None   # the JIT's function for this fun's code


_BODY = ("code", "loc", "func_of", "lines", "line_fnames", "literals", "strings", "types")


class Module:
    """An installed version of a module."""

    __slots__ = ("name", "code", "loc", "func_of", "functions", "exports", "funs",
                 "imports", "lines", "line_fnames", "attributes", "compile_info", "md5",
                 "on_load", "literals", "strings", "emu_code", "old", "beam_bytes",
                 "local_entries", "types", "jit", "export_list", "prepared",
                 "function_starts")

    def __getattr__(self, name):
        # code, line tables, literals...: unset until first asked for (a
        # module whose compiled code comes from the JIT cache may never be)
        if name in _BODY:
            pm = object.__getattribute__(self, "prepared")
            for field in _BODY:
                setattr(self, field, getattr(pm, field))
            self.prepared = None
            return object.__getattribute__(self, name)
        raise AttributeError(name)

    def __init__(self, pm):
        self.name = pm.name
        self.prepared = pm      # the code itself is read from it on first use
        self.functions = pm.functions      # [(F, A, func_info pc)] in code order
        self.function_starts = None
        self.attributes = pm.attributes
        self.compile_info = pm.compile_info
        self.md5 = pm.md5
        self.on_load = pm.on_load
        self.emu_code = None   # closures built by the interpreter on first run
        self.jit = None
        self.old = False
        self.exports = {}
        self.export_list = pm.exports  # [(F, A, entry pc)]
        self.imports = []
        self.funs = []

    # -- locations for stack traces ------------------------------------------
    def mfa_at(self, pc):
        """(module, function, arity) of the function containing instruction pc."""
        starts = self.function_starts
        if starts is None:
            starts = self.function_starts = [start for _f, _a, start in self.functions]
        i = bisect.bisect_right(starts, pc) - 1
        if i >= 0:
            f, a, _ = self.functions[i]
            return self.name, f, a
        return self.name, A.undefined, 0

    def location_at(self, pc):
        """[(file, name), (line, n)] as Python pairs, or [] without line info."""
        if self.lines is None or not 0 <= pc < len(self.loc):
            return []
        li = self.loc[pc]
        if li <= 0 or li >= len(self.lines):
            return []
        fidx, line = self.lines[li]
        if fidx == 0:
            fname = self.name.name + ".erl"
        elif fidx - 1 < len(self.line_fnames):
            fname = self.line_fnames[fidx - 1]
        else:
            return []
        return [("file", fname), ("line", line)]

    def __repr__(self):
        return "<module %s>" % self.name.name


class CodeTable:
    """All modules and export entries of one VM."""

    def __init__(self):
        self.exports = {}   # (M, F, A) -> Export
        self.modules = {}   # Atom -> Module (current)
        self.old = {}       # Atom -> Module (old code, until purged)
        self.funs = {}      # (module, index, old_uniq) -> FunEntry of current code
        self.pending = {}   # Atom -> Module loaded but waiting for its on_load function
        self.on_install = []  # callbacks(module) run after a module is installed

    def export(self, m, f, a):
        """The export entry for m:f/a, created on first reference."""
        key = (m, f, a)
        e = self.exports.get(key)
        if e is None:
            e = self.exports[key] = Export(m, f, a)
        return e

    def prepare(self, data):
        """Parse and specialise (or take it from the prepared-code cache);
        BadBeam on malformed input."""
        k = cache.key(data)
        pm = cache.load(k)
        if pm is None:
            pm = prepare(data)
            cache.store(k, pm)
        return pm

    def install(self, pm, beam_bytes=None):
        """Make a prepared module the current version. The previous current
        version becomes old code (must be purged first, as BEAM requires)."""
        return self.make_current(self.load(pm, beam_bytes))

    def stage_on_load(self, pm, beam_bytes=None):
        """Load a module with an on_load function: its code is there to run
        that function, but its exports stay as they are until
        finish_on_load (erlang:finish_after_on_load/2)."""
        mod = self.pending[pm.name] = self.load(pm, beam_bytes)
        return mod

    def finish_on_load(self, name, ok):
        """The on_load function returned: make the module current (ok) or
        drop it. False if no module of that name was waiting."""
        mod = self.pending.pop(name, None)
        if mod is None:
            return False
        if ok:
            self.make_current(mod)
        return True

    def load(self, pm, beam_bytes=None):
        """A Module for prepared code, not yet reachable through exports."""
        name = pm.name
        mod = Module(pm)
        mod.beam_bytes = beam_bytes
        mod.imports = [self.export(m, f, a) for (m, f, a) in pm.imports]
        uniq = pm.md5
        for (fname, arity, entry, idx, nfree, ouniq) in pm.funs:
            fe = FunEntry(name, fname, idx, ouniq, arity, nfree, entry, mod, uniq)
            mod.funs.append(fe)
        local_entries = {}
        for f, a, pc in pm.functions:
            local_entries[(f, a)] = pc + 1  # entry follows func_info
        mod.local_entries = local_entries
        return mod

    def make_current(self, mod):
        name = mod.name
        prev = self.modules.get(name)
        if prev is not None:
            prev.old = True
            self.old[name] = prev
            # exports of the old version stop pointing at it
            for e in prev.exports.values():
                e.module_obj = None
                e.entry = -1
                e.engine_entry = None
        for f, a, pc in mod.export_list:
            e = self.export(name, f, a)
            mod.exports[(f, a)] = e
            e.module_obj = mod
            e.entry = pc
            e.engine_entry = None
        for fe in mod.funs:
            self.funs[(name, fe.index, fe.old_uniq)] = fe
        self.modules[name] = mod
        for cb in self.on_install:
            cb(mod)
        return mod

    def delete(self, name):
        """erlang:delete_module: current code becomes old. False if not loaded
        or old code still exists."""
        mod = self.modules.get(name)
        if mod is None or name in self.old:
            return False
        mod.old = True
        self.old[name] = mod
        del self.modules[name]
        for e in mod.exports.values():
            e.module_obj = None
            e.entry = -1
            e.engine_entry = None
        return True

    def purge(self, name):
        """Drop old code; True if there was any."""
        return self.old.pop(name, None) is not None

    def fun_entry(self, module, index, old_uniq):
        return self.funs.get((module, index, old_uniq))

    def is_loaded(self, name):
        return name in self.modules
