#!/usr/bin/env bash
# The demo: a data center connected to a VPC over IPsec with BGP, and a tunnel failing.
#
# Builds vgw (installing what is missing from Debian's packages first), brings up the dc-to-vpc
# lab (lab/topologies/dc-to-vpc.clab.yml, in network namespaces, with lab/vgwlab): vgw as the
# cloud's VPN gateway, and the data center's customer gateway running strongSwan and FRR. It
# shows the IKE SAs, both tunnels, the BGP sessions over them and the routes; sends a stream of
# numbered datagrams each way between the data center host and the VPC host; cuts the active
# tunnel's underlay path; shows that the standby tunnel took over, why, and how many datagrams
# (milliseconds) each direction lost; restores the path and shows traffic moving back; then
# takes the lab down.
#   lab/demo.sh [--keep] [--name LAB] [--no-setup]
#   --keep      leave the lab up at the end (and print how to use it)
#   --name LAB  lab name (default dc-to-vpc): two labs never share namespaces
#   --no-setup  do not run lab/setup.sh (the build must exist)
# Exit status 0 when the whole story ran: tunnels up, failover seen, traffic back.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
topo=$root/lab/topologies/dc-to-vpc.clab.yml
keep=0 setup=1 lab=dc-to-vpc
while (($#)); do
  case $1 in
    --keep) keep=1 ;;
    --no-setup) setup=0 ;;
    --name) lab=${2:?--name needs a lab name}; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: lab/demo.sh [--keep] [--name LAB] [--no-setup]" >&2; exit 2 ;;
  esac
  shift
done
[[ $(id -u) -eq 0 ]] || { echo "demo: run as root (network namespaces)" >&2; exit 1; }

bold() { printf '\033[1m%s\033[0m\n' "$*"; }
step() { printf '\n'; bold "== $*"; }
say() { printf '%s\n' "$*" | fold -s -w 100; }
fail() { printf '\ndemo: %s\n' "$*" >&2; exit 1; }

if ((setup)); then
  bold "== building vgw (lab/setup.sh: Debian packages first, then CMake + Ninja)"
  "$root/lab/setup.sh"
fi
command -v jq >/dev/null || fail "jq is missing: run lab/setup.sh (or drop --no-setup)"

vgwlab() { "$root/lab/vgwlab" "$@"; }
on() { local node=$1; shift; vgwlab exec --name "$lab" "$node" -- "$@"; }
vgwsh() { on vgw vgwsh "$@"; }
# show NODE CMD...: prints the command as typed at the node's prompt, then runs it there.
show() {
  local a line="$1#"
  for a in "${@:2}"; do [[ $a == *" "* ]] && line+=" \"$a\"" || line+=" $a"; done
  printf '\n\033[2m%s\033[0m\n' "$line"
  on "$@"
}
connection() { vgwsh -c "show vpn-connection dc json" | jq -c '.vpnConnections[0]'; }
# wait_for SECONDS WHAT JQ-FILTER: polls the connection's JSON until the filter holds.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2 filter=$3
  until [[ $(connection 2>/dev/null | jq -r "$filter" 2>/dev/null) == true ]]; do
    ((SECONDS < deadline)) || { vgwsh -c "show vpn-connection dc" >&2 || true; fail "timed out waiting for $what"; }
    sleep 0.2
  done
}
carrying() { printf '(.tunnels[] | select(.tunnel == "%s") | .carrying)' "$1"; }
now_ms() { date +%s%3N; }

vgwlab down --name "$lab" >/dev/null 2>&1 || true   # leftovers of an interrupted run
bgpids=() tmp=
cleanup() {
  ((${#bgpids[@]})) && kill "${bgpids[@]}" 2>/dev/null || true
  [[ -n $tmp ]] && rm -rf "$tmp"
  if ((!keep)); then step "lab down"; vgwlab down --name "$lab"; fi
}
trap cleanup EXIT

step "the lab: lab/topologies/dc-to-vpc.clab.yml"
cat <<'PIC'
     data center (AS 65010)                                   cloud (AS 45104)
  dc-host ---- cgw ========= path 1: tunnel t1 (active) ========= vgw ---- vpc-host
 10.20.0.10    strongSwan   ========= path 2: tunnel t2 (standby) =========    10.0.1.10
               + FRR          IKEv2 + ESP, BGP over each tunnel       VPC 10.0.0.0/16
PIC
say "vgw is the VPN gateway of the VPC; cgw is the data center's customer gateway, configured as a real Linux one would be (lab/configs/dc-to-vpc/cgw: strongswan.conf, swanctl.conf, frr.conf). Every node is a network namespace (lab/vgwlab runs the containerlab file without Docker)."
uplog=$(mktemp /tmp/vgw-demo-up.XXXXXX)
vgwlab up --name "$lab" "$topo" 2>"$uplog" || { cat "$uplog" >&2; rm -f "$uplog"; fail "the lab did not come up"; }
rm -f "$uplog"

step "waiting for the customer gateway to bring up both tunnels (IKEv2) and BGP over them"
wait_for 60 "both tunnels up with BGP Established" \
  '[.tunnels[] | .up and .bgpState == "Established"] | all and length == 2'
wait_for 30 "t1 to carry the traffic" "$(carrying t1)"
show vgw vgwsh -c "show ike sa"
show vgw vgwsh -c "show vpn-connection dc"
show vgw vgwsh -c "show bgp summary"
show vgw vgwsh -c "show bfd peers"
show vgw vgwsh -c "show ip route"
say "The data center's network 10.20.0.0/24 came over BGP on both tunnels; the one over t1 (the active tunnel, weight 200) is in the kernel."
show cgw vtysh -c "show bgp ipv4 unicast 10.0.0.0/16"
show cgw vtysh -c "show bfd peers brief"

step "traffic through the tunnels, both ways: 1,000 numbered UDP datagrams a second each way"
on dc-host ping -c 3 -i 0.2 -W 2 10.0.1.10 || fail "no ping through the tunnels"
tmp=$(mktemp -d /tmp/vgw-demo.XXXXXX)
# start NAME NODE CMD...: a background process in a node; $! is the command itself (vgwlab exec
# ends by exec'ing it), its output goes to $tmp/NAME.
start() { local name=$1 node=$2; shift 2; "$root/lab/vgwlab" exec --name "$lab" "$node" -- "$@" >"$tmp/$name" 2>&1 & bgpids+=("$!"); }
first_line() { local i; for i in $(seq 100); do [[ -s $tmp/$1 ]] && { head -1 "$tmp/$1"; return; }; sleep 0.05; done; }
start to-vpc.sink vpc-host "$root/lab/udpstream" sink 10.0.1.10 5099
start to-dc.sink dc-host "$root/lab/udpstream" sink 10.20.0.10 5099
[[ $(first_line to-vpc.sink) == ready && $(first_line to-dc.sink) == ready ]] || fail "the UDP sinks did not start"
start to-vpc.source dc-host "$root/lab/udpstream" source 10.20.0.10 10.0.1.10 5099 1000
start to-dc.source vpc-host "$root/lab/udpstream" source 10.0.1.10 10.20.0.10 5099 1000
[[ $(first_line to-vpc.source) == sending && $(first_line to-dc.source) == sending ]] || fail "the UDP sources did not start"
start ping dc-host ping -i 0.01 -W 1 10.0.1.10
say "dc-host -> vpc-host and vpc-host -> dc-host, 1,000 datagrams a second each; every lost datagram is a millisecond without traffic. And dc-host pings vpc-host 100 times a second."
# sa_out CHILD: packets strongSwan has sent on that child SA so far
sa_out() { on cgw swanctl --list-sas --ike "$1" | sed -n 's/^ *out .* \([0-9]*\) packets.*/\1/p' | head -1; }
t1_before=$(sa_out t1) t2_before=$(sa_out t2)
sleep 2
sending_on=t2
(($(sa_out t1) - t1_before > $(sa_out t2) - t2_before)) && sending_on=t1

step "the active tunnel dies: cgw's link for path 1 goes down (ip link set eth1 down)"
cut=$(on cgw sh -c 'ip link set eth1 down && date +%s%3N')
wait_for 10 "t2 to carry the traffic" "$(carrying t2)"
sleep 4
kill -INT "${bgpids[4]}"; kill -TERM "${bgpids[2]}" "${bgpids[3]}"
wait "${bgpids[2]}" "${bgpids[3]}" "${bgpids[4]}" || true
sleep 0.5
kill -TERM "${bgpids[0]}" "${bgpids[1]}"; wait "${bgpids[0]}" "${bgpids[1]}" || true
bgpids=()
show vgw vgwsh -c "show vpn-connection dc"
show vgw vgwsh -c "show ip route 10.20.0.0/24"
# lost DIRECTION: datagrams lost one way (sent by the source, not received by the sink)
lost() {
  local sent received
  sent=$(tail -1 "$tmp/$1.source" | jq -e .sent) || fail "$1: no count from the source: $(cat "$tmp/$1.source")"
  received=$(tail -1 "$tmp/$1.sink" | jq -e .received) || fail "$1: no count from the sink: $(cat "$tmp/$1.sink")"
  echo $((sent - received))
}
to_dc=$(lost to-dc) to_vpc=$(lost to-vpc)
read -r pings_sent pings_back < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$tmp/ping")
[[ -n ${pings_sent:-} ]] || fail "ping printed no summary: $(tail -3 "$tmp/ping")"
down_at=$(connection | jq -r '.tunnels[] | select(.tunnel == "t1") | .sinceUnixMs')
printf '\n'
bold "failover: vgw found t1 dead $((down_at - cut)) ms after the cut (BFD 100 ms x 3) and moved its traffic to t2"
bold "  vpc-host -> dc-host (vgw picks the tunnel):        lost $to_dc datagrams = $to_dc ms without traffic"
bold "  dc-host -> vpc-host (strongSwan picks the tunnel): lost $to_vpc datagrams = $to_vpc ms without traffic"
bold "  ping dc-host -> vpc-host (both ways, 100/s):        lost $((pings_sent - pings_back)) of $pings_sent pings"
if [[ $sending_on == t1 ]]; then
  why="it was sending on t1, so that direction waited for strongSwan's DPD to drop t1's SA (1 s of silence, then 3 retries)"
else
  why="it was sending on t2 all along, so that direction did not notice"
fi
say "vgw withdrew t1's routes the moment BFD over t1 failed (and reset the BGP session over it; cgw's FRR did the same on its side). The data center side chooses by its own rules: strongSwan sends on the SA its policies hold first (active/standby is vgw's notion, not strongSwan's); $why."

step "the path comes back: cgw's eth1 up again"
on cgw ip link set eth1 up
say "cgw re-establishes t1 (IKEv2), BGP comes up over it, and vgw moves the traffic back once t1 has been healthy for the fail-back delay."
wait_for 60 "t1 to carry the traffic again" "$(carrying t1)"
show vgw vgwsh -c "show vpn-connection"
on dc-host ping -c 3 -i 0.2 -W 2 10.0.1.10 >/dev/null || fail "no ping after the fail-back"
bold "traffic is back on t1; dc-host reaches vpc-host"

if ((keep)); then
  cat <<MSG

The lab is up (lab '$lab'). Try:
  $root/lab/vgwlab exec --name $lab vgw -- vgwsh           # the gateway's shell
  $root/lab/vgwlab exec --name $lab cgw -- vtysh            # FRR on the customer gateway
  $root/lab/vgwlab exec --name $lab cgw -- swanctl --list-sas
  $root/lab/vgwlab exec --name $lab dc-host -- ping 10.0.1.10
  $root/lab/vgwlab down --name $lab
MSG
fi
