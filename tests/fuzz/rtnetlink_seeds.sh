#!/usr/bin/env bash
# Writes the seed corpus of the rtnetlink fuzz target (tests/fuzz/corpus/rtnetlink/) from the
# kernel itself: in a network namespace of its own, links (veth), addresses (IPv4, a
# point-to-point peer, IPv6) and routes of vgw's protocol (a gateway, multipath with weights
# in another table, IPv6 multipath, blackhole, unreachable) are set up, then dumped over
# rtnetlink, and two refused routes bring NLMSG_ERROR with an extended ack (quote capped and
# not). Each datagram is one seed, prefixed with the protocol byte the target matches (199).
#   tests/fuzz/rtnetlink_seeds.sh [OUT_DIR]     (root)
set -euo pipefail
out=$(realpath -m "${1:-$(dirname "$0")/corpus/rtnetlink}")
ns=vgw-nlseeds-$$
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ip netns exec "$ns" sh -ec '
ip link set lo up
ip link add d0 type veth peer name d0p; ip link set d0p up; ip link set d0 up mtu 1400
ip link add d1 type veth peer name d1p; ip link set d1p up; ip link set d1 up
ip addr add 192.0.2.1/24 dev d0; ip addr add 10.0.0.1 peer 10.0.0.2/32 dev d1
ip -6 addr add 2001:db8::1/64 dev d0 nodad
ip route add 198.51.100.0/24 via 192.0.2.2 proto 199 metric 20
ip route add 203.0.113.0/24 proto 199 table 1000 nexthop via 192.0.2.2 weight 3 nexthop via 192.0.2.3 weight 255
ip -6 route add 2001:db8:1::/48 proto 199 nexthop via 2001:db8::2 dev d0 nexthop via 2001:db8::3 dev d0
ip route add blackhole 100.64.0.0/10 proto 199; ip route add unreachable 198.18.0.0/15 proto 199'
ip netns exec "$ns" python3 - "$out" <<'PY'
import socket, struct, os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
NETLINK_EXT_ACK = 11; NETLINK_CAP_ACK = 10; SOL_NETLINK = 270
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.bind((0, 0))
s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
seq = [1]
def req(typ, flags, payload):
    seq[0] += 1
    return struct.pack('=IHHII', 16 + len(payload), typ, flags, seq[0], 0) + payload
def collect(msg, name, until_done=True):
    s.send(msg)
    n = 0
    while True:
        d = s.recv(65536)
        open(f'{out}/{name}-{n}', 'wb').write(b'\xc7' + d)
        n += 1
        # stop on DONE or ERROR
        off = 0; stop = False
        while off + 16 <= len(d):
            l, t = struct.unpack_from('=IH', d, off)
            if t in (2, 3): stop = True
            off += (l + 3) & ~3
        if stop or not until_done: return
NLM_F_REQUEST=1; NLM_F_DUMP=0x300; NLM_F_ACK=4; NLM_F_CREATE=0x400; NLM_F_REPLACE=0x100
collect(req(18, NLM_F_REQUEST|NLM_F_DUMP, struct.pack('=BxHiII', 0, 0, 0, 0, 0)), 'links')
collect(req(22, NLM_F_REQUEST|NLM_F_DUMP, struct.pack('=BBBBI', 0, 0, 0, 0, 0)), 'addrs')
collect(req(26, NLM_F_REQUEST|NLM_F_DUMP, struct.pack('=BBBBBBBBI', 0, 0, 0, 0, 0, 0, 0, 0, 0)), 'routes')
# A refused route (gateway not reachable): NLMSG_ERROR with an extended ack message.
def attr(t, v): 
    l = 4 + len(v); return struct.pack('=HH', l, t) + v + b'\0' * ((4 - l % 4) % 4)
rt = struct.pack('=BBBBBBBBI', 2, 24, 0, 0, 254, 199, 0, 1, 0)
body = rt + attr(1, bytes([198, 51, 100, 0])) + attr(5, bytes([203, 0, 113, 99]))
collect(req(24, NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_REPLACE, body), 'refused')
# The same without NETLINK_CAP_ACK: the whole request is quoted before the TLVs.
s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 0)
collect(req(24, NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_REPLACE, body), 'refused-uncapped')
PY
