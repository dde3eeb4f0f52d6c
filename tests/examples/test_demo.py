"""The demo (examples/exchange, run by scripts/demo.sh): the exchange OTP
application is compiled with the real erlc and run on real erl and on erlpy's
CLI; erlpy must print exactly what erl prints and exit with status 0. The
logger's supervisor report for the killed order book goes to stderr on both."""

import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APP = os.path.join(ROOT, "examples", "exchange")
EVAL = "exchange_demo:run()"


def build(ebin):
    src = os.path.join(APP, "src")
    erls = sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith(".erl"))
    subprocess.run(["erlc", "-o", ebin] + erls, check=True, cwd=APP)
    shutil.copy(os.path.join(src, "exchange.app.src"), os.path.join(ebin, "exchange.app"))


def erlpy_command():
    exe = os.path.join(ROOT, ".venv", "bin", "erlpy")
    if os.path.exists(exe):
        return [exe]
    return [sys.executable, "-m", "erlpy"]


def run(cmd, ebin):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(ROOT, "src") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(cmd + ["-noshell", "-pa", ebin, "-eval", EVAL], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)


@pytest.fixture(scope="module")
def ebin(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("exchange_ebin"))
    build(out)
    return out


@pytest.fixture(scope="module")
def erl_run(ebin):
    return run(["erl"], ebin)


@pytest.fixture(scope="module")
def erlpy_run(ebin):
    return run(erlpy_command(), ebin)


def supervisor_report(stderr):
    text = stderr.decode("utf-8", "replace")
    return ("SUPERVISOR REPORT" in text and "{local,exchange_sup}" in text
            and "child_terminated" in text and "{book,grand_national}" in text)


def test_reference_on_erl(erl_run):
    out = erl_run.stdout.decode()
    assert erl_run.returncode == 0, erl_run.stderr.decode()
    # Deterministic: nothing that changes from run to run.
    assert "<0." not in out and "#Ref" not in out
    assert "  dave    lay  grand_national   30 @ 3.20  #4 matched 5 @ 3.00 with alice, " \
           "10 @ 3.10 with bob; resting 15\n" in out
    assert "exchange_sup restarted it: true\n" in out
    assert "money in = money out: true\n" in out
    assert out.endswith("stopping\n")
    assert supervisor_report(erl_run.stderr)


def test_erlpy_prints_what_erl_prints(erl_run, erlpy_run):
    assert erl_run.returncode == 0
    assert erlpy_run.stdout.decode("utf-8", "replace") == erl_run.stdout.decode(), \
        erlpy_run.stderr.decode("utf-8", "replace")[-3000:]
    assert erlpy_run.returncode == 0, erlpy_run.stderr.decode("utf-8", "replace")[-3000:]


def test_erlpy_logs_the_supervisor_report(erlpy_run):
    assert supervisor_report(erlpy_run.stderr), erlpy_run.stderr.decode("utf-8", "replace")[-3000:]
