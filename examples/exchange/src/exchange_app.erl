%% The application callback: starting the exchange is starting its top
%% supervisor.
-module(exchange_app).
-behaviour(application).
-export([start/2, stop/1]).

start(_Type, _Args) ->
    exchange_sup:start_link().

stop(_State) ->
    ok.
