"""The `erlpy` command line as erlexec reads it: ERL_*FLAGS, -args_file,
-env, emulator flags, -extra; and end to end, the node OTP's init boots.
Expected init arguments were taken from real `erl -emu_args_exit ...`."""

import os

import pytest

from erlpy.cli.config import ArgsError, EnvVarError, split_words, expand_args
from erlpy.cli.main import prepare, run_erl, main, Detached

from .erlpy_process import erlpy


# -- word splitting ---------------------------------------------------------------------------

def test_split_words_quotes_and_backslash():
    assert split_words("""-a "b c" 'd e'f g\\ h""") == ["-a", "b c", "d ef", "g h"]
    assert split_words("  \t\n ") == []
    assert split_words('x"" y') == ["x", "y"]
    assert split_words('""') == [""]


def test_split_words_comments_only_in_files():
    assert split_words("-a 1 # two\n-b#c\n# all\n-d", comments=True) == ["-a", "1", "-b", "-d"]
    assert split_words("-a #b") == ["-a", "#b"]


# -- expansion ----------------------------------------------------------------------------------

def test_command_line_alone_is_untouched():
    argv = ["-noshell", "-eval", "x", "-extra", "a", "-args_file", "nofile"]
    assert expand_args(argv, {}) == argv


def test_env_flags_order_and_separators():
    env = {"ERL_AFLAGS": "-a 2", "ERL_FLAGS": "-f 1 -extra foo",
           "ERL_ZFLAGS": "'-z' \"q r\""}
    assert expand_args(["-x", "1"], env) == [
        "-a", "2", "--", "-x", "1", "--", "-f", "1", "-z", "q r", "--", "-extra", "foo", "--"]
    assert expand_args([], {"ERL_AFLAGS": "-a 2"}) == ["-a", "2", "--"]
    assert expand_args(["-x"], {"ERL_OTP25_FLAGS": "-o"}) == ["-o", "--", "-x", "--"]


def test_args_file_nested_with_extra(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.args").write_text(
        '-y 1 # comment\n-z "a b" c\\ d -args_file b.args -extra e1 e2\n')
    (tmp_path / "b.args").write_text("-inner 'x y' +A 4\n# full comment line\n-b2\n")
    got = expand_args(["-noshell", "-args_file", "a.args", "-w", "3", "-extra", "p"], {})
    # as erlexec: each file ends with "--"; -extra parts gathered at the end
    assert got == ["-noshell", "-y", "1", "-z", "a b", "c d", "-inner", "x y", "+A", "4",
                   "-b2", "--", "-w", "3", "--", "-extra", "e1", "e2", "--", "p"]


def test_args_file_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArgsError) as e:
        expand_args(["-args_file", "missing.args"], {})
    assert str(e.value) == ('Failed to open arguments file "missing.args" at "%s": '
                            'No such file or directory' % os.getcwd())
    with pytest.raises(ArgsError) as e:
        expand_args(["-args_file"], {})
    assert str(e.value) == "Missing argument(s) for '-args_file'."
    (tmp_path / "loop.args").write_text("-a -args_file loop.args\n")
    with pytest.raises(ArgsError) as e:
        expand_args(["-args_file", "loop.args"], {})
    assert "Circular" in str(e.value)


def test_vm_args_src_replaces_variables(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "vm.args.src").write_text(
        "-sname ${NODE}\n-setcookie ${COOKIE:-monster}\n-kernel x '${SP}'\n")
    env = {"NODE": "n1", "SP": "a b"}
    want = ["-sname", "n1", "-setcookie", "monster", "-kernel", "x", "a b", "--", "--"]
    assert expand_args(["-args_file", "vm.args.src"], env) == want
    # relx's convention: vm.args is generated from vm.args.src when that exists
    assert expand_args(["-args_file", "vm.args"], env) == want
    with pytest.raises(EnvVarError) as e:
        expand_args(["-args_file", "vm.args.src"], {})
    assert e.value.line == 1 and "NODE" in str(e.value)


# -- erlexec's flags ---------------------------------------------------------------------------

def test_emulator_flags_are_consumed_with_their_values():
    plan = prepare(["-noinput", "+A", "3", "+sbt", "db", "+Bc", "+B", "i", "+c", "true",
                    "+JPperf", "true", "+S", "4:4", "+SDcpu", "2", "+MBas", "aobf",
                    "+hms", "100", "+zdbbl", "1000", "+K", "true", "+pc", "unicode",
                    "+Bi", "+Mea", "min", "+IOt", "2", "+V", "x"], {})
    assert plan.init_args == ["-noshell", "-noinput", "x"]
    assert plan.ignored[:4] == ["+A", "3", "+sbt", "db"]
    assert plan.engine is None


def test_engine_flags():
    assert prepare(["+Jno", "-noshell"], {}).engine == "interp"
    assert prepare(["+Jno", "+Jyes"], {}).engine == "jit"
    plan = prepare(["-emu_flavor", "emu", "-s", "m"], {})
    assert plan.engine == "interp"
    assert plan.init_args == ["-emu_flavor", "emu", "-s", "m"]
    with pytest.raises(ArgsError):
        prepare(["-emu_flavor", "fast"], {})


def test_env_and_extra():
    plan = prepare(["-env", "FOO", "bar", "-s", "a", "b", "-extra", "-env", "X", "Y", "+Jno"],
                   {})
    assert plan.env == [("FOO", "bar")]
    assert plan.init_args == ["-s", "a", "b", "-extra", "-env", "X", "Y", "+Jno"]
    assert plan.engine is None
    with pytest.raises(ArgsError) as e:
        prepare(["-env", "FOO"], {})
    assert str(e.value) == "Missing argument(s) for '-env'."
    with pytest.raises(ArgsError) as e:
        prepare(["+A"], {})
    assert str(e.value) == "Missing argument(s) for '+A'."


def test_erlexec_rewrites():
    assert prepare(["-compile", "f.erl"], {}).init_args == [
        "-noshell", "-noinput", "-s", "c", "lc_batch", "f.erl"]
    assert prepare(["-make", "a", "b"], {}).init_args == [
        "-noshell", "-noinput", "-s", "make", "all_or_nothing", "-s", "erlang", "halt"]
    assert prepare(["-configfd", "0"], {}).init_args == [
        "-noshell", "-noinput", "-configfd", "0"]
    assert prepare(["-a", "--", "-b"], {}).init_args == ["-a", "--", "-b"]
    assert prepare(["-s", "m"], {"ERL_EPMD_PORT": "4370"}).init_args == [
        "-epmd_port", "4370", "-s", "m"]
    plan = prepare(["-sname", "n", "-start_epmd", "false"], {})
    assert plan.distributed and not plan.start_epmd
    with pytest.raises(Detached):
        prepare(["-noshell", "-detached"], {})
    with pytest.raises(ArgsError):
        prepare(["-no_epmd"], {})
    with pytest.raises(ArgsError):
        prepare(["-smp", "disable"], {})


def test_detached_refused(capsys):
    assert run_erl(["-detached", "-s", "m"]) == 1
    assert "-detached is not supported" in capsys.readouterr().err


def test_bad_command_line_exits_1(capsys):
    assert run_erl(["-env", "X"]) == 1
    assert "Missing argument(s) for '-env'." in capsys.readouterr().err


def test_version(capsys):
    assert run_erl(["-version"]) == 0
    assert capsys.readouterr().err.startswith("Erlang (erlpy) emulator version ")


def test_emu_args_exit(capsys):
    assert run_erl(["-emu_args_exit", "+A", "2", "-noinput", "-extra", "x"]) == 0
    words = capsys.readouterr().out.splitlines()
    assert words[words.index("-progname") + 1] == "erl"
    assert words[-5:] == ["--", "-noshell", "-noinput", "-extra", "x"]


def test_help(capsys):
    assert main(["-h"]) == 0
    out = capsys.readouterr().out
    assert "erlpy escript" in out and "-args_file" in out


# -- end to end: the real boot -----------------------------------------------------------------

def test_e2e_applications(tmp_path):
    r = erlpy(["-noshell", "-eval",
               'io:format("~p~n", [application:which_applications()]), init:stop().'], tmp_path)
    assert r.stdout == (b'[{stdlib,"ERTS  CXC 138 10","4.2"},'
                        b'{kernel,"ERTS  CXC 138 10","8.5.3"}]\n'), r.stderr[-3000:]
    assert r.returncode == 0


def test_e2e_halt_status(tmp_path):
    r = erlpy(["-noshell", "-eval", "halt(3)."], tmp_path)
    assert r.returncode == 3, r.stderr[-3000:]
    assert r.stdout == b""


def test_e2e_env_args_file_and_emulator_flags(tmp_path):
    (tmp_path / "vm.args").write_text("-myflag a1 # comment\n+A 4\n")
    r = erlpy(["+sbt", "db", "-args_file", "vm.args", "-env", "ERLPY_T", "v1", "-noshell",
               "-eval", 'io:format("~s ~p ~p~n", [os:getenv("ERLPY_T"), '
                        'init:get_argument(myflag), init:get_plain_arguments()]), halt().',
               "-extra", "+Jno", "p"], tmp_path, env={"ERL_AFLAGS": "-aflag 1"})
    assert r.stdout == b'v1 {ok,[["a1"]]} ["+Jno","p"]\n', r.stderr[-3000:]
    assert r.returncode == 0
