"""Bad input gets Erlang errors, never a Python traceback: malformed beams,
garbage for binary_to_term, BIFs called with wrong arguments."""

import glob

import pytest

from erlpy.api.vm import ErlangVM, ProcessExit
from erlpy.terms import A, atom, from_seq

LISTS_BEAM = sorted(glob.glob("/usr/lib/erlang/lib/stdlib-*/ebin/lists.beam"))


@pytest.fixture(scope="module")
def vm():
    return ErlangVM().start()


@pytest.mark.skipif(not LISTS_BEAM, reason="OTP is not installed")
def test_load_module_of_a_malformed_beam_is_badfile(vm):
    data = open(LISTS_BEAM[0], "rb").read()
    for bad in (b"", b"garbage", data[:len(data) // 2], data[:40] + b"\xff" * 64 + data[104:]):
        r = vm.call("erlang", "load_module", [atom("lists_broken"), bad])
        assert r == (A.error, A.badfile)


def test_binary_to_term_of_garbage_is_badarg(vm):
    for bad in (b"", b"\x83", b"\x83\xff", b"\x83l\x00\x00\x00\x05a\x01"):
        with pytest.raises(ProcessExit) as e:
            vm.call("erlang", "binary_to_term", [bad])
        assert e.value.reason[0] is A.badarg


@pytest.mark.parametrize("mfa", [
    ("erlang", "atom_to_list", ["x"]), ("erlang", "element", [5, (1,)]),
    ("erlang", "list_to_integer", [from_seq([ord("z")])]), ("lists", "reverse", [A.a, from_seq([])]),
    ("erlang", "tuple_size", [A.a]), ("erlang", "length", [A.a]),
    ("erlang", "binary_to_list", [A.a]), ("erlang", "spawn", [1, 2, 3]),
])
def test_bifs_with_wrong_arguments_raise_badarg(vm, mfa):
    m, f, args = mfa
    args = [from_seq([ord(c) for c in a]) if isinstance(a, str) else a for a in args]
    with pytest.raises(ProcessExit) as e:
        vm.call(m, f, args)
    reason, stack = e.value.reason
    assert reason is A.badarg
    top = stack.hd
    assert top[0] is atom(m) and top[1] is atom(f)
