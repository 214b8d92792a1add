#!/usr/bin/env bash
# Builds the lab's container images with podman, offline from a Debian 12 base made locally:
#   localhost/vgw:latest       vgwd + vgwsh (lab/images/vgw/Containerfile)
#   localhost/vgw-cgw:latest   strongSwan + FRR + BIRD customer gateway (lab/images/cgw/)
#   lab/images/build.sh [vgw|cgw]...     (default: both)
# Installs podman, runc and debootstrap when missing. The base, localhost/debian:bookworm, is a
# debootstrap minbase root imported once (about 2 minutes). The vgw image builds a clean clone
# of the current commit. podman runs with runc (crun refuses hybrid cgroups) and ulimits below
# the machine's hard limits, as ../shared/TOOLCHAIN.md found. Needs root.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
log() { printf 'images: %s\n' "$*" >&2; }
[[ $(id -u) -eq 0 ]] || { log "run as root"; exit 1; }
images=("$@")
((${#images[@]})) || images=(vgw cgw)
for i in "${images[@]}"; do
  case $i in vgw|cgw) ;; *) log "unknown image '$i' (vgw, cgw)"; exit 2 ;; esac
done

missing=()
for p in podman runc debootstrap git; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
podman() { command podman --runtime runc "$@"; }
limits=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

if ! podman image exists localhost/debian:bookworm; then
  mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/\{0,1\}$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  mirror=${mirror:-$(awk '$1 == "deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)}
  [[ -n $mirror ]] || { log "no Debian bookworm mirror in apt's sources"; exit 1; }
  base=$(mktemp -d /var/tmp/vgw-image-base.XXXXXX)
  trap 'rm -rf "$base"' EXIT
  log "making the Debian 12 base image from $mirror (debootstrap minbase)"
  debootstrap --variant=minbase bookworm "$base/root" "$mirror" >"$base/debootstrap.log" 2>&1 ||
    { tail -20 "$base/debootstrap.log" >&2; exit 1; }
  tar -C "$base/root" -c . | podman import - localhost/debian:bookworm >/dev/null
  rm -rf "$base"
  trap - EXIT
fi

for i in "${images[@]}"; do
  case $i in
    vgw)
      ctx=$(mktemp -d /var/tmp/vgw-image-ctx.XXXXXX)
      trap 'rm -rf "$ctx"' EXIT
      git clone -q --depth 1 "file://$root" "$ctx/src"
      log "building localhost/vgw:latest from commit $(git -C "$ctx/src" rev-parse --short HEAD)"
      cache=()
      ccache_dir=$(ccache -k cache_dir 2>/dev/null || true)
      [[ -n $ccache_dir && -d $ccache_dir ]] && cache=(-v "$ccache_dir:/root/.cache/ccache")
      # SYS_ADMIN: the build discovers the tests of network-namespace test binaries by running them
      podman build "${limits[@]}" "${cache[@]}" --cap-add SYS_ADMIN --cap-add NET_ADMIN -f "$root/lab/images/vgw/Containerfile" -t localhost/vgw:latest \
        "$ctx/src"
      rm -rf "$ctx"
      trap - EXIT
      ;;
    cgw)
      log "building localhost/vgw-cgw:latest"
      podman build "${limits[@]}" -f "$root/lab/images/cgw/Containerfile" -t localhost/vgw-cgw:latest \
        "$root/lab/images/cgw"
      ;;
  esac
done
podman images --filter reference='localhost/vgw*' --format '{{.Repository}}:{{.Tag}} {{.Size}}'
