"""The inet drivers (erlpy.ports.inet): gen_tcp, gen_udp and inet running on
OTP's own prim_inet over erlpy's tcp_inet/udp_inet, in a booted VM.

Every expected result below was produced by running the same Erlang function
on real erl (OTP 25); port identifiers print as `port`."""

import socket
import struct
import threading
import time

import pytest

from tests.erlc import compile_erlang, have_erlc
from erlpy.api.vm import ErlangVM
from erlpy.terms import atom, estr, from_seq

pytestmark = pytest.mark.skipif(not have_erlc(), reason="needs erlc")

SOURCE = r"""
-module(inet_drv_tests).
-compile([export_all, nowarn_export_all]).

fmt(T) -> unicode:characters_to_binary(io_lib:print(strip(T), 1, 1000000, -1)).
strip(T) when is_port(T) -> port;
strip(T) when is_tuple(T) -> list_to_tuple(strip(tuple_to_list(T)));
strip([H | T]) -> [strip(H) | strip(T)];
strip(T) -> T.
flush() -> receive M -> [M | flush()] after 0 -> [] end.

%% Each test runs in a fresh process, so no message is left over from another.
run(F) -> run(F, []).
run(F, Args) ->
    Self = self(),
    {Pid, Ref} = spawn_monitor(fun() -> Self ! {self(), apply(?MODULE, F, Args)} end),
    receive
        {Pid, R} -> erlang:demonitor(Ref, [flush]), R;
        {'DOWN', Ref, process, Pid, Why} -> fmt({crashed, Why})
    after 25000 -> exit(Pid, kill), fmt(timeout)
    end.
rcv() -> receive M -> M after 500 -> none end.

pair(LOpts, COpts) ->
    {ok, L} = gen_tcp:listen(0, [{active, false} | LOpts]),
    {ok, P} = inet:port(L),
    {ok, C} = gen_tcp:connect({127,0,0,1}, P, COpts),
    {ok, A} = gen_tcp:accept(L, 1000),
    ok = gen_tcp:close(L),
    {C, A}.

echo_passive() ->
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {reuseaddr, true}]),
    {ok, Port} = inet:port(L),
    Self = self(),
    spawn_link(fun() -> {ok, A} = gen_tcp:accept(L), Self ! accepted, echo_loop(A) end),
    {ok, C} = gen_tcp:connect("localhost", Port, [binary, {active, false}]),
    receive accepted -> ok end,
    ok = gen_tcp:send(C, "hello"),
    R1 = gen_tcp:recv(C, 5, 1000),
    ok = gen_tcp:send(C, [<<"ab">>, $c | "def"]),
    R2 = gen_tcp:recv(C, 3, 1000),
    R3 = gen_tcp:recv(C, 3, 1000),
    R4 = gen_tcp:recv(C, 0, 50),
    {ok, {PeerIP, PeerPort}} = inet:peername(C),
    {ok, {_, MyPort}} = inet:sockname(C),
    ok = gen_tcp:close(C),
    fmt([R1, R2, R3, R4, PeerIP, PeerPort =:= Port, is_integer(MyPort)]).
echo_loop(A) ->
    case gen_tcp:recv(A, 0) of
        {ok, D} -> ok = gen_tcp:send(A, D), echo_loop(A);
        {error, closed} -> gen_tcp:close(A)
    end.

echo_active_packet2() ->
    {ok, L} = gen_tcp:listen(0, [binary, {packet, 2}, {active, true}]),
    {ok, P} = inet:port(L),
    Self = self(),
    spawn(fun() -> {ok, A} = gen_tcp:accept(L), active_echo(A), Self ! echo_done end),
    {ok, C} = gen_tcp:connect("localhost", P, [binary, {packet, 2}, {active, true}]),
    ok = gen_tcp:send(C, <<"hello">>),
    ok = gen_tcp:send(C, [<<"wor">>, "ld", 33]),
    ok = gen_tcp:send(C, <<>>),
    M1 = rcv(), M2 = rcv(), M3 = rcv(),
    Big = binary:copy(<<"0123456789">>, 6000),
    ok = gen_tcp:send(C, Big),
    {tcp, C, Big2} = rcv(),
    ok = gen_tcp:close(C),
    M4 = rcv(),
    fmt([M1, M2, M3, Big2 =:= Big, M4]).
active_echo(A) ->
    receive {tcp, A, D} -> ok = gen_tcp:send(A, D), active_echo(A); {tcp_closed, A} -> ok end.

packet_line() ->
    {C, A} = pair([], [binary, {active, false}, {packet, line}]),
    ok = gen_tcp:send(A, "hello\nworld\npartial"),
    R1 = [gen_tcp:recv(C, 0, 500), gen_tcp:recv(C, 0, 500), gen_tcp:recv(C, 0, 100)],
    E1 = gen_tcp:recv(C, 5, 100),
    ok = gen_tcp:send(A, " line\n"),
    R2 = gen_tcp:recv(C, 0, 500),
    ok = inet:setopts(C, [{line_delimiter, $;}, {header, 2}]),
    ok = gen_tcp:send(A, "ab;cdef;g"),
    R3 = [gen_tcp:recv(C, 0, 500), gen_tcp:recv(C, 0, 500), gen_tcp:recv(C, 0, 100)],
    ok = inet:setopts(C, [{packet, raw}, {buffer, 4}]),
    ok = gen_tcp:send(A, "hijklmnop"),
    timer:sleep(50),
    R4 = [gen_tcp:recv(C, 0, 500), gen_tcp:recv(C, 3, 500), gen_tcp:recv(C, 0, 500)],
    ok = gen_tcp:close(A),
    R5 = [gen_tcp:recv(C, 0, 500), gen_tcp:recv(C, 0, 500), gen_tcp:recv(C, 0, 500)],
    R6 = gen_tcp:send(C, "x"),
    R7 = [gen_tcp:send(C, "x"), gen_tcp:recv(C, 0)],
    gen_tcp:close(C),
    fmt([R1, E1, R2, R3, R4, R5, R6, R7]).

packet_sizes() ->
    {C, A} = pair([], [binary, {active, false}, {packet, 1}]),
    ok = gen_tcp:send(C, "abc"),
    R1 = gen_tcp:recv(A, 4, 500),
    ok = inet:setopts(A, [{packet, 4}]),
    ok = gen_tcp:send(A, <<"x">>),
    R2 = gen_tcp:recv(C, 0, 500),
    ok = inet:setopts(C, [{packet, 4}, {packet_size, 3}]),
    ok = gen_tcp:send(A, <<"toolong">>),
    R3 = gen_tcp:recv(C, 0, 500),
    R4 = gen_tcp:recv(C, 0, 500),
    R5 = gen_tcp:recv(C, 0, 500),
    {C2, A2} = pair([], [binary, {active, true}, {packet, 2}, {packet_size, 2}]),
    ok = gen_tcp:send(A2, <<0, 5, "hello">>),
    M = [rcv(), rcv(), rcv()],
    gen_tcp:close(A), gen_tcp:close(A2), gen_tcp:close(C2),
    fmt([R1, R2, R3, R4, R5, M]).

active_modes() ->
    {C, A} = pair([], [{active, false}, binary]),
    ok = gen_tcp:send(A, "one"),
    ok = inet:setopts(C, [{active, once}]),
    M1 = rcv(),
    ok = gen_tcp:send(A, "two"),
    M2 = rcv(),
    O1 = inet:getopts(C, [active]),
    ok = inet:setopts(C, [{active, 2}]),
    O2 = inet:getopts(C, [active]),
    M3 = rcv(),
    ok = gen_tcp:send(A, "three"), M4 = rcv(),
    O3 = inet:getopts(C, [active]),
    M5 = rcv(),
    ok = inet:setopts(C, [{active, 3}]),
    ok = inet:setopts(C, [{active, -1}]),
    O4 = inet:getopts(C, [active]),
    ok = inet:setopts(C, [{active, -5}]),
    M6 = rcv(),
    O5 = inet:getopts(C, [active]),
    E = inet:setopts(C, [{active, 40000}]),
    ok = inet:setopts(C, [{active, true}, list]),
    ok = gen_tcp:send(A, "four"), M7 = rcv(),
    ok = gen_tcp:close(A),
    M8 = rcv(),
    I = erlang:port_info(C),
    fmt([M1, M2, O1, O2, M3, M4, O3, M5, O4, M6, O5, E, M7, M8, I]).

exit_on_close_false() ->
    {C, A} = pair([], [{active, true}, {exit_on_close, false}]),
    ok = gen_tcp:close(A),
    M1 = rcv(),
    R1 = gen_tcp:send(C, "after close"),
    N = erlang:port_info(C, name),
    R2 = inet:setopts(C, [{active, once}]),
    M2 = rcv(),
    gen_tcp:close(C),
    {C2, A2} = pair([], [{active, false}, {exit_on_close, false}]),
    ok = gen_tcp:shutdown(A2, write),
    R3 = gen_tcp:recv(C2, 0, 500),
    ok = gen_tcp:send(C2, "still"),
    R4 = gen_tcp:recv(A2, 0, 500),
    R5 = gen_tcp:shutdown(C2, read_write),
    gen_tcp:close(A2), gen_tcp:close(C2),
    fmt([M1, R1, N, R2, M2, R3, R4, R5]).

errors() ->
    {ok, L} = gen_tcp:listen(0, []),
    {ok, P} = inet:port(L),
    ok = gen_tcp:close(L),
    E1 = gen_tcp:connect("localhost", P, [], 1000),
    E2 = gen_tcp:connect("no.such.host.invalid", 80, []),
    {ok, L2} = gen_tcp:listen(0, [{active, false}]),
    {ok, P2} = inet:port(L2),
    E3 = gen_tcp:listen(P2, [{reuseaddr, true}]),
    E4 = gen_tcp:accept(L2, 30),
    E5 = gen_tcp:recv(L2, 0),
    {ok, C} = gen_tcp:connect({127,0,0,1}, P2, [{active, true}, {packet, 2}]),
    {ok, A} = gen_tcp:accept(L2),
    E6 = gen_tcp:recv(C, 0),
    ok = inet:setopts(C, [{active, false}]),
    E7 = gen_tcp:recv(C, 3),
    Self = self(),
    spawn(fun() -> Self ! {r, gen_tcp:recv(C, 0)} end),
    timer:sleep(30),
    E8 = gen_tcp:recv(C, 0, 10),
    ok = gen_tcp:close(C),
    E9 = receive {r, R} -> R after 1000 -> none end,
    E10 = gen_tcp:send(C, "x"),
    E11 = inet:setopts(C, [{active, true}]),
    E12 = gen_tcp:recv(A, 0, 500),
    E13 = inet:setopts(A, [{packet, bogus}]),
    E14 = inet:setopts(A, [{foo, 1}]),
    E15 = inet:getopts(A, [line_delimiter]),
    E16 = gen_tcp:connect({127,0,0,1}, 0, [{packet, 0}], 100),
    spawn(fun() -> Self ! {acc, gen_tcp:accept(L2)} end),
    timer:sleep(20),
    gen_tcp:close(L2),
    E17 = receive {acc, R17} -> R17 after 1000 -> none end,
    E18 = gen_tcp:accept(L2),
    E19 = inet:peername(L2),
    fmt([E1, E2, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12, E13, E14, E15, E16, E17, E18, E19]).

options() ->
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}]),
    O1 = inet:getopts(L, [buffer, sndbuf, active, packet, mode, header, exit_on_close, nodelay,
                          keepalive, reuseaddr, send_timeout, delay_send, linger, priority, tos,
                          high_watermark, low_watermark, packet_size, deliver,
                          send_timeout_close, show_econnreset, high_msgq_watermark,
                          low_msgq_watermark, read_packets]),
    ok = inet:setopts(L, [{nodelay, true}, {keepalive, true}, list, {packet, 4}, {packet_size, 10},
                          {recbuf, 10000}, {send_timeout, 300}, {delay_send, true},
                          {linger, {true, 5}}, {high_watermark, 100}, {low_watermark, 200},
                          {tos, 16}, {priority, 3}, {reuseaddr, true}, {header, 3}]),
    O2 = inet:getopts(L, [nodelay, keepalive, mode, packet, packet_size, buffer, send_timeout,
                          delay_send, linger, high_watermark, low_watermark, tos, priority,
                          reuseaddr, header]),
    {ok, [{recbuf, RB}]} = inet:getopts(L, [recbuf]),
    O3 = prim_inet:gettype(L),
    O4 = prim_inet:getstatus(L),
    {ok, P} = inet:port(L),
    {ok, C} = gen_tcp:connect({127,0,0,1}, P, []),
    {ok, A} = gen_tcp:accept(L),
    O5 = inet:getopts(A, [nodelay, keepalive, mode, packet, active, delay_send, linger, priority]),
    O6 = prim_inet:getstatus(A),
    {ok, U} = gen_udp:open(0),
    O7 = inet:getopts(U, [buffer, active, mode, read_packets, high_watermark, send_timeout]),
    O8 = prim_inet:gettype(U),
    gen_tcp:close(C), gen_tcp:close(A), gen_tcp:close(L), gen_udp:close(U),
    fmt([O1, O2, RB >= 10000, O3, O4, O5, O6, O7, O8]).

getstat() ->
    {C, A} = pair([], [{active, false}]),
    ok = gen_tcp:send(C, "abcdef"), ok = gen_tcp:send(C, "gh"),
    timer:sleep(30),
    {ok, _} = gen_tcp:recv(A, 0, 100),
    S1 = inet:getstat(C, [send_cnt, send_oct, send_max, send_pend]),
    S2 = inet:getstat(A),
    {ok, [{input, In}]} = {ok, [erlang:port_info(A, input)]},
    gen_tcp:close(C), gen_tcp:close(A),
    fmt([S1, S2, In]).

controlling_process() ->
    {C, A} = pair([], [{active, true}]),
    Self = self(),
    Pid = spawn(fun() -> receive go -> ok end, receive M -> Self ! {got, M} end end),
    R1 = gen_tcp:controlling_process(C, Pid),
    R2 = erlang:port_info(C, connected) =:= {connected, Pid},
    ok = gen_tcp:send(A, "to new owner"),
    Pid ! go,
    R3 = receive {got, {tcp, C, D}} -> D after 1000 -> timeout end,
    Other = spawn(fun() -> Self ! {other, gen_tcp:controlling_process(A, self())} end),
    R4 = receive {other, X} -> X after 1000 -> none end,
    _ = Other,
    R5 = gen_tcp:send(A, "x"),
    timer:sleep(50),
    R6 = erlang:port_info(C),
    R7 = rcv(),
    gen_tcp:close(A),
    fmt([R1, R2, R3, R4, R5, R6, R7]).

multi_accept() ->
    {ok, L} = gen_tcp:listen(0, [{active, false}]),
    {ok, P} = inet:port(L),
    Self = self(),
    [spawn(fun() -> R = gen_tcp:accept(L, 1000), Self ! {accepted, N, element(1, R)} end) || N <- [1, 2, 3]],
    timer:sleep(50),
    {ok, _} = gen_tcp:connect({127,0,0,1}, P, []),
    {ok, _} = gen_tcp:connect({127,0,0,1}, P, []),
    R1 = lists:sort([receive {accepted, N, R} -> {N, R} end || _ <- [1, 2, 3]]),
    R2 = gen_tcp:accept(L, 0),
    Acc = spawn(fun() -> gen_tcp:accept(L) end),
    timer:sleep(20), exit(Acc, kill), timer:sleep(20),
    {ok, C} = gen_tcp:connect({127,0,0,1}, P, []),
    {R3, _} = gen_tcp:accept(L, 500),
    gen_tcp:close(C), gen_tcp:close(L),
    fmt([R1, R2, R3]).

big_transfer() ->
    {C, A} = pair([], [binary, {active, false}]),
    Big = binary:copy(<<"abcdefgh">>, 256 * 1024),
    Self = self(),
    Col = spawn(fun() -> receive go -> ok end, inet:setopts(A, [{active, true}, binary]),
                         Self ! {got, collect(A, [])} end),
    ok = gen_tcp:controlling_process(A, Col), Col ! go,
    ok = gen_tcp:send(C, Big),
    ok = gen_tcp:close(C),
    R = receive {got, B} -> B =:= Big after 20000 -> timeout end,
    fmt(R).
collect(S, Acc) ->
    receive
        {tcp, S, D} -> collect(S, [D | Acc]);
        {tcp_closed, S} -> iolist_to_binary(lists:reverse(Acc))
    after 10000 -> timeout
    end.

send_timeout() ->
    {C, A} = pair([{recbuf, 4096}], [binary, {active, false}, {send_timeout, 200}, {sndbuf, 4096}]),
    Chunk = binary:copy(<<"x">>, 65536),
    R1 = send_until_error(C, Chunk, 0),
    {ok, [{send_pend, Pend}]} = inet:getstat(C, [send_pend]),
    gen_tcp:close(A), gen_tcp:close(C),
    {C2, A2} = pair([{recbuf, 4096}], [binary, {active, false}, {send_timeout, 100}, {send_timeout_close, true}]),
    R2 = send_until_error(C2, Chunk, 0),
    R3 = gen_tcp:send(C2, "x"),
    gen_tcp:close(A2), gen_tcp:close(C2),
    fmt([R1, Pend > 0, R2, R3]).
send_until_error(_S, _C, N) when N > 500 -> too_many;
send_until_error(S, C, N) -> case gen_tcp:send(S, C) of ok -> send_until_error(S, C, N + 1); E -> E end.

http() ->
    {C, A} = pair([], [{active, false}, {packet, http}]),
    ok = gen_tcp:send(A, "GET /index.html?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nuser-agent: test\r\n"
                         "X-Custom-Thing:  spaced value  \r\nSet-Cookie: a=b\r\n continued\r\n\r\nbody"),
    R1 = http_all(C),
    ok = inet:setopts(C, [{packet, raw}, binary]),
    R2 = gen_tcp:recv(C, 4, 500),
    gen_tcp:close(A), gen_tcp:close(C),
    Lines = ["POST http://host.org:99/a/b HTTP/1.0\r\n", "OPTIONS * HTTP/1.1\r\n",
             "HTTP/1.1 404 Not Found\r\n", "PATCH /x HTTP/1.1\r\n", "GET https://h/p HTTP/1.1\r\n",
             "GET ftp://server/file HTTP/1.1\r\n", "garbage\r\n", "HTTP/1.1 200\r\n",
             "GET /noversion\r\n", "HTTP/1.1 200OK\r\n", "GET / HTTP/1.\r\n"],
    R3 = [begin
              {C1, A1} = pair([], [{active, false}, binary, {packet, http_bin}]),
              ok = gen_tcp:send(A1, Line),
              R = gen_tcp:recv(C1, 0, 500),
              gen_tcp:close(A1), gen_tcp:close(C1),
              R
          end || Line <- Lines],
    {C4, A4} = pair([], [{active, true}, binary, {packet, httph_bin}]),
    ok = gen_tcp:send(A4, "Content-Length: 3\r\nETAG: 1\r\nBad Header\r\n-a: b\r\n\r\n"),
    timer:sleep(100),
    R4 = flush(),
    gen_tcp:close(A4), gen_tcp:close(C4),
    fmt([R1, R2, R3, R4]).
http_all(S) ->
    case gen_tcp:recv(S, 0, 500) of
        {ok, http_eoh} -> [http_eoh];
        {ok, X} -> [X | http_all(S)];
        E -> [E]
    end.

udp() ->
    {ok, U1} = gen_udp:open(0, [binary, {active, false}]),
    {ok, U2} = gen_udp:open(0, [{active, true}]),
    {ok, P1} = inet:port(U1), {ok, P2} = inet:port(U2),
    ok = gen_udp:send(U2, {127,0,0,1}, P1, <<"one">>),
    ok = gen_udp:send(U2, "localhost", P1, "two"),
    {ok, {IP1, Port1, D1}} = gen_udp:recv(U1, 0, 500),
    {ok, {_, Port2, D2}} = gen_udp:recv(U1, 100, 500),
    R1 = [IP1, Port1 =:= P2, D1, Port2 =:= P2, D2, gen_udp:recv(U1, 0, 50)],
    ok = gen_udp:send(U1, {127,0,0,1}, P2, [<<"thr">>, $e, "e"]),
    {udp, U2, IP3, Port3, D3} = rcv(),
    R2 = [IP3, Port3 =:= P1, D3],
    ok = inet:setopts(U2, [{active, 2}]),
    [ok = gen_udp:send(U1, {127,0,0,1}, P2, integer_to_list(N)) || N <- [1, 2, 3]],
    timer:sleep(50),
    R3a = flush(),
    R3 = [{element(1, M), element(5, M)} || M <- R3a, tuple_size(M) =:= 5] ++
         [element(1, M) || M <- R3a, tuple_size(M) =:= 2],
    R4 = inet:getopts(U2, [active]),
    {ok, {_, _, D5}} = gen_udp:recv(U2, 0, 100),
    ok = gen_udp:connect(U1, {127,0,0,1}, P2),
    {ok, {_, PP}} = inet:peername(U1),
    ok = gen_udp:send(U1, <<"conn">>),
    {ok, {_, _, D6}} = gen_udp:recv(U2, 0, 100),
    {ok, U3} = gen_udp:open(0, [binary, {active, false}, {recbuf, 4}, {buffer, 5}, {header, 2}]),
    {ok, P3} = inet:port(U3),
    ok = gen_udp:send(U2, {127,0,0,1}, P3, "123456789"),
    {ok, {_, _, D7}} = gen_udp:recv(U3, 0, 100),
    gen_udp:close(U3),
    R8 = [gen_udp:recv(U3, 0, 100), gen_udp:send(U3, {127,0,0,1}, P3, "x")],
    {ok, U4} = gen_udp:open(0, [{active, false}]),
    spawn(fun() -> timer:sleep(50), gen_udp:close(U4) end),
    R9 = gen_udp:recv(U4, 0),
    R10 = gen_udp:open(P1),
    {ok, U5} = gen_udp:open(0, [{ip, {127,0,0,1}}, binary, {active, false}]),
    {ok, P5} = inet:port(U5),
    ok = gen_udp:send(U5, {127,0,0,1}, P5, <<>>),
    {ok, {_, _, D11}} = gen_udp:recv(U5, 0, 100),
    fmt([R1, R2, R3, R4, D5, PP =:= P2, D6, D7, R8, R9, R10, D11]).

resolver() ->
    {ok, H} = inet:gethostname(),
    fmt([inet:getaddr("localhost", inet), inet:getaddr("127.0.0.1", inet), inet:getaddr(localhost, inet),
         inet:gethostbyname("localhost"), inet:getaddr("10.1.2.3", inet), inet:getaddrs("::1", inet6),
         inet:getaddr("nonexistent.invalid", inet), inet:gethostbyname(H) =/= {error, nxdomain},
         inet:getaddr(H, inet) =/= {error, nxdomain}]).

services() ->
    fmt([inet:getservbyname(http, tcp), inet:getservbyport(22, tcp),
         inet:getservbyname(nosuchservice, tcp)]).

ipv6() ->
    case gen_tcp:listen(0, [inet6, {active, false}, {ip, {0,0,0,0,0,0,0,1}}]) of
        {ok, L} ->
            {ok, P} = inet:port(L),
            {ok, C} = gen_tcp:connect({0,0,0,0,0,0,0,1}, P, [inet6, binary, {active, false}]),
            {ok, A} = gen_tcp:accept(L),
            ok = gen_tcp:send(C, "v6"),
            R1 = gen_tcp:recv(A, 0, 500),
            {ok, {PA, _}} = inet:peername(A),
            {ok, {SA, _}} = inet:sockname(C),
            R2 = prim_inet:gettype(C),
            gen_tcp:close(C), gen_tcp:close(A), gen_tcp:close(L),
            {ok, U} = gen_udp:open(0, [inet6, binary, {active, false}]),
            {ok, UP} = inet:port(U),
            ok = gen_udp:send(U, {0,0,0,0,0,0,0,1}, UP, <<"self6">>),
            {ok, {IP6, UP, D6}} = gen_udp:recv(U, 0, 500),
            fmt([R1, PA, SA, R2, IP6, D6]);
        E -> fmt({no_ipv6, E})
    end.

local(Path) ->
    file:delete(Path),
    {ok, L} = gen_tcp:listen(0, [{ifaddr, {local, Path}}, binary, {active, false}]),
    {ok, {local, LP}} = inet:sockname(L),
    {ok, C} = gen_tcp:connect({local, Path}, 0, [local, binary, {active, false}]),
    {ok, A} = gen_tcp:accept(L),
    ok = gen_tcp:send(C, "local!"),
    R1 = gen_tcp:recv(A, 0, 500),
    {ok, {local, PP}} = inet:peername(C),
    R2 = prim_inet:gettype(C),
    gen_tcp:close(C), gen_tcp:close(A), gen_tcp:close(L),
    file:delete(Path),
    fmt([LP =:= list_to_binary(Path), R1, PP =:= LP, R2]).

python_server(Port) ->
    %% the Python side echoes {packet,2} frames, answers "close" with "bye" and closes
    {ok, C} = gen_tcp:connect("localhost", Port, [binary, {active, false}, {packet, 2}]),
    ok = gen_tcp:send(C, <<"ping">>),
    R1 = gen_tcp:recv(C, 0, 2000),
    ok = inet:setopts(C, [{active, once}]),
    ok = gen_tcp:send(C, <<"close">>),
    M1 = rcv(), M2 = rcv(),
    fmt([R1, M1, M2]).

erlang_server_start() ->
    Self = self(),
    Pid = spawn(fun() ->
                        {ok, L} = gen_tcp:listen(0, [binary, {active, true}, {packet, line}]),
                        {ok, P} = inet:port(L),
                        Self ! {port, P},
                        {ok, A} = gen_tcp:accept(L, 5000),
                        gen_tcp:close(L),
                        R = fmt(serve_lines(A, [])),
                        receive {result, From} -> From ! {lines, R} end
                end),
    register(inet_drv_tests_server, Pid),
    receive {port, P} -> P end.
erlang_server_result() ->
    inet_drv_tests_server ! {result, self()},
    receive {lines, R} -> R after 10000 -> fmt(timeout) end.
serve_lines(A, Acc) ->
    receive
        {tcp, A, <<"quit\n">>} -> ok = gen_tcp:send(A, <<"bye\n">>), gen_tcp:close(A), lists:reverse(Acc);
        {tcp, A, Line} -> ok = gen_tcp:send(A, string:uppercase(Line)), serve_lines(A, [Line | Acc]);
        {tcp_closed, A} -> lists:reverse([closed | Acc])
    after 5000 -> timeout
    end.

python_udp(Port) ->
    {ok, U} = gen_udp:open(0, [binary, {active, true}]),
    ok = gen_udp:send(U, {127,0,0,1}, Port, <<"marco">>),
    M = receive {udp, U, IP, Port, D} -> {IP, D} after 2000 -> timeout end,
    gen_udp:close(U),
    fmt(M).

spawn_packet() ->
    P = open_port({spawn, "cat"}, [{packet, 2}, binary]),
    true = port_command(P, <<"framed">>),
    true = port_command(P, "x"),
    R = [receive {P, {data, D}} -> D after 2000 -> timeout end || _ <- [1, 2]],
    port_close(P),
    fmt(R).

getifaddrs() ->
    {ok, Ifs} = inet:getifaddrs(),
    {ok, Lo} = case [Os || {_, Os} <- Ifs, lists:member({addr, {127,0,0,1}}, Os)] of [X | _] -> {ok, X}; [] -> {ok, none} end,
    {ok, If} = inet:getif(),
    fmt([is_list(Lo) andalso lists:member({flags, [up, loopback, running]}, Lo),
         lists:keymember({127,0,0,1}, 1, If)]).
"""

# test name -> what erl printed (io_lib:print of the result)
ERL_RESULTS = [
    ('echo_passive',
     '[{ok,<<"hello">>},{ok,<<"abc">>},{ok,<<"def">>},{error,timeout},{127,0,0,1},true,true]'),
    ('echo_active_packet2',
     '[{tcp,port,<<"hello">>},{tcp,port,<<"world!">>},{tcp,port,<<>>},true,echo_done]'),
    ('packet_line',
     '[[{ok,<<"hello\\n">>},{ok,<<"world\\n">>},{error,timeout}],{error,einval},{ok,<<"partial line\\n">>},[{ok,[97,98|<<";">>]},{ok,[99,100|<<"ef;">>]},{error,timeout}],[{ok,"g"},{ok,[104,105|<<"j">>]},{ok,[107,108|<<"mn">>]}],[{ok,[111,112|<<>>]},{error,closed},{error,enotconn}],{error,closed},[{error,enotconn},{error,enotconn}]]'),
    ('packet_sizes',
     '[{ok,[3,97,98,99]},{ok,<<>>},{error,emsgsize},{error,enotconn},{error,enotconn},[{tcp_error,port,emsgsize},{tcp_closed,port},none]]'),
    ('active_modes',
     '[{tcp,port,<<"one">>},none,{ok,[{active,false}]},{ok,[{active,1}]},{tcp,port,<<"two">>},{tcp,port,<<"three">>},{ok,[{active,false}]},{tcp_passive,port},{ok,[{active,2}]},{tcp_passive,port},{ok,[{active,false}]},{error,einval},{tcp,port,"four"},{tcp_closed,port},undefined]'),
    ('exit_on_close_false',
     '[{tcp_closed,port},ok,{name,"tcp_inet"},ok,none,{error,closed},{ok,"still"},ok]'),
    ('errors',
     '[{error,econnrefused},{error,nxdomain},{error,eaddrinuse},{error,timeout},{error,enotconn},{error,einval},{error,einval},{error,ealready},{error,closed},{error,closed},{error,einval},{error,closed},{error,einval},{error,einval},{error,einval},{error,econnrefused},{error,closed},{error,closed},{error,einval}]'),
    ('options',
     '[{ok,[{buffer,1460},{sndbuf,16384},{active,false},{packet,0},{mode,binary},{header,0},{exit_on_close,true},{nodelay,false},{keepalive,false},{reuseaddr,false},{send_timeout,infinity},{delay_send,false},{linger,{false,0}},{priority,0},{tos,0},{high_watermark,8192},{low_watermark,4096},{packet_size,0},{deliver,term},{send_timeout_close,false},{show_econnreset,false},{high_msgq_watermark,8192},{low_msgq_watermark,4096}]},{ok,[{nodelay,true},{keepalive,true},{mode,list},{packet,4},{packet_size,10},{buffer,10000},{send_timeout,300},{delay_send,true},{linger,{true,5}},{high_watermark,100},{low_watermark,100},{tos,16},{priority,3},{reuseaddr,true},{header,3}]},true,{ok,{inet,stream}},{ok,[listen,open]},{ok,[{nodelay,true},{keepalive,true},{mode,list},{packet,4},{active,false},{delay_send,true},{linger,{true,5}},{priority,3}]},{ok,[connected,open]},{ok,[{buffer,8192},{active,true},{mode,list},{read_packets,5}]},{ok,{inet,dgram}}]'),
    ('getstat',
     '[{ok,[{send_cnt,2},{send_oct,8},{send_max,6},{send_pend,0}]},{ok,[{recv_oct,8},{recv_cnt,1},{recv_max,8},{recv_avg,8},{recv_dvi,0},{send_oct,0},{send_cnt,0},{send_max,0},{send_avg,0},{send_pend,0}]},0]'),
    ('controlling_process',
     '[ok,true,"to new owner",{error,not_owner},ok,undefined,none]'),
    ('multi_accept',
     '[[{1,ok},{2,ok},{3,error}],{error,timeout},ok]'),
    ('big_transfer',
     'true'),
    ('send_timeout',
     '[{error,timeout},true,{error,timeout},{error,enotconn}]'),
    ('http',
     '[[{http_request,\'GET\',{abs_path,"/index.html?x=1"},{1,1}},{http_header,14,\'Host\',"Host","example.com:8080"},{http_header,24,\'User-Agent\',"user-agent","test"},{http_header,0,"X-Custom-Thing","X-Custom-Thing","spaced value  "},{http_header,47,\'Set-Cookie\',"Set-Cookie","a=b\\r\\n continued"},http_eoh],{ok,<<"body">>},[{ok,{http_request,\'POST\',{absoluteURI,http,<<"host.org">>,99,<<"/a/b">>},{1,0}}},{ok,{http_request,\'OPTIONS\',\'*\',{1,1}}},{ok,{http_response,{1,1},404,<<"Not Found">>}},{ok,{http_request,<<"PATCH">>,{abs_path,<<"/x">>},{1,1}}},{ok,{http_request,\'GET\',{absoluteURI,https,<<"h">>,undefined,<<"/p">>},{1,1}}},{ok,{http_request,\'GET\',{scheme,<<"ftp">>,<<"//server/file">>},{1,1}}},{ok,{http_error,<<"garbage\\r\\n">>}},{ok,{http_response,{1,1},200,<<>>}},{ok,{http_request,\'GET\',{abs_path,<<"/noversion">>},{0,9}}},{ok,{http_error,<<"HTTP/1.1 200OK\\r\\n">>}},{ok,{http_error,<<"GET / HTTP/1.\\r\\n">>}}],[{http,port,{http_header,38,\'Content-Length\',<<"Content-Length">>,<<"3">>}},{http,port,{http_header,43,\'Etag\',<<"ETAG">>,<<"1">>}},{http,port,{http_error,<<"Bad Header\\r\\n">>}},{http,port,{http_header,0,<<"-a">>,<<"-a">>,<<"b">>}},{http,port,http_eoh}]]'),
    ('udp',
     '[[{127,0,0,1},true,<<"one">>,true,<<"two">>,{error,timeout}],[{127,0,0,1},true,"three"],[{udp,"1"},{udp,"2"},udp_passive],{ok,[{active,false}]},"3",true,"conn",[49,50|<<"345">>],[{error,closed},{error,closed}],{error,closed},{error,eaddrinuse},<<>>]'),
    ('resolver',
     '[{ok,{127,0,0,1}},{ok,{127,0,0,1}},{ok,{127,0,0,1}},{ok,{hostent,"localhost",[],inet,4,[{127,0,0,1}]}},{ok,{10,1,2,3}},{ok,[{0,0,0,0,0,0,0,1}]},{error,nxdomain},true,true]'),
]


@pytest.fixture(scope="module")
def vm():
    d = compile_erlang(SOURCE)
    return ErlangVM(code_path=[d]).start()


def run(vm, name, *args):
    r = vm.call("inet_drv_tests", "run", [atom(name), from_seq(list(args))])
    assert isinstance(r, bytes), r
    return r.decode("utf-8")


@pytest.mark.parametrize("name,expected", ERL_RESULTS, ids=[n for n, _ in ERL_RESULTS])
def test_same_as_erl(vm, name, expected):
    assert run(vm, name) == expected


def test_services(vm):
    # the same services database as Python's socket module reads
    def py(f, *a):
        try:
            return f(*a)
        except OSError:
            return None
    http = py(socket.getservbyname, "http", "tcp")
    ssh = py(socket.getservbyport, 22, "tcp")
    expected = "[%s,%s,{error,einval}]" % (
        "{ok,%d}" % http if http else "{error,einval}",
        '{ok,"%s"}' % ssh if ssh else "{error,einval}")
    assert run(vm, "services") == expected


def test_ipv6(vm):
    r = run(vm, "ipv6")
    if r.startswith("{no_ipv6"):
        pytest.skip("no IPv6 loopback here")
    assert r == ('[{ok,"v6"},{0,0,0,0,0,0,0,1},{0,0,0,0,0,0,0,1},{ok,{inet6,stream}},'
                 '{0,0,0,0,0,0,0,1},<<"self6">>]')


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no local sockets")
def test_local_sockets(vm, tmp_path):
    path = str(tmp_path / "s.sock")
    r = run(vm, "local", estr(path))
    assert r == '[true,{ok,<<"local!">>},true,{ok,{undefined,stream}}]'


def test_getifaddrs(vm):
    assert run(vm, "getifaddrs") == "[true,true]"


def test_spawned_program_packet_framing(vm):
    # {packet, N} on a spawned program's port: BEAM adds the length header
    # to what is sent and strips it from what comes back
    assert run(vm, "spawn_packet") == '[<<"framed">>,<<"x">>]'


def test_erlang_client_python_server(vm):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(10)
    port = srv.getsockname()[1]
    seen = []

    def serve():
        conn, _ = srv.accept()
        conn.settimeout(10)
        f = conn.makefile("rb")
        while True:
            head = f.read(2)
            if len(head) < 2:
                break
            msg = f.read(struct.unpack(">H", head)[0])
            seen.append(msg)
            if msg == b"close":
                conn.sendall(b"\x00\x03bye")
                break
            conn.sendall(struct.pack(">H", 4) + b"pong")
        f.close()
        conn.close()
        srv.close()

    t = threading.Thread(target=serve)
    t.start()
    try:
        r = run(vm, "python_server", port)
    finally:
        t.join(10)
    assert seen == [b"ping", b"close"]
    assert r == '[{ok,<<"pong">>},{tcp,port,<<"bye">>},none]'


def test_python_client_erlang_server(vm):
    port = vm.call("inet_drv_tests", "erlang_server_start", [])
    got = []

    def client():
        c = socket.create_connection(("127.0.0.1", port), timeout=10)
        f = c.makefile("rb")
        c.sendall(b"hello\n")
        got.append(f.readline())
        c.sendall(b"a\nb")
        time.sleep(0.05)
        c.sendall(b"c\n")
        got.append(f.readline())
        got.append(f.readline())
        c.sendall(b"quit\n")
        got.append(f.readline())
        got.append(f.read())
        f.close()
        c.close()

    t = threading.Thread(target=client)
    t.start()
    try:
        r = vm.call("inet_drv_tests", "erlang_server_result", []).decode()
    finally:
        t.join(10)
    assert got == [b"HELLO\n", b"A\n", b"BC\n", b"bye\n", b""]
    assert r == '[<<"hello\\n">>,<<"a\\n">>,<<"bc\\n">>]'


def test_python_udp_peer(vm):
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(10)
    port = peer.getsockname()[1]

    def echo():
        data, addr = peer.recvfrom(100)
        peer.sendto(data.upper(), addr)

    t = threading.Thread(target=echo)
    t.start()
    try:
        r = run(vm, "python_udp", port)
    finally:
        t.join(10)
        peer.close()
    assert r == '{{127,0,0,1},<<"MARCO">>}'
