"""Every beam that OTP 25 and Elixir 1.14 ship loads without a loader error."""

import glob
import os

import pytest

from erlpy.loader.load import prepare
from erlpy.code.table import CodeTable
from erlpy.emu.ops import build_closure

PATTERNS = [
    "/usr/lib/erlang/lib/erts-*/ebin/*.beam",
    "/usr/lib/erlang/lib/kernel-*/ebin/*.beam",
    "/usr/lib/erlang/lib/stdlib-*/ebin/*.beam",
    "/usr/lib/erlang/lib/compiler-*/ebin/*.beam",
    "/usr/lib/elixir/lib/elixir/ebin/*.beam",
]


def _beams():
    out = []
    for p in PATTERNS:
        out.extend(sorted(glob.glob(p)))
    return out


BEAMS = _beams()


@pytest.mark.skipif(not BEAMS, reason="OTP is not installed")
def test_every_shipped_beam_loads_and_every_instruction_has_an_interpreter_closure():
    code = CodeTable()
    failures = []
    for path in BEAMS:
        try:
            with open(path, "rb") as f:
                data = f.read()
            mod = code.install(prepare(data), data)
            for pc, ins in enumerate(mod.code):
                build_closure(mod, pc, ins)
        except Exception as e:  # collect them all, report together
            failures.append("%s: %s: %s" % (os.path.basename(path), type(e).__name__, e))
    assert not failures, "\n".join(failures[:50])
    assert len(BEAMS) > 400
