#!/usr/bin/env bash
# browser-deps.sh installs Debian's Chromium for the browser tests when it is
# missing, so those tests run everywhere `make test` runs and skip nothing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
[ "$(id -u)" = 0 ] || { echo "[browser] chromium is missing; install Debian's chromium package (needs root)" >&2; exit 1; }
echo "[browser] installing Debian's chromium for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
