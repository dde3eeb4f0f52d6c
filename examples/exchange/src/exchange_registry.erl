%% The market registry: opens markets, owns each market's order-book ETS
%% table (so the book survives a crash of its process), closes markets when
%% the clock says so, settles them through the ledger, and tells subscribers
%% what happened. A market goes open -> closed -> settled.
-module(exchange_registry).
-behaviour(gen_server).
-export([start_link/0, open/2, close/1, settle/2, markets/0, subscribe/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

open(Market, Description) when is_atom(Market) ->
    gen_server:call(?MODULE, {open, Market, Description}).

close(Market) ->
    gen_server:call(?MODULE, {close, Market}).

settle(Market, Outcome) ->
    gen_server:call(?MODULE, {settle, Market, Outcome}).

%% [{Market, Description, Status}] in the order they were opened.
markets() ->
    gen_server:call(?MODULE, markets).

%% The caller will receive {exchange, Event} messages.
subscribe() ->
    gen_server:call(?MODULE, {subscribe, self()}).

init([]) ->
    {ok, #{markets => #{}, order => [], subscribers => []}}.

handle_call({open, Market, Desc}, _From, #{markets := Ms, order := Order} = S) ->
    case Ms of
        #{Market := _} ->
            {reply, {error, already_open}, S};
        _ ->
            Tab = ets:new(exchange_book, [ordered_set, public]),
            true = ets:insert(Tab, [{status, open}, {seq, 0}, {orders, 0},
                                    {trades, 0}, {volume, 0}, {turnover, 0}]),
            {ok, _Pid} = exchange_sup:start_book(Market, Tab),
            M = #{desc => Desc, tab => Tab, status => open},
            {reply, ok, S#{markets := Ms#{Market => M}, order := Order ++ [Market]}}
    end;
handle_call({close, Market}, _From, #{markets := Ms} = S) ->
    case Ms of
        #{Market := #{status := open} = M} ->
            {ok, Voided} = exchange_book:close(Market),
            ok = exchange_ledger:release(Market),
            notify({market_closed, Market, Voided}, S),
            {reply, {ok, Voided}, S#{markets := Ms#{Market := M#{status := closed}}}};
        #{Market := #{status := Status}} ->
            {reply, {error, Status}, S};
        _ ->
            {reply, {error, unknown_market}, S}
    end;
handle_call({settle, Market, Outcome}, _From, #{markets := Ms} = S) ->
    case Ms of
        #{Market := #{status := closed} = M} ->
            {ok, Rows} = exchange_ledger:settle(Market, Outcome),
            notify({market_settled, Market, Outcome}, S),
            {reply, {ok, Rows}, S#{markets := Ms#{Market := M#{status := settled}}}};
        #{Market := #{status := Status}} ->
            {reply, {error, Status}, S};
        _ ->
            {reply, {error, unknown_market}, S}
    end;
handle_call(markets, _From, #{markets := Ms, order := Order} = S) ->
    {reply, [{M, maps:get(desc, maps:get(M, Ms)), maps:get(status, maps:get(M, Ms))}
             || M <- Order], S};
handle_call({subscribe, Pid}, _From, #{subscribers := Subs} = S) ->
    erlang:monitor(process, Pid),
    {reply, ok, S#{subscribers := Subs ++ [Pid]}}.

handle_cast(_Msg, S) ->
    {noreply, S}.

handle_info({'DOWN', _Ref, process, Pid, _Why}, #{subscribers := Subs} = S) ->
    {noreply, S#{subscribers := Subs -- [Pid]}};
handle_info(_Msg, S) ->
    {noreply, S}.

notify(Event, #{subscribers := Subs}) ->
    [Pid ! {exchange, Event} || Pid <- Subs],
    ok.
