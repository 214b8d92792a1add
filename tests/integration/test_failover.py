"""Tunnel health and failover between two vgwd, measured in lost packets (label: integration,
root).

Topology (network namespaces made by the test, unique names):
    vgwd A  192.0.2.1    ---- veth "wan1" ---- 192.0.2.2     vgwd B
            198.51.100.1 ---- veth "wan2" ---- 198.51.100.2
            10.1.0.1 (lo)                      10.2.0.1 (lo)
Two manually keyed tunnels, t1 over wan1 and t2 over wan2, each with a health check of
100 ms x 3; each side routes the other's 10.x.0.0/24 through them: active/standby (t1 at
distance 1, t2 at distance 10) or ECMP (both at distance 1). A stream of 1,000 numbered UDP
datagrams per second runs from A's 10.1.0.1 to B's 10.2.0.1 while t1's path is cut with
nftables (its ESP-in-UDP dropped on wan1, both ways, in A's namespace). What the stream lost is
counted: the failover must lose under 600 ms of traffic (the check detects in 300 ms; twice
that leaves room for a loaded machine), the planned return must lose nothing, `show tunnel`
must say which input took t1 down, the kernel route must move to t2 and back, and
TunnelService.WatchTunnels must report both transitions. BGP over the tunnels: the routes
learned over t1 leave while its session is still Established; a session that is not
Established holds its tunnel down. vpn-connection: active/standby with a fail-back delay (the
return loses nothing), transit-router ECMP, and the connection's errors. Health checks by UDP
(to an echo service, and to a closed port answered by ICMP port unreachable) and over IPv6.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import vgwtest
from vgwtest import sh, wait

A_WAN1, B_WAN1 = "192.0.2.1", "192.0.2.2"
A_WAN2, B_WAN2 = "198.51.100.1", "198.51.100.2"
A_LAN, B_LAN = "10.1.0.1", "10.2.0.1"
KEYS = {  # (spi, key) per direction and tunnel; AES-128-GCM: 16-octet key + 4-octet salt
    ("t1", "ab"): (0x1101, "11" * 20), ("t1", "ba"): (0x1201, "12" * 20),
    ("t2", "ab"): (0x2101, "21" * 20), ("t2", "ba"): (0x2201, "22" * 20),
}
INTERVAL_MS, RETRIES = 100, 3
UDP_ECHO = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
"""


class FailoverBetweenTwoVgwd(vgwtest.DaemonsInNamespaces):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise RuntimeError("this test needs root (network namespaces)")
        tag = f"{os.getpid() % 100000}{os.urandom(2).hex()}"
        cls.ns = {"a": f"vgwfo-a-{tag}", "b": f"vgwfo-b-{tag}"}
        cls.dir = tempfile.mkdtemp(prefix="vgw-failover-")
        cls.daemons = {}
        try:
            vgwtest.add_netns(*cls.ns.values())
            vgwtest.veth(cls.ns["a"], "wan1", [f"{A_WAN1}/24"], cls.ns["b"], "wan1", [f"{B_WAN1}/24"])
            vgwtest.veth(cls.ns["a"], "wan2", [f"{A_WAN2}/24"], cls.ns["b"], "wan2", [f"{B_WAN2}/24"])
            for side, lan in (("a", A_LAN), ("b", B_LAN)):
                sh("ip", "-n", cls.ns[side], "addr", "add", f"{lan}/32", "dev", "lo")
                # Replies to the stream are not needed; loose reverse-path checks keep the
                # namespaces from dropping what arrives on the tunnel not yet routed back into.
                for conf in ("all", "default"):
                    sh("ip", "netns", "exec", cls.ns[side], "sh", "-c",
                       f"echo 2 > /proc/sys/net/ipv4/conf/{conf}/rp_filter")
                d = vgwtest.Daemon(workdir=os.path.join(cls.dir, side), extra_args=(), netns=cls.ns[side])
                os.makedirs(d.dir)
                cls.daemons[side] = d.start()
            for side, peer_lan, locals_, remotes, inside in (
                    ("a", B_LAN, (A_WAN1, A_WAN2), (B_WAN1, B_WAN2), (".1", ".1")),
                    ("b", A_LAN, (B_WAN1, B_WAN2), (A_WAN1, A_WAN2), (".2", ".2"))):
                out_dir, in_dir = ("ab", "ba") if side == "a" else ("ba", "ab")
                for i, t in enumerate(("t1", "t2")):
                    o_spi, o_key = KEYS[(t, out_dir)]
                    i_spi, i_key = KEYS[(t, in_dir)]
                    cls.vgwsh_cls(side, "configure", f"tunnel {t}", f"local {locals_[i]}", f"remote {remotes[i]}",
                                  f"inside 169.254.{11 + i}{inside[i]}/30",
                                  f"sa outbound spi {o_spi:#x} aes128gcm16 key 0x{o_key}",
                                  f"sa inbound spi {i_spi:#x} aes128gcm16 key 0x{i_key}",
                                  f"health-check interval {INTERVAL_MS} retries {RETRIES}")
        except BaseException:
            cls.tearDownClass()
            raise

    # ---- helpers ----

    def tunnel(self, side, name):
        return json.loads(self.vgwsh(side, f"show tunnel {name} json").stdout)["tunnels"][0]

    def rx(self, side, name):
        return int(self.tunnel(side, name)["state"]["counters"]["rxPackets"])

    def kernel_route(self, side, prefix):
        return sh("ip", "-n", self.ns[side], "-o", "route", "show", prefix).stdout.strip()

    def routes(self, mode):
        """Both sides route the other's LAN through both tunnels: active/standby or ECMP."""
        standby = "" if mode == "ecmp" else " distance 10"
        cmds = {"a": (f"ip route 10.2.0.0/24 t1", f"ip route 10.2.0.0/24 t2{standby}"),
                "b": (f"ip route 10.1.0.0/24 t1", f"ip route 10.1.0.0/24 t2{standby}")}
        for side, lines in cmds.items():
            self.vgwsh(side, "configure", *lines)
            self.addCleanup(self.vgwsh, side, "configure", *("no " + line for line in lines))

    def cut(self, tunnel_dev="wan1"):
        """Drops ESP-in-UDP on one underlay link in A's namespace, both ways."""
        return vgwtest.drop_esp(self.ns["a"], tunnel_dev)

    def both_up(self):
        for side in ("a", "b"):
            for t in ("t1", "t2"):
                wait(lambda: self.tunnel(side, t)["state"]["status"] == "up", timeout=15,
                     what=f"{side}: {t} up")

    def stream(self):
        s = vgwtest.UdpStream(self.ns["a"], A_LAN, self.ns["b"], B_LAN).start()
        self.addCleanup(s.close)
        return s

    def watch(self, side):
        """Collects TunnelService.WatchTunnels events in the background."""
        pb = vgwtest.protos()["tunnel_pb2"]
        api = self.daemons[side].api()
        events = []
        it = api.stream("TunnelService", "WatchTunnels", pb.WatchTunnelsRequest(name="t1"), pb.WatchTunnelsResponse)

        def read():
            try:
                for r in it:
                    events.extend(r.events)
            except Exception:  # the stream is cancelled at cleanup
                pass
        th = threading.Thread(target=read, daemon=True)
        th.start()
        self.addCleanup(it.cancel)
        return events

    # ---- tests ----

    def test_active_standby_failover_and_planned_return(self):
        self.both_up()
        self.routes("active-standby")
        wait(lambda: "dev t1" in self.kernel_route("a", "10.2.0.0/24"), what="A routes via t1")
        wait(lambda: "dev t1" in self.kernel_route("b", "10.1.0.0/24"), what="B routes via t1")
        events = self.watch("a")
        before = self.rx("b", "t2")

        stream = self.stream()
        wait(lambda: self.rx("b", "t1") > 200, what="stream over t1")
        uncut = self.cut()
        self.addCleanup(uncut)
        down = wait(lambda: (lambda t: t if t["state"]["status"] == "down" else None)(self.tunnel("a", "t1")),
                    timeout=10, what="A: t1 down")
        wait(lambda: self.rx("b", "t2") > before + 500,
             what="stream over t2")
        lost = stream.stop()
        print(f"\n  active/standby failover: {lost}")
        self.assertGreater(lost["received"], 500, lost)
        self.assertLess(lost["lost"], 600, f"failover lost more than 600 ms of traffic at 1,000 packets/s: {lost}")

        # Which input took it down, and when.
        self.assertIn("health check: no answer from 169.254.11.2", down["state"]["reason"])
        health = down["state"]["health"]
        self.assertFalse(health["up"])
        inputs = {i["name"]: i for i in health["inputs"]}
        self.assertTrue(inputs["keys"]["ok"], inputs)
        self.assertFalse(inputs["health-check"].get("ok", False), inputs)
        self.assertIn("dev t2", self.kernel_route("a", "10.2.0.0/24"))
        text = self.vgwsh("a", "show tunnel t1").stdout
        self.assertRegex(text, r"Health: down for [0-9:]+ \(since [0-9-]+ [0-9:.]+ UTC\)")
        self.assertIn("health-check: failing", text)
        # The connected /30 left the RIB too (the kernel keeps its own).
        r = self.daemons["a"].vgwsh("show ip route 169.254.11.0/30")
        self.assertIn("no route for 169.254.11.0/30", r.stdout + r.stderr)
        self.assertIn("169.254.11.0/30 dev t1", sh("ip", "-n", self.ns["a"], "-o", "route").stdout)

        # Planned return: t1 comes back while t2 carries the stream; nothing may be lost.
        stream = self.stream()
        wait(lambda: self.rx("b", "t2") > before + 1800, what="stream on t2")
        uncut()
        wait(lambda: self.tunnel("a", "t1")["state"]["status"] == "up", timeout=10, what="A: t1 up again")
        wait(lambda: "dev t1" in self.kernel_route("a", "10.2.0.0/24"), what="A routes via t1 again")
        at = self.rx("b", "t1")
        wait(lambda: self.rx("b", "t1") > at + 200, what="stream back on t1")
        back = stream.stop()
        print(f"  planned return: {back}")
        self.assertEqual(back["lost"], 0, back)

        wait(lambda: len(events) >= 2, timeout=5, what="two WatchTunnels events")
        self.assertEqual([(e.tunnel, e.up) for e in events[:2]], [("t1", False), ("t1", True)])
        self.assertIn("health check", events[0].reason)
        self.assertGreater(self.tunnel("a", "t1")["state"]["health"]["transitions"], 1)

    def test_ecmp_one_member_down(self):
        self.both_up()
        self.routes("ecmp")
        wait(lambda: "nexthop" in self.kernel_route("a", "10.2.0.0/24"), what="A: multipath route")
        stream = self.stream()
        wait(lambda: sum(self.rx("b", t) for t in ("t1", "t2")) > 200,
             what="stream over the ECMP group")
        uncut = self.cut()
        self.addCleanup(uncut)
        wait(lambda: self.tunnel("a", "t1")["state"]["status"] == "down", timeout=10, what="A: t1 down")
        # The TUN stays up in the kernel; `show interface` says that vgw holds it down.
        brief = {l.split()[0]: l.split() for l in self.daemons["a"].vgwsh("show interface brief").stdout.splitlines()[1:]}
        self.assertEqual((brief["t1"][1], brief["t1"][-1]), ("held-down", "t1"), brief)
        self.assertEqual(brief["t2"][1], "up", brief)
        wait(lambda: "dev t2" in self.kernel_route("a", "10.2.0.0/24") and
             "nexthop" not in self.kernel_route("a", "10.2.0.0/24"), what="A: single path via t2")
        at = self.rx("b", "t2")
        wait(lambda: self.rx("b", "t2") > at + 300, what="stream over t2")
        lost = stream.stop()
        print(f"\n  ECMP member down: {lost}")
        self.assertLess(lost["lost"], 600, lost)
        uncut()
        wait(lambda: "nexthop" in self.kernel_route("a", "10.2.0.0/24"), timeout=10, what="A: multipath again")

    def test_bgp_routes_over_a_failed_tunnel_leave_without_waiting_for_the_hold_timer(self):
        # eBGP between the two over both tunnels' inside addresses; each side originates its LAN.
        # A prefers the path over t1 (lower neighbor address); when t1's health fails, the path's
        # next-hop stops resolving and the t2 path takes over at once, while the session over t1
        # is still Established (its hold timer is 90 s).
        self.both_up()
        for side, asn, peer_asn, peers, lan in (("a", 65001, 65002, ("169.254.11.2", "169.254.12.2"), A_LAN),
                                                ("b", 65002, 65001, ("169.254.11.1", "169.254.12.1"), B_LAN)):
            self.vgwsh(side, "configure", f"router bgp {asn}", "no bgp ebgp-requires-policy",
                       *(f"neighbor {p} remote-as {peer_asn}" for p in peers), "address-family ipv4 unicast",
                       f"network {lan}/32", "exit-address-family")
            self.addCleanup(self.vgwsh, side, "configure", f"no router bgp {asn}")

        def a_route():
            return self.kernel_route("a", f"{B_LAN}/32")
        wait(lambda: "dev t1" in a_route(), timeout=30, what="A: BGP route via t1")
        wait(lambda: "dev t1" in self.kernel_route("b", f"{A_LAN}/32"), timeout=30, what="B: BGP route via t1")
        stream = self.stream()
        wait(lambda: self.rx("b", "t1") > 200, what="stream over t1")
        uncut = self.cut()
        self.addCleanup(uncut)
        wait(lambda: "dev t2" in a_route(), timeout=10, what="A: BGP route via t2")
        peers = json.loads(self.vgwsh("a", "show bgp summary json").stdout)
        at = self.rx("b", "t2")
        wait(lambda: self.rx("b", "t2") > at + 300, what="stream over t2")
        lost = stream.stop()
        print(f"\n  BGP over tunnels, t1 down: {lost}")
        self.assertLess(lost["lost"], 600, lost)
        t1_peer = [p for p in peers["peers"] if p["config"]["address"] == "169.254.11.2"][0]
        self.assertEqual(t1_peer["state"]["state"], "Established", t1_peer)
        uncut()
        wait(lambda: "dev t1" in a_route(), timeout=10, what="A: BGP route back via t1")

    def test_a_bgp_session_over_a_tunnel_is_part_of_its_health(self):
        # Where BGP runs over a tunnel, the tunnel is up only while the session is Established.
        self.both_up()
        self.vgwsh("a", "configure", "router bgp 65001", "no bgp ebgp-requires-policy",
                   "neighbor 169.254.11.2 remote-as 65002", "neighbor 169.254.11.2 timers connect 1")
        self.addCleanup(self.vgwsh, "a", "configure", "no router bgp 65001")
        t1 = wait(lambda: (lambda t: t if t["state"]["status"] == "down" else None)(self.tunnel("a", "t1")),
                  timeout=10, what="A: t1 down while its BGP session is not Established")
        self.assertRegex(t1["state"]["reason"], r"^bgp: neighbor 169\.254\.11\.2 is (Idle|Connect|Active|OpenSent)")
        inputs = {i["name"]: i for i in t1["state"]["health"]["inputs"]}
        self.assertFalse(inputs["bgp"].get("ok", False), inputs)
        self.assertTrue(inputs["health-check"]["ok"], inputs)
        self.assertEqual(self.tunnel("a", "t2")["state"]["status"], "up")  # no BGP over t2
        self.vgwsh("b", "configure", "router bgp 65002", "no bgp ebgp-requires-policy",
                   "neighbor 169.254.11.1 remote-as 65001")
        self.addCleanup(self.vgwsh, "b", "configure", "no router bgp 65002")
        wait(lambda: self.tunnel("a", "t1")["state"]["status"] == "up", timeout=30,
             what="A: t1 up once the session is Established")
        inputs = {i["name"]: i for i in self.tunnel("a", "t1")["state"]["health"]["inputs"]}
        self.assertTrue(inputs["bgp"]["ok"], inputs)
        # Without BGP over it, the input goes away.
        self.vgwsh("a", "configure", "router bgp 65001", "no neighbor 169.254.11.2")
        wait(lambda: "bgp" not in [i["name"] for i in self.tunnel("a", "t1")["state"]["health"]["inputs"]],
             what="the bgp input gone")

    def connection(self, kind="vpn-gateway", failback=2):
        """A vpn-connection on each side over t1 (active) and t2 (standby) to the other's LAN."""
        for side, peer_wan, asn, lan in (("a", B_WAN1, 65002, "10.2.0.0/24"), ("b", A_WAN1, 65001, "10.1.0.0/24")):
            self.vgwsh(side, "configure", f"customer-gateway peer ip {peer_wan} asn {asn}", "vpn-gateway",
                       f"kind {kind}", f"failback-delay {failback}", "exit", "vpn-connection c1",
                       "customer-gateway peer", "tunnel t1 active", "tunnel t2 standby", f"route {lan}")
            # (the customer gateway stays: tunnel t1 goes to its address)
            self.addCleanup(self.vgwsh, side, "configure", "no vpn-connection c1", "vpn-gateway", "no kind",
                            "no failback-delay")

    def vpn(self, side):
        return json.loads(self.vgwsh(side, "show vpn-connection c1 json").stdout)["vpnConnections"][0]

    def test_vpn_connection_active_standby_with_failback_delay(self):
        self.both_up()
        self.connection(failback=2)
        wait(lambda: "dev t1" in self.kernel_route("a", "10.2.0.0/24"), what="A: connection route via t1")
        wait(lambda: "dev t1" in self.kernel_route("b", "10.1.0.0/24"), what="B: connection route via t1")
        c = self.vpn("a")
        self.assertEqual(c["status"], "up", c)
        self.assertEqual([(t["tunnel"], t["role"], t["carrying"]) for t in c["tunnels"]],
                         [("t1", "active", True), ("t2", "standby", False)])
        self.assertEqual(c["routes"][0]["via"], ["t1"])
        self.assertTrue(c["routes"][0]["selected"])

        stream = self.stream()
        wait(lambda: self.rx("b", "t1") > 200, what="stream over t1")
        uncut = self.cut()
        self.addCleanup(uncut)
        wait(lambda: "dev t2" in self.kernel_route("a", "10.2.0.0/24"), timeout=10, what="A: route via t2")
        at = self.rx("b", "t2")
        wait(lambda: self.rx("b", "t2") > at + 300, what="stream over t2")
        lost = stream.stop()
        print(f"\n  vpn-connection failover: {lost}")
        self.assertLess(lost["lost"], 600, lost)
        c = self.vpn("a")
        self.assertEqual(c["status"], "degraded", c)
        self.assertIn("t1: health check: no answer", c["reason"])
        self.assertEqual([t["carrying"] for t in c["tunnels"]], [False, True])
        text = self.vgwsh("a", "show vpn-connection c1").stdout
        self.assertRegex(text, r"Tunnel t2 \(standby\): up for [0-9:]+ \(since [0-9-]+ [0-9:.]+ UTC\), carrying traffic")
        self.assertRegex(text, r"Tunnel t1 \(active\): down for [0-9:]+ \(since [^)]+\): health check: no answer")
        self.assertIn("10.2.0.0/24 weight 100 (active) via t2, selected", text)

        # t1 recovers: traffic stays on t2 for the fail-back delay, then moves back, losing nothing.
        stream = self.stream()
        wait(lambda: self.rx("b", "t2") > at + 600, what="stream over t2")
        uncut()
        wait(lambda: self.vpn("a")["tunnels"][0]["up"], timeout=10, what="A: t1 healthy again")
        c = self.vpn("a")
        self.assertEqual([t["carrying"] for t in c["tunnels"]], [False, True], c)
        self.assertGreater(c.get("failbackIn", 0), 0, c)
        self.assertIn("dev t2", self.kernel_route("a", "10.2.0.0/24"))
        wait(lambda: "dev t1" in self.kernel_route("a", "10.2.0.0/24"), timeout=10, what="A: fail-back to t1")
        at1 = self.rx("b", "t1")
        wait(lambda: self.rx("b", "t1") > at1 + 200, what="stream back on t1")
        back = stream.stop()
        print(f"  vpn-connection fail-back: {back}")
        self.assertEqual(back["lost"], 0, back)
        self.assertEqual(self.vpn("a")["status"], "up")

    def test_transit_router_uses_both_tunnels(self):
        self.both_up()
        self.connection(kind="transit-router")
        wait(lambda: "nexthop" in self.kernel_route("a", "10.2.0.0/24"), what="A: ECMP over both tunnels")
        c = self.vpn("a")
        self.assertEqual([(t["role"], t["carrying"]) for t in c["tunnels"]], [("ecmp", True), ("ecmp", True)])
        self.assertEqual(sorted(c["routes"][0]["via"]), ["t1", "t2"])
        uncut = self.cut()
        self.addCleanup(uncut)
        wait(lambda: "nexthop" not in self.kernel_route("a", "10.2.0.0/24") and
             "dev t2" in self.kernel_route("a", "10.2.0.0/24"), timeout=10, what="A: t2 alone")
        self.assertEqual(self.vpn("a")["routes"][0]["via"], ["t2"])
        uncut()
        wait(lambda: "nexthop" in self.kernel_route("a", "10.2.0.0/24"), timeout=10, what="A: ECMP again")
        gw = json.loads(self.vgwsh("a", "show vpn-gateway json").stdout)
        self.assertEqual((gw["kind"], gw["connections"]), ("transit-router", 1))

    def test_vpn_connection_errors_and_round_trip(self):
        def refused(*cmds, why):
            r = self.daemons["a"].vgwsh("configure", *cmds)
            self.assertNotEqual(r.returncode, 0, cmds)
            self.assertIn(why, r.stdout + r.stderr, cmds)
        self.vgwsh("a", "configure", "customer-gateway cg1 ip 192.0.2.50 asn 65050",
                   "tunnel spare", f"local {A_WAN1}", "remote 192.0.2.50", "inside 169.254.50.1/30", "exit",
                   "vpn-connection e1", "customer-gateway cg1", "tunnel t1 active", "route 10.50.0.0/16",
                   "route 10.51.0.0/16 weight 0")
        self.addCleanup(self.vgwsh, "a", "configure", "no vpn-connection e2", "no vpn-connection e1",
                        "no tunnel spare", "no customer-gateway cg1")
        c = self.vpn_named("e1")
        self.assertEqual((c["status"], c["reason"]), ("degraded", "a single tunnel (configure a second one)"))
        refused("vpn-connection e1", "customer-gateway nosuch", why="customer gateway 'nosuch' does not exist")
        refused("vpn-connection e1", "tunnel nosuch standby", why="tunnel 'nosuch' does not exist")
        refused("vpn-connection e1", "tunnel spare active", why="both tunnels are active")
        self.vgwsh("a", "configure", "vpn-connection e1", "tunnel spare standby")
        refused("vpn-connection e1", "tunnel t2 standby", why="at most two tunnels")
        refused("vpn-connection e2", "customer-gateway cg1", "tunnel spare active",
                why="tunnel 'spare' already belongs to connection e1")
        refused("vpn-connection e1", "route 10.52.0.0/16 weight 50", why="not 100 (active) or 0 (standby)")
        refused("no tunnel spare", why="belongs to VPN connection e1")
        refused("no customer-gateway cg1", why="VPN connection e1")
        refused("vpn-connection e1", "no route 10.99.0.0/16", why="has no route 10.99.0.0/16")
        config = self.vgwsh("a", "show running-config").stdout
        self.assertIn("vpn-connection e1\n customer-gateway cg1\n tunnel t1 active\n tunnel spare standby\n"
                      " route 10.50.0.0/16\n route 10.51.0.0/16 weight 0\nexit\n", config)
        self.vgwsh("a", "configure", "vpn-connection e1", "no tunnel spare")
        self.assertEqual([t["tunnel"] for t in self.vpn_named("e1")["tunnels"]], ["t1"])

    def vpn_named(self, name):
        return json.loads(self.vgwsh("a", f"show vpn-connection {name} json").stdout)["vpnConnections"][0]

    def test_shutdown_drains_an_ecmp_member_without_loss(self):
        self.both_up()
        self.routes("ecmp")
        wait(lambda: "nexthop" in self.kernel_route("a", "10.2.0.0/24"), what="A: multipath route")
        stream = self.stream()
        wait(lambda: self.rx("b", "t1") + self.rx("b", "t2") > 300, what="stream over the ECMP group")
        self.vgwsh("a", "configure", "tunnel t1", "shutdown")
        self.addCleanup(self.vgwsh, "a", "configure", "tunnel t1", "no shutdown")
        wait(lambda: "nexthop" not in self.kernel_route("a", "10.2.0.0/24"), what="A: t2 alone")
        t1 = self.tunnel("a", "t1")
        self.assertEqual((t1["state"]["status"], t1["state"]["reason"]), ("down", "admin: shut down by the operator"))
        self.assertTrue(t1["config"]["shutdown"])
        self.assertIn(" shutdown\n", self.vgwsh("a", "show running-config").stdout)
        at = self.rx("b", "t2")
        wait(lambda: self.rx("b", "t2") > at + 300, what="stream over t2")
        self.vgwsh("a", "configure", "tunnel t1", "no shutdown")
        wait(lambda: "nexthop" in self.kernel_route("a", "10.2.0.0/24"), what="A: multipath again")
        time.sleep(0.3)
        drained = stream.stop()
        print(f"\n  shutdown drain and return: {drained}")
        self.assertEqual(drained["lost"], 0, drained)

    def test_health_check_settings_and_bad_input(self):
        self.vgwsh("a", "configure", "tunnel hc", f"local {A_WAN1}", "remote 192.0.2.99", "inside 169.254.99.1/30",
                   "health-check")
        try:
            t = self.tunnel("a", "hc")
            c = t["config"]["healthCheck"]
            self.assertEqual((c["source"], c["destination"], c["intervalMs"], c["retries"]),
                             ("169.254.99.1", "169.254.99.2", 1000, 3))
            self.assertEqual((t["state"]["status"], t["state"]["reason"]), ("down", "no outbound SA"))
            self.assertEqual(t["state"]["health"]["reason"], "keys: no outbound SA")
            self.assertIn(" health-check\n", self.vgwsh("a", "show running-config").stdout)
            for bad, why in (("health-check interval 50", "out of range"),
                             ("health-check retries 0", "out of range"),
                             ("health-check destination 169.254.99.1", "are the same address"),
                             ("health-check destination 2001:db8::1", "different address families")):
                r = self.daemons["a"].vgwsh("configure", "tunnel hc", bad)
                self.assertNotEqual(r.returncode, 0, bad)
                self.assertIn(why, r.stdout + r.stderr, bad)
            # The default destination needs a point-to-point inside prefix.
            r = self.daemons["a"].vgwsh("configure", "tunnel hc", "inside 169.254.99.1/24")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("health-check destination: required", r.stdout + r.stderr)
            self.vgwsh("a", "configure", "tunnel hc", "health-check destination 169.254.99.7 interval 250",
                       "inside 169.254.99.1/24")
            c = self.tunnel("a", "hc")["config"]["healthCheck"]
            self.assertEqual((c["destination"], c["intervalMs"]), ("169.254.99.7", 250))
            self.assertIn(" health-check destination 169.254.99.7 interval 250\n",
                          self.vgwsh("a", "show running-config").stdout)
        finally:
            self.vgwsh("a", "configure", "no tunnel hc")

    def test_udp_health_check_to_an_echo_service_and_to_a_closed_port(self):
        # UDP probes to B's inside address: answered by an echo service (100 ms x 3), then, to a
        # closed port, by B's ICMP port unreachable (1 s x 3: Linux sends those at about one per
        # second per destination). t1's path cut: down; restored: up.
        self.both_up()
        echo = subprocess.Popen(["ip", "netns", "exec", self.ns["b"], sys.executable, "-c", UDP_ECHO, "169.254.11.2",
                                 "7007"], stdout=subprocess.PIPE, text=True)
        def stop_echo():
            if echo.poll() is None:
                echo.kill()
                echo.wait()
            echo.stdout.close()
        self.addCleanup(stop_echo)
        self.assertEqual(echo.stdout.readline().strip(), "ready")
        self.vgwsh("a", "configure", "tunnel t1", "health-check interval 100 retries 3 udp-port 7007")
        self.addCleanup(self.vgwsh, "a", "configure", "tunnel t1", f"health-check interval {INTERVAL_MS} retries {RETRIES}")

        def health():
            return self.tunnel("a", "t1")["state"]["health"]
        start = int(health().get("probesAnswered", 0))
        wait(lambda: int(health().get("probesAnswered", 0)) > start + 10, timeout=10, what="UDP probes answered")
        self.assertTrue(health()["up"])
        text = self.vgwsh("a", "show tunnel t1").stdout
        self.assertIn("Probes: UDP 169.254.11.1 -> 169.254.11.2 port 7007", text)
        self.assertIn(" health-check interval 100 retries 3 udp-port 7007\n", self.vgwsh("a", "show running-config").stdout)
        uncut = self.cut()
        self.addCleanup(uncut)
        down = wait(lambda: (lambda h: h if not h["up"] else None)(health()), timeout=5, what="t1 down by UDP probes")
        self.assertIn("health check: no answer from 169.254.11.2", down["reason"])
        uncut()
        wait(lambda: health()["up"], timeout=5, what="t1 up again")
        # A closed port: B's port unreachable answers.
        echo.kill()
        echo.wait()
        self.vgwsh("a", "configure", "tunnel t1", "health-check interval 1000 retries 3 udp-port 7008")
        start = int(health().get("probesAnswered", 0))
        wait(lambda: int(health().get("probesAnswered", 0)) >= start + 3, timeout=10,
             what="UDP probes answered by port unreachable")
        self.assertTrue(health()["up"])
        r = self.daemons["a"].vgwsh("configure", "tunnel t1", "health-check udp-port 0")
        self.assertNotEqual(r.returncode, 0)

    def test_ipv6_health_check(self):
        # A tunnel with an IPv6 inside /126 (over wan1, its own SPIs): ICMPv6 echo to the peer's
        # inside address takes it up, t1's path cut takes it down, and back.
        for side, me, out_spi, in_spi in (("a", "1", 0x6101, 0x6201), ("b", "2", 0x6201, 0x6101)):
            local, remote = (A_WAN1, B_WAN1) if side == "a" else (B_WAN1, A_WAN1)
            self.vgwsh(side, "configure", "tunnel t6", f"local {local}", f"remote {remote}",
                       f"inside 2001:db8:66::{me}/126", f"sa outbound spi {out_spi:#x} aes128gcm16 key 0x{'66' * 20}",
                       f"sa inbound spi {in_spi:#x} aes128gcm16 key 0x{'66' * 20}", "health-check interval 100 retries 3")
            self.addCleanup(self.vgwsh, side, "configure", "no tunnel t6")
        up = wait(lambda: (lambda t: t if t["state"]["health"].get("up") and int(t["state"]["health"].get(
            "probesAnswered", 0)) > 3 else None)(self.tunnel("a", "t6")), timeout=15, what="t6 up, ICMPv6 probes answered")
        c = up["config"]["healthCheck"]
        self.assertEqual((c["source"], c["destination"]), ("2001:db8:66::1", "2001:db8:66::2"))
        uncut = self.cut()
        self.addCleanup(uncut)
        down = wait(lambda: (lambda t: t if not t["state"]["health"].get("up") else None)(self.tunnel("a", "t6")),
                    timeout=5, what="t6 down")
        self.assertIn("no answer from 2001:db8:66::2", down["state"]["health"]["reason"])
        uncut()
        wait(lambda: self.tunnel("a", "t6")["state"]["health"].get("up"), timeout=10, what="t6 up again")

    def test_a_tunnel_without_sas_routes_nothing(self):
        # The SAs alone (no health check) decide: without them the tunnel is down and its routes
        # stay out of the kernel; once keyed, they go in.
        self.vgwsh("a", "configure", "tunnel nokeys", f"local {A_WAN1}", "remote 192.0.2.98",
                   "inside 169.254.98.1/30", "exit", "ip route 198.18.98.0/24 nokeys")
        try:
            st = self.tunnel("a", "nokeys")["state"]
            self.assertEqual((st["status"], st["reason"]), ("down", "no outbound SA"))
            self.assertEqual(st["health"]["reason"], "keys: no outbound SA")
            self.assertEqual(self.kernel_route("a", "198.18.98.0/24"), "")
            self.vgwsh("a", "configure", "tunnel nokeys", f"sa outbound spi 0x9801 aes128gcm16 key 0x{'98' * 20}",
                       f"sa inbound spi 0x9802 aes128gcm16 key 0x{'99' * 20}")
            wait(lambda: "dev nokeys" in self.kernel_route("a", "198.18.98.0/24"), what="route once keyed")
        finally:
            self.vgwsh("a", "configure", "no ip route 198.18.98.0/24 nokeys", "no tunnel nokeys")


if __name__ == "__main__":
    unittest.main()
