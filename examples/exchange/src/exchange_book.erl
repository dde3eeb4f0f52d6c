%% The order book of one market. Everything it knows lives in an ETS table
%% (ordered_set) that the registry owns, so when this process dies the
%% supervisor's replacement finds every resting order where it was.
%%
%% Rows: {status, open | closed}, counters {seq | orders | trades | volume |
%% turnover, N}, and one row per resting order:
%%   {{back, Odds, Id}, Account, Stake}       lowest odds first
%%   {{lay, -Odds, Id}, Account, Stake}       highest odds first
%% so the first row of each side is the best price, oldest order first.
%%
%% Matching is a betting exchange's: a back at odds B (the backer wants at
%% least B) matches resting lays offered at B or more, the highest first; a
%% lay at odds L (the layer pays out at most L) matches resting backs asking
%% L or less, the lowest first. Trades happen at the resting order's odds.
-module(exchange_book).
-behaviour(gen_server).
-export([start_link/2, name/1, place/5, close/1, ladder/2, stats/1, resting/1]).
-export([init/1, handle_call/3, handle_cast/2]).

start_link(Market, Tab) ->
    gen_server:start_link({local, name(Market)}, ?MODULE, {Market, Tab}, []).

name(Market) ->
    list_to_atom("exchange_book_" ++ atom_to_list(Market)).

%% Returns {ok, #{id, fills => [{Counterparty, Odds, Stake}], resting}} or
%% {error, Reason}.
place(Market, Account, Side, Odds, Stake) ->
    gen_server:call(name(Market), {place, Account, Side, Odds, Stake}).

%% Stop trading and void the unmatched orders; returns {ok, HowMany}.
close(Market) ->
    gen_server:call(name(Market), close).

%% The best Depth prices of each side, stakes summed per price:
%% #{back => [{Odds, Stake}], lay => [{Odds, Stake}]}.
ladder(Market, Depth) ->
    gen_server:call(name(Market), {ladder, Depth}).

stats(Market) ->
    gen_server:call(name(Market), stats).

resting(Market) ->
    gen_server:call(name(Market), resting).

init({Market, Tab}) ->
    {ok, #{market => Market, tab => Tab}}.

handle_call({place, Account, Side, Odds, Stake}, _From, #{tab := Tab} = S)
  when (Side =:= back orelse Side =:= lay), is_integer(Odds), Odds > 100, Odds =< 100000,
       is_integer(Stake), Stake > 0 ->
    {reply, place(S, Tab, Account, Side, Odds, Stake), S};
handle_call({place, _, _, _, _}, _From, S) ->
    {reply, {error, bad_order}, S};
handle_call(close, _From, #{tab := Tab} = S) ->
    Voided = ets:select_delete(Tab, [{{{back, '_', '_'}, '_', '_'}, [], [true]},
                                     {{{lay, '_', '_'}, '_', '_'}, [], [true]}]),
    true = ets:insert(Tab, {status, closed}),
    {reply, {ok, Voided}, S};
handle_call({ladder, Depth}, _From, #{tab := Tab} = S) ->
    {reply, #{back => levels(Tab, back, Depth), lay => levels(Tab, lay, Depth)}, S};
handle_call(stats, _From, #{tab := Tab} = S) ->
    {reply, maps:from_list([{K, ets:lookup_element(Tab, K, 2)}
                            || K <- [orders, trades, volume, turnover]]), S};
handle_call(resting, _From, #{tab := Tab} = S) ->
    {reply, length(orders(Tab, back)) + length(orders(Tab, lay)), S}.

handle_cast(_Msg, S) ->
    {noreply, S}.

place(#{market := Market}, Tab, Account, Side, Odds, Stake) ->
    case ets:lookup_element(Tab, status, 2) of
        open ->
            Liability = case Side of
                            back -> Stake * 100;
                            lay -> Stake * (Odds - 100)
                        end,
            case exchange_ledger:reserve(Account, Market, Liability) of
                ok ->
                    Id = ets:update_counter(Tab, seq, 1),
                    ets:update_counter(Tab, orders, 1),
                    {Fills, Left} = match(Market, Tab, Account, Side, Odds, Stake, []),
                    Left > 0 andalso ets:insert(Tab, {key(Side, Odds, Id), Account, Left}),
                    {ok, #{id => Id, fills => Fills, resting => Left}};
                Error ->
                    Error
            end;
        Status ->
            {error, {market, Status}}
    end.

match(_Market, _Tab, _Account, _Side, _Odds, 0, Fills) ->
    {lists:reverse(Fills), 0};
match(Market, Tab, Account, Side, Odds, Stake, Fills) ->
    case best(Tab, opposite(Side)) of
        {Key, Other, Avail} ->
            Price = odds(Key),
            case crosses(Side, Odds, Price) of
                true ->
                    Size = min(Stake, Avail),
                    case Avail - Size of
                        0 -> ets:delete(Tab, Key);
                        Rest -> ets:insert(Tab, {Key, Other, Rest})
                    end,
                    {Backer, Layer} = case Side of
                                          back -> {Account, Other};
                                          lay -> {Other, Account}
                                      end,
                    exchange_ledger:record_trade(Market, Backer, Layer, Price, Size),
                    ets:update_counter(Tab, trades, 1),
                    ets:update_counter(Tab, volume, Size),
                    ets:update_counter(Tab, turnover, Size * Price),
                    match(Market, Tab, Account, Side, Odds, Stake - Size,
                          [{Other, Price, Size} | Fills]);
                false ->
                    {lists:reverse(Fills), Stake}
            end;
        none ->
            {lists:reverse(Fills), Stake}
    end.

crosses(back, Wanted, Offered) -> Offered >= Wanted;
crosses(lay, Limit, Asked) -> Asked =< Limit.

opposite(back) -> lay;
opposite(lay) -> back.

key(back, Odds, Id) -> {back, Odds, Id};
key(lay, Odds, Id) -> {lay, -Odds, Id}.

odds({back, Odds, _}) -> Odds;
odds({lay, NegOdds, _}) -> -NegOdds.

best(Tab, Side) ->
    case ets:select(Tab, [{{{Side, '_', '_'}, '_', '_'}, [], ['$_']}], 1) of
        {[Row], _Cont} -> Row;
        '$end_of_table' -> none
    end.

orders(Tab, Side) ->
    ets:select(Tab, [{{{Side, '_', '_'}, '_', '_'}, [], ['$_']}]).

levels(Tab, Side, Depth) ->
    Levels = lists:foldl(fun({Key, _, Stake}, [{P, Sum} | Acc]) ->
                                 case odds(Key) of
                                     P -> [{P, Sum + Stake} | Acc];
                                     Q -> [{Q, Stake}, {P, Sum} | Acc]
                                 end;
                            ({Key, _, Stake}, []) ->
                                 [{odds(Key), Stake}]
                         end, [], orders(Tab, Side)),
    lists:sublist(lists:reverse(Levels), Depth).
