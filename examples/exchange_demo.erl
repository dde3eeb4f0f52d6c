%% A tiny odds exchange, run by erlpy: backers and layers send orders to a
%% matching engine process that keeps its book in ETS; trades are reported
%% back by message. Shows processes, selective receive, monitors, ETS,
%% maps and io:format, all executed by OTP's own stdlib on erlpy.
-module(exchange_demo).
-export([main/0]).

main() ->
    Book = ets:new(book, [ordered_set, public]),
    Engine = spawn(fun() -> engine(Book, #{trades => 0, volume => 0}) end),
    Ref = monitor(process, Engine),
    Orders = [{back, alice, 2.50, 100}, {lay, bob, 2.40, 50}, {lay, carol, 2.52, 80},
              {back, dave, 2.60, 40}, {lay, erin, 2.45, 30}, {back, frank, 2.45, 60}],
    [Engine ! {order, self(), O} || O <- Orders],
    Trades = collect(length(Orders), []),
    io:format("~-8s ~-8s ~6s ~5s~n", ["backer", "layer", "odds", "stake"]),
    [io:format("~-8s ~-8s ~6.2f ~5b~n", [B, L, P, S]) || {trade, B, L, P, S} <- Trades],
    Engine ! {stats, self()},
    receive {stats, Stats} -> io:format("engine stats: ~p~n", [Stats]) end,
    Resting = lists:sort([{Side, Who, Odds, Left} || {{Side, Odds, _}, Who, Left} <- ets:tab2list(Book)]),
    io:format("resting orders: ~p~n", [Resting]),
    exit(Engine, shutdown),
    receive {'DOWN', Ref, process, Engine, Why} -> io:format("engine stopped: ~p~n", [Why]) end,
    ok.

collect(0, Acc) -> lists:reverse(Acc);
collect(N, Acc) ->
    receive
        {done, _Who, Trades} -> collect(N - 1, lists:reverse(Trades) ++ Acc)
    end.

engine(Book, Stats) ->
    receive
        {order, From, {Side, Who, Odds, Stake}} ->
            {Trades, Left} = match(Book, Side, Who, Odds, Stake, []),
            Left > 0 andalso ets:insert(Book, {{Side, Odds, erlang:unique_integer([monotonic])}, Who, Left}),
            From ! {done, Who, Trades},
            Vol = lists:sum([S || {trade, _, _, _, S} <- Trades]),
            engine(Book, Stats#{trades := maps:get(trades, Stats) + length(Trades),
                                volume := maps:get(volume, Stats) + Vol});
        {stats, From} ->
            From ! {stats, Stats},
            engine(Book, Stats)
    end.

%% A back at odds O matches the cheapest lay at odds =< O; a lay matches the
%% dearest back at odds >= O.
match(_Book, _Side, _Who, _Odds, 0, Acc) -> {lists:reverse(Acc), 0};
match(Book, Side, Who, Odds, Stake, Acc) ->
    case best(Book, opposite(Side)) of
        {Key = {_, BestOdds, _}, Other, Avail} when (Side =:= back andalso BestOdds =< Odds);
                                                   (Side =:= lay andalso BestOdds >= Odds) ->
            Size = min(Stake, Avail),
            case Avail - Size of
                0 -> ets:delete(Book, Key);
                R -> ets:insert(Book, {Key, Other, R})
            end,
            T = case Side of
                    back -> {trade, Who, Other, BestOdds, Size};
                    lay -> {trade, Other, Who, BestOdds, Size}
                end,
            match(Book, Side, Who, Odds, Stake - Size, [T | Acc]);
        _ ->
            {lists:reverse(Acc), Stake}
    end.

opposite(back) -> lay;
opposite(lay) -> back.

best(Book, lay) ->
    case ets:select(Book, [{{{lay, '_', '_'}, '_', '_'}, [], ['$_']}], 1) of
        {[Row], _} -> Row;
        _ -> none
    end;
best(Book, back) ->
    case ets:select_reverse(Book, [{{{back, '_', '_'}, '_', '_'}, [], ['$_']}], 1) of
        {[Row], _} -> Row;
        _ -> none
    end.
