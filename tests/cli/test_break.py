"""Ctrl-C (SIGINT) without a terminal: +B ends the node at once with status 0,
+Bi ignores it, as beam.smp does (the BREAK menu itself is tested on a pty in
test_shell_pty.py)."""

import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _interrupted(flag, program):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    proc = subprocess.Popen([sys.executable, "-m", "erlpy", flag, "-noshell", "-eval",
                             "io:format(\"up~n\"), " + program],
                            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    assert proc.stdout.readline() == b"up\n"       # booted: the handler is in place
    proc.send_signal(signal.SIGINT)
    started = time.time()
    status = proc.wait(60)
    return status, time.time() - started


def test_plus_b_makes_ctrl_c_end_the_node():
    status, took = _interrupted("+B", "timer:sleep(30000), halt(4).")
    assert status == 0 and took < 20


def test_plus_bi_ignores_ctrl_c():
    status, _ = _interrupted("+Bi", "timer:sleep(1500), halt(5).")
    assert status == 5
