"""The tty_sl driver: open_port({spawn, "tty_sl -c -e"}, [eof]), the
terminal that user_drv runs OTP's interactive shell on.

As BEAM's erts/emulator/drivers/unix/ttsl_drv.c:

- Opening fails (open_port raises einval, and user_drv falls back to the
  dumb `user`) unless standard input and output are both terminals, the
  driver is not already open, and $TERM names a terminal whose terminfo
  entry can move the cursor up, down, left and right.
- Arguments after the driver name: "-c"/"+c" turn canonical input (ICANON,
  ICRNL, OPOST) off/on, "-e"/"+e" echo off/on, "-s"/"+s" signals (ISIG,
  IEXTEN, BRKINT, IXON...) off/on; anything else is a terminal device to
  use instead of file descriptor 0. The original mode is restored when the
  port closes and when erlpy exits.
- Keyboard bytes go to the port owner as {Port, {data, Bytes}}, UTF-8: in
  unicode mode as typed (an incomplete sequence waits for its end, an
  invalid one switches the driver to latin-1 for good), else each byte is
  re-encoded from latin-1.
- port_command data is an op code and its argument: PUTC (0) writes UTF-8
  text over the line at the cursor, MOVE (1) moves the cursor by a signed
  16-bit number of characters, INSC (2) inserts text, DELC (3) deletes
  characters after (N > 0) or before (N < 0) the cursor, BEEP (4) rings,
  PUTC_SYNC (5) is PUTC that answers {Port, ok} once written. The driver
  keeps the current line to know where the cursor is: control characters
  show as ^X, tabs as spaces, and without unicode mode characters above
  255 or non-printable as \\ooo or \\x{H...} escapes; line wrapping follows
  the terminal's width (updated on SIGWINCH).
- port_control ops (after the magic 16#018b0900): 100 the window size
  <<W:32/native, H:32/native>>, 101 the unicode state [0|1], 102 sets it
  from the first data byte and answers the old one ([] without data);
  anything else is badarg.
"""

import atexit
import errno
import os
import signal
import struct
import sys
import unicodedata

try:
    import termios
    _TermiosError = termios.error
except ImportError:          # not a Unix: the driver cannot open
    termios = None
    _TermiosError = OSError

from .port import driver

__all__ = ["TtyDriver", "restore_terminal"]

OP_PUTC = 0
OP_MOVE = 1
OP_INSC = 2
OP_DELC = 3
OP_BEEP = 4
OP_PUTC_SYNC = 5

CTRL_MAGIC = 0x018b0900
CTRL_OP_GET_WINSIZE = 100
CTRL_OP_GET_UNICODE_STATE = 101
CTRL_OP_SET_UNICODE_STATE = 102

# Cells of the line buffer: a code point, or a tagged cell. A tag alone (no
# value) is padding that belongs to the character before it.
CONTROL_TAG = 0x10000000
ESCAPED_TAG = 0x01000000
TAG_MASK = 0xFF000000

MAXSIZE = 1 << 16
DEF_WIDTH = 80
DEF_HEIGHT = 24
TTY_BUFFSIZE = 1024

_ESC = 0x1B

# The one open tty driver (the C driver is single-instance too).
_active = None


def _stdio_is_tty():
    try:
        return os.isatty(0) and os.isatty(1)
    except OSError:
        return False


def restore_terminal():
    """Put the terminal back the way the driver found it (at exit and halt)."""
    drv = _active
    if drv is not None:
        drv._reset_mode()


atexit.register(restore_terminal)


# -- terminal capabilities -------------------------------------------------------------------

_TERMINFO_DIRS = ("/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo")
# indexes in terminfo's compiled tables (term.h order)
_BOOL_XENL = 4
_NUM_COLS = 0
_STR_CUD1, _STR_CUB1, _STR_CUF1, _STR_CUU1 = 11, 14, 17, 19


def _terminfo_paths(term):
    dirs = []
    if os.environ.get("TERMINFO"):
        dirs.append(os.environ["TERMINFO"])
    home = os.environ.get("HOME")
    if home:
        dirs.append(os.path.join(home, ".terminfo"))
    for d in (os.environ.get("TERMINFO_DIRS") or "").split(":"):
        dirs.append(d or "/usr/share/terminfo")
    dirs.extend(_TERMINFO_DIRS)
    for d in dirs:
        yield os.path.join(d, term[0], term)
        yield os.path.join(d, "%02x" % ord(term[0]), term)


def read_terminfo(term):
    """(xn, cols, {cap: bytes}) from the compiled terminfo entry, or None."""
    if not term or "/" in term or term in (".", ".."):
        return None
    for path in _terminfo_paths(term):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        return _parse_terminfo(data)
    return None


def _parse_terminfo(data):
    try:
        magic, names_sz, nbools, nnums, nstrs, table_sz = struct.unpack_from("<6h", data, 0)
    except struct.error:
        return None
    if magic == 0o432:
        numsz, numfmt = 2, "<h"
    elif magic == 0o1036:
        numsz, numfmt = 4, "<i"
    else:
        return None
    pos = 12 + names_sz
    bools = data[pos:pos + nbools]
    pos += nbools
    if pos % 2:
        pos += 1
    nums = [struct.unpack_from(numfmt, data, pos + i * numsz)[0] for i in range(nnums)]
    pos += nnums * numsz
    offs = struct.unpack_from("<%dh" % nstrs, data, pos)
    table = data[pos + 2 * nstrs:pos + 2 * nstrs + table_sz]

    def string(i):
        if i >= len(offs) or offs[i] < 0:
            return None
        end = table.find(b"\0", offs[i])
        return _strip_padding(table[offs[i]:end if end >= 0 else len(table)])

    xn = len(bools) > _BOOL_XENL and bools[_BOOL_XENL] == 1
    cols = nums[_NUM_COLS] if nums else -1
    caps = {"up": string(_STR_CUU1), "do": string(_STR_CUD1), "le": string(_STR_CUB1),
            "nd": string(_STR_CUF1)}
    return xn, cols, caps


def _strip_padding(s):
    """tputs at full speed: the $<n> delays output nothing."""
    while True:
        i = s.find(b"$<")
        if i < 0:
            return s
        j = s.find(b">", i)
        if j < 0:
            return s
        s = s[:i] + s[j + 1:]


def _env_int(name):
    try:
        return int(os.environ.get(name, ""))
    except ValueError:
        return 0


def _window_size(fd):
    """(width, height) of the terminal on fd, or None."""
    try:
        import fcntl
        rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
        return cols, rows
    except (OSError, ImportError, AttributeError, ValueError, TypeError):
        return None


# -- character classes -------------------------------------------------------------------------

def _isprint_ascii(c):
    """C isprint() of a byte value in the C and UTF-8 locales."""
    return 0x20 <= c < 0x7F


def _isprint_latin(c):
    """isprint() in an ISO-8859 locale."""
    return 0x20 <= c < 0x7F or 0xA0 <= c <= 0xFF


def _wcwidth_utf8(c):
    """glibc's wcwidth() in a UTF-8 locale (tagged cells are not characters)."""
    if c > 0x10FFFF:
        return -1
    if c == 0:
        return 0
    if c < 0x20 or 0x7F <= c < 0xA0:
        return -1
    if 0xD800 <= c <= 0xDFFF:
        return -1
    ch = chr(c)
    cat = unicodedata.category(ch)
    if cat == "Cn":
        return -1
    if cat in ("Mn", "Me") or (cat == "Cf" and c != 0xAD) or 0x1160 <= c <= 0x11FF \
            or c == 0x200B:
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def _wcwidth_ascii(c):
    if c == 0:
        return 0
    return 1 if 0x20 <= c < 0x7F else -1


def _wcwidth_latin(c):
    if c == 0:
        return 0
    return 1 if 0x20 <= c < 0x7F or 0xA0 <= c <= 0xFF else -1


def _locale_codeset():
    """What setlocale(LC_CTYPE, "") + nl_langinfo(CODESET) tell the C driver."""
    import locale
    try:
        old = locale.setlocale(locale.LC_CTYPE)
        try:
            locale.setlocale(locale.LC_CTYPE, "")
            return locale.nl_langinfo(locale.CODESET)
        finally:
            locale.setlocale(locale.LC_CTYPE, old)
    except (locale.Error, AttributeError, ValueError):
        for var in ("LC_ALL", "LC_CTYPE", "LANG"):
            v = os.environ.get(var)
            if v:
                return "UTF-8" if "UTF-8" in v.upper().replace("UTF8", "UTF-8") else "ANSI_X3.4-1968"
        return "ANSI_X3.4-1968"


def _locale_classes(codeset):
    """(isprint, wcwidth) of the locale: they follow the locale, not the
    driver's unicode state."""
    if codeset == "UTF-8":
        return _isprint_ascii, _wcwidth_utf8
    if codeset.startswith("ISO-8859"):
        return _isprint_latin, _wcwidth_latin
    return _isprint_ascii, _wcwidth_ascii


def _pick_utf8(s, pos):
    """(code point, next pos) of the UTF-8 sequence at pos; (-2, pos) if it
    is cut short, (-1, pos) if invalid."""
    n = len(s) - pos
    if n <= 0:
        return -1, pos
    b0 = s[pos]
    if b0 < 0x80:
        return b0, pos + 1
    if b0 & 0xE0 == 0xC0:
        if n < 2:
            return -2, pos
        if s[pos + 1] & 0xC0 != 0x80 or b0 < 0xC2:
            return -1, pos
        return ((b0 & 0x1F) << 6) | (s[pos + 1] & 0x3F), pos + 2
    if b0 & 0xF0 == 0xE0:
        if n < 3:
            return -2, pos
        b1, b2 = s[pos + 1], s[pos + 2]
        if b1 & 0xC0 != 0x80 or b2 & 0xC0 != 0x80 or (b0 == 0xE0 and b1 < 0xA0):
            return -1, pos
        if b0 & 0x0F == 0x0D and b1 & 0x20:
            return -1, pos
        if b0 == 0xEF and b1 == 0xBF and b2 in (0xBE, 0xBF):
            return -1, pos
        return ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F), pos + 3
    if b0 & 0xF8 == 0xF0:
        if n < 4:
            return -2, pos
        b1, b2, b3 = s[pos + 1], s[pos + 2], s[pos + 3]
        if b1 & 0xC0 != 0x80 or b2 & 0xC0 != 0x80 or b3 & 0xC0 != 0x80 or \
                (b0 == 0xF0 and b1 < 0x90):
            return -1, pos
        if (b0 & 7) > 4 or ((b0 & 7) == 4 and (b1 & 0x3F) > 0x0F):
            return -1, pos
        return ((b0 & 7) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F), pos + 4
    return -1, pos


def _put_utf8(c, out):
    """Append c's UTF-8 bytes as the C driver encodes them; False if it cannot."""
    if c < 0x80:
        out.append(c)
    elif c < 0x800:
        out.append(0xC0 | (c >> 6))
        out.append(0x80 | (c & 0x3F))
    elif c < 0x10000:
        if 0xD800 <= c <= 0xDFFF or c in (0xFFFE, 0xFFFF):
            return False
        out.append(0xE0 | (c >> 12))
        out.append(0x80 | ((c >> 6) & 0x3F))
        out.append(0x80 | (c & 0x3F))
    elif c < 0x110000:
        out.append(0xF0 | (c >> 18))
        out.append(0x80 | ((c >> 12) & 0x3F))
        out.append(0x80 | ((c >> 6) & 0x3F))
        out.append(0x80 | (c & 0x3F))
    else:
        return False
    return True


def _escape_digits(c):
    """The characters after the backslash of an escaped character: three
    octal digits up to \\777, else x{HEX}."""
    if c < 0o1000:
        return "%03o" % c
    return "x{%X}" % c


# -- the driver ----------------------------------------------------------------------------------

@driver("tty_sl")
class TtyDriver:
    def __init__(self, port, command, settings=None):
        global _active
        self.port = port
        self.fd = -1
        self.own_fd = False
        self.saved = None
        self.raw = None
        self._old_signals = {}
        self.winch = False
        self.utf8buf = b""
        self.empty_reads = 0
        self.buf = []           # the current line's cells
        self.lpos = 0           # the cursor's cell
        self.out = bytearray()
        if _active is not None or not _stdio_is_tty():
            raise OSError(errno.EINVAL, "tty_sl cannot start")
        canon = echo = sig = 0
        fd = -1
        try:
            for arg in command.split(" ")[1:]:
                flag = 1 if arg[:1] == "+" else (-1 if arg[:1] == "-" else 0)
                if flag:
                    key = arg[1:2]
                    if key == "c":
                        canon = flag
                    elif key == "e":
                        echo = flag
                    elif key == "s":
                        sig = flag
                else:
                    if fd > 0:
                        os.close(fd)
                    fd = -1
                    fd = os.open(arg, os.O_RDWR | getattr(os, "O_NOCTTY", 0))
            if fd < 0:
                fd = 0
            self.fd = fd
            self.own_fd = fd != 0
            self._init_mode(canon, echo, sig)
            self._set_mode()
            self._start_termcap()
        except (OSError, _TermiosError, ValueError, AttributeError):
            self._reset_mode()
            if fd > 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
            raise OSError(errno.EINVAL, "tty_sl cannot start")
        codeset = _locale_codeset()
        self.utf8 = codeset == "UTF-8"
        self.isprint, self.wcwidth = _locale_classes(codeset)
        self._install_signals()
        # BEAM lets the driver steal the descriptor from an fd port reading it
        # (and logs that it did)
        port.table.unwatch(self.fd)
        port.table.watch(self.fd, self._readable)
        _active = self

    # -- terminal modes ----------------------------------------------------------------------
    def _init_mode(self, canon, echo, sig):
        T = termios
        self.saved = T.tcgetattr(self.fd)
        iflag, oflag, cflag, lflag, ispeed, ospeed, cc = self.saved
        cc = list(cc)
        iflag &= ~T.ISTRIP
        if canon > 0:
            iflag |= T.ICRNL
            lflag |= T.ICANON
            oflag |= T.OPOST
        elif canon < 0:
            iflag &= ~T.ICRNL
            lflag &= ~T.ICANON
            oflag &= ~T.OPOST
            cc[T.VMIN] = 1
            cc[T.VTIME] = 0
            if hasattr(T, "VDSUSP"):
                cc[T.VDSUSP] = 0
        if echo > 0:
            lflag |= T.ECHO
        elif echo < 0:
            lflag &= ~T.ECHO
        sigi = T.BRKINT | T.IGNPAR | T.ICRNL | T.IXON | getattr(T, "IXANY", 0)
        sigl = T.ISIG | T.IEXTEN
        if sig > 0:
            iflag |= sigi
            lflag |= sigl
        elif sig < 0:
            iflag &= ~sigi
            lflag &= ~sigl
        self.raw = [iflag, oflag, cflag, lflag, ispeed, ospeed, cc]

    def _set_mode(self):
        termios.tcsetattr(self.fd, termios.TCSANOW, self.raw)

    def _reset_mode(self):
        if self.saved is None or self.fd < 0:
            return
        try:
            termios.tcsetattr(self.fd, termios.TCSANOW, self.saved)
        except (OSError, _TermiosError, ValueError):
            pass

    def _start_termcap(self):
        info = read_terminfo(os.environ.get("TERM"))
        if info is None:
            raise OSError(errno.EINVAL, "unknown terminal")
        xn, tcols, caps = info
        if caps["le"] is None:
            caps["le"] = b"\b"
        if caps["do"] is None:
            caps["do"] = b"\n"
        if not (caps["up"] and caps["do"] and caps["le"] and caps["nd"]):
            raise OSError(errno.EINVAL, "terminal cannot move the cursor")
        self.xn = xn
        self.up, self.down, self.left, self.right = caps["up"], caps["do"], caps["le"], caps["nd"]
        # the width termcap reports: stdout's window, $COLUMNS, the entry's cols
        size = _window_size(1)
        cols = size[0] if size else 0
        if _env_int("COLUMNS") > 0:
            cols = _env_int("COLUMNS")
        if cols <= 0:
            cols = tcols
        self.cols = cols if cols > 0 else DEF_WIDTH

    def _install_signals(self):
        for name, handler in (("SIGCONT", self._on_cont), ("SIGWINCH", self._on_winch)):
            sig = getattr(signal, name, None)
            if sig is None:
                continue
            try:
                self._old_signals[sig] = signal.signal(sig, handler)
            except (ValueError, OSError):
                pass

    def _restore_signals(self):
        for sig, old in self._old_signals.items():
            try:
                signal.signal(sig, old if old is not None else signal.SIG_DFL)
            except (ValueError, OSError, TypeError):
                pass
        self._old_signals = {}

    def _on_cont(self, signum, frame):
        try:
            self._set_mode()
        except (OSError, _TermiosError):
            sys.stderr.write("Can't set tty raw\n")

    def _on_winch(self, signum, frame):
        self.winch = True

    def window_size(self):
        size = _window_size(self.fd)
        if size is None:
            return DEF_WIDTH, DEF_HEIGHT
        w, h = size
        return (w if w > 0 else DEF_WIDTH), (h if h > 0 else DEF_HEIGHT)

    def _update_cols(self):
        if self.winch:
            self.winch = False
            self.cols = self.window_size()[0] or DEF_WIDTH

    # -- input ----------------------------------------------------------------------------
    def _readable(self):
        try:
            data = os.read(self.fd, TTY_BUFFSIZE - len(self.utf8buf))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._fail(-1)
            return
        if not data:
            # the C driver sends {data, []}; a terminal that stays at end of
            # file (hung up) would have it spin, so give up on the second one
            self.empty_reads += 1
            if self.empty_reads > 1:
                self._fail(-1)
                return
        else:
            self.empty_reads = 0
        b = self.utf8buf + data
        self.utf8buf = b""
        pos = 0
        if self.utf8:
            ch = 0
            while pos < len(b):
                ch, pos = _pick_utf8(b, pos)
                if ch < 0:
                    break
            if ch == -2:
                self.utf8buf = b[pos:]
            elif ch == -1:
                # give up unicode for good; like the C driver, the valid bytes
                # before the bad one are dropped
                self.utf8 = False
                self._latin1(b, pos)
                return
            self.port.deliver_data(b[:pos])
        else:
            self._latin1(b, 0)

    def _latin1(self, b, pos):
        while pos < len(b):
            t = bytearray()
            while len(t) < 1020 and pos < len(b):
                _put_utf8(b[pos], t)
                pos += 1
            self.port.deliver_data(bytes(t))

    def _fail(self, reason):
        from ..terms import A
        if type(reason) is not int:
            reason = A[reason]
        self.port.table.close(self.port, reason)

    # -- output ---------------------------------------------------------------------------
    def command(self, data):
        if not data:
            return
        self.out = bytearray()
        if self.lpos > MAXSIZE:
            self.put_chars(b"\n")
        op = data[0]
        arg = data[1:]
        if op == OP_PUTC or op == OP_PUTC_SYNC:
            self.put_chars(arg)
        elif op == OP_MOVE:
            self.move_rel(_sint16(arg))
        elif op == OP_INSC:
            self.ins_chars(arg)
        elif op == OP_DELC:
            self.del_chars(_sint16(arg))
        elif op == OP_BEEP:
            self.out.append(7)
        out = bytes(self.out)
        self.out = bytearray()
        if out and not self._write(out):
            return
        if op == OP_PUTC_SYNC:
            from ..terms import A
            self.port._send(A.ok)

    def _write(self, data):
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.fd, view)
            except InterruptedError:
                continue
            except BlockingIOError:
                import select
                select.select([], [self.fd], [])
                continue
            except OSError as e:
                self._fail(errno.errorcode.get(e.errno, "eio").lower())
                return False
            view = view[n:]
        return True

    def control(self, op, data):
        """The reply bytes, or None for badarg."""
        from ..terms.bits import iolist_to_bytes
        from ..terms import ErlangError
        try:
            data = iolist_to_bytes(data)
        except ErlangError:
            return None
        op -= CTRL_MAGIC
        if op == CTRL_OP_GET_WINSIZE:
            w, h = self.window_size()
            return struct.pack("=II", w, h)
        if op == CTRL_OP_GET_UNICODE_STATE:
            return b"\x01" if self.utf8 else b"\x00"
        if op == CTRL_OP_SET_UNICODE_STATE:
            if not data:
                return b""
            old = b"\x01" if self.utf8 else b"\x00"
            self.utf8 = data[0] != 0
            return old
        return None

    def close(self):
        global _active
        if _active is self:
            _active = None
        self._reset_mode()
        self._restore_signals()
        if self.fd >= 0:
            self.port.table.unwatch(self.fd)
            if self.own_fd:
                try:
                    os.close(self.fd)
                except OSError:
                    pass
            self.fd = -1

    # -- the line buffer ------------------------------------------------------------------
    def outc(self, c):
        self.out.append(c)

    def put_chars(self, s):
        n = self._insert(s)
        if n > 0:
            self._write_buf(self.lpos - n, n, False)

    def move_rel(self, n):
        npos = self._step_over(n)
        self._move_cursor(self.lpos, npos)
        self.lpos = npos

    def ins_chars(self, s):
        tail = self.buf[self.lpos:]
        del self.buf[self.lpos:]
        n = self._insert(s)
        self.buf[self.lpos:] = tail
        start = self.lpos - n
        self._write_buf(start, len(self.buf) - start, False)
        self._move_cursor(len(self.buf), self.lpos)

    def del_chars(self, n):
        self._update_cols()
        buf = self.buf
        lpos = self.lpos
        pos = self._step_over(n)
        if pos > lpos:
            gcs = self._col(pos) - self._col(lpos)
            del buf[lpos:pos]
        elif pos < lpos:
            gcs = -self._move_cursor(lpos, pos)
            del buf[pos:lpos]
            self.lpos = lpos = pos
        else:
            return
        llen = len(buf)
        self._write_buf(lpos, llen - lpos, False)
        for _ in range(gcs):
            self.outc(0x20)
        if self.xn and (self._col(llen) + gcs) % self.cols == 0:
            self.outc(0x20)
            self._move_left(1)
        self._move_cursor(llen + gcs, lpos)

    def _step_over(self, n):
        buf = self.buf
        end = len(buf)
        c = self.lpos
        while n > 0 and c < end:
            c += 1
            while c < end and buf[c] & TAG_MASK and not buf[c] & ~TAG_MASK:
                c += 1
            n -= 1
        while n < 0 and c > 0:
            c -= 1
            while c > 0 and buf[c] & TAG_MASK and not buf[c] & ~TAG_MASK:
                c -= 1
            n += 1
        return c

    def _store(self, cell):
        if self.lpos < len(self.buf):
            self.buf[self.lpos] = cell
        else:
            self.buf.append(cell)
        self.lpos += 1

    def _insert(self, s):
        """Write the characters of UTF-8 text s into the line from the cursor,
        over what is there; a newline writes the line out and starts a new one.
        Returns how many cells of the current line were written."""
        pos = 0
        start = self.lpos
        n = len(s)
        store = self._store
        utf8 = self.utf8
        isprint = self.isprint
        while pos < n:
            ch, pos = _pick_utf8(s, pos)
            if ch < 0:
                ch = s[pos]
                pos += 1
            if (utf8 and (ch >= 128 or isprint(ch))) or (ch <= 255 and isprint(ch)):
                store(ch)
            elif ch >= 128:
                store(ch | ESCAPED_TAG)
                for _ in range(len(_escape_digits(ch))):
                    store(ESCAPED_TAG)
            elif ch == 9:
                store(CONTROL_TAG | 9)
                while self.lpos % 8:
                    store(CONTROL_TAG)
            elif ch == _ESC:
                store(CONTROL_TAG | _ESC)
            elif ch == 10 or ch == 13:
                self._write_buf(start, self.lpos - start, True)
                self.outc(13)
                if ch == 10:
                    self.outc(10)
                del self.buf[:self.lpos]
                self.lpos = start = 0
            else:
                store(ch | CONTROL_TAG)
                store(CONTROL_TAG)
        return self.lpos - start

    def _write_buf(self, i, n, next_is_crnl):
        """Show n cells of the line from cell i."""
        self._update_cols()
        buf = self.buf
        outc = self.outc
        lastput = 0x20
        ubuf = None
        end = min(i + n, len(buf))
        while i < end:
            c = buf[i]
            if not c & TAG_MASK:
                if self.utf8:
                    u = bytearray()
                    ubuf = u
                    if _put_utf8(c, u):
                        self.out += u
                        lastput = 0
                else:
                    outc(c & 0xFF)
                    lastput = c & 0xFF
                i += 1
            elif c == CONTROL_TAG | 9:
                outc(0x20)
                lastput = 0x20
                i += 1
                while i < end and buf[i] == CONTROL_TAG:
                    outc(0x20)
                    i += 1
            elif c == CONTROL_TAG | _ESC:
                outc(_ESC)
                lastput = _ESC
                i += 1
            elif c & CONTROL_TAG and c & ~TAG_MASK:
                v = c & ~TAG_MASK
                outc(0x5E)
                # (the C driver compares the tagged cell with 0177 to show DEL
                # as ^?, which never matches: DEL shows as ^ and itself)
                lastput = (v | 0x40) & 0xFF
                outc(lastput)
                i += 2
            elif c & ESCAPED_TAG and c & ~TAG_MASK:
                digits = _escape_digits(c & ~TAG_MASK).encode("ascii")
                outc(0x5C)
                self.out += digits
                lastput = digits[-1]
                i += len(digits) + 1
            else:
                i += 1          # padding of a character cut by the range
        # On a terminal with the 'xn' quirk, a full last column leaves the
        # cursor in it: write the character again (or a space) and step back so
        # that it is on the next line.
        if not next_is_crnl and self.xn and i != 0 and self._col(i) % self.cols == 0:
            if i >= len(buf):
                outc(0x20)
            elif lastput == 0 and ubuf is not None:
                self.out += ubuf
            else:
                outc(lastput)
            self._move_left(1)

    def _move_cursor(self, from_pos, to_pos):
        self._update_cols()
        cols = self.cols
        fc = self._col(from_pos)
        tc = self._col(to_pos)
        dc = tc % cols - fc % cols
        dl = tc // cols - fc // cols
        if dl > 0:
            self.out += self.down * dl
        elif dl < 0:
            self.out += self.up * -dl
        if dc > 0:
            self.out += self.right * dc
        elif dc < 0:
            self._move_left(-dc)
        return tc - fc

    def _move_left(self, n):
        if n > 0:
            self.out += self.left * n

    def _ansi_width(self, i):
        buf = self.buf
        if buf[i] != CONTROL_TAG | _ESC:
            return 0
        left = len(buf) - i
        if left <= 1:
            return 1
        if buf[i + 1] != 0x5B:
            return 2
        j = 2
        while j < left and (buf[i + j] == 0x3B or 0x30 <= buf[i + j] <= 0x39):
            j += 1
        return j + 1

    def _col(self, pos):
        """The screen column (from the line's start) of cell pos."""
        llen = len(self.buf)
        col = 0
        if pos > llen:
            col = pos - llen
            pos = llen
        i = 0
        wcwidth = self.wcwidth
        buf = self.buf
        while i < pos:
            j = self._ansi_width(i) if buf[i] == CONTROL_TAG | _ESC else 0
            if j > 0:
                i += j
            else:
                w = wcwidth(buf[i])
                if w > 0:
                    col += w
                i += 1
        return col


def _sint16(b):
    hi = b[0] if len(b) > 0 else 0
    lo = b[1] if len(b) > 1 else 0
    v = (hi << 8) | lo
    return v - 0x10000 if v & 0x8000 else v
