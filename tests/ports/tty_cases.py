"""Command sequences for the tty_sl driver and the bytes OTP 25's own driver
(ttsl_drv.c, erl 13.1.5) writes for them on an xterm 20 columns wide, with
the locale named. Recorded from real `erl` under a pseudo-terminal with
tests/ports/record_tty_cases.py; the tests replay them on erlpy's driver."""

ERL_SRC = r"""
-module(tty_drv_test).
-export([run/2, open/1, start/1, call/1]).

%% Open the driver ("tty_sl -c -e" ++ Extra), run the ops, close it.
run(Extra, Ops) ->
    P = open_port({spawn, "tty_sl -c -e" ++ Extra}, [eof]),
    R = [step(P, Op) || Op <- Ops],
    port_close(P),
    R.

step(P, {cmd, <<5, _/binary>> = Data}) ->
    true = port_command(P, Data),
    receive {P, ok} -> ok after 1000 -> none end;
step(P, {cmd, Data}) ->
    true = port_command(P, Data),
    receive {P, ok} -> ok after 0 -> none end;
step(P, {ctl, Op, Data}) ->
    case catch port_control(P, 16#018b0900 + Op, Data) of
        {'EXIT', {badarg, _}} -> badarg;
        R -> R
    end.

open(Cmd) ->
    case catch open_port({spawn, Cmd}, [eof]) of
        {'EXIT', {Reason, _}} -> Reason;
        P -> port_close(P), opened
    end.

%% A process that owns the port and collects what it sends.
start(Cmd) ->
    Self = self(),
    Pid = spawn(fun() -> init(Self, Cmd) end),
    receive {Pid, R} -> R end.

call(Req) ->
    tty_drv_test ! {self(), Req},
    receive {tty_drv_test, R} -> R end.

init(From, Cmd) ->
    process_flag(trap_exit, true),
    case catch open_port({spawn, Cmd}, [eof]) of
        P when is_port(P) ->
            register(tty_drv_test, self()),
            From ! {self(), ok},
            loop(P, []);
        {'EXIT', {Reason, _}} ->
            From ! {self(), Reason}
    end.

loop(P, Got) ->
    receive
        {P, {data, D}} -> loop(P, [{data, D} | Got]);
        {P, ok} -> loop(P, [ok | Got]);
        {'EXIT', P, R} -> loop(P, [{exit, R} | Got]);
        {From, {cmd, Data}} ->
            From ! {tty_drv_test, catch port_command(P, Data)},
            loop(P, Got);
        {From, {take, T}} ->
            receive after T -> ok end,
            G = drain(P, Got),
            From ! {tty_drv_test, rev(G, [])},
            loop(P, []);
        {From, info} ->
            From ! {tty_drv_test, erlang:port_info(P, name)},
            loop(P, Got);
        {From, stop} ->
            catch port_close(P),
            From ! {tty_drv_test, ok}
    end.

drain(P, Got) ->
    receive
        {P, {data, D}} -> drain(P, [{data, D} | Got]);
        {P, ok} -> drain(P, [ok | Got]);
        {'EXIT', P, R} -> drain(P, [{exit, R} | Got])
    after 0 -> Got
    end.

rev([], A) -> A;
rev([H | T], A) -> rev(T, [H | A]).
"""

PUTC, MOVE, INSC, DELC, BEEP, PUTC_SYNC = 0, 1, 2, 3, 4, 5


def cmd(op, arg=b""):
    if isinstance(arg, int):
        arg = (arg & 0xFFFF).to_bytes(2, "big")
    elif isinstance(arg, str):
        arg = arg.encode("utf-8")
    return ("cmd", bytes([op]) + arg)


def ctl(op, data=()):
    return ("ctl", op, list(data))


# name -> (locale, ops)
CASES = {
    "edit": ("C.UTF-8", [cmd(PUTC, "hello"), cmd(MOVE, -2), cmd(INSC, "XY"), cmd(DELC, 1),
                         cmd(DELC, -2), cmd(MOVE, 5), cmd(BEEP)]),
    "newlines": ("C.UTF-8", [cmd(PUTC, "abc\ndef"), cmd(MOVE, -2), cmd(PUTC, "X\r\n"),
                             cmd(PUTC, "tail")]),
    "control_chars": ("C.UTF-8", [cmd(PUTC, "a\tb\x01c\x7fd"), cmd(MOVE, -3), cmd(DELC, 1),
                                  cmd(MOVE, -2), cmd(INSC, "\x02")]),
    "ansi_colour": ("C.UTF-8", [cmd(PUTC, "\x1b[31mred\x1b[0m ok"), cmd(MOVE, -4),
                                cmd(INSC, "!"), cmd(DELC, -2)]),
    "wrap": ("C.UTF-8", [cmd(PUTC, "abcdefghijklmnopqrstuvwxy"), cmd(MOVE, -10),
                         cmd(INSC, "12"), cmd(DELC, -3), cmd(MOVE, 8), cmd(DELC, -12)]),
    "full_line": ("C.UTF-8", [cmd(PUTC, "0123456789abcdefghij"), cmd(PUTC, "k"),
                              cmd(MOVE, -3), cmd(PUTC, "\n")]),
    "unicode": ("C.UTF-8", [cmd(PUTC, "\u00e4\u20ac\U0001F600\u65e5\u672c"), cmd(MOVE, -3),
                            cmd(DELC, 1), cmd(INSC, "\u8a9e"), cmd(MOVE, 1)]),
    "wide_wrap": ("C.UTF-8", [cmd(PUTC, "\u65e5\u672c\u8a9e" * 3 + "ab"), cmd(MOVE, -5),
                              cmd(DELC, 2), cmd(INSC, "\u00e9\u00e9\u00e9")]),
    "unicode_off": ("C.UTF-8", [ctl(102, [0]), cmd(PUTC, "\u00e4\u20ac\U0001F600x"),
                                cmd(MOVE, -2), cmd(DELC, -1), ctl(101), ctl(102, [1]),
                                cmd(PUTC, "\u00e9")]),
    "latin_locale": ("C", [cmd(PUTC, "\u00e4\u20ac\u00ff!"), cmd(MOVE, -2), cmd(INSC, "b"),
                           ctl(101)]),
    "controls": ("C.UTF-8", [ctl(101), ctl(102), ctl(100), ctl(103), ctl(102, [7]), ctl(101),
                             cmd(PUTC_SYNC, "sync"), cmd(9, "ignored"), cmd(MOVE, 1000)]),
    "far_moves": ("C.UTF-8", [cmd(PUTC, "ab"), cmd(MOVE, -5), cmd(MOVE, 9), cmd(DELC, 10),
                              cmd(DELC, -10), cmd(PUTC, "c")]),
}

# Recorded with record_tty_cases.py: name -> (bytes written, results of the
# ops: 'ok'/'none' for commands (whether {Port, ok} came), the reply or
# 'badarg' for controls).
EXPECTED = {
    'edit': (b'hello\x08\x08XYlo\x08\x08o \x08\x08\x08\x08o  \x08\x08\x08\x1b[C\x07',
        ['none', 'none', 'none', 'none', 'none', 'none', 'none']),
    'newlines': (b'abc\r\ndef\x08\x08X\r\r\ntail',
        ['none', 'none', 'none', 'none']),
    'control_chars': (b'a       b^Ac^\x7fd\x08\x08^\x7fd \x08\x08\x08^Bb^A^\x7fd\x08\x08',
        ['none', 'none', 'none', 'none', 'none']),
    'ansi_colour': (b'\x1b[31mred\x1b[0m ok\x08\x08\x08!m ok\x08\x08\x08\x08m ok\x08\x08\x08',
        ['none', 'none', 'none', 'none']),
    'wrap': (b'abcdefghijklmnopqrstuvwxy\x1b[A\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C12pqrstuvwxy\x1b[A\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x08\x08\x08pqrstuvwxy   \x1b[A\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\n\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x1b[A\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[Cxy            \x1b[A\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C',
        ['none', 'none', 'none', 'none', 'none', 'none']),
    'full_line': (b'0123456789abcdefghij \x08k\x1b[A\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\r\n',
        ['none', 'none', 'none', 'none']),
    'unicode': (b'\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80\xe6\x97\xa5\xe6\x9c\xac\x08\x08\x08\x08\x08\x08\xe6\x97\xa5\xe6\x9c\xac  \x08\x08\x08\x08\x08\x08\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\x08\x08\x08\x08\x1b[C\x1b[C',
        ['none', 'none', 'none', 'none', 'none']),
    'wide_wrap': (b'\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9eab \x08\x1b[A\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\xe8\xaa\x9eab     \x08\x1b[A\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\xc3\xa9\xc3\xa9\xc3\xa9\xe8\xaa\x9eab\x08\x08\x08\x08',
        ['none', 'none', 'none', 'none']),
    'unicode_off': (b'\\344\\x{20AC}\\x{1F600}x\x08\\x{1F600}x\x08\xc3\xa9',
        [[1], 'none', 'none', 'none', [0], [0], 'none']),
    'latin_locale': (b'\\344\\x{20AC}\\377!\x08b\\377!\x08',
        ['none', 'none', 'none', [0]]),
    'controls': (b'sync',
        [[1], [], [20, 0, 0, 0, 10, 0, 0, 0], 'badarg', [1], [1], 'ok', 'none', 'none']),
    'far_moves': (b'ab\x08\x08\x1b[C\x1b[C\x08\x08  \x08\x08c',
        ['none', 'none', 'none', 'none', 'none', 'none']),
}

# Keyboard input: chunks typed one after another (the driver is asked for what
# it sent after each), then the unicode state.
INPUT_CHUNKS = [b"a\xc3\xa9", b"\xc3", b"\xa9", b"\xe2\x82", b"\xacz", b"a\xffb", b"\xe4x",
                b"\xe9" * 600]
# What OTP's driver sent for each chunk (recorded from erl as EXPECTED): an
# incomplete UTF-8 sequence waits (the read still sends {data, []}); an invalid
# byte turns unicode off for good and drops the valid bytes read before it;
# then bytes are latin-1, re-encoded in messages of at most 1020 bytes.
INPUT_EXPECTED = [[b"a\xc3\xa9"], [b""], [b"\xc3\xa9"], [b""], [b"\xe2\x82\xacz"], [b"\xc3\xbfb"],
                  [b"\xc3\xa4x"], [b"\xc3\xa9" * 510, b"\xc3\xa9" * 90]]
