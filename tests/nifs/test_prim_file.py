"""prim_file's NIFs, run through OTP's own prim_file.erl.

The scenarios below are Erlang code (compiled with the real erlc) that
works on files in a directory of its own and returns what the prim_file
calls returned, with what differs between two runs (file times, inode and
device numbers, handles) normalised. Real `erl` runs every scenario once;
erlpy runs each in a fresh process; the results must be identical (=:=).
A few Python-level tests then check the NIF contract where Erlang code
cannot see it (argument checks, closing the files of a dead owner).
"""

import errno
import os
import shutil
import sys
import tempfile

import pytest

from erlpy.terms import A, atom, from_seq, to_pylist, eq_exact, format_term, estr
from erlpy.terms.errors import ErlangError
from erlpy.nifs import prim_file as P
from tests.erlc import compile_erlang, have_erlc
from tests.nifs.booted import booted_vm, erl_results

HAVE_ERL = shutil.which("erl") is not None and have_erlc()

MODULE = "erlpy_prim_file_scen"

SOURCE = r"""
-module(erlpy_prim_file_scen).
-export([all/2, run/2, open_and_return/1]).

all(Dir, Out) ->
    R = [{N, run(N, Dir)} || N <- names()],
    ok = prim_file:write_file(Out, term_to_binary(R)).

names() ->
    [read_write_file, read_file_errors, open_rw, read_line, open_errors, append,
     list_dir, dirs, delete, rename, file_info, links, write_file_info, cwd, altname,
     filenames, ipread, advise_allocate, handle_ops, unicode_name, path_forms].

run(Name, Dir0) ->
    Dir = Dir0 ++ "/" ++ atom_to_list(Name),
    ok = prim_file:make_dir(Dir),
    try norm(scen(Name, Dir))
    catch C:R:S -> {C, R, setelement(4, hd(S), loc)}
    end.

%% Exceptions without stack frames: erl's preloaded prim_file has no line
%% information, the prim_file.beam erlpy loads has.
c(F) ->
    try F() catch C:R -> {C, R} end.

open_and_return(Path) ->
    prim_file:open(Path, [write, binary]).

f(Dir, Name) -> Dir ++ "/" ++ Name.

scen(read_write_file, D) ->
    F = f(D, "a.txt"),
    [prim_file:write_file(F, <<"hello">>), prim_file:read_file(F),
     prim_file:write_file(F, ["wor", [$l, <<"d">>]]), prim_file:read_file(F),
     prim_file:read_file(list_to_binary(F)),
     prim_file:write_file(F, <<>>), prim_file:read_file(F),
     prim_file:write_file(F, binary:copy(<<"0123456789">>, 10000)),
     erlang:md5(element(2, prim_file:read_file(F)))];
scen(read_file_errors, D) ->
    [prim_file:read_file(f(D, "nope")), prim_file:read_file(D),
     prim_file:read_file(f(D, "nope/x")), prim_file:read_file(a),
     prim_file:read_file(<<"a", 0, "b">>), prim_file:read_file(["a", <<"b">>]),
     prim_file:read_file([$a | b]), prim_file:read_file(42),
     prim_file:write_file(f(D, "nope/x"), <<"x">>), prim_file:write_file(D, <<"x">>)];
scen(open_rw, D) ->
    F = f(D, "rw"),
    {ok, Fd} = prim_file:open(F, [write, read, binary]),
    R = [prim_file:write(Fd, [<<"abc">>, "def", [$g]]),
         prim_file:position(Fd, cur),
         prim_file:position(Fd, bof),
         prim_file:read(Fd, 4), prim_file:read(Fd, 100), prim_file:read(Fd, 1),
         prim_file:position(Fd, {eof, -2}), prim_file:read(Fd, 10),
         prim_file:position(Fd, 3), prim_file:read(Fd, 1),
         prim_file:position(Fd, {cur, -2}), prim_file:read(Fd, 2),
         prim_file:position(Fd, {bof, -1}),
         prim_file:pread(Fd, 1, 3), prim_file:pread(Fd, 50, 3),
         prim_file:pread(Fd, [{0, 2}, {5, 10}, {20, 1}]),
         prim_file:pwrite(Fd, 10, <<"Z">>), prim_file:pread(Fd, 0, 20),
         prim_file:pwrite(Fd, [{0, "A"}, {1, <<"B">>}]), prim_file:pread(Fd, 0, 3),
         prim_file:position(Fd, 4), prim_file:truncate(Fd),
         prim_file:position(Fd, eof),
         prim_file:sync(Fd), prim_file:datasync(Fd),
         prim_file:read(Fd, -1), c(fun() -> prim_file:read(Fd, foo) end),
         prim_file:position(Fd, {nowhere, 1}),
         prim_file:pread(Fd, -1, 2),
         prim_file:write(Fd, [foo]),
         prim_file:close(Fd), prim_file:close(Fd),
         prim_file:read(Fd, 1), prim_file:write(Fd, <<"x">>),
         prim_file:position(Fd, bof), prim_file:read_file(F)],
    R;
scen(read_line, D) ->
    F = f(D, "lines"),
    ok = prim_file:write_file(F, <<"a\r\nbb\n\nccc">>),
    {ok, Fd} = prim_file:open(F, [read, binary, read_ahead]),
    L = [prim_file:read_line(Fd) || _ <- lists:seq(1, 5)],
    {ok, Fd2} = prim_file:open(F, [read, binary, {read_ahead, 2}]),
    R = [prim_file:read(Fd2, 1), prim_file:position(Fd2, cur), prim_file:read(Fd2, 3),
         prim_file:read_line(Fd2), prim_file:read(Fd2, 100)],
    {ok, Fd3} = prim_file:open(F, [read, binary]),
    L3 = [prim_file:read_line(Fd3) || _ <- lists:seq(1, 5)],
    [L, R, L3, prim_file:close(Fd), prim_file:close(Fd2), prim_file:close(Fd3)];
scen(open_errors, D) ->
    F = f(D, "exists"),
    ok = prim_file:write_file(F, <<"x">>),
    [prim_file:open(f(D, "nope"), [read]), prim_file:open(f(D, "nope"), []),
     prim_file:open(D, [read]), prim_file:open(D, [write]),
     prim_file:open(F, [exclusive]), prim_file:open(F, read),
     prim_file:open(f(D, "nope/x"), [write]),
     prim_file:open(a, [read]),
     element(1, prim_file:open(F, [read, raw, binary, foo, {bar, 1}])),
     element(1, prim_file:open(D, [read, directory])),
     prim_file:open(F, [read, directory]),
     element(1, prim_file:open(f(D, "new"), [exclusive])),
     prim_file:read_file(f(D, "new"))];
scen(append, D) ->
    F = f(D, "app"),
    ok = prim_file:write_file(F, <<"one">>),
    {ok, Fd} = prim_file:open(F, [append, binary]),
    R1 = [prim_file:write(Fd, <<"two">>), prim_file:position(Fd, bof),
          prim_file:write(Fd, <<"three">>), prim_file:read(Fd, 1), prim_file:close(Fd)],
    {ok, Fd2} = prim_file:open(F, [read, write, binary]),
    R2 = [prim_file:read(Fd2, 2), prim_file:write(Fd2, <<"XY">>), prim_file:close(Fd2)],
    [R1, R2, prim_file:read_file(F)];
scen(list_dir, D) ->
    [ok = prim_file:write_file(f(D, N), N) || N <- ["b", "a", "c.erl"]],
    ok = prim_file:make_dir(f(D, "sub")),
    {ok, L} = prim_file:list_dir(D),
    {ok, L2} = prim_file:list_dir_all(list_to_binary(D)),
    [lists:sort(L), lists:sort(L2), prim_file:list_dir(f(D, "sub")),
     prim_file:list_dir(f(D, "a")), prim_file:list_dir(f(D, "nope")),
     prim_file:list_dir(a), prim_file:list_dir("")];
scen(dirs, D) ->
    S = f(D, "s"),
    [prim_file:make_dir(S), prim_file:make_dir(S), prim_file:make_dir(f(D, "x/y")),
     prim_file:write_file(f(S, "f"), <<>>), prim_file:make_dir(f(S, "f/g")),
     prim_file:del_dir(S), prim_file:del_dir(f(S, "f")), prim_file:delete(f(S, "f")),
     prim_file:del_dir(S), prim_file:del_dir(S), prim_file:make_dir(<<"">>),
     prim_file:make_dir(1)];
scen(delete, D) ->
    F = f(D, "gone"),
    ok = prim_file:write_file(F, <<"x">>),
    ok = prim_file:make_dir(f(D, "dir")),
    [prim_file:delete(F), prim_file:delete(F), prim_file:delete(f(D, "dir")),
     prim_file:delete(list_to_binary(f(D, "nope/x"))), prim_file:delete({a})];
scen(rename, D) ->
    A = f(D, "a"), B = f(D, "b"),
    ok = prim_file:write_file(A, <<"content">>),
    ok = prim_file:make_dir(f(D, "full")),
    ok = prim_file:write_file(f(D, "full/x"), <<>>),
    ok = prim_file:make_dir(f(D, "empty")),
    [prim_file:rename(A, B), prim_file:read_file(A), prim_file:read_file(B),
     prim_file:rename(A, B), prim_file:rename(f(D, "empty"), f(D, "full")),
     prim_file:rename(B, f(D, "empty")), prim_file:rename(f(D, "empty"), B),
     prim_file:rename(f(D, "full"), f(D, "full/inside")),
     prim_file:rename(B, a), prim_file:list_dir(D)];
scen(file_info, D) ->
    F = f(D, "info"),
    ok = prim_file:write_file(F, <<"12345">>),
    {ok, I} = prim_file:read_file_info(F),
    {ok, P} = prim_file:read_file_info(F, [{time, posix}]),
    {ok, U} = prim_file:read_file_info(F, [{time, universal}]),
    {ok, Fd} = prim_file:open(F, [read]),
    {ok, H} = prim_file:read_handle_info(Fd),
    {ok, H2} = prim_file:read_handle_info(Fd, [{time, posix}]),
    prim_file:close(Fd),
    [I, P, U, H, H2,
     element(5, U) =:= calendar:gregorian_seconds_to_datetime(
                         element(5, P) + 62167219200),
     prim_file:read_file_info(D), prim_file:read_file_info(f(D, "nope")),
     prim_file:read_file_info(f(D, "info/x")), prim_file:read_file_info(a),
     prim_file:read_link_info(F), prim_file:read_handle_info(Fd),
     prim_file:read_file_info("/dev/null")];
scen(links, D) ->
    F = f(D, "target"),
    L = f(D, "sym"),
    ok = prim_file:write_file(F, <<"abc">>),
    [prim_file:make_symlink("target", L), prim_file:make_symlink("target", L),
     prim_file:read_link(L), prim_file:read_link_all(L), prim_file:read_link(F),
     prim_file:read_link(f(D, "nope")),
     prim_file:read_link_info(L), prim_file:read_file_info(L), prim_file:read_file(L),
     prim_file:make_link(F, f(D, "hard")), prim_file:read_file_info(F),
     prim_file:make_link(F, f(D, "hard")), prim_file:make_link(f(D, "nope"), f(D, "h2")),
     prim_file:make_symlink("dangling", f(D, "dl")), prim_file:read_file(f(D, "dl")),
     prim_file:read_link_info(f(D, "dl")), prim_file:delete(L), prim_file:read_file(F)];
scen(write_file_info, D) ->
    F = f(D, "wfi"),
    ok = prim_file:write_file(F, <<"x">>),
    T = {{2020, 2, 29}, {12, 34, 56}},
    Info = {file_info, undefined, undefined, undefined, T, T, undefined,
            8#100640, undefined, undefined, undefined, undefined, undefined, undefined},
    R1 = prim_file:write_file_info(F, Info),
    {ok, I1} = prim_file:read_file_info(F),
    R2 = prim_file:write_file_info(F, setelement(6, Info, 1234567890), [{time, posix}]),
    {ok, I2} = prim_file:read_file_info(F, [{time, posix}]),
    R3 = prim_file:write_file_info(f(D, "nope"), Info),
    R4 = prim_file:write_file_info(F, {file_info, undefined, undefined, undefined,
                                       undefined, undefined, undefined, 8#600,
                                       undefined, undefined, undefined, undefined,
                                       undefined, undefined}),
    {ok, I4} = prim_file:read_file_info(F),
    [R1, element(5, I1), element(6, I1), element(8, I1), R2, element(5, I2),
     element(6, I2), R3, R4, element(8, I4),
     c(fun() -> prim_file:write_file_info(F, bad) end)];
scen(cwd, D) ->
    {ok, Old} = prim_file:get_cwd(),
    R = [prim_file:set_cwd(D), prim_file:get_cwd() =:= {ok, D},
         prim_file:write_file("rel", <<"r">>), prim_file:read_file(f(D, "rel")),
         prim_file:set_cwd(f(D, "nope")), prim_file:set_cwd(f(D, "rel")),
         prim_file:set_cwd(<<"/", 255>>), prim_file:set_cwd(a)],
    ok = prim_file:set_cwd(Old),
    [R, prim_file:get_cwd() =:= {ok, Old}, is_list(Old),
     prim_file:get_cwd("c:"), prim_file:get_cwd("x"), prim_file:get_cwd(1),
     prim_file:get_cwd("")];
scen(altname, D) ->
    [prim_file:altname(D), prim_file:altname(a)];
scen(filenames, _D) ->
    N = fun(X) -> try prim_file:internal_name2native(X) catch C:R -> {C, R} end end,
    B = fun(X) -> try prim_file:internal_native2name(X) catch C:R -> {C, R} end end,
    T = fun(X) -> try prim_file:is_translatable(X) catch C:R -> {C, R} end end,
    U = fun(X) -> try prim_file:internal_normalize_utf8(X) catch C:R -> {C, R} end end,
    [[N(X) || X <- ["abc", [$a, "b", [[$c]], []], <<"bin">>, <<1:3>>, <<"a", 0>>, [],
                    ["a", <<"b">>], [16#10FFFF], [16#110000], [16#D800], [0], [-1],
                    [$a | b], a, 1.0, [a], [1 bsl 70], "\x{e9}t\x{e9}", <<>>]],
     [B(X) || X <- [<<"abc">>, <<>>, <<255>>, <<"\x{e9}"/utf8>>, <<1:3>>, "abc",
                    <<237, 160, 128>>]],
     [T(X) || X <- [<<"abc">>, <<>>, <<255>>, "abc", <<1:3>>]],
     [U(X) || X <- [<<"a", 204, 129>>, <<>>, <<255>>, "a"]]];
scen(ipread, D) ->
    F = f(D, "ip"),
    ok = prim_file:write_file(F, <<5:32, 12:32, 0:32, "hello", 3:32, 1000:32>>),
    {ok, Fd} = prim_file:open(F, [read, binary]),
    R = [prim_file:ipread_s32bu_p32bu(Fd, 0, infinity),
         prim_file:ipread_s32bu_p32bu(Fd, 0, 4),
         prim_file:ipread_s32bu_p32bu(Fd, 0, 5),
         prim_file:ipread_s32bu_p32bu(Fd, 17, 100),
         prim_file:ipread_s32bu_p32bu(Fd, 14, 100),
         prim_file:ipread_s32bu_p32bu(Fd, 100, 100),
         prim_file:ipread_s32bu_p32bu(Fd, -1, 100),
         prim_file:ipread_s32bu_p32bu(Fd, 0, 1 bsl 31),
         prim_file:ipread_s32bu_p32bu(Fd, a, 1)],
    prim_file:close(Fd),
    R;
scen(advise_allocate, D) ->
    F = f(D, "adv"),
    {ok, Fd} = prim_file:open(F, [read, write, binary]),
    R = [prim_file:advise(Fd, 0, 0, normal), prim_file:advise(Fd, 0, 10, sequential),
         prim_file:advise(Fd, 0, 10, random), prim_file:advise(Fd, 0, 0, will_need),
         prim_file:advise(Fd, 0, 0, dont_need), prim_file:advise(Fd, 0, 0, no_reuse),
         prim_file:advise(Fd, 0, 0, bogus), prim_file:advise(Fd, -1, 0, normal),
         prim_file:advise(Fd, a, 0, normal),
         prim_file:allocate(Fd, 0, 100), prim_file:read_handle_info(Fd),
         prim_file:allocate(Fd, -1, 1), prim_file:allocate(Fd, a, 1)],
    prim_file:close(Fd),
    R;
scen(handle_ops, D) ->
    F = f(D, "h"),
    {ok, Fd} = prim_file:open(F, [write, binary]),
    H = prim_file:get_handle(Fd),
    Self = self(),
    Other = spawn(fun() -> Self ! {self(), c(fun() -> prim_file:write(Fd, <<"x">>) end)} end),
    Res = receive {Other, X} -> X end,
    R = [is_binary(H), byte_size(H), Res, prim_file:write(Fd, <<"y">>),
         prim_file:read(Fd, 1), prim_file:close(Fd), prim_file:get_handle(Fd),
         prim_file:read_file(F)],
    R;
scen(unicode_name, D) ->
    F = f(D, "\x{f1}\x{3b1}.txt"),
    [prim_file:write_file(F, <<"u">>), prim_file:list_dir(D),
     prim_file:read_file(unicode:characters_to_binary(F)),
     prim_file:write_file(<<(list_to_binary(D))/binary, "/raw", 255>>, <<"r">>),
     lists:sort(element(2, prim_file:list_dir_all(D))),
     prim_file:list_dir(D),
     prim_file:read_link(<<(list_to_binary(D))/binary, "/raw", 255>>)];
scen(path_forms, D) ->
    ok = prim_file:write_file(f(D, "p"), <<"p">>),
    [prim_file:read_file([D, "/", [$p]]), prim_file:read_file([list_to_binary(D), "/p"]),
     prim_file:read_file(f(D, "p") ++ [0])].

norm({file_info, Size, Type, Access, ATime, MTime, CTime, Mode, Links, _Major, Minor,
      _Inode, Uid, Gid}) ->
    {file_info, Size, Type, Access, time(ATime), time(MTime), time(CTime), Mode, Links,
     major, Minor, inode, Uid =:= Gid orelse uid, gid};
norm(T) when is_tuple(T) ->
    list_to_tuple(norm(tuple_to_list(T)));
norm([H | T]) ->
    [norm(H) | norm(T)];
norm(T) ->
    T.

time(S) when is_integer(S) -> posix;
time({{Y, Mo, Dd}, {H, Mi, S}}) when is_integer(Y + Mo + Dd + H + Mi + S) -> datetime;
time(T) -> {bad_time, T}.
"""

SCENARIOS = ["read_write_file", "read_file_errors", "open_rw", "read_line", "open_errors",
             "append", "list_dir", "dirs", "delete", "rename", "file_info", "links",
             "write_file_info", "cwd", "altname", "filenames", "ipread", "advise_allocate",
             "handle_ops", "unicode_name", "path_forms"]


@pytest.fixture(scope="module")
def env():
    d = compile_erlang(SOURCE)
    tmp = tempfile.mkdtemp(prefix="erlpy_prim_file")
    cwd = os.getcwd()
    try:
        want = {}
        # both runs use the same directory (results may hold paths): erl's
        # files are removed before erlpy's run
        run = os.path.join(tmp, "run")
        if HAVE_ERL:
            os.mkdir(run)
            want = erl_results(d, MODULE, run)
            shutil.rmtree(run)
        os.mkdir(run)
        yield booted_vm(d), run, want
    finally:
        os.chdir(cwd)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.skipif(not HAVE_ERL, reason="needs erl and erlc")
@pytest.mark.parametrize("name", SCENARIOS)
def test_same_as_erl(env, name):
    vm, d, want = env
    got = vm.call(MODULE, "run", [atom(name), estr(d)])
    w = want[name]
    if not eq_exact(got, w):
        try:
            gl, wl = to_pylist(got), to_pylist(w)
        except Exception:
            gl, wl = [got], [w]
        diffs = ["#%d: erl %s / erlpy %s" % (i, format_term(a), format_term(b))
                 for i, (a, b) in enumerate(zip(wl, gl)) if not eq_exact(a, b)]
        pytest.fail("%s differs:\n%s" % (name, "\n".join(diffs) or format_term(got)))


def test_known_results(env):
    """A few results written out, so a broken erl run cannot hide them."""
    vm, d, _ = env
    path = os.path.join(d, "known")
    os.mkdir(path)
    f = estr(os.path.join(path, "k.txt"))
    assert vm.call("prim_file", "write_file", [f, b"data"]) is A.ok
    assert eq_exact(vm.call("prim_file", "read_file", [f]), (A.ok, b"data"))
    assert eq_exact(vm.call("prim_file", "read_file", [estr(path)]), (A.error, A.eisdir))
    assert eq_exact(vm.call("prim_file", "read_file", [estr(path + "/no")]),
                    (A.error, A.enoent))
    assert eq_exact(vm.call("prim_file", "read_file", [b"k\0"]), (A.error, A.badarg))
    assert eq_exact(vm.call("prim_file", "list_dir", [estr(path)]),
                    (A.ok, from_seq([estr("k.txt")])))
    ok, info = vm.call("prim_file", "read_file_info", [f, from_seq([(A.time, A.posix)])])
    st = os.stat(os.path.join(path, "k.txt"))
    assert ok is A.ok and info[:4] == (A.file_info, 4, A.regular, A.read_write)
    assert info[4:] == (int(st.st_atime), int(st.st_mtime), int(st.st_ctime), st.st_mode,
                        1, st.st_dev & 0xFFFFFFFF, 0, st.st_ino & 0xFFFFFFFF, st.st_uid,
                        st.st_gid)
    assert vm.call("prim_file", "rename", [f, estr(path + "/k2")]) is A.ok
    assert vm.call("prim_file", "delete", [estr(path + "/k2")]) is A.ok
    assert vm.call("prim_file", "make_dir", [estr(path + "/sub")]) is A.ok
    assert eq_exact(vm.call("prim_file", "make_dir", [estr(path + "/sub")]),
                    (A.error, A.eexist))
    assert eq_exact(vm.call("prim_file", "get_cwd", []),
                    (A.ok, from_seq([ord(c) for c in os.getcwd()])))


def test_dead_owner_closes_files(env):
    """BEAM monitors the process that opened a file and closes the file when
    that process exits."""
    vm, d, _ = env
    ok, fd = vm.call(MODULE, "open_and_return", [estr(os.path.join(d, "orphan"))])
    assert ok is A.ok
    handle = fd[2].get(A.handle)        # #file_descriptor{data = #{handle := Ref}}
    f = handle.magic
    assert f.closed and f.fd == -1
    assert eq_exact(P.close_nif(handle), (A.error, A.einval))


# -- the NIFs called directly -----------------------------------------------------------

def _badarg(fn, *args):
    with pytest.raises(ErlangError) as e:
        fn(*args)
    assert e.value.cls is A.error and e.value.reason is A.badarg


def test_path_marshalling(env):
    d = env[1]
    p = os.path.join(d, "m")
    with open(p, "wb") as fh:
        fh.write(b"m")
    bp = p.encode()
    assert eq_exact(P.read_file_nif(bp + b"\0"), (A.ok, b"m"))
    assert eq_exact(P.read_file_nif(bp + b"\0\0\0"), (A.ok, b"m"))     # extra NULs are fine
    for bad in (bp, bp + b"\0x\0", estr(p), A.m, bp[:3] + b"\0" + bp[3:] + b"\0"):
        assert eq_exact(P.read_file_nif(bad), (A.error, A.einval))


def test_handle_argument_checks(env):
    d = env[1]
    ok, h = P.open_nif(os.path.join(d, "args").encode() + b"\0", from_seq([A.read, A.write]))
    assert ok is A.ok
    assert eq_exact(P.read_nif(h, 1.0), (A.error, A.einval))
    assert eq_exact(P.read_nif(h, -1), (A.error, A.einval))
    assert eq_exact(P.read_nif(h, 1 << 64), (A.error, A.einval))
    _badarg(P.read_nif, h, A.x)
    _badarg(P.read_nif, make_plain_ref(), 1)
    _badarg(P.read_nif, A.x, 1)
    _badarg(P.seek_nif, h, A.middle, 0)
    _badarg(P.seek_nif, h, A.bof, 1.0)
    _badarg(P.write_nif, h, from_seq([b"a", A.x]))
    _badarg(P.open_nif, b"x\0", A.read)
    # more than 64 iovec elements: written in rounds, as enif_inspect_iovec does
    parts = from_seq([b"%d," % i for i in range(100)])
    r = P.write_nif(h, parts)
    assert r[0] is A["continue"] and len(to_pylist(r[1])) == 36
    assert P.write_nif(h, r[1]) is A.ok
    r = P.pwrite_nif(h, 0, parts)
    assert r[0] is A["continue"] and r[1] == len(b"".join(b"%d," % i for i in range(64)))
    assert eq_exact(P.pread_nif(h, 0, 4), (A.ok, b"0,1,"))
    assert eq_exact(P.seek_nif(h, A.eof, 0), (A.ok, sum(len(b"%d," % i) for i in range(100))))
    assert P.get_handle_nif(h) == h.magic.fd.to_bytes(4, sys.byteorder, signed=True)
    assert P.close_nif(h) is A.ok
    assert eq_exact(P.close_nif(h), (A.error, A.einval))
    assert eq_exact(P.read_nif(h, 1), (A.error, A.einval))
    assert P.delayed_close_nif(h) is A.ok


def make_plain_ref():
    from erlpy.code.contract import VM
    return VM.make_ref()


def test_file_desc_to_ref(env):
    r, w = os.pipe()
    try:
        ok, h = P.file_desc_to_ref_nif(w)
        assert ok is A.ok
        assert P.write_nif(h, from_seq([b"piped"])) is A.ok
        assert os.read(r, 10) == b"piped"
        assert P.close_nif(h) is A.ok
        with pytest.raises(OSError):
            os.fstat(w)
        assert eq_exact(P.file_desc_to_ref_nif(w), (A.error, A.ebadf))
        _badarg(P.file_desc_to_ref_nif, A.x)
        _badarg(P.file_desc_to_ref_nif, 1 << 40)
    finally:
        os.close(r)


def test_errno_atoms():
    assert P._errno_atom(errno.ENOENT) is A.enoent
    assert P._errno_atom(errno.ENOTSUP) is A.enotsup
    assert P._errno_atom(errno.EDEADLK) is A.edeadlk
    assert P._errno_atom(errno.EAGAIN) is A.eagain
    assert P._errno_atom(99999) is A.unknown
