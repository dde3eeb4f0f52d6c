"""Shared set-up of the NIF tests: one booted VM reused by all of them (a
boot per test file would cost its start-up again), and the results of a test
module's scenarios on real erl to compare erlpy's with."""

import os
import shutil
import subprocess
import tempfile

from erlpy.code.contract import VM
from erlpy.terms import A, estr, to_pylist, eq_exact, format_term
from erlpy.terms.etf import binary_to_term


def booted_vm(*code_dirs):
    rt = VM.runtime
    vm = getattr(rt, "vm", None) if rt is not None else None
    if vm is None or not getattr(vm, "booted", False):
        from erlpy.api.vm import ErlangVM
        return ErlangVM(code_path=list(code_dirs)).start()
    for d in code_dirs:
        assert vm.call("code", "add_patha", [estr(d)]) is A.true
    return vm


def erl_results(beam_dir, module, *args):
    """{scenario name: result} from real erl running module:all(Args..., Out),
    which writes its [{Name, Result}] to the file Out as external terms."""
    tmp = tempfile.mkdtemp(prefix="erlpy_" + module)
    try:
        out = os.path.join(tmp, "erl.bin")
        call = "%s:all(%s), halt()." % (module, ", ".join('"%s"' % a for a in args + (out,)))
        subprocess.run(["erl", "-noshell", "-pa", beam_dir, "-eval", call],
                       check=True, timeout=60)
        with open(out, "rb") as fh:
            return {name.name: result
                    for name, result in to_pylist(binary_to_term(fh.read()))}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def diff_results(got, want):
    """Where erlpy's result differs from erl's, element by element for lists."""
    try:
        gl, wl = to_pylist(got), to_pylist(want)
    except Exception:
        gl, wl = [got], [want]
    lines = ["#%d: erl %s / erlpy %s" % (i, format_term(w), format_term(g))
             for i, (w, g) in enumerate(zip(wl, gl)) if not eq_exact(w, g)]
    return "\n".join(lines) or "erl %s / erlpy %s" % (format_term(want), format_term(got))
