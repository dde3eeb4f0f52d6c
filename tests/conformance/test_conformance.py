"""The conformance corpus: every program must print exactly what OTP 25 prints.

All programs run once per session (in parallel), then one test per program
checks its result. KNOWN_FAILURES lists programs that do not pass yet, with
the reason; they are strict xfails, so a fixed program must leave the list.
"""

import shutil

import pytest

from . import runner

KNOWN_FAILURES = {
}

pytestmark = pytest.mark.skipif(
    not runner.programs() or shutil.which("erlc") is None,
    reason="the conformance corpus (../shared/conformance) or erlc is missing")


@pytest.fixture(scope="session")
def cpython_results():
    return runner.run_all()


@pytest.mark.parametrize("module", runner.programs())
def test_conformance(module, cpython_results, request):
    if module in KNOWN_FAILURES:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_FAILURES[module], strict=True))
    r = cpython_results[module]
    assert r.ok, r.explain()
