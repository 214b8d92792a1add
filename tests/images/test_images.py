"""The lab's container images (label: image, root): lab/images/build.sh builds localhost/vgw and
localhost/vgw-cgw with podman from a local Debian 12 base; the vgw image runs `vgwd --version`
with only its runtime libraries, and two containers of it, linked by a veth pair the test puts
into their network namespaces, peer over BGP (each announces a network the other installs in
its kernel) and ping each other's network; the customer-gateway image holds charon, swanctl,
FRR's daemons, BIRD and cgw-start."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

ROOT = os.environ.get("VGW_SOURCE_DIR") or os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
PODMAN = ["podman", "--runtime", "runc"]  # by name; crun refuses this machine's hybrid cgroups
LIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096"]


def run(*argv, check=True, timeout=120, **kw):
    r = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def podman(*args, **kw):
    return run(*PODMAN, *args, **kw)


class Images(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise RuntimeError("this test needs root (podman, network namespaces)")
        r = subprocess.run(["bash", os.path.join(ROOT, "lab", "images", "build.sh")], text=True,
                           capture_output=True, timeout=3300)
        if r.returncode != 0:
            raise AssertionError(f"lab/images/build.sh failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")

    def setUp(self):
        self.tag = f"vgwimg-{os.getpid() % 100000}{os.urandom(2).hex()}"
        self.dir = tempfile.mkdtemp(prefix="vgw-image-test-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def test_vgwd_runs_with_its_runtime_libraries(self):
        r = podman("run", "--rm", *LIMITS, "localhost/vgw:latest", "vgwd", "--version")
        self.assertIn("vgwd", r.stdout)
        commit = run("git", "-C", ROOT, "rev-parse", "--short", "HEAD").stdout.strip()
        self.assertIn(commit, r.stdout)       # built from the current commit
        r = podman("run", "--rm", *LIMITS, "localhost/vgw:latest", "vgwsh", "--help")
        self.assertIn("The vgw shell", r.stdout)

    def test_customer_gateway_image_has_its_daemons(self):
        r = podman("run", "--rm", *LIMITS, "localhost/vgw-cgw:latest", "sh", "-c",
                   "ls /usr/lib/ipsec/charon /usr/lib/frr/bgpd /usr/lib/frr/frrinit.sh /usr/sbin/bird "
                   "/usr/sbin/swanctl /usr/local/sbin/cgw-start && "
                   "dpkg-query -W -f '${Package}\\n' strongswan-charon libcharon-extra-plugins frr bird2")
        for package in ("strongswan-charon", "libcharon-extra-plugins", "frr", "bird2"):
            self.assertIn(package + "\n", r.stdout)

    def test_two_vgw_containers_peer_over_bgp(self):
        names = {}
        for side, (addr, asn, net) in {"a": ("192.0.2.1", 65001, "10.1.0"), "b": ("192.0.2.2", 65002, "10.2.0")}.items():
            conf = os.path.join(self.dir, side)
            os.makedirs(conf)
            peer = "192.0.2.2" if side == "a" else "192.0.2.1"
            with open(os.path.join(conf, "vgwd.conf"), "w") as f:
                f.write(f"router bgp {asn}\n bgp router-id {addr}\n no bgp ebgp-requires-policy\n"
                        f" neighbor {peer} remote-as {65003 - asn + 65000}\n neighbor {peer} timers 3 9\n"
                        f" neighbor {peer} timers connect 2\n address-family ipv4 unicast\n"
                        f"  network {net}.0/24\n exit-address-family\nexit\n")
            name = names[side] = f"{self.tag}-{side}"
            self.addCleanup(podman, "rm", "-f", "-t", "2", name, check=False)
            podman("run", "-d", "--name", name, "--network", "none", *LIMITS, "--cap-add", "NET_ADMIN",
                   "--cap-add", "NET_RAW", "-v", f"{conf}:/etc/vgw:z", "localhost/vgw:latest")
        pids = {s: podman("inspect", "-f", "{{.State.Pid}}", n).stdout.strip() for s, n in names.items()}
        run("ip", "link", "add", f"{self.tag[:10]}a", "netns", pids["a"], "type", "veth",
            "peer", "name", f"{self.tag[:10]}b", "netns", pids["b"])
        for side, addr, net in (("a", "192.0.2.1", "10.1.0"), ("b", "192.0.2.2", "10.2.0")):
            dev = f"{self.tag[:10]}{side}"
            for cmd in (["ip", "addr", "add", f"{addr}/24", "dev", dev], ["ip", "link", "set", dev, "up"],
                        ["ip", "addr", "add", f"{net}.1/24", "dev", "lo"]):
                podman("exec", names[side], *cmd)

        def kernel_route(side, prefix):
            return podman("exec", names[side], "ip", "route", "show", prefix).stdout
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "via 192.0.2.2" in kernel_route("a", "10.2.0.0/24") and "via 192.0.2.1" in kernel_route("b", "10.1.0.0/24"):
                break
            time.sleep(0.5)
        else:
            summary = podman("exec", names["a"], "vgwsh", "-c", "show bgp summary", check=False)
            logs = podman("logs", names["a"], check=False)
            self.fail(f"routes not exchanged:\n{summary.stdout}{summary.stderr}\n{logs.stdout[-2000:]}{logs.stderr[-2000:]}")
        summary = json.loads(podman("exec", names["a"], "vgwsh", "-c", "show bgp summary json").stdout)
        self.assertEqual([p["state"]["state"] for p in summary["peers"]], ["Established"], summary)
        podman("exec", names["a"], "ping", "-c", "2", "-W", "2", "-I", "10.1.0.1", "10.2.0.1")


if __name__ == "__main__":
    unittest.main()
