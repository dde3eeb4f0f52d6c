"""The conformance corpus: every program must print exactly what OTP 25 prints,
under CPython and under PyPy, on the JIT and on the interpreter.

All programs run once per session and interpreter (in parallel), then one
test per program checks its result. KNOWN_FAILURES lists programs that do
not pass yet, with the reason; they are strict xfails, so a fixed program
must leave the list.
"""

import shutil
import sys

import pytest

from . import runner

KNOWN_FAILURES = {}

KNOWN_FAILURES_PYPY = dict(KNOWN_FAILURES)

pytestmark = pytest.mark.skipif(
    not runner.programs() or shutil.which("erlc") is None,
    reason="the conformance corpus (../shared/conformance) or erlc is missing")


_RESULTS = {}


def _results(python, engine):
    """All programs' results under one interpreter and engine (run once, in parallel)."""
    key = (python, engine)
    if key not in _RESULTS:
        exe = sys.executable
        if python == "pypy":
            exe = shutil.which("pypy3")
            if exe is None:
                pytest.skip("pypy3 is not installed")
        _RESULTS[key] = runner.run_all(python=exe, engine=engine)
    return _RESULTS[key]


def _check(module, results, known, request):
    if module in known:
        request.applymarker(pytest.mark.xfail(reason=known[module], strict=True))
    r = results[module]
    assert r.ok, r.explain()


@pytest.mark.parametrize("engine", ["jit", "interp"])
@pytest.mark.parametrize("module", runner.programs())
def test_conformance_cpython(module, engine, request):
    _check(module, _results("cpython", engine), KNOWN_FAILURES, request)


@pytest.mark.parametrize("engine", ["jit", "interp"])
@pytest.mark.parametrize("module", runner.programs())
def test_conformance_pypy(module, engine, request):
    _check(module, _results("pypy", engine), KNOWN_FAILURES_PYPY, request)
