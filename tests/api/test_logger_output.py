"""Logger output under the real boot looks like OTP's: the emulator's
'Error in process' report, logger:error/2 and a proc_lib crash report,
compared with real erl after masking pids, times and memory figures (the
supervisor report is checked by tests/examples/test_demo.py)."""

import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _mask(text):
    text = re.sub(r"<\d+\.\d+\.\d+>", "<PID>", text)
    text = re.sub(r"\d\d-\w\w\w-\d{4}::\d\d:\d\d:\d\d\.\d+", "TIME", text)
    text = re.sub(r"(heap_size|stack_size|reductions): \d+", r"\1: N", text)
    return text


def _run(cmd, code):
    r = subprocess.run(cmd + ["-noshell", "-eval", code], capture_output=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src")))
    return r.returncode, _mask(r.stdout.decode("latin-1")), _mask(r.stderr.decode("latin-1"))


@pytest.mark.skipif(shutil.which("erl") is None, reason="real erl is the reference")
def test_error_reports_match_erl():
    code = ("spawn(fun() -> 1/0 end), timer:sleep(200), "
            "logger:error(\"oops ~p\", [x]), timer:sleep(200), "
            "proc_lib:spawn(fun() -> exit(crash) end), timer:sleep(200), halt().")
    want = _run(["erl"], code)
    # the first run may compile the logger's modules while the program's
    # sleeps run out (an empty JIT cache); the second shows the output order
    _run([sys.executable, "-m", "erlpy"], code)
    got = _run([sys.executable, "-m", "erlpy"], code)
    assert "Error in process <PID> with exit value:" in want[1]
    assert got == want
