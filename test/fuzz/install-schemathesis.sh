#!/usr/bin/env bash
# Installs schemathesis (the OpenAPI fuzzer, from PyPI) at a pinned version into a virtualenv in
# the Flotilla cache, once; prints the path of its `schemathesis` command. Used by .ci/run and by
# test/fuzz/api-schemathesis.test.ts (so a developer machine that never ran .ci/run gets it too).
set -euo pipefail
SCHEMATHESIS_VERSION=4.32.5
cache=${FLOTILLA_CACHE:-$HOME/.cache/flotilla}
venv=$cache/venv-schemathesis-$SCHEMATHESIS_VERSION
# The marker is written last, so an interrupted install is never taken for a finished one.
if [ ! -e "$venv/.installed" ]; then
  python=$(command -v python3 || true)
  [ -n "$python" ] || { echo "python3 is missing: apt-get install python3 python3-venv" >&2; exit 1; }
  mkdir -p "$cache"
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
  touch "$venv/.installed"
fi
echo "$venv/bin/schemathesis"
