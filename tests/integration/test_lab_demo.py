"""The shipped demo topology (lab/topologies/demo.clab.yml) brought up with vgwlab under a
unique lab name: vgwd runs in the gateway's network namespace with the demo config, answers
vgwsh inside the node and a gRPC client on the host (through the node's socket directory), the
nodes reach each other over the lab link, and `down` leaves nothing behind — twice in a row."""

import json
import os
import subprocess
import time
import unittest

import vgwtest

VGWLAB = os.path.join(vgwtest.SOURCE_DIR, "lab", "vgwlab")
TOPO = os.path.join(vgwtest.SOURCE_DIR, "lab", "topologies", "demo.clab.yml")


def vgwlab(*args, check=True):
    r = subprocess.run([VGWLAB, *args], capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"vgwlab {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


class DemoLab(unittest.TestCase):

    def setUp(self):
        self.lab = f"vgwit-{os.getpid()}-{os.urandom(2).hex()}"
        self.addCleanup(vgwlab, "down", "--name", self.lab, check=False)

    def gw(self, *argv):
        return vgwlab("exec", "--name", self.lab, "gw", "--", *argv, check=False)

    def wait_for_vgwd(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.gw("vgwsh", "-c", "show version").returncode == 0:
                return
            time.sleep(0.1)
        self.fail("vgwd in the lab did not answer")

    def assert_gone(self):
        namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        self.assertNotIn(f"clab-{self.lab}-", namespaces)
        self.assertFalse(os.path.exists(f"/run/vgwlab/{self.lab}"))

    def test_demo_up_use_down_twice(self):
        for attempt in range(2):
            vgwlab("up", "--name", self.lab, TOPO)
            self.wait_for_vgwd()
            info = json.loads(vgwlab("inspect", "--name", self.lab).stdout)
            gw = next(n for n in info["nodes"] if n["name"] == "gw")
            self.assertTrue(gw["alive"])
            self.assertEqual(gw["namespace"], f"clab-{self.lab}-gw")

            # vgwsh inside the node: the demo config is loaded.
            r = self.gw("vgwsh", "-c", "show customer-gateway json")
            self.assertEqual(r.returncode, 0, r.stderr)
            names = [c["name"] for c in json.loads(r.stdout)["customerGateways"]]
            self.assertEqual(names, ["branch-1", "hq", "lab-v6"])

            # A change through vgwsh is visible to a gRPC client on the host, and saved.
            r = self.gw("vgwsh", "-c", "configure", "-c",
                        f"customer-gateway it-{attempt} ip 192.0.2.{10 + attempt} asn 64{attempt}01")
            self.assertEqual(r.returncode, 0, r.stderr)
            pb = vgwtest.protos()["vpn_pb2"]
            api = vgwtest.Api(f"unix:/run/vgwlab/{self.lab}/gw/run/vgwd.sock")
            try:
                reply = api.call("VpnService", "DescribeCustomerGateways",
                                 pb.DescribeCustomerGatewaysRequest(name=f"it-{attempt}"),
                                 pb.DescribeCustomerGatewaysResponse)
            finally:
                api.close()
            self.assertEqual(reply.customer_gateways[0].ip_address, f"192.0.2.{10 + attempt}")
            r = self.gw("cat", "/etc/vgw/vgwd.conf")
            self.assertIn(f"customer-gateway it-{attempt} ip", r.stdout)

            # The lab link works and the socket is the node's, not the host's.
            r = vgwlab("exec", "--name", self.lab, "client", "--", "ping", "-c", "1", "-W", "2",
                       "192.0.2.1", check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertFalse(os.path.exists("/run/vgw/vgwd.sock") and
                             os.path.samefile("/run/vgw/vgwd.sock",
                                              f"/run/vgwlab/{self.lab}/gw/run/vgwd.sock"))

            vgwlab("down", "--name", self.lab)
            self.assert_gone()

        # The repository's demo config is untouched by what the lab changed.
        with open(os.path.join(vgwtest.SOURCE_DIR, "lab", "configs", "demo", "vgwd.conf")) as f:
            self.assertNotIn("it-0", f.read())


if __name__ == "__main__":
    unittest.main()
