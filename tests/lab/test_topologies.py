"""The lab's topologies (lab/topologies/*.clab.yml), each brought up with vgwlab under a unique
lab name, with the real peers the topology names (label: lab, root; needs the build in build/).

- dc-to-vpc: the demo itself (`lab/demo.sh --no-setup --keep --name LAB`): the tunnels come up
  with IKEv2 against strongSwan, BGP with FRR over both, traffic crosses both ways, the active
  tunnel's path is cut and the demo prints what each direction lost; vgw's direction must lose
  under 600 ms of a 1,000 datagrams/s stream. Then, in the lab it left up: vgwd answers a gRPC
  client on the host through the node's socket directory, a change is saved in the node (not in
  the repository), and `down` leaves no namespace or state behind.
- transit-ecmp: BIRD + strongSwan; vgw's route to the data center has both tunnels as next hops
  and traffic from several VPC hosts' addresses crosses both.
- offices: three offices (strongSwan + FRR, strongSwan + BIRD, another vgw) reach each other
  and the VPC through the gateway.
"""

import json
import os
import re
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import vgwtest  # noqa: E402

VGWLAB = os.path.join(ROOT, "lab", "vgwlab")


def topology(name):
    return os.path.join(ROOT, "lab", "topologies", f"{name}.clab.yml")


def vgwlab(*args, check=True, timeout=180):
    r = subprocess.run([VGWLAB, *args], capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"vgwlab {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


class LabCase(unittest.TestCase):
    topo = None

    def setUp(self):
        if os.geteuid() != 0:
            raise RuntimeError("this test needs root (network namespaces)")
        self.lab = f"{self.topo}-{os.getpid() % 100000}{os.urandom(2).hex()}"
        self.addCleanup(self.down_and_check)

    def down_and_check(self):
        vgwlab("down", "--name", self.lab, check=False)
        namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        self.assertNotIn(f"clab-{self.lab}-", namespaces)
        self.assertFalse(os.path.exists(f"/run/vgwlab/{self.lab}"))

    def up(self):
        vgwlab("up", "--name", self.lab, topology(self.topo))

    def on(self, node, *argv, check=True):
        r = vgwlab("exec", "--name", self.lab, node, "--", *argv, check=False, timeout=60)
        if check:
            self.assertEqual(r.returncode, 0, f"{node}: {' '.join(argv)}:\n{r.stdout}{r.stderr}")
        return r

    def vgwsh_json(self, node, command):
        return json.loads(self.on(node, "vgwsh", "-c", command + " json").stdout)

    def connections(self, node):
        return {c["name"]: c for c in self.vgwsh_json(node, "show vpn-connection")["vpnConnections"]}

    def ping(self, node, source, destination):
        r = self.on(node, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", source, destination, check=False)
        self.assertEqual(r.returncode, 0, f"{node}: {source} -> {destination}:\n{r.stdout}{r.stderr}")


class DcToVpc(LabCase):
    topo = "dc-to-vpc"

    def test_the_demo_runs_and_fails_over(self):
        r = subprocess.run(["bash", os.path.join(ROOT, "lab", "demo.sh"), "--no-setup", "--keep", "--name", self.lab],
                           capture_output=True, text=True, timeout=600)
        out = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout)
        self.assertEqual(r.returncode, 0, out[-6000:] + r.stderr[-3000:])
        print("\n" + "\n".join(line for line in out.splitlines() if "lost" in line or "found t1 dead" in line))
        lost = {m.group(1): int(m.group(2)) for m in
                re.finditer(r"(\S+ -> \S+) \(.*?\):\s+lost (-?\d+) datagrams", out)}
        self.assertEqual(set(lost), {"vpc-host -> dc-host", "dc-host -> vpc-host"}, out[-3000:])
        self.assertLess(lost["vpc-host -> dc-host"], 600, "vgw's direction lost more than 600 ms of traffic")
        for direction, n in lost.items():
            self.assertGreaterEqual(n, 0, f"{direction}: the sink counted more datagrams than the source sent")
        for story in ("show ike sa", "show bgp summary", "show bfd peers", "Status: up", "carrying traffic",
                      "traffic is back on t1"):
            self.assertIn(story, out)

        # The lab it left up (--keep): vgwd in the node serves a gRPC client on the host through
        # the node's socket directory, and a change is saved in the node, not in the repository.
        self.on("vgw", "vgwsh", "-c", "configure", "-c", "customer-gateway it-1 ip 192.0.2.77 asn 64601")
        pb = vgwtest.protos()["vpn_pb2"]
        api = vgwtest.Api(f"unix:/run/vgwlab/{self.lab}/vgw/run/vgwd.sock")
        try:
            reply = api.call("VpnService", "DescribeCustomerGateways", pb.DescribeCustomerGatewaysRequest(name="it-1"),
                             pb.DescribeCustomerGatewaysResponse)
        finally:
            api.close()
        self.assertEqual(reply.customer_gateways[0].ip_address, "192.0.2.77")
        self.assertIn("customer-gateway it-1 ip", self.on("vgw", "cat", "/etc/vgw/vgwd.conf").stdout)
        with open(os.path.join(ROOT, "lab", "configs", "dc-to-vpc", "vgw", "vgwd.conf")) as f:
            self.assertNotIn("it-1", f.read())


class TransitEcmp(LabCase):
    topo = "transit-ecmp"

    def test_both_tunnels_carry_traffic(self):
        self.up()
        vgwtest.wait(lambda: all(t["carrying"] and t.get("bgpState") == "Established"
                                 for t in self.connections("vgw")["dc"]["tunnels"]),
                     timeout=90, what="both tunnels carrying, BGP Established on both")
        route = self.vgwsh_json("vgw", "show ip route 10.20.0.0/24")
        self.assertIn("t1", json.dumps(route))
        self.assertIn("t2", json.dumps(route))
        kernel = self.on("vgw", "ip", "route", "show", "10.20.0.0/24").stdout
        self.assertIn("dev t1", kernel)
        self.assertIn("dev t2", kernel)

        # The kernel spreads flows by their addresses: pings from eight VPC addresses cross both.
        def tx():
            return {t["tunnel"]: int(t.get("txPackets", 0)) for t in self.connections("vgw")["dc"]["tunnels"]}
        before = tx()
        for i in range(8):
            self.on("vpc-host", "ip", "addr", "add", f"10.0.1.{20 + i}/24", "dev", "eth1")
        for i in range(8):
            self.ping("vpc-host", f"10.0.1.{20 + i}", "10.20.0.10")
        after = tx()
        self.assertGreater(after["t1"] - before["t1"], 3, (before, after))
        self.assertGreater(after["t2"] - before["t2"], 3, (before, after))
        self.ping("dc-host", "10.20.0.10", "10.0.1.10")


class Offices(LabCase):
    topo = "offices"

    def test_offices_reach_each_other_through_the_gateway(self):
        self.up()
        vgwtest.wait(lambda: all(c["status"] == "up" and all(t.get("bgpState") == "Established" for t in c["tunnels"])
                                 for c in self.connections("hub").values()),
                     timeout=90, what="three connections up with BGP on all six tunnels")
        self.assertEqual(sorted(self.connections("hub")), ["office-a", "office-b", "office-c"])
        # Each office has the two others' networks and the VPC through the gateway.
        wait_for = {"office-a": ("vtysh", "-c", "show ip route bgp json"),
                    "office-b": ("birdc", "show route protocol t1"),
                    "office-c": ("vgwsh", "-c", "show ip route bgp")}
        lans = {"office-a": "10.1.0.1", "office-b": "10.2.0.1", "office-c": "10.3.0.1"}
        for office, cmd in wait_for.items():
            wanted = [f"10.{n}.0.0/24" for n in (1, 2, 3) if lans[office] != f"10.{n}.0.1"] + ["10.0.0.0/16"]
            vgwtest.wait(lambda: all(p in self.on(office, *cmd).stdout for p in wanted), timeout=60,
                         what=f"{office}: routes to {wanted}")
        for office, source in lans.items():
            for other, destination in lans.items():
                if other != office:
                    self.ping(office, source, destination)
            self.ping(office, source, "10.0.0.1")
        # FRR's `show ip route bgp` in the vgw office: only the BGP routes.
        routes = self.on("office-c", "vgwsh", "-c", "show ip route bgp").stdout
        self.assertIn("B>* 10.1.0.0/24", routes)
        self.assertNotIn("C>", routes)
        # The vgw office's own view: its connection to the gateway, both tunnels up.
        hub = self.connections("office-c")["hub"]
        self.assertEqual(hub["status"], "up", hub)


if __name__ == "__main__":
    unittest.main()
