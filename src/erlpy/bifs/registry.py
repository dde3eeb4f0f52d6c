"""How Python functions become BIFs.

    @bif("erlang", "atom_to_list", 1)
    def atom_to_list(a): ...

A BIF takes its Erlang arguments positionally and returns a term, or a
`Trap(export, args)` to continue in Erlang code (apply/3 and friends; they
are registered with traps=True). It
raises ErlangError for Erlang errors (`raise badarg()`); the engine adds the
stack frame {M, F, Args, [{error_info, #{module => ...}}]} as BEAM does,
unless the BIF is registered with frame=False (error/1, throw/1, the
arithmetic operators...). The running process is `VM.current`.

install(code_table) binds every registered BIF to its export entry.
"""

from ..terms import atom, A, Map

__all__ = ["bif", "BIFS", "install", "ERROR_INFO_MODULE", "native_functions", "signature"]

BIFS = {}   # (module, name, arity) -> (function, frame, error_info_module)

# Which module explains a BIF's errors (the error_info in its stack frame).
ERROR_INFO_MODULE = {
    "erlang": "erl_erts_errors",
    "erts_internal": "erl_erts_errors",
    "persistent_term": "erl_erts_errors",
    "atomics": "erl_erts_errors",
    "counters": "erl_erts_errors",
    "lists": "erl_stdlib_errors",
    "maps": "erl_stdlib_errors",
    "binary": "erl_stdlib_errors",
    "ets": "erl_stdlib_errors",
    "unicode": "erl_stdlib_errors",
    "math": "erl_stdlib_errors",
    "re": "erl_stdlib_errors",
    "io": "erl_stdlib_errors",
    "os": "erl_kernel_errors",
    "code": "erl_kernel_errors",
}


_NATIVE = {}    # module name -> {(name, arity)}: its functions implemented in Python
_SIGNATURE = []


def native_functions(module):
    """(name, arity) of `module`'s functions implemented in Python (BIFs of
    modules other than erlang, NIFs). The loader replaces their bodies with a
    call to the export entry, so local calls reach the Python function too,
    as BEAM's loader patches NIF and BIF stubs."""
    if module is None or module.name == "erlang":
        return ()
    return _NATIVE.get(module.name, ())


def signature():
    """A digest of every native function's name and trap flag: prepared and
    compiled code depends on which stubs the loader replaced and after which
    calls the JIT checks for a Trap."""
    if not _SIGNATURE:
        import hashlib
        names = sorted((key, getattr(fn, "traps", False)) for key, (fn, _frame) in BIFS.items())
        _SIGNATURE.append(hashlib.md5(repr(names).encode()).hexdigest()[:12])
    return _SIGNATURE[0]


def bif(module, name, arity, frame=True, traps=False):
    """Register the decorated function as module:name/arity. `traps`: it may
    return a Trap (the JIT checks for one only after such BIFs)."""
    def deco(fn):
        BIFS[(module, name, arity)] = (fn, frame)
        _NATIVE.setdefault(module, set()).add((name, arity))
        del _SIGNATURE[:]
        fn.traps = traps
        return fn
    return deco


def install(code):
    """Bind all registered BIFs to export entries of `code` (a CodeTable)."""
    infos = {}
    for (m, f, a), (fn, frame) in BIFS.items():
        e = code.export(atom(m), atom(f), a)
        e.bif = fn
        e.bif_frame = frame
        info_mod = ERROR_INFO_MODULE.get(m)
        if info_mod is not None:
            info = infos.get(info_mod)
            if info is None:
                info = infos[info_mod] = Map.from_pairs([(A.module, atom(info_mod))])
            e.error_info = info
