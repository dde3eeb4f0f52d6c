"""The interactive shell of `erlpy` (no -noshell) on a real terminal, as a
user sees `erl`: OTP's user_drv runs over the tty_sl driver on a
pseudo-terminal, edlin echoes what is typed, the shell evaluates it, q().
stops the node with status 0 and the terminal gets its mode back. The
expected text is what OTP 25's `erl` prints for the same keystrokes."""

import fcntl
import os
import select
import subprocess
import sys
import termios
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOOT_TIMEOUT = 120      # a first run fills the JIT cache
STEP_TIMEOUT = 30


def _controlling_terminal():
    # in the child, after setsid: the pty becomes its terminal, so ^C is SIGINT
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    def __init__(self, args=()):
        self.master, self.slave = os.openpty()
        self.mode = termios.tcgetattr(self.slave)
        env = dict(os.environ, TERM="xterm", LC_ALL="C.UTF-8",
                   PYTHONPATH=os.path.join(ROOT, "src"))
        env.pop("COLUMNS", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "erlpy"] + list(args),
                                     stdin=self.slave, stdout=self.slave, stderr=self.slave,
                                     cwd=ROOT, env=env, start_new_session=True,
                                     preexec_fn=_controlling_terminal)
        self.out = b""

    def expect(self, text, timeout=STEP_TIMEOUT):
        """Read until `text` has been written after what expect() last saw."""
        end = time.time() + timeout
        while text not in self.out:
            left = end - time.time()
            if left <= 0:
                raise AssertionError("no %r within %ss; the terminal shows:\n%r"
                                     % (text, timeout, self.out))
            r, _, _ = select.select([self.master], [], [], min(left, 0.2))
            if r:
                try:
                    self.out += os.read(self.master, 65536)
                except OSError:
                    pass
            elif self.proc.poll() is not None and text not in self.out:
                raise AssertionError("erlpy exited (%s) before %r; the terminal shows:\n%r"
                                     % (self.proc.returncode, text, self.out))
        i = self.out.index(text) + len(text)
        seen, self.out = self.out[:i], self.out[i:]
        return seen

    def type(self, keys):
        os.write(self.master, keys)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def term():
    t = Terminal()
    yield t
    t.close()


def test_shell_evaluates_reports_errors_and_quits(term):
    banner = term.expect(b"1> ", BOOT_TIMEOUT)
    assert banner.startswith(b"Erlang/OTP 25 [erts-13.1.5]")
    assert banner.endswith(b"\r\n\r\nEshell V13.1.5  (abort with ^G)\r\n1> ")
    # the terminal is raw while the shell runs: edlin does the echo
    lflag = termios.tcgetattr(term.slave)[3]
    assert not lflag & (termios.ICANON | termios.ECHO)

    term.type(b"lists:seq(1,5).\r")
    assert term.expect(b"2> ") == b"lists:seq(1,5).\r\n[1,2,3,4,5]\r\n2> "

    term.type(b"1/0.\r")
    assert term.expect(b"3> ") == (
        b"1/0.\r\n"
        b"** exception error: an error occurred when evaluating an arithmetic expression\r\n"
        b"     in operator  '/'/2\r\n"
        b"        called as 1 / 0\r\n"
        b"3> ")

    term.type(b"q().\r")
    assert term.expect(b"ok\r\n") == b"q().\r\nok\r\n"
    assert term.proc.wait(STEP_TIMEOUT) == 0
    assert termios.tcgetattr(term.slave) == term.mode


def test_line_editing_and_unicode(term):
    term.expect(b"1> ", BOOT_TIMEOUT)
    # A typo rubbed out, the cursor moved left over ".", text inserted there,
    # a backspace in the middle of the line, and "]" making the cursor blink
    # on its "[" until Enter: edlin's MOVE/INSC/DELC commands, drawn by the
    # driver as erl draws them (each key waits for its echo, so that edlin
    # sees the keys one chunk at a time, as a person types them).
    keys = [(b"lists:seq(1,3x", b"lists:seq(1,3x"),
            (b"\x7f", b"\x08 \x08"),
            (b").", b")."),
            (b"\x1b[D", b"\x08"),
            (b"++[5", b"+.\x08+.\x08[.\x085.\x08"),
            (b"\x7f", b"\x08. \x08\x08"),
            (b"4]", b"4.\x08].\x08\x08\x08\x08"),      # on "[" ...
            (b"", b"\x1b[C\x1b[C\x1b[C"),                 # ... for a second
            (b"\r", b"\x1b[C\r\n[1,2,3,4]\r\n2> ")]
    for typed, echo in keys:
        if typed:
            term.type(typed)
        assert term.expect(echo) == echo
    term.type(u'io:format("~ts~n", [[228, 8364, 128512]]).\r'.encode())
    assert term.expect(b"3> ") == u'io:format("~ts~n", [[228, 8364, 128512]]).\r\n' \
        u'\u00e4\u20ac\U0001F600\r\nok\r\n3> '.encode()
    term.type(b"halt().\r")
    assert term.proc.wait(STEP_TIMEOUT) == 0
    assert termios.tcgetattr(term.slave) == term.mode


def test_ctrl_c_opens_the_break_menu(term):
    term.expect(b"1> ", BOOT_TIMEOUT)
    term.type(b"\x03")          # the terminal sends SIGINT, as to erl
    term.expect(b"BREAK: (a)bort (A)bort with dump (c)ontinue (p)roc info (i)nfo\r\n"
                b"       (l)oaded (v)ersion (k)ill (D)b-tables (d)istribution\r\n")
    term.type(b"x")
    term.expect(b"Invalid option 'x'. Please enter one of the following:\r\nBREAK:")
    term.expect(b"(d)istribution\r\n")
    term.type(b"c")             # continue: the shell goes on where it was
    time.sleep(0.5)             # (the menu reads what is typed with the key, as BEAM's)
    term.type(b"lists:seq(1,3).\r")
    term.expect(b"[1,2,3]\r\n2> ")
    term.type(b"\x03")
    term.expect(b"(d)istribution\r\n")
    term.type(b"a")             # abort: the node stops at once, status 0
    assert term.proc.wait(STEP_TIMEOUT) == 0
    lflag = termios.tcgetattr(term.slave)[3]
    assert lflag & termios.ICANON
