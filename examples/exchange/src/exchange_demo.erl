%% The erlpy demo: start the exchange application, trade on three markets,
%% kill an order book to watch its supervisor restart it, let the clock
%% close the markets, settle them and print what happened.
%%
%%   erlc -o ebin src/*.erl && cp src/exchange.app.src ebin/exchange.app
%%   erl -noshell -pa ebin -eval 'exchange_demo:run()'
%%
%% Everything printed to stdout is deterministic (no pids, refs or times);
%% the logger's reports go to stderr.
-module(exchange_demo).
-export([run/0]).

-define(MARKETS, [{grand_national, "Red Rum wins the Grand National", 300, won},
                  {cup_final, "Erlang FC win the Cup Final", 180, lost},
                  {rain_stockholm, "Rain in Stockholm tomorrow", 250, won}]).

%% The scripted orders: {Account, Side, Market, Stake, Odds in hundredths}.
-define(SCRIPT, [{alice, back, grand_national, 20, 300},
                 {bob, back, grand_national, 10, 310},
                 {carol, lay, grand_national, 15, 305},
                 {dave, lay, grand_national, 30, 320},
                 {erin, back, grand_national, 10, 330},
                 {frank, back, grand_national, 25, 315},
                 {grace, lay, grand_national, 500, 500},
                 {alice, lay, cup_final, 40, 180},
                 {bob, back, cup_final, 25, 175},
                 {carol, back, rain_stockholm, 0, 200},
                 {mallory, back, rain_stockholm, 10, 250}]).

-define(GENERATED, 150).
-define(PUNTERS, {alice, bob, carol, dave, erin, frank, grace}).

run() ->
    try main() of
        ok -> init:stop()
    catch
        Class:Reason:Stack ->
            Failed = {exchange_demo_failed, Class, Reason, Stack},
            try io:format(standard_error, "~p~n", [Failed])
            catch _:_ -> erlang:display(Failed)
            end,
            erlang:halt(1)
    end.

main() ->
    %% The logger's reports (the supervisor report below) go to stderr, so
    %% stdout carries the summary alone.
    case logger:remove_handler(default) of
        ok -> ok;
        {error, {not_found, default}} -> ok
    end,
    ok = logger:add_handler(default, logger_std_h,
                            #{config => #{type => standard_error},
                              formatter => {logger_formatter, #{legacy_header => true,
                                                                single_line => false}}}),
    {ok, Started} = application:ensure_all_started(exchange),
    say("== the exchange =="),
    say("started applications: ~w", [Started]),
    say("exchange_sup children: ~w", [children()]),
    say("accounts: ~s, ~s each",
        [join([atom_to_list(A) || {A, _, _} <- exchange_ledger:balances()]),
         money(element(2, hd(exchange_ledger:balances())))]),
    ok = exchange_registry:subscribe(),
    [ok = exchange_registry:open(M, Desc) || {M, Desc, _, _} <- ?MARKETS],
    say("markets:"),
    [say("  ~-15s ~s", [M, Desc]) || {M, Desc, open} <- exchange_registry:markets()],
    say("exchange_sup children: ~w", [children()]),

    say("~n== scripted orders =="),
    [place(Order) || Order <- ?SCRIPT],

    say("~n== ~b generated orders (rand, seeded) ==", [?GENERATED]),
    Rejected = generated(?GENERATED, rand:seed_s(exsss, 20240611), #{}),
    say("rejected: ~w", [lists:sort(maps:to_list(Rejected))]),
    [market_line(M) || {M, _, _, _} <- ?MARKETS],
    say("ladders (best three prices, stake summed):"),
    [ladder_line(M) || {M, _, _, _} <- ?MARKETS],

    say("~n== killing a worker =="),
    kill_book(grand_national),
    place({frank, back, grand_national, 5, 300}),

    say("~n== the clock closes the markets =="),
    ok = exchange_clock:close_in([{M, Ticks} || {{M, _, _, _}, Ticks}
                                                <- lists:zip(?MARKETS, [3, 1, 2])]),
    Watchdog = erlang:send_after(20000, self(), watchdog),
    [await_close() || _ <- ?MARKETS],
    erlang:cancel_timer(Watchdog),
    place({alice, back, cup_final, 10, 200}),

    say("~n== settlement (commission ~b% of net winnings) ==",
        [element(2, application:get_env(exchange, commission_percent))]),
    Before = total(),
    [settle(M, Outcome) || {M, _, _, Outcome} <- ?MARKETS],
    say("~n== balances =="),
    say("  ~-8s ~10s", ["account", "balance"]),
    [say("  ~-8s ~10s", [A, money(B)]) || {A, B, 0} <- exchange_ledger:balances()],
    {House, Commission} = exchange_ledger:house(),
    say("  ~-8s ~10s  (commission)", [House, money(Commission)]),
    say("money in = money out: ~w", [Before =:= total()]),
    say("markets: ~s", [join([io_lib:format("~s ~s", [M, S])
                              || {M, _, S} <- exchange_registry:markets()])]),
    say("stopping"),
    ok.

%% Orders

place({Account, Side, Market, Stake, Odds}) ->
    Head = io_lib:format("~-7s ~-4s ~-15s ~3b @ ~s", [Account, Side, Market, Stake, odds(Odds)]),
    case exchange_book:place(Market, Account, Side, Odds, Stake) of
        {ok, #{id := Id, fills := Fills, resting := Left}} ->
            Matched = [io_lib:format("~b @ ~s with ~s", [S, odds(P), Who])
                       || {Who, P, S} <- Fills],
            What = [["matched " ++ join(Matched) || Matched =/= []],
                    [io_lib:format("resting ~b", [Left]) || Left > 0]],
            say("  ~s  #~b ~s", [Head, Id, lists:join("; ", [W || [W] <- What])]);
        {error, Why} ->
            say("  ~s  rejected: ~w", [Head, Why])
    end.

generated(0, _Seed, Rejected) ->
    Rejected;
generated(N, Seed0, Rejected) ->
    {Mi, Seed1} = rand:uniform_s(length(?MARKETS), Seed0),
    {Pi, Seed2} = rand:uniform_s(tuple_size(?PUNTERS), Seed1),
    {Si, Seed3} = rand:uniform_s(2, Seed2),
    {Ticks, Seed4} = rand:uniform_s(9, Seed3),
    {Units, Seed} = rand:uniform_s(10, Seed4),
    {Market, _, Fair, _} = lists:nth(Mi, ?MARKETS),
    Side = element(Si, {back, lay}),
    Odds = Fair + (Ticks - 5) * 5,
    case exchange_book:place(Market, element(Pi, ?PUNTERS), Side, Odds, Units * 2) of
        {ok, _} -> generated(N - 1, Seed, Rejected);
        {error, Why} -> generated(N - 1, Seed, Rejected#{Why => maps:get(Why, Rejected, 0) + 1})
    end.

market_line(Market) ->
    #{orders := Orders, trades := Trades, volume := Volume, turnover := Turnover} =
        exchange_book:stats(Market),
    Avg = case Volume of
              0 -> "-";
              _ -> odds((Turnover + Volume div 2) div Volume)
          end,
    say("  ~-15s ~3b orders ~3b trades ~4b matched, average odds ~s",
        [Market, Orders, Trades, Volume, Avg]).

ladder_line(Market) ->
    #{back := Backs, lay := Lays} = exchange_book:ladder(Market, 3),
    Level = fun({P, S}) -> io_lib:format("~s x ~b", [odds(P), S]) end,
    %% Resting lays are what a punter can back at, and resting backs what he
    %% can lay at.
    say("  ~-15s to back: ~-34s to lay: ~s",
        [Market, join([Level(L) || L <- Lays]), join([Level(L) || L <- Backs])]).

%% The worker to kill: a market's order book, a dynamic child of exchange_sup.

kill_book(Market) ->
    Name = exchange_book:name(Market),
    Old = whereis(Name),
    Resting = exchange_book:resting(Market),
    say("~s holds ~b resting orders; killing it", [Name, Resting]),
    Ref = monitor(process, Old),
    exit(Old, kill),
    receive {'DOWN', Ref, process, Old, Why} -> say("~s died: ~w", [Name, Why]) end,
    New = await_restart(Name, Old, 2000),
    say("exchange_sup restarted it: ~w", [is_pid(New) andalso New =/= Old]),
    say("the new process found ~b resting orders in the table the registry owns",
        [exchange_book:resting(Market)]),
    ladder_line(Market).

await_restart(Name, Old, 0) ->
    error({not_restarted, Name, Old});
await_restart(Name, Old, N) ->
    case whereis(Name) of
        Pid when is_pid(Pid), Pid =/= Old -> Pid;
        _ -> timer:sleep(1), await_restart(Name, Old, N - 1)
    end.

%% Closing and settling

await_close() ->
    receive
        {exchange, {market_closed, Market, Voided}} ->
            say("  ~-15s closed by the clock, ~b unmatched orders voided", [Market, Voided]);
        watchdog ->
            error(markets_not_closed)
    end.

settle(Market, Outcome) ->
    {ok, Rows} = exchange_registry:settle(Market, Outcome),
    receive {exchange, {market_settled, Market, Outcome}} -> ok end,
    Trades = exchange_ledger:trades(Market),
    say("~s: ~s, ~b trades settled", [Market, Outcome, length(Trades)]),
    [say("  ~-8s ~10s  commission ~s", [A, money(Net), money(Comm)]) || {A, Net, Comm} <- Rows].

total() ->
    {_, House} = exchange_ledger:house(),
    House + lists:sum([B || {_, B, _} <- exchange_ledger:balances()]).

children() ->
    lists:sort([Id || {Id, _, _, _} <- supervisor:which_children(exchange_sup)]).

%% Formatting: odds in hundredths, money in pence.

odds(O) ->
    io_lib:format("~b.~2..0b", [O div 100, O rem 100]).

money(P) when P < 0 ->
    "-" ++ money(-P);
money(P) ->
    lists:flatten(io_lib:format("~b.~2..0b", [P div 100, P rem 100])).

join(Strings) ->
    lists:join(", ", Strings).

say(Format) ->
    say(Format, []).

say(Format, Args) ->
    io:format(Format ++ "~n", Args).
