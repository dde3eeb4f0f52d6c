"""Compile and run the conformance corpus (../shared/conformance) under erlpy.

Programs are compiled with the real `erlc` once per source version into a
cache directory; each run is `erlpy -noshell -pa DIR -s MOD main -s init stop`
exactly as the corpus README prescribes, and its stdout is compared byte for
byte with expected/MOD.out.
"""

import concurrent.futures
import hashlib
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "src")
CORPUS = os.environ.get("ERLPY_CONFORMANCE_DIR",
                        os.path.join(os.path.dirname(ROOT), "shared", "conformance"))
CACHE = os.path.join(ROOT, ".erlpy-cache", "conformance")
TIMEOUT = int(os.environ.get("ERLPY_CONFORMANCE_TIMEOUT", "240"))


def programs():
    if not os.path.isdir(CORPUS):
        return []
    return sorted(f[:-4] for f in os.listdir(CORPUS) if f.endswith(".erl"))


def compiled_dir():
    """Directory holding the .beam files of the corpus, compiled if needed."""
    h = hashlib.md5()
    for m in programs():
        with open(os.path.join(CORPUS, m + ".erl"), "rb") as f:
            h.update(m.encode() + b"\0" + f.read())
    out = os.path.join(CACHE, h.hexdigest())
    stamp = os.path.join(out, ".complete")
    if os.path.exists(stamp):
        return out
    tmp = out + ".tmp%d" % os.getpid()
    os.makedirs(tmp, exist_ok=True)
    # relative names, as the corpus's own scripts compile them: the file
    # names end up in stack traces
    srcs = [m + ".erl" for m in programs()]
    subprocess.run(["erlc", "-o", tmp] + srcs, check=True, cwd=CORPUS)
    open(os.path.join(tmp, ".complete"), "w").close()
    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(tmp, out)
    return out


class Result:
    __slots__ = ("module", "returncode", "stdout", "stderr", "expected", "timed_out")

    @property
    def ok(self):
        return (not self.timed_out and self.returncode == 0 and not self.stderr
                and self.stdout == self.expected)

    def explain(self):
        if self.timed_out:
            return "timed out after %ds" % TIMEOUT
        parts = []
        if self.returncode != 0:
            parts.append("exit status %d" % self.returncode)
        if self.stderr:
            parts.append("stderr:\n" + self.stderr.decode("utf-8", "replace")[-3000:])
        if self.stdout != self.expected:
            import difflib
            diff = difflib.unified_diff(
                self.expected.decode("latin-1").splitlines(),
                self.stdout.decode("latin-1").splitlines(), "expected", "erlpy", lineterm="")
            parts.append("stdout differs:\n" + "\n".join(list(diff)[:60]))
        return "\n".join(parts)


def run_program(module, beam_dir, python=None, extra_args=(), engine="jit"):
    """Run one program; under the JIT a module it cannot compile is reported
    on stderr (ERLPY_JIT_VERBOSE), which fails the comparison."""
    python = python or sys.executable
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["ERLPY_ENGINE"] = engine
    env["ERLPY_JIT_VERBOSE"] = "1"
    cmd = [python, "-m", "erlpy"] + list(extra_args) + [
        "-noshell", "-pa", beam_dir, "-s", module, "main", "-s", "init", "stop"]
    r = Result()
    r.module = module
    with open(os.path.join(CORPUS, "expected", module + ".out"), "rb") as f:
        r.expected = f.read()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT, env=env, cwd=beam_dir)
        r.returncode, r.stdout, r.stderr, r.timed_out = p.returncode, p.stdout, p.stderr, False
    except subprocess.TimeoutExpired as e:
        r.returncode, r.stdout, r.stderr, r.timed_out = -1, e.stdout or b"", e.stderr or b"", True
    return r


def run_all(python=None, extra_args=(), jobs=None, engine="jit"):
    """{module: Result} for the whole corpus, run `jobs` at a time."""
    beam_dir = compiled_dir()
    jobs = jobs or max(2, os.cpu_count() or 2)
    mods = programs()
    if not mods:
        return {}
    # the first program alone: its boot fills the code caches the others
    # then read, instead of every parallel run compiling OTP at once
    results = {mods[0]: run_program(mods[0], beam_dir, python, extra_args, engine)}
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        futs = {m: ex.submit(run_program, m, beam_dir, python, extra_args, engine)
                for m in mods[1:]}
        results.update((m, f.result()) for m, f in futs.items())
    return results


if __name__ == "__main__":
    mods = sys.argv[1:] or programs()
    d = compiled_dir()
    passed = 0
    for m in mods:
        r = run_program(m, d, engine=os.environ.get("ERLPY_ENGINE", "jit"))
        print(("ok       " if r.ok else "FAIL     ") + m, flush=True)
        if r.ok:
            passed += 1
        else:
            print("    " + r.explain().replace("\n", "\n    ")[:4000])
    print("%d/%d passed" % (passed, len(mods)))
