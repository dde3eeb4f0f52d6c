"""What `erlexec` does to the command line before the emulator starts, and
the release tooling's configuration templates.

- `split_words`: erlexec's word splitting for $ERL_*FLAGS and -args_file
  files (quotes, backslash, `#` comments in files).
- `expand_args`: $ERL_OTP25_FLAGS, $ERL_AFLAGS, the command line, $ERL_FLAGS,
  $ERL_ZFLAGS, each followed by `--`, with every `-args_file FILE` expanded in
  place (recursively) and every `-extra` part moved to the end, as erlexec's
  initial_argv_massage does.
- `substitute_env`: `${VAR}` and `${VAR:-default}` from the environment, as
  relx's start script does for `vm.args.src` and `sys.config.src`, except that
  a variable that is not set (and has no default) is an error naming it.
- `render_config`: a `-config` value naming `X.src` (or `X.config` when
  `X.config.src` exists, relx's convention) is rendered to `X.config`, beside
  the template when that directory is writable, else in a temporary directory.
- `check_config_text`: the checks application_controller makes of a config
  file (one list of terms ended by a dot), with its messages, so that an error
  in a rendered template names the template the user wrote.
"""

import os
import re
import tempfile

__all__ = ["ArgsError", "ConfigError", "EnvVarError", "split_words", "expand_args", "read_args_file",
           "substitute_env", "render_config", "config_source", "check_config_text",
           "erl_string"]

OTP_RELEASE = "25"


class ArgsError(Exception):
    """A command line erlexec would refuse (it prints the message and exits 1)."""


class ConfigError(Exception):
    """A configuration template that cannot be rendered or is not a valid
    config file: `file` as the user named it, `line` (int or None), `reason`."""

    def __init__(self, file, line, reason):
        Exception.__init__(self, "%s:%s: %s" % (file, line, reason))
        self.file = file
        self.line = line
        self.reason = reason

    def otp_reason(self):
        """application_controller's text for it."""
        return "error in config file %s (%s): %s" % (
            erl_string(self.file), "none" if self.line is None else self.line, self.reason)


class EnvVarError(ConfigError):
    """A `${VAR}` in a template whose variable is not set."""


# -- erlexec's word splitting ---------------------------------------------------------------

_SPACE = " \t\n\r\f\v"


def split_words(text, comments=False):
    """Split `text` into arguments as erlexec's build_args_from_string does:
    whitespace separates words; '...' and "..." quote (no escapes inside);
    a backslash outside quotes takes the next character literally; with
    `comments`, `#` starts a comment to the end of the line (mid-word too)."""
    words = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            return words
        if comments and text[i] == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        word = []
        while i < n:
            c = text[i]
            if c in _SPACE or (comments and c == "#"):
                break
            if c == '"' or c == "'":
                j = text.find(c, i + 1)
                if j < 0:
                    j = n
                word.append(text[i + 1:j])
                i = j + 1
            elif c == "\\":
                word.append(text[i + 1:i + 2])
                i += 2
            else:
                word.append(c)
                i += 1
        words.append("".join(word))


# -- ${VAR} substitution --------------------------------------------------------------------

_VAR = re.compile(r"\$\{([^}]*)\}")


def substitute_env(text, environ=None, filename="-"):
    """Replace `${VAR}` by the value of VAR and `${VAR:-default}` by it or,
    when VAR is unset or empty, by `default`. A variable that is not set and
    has no default raises ConfigError naming it, the file and the line.
    Values are inserted as they are, never rescanned."""
    env = os.environ if environ is None else environ

    def repl(m):
        body = m.group(1)
        name, sep, default = body.partition(":-")
        value = env.get(name)
        if sep:
            return value if value else default
        if value is None:
            line = text.count("\n", 0, m.start()) + 1
            raise EnvVarError(filename, line,
                              "environment variable %s is not set (write ${%s:-DEFAULT} "
                              "to give it a default)" % (name, name))
        return value

    return _VAR.sub(repl, text)


# -- -args_file and the ERL_*FLAGS variables -----------------------------------------------

def _read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_args_file(path, environ=None):
    """The words of an arguments file (vm.args). A `.src` file, or a file
    next to which `FILE.src` exists (relx's convention), has its `${VAR}`
    replaced from the environment first."""
    src = None
    if path.endswith(".src"):
        src = path
    elif os.path.isfile(path + ".src"):
        src = path + ".src"
    target = src or path
    try:
        text = _read_text(target)
    except OSError as e:
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = ""
        raise ArgsError('Failed to open arguments file "%s" at "%s": %s'
                        % (target, cwd, e.strerror or e))
    if src is not None:
        text = substitute_env(text, environ, src)
    return split_words(text, comments=True)


def _file_args(path, environ, out, extra, active):
    """Append the arguments of file `path` to `out` (those after `-extra` to
    `extra`); `active` holds the files being read, to refuse a cycle."""
    key = os.path.realpath(path)
    if key in active:
        raise ArgsError('Circular -args_file: "%s" includes itself' % path)
    words = read_args_file(path, environ)
    if not words:
        return
    words.append("--")
    active.add(key)
    try:
        i = 0
        while i < len(words):
            w = words[i]
            if w == "-args_file":
                if i + 1 >= len(words):
                    raise ArgsError("Missing argument(s) for '-args_file'.")
                _file_args(words[i + 1], environ, out, extra, active)
                i += 2
            elif w == "-extra":
                extra.extend(words[i + 1:])
                break
            else:
                out.append(w)
                i += 1
    finally:
        active.discard(key)


def expand_args(argv, environ=None):
    """The argument list erlexec works on: the flags of $ERL_OTP25_FLAGS and
    $ERL_AFLAGS, the command line, $ERL_FLAGS and $ERL_ZFLAGS (each followed
    by `--`), `-args_file FILE` replaced by the file's arguments, and every
    `-extra` part gathered at the end behind one `-extra`."""
    env = os.environ if environ is None else environ
    argv = list(argv)
    blocks = []
    for var in ("ERL_OTP%s_FLAGS" % OTP_RELEASE, "ERL_AFLAGS"):
        words = split_words(env.get(var) or "")
        if words:
            blocks.append(words + ["--"])
    n_before = len(blocks)
    if argv:
        blocks.append(argv)
        blocks.append(["--"])
    for var in ("ERL_FLAGS", "ERL_ZFLAGS"):
        words = split_words(env.get(var) or "")
        if words:
            blocks.append(words + ["--"])
    if n_before == 0 and len(blocks) == (2 if argv else 0):
        # only the command line: erlexec uses it untouched unless it has
        # an -args_file before -extra
        for a in argv:
            if a == "-extra":
                return argv
            if a == "-args_file":
                break
        else:
            return argv
    out, extra = [], []
    for block in blocks:
        i = 0
        while i < len(block):
            w = block[i]
            if w == "-args_file":
                if i + 1 >= len(block):
                    raise ArgsError("Missing argument(s) for '-args_file'.")
                _file_args(block[i + 1], env, out, extra, set())
                i += 2
            elif w == "-extra":
                extra.extend(block[i + 1:])
                break
            else:
                out.append(w)
                i += 1
    if extra:
        out.append("-extra")
        out.extend(extra)
    return out


# -- configuration templates ----------------------------------------------------------------

def config_source(value):
    """(template, output) for a -config value that names a template, else
    None: `X.src` renders to X (with `.config` added when missing), and
    `X[.config]` renders from `X.config.src` when that file exists."""
    if value.endswith(".src"):
        out = value[:-4]
        if not out.endswith(".config"):
            out += ".config"
        return value, out
    base = value if value.endswith(".config") else value + ".config"
    if os.path.isfile(base + ".src"):
        return base + ".src", base
    return None


def _display_name(path):
    # application_controller names a file filename:join(dirname, basename)
    if os.path.isabs(path) or os.path.dirname(path):
        return path
    return "./" + path


def render_config(value, environ=None, tmpdir=None):
    """The -config value to give init for `value`: itself unless it names a
    template (see config_source); a template is rendered with
    substitute_env, checked as application_controller would check it (a
    ConfigError names the template), and written to its output name -- in
    $RELX_OUT_FILE_PATH when that is a directory, else beside the template
    when possible, else in a temporary directory (`tmpdir` or a new one)."""
    env = os.environ if environ is None else environ
    found = config_source(value)
    if found is None:
        return value
    src, out = found
    shown = _display_name(src)
    try:
        text = _read_text(src)
    except OSError:
        raise ConfigError(shown, None, "configuration file not found")
    text = substitute_env(text, env, shown)
    err = check_config_text(text)
    if err is not None:
        raise ConfigError(shown, err[0], err[1])
    name = os.path.basename(out)
    dirs = []
    relx_out = env.get("RELX_OUT_FILE_PATH")
    if relx_out and os.path.isdir(relx_out):
        dirs.append(relx_out)
    dirs.append(os.path.dirname(out) or ".")
    for d in dirs:
        path = os.path.join(d, name)
        if _write_if_changed(path, text):
            return path
    d = tmpdir or tempfile.mkdtemp(prefix="erlpy-config-")
    path = os.path.join(d, name)
    if not _write_if_changed(path, text):
        raise ConfigError(shown, None, "cannot write the rendered file %s" % path)
    return path


def _write_if_changed(path, text):
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return True
    except OSError:
        pass
    d = os.path.dirname(path) or "."
    if not os.access(d, os.W_OK):
        return False
    try:
        fd, tmp = tempfile.mkstemp(prefix=".erlpy-", dir=d)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        return False
    return True


# -- application_controller's check of a config file ---------------------------------------
# erl_scan:tokens/3 up to the first dot, erl_parse:parse_term/1 on the tokens
# (an expression that is not a literal term is a "bad term"), the term must be
# a list and only white space and comments may follow the dot.

_RESERVED = frozenset(
    "after begin case try cond catch andalso orelse end fun if let of receive when "
    "bnot not div rem band and bor bxor bsl bsr or xor".split())
_PUNCT = ["...", "=:=", "=/=", "<<", "<-", "<=", ">>", ">=", "=<", "==", "=>", ":=", "::",
          "->", "--", "++", "/=", "||", "..", "?=", "??"]
_ESCAPES = {"n": 10, "r": 13, "t": 9, "v": 11, "b": 8, "f": 12, "e": 27, "s": 32, "d": 127}


class _ScanError(Exception):
    def __init__(self, line, reason):
        Exception.__init__(self, reason)
        self.line = line
        self.reason = reason


class _More(Exception):
    """Input ended inside a token or before a dot."""


class _Syntax(Exception):
    def __init__(self, tok):
        Exception.__init__(self)
        self.tok = tok


def _lower(c):
    return "a" <= c <= "z" or ("\xdf" <= c <= "\xff" and c != "\xf7")


def _upper(c):
    return "A" <= c <= "Z" or c == "_" or ("\xc0" <= c <= "\xde" and c != "\xd7")


def _namechar(c):
    return _lower(c) or _upper(c) or "0" <= c <= "9" or c == "@"


def _white(c):
    return c <= " " or "\x80" <= c <= "\xa0"


def _digit_value(c):
    if "0" <= c <= "9":
        return ord(c) - 48
    if "a" <= c <= "z":
        return ord(c) - 87
    if "A" <= c <= "Z":
        return ord(c) - 55
    return 99


class _Scanner:
    def __init__(self, text):
        self.s = text
        self.i = 0
        self.line = 1

    def _escape(self):
        """After a backslash: the character code."""
        s, i = self.s, self.i
        if i >= len(s):
            raise _More()
        c = s[i]
        if "0" <= c <= "7":
            j = i
            while j < len(s) and j < i + 3 and "0" <= s[j] <= "7":
                j += 1
            self.i = j
            return int(s[i:j], 8)
        if c == "x":
            if i + 1 < len(s) and s[i + 1] == "{":
                j = s.find("}", i + 2)
                if j < 0:
                    raise _More()
                h = s[i + 2:j]
                if not h or any(_digit_value(x) > 15 for x in h):
                    raise _ScanError(self.line, "illegal character")
                self.i = j + 1
                return int(h, 16)
            j = i + 1
            while j < len(s) and j < i + 3 and _digit_value(s[j]) <= 15:
                j += 1
            if j == i + 1:
                raise _ScanError(self.line, "illegal character")
            self.i = j
            return int(s[i + 1:j], 16)
        if c == "^":
            if i + 1 >= len(s):
                raise _More()
            self.i = i + 2
            return ord(s[i + 1]) & 31
        if c == "\n":
            self.line += 1
        self.i = i + 1
        return _ESCAPES.get(c, ord(c))

    def _quoted(self, q):
        chars = []
        s = self.s
        while True:
            if self.i >= len(s):
                raise _More()
            c = s[self.i]
            self.i += 1
            if c == q:
                return "".join(chars)
            if c == "\\":
                chars.append(chr(self._escape()))
            else:
                if c == "\n":
                    self.line += 1
                chars.append(c)

    def _digits(self, base):
        """Digits of `base` with single underscores between them."""
        s, i = self.s, self.i
        start = i
        while i < len(s):
            if _digit_value(s[i]) < base:
                i += 1
            elif s[i] == "_" and i > start and i + 1 < len(s) and _digit_value(s[i + 1]) < base:
                i += 1
            else:
                break
        self.i = i
        return s[start:i].replace("_", "")

    def _number(self):
        line = self.line
        ds = self._digits(10)
        s = self.s
        if self.i < len(s) and s[self.i] == "#":
            base = int(ds)
            if base < 2 or base > 36:
                raise _ScanError(line, "illegal base '%d'" % base)
            self.i += 1
            bd = self._digits(base)
            if not bd:
                raise _ScanError(line, "illegal integer")
            return ("integer", line, int(bd, base))
        if self.i + 1 < len(s) and s[self.i] == "." and "0" <= s[self.i + 1] <= "9":
            self.i += 1
            frac = self._digits(10)
            exp = ""
            if self.i < len(s) and s[self.i] in "eE":
                j = self.i + 1
                sign = ""
                if j < len(s) and s[j] in "+-":
                    sign = s[j]
                    j += 1
                self.i = j
                e = self._digits(10)
                if not e:
                    raise _ScanError(line, "illegal float")
                exp = "e" + sign + e
            try:
                value = float(ds + "." + frac + exp)
            except OverflowError:
                raise _ScanError(line, "illegal float")
            if value in (float("inf"), float("-inf")):
                raise _ScanError(line, "illegal float")
            return ("float", line, value)
        return ("integer", line, int(ds))

    def token(self):
        """The next token, or None at the end of the input."""
        s = self.s
        while True:
            if self.i >= len(s):
                return None
            c = s[self.i]
            if c == "\n":
                self.line += 1
                self.i += 1
            elif _white(c):
                self.i += 1
            elif c == "%":
                j = s.find("\n", self.i)
                self.i = len(s) if j < 0 else j
            else:
                break
        line = self.line
        if _lower(c) or _upper(c):
            j = self.i + 1
            while j < len(s) and _namechar(s[j]):
                j += 1
            name = s[self.i:j]
            self.i = j
            if _upper(c):
                return ("var", line, name)
            if name in _RESERVED:
                return (name, line, None)
            return ("atom", line, name)
        if "0" <= c <= "9":
            return self._number()
        if c == '"':
            self.i += 1
            return ("string", line, self._quoted('"'))
        if c == "'":
            self.i += 1
            name = self._quoted("'")
            if len(name) > 255:
                raise _ScanError(line, "illegal atom")
            return ("atom", line, name)
        if c == "$":
            self.i += 1
            if self.i >= len(s):
                raise _More()
            ch = s[self.i]
            if ch == "\\":
                self.i += 1
                return ("char", line, self._escape())
            if ch == "\n":
                self.line += 1
            self.i += 1
            return ("char", line, ord(ch))
        if c == ".":
            nxt = s[self.i + 1:self.i + 2]
            if nxt == "" or _white(nxt) or nxt == "%":
                self.i += 1
                return ("dot", line, None)
        for p in _PUNCT:
            if s.startswith(p, self.i):
                self.i += len(p)
                return (p, line, None)
        self.i += 1
        return (c, line, None)

    def tokens(self):
        """erl_scan:tokens/3: the tokens up to and including the first dot."""
        toks = []
        while True:
            t = self.token()
            if t is None:
                raise _More()
            toks.append(t)
            if t[0] == "dot":
                return toks


def _quote_atom(name):
    if name and _lower(name[0]) and all(_namechar(c) for c in name[1:]) \
            and name not in _RESERVED:
        return name
    return _write_string(name, "'")


def _string_char(c, q):
    o = ord(c)
    if c == q or c == "\\":
        return "\\" + c
    if 32 <= o <= 126 or o >= 160:
        return c
    for k, v in _ESCAPES.items():
        if v == o and k != "s":
            return "\\" + k
    return "\\%03o" % o


def _write_string(s, q='"'):
    return q + "".join(_string_char(c, q) for c in s) + q


def erl_string(s):
    """A string as ~tp prints it."""
    return _write_string(s)


def _float_text(f):
    """io_lib:write/1 of a float: float_to_list(F, [short]), the shortest
    digits, in plain notation when the exponent is small (erts' ryu rules)."""
    r = repr(f)
    if r in ("inf", "-inf", "nan"):
        return r
    sign = "-" if r.startswith("-") else ""
    r = r.lstrip("-")
    mant, _, exp = r.partition("e")
    ip, _, fp = mant.partition(".")
    digits = (ip + fp).lstrip("0")
    if not digits:
        return sign + "0.0"
    # value = 0.DIGITS * 10**point
    point = len(ip) + (int(exp) if exp else 0) - (len(ip + fp) - len((ip + fp).lstrip("0")))
    digits = digits.rstrip("0")
    n = len(digits)
    e = point - n                      # value = DIGITS * 10**e
    x = point - 1                      # the exponent of the scientific form
    if n == 1:
        fixed = -4 <= e <= 2
    else:
        fixed = -(n + 2) <= e <= (2 if x >= 10 else 1)
    if fixed:
        m = int(digits)
        fixed = not ((m >= 1 << 53 and e == 0) or (m > (1 << 52) // 5 and e == 1)
                     or (m > (1 << 51) // 25 and e == 2))
    if not fixed:
        return sign + digits[0] + "." + (digits[1:] or "0") + "e" + str(x)
    if point <= 0:
        return sign + "0." + "0" * (-point) + digits
    if point >= n:
        return sign + digits + "0" * (point - n) + ".0"
    return sign + digits[:point] + "." + digits[point:]


def _token_text(tok):
    cat, _, val = tok
    if cat == "atom":
        return _quote_atom(val)
    if cat == "var":
        return val
    if cat == "integer":
        return str(val)
    if cat == "float":
        return _float_text(val)
    if cat == "char":
        return "$\\s" if val == 32 else "$" + _string_char(chr(val), "")
    if cat == "string":
        return _write_string(val)
    if cat == "dot":
        return "'.'"
    return _quote_atom(cat)


class _Node:
    """What parse_term needs to know of an expression: whether it is a
    literal term, whether that term is a list, and its first location."""
    __slots__ = ("term", "islist", "line")

    def __init__(self, term, islist, line):
        self.term = term
        self.islist = islist
        self.line = line


_COMP = frozenset(["==", "/=", "=<", "<", ">=", ">", "=:=", "=/="])
_ADD = frozenset(["+", "-", "bor", "bxor", "bsl", "bsr", "or", "xor"])
_MULT = frozenset(["/", "*", "div", "rem", "band", "and"])
_PREFIX = frozenset(["+", "-", "bnot", "not"])
_BLOCK = frozenset(["begin", "if", "case", "receive", "try"])


_EXPR_START = frozenset(["atom", "var", "integer", "float", "char", "string", "[", "{", "<<",
                         "(", "#", "fun", "catch"]) | _PREFIX | _BLOCK


def _starts_expr(tok):
    return tok[0] in _EXPR_START


class _Parser:
    """A recursive-descent reading of erl_parse's expression grammar, enough
    to tell a literal term from another expression and to find the token a
    syntax error is reported before."""

    def __init__(self, toks):
        self.toks = toks
        self.i = 0

    def peek(self, k=0):
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self):
        t = self.peek()
        self.i += 1
        return t

    def expect(self, cat):
        t = self.peek()
        if t[0] != cat:
            raise _Syntax(t)
        self.i += 1
        return t

    def bad(self, line):
        return _Node(False, False, line)

    # expressions, lowest precedence first
    def expr(self):
        t = self.peek()
        if t[0] == "catch":
            self.next()
            self.expr()
            return self.bad(t[1])
        left = self.expr150()
        if self.peek()[0] in ("=", "!"):
            self.next()
            self.expr()
            return self.bad(left.line)
        return left

    def expr150(self):
        left = self.expr160()
        if self.peek()[0] == "orelse":
            self.next()
            self.expr150()
            return self.bad(left.line)
        return left

    def expr160(self):
        left = self.expr200()
        if self.peek()[0] == "andalso":
            self.next()
            self.expr160()
            return self.bad(left.line)
        return left

    def expr200(self):
        left = self.expr300()
        if self.peek()[0] in _COMP:
            self.next()
            self.expr300()
            if self.peek()[0] in _COMP:
                raise _Syntax(self.peek())
            return self.bad(left.line)
        return left

    def expr300(self):
        left = self.expr400()
        if self.peek()[0] in ("++", "--"):
            self.next()
            self.expr300()
            return self.bad(left.line)
        return left

    def expr400(self):
        left = self.expr500()
        while self.peek()[0] in _ADD:
            self.next()
            self.expr500()
            left = self.bad(left.line)
        return left

    def expr500(self):
        left = self.expr600()
        while self.peek()[0] in _MULT:
            self.next()
            self.expr600()
            left = self.bad(left.line)
        return left

    def expr600(self):
        t = self.peek()
        if t[0] in _PREFIX:
            self.next()
            operand = self.expr600()
            if t[0] in ("+", "-") and operand.term and operand.islist is None:
                return _Node(True, False, t[1])
            return self.bad(t[1])
        return self.expr700()

    def expr700(self):
        t = self.peek()
        if t[0] == "#":
            node = self.record_or_map(None, t[1])
            return self.postfix_hash(node)
        node = self.expr800()
        if self.peek()[0] == "(":
            self.arguments()
            return self.bad(node.line)
        return self.postfix_hash(node)

    def postfix_hash(self, node):
        while self.peek()[0] == "#":
            node = self.record_or_map(node, node.line)
        return node

    def record_or_map(self, base, line):
        self.expect("#")
        t = self.peek()
        if t[0] == "{":
            ok = base is None
            self.next()
            if self.peek()[0] != "}":
                while True:
                    k = self.expr()
                    op = self.next()
                    if op[0] not in ("=>", ":="):
                        raise _Syntax(op)
                    v = self.expr()
                    ok = ok and op[0] == "=>" and k.term and v.term
                    if self.peek()[0] == ",":
                        self.next()
                        continue
                    break
            self.expect("}")
            return _Node(ok, False, line)
        self.expect("atom")
        if self.peek()[0] == ".":
            self.next()
            self.expect("atom")
            return self.bad(line)
        self.expect("{")
        if self.peek()[0] != "}":
            while True:
                f = self.next()
                if f[0] not in ("atom", "var"):
                    raise _Syntax(f)
                self.expect("=")
                self.expr()
                if self.peek()[0] == ",":
                    self.next()
                    continue
                break
        self.expect("}")
        return self.bad(line)

    def expr800(self):
        left = self.expr_max()
        if self.peek()[0] == ":":
            self.next()
            self.expr_max()
            return self.bad(left.line)
        return left

    def arguments(self):
        self.expect("(")
        if self.peek()[0] != ")":
            self.exprs()
        self.expect(")")

    def exprs(self):
        nodes = [self.expr()]
        while self.peek()[0] == ",":
            self.next()
            nodes.append(self.expr())
        return nodes

    def expr_max(self):
        t = self.peek()
        cat, line = t[0], t[1]
        if cat in ("integer", "float", "char"):
            self.next()
            return _Node(True, None, line)     # a number: unary +/- may apply
        if cat == "atom":
            self.next()
            return _Node(True, False, line)
        if cat == "string":
            self.next()
            while self.peek()[0] == "string":
                self.next()
            return _Node(True, True, line)
        if cat == "var":
            self.next()
            return self.bad(line)
        if cat == "[":
            return self.list_expr()
        if cat == "{":
            self.next()
            ok = True
            if self.peek()[0] != "}":
                ok = all(n.term for n in self.exprs())
            self.expect("}")
            return _Node(ok, False, line)
        if cat == "<<":
            return self.binary()
        if cat == "(":
            self.next()
            inner = self.expr()
            self.expect(")")
            return inner
        if cat == "fun":
            return self.fun_expr()
        if cat in _BLOCK:
            self.skip_block()
            return self.bad(line)
        raise _Syntax(t)

    def list_expr(self):
        line = self.expect("[")[1]
        if self.peek()[0] == "]":
            self.next()
            return _Node(True, True, line)
        first = self.expr()
        if self.peek()[0] == "||":
            self.next()
            self.qualifiers("]")
            self.expect("]")
            return self.bad(line)
        ok = first.term
        while self.peek()[0] == ",":
            self.next()
            ok = self.expr().term and ok
        if self.peek()[0] == "|":
            self.next()
            ok = self.expr().term and ok
        self.expect("]")
        return _Node(ok, True, line)

    def qualifiers(self, close):
        while True:
            if close == ">>" and self.peek()[0] == "<<":
                self.binary()
            else:
                self.expr()
            if self.peek()[0] in ("<-", "<="):
                self.next()
                self.expr()
            if self.peek()[0] == ",":
                self.next()
                continue
            return

    def binary(self):
        line = self.expect("<<")[1]
        if self.peek()[0] == ">>":
            self.next()
            return _Node(True, False, line)
        ok = True
        first = True
        while True:
            seg_ok = self.bit_segment()
            if first and self.peek()[0] == "||":
                self.next()
                self.qualifiers(">>")
                self.expect(">>")
                return self.bad(line)
            first = False
            ok = ok and seg_ok
            if self.peek()[0] == ",":
                self.next()
                continue
            break
        self.expect(">>")
        return _Node(ok, False, line)

    def bit_segment(self):
        """One segment; True if eval_bits would build it from literals."""
        t = self.peek()
        if t[0] in _PREFIX:
            self.next()
            v = self.expr_max()
            kind = v.islist is None and t[0] in ("+", "-") and self.toks[self.i - 1][0]
        else:
            v = self.expr_max()
            kind = v.term and (v.islist is None or v.islist) and self.toks[self.i - 1][0]
        size = None
        if self.peek()[0] == ":":
            self.next()
            sz = self.expr_max()
            size = sz.term and sz.islist is None and self.toks[self.i - 1][0] == "integer"
        types = []
        if self.peek()[0] == "/":
            self.next()
            while True:
                types.append(self.expect("atom")[2])
                if self.peek()[0] == ":":
                    self.next()
                    self.expect("integer")
                if self.peek()[0] == "-":
                    self.next()
                    continue
                break
        if not kind or size is False:
            return False
        typ = "integer"
        for x in types:
            if x in ("integer", "float", "binary", "bytes", "bitstring", "bits",
                     "utf8", "utf16", "utf32"):
                typ = x
        if typ in ("binary", "bytes", "bitstring", "bits"):
            return False
        if typ.startswith("utf") and size is not None:
            return False
        if kind == "float" and typ != "float":
            return False
        return True

    def fun_expr(self):
        line = self.expect("fun")[1]
        t = self.peek()
        if t[0] in ("atom", "var") and self.peek(1)[0] == ":":
            m = self.next()
            self.next()
            f = self.next()
            if f[0] not in ("atom", "var"):
                raise _Syntax(f)
            self.expect("/")
            a = self.next()
            if a[0] not in ("integer", "var"):
                raise _Syntax(a)
            return _Node(m[0] == "atom" and f[0] == "atom" and a[0] == "integer", False, line)
        if t[0] == "atom" and self.peek(1)[0] == "/":
            self.next()
            self.next()
            self.expect("integer")
            return self.bad(line)
        if t[0] != "(" and not (t[0] == "var" and self.peek(1)[0] == "("):
            raise _Syntax(t)
        self.i -= 1
        self.skip_block()
        return self.bad(line)

    def skip_block(self):
        """A begin/if/case/receive/try/fun ... end expression: its first
        expression is parsed (a syntax error there is reported where
        erl_parse reports it), the rest skipped to the matching `end`; it is
        never a literal term."""
        kw = self.next()[0]
        if kw in ("begin", "try"):
            self.exprs()
        elif kw == "case":
            self.expr()
            self.expect("of")
        elif kw == "receive" and self.peek()[0] == "after":
            pass
        elif kw != "fun" and not _starts_expr(self.peek()):
            raise _Syntax(self.peek())
        depth = 1
        while True:
            t = self.next()
            cat = t[0]
            if cat == "dot":
                raise _Syntax(t)
            if cat in _BLOCK or (cat == "fun" and self.peek()[0] in ("(", "var")):
                depth += 1
            elif cat == "end":
                depth -= 1
                if depth == 0:
                    return

    def term_sequence(self):
        """parse_term: `Expr, ... dot`; -> (ok, islist, line of the error)."""
        nodes = self.exprs()
        self.expect("dot")
        if len(nodes) > 1:
            return False, False, nodes[1].line
        n = nodes[0]
        return n.term, bool(n.islist), n.line


def check_config_text(text):
    """None if `text` is a valid config file for application_controller
    (one list of terms ended by a dot, then only white space and comments);
    else (line or None, reason) with its reasons."""
    sc = _Scanner(text + " ")
    try:
        toks = sc.tokens()
    except _More:
        return None, "no ending <dot> found"
    except _ScanError as e:
        return e.line, e.reason
    try:
        ok, islist, line = _Parser(toks).term_sequence()
    except _Syntax as e:
        return e.tok[1], "syntax error before: " + _token_text(e.tok)
    if not ok:
        return line, "bad term"
    if not islist:
        return None, "configuration file must contain ONE list ended by <dot>"
    try:
        rest = sc.token()
    except (_More, _ScanError):
        rest = True
    if rest is not None:
        return None, "configuration file must contain ONE list ended by <dot>"
    return None
