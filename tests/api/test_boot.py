"""The real boot: OTP's own init, kernel and stdlib started by ErlangVM.start(),
and code loading through the code server, on_load functions included."""

import pytest

from erlpy.api.vm import ErlangVM, ProcessExit
from erlpy.terms import A, atom, from_seq, to_pylist, estr

from tests.erlc import compile_erlang

ON_LOAD = """
-module(boot_on_load).
-on_load(init/0).
-export([get/0]).
init() -> persistent_term:put(boot_on_load_key, loaded), ok.
get() -> persistent_term:get(boot_on_load_key).
"""

ON_LOAD_FAILS = """
-module(boot_on_load_fails).
-on_load(init/0).
-export([get/0]).
init() -> not_ok.
get() -> reachable.
"""


@pytest.fixture(scope="module")
def vm():
    dirs = [compile_erlang(ON_LOAD), compile_erlang(ON_LOAD_FAILS)]
    return ErlangVM(code_path=dirs).start()


def _chars(term):
    return "".join(chr(c) for c in to_pylist(term))


def test_kernel_and_stdlib_are_started_by_the_application_controller(vm):
    apps = [t[0] for t in to_pylist(vm.call("application", "which_applications", []))]
    assert apps == [A.stdlib, A.kernel]


def test_the_kernel_processes_are_registered(vm):
    for name in ("init", "code_server", "file_server_2", "application_controller",
                 "kernel_sup", "logger", "user", "standard_error", "erts_code_purger",
                 "global_name_server", "inet_db", "kernel_refc"):
        assert vm.call("erlang", "whereis", [atom(name)]) is not A.undefined, name


def test_init_answers_as_in_erl(vm):
    assert vm.call("init", "get_status", []) == (A.started, A.started)
    ok, values = vm.call("init", "get_argument", [A.root])
    assert ok is A.ok and [_chars(v) for v in to_pylist(to_pylist(values)[0])] == \
        ["/usr/lib/erlang"]
    ok, values = vm.call("init", "get_argument", [A.noshell])
    assert ok is A.ok and [to_pylist(v) for v in to_pylist(values)] == [[]]
    assert vm.call("init", "get_argument", [atom("no_such_flag")]) is A.error


def test_modules_load_on_demand_from_the_code_path(vm):
    path = vm.call("code", "which", [atom("boot_on_load")])
    assert _chars(path).endswith("/boot_on_load.beam")
    assert vm.call("code", "which", [atom("no_such_module")]) is A.non_existing


def test_an_on_load_function_runs_before_the_module_is_callable(vm):
    assert vm.call("boot_on_load", "get", []) is A.loaded


def test_a_failing_on_load_function_leaves_the_module_unloaded(vm):
    assert vm.call("code", "ensure_loaded", [atom("boot_on_load_fails")]) == \
        (A.error, A.on_load_failure)
    with pytest.raises(ProcessExit) as e:
        vm.call("boot_on_load_fails", "get", [])
    assert e.value.reason[0] is A.undef
    assert vm.call("erlang", "module_loaded", [atom("boot_on_load_fails")]) is A.false


def test_file_reads_through_the_file_server(vm, tmp_path):
    p = tmp_path / "hello.txt"
    p.write_bytes(b"hello\n")
    assert vm.call("file", "read_file", [estr(str(p))]) == (A.ok, b"hello\n")


VERSION_1 = """
-module(boot_reload).
-export([version/0]).
version() -> 1.
"""

VERSION_2 = """
-module(boot_reload).
-export([version/0]).
version() -> 2.
"""


def test_add_patha_load_file_and_reload(vm):
    first, second = compile_erlang(VERSION_1), compile_erlang(VERSION_2)
    assert vm.call("code", "add_patha", [estr(first)]) is A.true
    assert vm.call("code", "load_file", [atom("boot_reload")]) == (A.module, atom("boot_reload"))
    assert vm.call("boot_reload", "version", []) == 1
    # the newer directory first on the path: load_file replaces the code
    assert vm.call("code", "add_patha", [estr(second)]) is A.true
    assert vm.call("code", "purge", [atom("boot_reload")]) is A.false
    assert vm.call("code", "load_file", [atom("boot_reload")]) == (A.module, atom("boot_reload"))
    assert vm.call("boot_reload", "version", []) == 2
    assert vm.call("erlang", "check_old_code", [atom("boot_reload")]) is A.true
    assert vm.call("code", "soft_purge", [atom("boot_reload")]) is A.true
    assert vm.call("erlang", "check_old_code", [atom("boot_reload")]) is A.false
    assert _chars(vm.call("code", "which", [atom("boot_reload")])).startswith(second)


LOOPER = """
-module(boot_looper).
-export([start/0, loop/0]).
start() -> spawn(fun() -> loop() end).
loop() -> receive stop -> ok; _ -> loop() end.
"""


def test_purging_old_code_a_process_still_runs(vm):
    old = compile_erlang(LOOPER)
    new = compile_erlang(LOOPER.replace("_ -> loop()", "_ -> boot_looper:loop()"))
    vm.call("code", "add_patha", [estr(old)])
    assert vm.call("code", "load_file", [atom("boot_looper")]) == (A.module, atom("boot_looper"))
    pid = vm.call("boot_looper", "start", [])
    vm.call("code", "add_patha", [estr(new)])
    assert vm.call("code", "load_file", [atom("boot_looper")]) == (A.module, atom("boot_looper"))
    # the process waits in the old loop/0: a soft purge refuses, a hard one kills it
    assert vm.call("code", "soft_purge", [atom("boot_looper")]) is A.false
    assert vm.call("erlang", "is_process_alive", [pid]) is A.true
    assert vm.call("code", "purge", [atom("boot_looper")]) is A.true
    assert vm.call("erlang", "is_process_alive", [pid]) is A.false


def test_os_cmd_runs_a_shell_command(vm):
    out = vm.call("os", "cmd", [estr("echo hello; echo oops 1>&2; exit 3")])
    assert _chars(out) == "hello\noops\n"


def test_spawn_port_in_and_out_directions(vm, tmp_path):
    # `in` and `out` together are both directions, as without either
    cat = compile_erlang("""
-module(boot_cat).
-export([run/1]).
run(Opts) ->
    P = open_port({spawn, "cat"}, [binary, stream | Opts]),
    true = port_command(P, <<"abc\\n">>),
    R = receive {P, {data, D}} -> D after 5000 -> timeout end,
    port_close(P),
    R.
""")
    vm.call("code", "add_patha", [estr(cat)])
    assert vm.call("boot_cat", "run", [from_seq([A["in"], A.out])]) == b"abc\n"
    assert vm.call("boot_cat", "run", [from_seq([])]) == b"abc\n"
