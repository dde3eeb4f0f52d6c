"""Every beam that OTP 25 and Elixir 1.14 ship loads without a loader error."""

import os

import pytest

from erlpy.loader.load import prepare
from erlpy.code.table import CodeTable
from erlpy.emu.ops import build_closure
from tests.shipped import BEAMS


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
