%% The ledger: punters' balances, the funds reserved by their open orders,
%% the trade log (a protected ETS table, exchange_trades, keyed by trade
%% number) and settlement. All money is in pence; odds are in hundredths
%% (3.25 is 325) and stakes in whole pounds, so no float is ever involved.
-module(exchange_ledger).
-behaviour(gen_server).
-export([start_link/0, reserve/3, release/1, record_trade/5, trades/1,
         settle/2, balances/0, house/0]).
-export([init/1, handle_call/3, handle_cast/2]).

-define(TRADES, exchange_trades).
-define(HOUSE, exchange).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

%% Reserve Pence of Account's free funds for an order in Market.
reserve(Account, Market, Pence) ->
    gen_server:call(?MODULE, {reserve, Account, Market, Pence}).

%% The market closed: free everything its orders reserved.
release(Market) ->
    gen_server:call(?MODULE, {release, Market}).

record_trade(Market, Backer, Layer, Odds, Stake) ->
    gen_server:call(?MODULE, {trade, Market, Backer, Layer, Odds, Stake}).

%% Any process may read the trade log.
trades(Market) ->
    ets:select(?TRADES, [{{'_', Market, '$1', '$2', '$3', '$4'}, [],
                          [{{'$1', '$2', '$3', '$4'}}]}]).

%% Outcome is won (the backers win) or lost (the layers win). Returns each
%% account's net result and the commission it paid, sorted by account.
settle(Market, Outcome) when Outcome =:= won; Outcome =:= lost ->
    gen_server:call(?MODULE, {settle, Market, Outcome}).

%% [{Account, Balance, Reserved}] sorted by account, the house excluded.
balances() ->
    gen_server:call(?MODULE, balances).

house() ->
    gen_server:call(?MODULE, house).

init([]) ->
    {ok, Accounts} = application:get_env(exchange, accounts),
    {ok, Pct} = application:get_env(exchange, commission_percent),
    ?TRADES = ets:new(?TRADES, [ordered_set, protected, named_table]),
    Book = maps:from_list([{A, #{balance => P, reserved => #{}}} || {A, P} <- Accounts]),
    {ok, #{accounts => Book, house => 0, pct => Pct, next => 1}}.

handle_call({reserve, Account, Market, Pence}, _From, #{accounts := Accs} = S) ->
    case Accs of
        #{Account := #{balance := Bal, reserved := Res} = Acc} ->
            case Bal - lists:sum(maps:values(Res)) of
                Free when Free >= Pence ->
                    Res1 = Res#{Market => maps:get(Market, Res, 0) + Pence},
                    {reply, ok, S#{accounts := Accs#{Account := Acc#{reserved := Res1}}}};
                _ ->
                    {reply, {error, insufficient_funds}, S}
            end;
        _ ->
            {reply, {error, unknown_account}, S}
    end;
handle_call({release, Market}, _From, S) ->
    {reply, ok, release(Market, S)};
handle_call({trade, Market, Backer, Layer, Odds, Stake}, _From, #{next := N} = S) ->
    true = ets:insert(?TRADES, {N, Market, Backer, Layer, Odds, Stake}),
    {reply, N, S#{next := N + 1}};
handle_call({settle, Market, Outcome}, _From, S) ->
    Nets = lists:foldl(fun({Backer, Layer, Odds, Stake}, Acc) ->
                               Win = case Outcome of
                                         won -> Stake * (Odds - 100);
                                         lost -> -Stake * 100
                                     end,
                               add(Layer, -Win, add(Backer, Win, Acc))
                       end, #{}, trades(Market)),
    #{accounts := Accs0, house := House0, pct := Pct} = release(Market, S),
    {Rows, Accs, House} =
        lists:foldl(fun({A, Net}, {Rows0, AccsIn, H}) ->
                            Comm = max(Net, 0) * Pct div 100,
                            #{A := #{balance := Bal} = Acc} = AccsIn,
                            {[{A, Net, Comm} | Rows0],
                             AccsIn#{A := Acc#{balance := Bal + Net - Comm}},
                             H + Comm}
                    end, {[], Accs0, House0}, lists:sort(maps:to_list(Nets))),
    {reply, {ok, lists:reverse(Rows)}, S#{accounts := Accs, house := House}};
handle_call(balances, _From, #{accounts := Accs} = S) ->
    Rows = [{A, Bal, lists:sum(maps:values(Res))}
            || {A, #{balance := Bal, reserved := Res}} <- lists:sort(maps:to_list(Accs))],
    {reply, Rows, S};
handle_call(house, _From, #{house := H} = S) ->
    {reply, {?HOUSE, H}, S}.

handle_cast(_Msg, S) ->
    {noreply, S}.

add(Account, Pence, Map) ->
    Map#{Account => maps:get(Account, Map, 0) + Pence}.

release(Market, #{accounts := Accs} = S) ->
    S#{accounts := maps:map(fun(_, #{reserved := R} = Acc) ->
                                    Acc#{reserved := maps:remove(Market, R)}
                            end, Accs)}.
