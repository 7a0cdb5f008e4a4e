#!/usr/bin/env bash
# Installs the Debian 12 packages ptrack needs to build and run, with --test also what the tests
# need (Debian's Chromium for the browser tests), with --fuzz what scripts/fuzz.sh needs (clang
# with libFuzzer). Idempotent and silent when everything is already present: it asks dpkg first
# and calls apt-get only for what is missing. Needs root (or sudo) only when something is missing. The web app's npm packages are installed by the build
# (clients/web/CMakeLists.txt: npm ci from the committed lockfile).
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates
  libgrpc++-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  libsqlitecpp-dev libsqlite3-dev
  libhowardhinnant-date-dev tzdata
  catch2
  libsodium-dev libcpp-httplib-dev nlohmann-json3-dev
  libboost-dev  # Boost.Beast and Asio (header-only): the HTTP port
  zlib1g-dev  # the hardening test builds a gzip bomb
  openssl  # the TLS test generates its certificate with it
)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium)  # the browser tests drive /usr/bin/chromium; never a downloaded browser
fi
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)  # scripts/fuzz.sh: clang with libFuzzer and the sanitizers
fi
# Node.js and npm build the web app. The machine's own Node.js is used when present (Debian 12's
# nodejs package is 18; the web tooling needs 20 or later).
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi

check_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if ((major < 20)); then
    echo "install-deps: Node.js $(node --version) is too old for the web app's tools; install Node.js 20 or later" >&2
    exit 1
  fi
  command -v npm >/dev/null || { echo "install-deps: npm is missing" >&2; exit 1; }
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  check_node
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
check_node
