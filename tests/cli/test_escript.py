"""`erlpy escript` / `erlpy-escript`: the erl command line escript builds,
and end to end the scripts stdlib's escript module runs. Expected outputs
and statuses were taken from real `escript`."""

import os
import stat
import subprocess
import sys

from erlpy.cli.escript import escript_args, shebang_args, main

from .erlpy_process import clean_env, erlpy


ARGS_SCRIPT = ('#!/usr/bin/env escript\n'
               'main(Args) -> io:format("~p~n", [Args]), halt(length(Args)).\n')


def test_escript_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.escript").write_text(ARGS_SCRIPT)
    assert escript_args(["s.escript", "a", "-b"]) == [
        "+B", "-boot", "no_dot_erlang", "-noshell", "-run", "escript", "start",
        "-extra", "s.escript", "a", "-b"]
    assert escript_args(["-s", "-d", "s.escript"]) == [
        "+B", "-boot", "no_dot_erlang", "-noshell", "-run", "escript", "start", "s", "d",
        "-extra", "s.escript"]


def test_shebang_args_second_or_third_line(tmp_path):
    p = tmp_path / "a"
    p.write_text("#!/usr/bin/env escript\n%%!  -env FOO bar  +Jno\nmain(_) -> ok.\n")
    assert shebang_args(str(p)) == ["-env", "FOO", "bar", "+Jno"]
    p.write_text("#!/usr/bin/env escript\n%% -*- erlang -*-\n%%! -pa x\nmain(_) -> ok.\n")
    assert shebang_args(str(p)) == ["-pa", "x"]
    p.write_text("#!/usr/bin/env escript\n\n\n%%! -pa x\n")
    assert shebang_args(str(p)) == []
    p.write_text("")
    assert shebang_args(str(p)) == []


def test_escript_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 1
    assert capsys.readouterr().err == "escript: Missing filename\n\n"
    assert main(["-s"]) == 1
    capsys.readouterr()
    assert main(["nonexist.escript", "a"]) == 1
    assert capsys.readouterr().err == "escript: Failed to open file: nonexist.escript\n"


# -- end to end: the real boot -----------------------------------------------------------------

def test_e2e_escript_args_and_status(tmp_path):
    (tmp_path / "t.escript").write_text(ARGS_SCRIPT)
    r = erlpy(["escript", "t.escript", "a", "b", "c"], tmp_path)
    assert r.stdout == b'["a","b","c"]\n', r.stderr[-3000:]
    assert r.returncode == 3


def test_e2e_escript_compile_mode_and_emu_args(tmp_path):
    (tmp_path / "f.escript").write_text(
        '#!/usr/bin/env escript\n%% comment\n%%! -env FOO bar -noinput\n-mode(compile).\n'
        'main(Args) -> io:format("~s ~p ~p~n", '
        '[os:getenv("FOO"), Args, escript:script_name()]), halt(7).\n')
    r = erlpy(["escript", "f.escript", "x"], tmp_path)
    assert r.stdout == b'bar ["x"] "f.escript"\n', r.stderr[-3000:]
    assert r.returncode == 7


def test_e2e_escript_error_exits_127(tmp_path):
    (tmp_path / "e.escript").write_text("#!/usr/bin/env escript\nmain(_) -> error(x).\n")
    r = erlpy(["escript", "e.escript"], tmp_path)
    assert r.returncode == 127, r.stderr[-3000:]
    assert r.stderr.startswith(b"escript: exception error: x\n")


def test_e2e_shebang_entry_point(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    wrapper = bindir / "erlpy-escript"
    wrapper.write_text('#!/bin/sh\nexec "%s" -m erlpy.cli.escript "$@"\n' % sys.executable)
    script = tmp_path / "hello"
    script.write_text("#!/usr/bin/env erlpy-escript\n" + ARGS_SCRIPT.split("\n", 1)[1])
    for p in (wrapper, script):
        p.chmod(p.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = clean_env({"PATH": str(bindir) + os.pathsep + os.environ.get("PATH", "")})
    r = subprocess.run([str(script), "one", "two"], cwd=str(tmp_path), env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    assert r.stdout == b'["one","two"]\n', r.stderr[-3000:]
    assert r.returncode == 2
