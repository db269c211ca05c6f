#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs Debian's chromium, nginx and redis-server if
# missing, makes .venv with the pinned packages, checks lint, formatting and the import layers,
# runs every test (unit, AppTest, end-to-end in a real browser, replicas behind nginx).
# Extra arguments go to pytest, e.g. `bash tests/run.sh -k core`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive: chromium (end-to-end), nginx and redis-server (tests/deploy).
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
[ -x /usr/bin/redis-server ] || missing="$missing redis-server"
if [ -n "$missing" ]; then
  echo "== installing Debian's$missing for the end-to-end and deploy tests"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  # The tests start their own nginx and Redis on free ports: the packages must not start (or
  # leave enabled) system services. policy-rc.d exit 101 tells the install scripts not to start.
  no_start=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    no_start=1
  fi
  $sudo apt-get update -qq
  status=0
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null || status=$?
  [ -z "$no_start" ] || $sudo rm -f /usr/sbin/policy-rc.d
  [ "$status" = 0 ] || exit "$status"
  if [ -d /run/systemd/system ]; then  # and not at the next boot either
    for service in nginx redis-server; do
      case "$missing" in *"$service"*) $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true ;; esac
    done
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
echo "== installing the pinned packages, and rnnviz itself (editable)"
.venv/bin/python -m pip install -q --disable-pip-version-check -r tests/requirements.txt
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .

echo "== lint, format and layers (configured in pyproject.toml)"
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --quiet --check .
.venv/bin/lint-imports --no-cache

echo "== tests"
exec .venv/bin/python -m pytest "$@"
