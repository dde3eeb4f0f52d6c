"""`erlpy bench`: the benchmark suite of shared/bench run on real `erl` and on
erlpy (each Python x engine pair) side by side, in one sitting, so that the
ratios compare runs made under the same machine load.

    erlpy bench [--small] [--only fib,ring] [--runs N] [--engines jit,interp]
                [--pythons cpython,pypy] [--no-erl] [--timeout S]
                [--bench-dir DIR] [--out DIR]

The modules are compiled once with erlc (cached by content). Real erl runs
bench_harness; erlpy runs bench_worker in a subprocess per configuration.
Every checksum is compared with expected.txt; the exit status is 1 when one
differs or a benchmark crashed. Timings are only reported.
"""

import argparse
import hashlib
import json
import math
import os
import platform
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

__all__ = ["main"]

PYTHONS = {"cpython": "python3", "pypy": "pypy3"}
ENGINES = ("jit", "interp")
START_ALLOWANCE = 120  # seconds a worker may take to import erlpy and boot


class BenchError(Exception):
    """A problem that stops the whole run (no bench dir, erlc failed...)."""


# ---- inputs -----------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(prog="erlpy bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--small", action="store_true", help="small sizes (a quick run)")
    p.add_argument("--runs", type=int, help="timed runs per benchmark (5; 3 with --small)")
    p.add_argument("--only", help="comma-separated benchmark names")
    p.add_argument("--engines", default="jit,interp", help="of jit,interp")
    p.add_argument("--pythons", help="of cpython,pypy (default: those installed)")
    p.add_argument("--no-erl", action="store_true", help="do not run real erl")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds per run before it counts as a timeout (0: none)")
    p.add_argument("--bench-dir", help="the suite (default: $ERLPY_BENCH_DIR or "
                   "../shared/bench beside the erlpy checkout)")
    p.add_argument("--out", default="bench-results", help="where bench.json/bench.md go")
    args = p.parse_args(argv)
    args.size = "small" if args.small else "default"
    if args.runs is None:
        args.runs = 3 if args.small else 5
    if args.runs < 1:
        raise BenchError("--runs must be at least 1")
    args.timeout = args.timeout or None
    args.engines = _choices(args.engines, ENGINES, "engine")
    if args.pythons is None:
        args.pythons = [k for k in PYTHONS if find_python(k)]
    else:
        args.pythons = _choices(args.pythons, PYTHONS, "python")
    return args


def _choices(text, allowed, what):
    picked = [w for w in text.split(",") if w]
    for w in picked:
        if w not in allowed:
            raise BenchError("unknown %s %r (expected one of %s)" % (what, w, ", ".join(allowed)))
    return picked


def find_python(kind):
    """Executable of a Python implementation: this one if it is of that kind."""
    if platform.python_implementation().lower() == kind:
        return sys.executable
    return shutil.which(PYTHONS[kind])


def find_bench_dir(arg):
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    candidates = [arg] if arg else [os.environ.get("ERLPY_BENCH_DIR"),
                                    os.path.join(os.path.dirname(checkout), "shared", "bench"),
                                    os.path.join("..", "shared", "bench")]
    for d in candidates:
        if d and os.path.isfile(os.path.join(d, "bench_harness.erl")):
            return os.path.abspath(d)
    raise BenchError("no bench_harness.erl in %s; give --bench-dir"
                     % (arg or "$ERLPY_BENCH_DIR nor ../shared/bench"))


def read_benchmarks(harness_source):
    """[(name, category)] as bench_harness:benchmarks/0 lists them."""
    m = re.search(r"^benchmarks\(\)\s*->(.*?)\]\s*\.", harness_source, re.S | re.M)
    if not m:
        raise BenchError("bench_harness.erl has no benchmarks() list")
    return re.findall(r"\{\s*(\w+)\s*,\s*(\w+)\s*\}", m.group(1))


def parse_expected(text):
    """{(name, size_text): checksum_text} from expected.txt."""
    table = {}
    for line in text.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and not line.startswith("#"):
            table[(parts[0], parts[1])] = parts[2].strip()
    return table


# ---- real erl ---------------------------------------------------------------------------

def compile_beams(bench_dir):
    """Directory of the suite's .beam files, compiled with erlc when the sources
    are new (the cache is keyed by their content)."""
    erlc = shutil.which("erlc")
    if not erlc:
        raise BenchError("erlc is needed to compile the benchmarks and is not on PATH")
    sources = sorted(os.path.join(bench_dir, f) for f in os.listdir(bench_dir)
                     if f.startswith("bench_") and f.endswith(".erl"))
    digest = hashlib.sha1()
    for path in sources:
        with open(path, "rb") as f:
            digest.update(os.path.basename(path).encode() + b"\0" + f.read() + b"\0")
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                         "erlpy", "bench")
    out = os.path.join(cache, digest.hexdigest()[:16])
    if os.path.isdir(out):
        return out
    os.makedirs(cache, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=cache)
    proc = subprocess.run([erlc, "-o", tmp] + sources, capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BenchError("erlc failed:\n" + proc.stdout + proc.stderr)
    try:
        os.rename(tmp, out)
    except OSError:  # another run compiled the same sources meanwhile
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def parse_harness_output(lines):
    """(header, {name: result}) from bench_harness's output lines."""
    header, results = "", {}
    for line in lines:
        if line.startswith("# bench_harness:"):
            header = line[len("# bench_harness:"):].strip()
            continue
        parts = line.split()
        if len(parts) != 5 or line.startswith("#"):
            continue
        name, size, median, least, ok = parts
        status = {"true": "ok", "false": "mismatch"}.get(ok, ok)
        timed = median.isdigit()
        results[name] = {"status": status, "size": int(size) if size.isdigit() else None,
                         "median_us": int(median) if timed else None,
                         "min_us": int(least) if timed else None}
    return header, results


def run_erl(beams, bench_dir, names, args, progress):
    """(erl version, {name: result}) of bench_harness on real erl."""
    if not shutil.which("erl"):
        raise BenchError("erl is not on PATH (--no-erl runs erlpy alone)")
    env = dict(os.environ, BENCH_EXPECTED=os.path.join(bench_dir, "expected.txt"),
               BENCH_RUNS=str(args.runs))
    if args.timeout:
        env["BENCH_TIMEOUT"] = str(int(math.ceil(args.timeout)))
    call = "bench_harness:main([%s]), init:stop()." % ",".join(
        ["'%s'" % n for n in [args.size] + names])
    proc = subprocess.Popen(["erl", "-noshell", "-pa", beams, "-eval", call], env=env,
                            stdout=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        for name, result in parse_harness_output(lines[-1:])[1].items():
            progress("otp", name, result)
    proc.wait()
    header, results = parse_harness_output(lines)
    return header.split(" size ")[0] or "erl printed no header", results


# ---- erlpy ------------------------------------------------------------------------------

def median_us(times):
    """The lower median, as bench_harness takes it."""
    ordered = sorted(times)
    return ordered[(len(ordered) + 1) // 2 - 1]


def judge(checksums, want):
    """bench_harness's verdict on the checksums of all runs of a benchmark."""
    if want is None:
        return "unknown"
    return "ok" if set(checksums) == {want} else "mismatch"


def _finish(runs, size, expected, name):
    times = [us for us, _ in runs[1:]]
    sums = [s for _, s in runs]
    status = judge(sums, expected.get((name, str(size))))
    return {"status": status, "size": size,
            "median_us": median_us(times), "min_us": min(times), "times_us": times,
            "checksum": " / ".join(sorted(set(sums)))}


def _reader(stream):
    """Queue of the worker's JSON messages; None at end of stream."""
    q = queue.Queue()

    def pump():
        for line in stream:
            try:
                q.put(json.loads(line))
            except ValueError:
                pass
        q.put(None)
    threading.Thread(target=pump, daemon=True).start()
    return q


def _run_worker(cmd, env, names, expected, timeout, report):
    """(ready message, {name: result}) of one worker process running `names`
    in order, until it finishes, dies, or gives no result within `timeout`;
    the benchmark it was on gets the blame (all of them if it never started)."""
    ready, results = None, {}
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd + names, env=env, stdout=subprocess.PIPE, stderr=err,
                                text=True)
        messages = _reader(proc.stdout)
        runs, size = [], None

        def stderr_tail():
            """The last line the worker wrote to stderr: the exception, mostly."""
            err.seek(0)
            lines = err.read().strip().splitlines()
            return lines[-1][:300] if lines else "no error output"
        try:
            while len(results) < len(names):
                current = names[len(results)]
                wait = timeout if ready else START_ALLOWANCE
                try:
                    msg = messages.get(timeout=wait)
                except queue.Empty:
                    msg = {"event": "timeout"}
                if ready is None and (msg is None or msg["event"] != "ready"):
                    reason = "worker did not start: " + stderr_tail()
                    for name in names:
                        results[name] = {"status": "crashed", "detail": reason}
                        report(name, results[name])
                    break
                if msg is None:
                    msg = {"event": "died", "reason": "worker died: " + stderr_tail()}
                event = msg["event"]
                if event == "ready":
                    ready = msg
                elif event == "start":
                    size = msg["size"]
                elif event == "run":
                    runs.append((msg["us"], msg["checksum"]))
                else:
                    if event == "end":
                        result = _finish(runs, size, expected, current)
                    elif event in ("crashed", "died"):
                        result = {"status": "crashed", "size": size, "detail": msg["reason"]}
                    else:
                        result = {"status": "timeout", "size": size,
                                  "detail": "no result within %g s" % wait}
                    results[current] = result
                    report(current, result)
                    runs, size = [], None
                    if event in ("timeout", "died"):
                        break
        finally:
            proc.kill()
            proc.wait()
    return ready, results


def run_config(python, engine, beams, names, expected, args, progress):
    """({"version", "engine_used"}, {name: result}) of one configuration.
    A run that times out or kills the worker fails only its benchmark: a new
    worker takes the ones after it."""
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [src] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    cmd = [find_python(python), "-m", "erlpy.cli.bench_worker", "--beams", beams,
           "--engine", engine, "--size", args.size, "--runs", str(args.runs)]
    label = "%s-%s" % (python, engine)
    ready, results = None, {}
    while len(results) < len(names):
        started, done = _run_worker(cmd, env, names[len(results):], expected, args.timeout,
                                    lambda name, result: progress(label, name, result))
        ready = ready or started
        results.update(done)
    ready = ready or {"version": "-", "engine": "did not start"}
    return {"version": ready["version"], "engine_used": ready["engine"]}, results


# ---- report -----------------------------------------------------------------------------

def geomean(values):
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def _ok_median(result):
    if result and result.get("status") == "ok" and result.get("median_us"):
        return result["median_us"]
    return None


def ratio(result, base):
    """result's median over base's, when both returned the right checksum."""
    a, b = _ok_median(result), _ok_median(base)
    return a / b if a and b else None


def per_category(benchmarks, categories, value_of):
    """{category: geometric mean of value_of(benchmark)} plus "overall"; None
    values (no ratio: not ok or not run) are left out."""
    means = {}
    for cat in categories + ["overall"]:
        values = [value_of(b) for b in benchmarks if cat in ("overall", b["category"])]
        means[cat] = geomean(v for v in values if v)
    return means


def summarize(benchmarks, configs, categories):
    """Ratios into every result, and geometric means per category and overall:
    of the ratios to OTP per configuration, and of interp/jit time per Python."""
    for b in benchmarks:
        for r in b["results"].values():
            r["ratio"] = ratio(r, b["otp"])
    labels = [c["label"] for c in configs]
    summary = {"ratio": {}, "speedup": {}}
    for lab in labels:
        summary["ratio"][lab] = per_category(
            benchmarks, categories, lambda b: b["results"].get(lab, {}).get("ratio"))
    for py in dict.fromkeys(c["python"] for c in configs):
        if py + "-jit" in labels and py + "-interp" in labels:
            summary["speedup"][py] = per_category(
                benchmarks, categories, lambda b: ratio(b["results"].get(py + "-interp"),
                                                        b["results"].get(py + "-jit")))
    return summary


def _ms(us):
    return "-" if us is None else "%.1f" % (us / 1000.0)


def _x(v):
    if v is None:
        return "-"
    return "%.2f" % v if v < 10 else "%.1f" % v if v < 100 else "%.0f" % v


def tables(report):
    """[(title, headers, rows)] shared by the terminal and the Markdown output."""
    labels = [c["label"] for c in report["configs"]]
    head = ["benchmark", "size", "otp", "ck"]
    for lab in labels:
        head += [lab, "x otp", "ck"]
    rows = []
    for b in report["benchmarks"]:
        otp = b["otp"]
        row = [b["name"], str(b["size"] or "-"), _ms(otp.get("median_us")), otp.get("status", "-")]
        for lab in labels:
            r = b["results"].get(lab, {})
            row += [_ms(r.get("median_us")), _x(r.get("ratio")), r.get("status", "-")]
        rows.append(row)
    summary = report["summary"]
    speedups = sorted(summary.get("speedup", {}))
    shead = (["category"] + ["%s x otp" % lab for lab in labels]
             + ["%s jit speed-up" % py for py in speedups])
    srows = [[cat] + [_x(summary["ratio"][lab][cat]) for lab in labels]
             + [_x(summary["speedup"][py][cat]) for py in speedups]
             for cat in report["categories"] + ["overall"]]
    stitle = "Geometric means of the ratios to OTP"
    if speedups:
        stitle += "; JIT speed-up = interp time / jit time"
    return [("Median times (ms), ratio to OTP, checksum", head, rows), (stitle, shead, srows)]


def render_text(headers, rows):
    widths = [max(len(r[i]) for r in [headers] + rows) for i in range(len(headers))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def render_markdown(headers, rows):
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def problems(report):
    """Every result that is not ok, with what came back or why."""
    out = []
    for b in report["benchmarks"]:
        for lab, r in [("otp", b["otp"])] + list(b["results"].items()):
            if r.get("status", "ok") != "ok":
                detail = r.get("detail") or "checksum %s" % r.get("checksum", "?")
                out.append({"name": b["name"], "config": lab, "status": r["status"],
                            "detail": detail})
    return out


def problem_text(p):
    return "%s on %s: %s (%s)" % (p["name"], p["config"], p["status"], p["detail"])


def machine_info():
    u = platform.uname()
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    return {"uname": " ".join([u.system, u.release, u.machine]), "cpu": cpu,
            "cpus": os.cpu_count(), "load_start": list(os.getloadavg())}


def write_reports(report, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "bench.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    m = report["machine"]
    md = ["# erlpy bench", "",
          "- date: %s" % report["date"],
          "- size: %s; timed runs: %d, after one warm-up" % (report["size"], report["runs"]),
          "- machine: %s, %s cpus, %s" % (m["uname"], m["cpus"], m["cpu"]),
          "- load average: %s at start, %s at end" % (
              " ".join("%.2f" % x for x in m["load_start"]),
              " ".join("%.2f" % x for x in m["load_end"])),
          "- erl: %s" % report["erl"]]
    md += ["- %s: Python %s, engine used: %s" % (c["label"], c["version"], c["engine_used"])
           for c in report["configs"]]
    for title, head, rows in tables(report):
        md += ["", "## " + title, "", render_markdown(head, rows)]
    if report["problems"]:
        md += ["", "## Not ok", ""] + ["- " + problem_text(p) for p in report["problems"]]
    with open(os.path.join(out_dir, "bench.md"), "w") as f:
        f.write("\n".join(md) + "\n")


# ---- the command ------------------------------------------------------------------------

def _progress(label, name, result):
    sys.stderr.write("  %-16s %-12s %10s ms  %s\n"
                     % (label, name, _ms(result.get("median_us")), result["status"]))
    sys.stderr.flush()


def run(args):
    bench_dir = find_bench_dir(args.bench_dir)
    with open(os.path.join(bench_dir, "bench_harness.erl")) as f:
        suite = read_benchmarks(f.read())
    with open(os.path.join(bench_dir, "expected.txt")) as f:
        expected = parse_expected(f.read())
    names = [n for n, _ in suite]
    if args.only:
        wanted = [w for w in args.only.split(",") if w]
        unknown = [w for w in wanted if w not in names]
        if unknown:
            raise BenchError("unknown benchmark %s (the suite has: %s)"
                             % (", ".join(unknown), " ".join(names)))
        names = [n for n in names if n in wanted]
    missing = [p for p in args.pythons if not find_python(p)]
    if missing:
        raise BenchError("%s not found (%s)" % (missing[0], PYTHONS[missing[0]]))
    category = dict(suite)
    report = {"date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
              "size": args.size, "runs": args.runs, "timeout_s": args.timeout,
              "bench_dir": bench_dir, "machine": machine_info(),
              "categories": list(dict.fromkeys(category[n] for n in names))}
    beams = compile_beams(bench_dir)
    otp = {}
    report["erl"] = "not run"
    if not args.no_erl:
        report["erl"], otp = run_erl(beams, bench_dir, names, args, _progress)
    configs, by_config = [], {}
    for python in args.pythons:
        for engine in args.engines:
            info, results = run_config(python, engine, beams, names, expected, args, _progress)
            info.update(label="%s-%s" % (python, engine), python=python, engine=engine)
            configs.append(info)
            by_config[info["label"]] = results
    report["machine"]["load_end"] = list(os.getloadavg())
    report["configs"] = configs
    report["benchmarks"] = []
    for n in names:
        results = {lab: res[n] for lab, res in by_config.items() if n in res}
        sizes = [r.get("size") for r in [otp.get(n, {})] + list(results.values()) if r.get("size")]
        report["benchmarks"].append({"name": n, "category": category[n],
                                     "size": sizes[0] if sizes else None,
                                     "otp": otp.get(n, {}), "results": results})
    report["summary"] = summarize(report["benchmarks"], configs, report["categories"])
    report["problems"] = problems(report)
    return report


def main(argv):
    """`erlpy bench ARGS`: argv is what follows `bench`; returns the exit status."""
    try:
        args = parse_args(argv)
        report = run(args)
    except BenchError as e:
        sys.stderr.write("erlpy bench: %s\n" % e)
        return 2
    for title, head, rows in tables(report):
        sys.stdout.write("\n%s\n\n%s\n" % (title, render_text(head, rows)))
    for p in report["problems"]:
        sys.stdout.write("not ok: %s\n" % problem_text(p))
    write_reports(report, args.out)
    sys.stdout.write("\nreports: %s, %s\n" % (os.path.join(args.out, "bench.json"),
                                              os.path.join(args.out, "bench.md")))
    sys.stdout.flush()
    failed = any(p["status"] in ("mismatch", "crashed") for p in report["problems"])
    return 1 if failed else 0
