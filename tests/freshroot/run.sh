#!/usr/bin/env bash
# Proves the README's quick start on a fresh Debian 12: debootstraps a minbase bookworm root
# into a temporary directory, clones the commit under test (HEAD, not the working tree) into it
# and runs, as root inside a chroot, exactly the README's two commands:
#   bash lab/demo.sh && bash tests/run.sh
# Every program they need has to come from lab/setup.sh's package list. More in README.md here.
#
#   tests/freshroot/run.sh [--setup-only | --full] [--record] [--no-ccache] [--mirror URI]
#     --setup-only  stop after `bash lab/setup.sh` and the scan for the programs, libraries and
#                   Python modules the tests use (about 10 minutes)
#     --full        (default) then lab/demo.sh and tests/run.sh (with its ASan + UBSan pass)
#     --record      on success of a full run, write tests/freshroot/verified.sha256 (the hashes
#                   of the files that list packages, which .ci/run compares)
#     --no-ccache   do not lend the host's ccache directory to the chroot (a cold build)
#     --mirror URI  the Debian mirror (default: the first bookworm URI of the host's apt sources)
#   tests/freshroot/run.sh --check    exit 0 if verified.sha256 matches the files it names
# Needs root and Debian's apt repositories (debootstrap is installed when missing). Heavy steps
# run under `nice -n 19 ionice -c3`. The temporary root (/var/tmp/vgw-freshroot.*) is removed on
# exit, also on failure or interrupt, only after every mount under it is gone.
set -euo pipefail

# The files whose change calls for a new fresh-root run: every file that lists packages, and
# this script. Their hashes as of the last successful full run are in verified.sha256.
hashed_files=(lab/setup.sh tests/freshroot/run.sh)
verified=tests/freshroot/verified.sha256

mode=full record=0 use_ccache=1 mirror=
while (($#)); do
  case $1 in
    --setup-only) mode=setup ;;
    --full) mode=full ;;
    --record) record=1 ;;
    --no-ccache) use_ccache=0 ;;
    --mirror) mirror=${2:?--mirror needs a URI}; shift ;;
    --check) mode=check ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    --inner) shift; break ;;   # internal: the part that runs in the private namespaces
    *) echo "freshroot: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# Programs the tests, the demo and the benchmarks call (by name or by path), checked inside the
# root after setup; absolute /usr/... paths named in tests/ and lab/ are added to these.
scan_commands=(
  bash python3 git cmake ctest ninja ccache gcc g++ clang clang++ pkg-config protoc
  grpc_cpp_plugin ip ping nft sysctl ss unshare nsenter setpriv setsid mount umount timeout ps
  kill openssl jq iperf3 tcpdump tshark swanctl bird birdc vtysh
  /usr/lib/frr/bfdd   # lab/bench/failover (the daemon name is built at run time)
)

log() { printf '\n\033[1m== freshroot %(%H:%M:%S)T: %s\033[0m\n' -1 "$*"; }
# Prefixes each line with the wall-clock time, so the phases of tests/run.sh can be read off.
stamp() { local l; while IFS= read -r l || [[ -n $l ]]; do printf '%(%H:%M:%S)T %s\n' -1 "$l"; done; }

# ---------------------------------------------------------------------------------------------
# Inside: a private mount namespace and PID namespace (unshare below). Everything mounted here
# is invisible to the host and goes away with the namespace; when this process (PID 1 of the
# namespace) ends, the kernel kills whatever a test left running in the root.
if [[ ${1:-} == setup || ${1:-} == readme ]]; then
  what=$1 root=$2 ccache_dir=$3
  shift 3
  # The root must be a mount point: `ip netns exec` makes "/" a recursive slave mount.
  mount --bind "$root" "$root"
  mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
  mount -t sysfs -o nosuid,nodev,noexec sysfs "$root/sys"
  mount --rbind /dev "$root/dev"              # with /dev/pts, /dev/shm, /dev/net/tun
  mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs "$root/run"   # as a booted system has
  mkdir -m 1777 "$root/run/lock"
  if [[ -n $ccache_dir ]]; then
    mkdir -p "$root/root/.cache/ccache"
    mount --bind "$ccache_dir" "$root/root/.cache/ccache"
  fi
  trap 'umount -R "$root" 2>/dev/null || umount -R -l "$root"' EXIT
  # A login-like, clean environment: what a root shell on a fresh machine has, and CI=true as
  # CI sets it (plus the test knobs VGW_JOBS / VGW_SANITIZER_RUN when the caller sets them).
  env=(HOME=/root USER=root LOGNAME=root SHELL=/bin/bash CI=true TERM=${TERM:-dumb}
       PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
  for v in VGW_JOBS VGW_SANITIZER_RUN; do [[ -n ${!v:-} ]] && env+=("$v=${!v}"); done
  if [[ $what == setup ]]; then
    chroot "$root" /usr/bin/env -i "${env[@]}" /bin/bash -c "cd /root/vgw && $1" 2>&1 | stamp
  else
    # A network namespace of its own, with only lo up, as a fresh machine's is before any test:
    # nothing the tests bind or create collides with the host's (or another test run's).
    # Everything is installed by now, so setup.sh finds nothing missing and needs no network.
    chroot "$root" /usr/bin/unshare --net /usr/bin/env -i "${env[@]}" /bin/bash -c \
      "ip link set lo up && cd /root/vgw && $1" 2>&1 | stamp
  fi
  exit
fi
if [[ ${1:-} == scan ]]; then
  # Runs inside the chroot (fed to its bash on stdin): which named program, path or Python
  # module is missing there.
  shift
  missing=0 n=0
  for c in "$@"; do
    n=$((n + 1))
    if [[ $c == /* ]]; then [[ -e $c ]] && continue
    else command -v "$c" >/dev/null && continue
    fi
    echo "MISSING: $c"; missing=1
  done
  cd /root/vgw
  # Every module that the Python code of tests/ and lab/ imports, less the project's own.
  mods=$( { find tests lab -name '*.py'; grep -rlE '^#!.*python' lab tests | grep -v '\.py$'; } |
          sort -u | xargs grep -hE '^\s*(import|from)\s+[A-Za-z_]' |
          sed -nE 's/^\s*from\s+([A-Za-z_][A-Za-z0-9_.]*)\s+import.*/\1/p; s/^\s*import\s+(.*)$/\1/p' |
          sed -E 's/#.*//; s/\s+as\s+[A-Za-z_][A-Za-z0-9_]*//g; s/,/ /g' | tr -s ' \t' '\n' |
          sed -E 's/\..*//' | grep -E '^[A-Za-z_][A-Za-z0-9_]*$' | sort -u)
  for m in $mods; do
    n=$((n + 1))
    [[ -n $(find tests lab -name "$m.py" -print -quit) ]] && continue   # the project's own
    python3 -c "import $m" 2>/dev/null && continue
    echo "MISSING: python3 module $m"; missing=1
  done
  echo "scan: $n programs, paths and Python modules checked, $( ((missing)) && echo some || echo none) missing"
  exit $missing
fi

# ---------------------------------------------------------------------------------------------
# Outside, on the host.
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
src=$(git -C "$(dirname "$self")" rev-parse --show-toplevel)
if [[ $mode == check ]]; then
  cd "$src" && exec sha256sum --quiet --check --status "$verified"
fi
[[ $(id -u) -eq 0 ]] || { echo "freshroot: run as root (debootstrap, chroot, mounts)" >&2; exit 1; }
heavy=(nice -n 19 ionice -c3)
# A private mount and PID namespace: mounts made in it never reach the host's table, and
# whatever runs in it is killed when its first process ends (or when unshare is killed).
private=(unshare --mount --propagation private --pid --fork --kill-child --mount-proc)

commit=$(git -C "$src" rev-parse HEAD)
if [[ -n $(git -C "$src" status --porcelain --untracked-files=no) ]]; then
  echo "freshroot: note: testing commit ${commit:0:12}; uncommitted changes are not part of the run" >&2
fi

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap on the host"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# The Debian mirror the host's apt already uses: the first URI of an enabled "deb" source for
# the suite bookworm, in sources.list(.d/*.list) one-line or .sources deb822 format.
if [[ -z $mirror ]]; then
  mirror=$(
    shopt -s nullglob
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -f $f ]] && awk '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                                      if ($(i+1)=="bookworm") print $i }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
      awk 'BEGIN{RS=""; FS="\n"} {
             t=u=s=""; on=1
             for (k=1; k<=NF; k++) {
               if ($k ~ /^Types:/) t=$k; if ($k ~ /^URIs:/) u=$k; if ($k ~ /^Suites:/) s=$k
               if ($k ~ /^Enabled: *no/) on=0 }
             if (on && t ~ /[ \t]deb([ \t]|$)/ && s ~ /[ \t]bookworm([ \t]|$)/) {
               split(u, a, /[ \t]+/); print a[2] } }' "$f"
    done | head -n1)
  [[ -n $mirror ]] || { echo "freshroot: no bookworm source in the host's apt sources; use --mirror" >&2; exit 1; }
fi

ccache_dir=
if ((use_ccache)) && command -v ccache >/dev/null; then
  ccache_dir=$(ccache -k cache_dir 2>/dev/null || true)
  if [[ -n $ccache_dir ]]; then mkdir -p "$ccache_dir"; fi
fi

exec 3>&2   # the script's stderr, for cleanup messages (a trap runs inside a redirected call)
work=$(mktemp -d /var/tmp/vgw-freshroot.XXXXXXXX)
root=$work/root
ns_pid=
# Mount points at or under $work in the host's mount table (should be none: every mount is made
# in a private namespace), deepest first.
mounts_under_work() {
  awk -v w="$work" '{ p=$5; gsub(/\\040/, " ", p); if (p==w || index(p, w "/")==1) print p }' \
    /proc/self/mountinfo | sort -r
}
cleanup() {
  local status=$? m
  trap - EXIT INT TERM
  # unshare --kill-child: when unshare dies, the namespace's first process is killed, and with
  # it the whole PID namespace (so nothing keeps a mount of it alive). unshare --fork ignores
  # SIGTERM and SIGINT while it waits, hence SIGKILL.
  if [[ -n $ns_pid ]] && kill -0 "$ns_pid" 2>/dev/null; then
    echo "freshroot: stopping the run in the root (unshare pid $ns_pid)" >&3
    kill -KILL "$ns_pid" 2>/dev/null || true
    wait "$ns_pid" 2>/dev/null || true
  fi
  for m in $(mounts_under_work); do umount "$m" 2>/dev/null || umount -l "$m" || true; done
  if [[ -n $(mounts_under_work) ]]; then
    echo "freshroot: still mounted under $work, NOT removing it:" >&3
    mounts_under_work >&3
    exit 1
  fi
  # Nothing is mounted there (checked above); --one-file-system as a second guard.
  rm -rf --one-file-system "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs "$@" in the private namespaces, in the background so that a signal reaches our trap at
# once (bash defers traps while it waits for a foreground child).
in_private() {
  "${heavy[@]}" "${private[@]}" "$@" &
  ns_pid=$!
  local s=0
  wait "$ns_pid" || s=$?
  ns_pid=
  return "$s"
}

declare -A took
phase_start=
begin() { phase_start=$SECONDS; log "$*"; }
finish() { took[$1]=$((SECONDS - phase_start)); log "$1 took $(fmt "${took[$1]}")"; }
fmt() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

echo "freshroot: commit ${commit:0:12} of $src, root $root, mirror $mirror," \
     "ccache ${ccache_dir:-none}, mode $mode"

begin "debootstrap --variant=minbase bookworm"
mkdir "$root"
if ! in_private debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -n 40 "$work/debootstrap.log" >&2
  echo "freshroot: debootstrap failed" >&2
  exit 1
fi
finish debootstrap

# The machine's configuration, not packages: its apt sources (and the keyrings and Acquire
# settings they need), name resolution, and the host's rule that installing a package does not
# start its service (no init system runs in a chroot; the CI machine and Debian's container
# images have the same policy-rc.d).
rm -f "$root/etc/apt/sources.list"
shopt -s nullglob
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [[ -f $f ]] || continue
  cp "$f" "$root$f"
  for k in $(grep -ohE '(signed-by=|Signed-By:\s*)/[^] ,]+' "$f" | sed -E 's/^(signed-by=|Signed-By:\s*)//'); do
    [[ -f $k && ! -e $root$k ]] && install -D -m 644 "$k" "$root$k"
  done
done
for f in /etc/apt/apt.conf.d/*; do
  grep -q 'Acquire::' "$f" 2>/dev/null && cp "$f" "$root/etc/apt/apt.conf.d/"
done
shopt -u nullglob
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
[[ -f /etc/hosts ]] && cp /etc/hosts "$root/etc/hosts"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

# A clean clone of the commit under test: no build trees, no untracked files.
git clone -q --no-hardlinks --no-checkout "$src" "$root/root/vgw"
git -C "$root/root/vgw" checkout -q --detach "$commit"

status=0
begin "bash lab/setup.sh (packages, then the build)"
in_private bash "$self" --inner setup "$root" "$ccache_dir" "bash lab/setup.sh" || status=$?
finish setup
((status == 0)) || { echo "freshroot: lab/setup.sh failed in the fresh root" >&2; exit 1; }

begin "scan: programs, paths and Python modules the tests use"
paths=$(cd "$root/root/vgw" && grep -rhoE '/usr/(s?bin|lib|libexec)/[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*' \
          --exclude='*.md' --exclude-dir=freshroot tests lab | grep -vE '/$' | sort -u)
# shellcheck disable=SC2086
chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash -s -- --inner scan "${scan_commands[@]}" $paths <"$self" || status=$?
finish scan
((status == 0)) || { echo "freshroot: programs or modules are missing in the fresh root" >&2; exit 1; }

if [[ $mode == setup ]]; then
  log "setup-only: done (debootstrap $(fmt "${took[debootstrap]}"), setup $(fmt "${took[setup]}"))"
  exit 0
fi

demo_status=0 tests_status=0
begin "bash lab/demo.sh"
in_private bash "$self" --inner readme "$root" "$ccache_dir" "bash lab/demo.sh" || demo_status=$?
finish demo
begin "bash tests/run.sh"
in_private bash "$self" --inner readme "$root" "$ccache_dir" "bash tests/run.sh" || tests_status=$?
finish tests

log "summary: debootstrap $(fmt "${took[debootstrap]}"), setup $(fmt "${took[setup]}"), demo $(fmt "${took[demo]}") (exit $demo_status), tests $(fmt "${took[tests]}") (exit $tests_status)"
if ((demo_status || tests_status)); then
  echo "freshroot: FAILED: lab/demo.sh exit $demo_status, tests/run.sh exit $tests_status" >&2
  exit 1
fi
echo "freshroot: PASSED: the README's commands ran in a fresh Debian 12 root (commit ${commit:0:12})"
if ((record)); then
  if ! git -C "$src" diff --quiet "$commit" -- "${hashed_files[@]}"; then
    echo "freshroot: not recording: ${hashed_files[*]} differ from the tested commit" >&2
    exit 1
  fi
  (cd "$src" && sha256sum "${hashed_files[@]}" >"$verified")
  echo "freshroot: recorded $verified (commit it with the change)"
fi
