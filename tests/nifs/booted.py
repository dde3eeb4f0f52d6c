"""One booted VM per Python process for the NIF tests.

A node's named ETS tables (the logger's, the code server's...) live in the
process, so a second ErlangVM().start() in the same pytest run finds them
taken. The NIF tests therefore reuse the VM an earlier test booted, adding
their code directories to its code path."""

from erlpy.code.contract import VM
from erlpy.terms import A, estr


def booted_vm(*code_dirs):
    rt = VM.runtime
    vm = getattr(rt, "vm", None) if rt is not None else None
    if vm is None or not getattr(vm, "booted", False):
        from erlpy.api.vm import ErlangVM
        return ErlangVM(code_path=list(code_dirs)).start()
    for d in code_dirs:
        assert vm.call("code", "add_patha", [estr(d)]) is A.true
    return vm
