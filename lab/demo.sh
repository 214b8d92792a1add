#!/usr/bin/env bash
# The demo lab: builds vgw (installing missing Debian packages first), brings up
# lab/topologies/demo.clab.yml with vgwlab (vgwd in network namespace "clab-vgw-demo-gw" with
# lab/configs/demo/vgwd.conf, and a client node linked to it), shows the gateway's state
# through vgwsh, makes a change through vgwsh and shows where it was saved, then takes the lab
# down. `--keep` leaves it running.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
topo=$root/lab/topologies/demo.clab.yml
keep=0
for arg in "$@"; do
  case $arg in
    --keep) keep=1 ;;
    *) echo "usage: lab/demo.sh [--keep]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "demo: run as root (network namespaces)" >&2; exit 1; }

"$root/lab/setup.sh"
vgwlab() { "$root/lab/vgwlab" "$@"; }
gw() { vgwlab exec "$topo" gw -- "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

vgwlab down "$topo" >/dev/null 2>&1   # leftovers of an interrupted run
if ((!keep)); then trap 'step "lab down"; vgwlab down "$topo"' EXIT; fi

step "lab up: $topo"
vgwlab up "$topo"

for _ in $(seq 100); do gw vgwsh -c "show version" >/dev/null 2>&1 && break; sleep 0.1; done

step "vgwsh -c 'show version'"
gw vgwsh -c "show version"
step "vgwsh -c 'show customer-gateway'"
gw vgwsh -c "show customer-gateway"
step "vgwsh -c 'show ip route'"
gw vgwsh -c "show ip route"
step "the gateway's kernel: vgw's routes (protocol 199)"
gw ip route show proto 199
step "vgwsh: configure a customer gateway"
echo "configure"
echo "customer-gateway dc-2 ip 192.0.2.2 asn 64999 description Added by the demo"
gw vgwsh -c "configure" -c "customer-gateway dc-2 ip 192.0.2.2 asn 64999 description Added by the demo" -c "end"
step "vgwsh -c 'show customer-gateway dc-2 json'"
gw vgwsh -c "show customer-gateway dc-2 json"
step "saved at once to the node's config file (/etc/vgw/vgwd.conf in the node)"
gw cat /etc/vgw/vgwd.conf
step "client -> gw over the lab link"
vgwlab exec "$topo" client -- ping -c 2 -W 2 192.0.2.1

if ((keep)); then
  cat <<MSG

The lab is up. Try:
  $root/lab/vgwlab exec $topo gw -- vgwsh          # interactive shell in the gateway
  $root/lab/vgwlab inspect $topo
  $root/lab/vgwlab down $topo
MSG
fi
