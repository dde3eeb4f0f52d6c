"""`erlpy escript FILE ARGS...` and `erlpy-escript` (for `#!/usr/bin/env
erlpy-escript`): what OTP's `escript` program does -- build an `erl` command
line and run it; stdlib's escript module (in the node) reads the script
(source, `-mode(compile)`, precompiled beam or archive), runs main/1 and sets
the exit status.

    erl +B -boot no_dot_erlang -noshell [%%! line of the script]
        -run escript start [options without their hyphen] -extra FILE ARGS...
"""

import os
import sys

__all__ = ["main", "entry", "escript_args", "shebang_args"]


class EscriptError(Exception):
    pass


def shebang_args(script):
    """The arguments of the script's `%%!` line (its second or third line),
    split at spaces as escript does."""
    try:
        with open(script, "rb") as f:
            lines = [f.readline() for _ in range(3)]
    except OSError:
        raise EscriptError("Failed to open file: %s" % script)
    if not lines[0]:
        return []
    for line in lines[1:]:
        if line.startswith(b"%%!"):
            text = os.fsdecode(line[3:].split(b"\n", 1)[0].rstrip(b"\r"))
            return [w for w in text.split(" ") if w]
    return []


def escript_args(argv):
    """The `erl` arguments escript runs for its own arguments `argv`."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 1
    if i >= len(argv):
        raise EscriptError("Missing filename\n")
    options = [o[1:] for o in argv[:i]]
    script = argv[i]
    args = ["+B", "-boot", "no_dot_erlang", "-noshell"]
    args.extend(shebang_args(script))
    args.extend(["-run", "escript", "start"])
    args.extend(options)
    args.append("-extra")
    args.append(script)
    args.extend(argv[i + 1:])
    return args


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    argv = list(argv)
    try:
        args = escript_args(argv)
    except EscriptError as e:
        sys.stderr.write("escript: %s\n" % e)
        return 1
    os.environ["ESCRIPT_NAME"] = next(a for a in argv if not a.startswith("-"))
    from .main import run_erl
    return run_erl(args)


def entry():
    from .main import entry as run_command
    run_command(main)


if __name__ == "__main__":
    entry()
