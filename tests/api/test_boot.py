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
