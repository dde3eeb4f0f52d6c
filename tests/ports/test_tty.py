"""The tty_sl driver (erlpy.ports.tty) on a pseudo-terminal: Erlang code
opens it as user_drv does, the test reads what reaches the terminal on the
pty's master side and types on it. Output is compared byte for byte with what
OTP's own driver wrote for the same commands (tests/ports/tty_cases.py)."""

import fcntl
import os
import select
import struct
import termios
import time

import pytest

from erlpy.api.vm import ErlangVM
from erlpy.ports import tty
from erlpy.terms import A, Atom, Cons, NIL, estr, from_seq, to_pylist, atom
from tests.erlc import compile_erlang, have_erlc
from tests.ports.tty_cases import CASES, EXPECTED, ERL_SRC, INPUT_CHUNKS, INPUT_EXPECTED

pytestmark = pytest.mark.skipif(not have_erlc(), reason="erlc is not installed")


@pytest.fixture(scope="module")
def vm():
    d = compile_erlang(ERL_SRC)
    vm = ErlangVM(code_path=[d])
    for m in ("erlang", "erts_internal", "error_handler", "tty_drv_test"):
        vm.ensure_loaded(atom(m))
    return vm


@pytest.fixture
def pty_pair(monkeypatch):
    """(master fd, slave device path) of a 20x10 xterm; the driver is let
    open although the test's own stdin/stdout are not terminals."""
    monkeypatch.setattr(tty, "_stdio_is_tty", lambda: True)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "20")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 20, 0, 0))
    yield master, slave, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def read_master(fd, wait=0.05):
    out = b""
    while True:
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            return out
        try:
            d = os.read(fd, 4096)
        except OSError:
            return out
        if not d:
            return out
        out += d


def erl_ops(ops):
    terms = []
    for op in ops:
        if op[0] == "cmd":
            terms.append((A.cmd, op[1]))
        else:
            terms.append((A.ctl, op[1], from_seq(op[2])))
    return from_seq(terms)


def plain(t):
    if type(t) is Atom:
        return t.name
    if t is NIL or type(t) is Cons:
        return [plain(x) for x in to_pylist(t)]
    if type(t) is tuple:
        return tuple(plain(x) for x in t)
    return t


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_as_otp_driver(vm, pty_pair, monkeypatch, name):
    master, slave, dev = pty_pair
    locale, ops = CASES[name]
    monkeypatch.setenv("LC_ALL", locale)
    before = termios.tcgetattr(slave)
    r = vm.call("tty_drv_test", "run", [estr(" " + dev), erl_ops(ops)])
    out = read_master(master)
    want_out, want_results = EXPECTED[name]
    assert plain(r) == want_results
    assert out == want_out
    assert termios.tcgetattr(slave) == before


def test_raw_mode_while_open_and_restored_on_close(vm, pty_pair):
    master, slave, dev = pty_pair
    before = termios.tcgetattr(slave)
    assert before[3] & termios.ICANON and before[3] & termios.ECHO
    assert vm.call("tty_drv_test", "start", [estr("tty_sl -c -e " + dev)]) is A.ok
    try:
        iflag, oflag, cflag, lflag, _, _, cc = termios.tcgetattr(slave)
        assert not lflag & (termios.ICANON | termios.ECHO)
        assert not oflag & termios.OPOST and not iflag & (termios.ICRNL | termios.ISTRIP)
        assert lflag & termios.ISIG == before[3] & termios.ISIG     # no -s: left alone
        assert cc[termios.VMIN] in (1, b"\x01") and cc[termios.VTIME] in (0, b"\x00")
        assert plain(vm.call("tty_drv_test", "call", [A.info])) == \
            ("name", list(("tty_sl -c -e " + dev).encode()))
    finally:
        assert vm.call("tty_drv_test", "call", [A.stop]) is A.ok
    assert termios.tcgetattr(slave) == before


def test_flags_plus_and_signals(vm, pty_pair):
    master, slave, dev = pty_pair
    termios.tcsetattr(slave, termios.TCSANOW, _mode_without(slave, termios.ECHO))
    before = termios.tcgetattr(slave)
    assert vm.call("tty_drv_test", "start", [estr("tty_sl +e -s " + dev)]) is A.ok
    try:
        iflag, _, _, lflag, _, _, _ = termios.tcgetattr(slave)
        assert lflag & termios.ECHO and lflag & termios.ICANON
        assert not lflag & (termios.ISIG | termios.IEXTEN) and not iflag & termios.IXON
    finally:
        vm.call("tty_drv_test", "call", [A.stop])
    assert termios.tcgetattr(slave) == before


def _mode_without(fd, lflag_bits):
    m = termios.tcgetattr(fd)
    m[3] &= ~lflag_bits
    return m


def take(vm, deadline=3.0):
    end = time.time() + deadline
    while True:
        got = plain(vm.call("tty_drv_test", "call", [(A.take, 20)]))
        if got or time.time() > end:
            return got


def test_keyboard_input_as_otp_driver(vm, pty_pair):
    master, slave, dev = pty_pair
    assert vm.call("tty_drv_test", "start", [estr("tty_sl -c -e " + dev)]) is A.ok
    try:
        for chunk, want in zip(INPUT_CHUNKS, INPUT_EXPECTED):
            os.write(master, chunk)
            got = take(vm)
            while len(got) < len(want):
                got += take(vm)
            assert got == [("data", list(w)) for w in want]
        assert plain(vm.call("tty_drv_test", "call", [(A.take, 0)])) == []
    finally:
        vm.call("tty_drv_test", "call", [A.stop])


def test_put_chars_sync_answers_and_controls(vm, pty_pair):
    master, slave, dev = pty_pair
    assert vm.call("tty_drv_test", "start", [estr("tty_sl -c -e " + dev)]) is A.ok
    try:
        assert vm.call("tty_drv_test", "call", [(A.cmd, b"\x05done\n")]) is A.true
        assert take(vm) == ["ok"]
        assert read_master(master) == b"done\r\n"
    finally:
        vm.call("tty_drv_test", "call", [A.stop])


def test_window_change_rewraps(vm, pty_pair, monkeypatch):
    """SIGWINCH makes the driver read the new width, as ttsl_drv.c's winch()."""
    import signal
    master, slave, dev = pty_pair
    vm.call("tty_drv_test", "start", [estr("tty_sl -c -e " + dev)])
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 10, 0, 0))
        os.kill(os.getpid(), signal.SIGWINCH)
        vm.call("tty_drv_test", "call", [(A.cmd, b"\x00" + b"x" * 12)])
        vm.call("tty_drv_test", "call", [(A.cmd, b"\x01\xff\xfe")])
        # 12 columns on a 10-column line: back 2 is back along the second line
        assert read_master(master) == b"x" * 12 + b"\x08\x08"
        vm.call("tty_drv_test", "call", [(A.cmd, b"\x01\xff\xf6")])
        assert read_master(master) == b"\x1b[A"
    finally:
        vm.call("tty_drv_test", "call", [A.stop])


def test_only_one_tty_driver_at_a_time(vm, pty_pair):
    master, slave, dev = pty_pair
    assert vm.call("tty_drv_test", "start", [estr("tty_sl -c -e " + dev)]) is A.ok
    try:
        assert vm.call("tty_drv_test", "open", [estr("tty_sl -c -e " + dev)]) is A.einval
    finally:
        vm.call("tty_drv_test", "call", [A.stop])
    assert vm.call("tty_drv_test", "open", [estr("tty_sl -c -e " + dev)]) is A.opened


@pytest.mark.parametrize("term", ["dumb", "no-such-terminal", None])
def test_terminal_that_cannot_move_the_cursor_fails(vm, pty_pair, monkeypatch, term):
    master, slave, dev = pty_pair
    before = termios.tcgetattr(slave)
    if term is None:
        monkeypatch.delenv("TERM")
    else:
        monkeypatch.setenv("TERM", term)
    assert vm.call("tty_drv_test", "open", [estr("tty_sl -c -e " + dev)]) is A.einval
    assert termios.tcgetattr(slave) == before


def test_not_a_terminal_fails_with_einval(vm, monkeypatch, tmp_path):
    monkeypatch.setattr(tty, "_stdio_is_tty", lambda: False)
    monkeypatch.setenv("TERM", "xterm")
    assert vm.call("tty_drv_test", "open", [estr("tty_sl -c -e")]) is A.einval
    monkeypatch.setattr(tty, "_stdio_is_tty", lambda: True)
    f = tmp_path / "file"
    f.write_bytes(b"")
    assert vm.call("tty_drv_test", "open", [estr("tty_sl -c -e " + str(f))]) is A.einval
    assert vm.call("tty_drv_test", "open", [estr("tty_sl -c -e /no/such/tty")]) is A.einval
    assert vm.call("tty_drv_test", "open", [estr("tty_sl  -c")]) is A.einval


def test_restore_terminal_at_exit(vm, pty_pair):
    master, slave, dev = pty_pair
    before = termios.tcgetattr(slave)
    assert vm.call("tty_drv_test", "start", [estr("tty_sl -c -e " + dev)]) is A.ok
    try:
        assert termios.tcgetattr(slave) != before
        tty.restore_terminal()
        assert termios.tcgetattr(slave) == before
    finally:
        vm.call("tty_drv_test", "call", [A.stop])


def test_terminfo_capabilities():
    xn, cols, caps = tty.read_terminfo("xterm")
    assert xn and cols == 80
    assert caps == {"up": b"\x1b[A", "do": b"\n", "le": b"\b", "nd": b"\x1b[C"}
    assert tty.read_terminfo("vt100")[2]["up"] == b"\x1b[A"      # $<2> padding dropped
    assert tty.read_terminfo("dumb")[2]["up"] is None
    assert tty.read_terminfo("no-such-terminal") is None
    assert tty.read_terminfo("../x") is None
