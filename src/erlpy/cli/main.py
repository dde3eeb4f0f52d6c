"""`erlpy`: command-line entry, flags as `erl` takes them.

    erlpy -noshell -pa DIR -s MOD FUNC -s init stop
    erlpy -noshell -eval 'io:format("hi~n"), init:stop().'
"""

import os
import sys

__all__ = ["main", "parse_args"]

USAGE = """usage: erlpy [flags] [-extra args...]
       erlpy bench [--small] [--only NAME,...] [...]   (erlpy bench -h)
  -noshell, -noinput     no interactive shell
  -pa DIR... / -pz DIR...  add code path directories (front / back)
  -s MOD [FUNC [ARG...]]   call MOD:FUNC([ARG...]) (atoms) at start-up
  -run MOD [FUNC [ARG...]] the same with string arguments
  -eval EXPRS              evaluate Erlang expressions at start-up
  -extra ARG...            plain arguments (init:get_plain_arguments/0)
  +Jno / +Jyes             run Erlang code on the interpreter / the JIT (default;
                           also ERLPY_ENGINE=interp|jit)
  +FLAG                    emulator flags of erl are accepted (most are ignored)
  -v                       verbose: say what erlpy ignores
"""


def parse_args(argv):
    """-> (flags [(name, [values])], commands [(kind, [args])], pa, pz, plain, emu_flags)."""
    flags = []
    commands = []
    pa, pz, plain, emu = [], [], [], []
    i = 0
    n = len(argv)
    while i < n:
        a = argv[i]
        if a == "-extra" or a == "--":
            plain.extend(argv[i + 1:])
            break
        if a.startswith("+") and len(a) > 1:
            emu.append(a)
            # +X flags take a value in the next word unless glued on
            if len(a) == 2 and i + 1 < n and not argv[i + 1].startswith(("-", "+")):
                emu.append(argv[i + 1])
                i += 1
            i += 1
            continue
        if a.startswith("-") and len(a) > 1:
            name = a[1:]
            vals = []
            i += 1
            while i < n and not (argv[i].startswith("-") and len(argv[i]) > 1) \
                    and not (argv[i].startswith("+") and len(argv[i]) > 1):
                vals.append(argv[i])
                i += 1
            if name in ("s", "run"):
                if vals:
                    commands.append((name, vals))
                continue
            if name == "eval":
                commands.append(("eval", vals))
                continue
            if name == "pa":
                pa.extend(vals)
            elif name == "pz":
                pz.extend(vals)
            flags.append((name, vals))
            continue
        plain.append(a)
        i += 1
    return flags, commands, pa, pz, plain, emu


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return 0
    if argv and argv[0] == "bench":
        from .bench import main as bench_main
        return bench_main(argv[1:])
    flags, commands, pa, pz, plain, emu = parse_args(argv)
    names = [f for f, _ in flags]
    if "detached" in names:
        sys.stderr.write("erlpy: -detached is not supported (run it under a process "
                         "supervisor or with nohup instead)\n")
        return 1
    verbose = "v" in names
    engine = None
    for f in emu:
        if f in ("+Jno", "+Jyes"):
            engine = "interp" if f == "+Jno" else "jit"
    emu = [f for f in emu if f not in ("+Jno", "+Jyes")]
    if verbose and emu:
        sys.stderr.write("erlpy: ignoring emulator flags %s\n" % " ".join(emu))
    if verbose:
        os.environ["ERLPY_JIT_VERBOSE"] = "1"
    from ..api.vm import ErlangVM
    from ..api.minimal_boot import boot
    from ..terms import atom
    for d in pa + pz:
        if not os.path.isdir(d) and verbose:
            sys.stderr.write("erlpy: code path directory %s does not exist\n" % d)
    vm = ErlangVM(code_path=[os.path.abspath(d) for d in pa],
                  extra_path_end=[os.path.abspath(d) for d in pz], engine=engine)
    status = boot(vm, [(atom(f), v) for f, v in flags], commands, plain)
    sys.stdout.flush()
    return status


def entry():
    try:
        status = main()
    except KeyboardInterrupt:
        status = 130
    sys.stdout.flush()
    from ..ports.tty import restore_terminal
    restore_terminal()          # as BEAM's sys_tty_reset: os._exit skips atexit
    os._exit(status if isinstance(status, int) else 1)


if __name__ == "__main__":
    entry()
