#!/usr/bin/env bash
# Installs what vgw needs from Debian packages (only what is missing; quiet when nothing is) and
# builds the tree with CMake + Ninja into build/ (or $VGW_BUILD_DIR).
#   lab/setup.sh [--werror] [--sanitize]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VGW_BUILD_DIR:-$root/build}

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libssl-dev libboost-dev
  libgtest-dev libgmock-dev libbenchmark-dev libmnl-dev libedit-dev libre2-dev
  clang libclang-rt-14-dev
  # lab runner and tests
  python3 python3-yaml python3-grpcio python3-protobuf iproute2 iputils-ping procps util-linux
  jq openssl
  # real peers and traffic tools for interop tests and benchmarks
  frr bird2 strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins
  libstrongswan-extra-plugins iperf3 tcpdump tshark nftables
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages: ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
for arg in "$@"; do
  case $arg in
    --werror) cmake_args+=(-DVGW_WERROR=ON) ;;
    --sanitize) cmake_args+=(-DVGW_SANITIZE=ON -DVGW_BUILD_BENCH=OFF) ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done
# Let ccache share results between clones in different directories (CI builds a fresh clone).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
cmake -S "$root" -B "$build" "${cmake_args[@]}" >/dev/null
# Two cores: keep the build at two jobs.
ninja -C "$build" -j "${VGW_JOBS:-2}"
