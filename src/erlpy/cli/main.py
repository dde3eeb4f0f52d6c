"""`erlpy`: the `erl` command. What erlexec does before the emulator starts
is done here (ERL_*FLAGS, -args_file, -env, emulator flags, configuration
templates); the arguments then go to OTP's own init, which reads them as
under `erl`:

    erlpy -noshell -pa DIR -s MOD FUNC -s init stop
    erlpy -noshell -eval 'io:format("hi~n"), init:stop().'
    erlpy escript FILE ARGS...           (as `escript FILE ARGS...`)
"""

import os
import sys

from ..api.boot import bindir as _bindir
from .break_menu import install as install_break_handler, break_mode
from .config import (ArgsError, ConfigError, EnvVarError, expand_args, render_config,
                     erl_string)

__all__ = ["main", "entry", "exit_now", "prepare", "run_erl", "Plan"]

USAGE = """usage: erlpy [flags] [-extra args...]        (the flags of erl)
       erlpy escript [options] FILE [args...]   (as escript; also erlpy-escript)
       erlpy bench [--small] [--only NAME,...] [...]   (erlpy bench -h)
Read by init, as under erl:
  -noshell, -noinput     no interactive shell
  -pa DIR... / -pz DIR...  add code path directories (front / back)
  -s MOD [FUNC [ARG...]]   call MOD:FUNC([ARG...]) (atoms) at start-up
  -run MOD [FUNC [ARG...]] the same with string arguments
  -eval EXPRS              evaluate Erlang expressions at start-up
  -boot FILE, -config FILE..., -APP PARAM VALUE, -name/-sname NAME, ...
  -extra ARG...            plain arguments (init:get_plain_arguments/0)
Handled before the node starts, as erlexec does:
  -args_file FILE          arguments from FILE (# comments; nested files);
                           FILE.src or a FILE with FILE.src beside it: ${VAR}
                           and ${VAR:-DEFAULT} replaced from the environment
  -config X.src            (or -config X when X.config.src exists) render the
                           template's ${VAR} into X.config and use that
  -env VAR VALUE           set VAR in the node's environment
  $ERL_AFLAGS $ERL_FLAGS $ERL_ZFLAGS  more flags, before / after the command line
  -version                 print the emulator version and exit
  +Jno / +Jyes             run Erlang code on the interpreter / the JIT (default;
                           also -emu_flavor emu|jit and ERLPY_ENGINE=interp|jit)
  +FLAG [VALUE]            the other emulator flags of erl are accepted and ignored
  -v                       verbose: say what erlpy ignores (and ERLPY_JIT_VERBOSE=1)
  -detached is refused: run the node under a process supervisor instead.
"""

# +X flags of erlexec that take the next word as their value
_PLUS_VALUE = frozenset("aACeinPQtTRWK")
_PLUS_M_ALLOCS = frozenset("BIDEFHLRSTZ")
_PLUS_M_AU = frozenset(["as", "asbcst", "atags", "acul", "acnl", "acfml", "acful", "cp", "e",
                        "t", "lmbcs", "mbcgs", "mbsd", "mmbcs", "mmmbc", "mmsbc", "msbclt",
                        "ramv", "rmbcmt", "rsbcmt", "rsbcst", "sbct", "smbcs"])
_PLUS_M_OTHER = frozenset(["ea", "ummc", "uycs", "usac", "im", "is", "lpm", "Mamcbf", "Mrmcbf",
                           "Mmcs", "Mscs", "Mscrfsd", "Msco", "Mscrpm", "Ye", "Ym", "Ytp", "Ytt",
                           "Iscs", "Xscs", "dai"])
_PLUS_S = frozenset(["bt", "bwtdcpu", "bwtdio", "bwt", "cl", "ct", "ecio", "fwi", "tbt", "wct",
                     "wtdcpu", "wtdio", "wt", "ws", "ss", "ssdcpu", "ssdio", "pp", "ub"])
_PLUS_H = frozenset(["ms", "mbs", "pds", "max", "maxk", "maxel", "mqd", ""])
_PLUS_Z = frozenset(["dbbl", "dntgc", "ebwt", "osrl"])

_FLAVORS = {"jit": "jit", "emu": "interp"}


class Detached(Exception):
    pass


def _emu_value_count(flag, nxt):
    """How many of the following words an emulator flag `+...` takes, by
    erlexec's rules (0 or 1)."""
    c, rest = flag[1:2], flag[2:]
    if c in _PLUS_VALUE:
        return 1 if rest == "" else 0
    if c == "I":
        return 1 if rest in ("Ot", "Op", "OPt", "OPp", "Os") else 0
    if c == "J":
        return 1
    if c == "S":
        return 1 if rest in ("", "P", "Dcpu", "DPcpu", "Dio") else 0
    if c == "B":
        return 1 if rest == "" and nxt in ("i", "c", "d") else 0
    if c == "c":
        return 1 if rest == "" and nxt in ("true", "false") else 0
    if c == "M":
        if (rest[:1] in _PLUS_M_ALLOCS and rest[1:] in _PLUS_M_AU) or rest in _PLUS_M_OTHER:
            return 1
        return 0
    if c == "h":
        return 1 if rest in _PLUS_H else 0
    if c == "r":
        return 1 if rest == "g" else 0
    if c == "s":
        return 1 if rest in _PLUS_S else 0
    if c == "p":
        return 1 if rest == "c" else 0
    if c == "z":
        return 1 if rest in _PLUS_Z else 0
    return 0


class Plan:
    """What erlexec decided: the arguments for init and what to do first."""

    def __init__(self):
        self.init_args = []      # for init, after erl's own prefix
        self.env = []            # (VAR, VALUE) from -env, in order
        self.engine = None       # "interp" / "jit" / None (ERLPY_ENGINE or the default)
        self.ignored = []        # emulator flags erlpy ignores
        self.break_mode = "menu"  # Ctrl-C: the BREAK menu, "off" (+B) or "ignore" (+Bi)
        self.verbose = False
        self.show_args = False   # -emu_args
        self.args_exit = False   # -emu_args_exit
        self.version = False
        self.man = None          # [args] for -man
        self.distributed = False
        self.start_epmd = True
        self.epmd_prog = None


def _need(args, i, name=None):
    """The value after args[i] (erlexec's NEXT_ARG_CHECK)."""
    if i + 1 >= len(args) or args[i + 1] == "--":
        raise ArgsError("Missing argument(s) for '%s'." % (name or args[i]))
    return args[i + 1]


def prepare(argv, environ=None):
    """erlexec's work on the command line `argv` (without the program name):
    a Plan. Raises ArgsError for a command line erl refuses, Detached for
    -detached, EnvVarError for an unset ${VAR} in an arguments template."""
    env = os.environ if environ is None else environ
    args = expand_args(argv, env)
    plan = Plan()
    out = plan.init_args
    for k, a in enumerate(args):
        if a == "-extra":
            break
        if a in ("-smpdisable",) or (a == "-smp" and args[k + 1:k + 2] == ["disable"]):
            raise ArgsError("Argument '-smp disable' not supported. Use \"+S 1\" instead.")
    port = env.get("ERL_EPMD_PORT")
    if port is not None:
        out.extend(["-epmd_port", port])
    proto_dist = no_epmd = False
    halt_after = False
    i, n = 0, len(args)
    while i < n:
        a = args[i]
        if a == "-extra":
            out.extend(args[i:])
            break
        if a.startswith("+"):
            if a in ("+Jno", "+Jyes"):
                plan.engine = "interp" if a == "+Jno" else "jit"
            else:
                nxt = args[i + 1] if i + 1 < n else None
                count = _emu_value_count(a, nxt)
                flag = a + nxt if count and a == "+B" else a    # "+B i" is +Bi
                if break_mode(flag) is not None:
                    plan.break_mode = break_mode(flag)
                elif count:
                    plan.ignored.extend([a, _need(args, i)])
                else:
                    plan.ignored.append(a)
                i += count
            i += 1
            continue
        if not a.startswith("-"):
            out.append(a)
            i += 1
            continue
        if a == "-detached":
            raise Detached()
        if a == "-env":
            var = _need(args, i)
            value = _need(args, i + 1, "-env")
            plan.env.append((var, value))
            i += 3
            continue
        if a == "-epmd":
            plan.epmd_prog = _need(args, i)
            i += 2
            continue
        if a in ("-emu_type", "-emu_flavor"):
            value = _need(args, i)
            if a == "-emu_flavor":
                if value not in _FLAVORS:
                    raise ArgsError("Unknown emulator flavor '%s' (erlpy has jit and emu)."
                                    % value)
                plan.engine = _FLAVORS[value]
            out.extend([a, value])
            i += 2
            continue
        if a in ("-name", "-sname", "-proto_dist", "-start_epmd"):
            value = _need(args, i)
            if a == "-start_epmd":
                if value not in ("true", "false"):
                    raise ArgsError("Expected boolean argument for '-start_epmd'.")
                plan.start_epmd = value == "true"
            elif a == "-proto_dist":
                proto_dist = True
            else:
                plan.distributed = True
            out.extend([a, value])
            i += 2
            continue
        if a == "-noinput":
            out.extend(["-noshell", "-noinput"])
        elif a == "-compile":
            out.extend(["-noshell", "-noinput", "-s", "c", "lc_batch"])
            plan.break_mode = "off"       # erlexec adds +B
        elif a == "-make":
            out.extend(["-noshell", "-noinput", "-s", "make", "all_or_nothing"])
            plan.break_mode = "off"
            halt_after = True
            break
        elif a == "-man":
            plan.man = args[i + 1:]
            return plan
        elif a == "-configfd":
            if _need(args, i) == "0":
                out.extend(["-noshell", "-noinput"])
            out.append(a)
        elif a == "-no_epmd":
            out.append(a)
            no_epmd = True
            plan.start_epmd = False
        elif a == "-version":
            plan.version = True
        elif a == "-emu_args":
            plan.show_args = True
        elif a == "-emu_args_exit":
            plan.args_exit = True
        else:
            if a == "-v":
                plan.verbose = True
            out.append(a)
        i += 1
    if no_epmd and not proto_dist:
        raise ArgsError("Missing -proto_dist option, expected when using -no_epmd.")
    if halt_after:
        out.extend(["-s", "erlang", "halt"])
    return plan


def render_configs(init_args, environ=None):
    """init_args with every -config value that names a template replaced by
    the rendered file (config.render_config)."""
    out = list(init_args)
    i = 0
    while i < len(out):
        a = out[i]
        if a == "-extra":
            break
        if a == "-config":
            j = i + 1
            while j < len(out) and not out[j].startswith("-"):
                out[j] = render_config(out[j], environ)
                j += 1
            i = j
            continue
        i += 1
    return out


def _root():
    from ..api.vm import otp_root
    return otp_root()


def _erts_version(root):
    d = os.path.basename(os.path.dirname(_bindir(root)))
    return d[5:] if d.startswith("erts-") else "?"


def _set_path(root):
    """erlexec puts the emulator's bin directory first in $PATH."""
    bindir = _bindir(root)
    path = os.environ.get("PATH")
    if path is None:
        new = "%s:%s/bin:" % (bindir, root)
    elif root not in path:
        new = "%s:%s/bin:%s" % (bindir, root, path)
    else:
        new = bindir + ":" + path.replace(bindir + ":", "")
    os.environ["PATH"] = new


def _start_epmd(plan, root):
    import subprocess
    prog = plan.epmd_prog or os.path.join(_bindir(root), "epmd")
    try:
        subprocess.call([prog, "-daemon"], stdin=subprocess.DEVNULL)
    except OSError as e:
        sys.stderr.write("erlpy: could not start epmd (%s): %s\n" % (prog, e))


def _config_failure(err):
    """Stop as OTP stops when application_controller rejects a config file."""
    reason = err.otp_reason()
    sys.stdout.write('{"could not start kernel pid",application_controller,%s}\n'
                     % erl_string(reason))
    sys.stdout.flush()
    sys.stderr.write("could not start kernel pid (application_controller) (%s)\n" % reason)
    return 1


def run_erl(argv, progname="erl"):
    """Run the `erl` command line `argv`; returns the exit status."""
    try:
        plan = prepare(argv)
    except Detached:
        sys.stderr.write("erlpy: -detached is not supported (run it under a process "
                         "supervisor or with nohup instead)\n")
        return 1
    except EnvVarError as e:
        sys.stderr.write("erlpy: %s\n" % e)
        return 1
    except ArgsError as e:
        sys.stderr.write("%s\nUsage: erlpy [flags] [-extra args...]  (erlpy -h)\n" % e)
        return 1
    root = _root()
    if plan.man is not None:
        man_dir = os.path.join(root, "man")
        if os.path.isdir(man_dir):
            os.environ["MANPATH"] = man_dir
        try:
            os.execvp("man", ["man"] + plan.man)
        except OSError:
            sys.stderr.write("erlexec: Could not execute the 'man' command.\n")
            return 1
    for var, value in plan.env:
        os.environ[var] = value
    if plan.verbose:
        os.environ["ERLPY_JIT_VERBOSE"] = "1"
        if plan.ignored:
            sys.stderr.write("erlpy: ignoring emulator flags %s\n" % " ".join(plan.ignored))
    if plan.version:
        sys.stderr.write("Erlang (erlpy) emulator version %s\n" % _erts_version(root))
        return 0
    try:
        init_args = render_configs(plan.init_args)
    except EnvVarError as e:
        sys.stderr.write("erlpy: %s\n" % e)
        return 1
    except ConfigError as e:
        return _config_failure(e)
    if plan.args_exit or plan.show_args:
        from ..api.boot import boot_args
        words = [os.fsdecode(w) for w in boot_args(init_args, root, progname)]
        if plan.args_exit:
            sys.stdout.write("".join(w + "\n" for w in words))
            return 0
        sys.stdout.write("Executing: erlpy %s\n\n" % " ".join(words))
    _set_path(root)
    if plan.distributed and plan.start_epmd:
        _start_epmd(plan, root)
    from ..api.vm import ErlangVM
    from ..api.boot import boot
    vm = ErlangVM(engine=plan.engine)
    install_break_handler(vm, plan.break_mode, leave=exit_now)
    status = boot(vm, init_args, progname=progname)
    sys.stdout.flush()
    return status


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    argv = list(argv)
    if argv and argv[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return 0
    if argv and argv[0] == "bench":
        from .bench import main as bench_main
        return bench_main(argv[1:])
    if argv and argv[0] == "escript":
        from .escript import main as escript_main
        return escript_main(argv[1:])
    return run_erl(argv)


def exit_now(status):
    """Leave the process with `status` at once, as BEAM's halt does."""
    sys.stdout.flush()
    sys.stderr.flush()
    from ..ports.tty import restore_terminal
    restore_terminal()          # as BEAM's sys_tty_reset: os._exit skips atexit
    os._exit(status if isinstance(status, int) else 1)


def entry(command=None):
    """The console script: run `command` (default: main) and leave with its
    status."""
    try:
        status = (command or main)()
    except KeyboardInterrupt:
        status = 130
    exit_now(status)


if __name__ == "__main__":
    entry()
