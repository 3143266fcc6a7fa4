#!/usr/bin/env bash
# Installs what Parley needs from the OS and from npm, only when missing.
# `setup.sh run` (npm start): what the server runs — Janus, janus-tools and
# ffmpeg (recordings), coturn only when it runs its own TURN (PARLEY_TURN=embedded).
# `setup.sh test` (npm test, the default): that, and what the tests use —
# Chromium, PostgreSQL, coturn, the network namespace's tools, Redis and haproxy.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-test}
case "$purpose" in run | test) ;; *) echo "setup: usage: setup.sh [run|test]" >&2; exit 2 ;; esac

# command → Debian package that provides it
declare -A NEEDS=(
  [janus]=janus
  [janus-pp-rec]=janus-tools
  [ffmpeg]=ffmpeg
  [ffprobe]=ffmpeg
  [setpriv]=util-linux
  [openssl]=openssl
)
if [ "$purpose" = test ] || [ "${PARLEY_TURN:-}" = embedded ]; then NEEDS[turnserver]=coturn; fi
if [ "$purpose" = test ]; then
  NEEDS[chromium]=chromium
  NEEDS[ip]=iproute2
  NEEDS[unshare]=util-linux
  NEEDS[nft]=nftables
  # The cluster's tests (issue 17): a throwaway Redis, and the local cluster's load balancer.
  NEEDS[redis-server]=redis-server
  NEEDS[haproxy]=haproxy
fi
# Browsers only the tests drive (`npm test`, or PARLEY_SETUP_TESTS=1): Firefox ESR
# (puppeteer-core over WebDriver BiDi) and WebKitGTK's WebDriver with MiniBrowser under Xvfb.
if [ "${npm_lifecycle_event:-}" = test ] || [ "${PARLEY_SETUP_TESTS:-}" = 1 ]; then
  NEEDS[firefox-esr]=firefox-esr
  NEEDS[WebKitWebDriver]=webkit2gtk-driver
  NEEDS[Xvfb]=xvfb
fi
missing=()
for cmd in "${!NEEDS[@]}"; do
  # nft lives in /usr/sbin, which a normal user's PATH often lacks.
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("${NEEDS[$cmd]}")
done
# PostgreSQL's server binaries live outside PATH on Debian; only the tests start one.
if [ "$purpose" = test ]; then compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql); fi

if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}"
    bash -c "$cmd"
  elif sudo -n true 2>/dev/null; then
    echo "setup: installing ${missing[*]} with sudo"
    sudo bash -c "$cmd"
  else
    echo "setup: Parley needs these Debian packages: ${missing[*]}" >&2
    echo "setup: run this once, as root:  $cmd" >&2
    exit 1
  fi
fi

# puppeteer-core drives Debian's Firefox; it must never fetch a browser of its own.
export PUPPETEER_SKIP_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)"
  if ! npm ci --no-audit --no-fund; then
    # npm 11 may write a lockfile without other platforms' optional packages
    # (esbuild, biome, rollup binaries) and then refuse it in `npm ci`
    # (npm/cli#8805). Install the same locked versions without rewriting the lockfile.
    echo "setup: npm ci refused the lockfile; installing the locked versions with npm install --no-save"
    npm install --no-audit --no-fund --no-save
  fi
fi
