"""Worker of `erlpy bench`: runs benchmarks on one erlpy VM in this Python
and reports every run as a JSON line, so that `erlpy bench` can drive each
Python/engine pair in its own process and kill it when a run times out.

    python -m erlpy.cli.bench_worker --beams DIR [--engine jit|interp]
                                     [--size small|default] [--runs N] NAME...

Lines (in order): {"event": "ready", ...}, then per benchmark "start" (with
the size), runs+1 "run" lines (the first is the warm-up; `us` is the wall
time of vm.call around bench_NAME:run(Size), which runs in a fresh Erlang
process) and "end", or "crashed" instead of the rest.
"""

import argparse
import inspect
import json
import os
import platform
import sys
import time
import traceback

__all__ = ["main"]


def make_vm(beams, engine):
    """A started VM, and the engine it really uses (the `engine` keyword
    only exists once the JIT is in; before that everything interprets)."""
    from ..api.vm import ErlangVM
    kw = {}
    if "engine" in inspect.signature(ErlangVM.__init__).parameters:
        kw["engine"] = engine
    return ErlangVM(code_path=[beams], **kw).start(), kw.get("engine", "interp")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m erlpy.cli.bench_worker")
    p.add_argument("--beams", required=True, help="directory of the compiled bench_*.beam")
    p.add_argument("--engine", default="interp", choices=("jit", "interp"))
    p.add_argument("--size", default="default", choices=("small", "default"))
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("names", nargs="+")
    args = p.parse_args(argv)

    # The protocol keeps the real stdout; whatever the VM prints goes to stderr.
    out = os.fdopen(os.dup(1), "w")
    sys.stdout.flush()
    os.dup2(2, 1)

    def emit(event, **fields):
        fields["event"] = event
        out.write(json.dumps(fields) + "\n")
        out.flush()

    from ..api.vm import ProcessExit
    from ..terms import atom, format_term
    vm, engine = make_vm(args.beams, args.engine)
    emit("ready", python=platform.python_implementation(),
         version=" ".join(sys.version.split()), engine=engine)
    for name in args.names:
        mod = "bench_" + name
        try:
            size = vm.call("maps", "get", [atom(args.size), vm.call(mod, "sizes", [])])
            emit("start", bench=name, size=size)
            for _ in range(args.runs + 1):
                t0 = time.perf_counter()
                result = vm.call(mod, "run", [size])
                us = int(round((time.perf_counter() - t0) * 1e6))
                emit("run", bench=name, us=us, checksum=format_term(result))
        except ProcessExit as e:
            emit("crashed", bench=name, reason=str(e)[:400])
        except Exception:
            # A Python error inside erlpy: report it and go on with a fresh VM,
            # since the old one may be left half-way through a reduction.
            emit("crashed", bench=name,
                 reason="erlpy internal error: " + traceback.format_exc(limit=-3)[-600:])
            vm, engine = make_vm(args.beams, args.engine)
        else:
            emit("end", bench=name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
