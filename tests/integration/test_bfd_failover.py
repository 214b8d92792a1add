"""Failover of a VPN connection by BFD on both ends, measured in lost packets (label: interop).

Topology (network namespaces made by the test, unique names):

    gw:  vgwd (the VPN gateway, AS 45104)          cgw: the customer gateway (AS 65010):
         VPC 10.1.0.1 (lo)                              vgwd for IKEv2 + ESP only (route-based
         wan1 192.0.2.1    ---- veth ----  192.0.2.2    tunnels t1, t2: interfaces FRR routes
         wan2 198.51.100.1 ---- veth ----  198.51.100.2 over) and FRR (zebra, bgpd, bfdd),
                                                        DC 10.2.0.1 (lo)

One VPN connection, t1 active and t2 standby, BGP over both tunnels' inside /30s, and BFD at
100 ms x 3 over both on both sides: on the gateway, `bfd` in each tunnel block (a health input:
t1 down moves the VPC's traffic to t2); on the customer side, FRR's `neighbor X bfd profile`
(its bfdd resets the BGP session over the dead tunnel, so zebra moves the data center's traffic
to t2; FRR prefers t1 by local-preference, as a customer would configure it). A stream of 1,000
numbered UDP datagrams per second runs each way while t1's path is cut (ESP in UDP dropped on
wan1 by nftables); each direction must lose less than 500 ms of traffic and more than 50 ms of it
(so the traffic did use t1 and the cut did hit it). The gateway's side is vgw's BFD, the
customer's side FRR's bfdd, in one run: the two figures are side by side.
"""

import json
import os
import shutil
import tempfile
import time
import unittest

import vgwtest
from vgwtest import sh, wait

PSK = "bfd-failover-psk-0123456789"
TUNNELS = {  # name: (gateway's wan, customer's wan, gateway's inside, customer's inside)
    "t1": ("192.0.2.1", "192.0.2.2", "169.254.10.1", "169.254.10.2"),
    "t2": ("198.51.100.1", "198.51.100.2", "169.254.20.1", "169.254.20.2"),
}


class BfdFailoverWithFrr(unittest.TestCase):

    def setUp(self):
        tag = f"{os.getpid() % 10000}{os.urandom(1).hex()}"
        self.ns = {k: f"vgwbfo-{k}-{tag}" for k in ("gw", "cgw")}
        self.dir = tempfile.mkdtemp(prefix="vgw-bfo-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        for ns in self.ns.values():
            self.addCleanup(sh, "ip", "netns", "del", ns, check=False)
        vgwtest.add_netns(*self.ns.values())
        for i, (gw_wan, cgw_wan, _, _) in enumerate(TUNNELS.values(), start=1):
            vgwtest.veth(self.ns["gw"], f"wan{i}", [f"{gw_wan}/24"], self.ns["cgw"], f"wan{i}", [f"{cgw_wan}/24"])
        for side, addr in (("gw", "10.1.0.1/32"), ("cgw", "10.2.0.1/32")):
            sh("ip", "-n", self.ns[side], "addr", "add", addr, "dev", "lo")
        self.pids = []
        self.addCleanup(vgwtest.stop_peer_daemons, self.pids)
        self.gw = vgwtest.Daemon(self.gateway_config(), extra_args=(), netns=self.ns["gw"])
        self.addCleanup(self.gw.cleanup)
        self.gw.start()
        # The customer's IPsec: vgwd with the tunnels only (FRR owns its routing and the FIB).
        self.cgw = vgwtest.Daemon(self.customer_tunnels(), netns=self.ns["cgw"])
        self.addCleanup(self.cgw.cleanup)
        self.cgw.start()
        self.start_frr()

    def gateway_config(self):
        lines = ["customer-gateway dc ip 192.0.2.2 asn 65010"]
        for name, (gw_wan, cgw_wan, gw_in, _) in TUNNELS.items():
            lines += [f"tunnel {name}", f" local {gw_wan}", f" remote {cgw_wan}", f" inside {gw_in}/30",
                      f" ike pre-shared-key {PSK}", " ike respond-only",
                      " bfd receive-interval 100 transmit-interval 100", "exit"]
        lines += ["vpn-gateway", " vpc-network 10.1.0.0/24", "exit",
                  "vpn-connection dc", " customer-gateway dc", " tunnel t1 active", " tunnel t2 standby",
                  " bgp timers 10 30", "exit", "end"]
        return "\n".join(lines) + "\n"

    def customer_tunnels(self):
        lines = []
        for name, (gw_wan, cgw_wan, _, cgw_in) in TUNNELS.items():
            lines += [f"tunnel {name}", f" local {cgw_wan}", f" remote {gw_wan}", f" inside {cgw_in}/30",
                      f" ike pre-shared-key {PSK}", "exit"]
        return "\n".join(lines + ["end"]) + "\n"

    def start_frr(self):
        d = self.frr_dir = os.path.join(self.dir, "frr")
        t1, t2 = TUNNELS["t1"][2], TUNNELS["t2"][2]
        neighbors = "".join(
            f" neighbor {peer} remote-as 45104\n neighbor {peer} timers 10 30\n"
            f" neighbor {peer} timers connect 1\n neighbor {peer} bfd profile fast\n" for peer in (t1, t2))
        configs = {
            "zebra": "hostname cgw\n",
            "bfdd": "bfd\n profile fast\n  detect-multiplier 3\n  receive-interval 100\n"
                    "  transmit-interval 100\n exit\n!\nexit\n",
            "bgpd": f"""frr defaults traditional
hostname cgw
route-map PREFER-T1 permit 10
 set local-preference 200
!
router bgp 65010
 bgp router-id 10.2.0.1
 no bgp ebgp-requires-policy
 no bgp network import-check
{neighbors} address-family ipv4 unicast
  network 10.2.0.0/24
  neighbor {t1} route-map PREFER-T1 in
 exit-address-family
!
""",
        }
        vgwtest.start_frr(self.ns["cgw"], d, configs, self.pids)

    # ---- helpers -------------------------------------------------------------------------------

    def vgwsh(self, daemon, *cmds):
        r = daemon.vgwsh(*cmds)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r.stdout

    def vtysh(self, *cmds):
        return vgwtest.vtysh(self.frr_dir, *cmds)

    def gw_bfd(self):
        return {p["peer"]: p for p in json.loads(self.vgwsh(self.gw, "show bfd peers json"))}

    def frr_bfd(self):
        return {p["peer"]: p for p in json.loads(self.vtysh("show bfd peers json") or "[]")}

    def frr_route_via(self, prefix):
        routes = json.loads(self.vtysh(f"show ip route {prefix} json") or "{}").get(prefix, [])
        for r in routes:
            if r.get("selected"):
                return [h.get("ip") for h in r.get("nexthops", []) if h.get("active")]
        return []

    def gw_route_via(self, prefix):
        out = sh("ip", "-n", self.ns["gw"], "-j", "route", "show", prefix, "proto", "199").stdout
        routes = json.loads(out or "[]")
        return [r.get("gateway") for r in routes]

    def tunnel_health(self, name):
        t = json.loads(self.vgwsh(self.gw, f"show tunnel {name} json"))["tunnels"][0]
        return t["state"].get("health", {})

    # ---- the test ------------------------------------------------------------------------------

    def test_bfd_on_both_ends_moves_both_directions_to_the_standby(self):
        t1_gw, t2_gw = TUNNELS["t1"][2], TUNNELS["t2"][2]
        t1_cgw, t2_cgw = TUNNELS["t1"][3], TUNNELS["t2"][3]
        wait(lambda: all(self.gw_bfd().get(p, {}).get("status") == "up" for p in (t1_cgw, t2_cgw)), 60,
             "vgw's BFD sessions over both tunnels up")
        wait(lambda: all(self.frr_bfd().get(p, {}).get("status") == "up" for p in (t1_gw, t2_gw)), 30,
             "FRR's BFD sessions up")
        wait(lambda: self.gw_route_via("10.2.0.0/24") == [t1_cgw], 30, "the DC's route via t1 on the gateway")
        wait(lambda: self.frr_route_via("10.1.0.0/24") == [t1_gw], 30, "the VPC's route via t1 at the customer")
        ours = self.gw_bfd()[t1_cgw]
        self.assertEqual(ours["clients"], ["tunnel t1"])
        self.assertEqual(ours["detection-time"], 300)
        self.assertEqual(self.frr_bfd()[t1_gw]["remote-id"], ours["id"])
        health = self.tunnel_health("t1")
        self.assertIn("bfd", [i["name"] for i in health["inputs"]])

        to_dc = vgwtest.UdpStream(self.ns["gw"], "10.1.0.1", self.ns["cgw"], "10.2.0.1", port=5101)
        to_vpc = vgwtest.UdpStream(self.ns["cgw"], "10.2.0.1", self.ns["gw"], "10.1.0.1", port=5102)
        self.addCleanup(to_dc.close)
        self.addCleanup(to_vpc.close)
        to_dc.start()
        to_vpc.start()
        time.sleep(1.0)
        undo = vgwtest.drop_esp(self.ns["gw"], "wan1")
        self.addCleanup(undo)
        time.sleep(2.5)
        lost_to_dc = to_dc.stop()
        lost_to_vpc = to_vpc.stop()
        print(f"\nt1 cut with BFD 100 ms x 3 on both ends: VPC -> DC (vgw's BFD) lost {lost_to_dc['lost']} of "
              f"{lost_to_dc['sent']} (longest gap {lost_to_dc['longest_gap']} ms); DC -> VPC (FRR's bfdd) lost "
              f"{lost_to_vpc['lost']} of {lost_to_vpc['sent']} (longest gap {lost_to_vpc['longest_gap']} ms)")

        # Both directions moved to t2, each within 500 ms, and each did use t1 before.
        for what, r in (("VPC -> DC", lost_to_dc), ("DC -> VPC", lost_to_vpc)):
            self.assertLess(r["longest_gap"], 500, f"{what}: {r}")
            self.assertGreater(r["lost"], 50, f"{what} did not lose traffic: was it on t1? {r}")
        self.assertEqual(self.gw_route_via("10.2.0.0/24"), [t2_cgw])
        self.assertEqual(self.frr_route_via("10.1.0.0/24"), [t2_gw])
        health = self.tunnel_health("t1")
        self.assertFalse(health.get("up", False))
        self.assertTrue(health["reason"].startswith("bfd: "), health["reason"])
        self.assertNotEqual(self.frr_bfd()[t1_gw]["status"], "up")
        self.assertEqual(self.gw_bfd()[t2_cgw]["status"], "up")

        # The path back: BFD comes up again on both ends.
        undo()
        wait(lambda: self.gw_bfd()[t1_cgw]["status"] == "up", 30, "vgw's BFD over t1 up again")
        wait(lambda: self.frr_bfd()[t1_gw]["status"] == "up", 30, "FRR's BFD over t1 up again")

        # The customer turning its BFD off (AdminDown) is no failure (RFC 5882 3.2): both tunnels
        # stay up, also once the customer has stopped sending altogether.
        wait(lambda: self.tunnel_health("t2").get("up", False), 10, "t2 up")
        self.vtysh("configure terminal", "bfd", "profile fast", "shutdown")
        wait(lambda: all(self.gw_bfd()[p]["status"] == "down" for p in (t1_cgw, t2_cgw)), 5,
             "vgw's sessions down by the customer's AdminDown")
        time.sleep(1.5)  # past the detection time: the customer has gone quiet
        for name in ("t1", "t2"):
            health = self.tunnel_health(name)
            bfd = next(i for i in health["inputs"] if i["name"] == "bfd")
            self.assertTrue(bfd.get("ok", False), health)
        self.assertTrue(self.tunnel_health("t2").get("up", False), self.tunnel_health("t2"))


if __name__ == "__main__":
    unittest.main()
