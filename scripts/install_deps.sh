#!/usr/bin/env bash
# Installs the Debian 12 packages ictaltrack needs, only those missing. Run by `make deps`.
# As root it runs apt-get; otherwise it uses sudo when that works without a password, and else
# stops with the exact command to run.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  python3 python3-venv python3-dev
  libedf-dev libfftw3-dev libeigen3-dev libgtest-dev libbenchmark-dev
  clang libclang-rt-14-dev
  time
  ccache clang-format clang-tidy
  chromium chromium-driver
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all Debian packages present"
  exit 0
fi

echo "deps: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt_get=(sudo -n apt-get)
else
  echo "deps: ERROR: these Debian packages are missing and this user cannot install them:" >&2
  echo "      ${missing[*]}" >&2
  echo "      Run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update -qq
"${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}"
