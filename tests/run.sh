#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs Debian's chromium if missing, makes .venv with
# the pinned packages, checks lint, runs every test (unit, AppTest, end-to-end in a real browser).
# Extra arguments go to pytest, e.g. `bash tests/run.sh -k core`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium for the end-to-end tests"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
echo "== installing the pinned packages"
.venv/bin/python -m pip install -q --disable-pip-version-check -r tests/requirements.txt

echo "== lint"
.venv/bin/ruff check --quiet --line-length 100 --select E,F,W,I,B,UP app.py rnnviz pages tests benchmarks

echo "== tests"
exec .venv/bin/python -m pytest tests "$@"
