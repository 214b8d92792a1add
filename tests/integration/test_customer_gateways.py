"""A data center's customer gateway built the usual open-source way - strongSwan's charon for
IKEv2/ESP and FRR or BIRD for BGP - connected to vgwd by one VPN connection with two tunnels
and BGP over both (label: interop, root).

Topology (network namespaces made by the test, unique names):
    vgwd  192.0.2.1    ---- veth "wan1" ---- 192.0.2.2     charon + FRR (or BIRD), AS 65010
          198.51.100.1 ---- veth "wan2" ---- 198.51.100.2  169.254.11.2, 169.254.12.2,
          10.0.0.1 (lo, the VPC)                            10.20.0.1 (lo, the data center)
vgwd: customer gateway dc (AS 65010), tunnels t1 and t2 negotiated with IKEv2 (respond-only,
pre-shared key), inside 169.254.11.1/30 and 169.254.12.1/30, health check 100 ms x 3;
vpn-connection dc with t1 active, t2 standby and `bgp`; vpc-network 10.0.0.0/16.
charon (kernel-libipsec: one ipsec0 TUN for both tunnels, so each child's selectors name its
inside address: 169.254.1x.2/32 + 10.20.0.0/24 <-> 169.254.1x.1/32 + 10.0.0.0/16) initiates both
IKE SAs; the routing daemon peers with both inside addresses of vgwd from AS 65010 and announces
10.20.0.0/24. Checked: both IKE SAs and both BGP sessions up as vgwd and the peer see them; each
side has the other's network over BGP (vgwd: 10.20.0.0/24 via t1 in the kernel, AS path 65010;
the peer: 10.0.0.0/16 with AS path 45104); ping from the VPC to the data center; with t1's ESP
dropped, vgwd's route moves to t2 and a 1,000 packets/s stream to the data center loses under
600 ms. With BIRD also the transit-router kind: the route over both tunnels (ECMP), ping through.
"""

import json
import os
import shutil
import tempfile
import unittest

import vgwtest
from strongswan import Charon
from vgwtest import read_pid, sh, wait

PSK = "vgw-dc-interop-psk-0123456789"
SW_ID = "dc-cgw.example.net"
VPC, DC = "10.0.0.1", "10.20.0.1"
TUNNELS = (("t1", "192.0.2.1", "192.0.2.2", 11), ("t2", "198.51.100.1", "198.51.100.2", 12))

SWANCTL_CONN = """    {name} {{
        version = 2
        local_addrs = {local}
        remote_addrs = {remote}
        proposals = aes256gcm16-prfsha256-curve25519
        mobike = no
        keyingtries = 0
        dpd_delay = 30s
        local {{
            auth = psk
            id = {sw_id}
        }}
        remote {{
            auth = psk
            id = {remote}
        }}
        children {{
            {name} {{
                local_ts = 169.254.{octet}.2/32,10.20.0.0/24
                remote_ts = 169.254.{octet}.1/32,10.0.0.0/16
                esp_proposals = aes128gcm16
                start_action = none
                dpd_action = restart
                close_action = none
            }}
        }}
    }}
"""


class CustomerGatewayMixin:
    """The topology and the checks; subclasses start the routing daemon."""

    def setUp(self):
        if os.geteuid() != 0:
            raise RuntimeError("this test needs root (network namespaces)")
        tag = f"{os.getpid() % 100000}{os.urandom(2).hex()}"
        self.ns = {"v": f"vgwcg-v-{tag}", "c": f"vgwcg-c-{tag}"}
        self.dir = tempfile.mkdtemp(prefix="vgw-cgw-")
        self.pids = []
        self.addCleanup(self.cleanup)
        vgwtest.add_netns(*self.ns.values())
        for i, (_, vgw_ip, cgw_ip, _) in enumerate(TUNNELS):
            vgwtest.veth(self.ns["v"], f"wan{i + 1}", [f"{vgw_ip}/24"], self.ns["c"], f"wan{i + 1}", [f"{cgw_ip}/24"])
        sh("ip", "-n", self.ns["v"], "addr", "add", f"{VPC}/32", "dev", "lo")
        for a in (f"{DC}/32", "169.254.11.2/32", "169.254.12.2/32"):
            sh("ip", "-n", self.ns["c"], "addr", "add", a, "dev", "lo")
        for ns in self.ns.values():
            sh("ip", "netns", "exec", ns, "sh", "-c", "echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter; "
               "echo 2 > /proc/sys/net/ipv4/conf/default/rp_filter")

        self.vgw = vgwtest.Daemon(workdir=os.path.join(self.dir, "vgw"), extra_args=(), netns=self.ns["v"])
        os.makedirs(self.vgw.dir)
        self.vgw.start()
        lines = ["configure", f"customer-gateway dc ip {TUNNELS[0][2]} asn 65010",
                 "vpn-gateway", "vpc-network 10.0.0.0/16", "exit"]
        for name, vgw_ip, cgw_ip, octet in TUNNELS:
            lines += [f"tunnel {name}", f"local {vgw_ip}", f"remote {cgw_ip}", f"inside 169.254.{octet}.1/30",
                      f"ike remote-id fqdn:{SW_ID}", "ike respond-only", "ike proposal aes256gcm16-prfsha256-curve25519",
                      "esp proposal aes128gcm16", f"ike pre-shared-key {PSK}", "health-check interval 100 retries 3",
                      "exit"]
        lines += ["vpn-connection dc", "customer-gateway dc", "tunnel t1 active", "tunnel t2 standby",
                  "bgp timers 3 9", "exit"]
        self.vgwsh(*lines)

        self.charon = Charon(self.ns["c"], os.path.join(self.dir, "charon")).start()
        conns = "".join(SWANCTL_CONN.format(name=name, local=cgw_ip, remote=vgw_ip, sw_id=SW_ID, octet=octet)
                        for name, vgw_ip, cgw_ip, octet in TUNNELS)
        secrets = "".join(f"    ike-{name} {{\n        id-1 = {SW_ID}\n        id-2 = {vgw_ip}\n"
                          f"        secret = \"{PSK}\"\n    }}\n" for name, vgw_ip, _, _ in TUNNELS)
        self.charon.load(f"connections {{\n{conns}}}\nsecrets {{\n{secrets}}}\n")
        for name, *_ in TUNNELS:
            r = self.charon.swanctl("--initiate", "--child", name, "--timeout", "20", check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr + self.charon.log()[-3000:])
        # The routing daemon resolves its next hops through the main table (charon's routes are in
        # table 220, which neither FRR's zebra nor BIRD reads).
        for _, _, _, octet in TUNNELS:
            sh("ip", "-n", self.ns["c"], "route", "add", f"169.254.{octet}.1/32", "dev", "ipsec0", "src",
               f"169.254.{octet}.2")
        self.start_router()

    def cleanup(self):
        vgwtest.stop_peer_daemons(self.pids)
        if getattr(self, "charon", None):
            self.charon.stop()
        if getattr(self, "vgw", None):
            self.vgw.kill()
        for ns in self.ns.values():
            sh("ip", "netns", "del", ns, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def vgwsh(self, *commands):
        r = self.vgw.vgwsh(*commands)
        self.assertEqual(r.returncode, 0, f"{commands}: {r.stdout}{r.stderr}")
        return r.stdout

    def connection(self):
        return json.loads(self.vgwsh("show vpn-connection dc json"))["vpnConnections"][0]

    def kernel_route(self, prefix):
        return sh("ip", "-n", self.ns["v"], "-o", "route", "show", prefix).stdout.strip()

    def interface(self, tunnel):
        return json.loads(self.vgwsh(f"show tunnel {tunnel} json"))["tunnels"][0]["state"]["interfaceName"]

    def tx(self, tunnel):
        c = json.loads(self.vgwsh(f"show tunnel {tunnel} json"))["tunnels"][0]["state"]["counters"]
        return int(c.get("txPackets", 0))

    def test_bgp_over_both_tunnels_routes_both_ways_and_failover(self):
        def up():
            c = self.connection()
            ok = all(t.get("up") and t.get("bgpState") == "Established" for t in c["tunnels"])
            return c if ok else None
        c = wait(up, timeout=60, what="both tunnels healthy with their BGP sessions Established")
        self.assertEqual(c["status"], "up")
        self.assertEqual([t["bgpPeer"] for t in c["tunnels"]], ["169.254.11.2", "169.254.12.2"])
        self.assertEqual(len(self.charon.sas()), 2)
        ike = json.loads(self.vgwsh("show ike sa json"))
        self.assertEqual(sorted(t["tunnel"] for t in ike["tunnels"] if t.get("status") == "established"), ["t1", "t2"], ike)

        # vgwd has the data center's network over BGP, via the active tunnel.
        t1, t2 = self.interface("t1"), self.interface("t2")
        wait(lambda: f"dev {t1}" in self.kernel_route("10.20.0.0/24"), timeout=30, what="vgwd: 10.20.0.0/24 via t1")
        paths = json.loads(self.vgwsh("show bgp ipv4 unicast 10.20.0.0/24 json"))["paths"]
        self.assertEqual(sorted(p["asPath"] for p in paths), ["65010", "65010"], paths)
        # The peer has the VPC network from AS 45104 over both sessions.
        wait(lambda: self.peer_as_paths("10.0.0.0/16") == ["45104", "45104"], timeout=30,
             what="the peer's paths to 10.0.0.0/16")
        r = sh("ip", "netns", "exec", self.ns["v"], "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", VPC, DC,
               check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        # Failover: t1's ESP dropped on vgwd's side; its health check fails, the BGP route via t2 (the
        # standby's, weight 100) takes over at once.
        stream = vgwtest.UdpStream(self.ns["v"], VPC, self.ns["c"], DC).start()
        self.addCleanup(stream.close)
        before = self.tx("t2")
        wait(lambda: self.tx("t1") > 200, what="stream over t1")
        self.addCleanup(vgwtest.drop_esp(self.ns["v"], "wan1"))
        wait(lambda: f"dev {t2}" in self.kernel_route("10.20.0.0/24"), timeout=10, what="vgwd: 10.20.0.0/24 via t2")
        wait(lambda: self.tx("t2") > before + 300, what="stream over t2")
        lost = stream.stop()
        print(f"\n  {self.router} customer gateway, failover at vgwd: {lost}")
        self.assertGreater(lost["received"], 300, lost)
        self.assertLess(lost["lost"], 600, f"failover lost more than 600 ms of traffic at 1,000 packets/s: {lost}")


class StrongswanAndFrr(CustomerGatewayMixin, unittest.TestCase):
    router = "strongSwan + FRR"

    def start_router(self):
        d = self.frr_dir = os.path.join(self.dir, "frr")
        os.makedirs(d)
        with open(os.path.join(d, "zebra.conf"), "w") as f:
            f.write("hostname dc\n")
        neighbors = "".join(f" neighbor 169.254.{o}.1 remote-as 45104\n"
                            f" neighbor 169.254.{o}.1 update-source 169.254.{o}.2\n"
                            f" neighbor 169.254.{o}.1 disable-connected-check\n"
                            f" neighbor 169.254.{o}.1 timers 3 9\n"
                            f" neighbor 169.254.{o}.1 timers connect 2\n" for *_, o in TUNNELS)
        with open(os.path.join(d, "bgpd.conf"), "w") as f:
            f.write(f"frr defaults traditional\nhostname dc\nrouter bgp 65010\n bgp router-id {DC}\n"
                    f" no bgp ebgp-requires-policy\n no bgp network import-check\n{neighbors}"
                    f" address-family ipv4 unicast\n  network 10.20.0.0/24\n exit-address-family\n!\n")
        common = ["-d", "-u", "root", "-g", "frrvty", "-z", f"{d}/zserv.api", "--vty_socket", d, "-P", "0"]
        for daemon in ("zebra", "bgpd"):
            sh("ip", "netns", "exec", self.ns["c"], f"/usr/lib/frr/{daemon}", *common,
               "-f", f"{d}/{daemon}.conf", "-i", f"{d}/{daemon}.pid")
            self.pids.append(read_pid(f"{d}/{daemon}.pid"))

    def peer_as_paths(self, prefix):
        out = sh("vtysh", "--vty_socket", self.frr_dir, "-c", f"show bgp ipv4 unicast {prefix} json", check=False).stdout
        paths = (json.loads(out or "{}").get("paths") or [])
        return sorted(p.get("aspath", {}).get("string", "") for p in paths)


class StrongswanAndBird(CustomerGatewayMixin, unittest.TestCase):
    router = "strongSwan + BIRD"

    def start_router(self):
        d = self.bird_dir = os.path.join(self.dir, "bird")
        os.makedirs(d)
        sessions = "".join(f"""protocol bgp t{o} {{
  local 169.254.{o}.2 as 65010;
  neighbor 169.254.{o}.1 as 45104;
  multihop 1;
  hold time 9;
  connect retry time 2;
  ipv4 {{ import all; export where source = RTS_STATIC; }};
}}
""" for *_, o in TUNNELS)
        with open(os.path.join(d, "bird.conf"), "w") as f:
            f.write(f"""router id {DC};
protocol device {{ }}
protocol kernel {{ learn; ipv4 {{ import all; export none; }}; }}
protocol static {{ ipv4; route 10.20.0.0/24 blackhole; }}
{sessions}""")
        sh("ip", "netns", "exec", self.ns["c"], "bird", "-c", f"{d}/bird.conf", "-s", f"{d}/bird.ctl",
           "-P", f"{d}/bird.pid")
        self.pids.append(read_pid(f"{d}/bird.pid"))

    def test_transit_router_uses_both_tunnels(self):
        # The seed's transit scenario: the same connection on a transit router carries over both
        # tunnels (one multipath route in vgwd's kernel).
        wait(lambda: all(t.get("bgpState") == "Established" for t in self.connection()["tunnels"]), timeout=60,
             what="both BGP sessions Established")
        self.vgwsh("configure", "vpn-gateway", "kind transit-router")
        t1, t2 = self.interface("t1"), self.interface("t2")
        wait(lambda: (lambda r: f"dev {t1}" in r and f"dev {t2}" in r)(self.kernel_route("10.20.0.0/24")), timeout=30,
             what="vgwd: 10.20.0.0/24 over t1 and t2")
        self.assertEqual([t["role"] for t in self.connection()["tunnels"]], ["ecmp", "ecmp"])
        r = sh("ip", "netns", "exec", self.ns["v"], "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", VPC, DC,
               check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def peer_as_paths(self, prefix):
        out = sh("birdc", "-s", os.path.join(self.bird_dir, "bird.ctl"), f"show route {prefix} all", check=False).stdout
        return sorted(line.split("BGP.as_path:", 1)[1].strip() for line in out.splitlines() if "BGP.as_path:" in line)


if __name__ == "__main__":
    unittest.main()
