"""Configuration templates (sys.config.src, relx's convention) and the check
of a config file's syntax with application_controller's messages. Expected
messages were taken from real `erl -config FILE`."""

import os

import pytest

from erlpy.cli import config
from erlpy.cli.config import (ConfigError, EnvVarError, substitute_env, config_source,
                              render_config, check_config_text)
from erlpy.cli.main import run_erl

from .erlpy_process import erlpy


# -- ${VAR} --------------------------------------------------------------------------------------

def test_substitute_env():
    env = {"A": "1", "E": "", "REC": "${A}"}
    assert substitute_env("x${A}y ${A}", env) == "x1y 1"
    assert substitute_env("${B:-dflt} ${E:-d2} ${A:-no} ${E}", env) == "dflt d2 1 "
    assert substitute_env("${REC}", env) == "${A}"          # values are not rescanned
    assert substitute_env("$A ${} $${A}", {"A": "1", "": "?"}) == "$A ? $1"


def test_unset_variable_names_it():
    with pytest.raises(EnvVarError) as e:
        substitute_env("[\n{myapp, [{port, ${PORT}}]}].\n", {}, "sys.config.src")
    err = e.value
    assert (err.file, err.line) == ("sys.config.src", 2)
    assert "PORT" in err.reason


# -- which -config values are templates --------------------------------------------------------

def test_config_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert config_source("sys.config.src") == ("sys.config.src", "sys.config")
    assert config_source("app.src") == ("app.src", "app.config")
    assert config_source("sys") is None
    (tmp_path / "sys.config.src").write_text("[].\n")
    assert config_source("sys") == ("sys.config.src", "sys.config")
    assert config_source("sys.config") == ("sys.config.src", "sys.config")


def test_render_beside_the_template(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "config"
    d.mkdir()
    (d / "sys.config.src").write_text('[{myapp, [{port, ${PORT}}, {host, "${HOST:-localhost}"}]}].\n')
    out = render_config("config/sys.config.src", {"PORT": "8080"})
    assert out == os.path.join("config", "sys.config")
    assert (d / "sys.config").read_text() == \
        '[{myapp, [{port, 8080}, {host, "localhost"}]}].\n'
    # unchanged: not rewritten
    os.utime(out, (1, 1))
    assert render_config("config/sys", {"PORT": "8080"}) == out
    assert os.stat(out).st_mtime == 1
    assert render_config("plain.config", {}) == "plain.config"


def test_render_elsewhere_when_not_writable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sys.config.src").write_text("[{a, [{b, ${B}}]}].\n")
    relx = tmp_path / "out"
    relx.mkdir()
    assert render_config("sys.config.src", {"B": "1", "RELX_OUT_FILE_PATH": str(relx)}) == \
        str(relx / "sys.config")
    real_access = os.access
    monkeypatch.setattr(config.os, "access",
                        lambda p, m: False if os.path.abspath(p) == str(tmp_path) else
                        real_access(p, m))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = render_config("sys.config.src", {"B": "2"}, tmpdir=str(tmp))
    assert out == str(tmp / "sys.config")
    assert (tmp / "sys.config").read_text() == "[{a, [{b, 2}]}].\n"
    assert not (tmp_path / "sys.config").exists()


def test_render_errors_name_the_template(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sys.config.src").write_text("[{myapp, [{port, ${PORT}}]},\n {kernel, [}\n].\n")
    with pytest.raises(ConfigError) as e:
        render_config("sys.config.src", {"PORT": "1"})
    assert e.value.otp_reason() == \
        'error in config file "./sys.config.src" (2): syntax error before: \'}\''
    assert not (tmp_path / "sys.config").exists()
    with pytest.raises(ConfigError) as e:
        render_config("nothere.src", {})
    assert e.value.otp_reason() == \
        'error in config file "./nothere.src" (none): configuration file not found'


def test_broken_template_stops_as_otp_does(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sys.config.src").write_text("[{myapp, [{port, ${PORT}}]},\n {kernel, [}\n].\n")
    monkeypatch.setenv("PORT", "1")
    assert run_erl(["-noshell", "-config", "sys.config.src"]) == 1
    out, err = capsys.readouterr()
    assert out == ('{"could not start kernel pid",application_controller,'
                   '"error in config file \\"./sys.config.src\\" (2): '
                   'syntax error before: \'}\'"}\n')
    assert err == ('could not start kernel pid (application_controller) (error in config '
                   'file "./sys.config.src" (2): syntax error before: \'}\')\n')
    monkeypatch.delenv("PORT")
    assert run_erl(["-noshell", "-config", "sys"]) == 1
    assert "PORT" in capsys.readouterr().err


# -- application_controller's checks ----------------------------------------------------------

ONE_LIST = "configuration file must contain ONE list ended by <dot>"

CASES = [
    ('[{myapp, [{port, 80}]}].\n', None),
    ('[{a, [{b, <<"a">>}, {c, #{a => 1}}, {d, -1}, {e, "a" "b"}, {f, $a}, {g, 2#101}, '
     '{h, 1_000}, {i, fun lists:map/2}, {j, +3}, {k, - 2.5}, {l, [1|2]}, {m, {}}]}].\n', None),
    ('[{a, 1}].\n%% trailing comment\n', None),
    ('[{a, 1}].', None),
    ('[{myapp, [{port, 80}]},\n {kernel, [}\n].\n', (2, "syntax error before: '}'")),
    ('[{myapp, [{port, 80}]}]\n', (None, "no ending <dot> found")),
    ('', (None, "no ending <dot> found")),
    ('[{a, "unterminated}].\n', (None, "no ending <dot> found")),
    ('{myapp, 1}.\n', (None, ONE_LIST)),
    ('[{myapp,\n [{port, 1}]}]\n.\n[].\n', (None, ONE_LIST)),
    ('[{a, 1}]. garbage\n', (None, ONE_LIST)),
    ('[{myapp,\n [{port, 1 ` }]}].\n', (2, "syntax error before: '`'")),
    ('[{myapp,\n [{port, 1 + 2}]}].\n', (1, "bad term")),
    ('[{a, [{b, 1} {c, 2}]}].\n', (1, "syntax error before: '{'")),
    ('[{a, [{b, 1},\n\n {c, 2},]}].\n', (3, "syntax error before: ']'")),
    ('[{a, [{b, X}]}].\n', (1, "bad term")),
    ('[{a, [{b, foo()}]}].\n', (1, "bad term")),
    ('[{a,\n [{b, #{a := 1}}]}].\n', (1, "bad term")),
    ('[{a, [{b, <<X>>}]}].\n', (1, "bad term")),
    ('[{a, <<1:8, "x"/binary, 2:4>>}].\n', (1, "bad term")),
    ('[{a, [{b, 1.5e3}]}] [].\n', (1, "syntax error before: '['")),
    ('[{a, 1}], [b].\n', (1, "bad term")),
    ("[{a, 'quoted atom'}, {'B', case}].\n", (1, "syntax error before: '}'")),
    ('[{a, 1 == 2 == 3}].\n', (1, "syntax error before: '=='")),
    ('[{a, [X || X <- [1,2]]}].\n', (1, "bad term")),
    ('[{a,\n  #r{x = 1}}].\n', (1, "bad term")),
    ('[{a, fun() -> ok end}].\n', (1, "bad term")),
    ('[{a, "x"}\n\n\n{b, 2}].\n', (4, "syntax error before: '{'")),
    ('[{a, 12.5}\n 3.0e10].\n', (2, "syntax error before: 3.0e10")),
    ('[{a, "str" \'at\'}].\n', (1, "syntax error before: at")),
    ('[{a, - -1}].\n', (1, "bad term")),
    ('[\n{a, 1}\n)].\n', (3, "syntax error before: ')'")),
    ('[{a, {1,2,}}].\n', (1, "syntax error before: '}'")),
    ('[{a, [{b, foo}]}.\n', (1, "syntax error before: '.'")),
    ('[{a, $a b}].\n', (1, "syntax error before: b")),
    ('[{a, 3 "s"}].\n', (1, 'syntax error before: "s"')),
    ('[{a, <<1.5>>}, {b, <<1/float>>}].\n', (1, "bad term")),
    ('[{a, if }].\n', (1, "syntax error before: '}'")),
    ('[{a, fun}].\n', (1, "syntax error before: '}'")),
    ("[{a, 'Quoted' x}].\n", (1, "syntax error before: x")),
    ('[{a, "\\"q" x}].\n', (1, "syntax error before: x")),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_check_config_text_as_application_controller(text, expected):
    assert check_config_text(text) == expected


def test_scan_errors_are_reported_with_their_line():
    # (OTP itself crashes formatting these; erlpy names the line and the error)
    assert check_config_text("[{a,\n 37#1}].\n") == (2, "illegal base '37'")
    assert check_config_text("[{a, 0.5e}].\n") == (1, "illegal float")


# -- end to end: the real boot -----------------------------------------------------------------

APP = ('{application, myapp, [{vsn, "1"}, {modules, []}, {registered, []}, '
       '{applications, [kernel, stdlib]}, {env, [{port, 1}]}]}.\n')


def test_e2e_sys_config_src(tmp_path):
    (tmp_path / "ebin").mkdir()
    (tmp_path / "ebin" / "myapp.app").write_text(APP)
    (tmp_path / "sys.config.src").write_text("[{myapp, [{port, ${PORT}}]}].\n")
    r = erlpy(["-noshell", "-pa", "ebin", "-config", "sys.config.src", "-eval",
               'application:load(myapp), io:format("~p~n", [application:get_env(myapp, port)]),'
               ' init:stop().'], tmp_path, env={"PORT": "8080"})
    assert r.stdout == b"{ok,8080}\n", r.stderr[-3000:]
    assert r.returncode == 0
    assert (tmp_path / "sys.config").read_text() == "[{myapp, [{port, 8080}]}].\n"


def test_e2e_broken_config(tmp_path):
    (tmp_path / "broken.config").write_text("[{myapp, [{port, 80}]},\n {kernel, [}\n].\n")
    r = erlpy(["-noshell", "-config", "broken", "-eval", "init:stop()."], tmp_path)
    assert r.returncode == 1
    assert r.stdout.replace(b"\r\n", b"\n") == (
        b'{"could not start kernel pid",application_controller,'
        b'"error in config file \\"./broken.config\\" (2): syntax error before: \'}\'"}\n')
    assert (b'could not start kernel pid (application_controller) (error in config file '
            b'"./broken.config" (2): syntax error before: \'}\')') in r.stderr


def test_e2e_broken_config_src(tmp_path):
    (tmp_path / "sys.config.src").write_text("[{myapp, [{port, ${PORT}]}].\n")
    r = erlpy(["-noshell", "-config", "sys.config.src", "-eval", "init:stop()."], tmp_path,
              env={"PORT": "80"})
    assert r.returncode == 1
    assert b'error in config file "./sys.config.src" (1): syntax error before: \']\'' \
        in r.stderr
