#!/usr/bin/env bash
# Set up (if needed), build the exchange application (examples/exchange) with
# the real erlc, and run its demo on erlpy: the application is started with
# application:ensure_all_started(exchange) under erlpy's OTP boot.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
app=examples/exchange
ebin="$app/ebin"
mkdir -p "$ebin"
erlc -o "$ebin" "$app"/src/*.erl
cp "$app/src/exchange.app.src" "$ebin/exchange.app"
echo "== erlpy -noshell -pa $ebin -eval 'exchange_demo:run()'"
exec .venv/bin/erlpy -noshell -pa "$ebin" -eval 'exchange_demo:run()'
