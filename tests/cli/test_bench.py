"""`erlpy bench`: parsing of the suite's files and of the harness output, the
worker protocol (with a stand-in worker), ratios and geometric means, the
reports, and one end-to-end run on a tiny suite. Timings are never asserted."""

import json
import math
import os
import re
import shutil
import sys

import pytest

from erlpy.cli import bench
from erlpy.cli.main import main as cli_main

SHARED_HARNESS = "/work/shared/bench/bench_harness.erl"


def test_parse_expected():
    text = "# comment\nfib 33 3524578\ntailcall 3000000 {15986272,465665,1500000}\n\nbad line\n"
    assert bench.parse_expected(text) == {("fib", "33"): "3524578",
                                          ("tailcall", "3000000"): "{15986272,465665,1500000}"}


def test_read_benchmarks():
    src = ("-module(bench_harness).\nbenchmarks() ->\n    [{fib, calls}, {nrev, lists},\n"
           "     {bigmsg, huge_messages}].\n\nmain() -> ok.\n")
    assert bench.read_benchmarks(src) == [("fib", "calls"), ("nrev", "lists"),
                                          ("bigmsg", "huge_messages")]
    with pytest.raises(bench.BenchError):
        bench.read_benchmarks("-module(x).\n")


def test_parse_harness_output():
    lines = ["# bench_harness: otp 25 erts 13.1.5 flavor jit schedulers 2 size small runs 5 "
             "expected 58",
             "fib 33 30651 30579 true",
             "tak 150 28419 28044 false",
             "# tak: checksum 1, expected 9725091",
             "ack 50 - - timeout",
             "ring 120 - - crashed",
             "# ring: {badarg,[]}",
             "# total wall 5369232 us, 29 benchmarks, 0 not ok"]
    header, res = bench.parse_harness_output(lines)
    assert header.split(" size ")[0] == "otp 25 erts 13.1.5 flavor jit schedulers 2"
    assert res["fib"] == {"status": "ok", "size": 33, "median_us": 30651, "min_us": 30579}
    assert res["tak"]["status"] == "mismatch"
    assert res["ack"] == {"status": "timeout", "size": 50, "median_us": None, "min_us": None}
    assert res["ring"]["status"] == "crashed"
    assert set(res) == {"fib", "tak", "ack", "ring"}


def test_median_and_judge():
    assert bench.median_us([5, 1, 3]) == 3
    assert bench.median_us([4, 1, 3, 2]) == 2  # the lower one, as the harness takes it
    assert bench.judge(["7", "7"], "7") == "ok"
    assert bench.judge(["7", "8"], "7") == "mismatch"
    assert bench.judge(["8"], "7") == "mismatch"
    assert bench.judge(["7"], None) == "unknown"


def _result(median, status="ok"):
    return {"status": status, "median_us": median}


def _sample_report():
    benchmarks = [
        {"name": "fib", "category": "calls", "size": 33, "otp": _result(100),
         "results": {"cpython-jit": _result(1000), "cpython-interp": _result(4000)}},
        {"name": "tak", "category": "calls", "size": 150, "otp": _result(200),
         "results": {"cpython-jit": _result(8000), "cpython-interp": _result(16000)}},
        {"name": "nrev", "category": "lists", "size": 1600, "otp": _result(50),
         "results": {"cpython-jit": _result(500, "mismatch"),
                     "cpython-interp": {"status": "timeout", "median_us": None,
                                        "detail": "no result within 9 s"}}},
    ]
    configs = [{"label": "cpython-jit", "python": "cpython", "engine": "jit",
                "engine_used": "jit", "version": "3.11.7"},
               {"label": "cpython-interp", "python": "cpython", "engine": "interp",
                "engine_used": "interp", "version": "3.11.7"}]
    report = {"date": "2026-01-01 00:00:00 UTC", "size": "small", "runs": 3, "timeout_s": 9,
              "bench_dir": "/x", "erl": "otp 25", "categories": ["calls", "lists"],
              "machine": {"uname": "Linux", "cpu": "cpu", "cpus": 2, "load_start": [0.1] * 3,
                          "load_end": [0.2] * 3},
              "configs": configs, "benchmarks": benchmarks}
    report["summary"] = bench.summarize(benchmarks, configs, report["categories"])
    report["problems"] = bench.problems(report)
    return report


def test_ratios_and_geometric_means():
    report = _sample_report()
    fib, tak, nrev = report["benchmarks"]
    assert fib["results"]["cpython-jit"]["ratio"] == 10
    assert tak["results"]["cpython-interp"]["ratio"] == 80
    assert nrev["results"]["cpython-jit"]["ratio"] is None  # wrong checksum: no ratio
    ratio = report["summary"]["ratio"]
    assert ratio["cpython-jit"]["calls"] == pytest.approx(math.sqrt(10 * 40))
    assert ratio["cpython-jit"]["overall"] == pytest.approx(20)
    assert ratio["cpython-interp"]["calls"] == pytest.approx(math.sqrt(40 * 80))
    assert ratio["cpython-interp"]["lists"] is None
    speedup = report["summary"]["speedup"]["cpython"]
    assert speedup["calls"] == pytest.approx(math.sqrt(4 * 2))
    assert speedup["lists"] is None
    assert [(p["name"], p["config"], p["status"]) for p in report["problems"]] == [
        ("nrev", "cpython-jit", "mismatch"), ("nrev", "cpython-interp", "timeout")]


def test_tables_and_reports(tmp_path):
    report = _sample_report()
    (title, head, rows), (_, shead, srows) = bench.tables(report)
    assert head[:7] == ["benchmark", "size", "otp", "ck", "cpython-jit", "x otp", "ck"]
    assert rows[0] == ["fib", "33", "0.1", "ok", "1.0", "10.0", "ok", "4.0", "40.0", "ok"]
    assert rows[2][-3:] == ["-", "-", "timeout"]
    assert shead[-1] == "cpython jit speed-up"
    assert srows[-1][0] == "overall" and srows[-1][1] == "20.0"
    text = bench.render_text(head, rows).splitlines()
    assert len({len(line) for line in text[:2]}) == 1  # header and rule line up
    assert text[2].startswith("fib ")
    bench.write_reports(report, str(tmp_path / "out"))
    data = json.loads((tmp_path / "out" / "bench.json").read_text())
    assert data["benchmarks"][1]["results"]["cpython-jit"]["ratio"] == 40
    md = (tmp_path / "out" / "bench.md").read_text()
    assert "| fib | 33 | 0.1 | ok | 1.0 | 10.0 | ok |" in md
    assert "|---|---:|" in md
    assert "load average: 0.10 0.10 0.10 at start" in md
    assert "nrev on cpython-interp: timeout (no result within 9 s)" in md


FAKE_WORKER = r"""
import json, sys, time
def emit(**m): print(json.dumps(m), flush=True)
emit(event="ready", python="CPython", version="x", engine="interp")
for name in sys.argv[1:]:
    if name == "dies":
        sys.stderr.write("boom\n"); sys.exit(3)
    if name == "hangs":
        time.sleep(60)
    emit(event="start", bench=name, size=4)
    for us in (50, 30, 10, 20):
        emit(event="run", bench=name, us=us, checksum="{1,2}")
    emit(event="end", bench=name)
"""


def test_worker_protocol_crash_and_timeout():
    cmd = [sys.executable, "-c", FAKE_WORKER]
    seen = []
    ready, res = bench._run_worker(cmd, dict(os.environ), ["a", "dies", "b"],
                                   {("a", "4"): "{1,2}"}, 5, lambda n, r: seen.append(n))
    assert ready["engine"] == "interp"
    assert res["a"] == {"status": "ok", "size": 4, "median_us": 20, "min_us": 10,
                        "times_us": [30, 10, 20], "checksum": "{1,2}"}
    assert res["dies"]["status"] == "crashed" and "boom" in res["dies"]["detail"]
    assert "b" not in res and seen == ["a", "dies"]
    _, res = bench._run_worker(cmd, dict(os.environ), ["hangs", "b"], {}, 0.5,
                               lambda n, r: None)
    assert res == {"hangs": {"status": "timeout", "size": None,
                             "detail": "no result within 0.5 s"}}


def test_worker_that_cannot_start_fails_all_its_benchmarks():
    cmd = [sys.executable, "-c", "import sys; sys.stderr.write('no erlpy'); sys.exit(1)"]
    ready, res = bench._run_worker(cmd, dict(os.environ), ["a", "b"], {}, 5, lambda n, r: None)
    assert ready is None
    assert res["b"] == {"status": "crashed", "detail": "worker did not start: no erlpy"}


# ---- end to end on a tiny suite ------------------------------------------------------------

MODULES = {
    "bench_tiny": "sizes() -> #{small => 2000, default => 4000}.\n"
                  "run(N) -> {lists:sum(lists:seq(1, N)), N}.\n",
    "bench_wrong": "sizes() -> #{small => 10, default => 20}.\nrun(N) -> N * 2.\n",
    "bench_spin": "sizes() -> #{small => 1, default => 1}.\nrun(N) -> spin(N).\n"
                  "spin(N) -> spin(N).\n",
}

needs_otp = pytest.mark.skipif(not (shutil.which("erl") and shutil.which("erlc")
                                    and os.path.isfile(SHARED_HARNESS)),
                               reason="needs erl, erlc and shared/bench")


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    d = tmp_path_factory.mktemp("suite")
    with open(SHARED_HARNESS) as f:
        harness = f.read()
    harness = re.sub(r"^benchmarks\(\) ->.*?\]\.", "benchmarks() ->\n    "
                     "[{spin, calls}, {tiny, calls}, {wrong, lists}].",
                     harness, count=1, flags=re.S | re.M)
    (d / "bench_harness.erl").write_text(harness)
    for mod, body in MODULES.items():
        (d / (mod + ".erl")).write_text("-module(%s).\n-export([run/1, sizes/0]).\n%s"
                                        % (mod, body))
    (d / "expected.txt").write_text("tiny 2000 {2001000,2000}\nwrong 10 21\n")
    return d, tmp_path_factory.mktemp("cache")


def _bench(suite, monkeypatch, tmp_path, *extra):
    d, cache = suite
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    out = tmp_path / "out"
    status = cli_main(["bench", "--small", "--runs", "1", "--engines", "interp",
                       "--pythons", "cpython", "--bench-dir", str(d), "--out", str(out)]
                      + list(extra))
    with open(out / "bench.json") as f:
        return status, {b["name"]: b for b in json.load(f)["benchmarks"]}


@needs_otp
def test_end_to_end_against_erl(suite, monkeypatch, tmp_path, capsys):
    status, res = _bench(suite, monkeypatch, tmp_path, "--only", "tiny,wrong")
    assert status == 1  # bench_wrong's checksum differs from expected.txt
    tiny = res["tiny"]
    assert tiny["otp"]["status"] == "ok" and tiny["size"] == 2000
    mine = tiny["results"]["cpython-interp"]
    assert mine["status"] == "ok" and mine["checksum"] == "{2001000,2000}"
    assert mine["ratio"] > 0 and len(mine["times_us"]) == 1
    assert res["wrong"]["otp"]["status"] == "mismatch"
    assert res["wrong"]["results"]["cpython-interp"]["checksum"] == "20"
    out = capsys.readouterr().out
    assert "not ok: wrong on cpython-interp: mismatch (checksum 20)" in out
    assert re.search(r"^overall +\S+$", out, re.M)


@needs_otp
def test_timeout_fails_only_its_benchmark(suite, monkeypatch, tmp_path):
    status, res = _bench(suite, monkeypatch, tmp_path, "--no-erl", "--only", "spin,tiny",
                         "--timeout", "1")
    assert status == 0
    assert res["spin"]["results"]["cpython-interp"]["status"] == "timeout"
    assert res["tiny"]["results"]["cpython-interp"]["status"] == "ok"
    assert res["tiny"]["otp"] == {}
