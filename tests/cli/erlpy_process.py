"""Run the `erlpy` command as a user would (python -m erlpy), with the
source tree on the path and no ERL_*FLAGS of the caller's environment."""

import os
import subprocess
import sys

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "src")


def clean_env(extra=None):
    e = {k: v for k, v in os.environ.items()
         if k not in ("ERL_FLAGS", "ERL_AFLAGS", "ERL_ZFLAGS", "ERL_OTP25_FLAGS")}
    e["PYTHONPATH"] = SRC + os.pathsep + e.get("PYTHONPATH", "")
    e.update(extra or {})
    return e


def erlpy(args, cwd, env=None, timeout=120):
    """Run `python -m erlpy ARGS` in `cwd`; the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "erlpy"] + list(args), cwd=str(cwd),
                          env=clean_env(env), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
