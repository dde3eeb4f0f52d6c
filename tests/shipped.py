"""The beams OTP 25 and Elixir 1.14 install, which erlpy must load and run."""

import glob

PATTERNS = [
    "/usr/lib/erlang/lib/erts-*/ebin/*.beam",
    "/usr/lib/erlang/lib/kernel-*/ebin/*.beam",
    "/usr/lib/erlang/lib/stdlib-*/ebin/*.beam",
    "/usr/lib/erlang/lib/compiler-*/ebin/*.beam",
    "/usr/lib/elixir/lib/elixir/ebin/*.beam",
]

BEAMS = [p for pat in PATTERNS for p in sorted(glob.glob(pat))]
