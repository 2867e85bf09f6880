#!/usr/bin/env bash
# Set-up for orderwatch, idempotent and quick when already done:
#   1. a Python >= 3.11 virtual environment in .venv/ (on Debian, installs python3-venv if missing)
#   2. orderwatch and its test tools, installed editable (again only when pyproject.toml changed)
#   3. a Chromium: an installed one if there is one; otherwise Playwright's download; where that is
#      unreachable, Debian's chromium-headless-shell.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1; fi
}
apt_updated=""
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq >/dev/null || return 1; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null 2>&1
}
with_timeout() {  # macOS has no `timeout` by default
  if command -v timeout >/dev/null 2>&1; then timeout "$@"; else shift; "$@"; fi
}
checksum() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

# 1. Python
PY=""
for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PY=$candidate; break
  fi
done
if [ -z "$PY" ]; then log "orderwatch needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)"; exit 1; fi

if [ ! -x .venv/bin/python ]; then
  log "creating .venv with $PY"
  if ! "$PY" -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    log "venv is missing; installing python${ver}-venv"
    apt_install "python${ver}-venv" || apt_install python3-venv \
      || { log "cannot create a virtual environment: install the venv module for $PY"; exit 1; }
    "$PY" -m venv .venv
  fi
fi

# 2. packages
stamp=$(cat pyproject.toml setup.py | checksum | cut -d' ' -f1)
if [ "$(cat .venv/.setup-stamp 2>/dev/null || true)" != "$stamp" ]; then
  log "installing orderwatch and its test tools into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  echo "$stamp" > .venv/.setup-stamp
fi

# 3. browser
if ! found=$(.venv/bin/python -m orderwatch.bots.browser 2>/dev/null); then
  log "no Chromium found: trying Playwright's download"
  if with_timeout 600 .venv/bin/python -m playwright install chromium >/dev/null 2>&1; then
    log "installed Playwright's Chromium"
  else
    log "Playwright's download is unreachable: installing Debian's chromium-headless-shell"
    apt_install chromium-headless-shell \
      || { log "could not install a browser; install Chromium and set ORDERWATCH_BROWSER to it"; exit 1; }
  fi
  found=$(.venv/bin/python -m orderwatch.bots.browser) || { log "still no usable Chromium"; exit 1; }
fi
# 4. a Japanese font, so screenshots of amazon.co.jp pages are legible (optional: only where apt can)
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ja 2>/dev/null | head -n 1)" ] \
   && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt_install fonts-ipafont-gothic && log "installed a Japanese font (fonts-ipafont-gothic)" \
    || log "no Japanese font installed: screenshots show boxes instead of Japanese text"
fi
log "ready (browser: $found)"
