#!/usr/bin/env bash
# Install what erlpy needs on a Debian machine; does nothing for what is present.
#   - erlang-base (erl, erlc and the OTP beams erlpy runs), erlang-dev, pypy3, elixir
#   - a virtualenv in .venv with erlpy installed in editable mode and the test tools
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v erlc >/dev/null 2>&1 || missing+=(erlang-base)
[ -d /usr/lib/erlang/usr/include ] || missing+=(erlang-dev)
command -v pypy3 >/dev/null 2>&1 || missing+=(pypy3)
[ -d /usr/lib/elixir/lib/elixir/ebin ] || missing+=(elixir)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import erlpy, pytest, hypothesis" >/dev/null 2>&1; then
    echo "setup: installing erlpy and test tools into .venv"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[test]"
fi
# byte-compile erlpy once (for CPython and PyPy), so that starts do not
# recompile its sources even where PYTHONDONTWRITEBYTECODE is set
.venv/bin/python -m compileall -q src >/dev/null
if command -v pypy3 >/dev/null 2>&1; then
    pypy3 -m compileall -q src >/dev/null || true
fi
