#!/usr/bin/env bash
# Set up (if needed), compile the example with the real erlc, run it on erlpy.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
out=.erlpy-cache/examples
mkdir -p "$out"
erlc -o "$out" examples/*.erl
echo "== erlpy -noshell -pa $out -s exchange_demo main -s init stop"
exec .venv/bin/erlpy -noshell -pa "$out" -s exchange_demo main -s init stop
