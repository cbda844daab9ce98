#!/usr/bin/env bash
# Installs what cogsim needs to build and test on Debian 12 (bookworm).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS=(g++ cmake ninja-build make
      libboost-dev libeigen3-dev libtbb-dev nlohmann-json3-dev
      libcli11-dev librandom123-dev
      libgtest-dev libbenchmark-dev python3
      libxlsxwriter-dev chromium fonts-dejavu-core unzip
      libopenmpi-dev openmpi-bin
      libcpp-httplib-dev pkg-config
      clang libclang-rt-14-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "cogsim: dependencies installed"
