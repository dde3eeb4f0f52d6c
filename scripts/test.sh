#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite: unit tests and the conformance corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
