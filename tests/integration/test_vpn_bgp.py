"""VPN connections with BGP: offices reaching each other through the gateway (label: integration,
root).

Topology (network namespaces made by the test, unique names; three vgwd):
    office A  192.0.2.2     -- wan1 --  192.0.2.1     hub  -- wan3 --  203.0.113.1 / .2  office B
              198.51.100.2  -- wan2 --  198.51.100.1       -- wan4 --  100.64.0.1 / .2
              10.1.0.1 (lo)             10.0.0.1 (lo, "VPC")           10.2.0.1 (lo)
The hub is the VPN gateway: customer gateways office-a (AS 65001) and office-b (AS 65002), one
connection to each with two hand-keyed tunnels (active a1/b1, standby a2/b2, health check
100 ms x 3) and `bgp`: it runs one eBGP session per tunnel over the inside /30s with the
customer's ASN, from its local ASN 45104, and advertises its VPC network 10.0.0.0/16. Each office
is a vgwd playing the customer gateway: `router bgp` with a neighbor on each tunnel, originating
its LAN. Checked: the sessions and routes as `show vpn-connection` and `show bgp` tell them; the
hub prefers the active tunnel's routes (kernel route via a1 only) and a transit-router hub uses
both (ECMP); office A reaches office B through the hub (AS path 45104 65002) and the VPC;
`no route-propagation` isolates a connection; a failed active tunnel moves the hub's BGP route to
the standby within 600 ms of traffic (1,000 packets/s) and the fail-back waits out the delay and
loses nothing; refusals name what is wrong.
"""

import json
import os
import tempfile
import unittest

import vgwtest
from vgwtest import sh, wait

HUB_LAN, A_LAN, B_LAN = "10.0.0.1", "10.1.0.1", "10.2.0.1"
# (hub tunnel, office tunnel, hub outer, office outer, inside /30 third octet)
TUNNELS = {
    "a": [("a1", "t1", "192.0.2.1", "192.0.2.2", 11), ("a2", "t2", "198.51.100.1", "198.51.100.2", 12)],
    "b": [("b1", "t1", "203.0.113.1", "203.0.113.2", 21), ("b2", "t2", "100.64.0.1", "100.64.0.2", 22)],
}
OFFICE_AS = {"a": 65001, "b": 65002}


def key(n):
    return f"{n:02x}" * 20  # AES-128-GCM: 16-octet key + 4-octet salt


class OfficesThroughTheGateway(vgwtest.DaemonsInNamespaces):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise RuntimeError("this test needs root (network namespaces)")
        tag = f"{os.getpid() % 100000}{os.urandom(2).hex()}"
        cls.ns = {s: f"vgwvb-{s}-{tag}" for s in ("hub", "a", "b")}
        cls.dir = tempfile.mkdtemp(prefix="vgw-vpn-bgp-")
        cls.daemons = {}
        try:
            vgwtest.add_netns(*cls.ns.values())
            wan = 1
            for office, tunnels in TUNNELS.items():
                for _, _, hub_ip, office_ip, _ in tunnels:
                    vgwtest.veth(cls.ns["hub"], f"wan{wan}", [f"{hub_ip}/24"], cls.ns[office], f"wan{wan}",
                                 [f"{office_ip}/24"])
                    wan += 1
            for side, lan in (("hub", HUB_LAN), ("a", A_LAN), ("b", B_LAN)):
                sh("ip", "-n", cls.ns[side], "addr", "add", f"{lan}/32", "dev", "lo")
                sysctl = ["echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter",
                          "echo 2 > /proc/sys/net/ipv4/conf/default/rp_filter"]
                if side == "hub":
                    sysctl.append("echo 1 > /proc/sys/net/ipv4/ip_forward")
                sh("ip", "netns", "exec", cls.ns[side], "sh", "-c", "; ".join(sysctl))
                d = vgwtest.Daemon(workdir=os.path.join(cls.dir, side), extra_args=(), netns=cls.ns[side])
                os.makedirs(d.dir)
                cls.daemons[side] = d.start()
            cls.configure_hub()
            for office in ("a", "b"):
                cls.configure_office(office)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def configure_hub(cls):
        lines = ["configure",
                 "customer-gateway office-a ip 192.0.2.2 asn 65001",
                 "customer-gateway office-b ip 203.0.113.2 asn 65002",
                 "vpn-gateway", "failback-delay 2", "vpc-network 10.0.0.0/16", "exit"]
        for office, tunnels in TUNNELS.items():
            for i, (hub_t, _, hub_ip, office_ip, octet) in enumerate(tunnels):
                n = octet * 2
                lines += [f"tunnel {hub_t}", f"local {hub_ip}", f"remote {office_ip}", f"inside 169.254.{octet}.1/30",
                          f"sa outbound spi {0x1000 + n:#x} aes128gcm16 key 0x{key(n)}",
                          f"sa inbound spi {0x1000 + n + 1:#x} aes128gcm16 key 0x{key(n + 1)}",
                          "health-check interval 100 retries 3", "exit"]
            lines += [f"vpn-connection office-{office}", f"customer-gateway office-{office}",
                      f"tunnel {tunnels[0][0]} active", f"tunnel {tunnels[1][0]} standby", "bgp", "exit"]
        cls.vgwsh_cls("hub", *lines)

    @classmethod
    def configure_office(cls, office):
        lines = ["configure"]
        for hub_t, t, hub_ip, office_ip, octet in TUNNELS[office]:
            n = octet * 2
            lines += [f"tunnel {t}", f"local {office_ip}", f"remote {hub_ip}", f"inside 169.254.{octet}.2/30",
                      f"sa outbound spi {0x1000 + n + 1:#x} aes128gcm16 key 0x{key(n + 1)}",
                      f"sa inbound spi {0x1000 + n:#x} aes128gcm16 key 0x{key(n)}", "exit"]
        lan = A_LAN if office == "a" else B_LAN
        lines += [f"router bgp {OFFICE_AS[office]}", "no bgp ebgp-requires-policy",
                  *(f"neighbor 169.254.{octet}.1 remote-as 45104" for *_, octet in TUNNELS[office]),
                  "address-family ipv4 unicast", f"network {lan.rsplit('.', 1)[0]}.0/24", "exit-address-family"]
        cls.vgwsh_cls(office, *lines)

    # ---- helpers ----

    def refused(self, side, *commands):
        r = self.daemons[side].vgwsh(*commands)
        self.assertNotEqual(r.returncode, 0, f"{commands} was accepted")
        return r.stdout + r.stderr

    def connection(self, office):
        return json.loads(self.vgwsh("hub", f"show vpn-connection office-{office} json").stdout)["vpnConnections"][0]

    def interface(self, tunnel):
        t = json.loads(self.vgwsh("hub", f"show tunnel {tunnel} json").stdout)["tunnels"][0]
        return t["state"]["interfaceName"]

    def kernel_route(self, side, prefix):
        return sh("ip", "-n", self.ns[side], "-o", "route", "show", prefix).stdout.strip()

    def rx(self, side, tunnel):
        t = json.loads(self.vgwsh(side, f"show tunnel {tunnel} json").stdout)["tunnels"][0]
        return int(t["state"]["counters"]["rxPackets"])

    def established(self):
        for office in ("a", "b"):
            def ok(o=office):
                c = self.connection(o)
                return all(t.get("bgpState") == "Established" and t.get("up") for t in c["tunnels"]) and c
            wait(ok, timeout=40, what=f"hub: both sessions of office-{office} Established")
        for side, prefix in (("a", "10.2.0.0/24"), ("b", "10.1.0.0/24"), ("hub", "10.1.0.0/24"),
                             ("hub", "10.2.0.0/24")):
            wait(lambda s=side, p=prefix: self.kernel_route(s, p), timeout=30, what=f"{side}: a route to {prefix}")

    def cut(self, wan):
        """Drops ESP-in-UDP on one hub underlay link, both ways, in the hub's namespace."""
        return vgwtest.drop_esp(self.ns["hub"], wan)

    # ---- tests ----

    def test_sessions_routes_and_traffic_between_offices(self):
        self.established()
        c = self.connection("a")
        self.assertTrue(c["bgp"])
        self.assertEqual([(t["tunnel"], t["bgpLocal"], t["bgpPeer"]) for t in c["tunnels"]],
                         [("a1", "169.254.11.1", "169.254.11.2"), ("a2", "169.254.12.1", "169.254.12.2")])
        self.assertTrue(all(int(t["bgpPrefixesAccepted"]) >= 1 for t in c["tunnels"]), c)
        text = self.vgwsh("hub", "show vpn-connection office-a").stdout
        self.assertIn("BGP 169.254.11.1 -> 169.254.11.2: Established", text)
        self.assertIn("the active tunnel's routes preferred", text)

        # The hub's sessions use the local ASN and the customer gateways' ASNs.
        peers = {p["config"]["address"]: p for p in json.loads(self.vgwsh("hub", "show bgp summary json").stdout)["peers"]}
        self.assertEqual(sorted(peers), ["169.254.11.2", "169.254.12.2", "169.254.21.2", "169.254.22.2"])
        self.assertEqual(peers["169.254.21.2"]["config"]["remoteAs"], 65002)
        self.assertEqual(peers["169.254.21.2"]["config"]["vpnConnection"], "office-b")
        self.assertEqual(peers["169.254.11.2"]["state"]["localAs"], 45104)

        # Active/standby: the hub's kernel route to office A is via a1 alone.
        a1, a2 = self.interface("a1"), self.interface("a2")
        route = self.kernel_route("hub", "10.1.0.0/24")
        self.assertIn(f"dev {a1}", route)
        self.assertNotIn(a2, route)
        paths = json.loads(self.vgwsh("hub", "show bgp ipv4 unicast 10.1.0.0/24 json").stdout)
        weights = sorted((p["nextHop"], p.get("weight", 0), p.get("best", False)) for p in paths["paths"])
        self.assertEqual(weights, [("169.254.11.2", 200, True), ("169.254.12.2", 100, False)])

        # Office A learns office B's LAN through the hub, and the VPC network.
        paths = json.loads(self.vgwsh("a", "show bgp ipv4 unicast 10.2.0.0/24 json").stdout)["paths"]
        self.assertTrue(paths)
        self.assertTrue(all(p["asPath"] == "45104 65002" for p in paths), paths)
        wait(lambda: self.kernel_route("a", "10.0.0.0/16"), what="A: the VPC network")
        # Office B's LAN is not sent back to office B, nor office A's to A.
        own = json.loads(self.vgwsh("b", "show bgp ipv4 unicast 10.2.0.0/24 json").stdout)["paths"]
        self.assertEqual([p.get("asPath", "") for p in own], [""], own)

        # Traffic: office A to office B through the hub, and to the VPC.
        for dst in (B_LAN, HUB_LAN):
            r = sh("ip", "netns", "exec", self.ns["a"], "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", A_LAN, dst,
                   check=False)
            self.assertEqual(r.returncode, 0, f"ping {dst} from office A: {r.stdout}{r.stderr}")

    def test_route_propagation_off_isolates_a_connection(self):
        self.established()
        self.vgwsh("hub", "configure", "vpn-connection office-b", "no route-propagation")
        self.addCleanup(self.vgwsh, "hub", "configure", "vpn-connection office-b", "route-propagation")
        wait(lambda: not self.kernel_route("a", "10.2.0.0/24"), timeout=15, what="A: office B's LAN withdrawn")
        wait(lambda: not self.kernel_route("b", "10.1.0.0/24"), timeout=15, what="B: office A's LAN withdrawn")
        # The VPC side still has both, and both still have the VPC network.
        self.assertTrue(self.kernel_route("hub", "10.2.0.0/24"))
        self.assertTrue(self.kernel_route("a", "10.0.0.0/16"))
        self.assertTrue(self.kernel_route("b", "10.0.0.0/16"))
        self.assertIn("Route propagation: off", self.vgwsh("hub", "show vpn-connection office-b").stdout)
        self.vgwsh("hub", "configure", "vpn-connection office-b", "route-propagation")
        wait(lambda: self.kernel_route("a", "10.2.0.0/24"), timeout=15, what="A: office B's LAN back")

    def test_active_tunnel_failure_moves_bgp_routes_and_fail_back_waits(self):
        self.established()
        a1, a2 = self.interface("a1"), self.interface("a2")
        wait(lambda: f"dev {a1}" in self.kernel_route("hub", "10.1.0.0/24"), what="hub routes office A via a1")
        stream = vgwtest.UdpStream(self.ns["hub"], HUB_LAN, self.ns["a"], A_LAN).start()
        self.addCleanup(stream.close)
        wait(lambda: self.rx("a", "t1") > 200, what="stream over a1")
        uncut = self.cut("wan1")
        self.addCleanup(uncut)
        wait(lambda: f"dev {a2}" in self.kernel_route("hub", "10.1.0.0/24"), timeout=10, what="hub routes via a2")
        at = self.rx("a", "t2")
        wait(lambda: self.rx("a", "t2") > at + 300, what="stream over a2")
        lost = stream.stop()
        print(f"\n  BGP active/standby failover: {lost}")
        self.assertLess(lost["lost"], 600, f"failover lost more than 600 ms of traffic at 1,000 packets/s: {lost}")
        # The session over a1 is still up (hold time 90 s): its routes left by next-hop reachability.
        c = self.connection("a")
        self.assertEqual(c["tunnels"][0]["bgpState"], "Established")
        self.assertFalse(c["tunnels"][0]["up"])

        # Fail-back: a1 recovers; traffic stays on a2 for the fail-back delay (2 s), then moves back
        # without loss.
        stream = vgwtest.UdpStream(self.ns["hub"], HUB_LAN, self.ns["a"], A_LAN).start()
        wait(lambda: self.rx("a", "t2") > at + 1500, what="stream on a2")
        uncut()
        wait(lambda: self.connection("a")["tunnels"][0]["up"], timeout=10, what="a1 healthy again")
        waiting = self.connection("a")
        self.assertIn(f"dev {a2}", self.kernel_route("hub", "10.1.0.0/24"))
        self.assertFalse(waiting["tunnels"][0]["carrying"], waiting)
        wait(lambda: f"dev {a1}" in self.kernel_route("hub", "10.1.0.0/24"), timeout=10, what="fail-back to a1")
        at = self.rx("a", "t1")
        wait(lambda: self.rx("a", "t1") > at + 200, what="stream back on a1")
        back = stream.stop()
        print(f"  fail-back after the delay: {back}")
        self.assertEqual(back["lost"], 0, back)

    def test_transit_router_uses_both_tunnels(self):
        self.established()
        self.vgwsh("hub", "configure", "vpn-gateway", "kind transit-router")
        self.addCleanup(self.vgwsh, "hub", "configure", "vpn-gateway", "kind vpn-gateway")
        a1, a2 = self.interface("a1"), self.interface("a2")
        wait(lambda: (lambda r: f"dev {a1}" in r and f"dev {a2}" in r)(self.kernel_route("hub", "10.1.0.0/24")),
             timeout=30, what="hub: ECMP over a1 and a2")
        self.assertIn("ECMP", self.vgwsh("hub", "show vpn-connection office-a").stdout)

    def test_refusals_name_what_is_wrong(self):
        # A session of a connection is not a router bgp neighbor.
        self.vgwsh("hub", "configure", "router bgp 45104")
        self.addCleanup(self.vgwsh, "hub", "configure", "no router bgp 45104")
        err = self.refused("hub", "configure", "router bgp 45104", "neighbor 169.254.11.2 remote-as 65001")
        self.assertIn("is the BGP session of vpn-connection office-a over tunnel a1", err)
        # A customer gateway with the gateway's own ASN.
        self.vgwsh("hub", "configure", "customer-gateway same-as ip 192.0.2.99 asn 45104", "tunnel x1",
                   "inside 169.254.31.1/30", "exit", "vpn-connection x", "customer-gateway same-as", "tunnel x1 active")
        self.addCleanup(self.vgwsh, "hub", "configure", "no vpn-connection x", "no tunnel x1",
                        "no customer-gateway same-as")
        err = self.refused("hub", "configure", "vpn-connection x", "bgp")
        self.assertIn("the two ASNs must differ", err)
        # An inside prefix that is not a /30.
        self.vgwsh("hub", "configure", "customer-gateway other ip 192.0.2.98 asn 65099", "tunnel x2",
                   "inside 169.254.32.1/29", "exit", "vpn-connection y", "customer-gateway other", "tunnel x2 active")
        self.addCleanup(self.vgwsh, "hub", "configure", "no vpn-connection y", "no tunnel x2", "no customer-gateway other")
        err = self.refused("hub", "configure", "vpn-connection y", "bgp")
        self.assertIn("is not a host address of a /30 or /31", err)
        err = self.refused("hub", "configure", "vpn-connection y", "bgp timers 30 2")
        self.assertIn("at least 3", err)
        # A local ASN that a BGP connection's customer gateway has.
        err = self.refused("hub", "configure", "vpn-gateway", "local-asn 65001")
        self.assertIn("the two ASNs must differ", err)
        # What was accepted is what the configuration says.
        cfg = self.vgwsh("hub", "show running-config").stdout
        self.assertIn(" vpc-network 10.0.0.0/16\n", cfg)
        self.assertIn("vpn-connection office-a\n customer-gateway office-a\n tunnel a1 active\n tunnel a2 standby\n bgp\n",
                      cfg)


class RouterIdFromTheFirstAddress(unittest.TestCase):
    """vgwd started before its interfaces have addresses (a container whose links come later):
    BGP without a configured router-id waits, says why, and starts with the first address."""

    def test_bgp_starts_when_an_address_appears(self):
        if os.geteuid() != 0:
            raise RuntimeError("this test needs root (network namespaces)")
        ns = f"vgwri-{os.getpid() % 100000}{os.urandom(2).hex()}"
        vgwtest.add_netns(ns)
        self.addCleanup(sh, "ip", "netns", "del", ns, check=False)
        d = vgwtest.Daemon(config_text="router bgp 65000\nexit\n", netns=ns)
        self.addCleanup(d.cleanup)
        d.start()

        def bgp():
            r = d.vgwsh("show bgp summary json")
            self.assertEqual(r.returncode, 0, r.stderr)
            return json.loads(r.stdout)
        self.assertIn("no router-id", d.vgwsh("show bgp summary").stdout)
        sh("ip", "-n", ns, "link", "add", "eth1", "type", "veth", "peer", "name", "eth2")
        sh("ip", "-n", ns, "addr", "add", "192.0.2.7/24", "dev", "eth1")
        sh("ip", "-n", ns, "link", "set", "eth1", "up")
        sh("ip", "-n", ns, "link", "set", "eth2", "up")
        wait(lambda: bgp()["bgp"].get("routerIdInUse") == "192.0.2.7", timeout=10, what="BGP running with router-id 192.0.2.7")
        # The id stays what the speaker started with when a higher address comes.
        sh("ip", "-n", ns, "addr", "add", "198.51.100.9/24", "dev", "eth1")
        self.assertEqual(bgp()["bgp"].get("routerIdInUse"), "192.0.2.7")


if __name__ == "__main__":
    unittest.main()
