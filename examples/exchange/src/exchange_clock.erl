%% The market clock: ticks every tick_ms milliseconds (timer:send_interval)
%% and closes each market when its closing tick comes. Markets due on the
%% same tick close in name order, so the outcome never depends on timing.
-module(exchange_clock).
-behaviour(gen_server).
-export([start_link/0, close_in/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

%% Close each Market after its Ticks more ticks, counted from the same tick.
close_in(Schedule) ->
    true = lists:all(fun({M, T}) -> is_atom(M) andalso is_integer(T) andalso T > 0 end,
                     Schedule),
    gen_server:call(?MODULE, {close_in, Schedule}).

init([]) ->
    {ok, TickMs} = application:get_env(exchange, tick_ms),
    {ok, TRef} = timer:send_interval(TickMs, tick),
    {ok, #{tick => 0, due => [], timer => TRef}}.

handle_call({close_in, Schedule}, _From, #{tick := T, due := Due} = S) ->
    {reply, ok, S#{due := lists:sort([{T + Ticks, M} || {M, Ticks} <- Schedule] ++ Due)}}.

handle_cast(_Msg, S) ->
    {noreply, S}.

handle_info(tick, #{tick := T0, due := Due} = S) ->
    T = T0 + 1,
    {Now, Later} = lists:partition(fun({At, _}) -> At =< T end, Due),
    [exchange_registry:close(Market) || {_, Market} <- Now],
    {noreply, S#{tick := T, due := Later}};
handle_info(_Msg, S) ->
    {noreply, S}.

terminate(_Why, #{timer := TRef}) ->
    _ = timer:cancel(TRef),
    ok.
