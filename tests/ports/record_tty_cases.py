"""Record what OTP's own tty_sl driver writes for tty_cases.CASES: runs real
`erl` under a pseudo-terminal 20 columns wide for each case and prints the
EXPECTED table to paste into tty_cases.py.

    python tests/ports/record_tty_cases.py
"""

import json
import os
import pty
import re
import select
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))

from tests.erlc import compile_erlang  # noqa: E402
from tests.ports.tty_cases import CASES, ERL_SRC  # noqa: E402


def erl_ops(ops):
    out = []
    for op in ops:
        if op[0] == "cmd":
            out.append("{cmd,<<%s>>}" % ",".join(str(b) for b in op[1]))
        else:
            out.append("{ctl,%d,%s}" % (op[1], "[%s]" % ",".join(str(b) for b in op[2])))
    return "[%s]" % ",".join(out)


def record(locale, ops, ebin):
    res = tempfile.NamedTemporaryFile(suffix=".txt", delete=False)
    res.close()
    expr = ('R = tty_drv_test:run("", %s), file:write_file("%s", io_lib:format("~w", [R])), '
            'halt().' % (erl_ops(ops), res.name))
    pid, fd = pty.fork()
    if pid == 0:
        import fcntl
        import termios
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 20, 0, 0))
        env = dict(os.environ, TERM="xterm", COLUMNS="20", LC_ALL=locale)
        os.execvpe("erl", ["erl", "-noinput", "-pa", ebin, "-eval", expr], env)
    out = b""
    deadline = time.time() + 30
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                d = os.read(fd, 4096)
            except OSError:
                break
            if not d:
                break
            out += d
    os.waitpid(pid, 0)
    with open(res.name) as f:
        text = f.read()
    os.unlink(res.name)
    return out, json.loads(re.sub(r"[a-z]+", r'"\g<0>"', text))


def main():
    ebin = compile_erlang(ERL_SRC)
    print("EXPECTED = {")
    for name, (locale, ops) in CASES.items():
        out, results = record(locale, ops, ebin)
        print("    %r: (%r,\n        %r)," % (name, out, results))
    print("}")


if __name__ == "__main__":
    main()
