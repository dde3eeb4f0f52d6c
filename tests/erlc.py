"""Compile Erlang source text with the real erlc, cached by content, for tests."""

import hashlib
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, ".erlpy-cache", "test-beams")


def have_erlc():
    return shutil.which("erlc") is not None


def compile_erlang(source):
    """Compile one module's source; returns the directory holding its .beam."""
    name = source.split("-module(", 1)[1].split(")", 1)[0].strip()
    digest = hashlib.md5(source.encode()).hexdigest()
    out = os.path.join(CACHE, digest)
    beam = os.path.join(out, name + ".beam")
    if not os.path.exists(beam):
        os.makedirs(out, exist_ok=True)
        src = os.path.join(out, name + ".erl")
        with open(src, "w") as f:
            f.write(source)
        subprocess.run(["erlc", "-o", out, name + ".erl"], check=True, cwd=out)
    return out
