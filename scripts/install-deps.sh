#!/usr/bin/env bash
# Installs the Debian 12 packages ptrack needs to build, run and test. Idempotent and silent when
# everything is already present: it asks dpkg first and calls apt-get only for what is missing.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates
  libgrpc++-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  libsqlitecpp-dev libsqlite3-dev
  libhowardhinnant-date-dev tzdata
  catch2
  libsodium-dev libcpp-httplib-dev nlohmann-json3-dev
  openssl  # the TLS test generates its certificate with it
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
((${#missing[@]} == 0)) && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
