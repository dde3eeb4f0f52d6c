%% The top supervisor, one_for_one. Static children: the ledger, the market
%% registry and the clock. The registry adds one order book per market as a
%% dynamic child ({book, Market}) when the market opens.
-module(exchange_sup).
-behaviour(supervisor).
-export([start_link/0, start_book/2]).
-export([init/1]).

start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

%% Called by the registry: the book's state lives in Tab, which the registry
%% owns, so a restarted book carries on where the old one stopped.
start_book(Market, Tab) ->
    Spec = #{id => {book, Market},
             start => {exchange_book, start_link, [Market, Tab]},
             restart => permanent,
             shutdown => 1000,
             type => worker,
             modules => [exchange_book]},
    supervisor:start_child(?MODULE, Spec).

init([]) ->
    Flags = #{strategy => one_for_one, intensity => 5, period => 10},
    Children = [worker(ledger, exchange_ledger),
                worker(registry, exchange_registry),
                worker(clock, exchange_clock)],
    {ok, {Flags, Children}}.

worker(Id, Module) ->
    #{id => Id, start => {Module, start_link, []}, restart => permanent,
      shutdown => 1000, type => worker, modules => [Module]}.
