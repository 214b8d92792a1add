"""Tests for lab/vgwlab, the containerlab-topology runner over network namespaces.

They create real namespaces, veths, mounts and processes, so they run as root:
    /usr/bin/python3 -m unittest discover -s tests/lab -v          (from the repo root)
    /usr/bin/python3 /path/to/tests/lab/test_vgwlab.py -v          (from anywhere)
Every lab gets a unique name (pid + random suffix) and is removed in cleanups even when a test
fails, with a fallback that does not rely on vgwlab itself.
"""

import glob
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
VGWLAB = os.path.normpath(os.path.join(HERE, "..", "..", "lab", "vgwlab"))
DC_TO_VPC = os.path.normpath(os.path.join(HERE, "..", "..", "lab", "topologies", "dc-to-vpc.clab.yml"))
STATE_ROOT = "/run/vgwlab"
NETNS_DIR = "/run/netns"
PY = "/usr/bin/python3"

ECHO_SERVER = """\
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
print("listening on", sys.argv[1], flush=True)
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(b"echo from " + peer[0].encode() + b": " + data, peer)
"""

ECHO_CLIENT = """\
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
for _ in range(50):                       # the server may still be starting
    s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
    try:
        print(s.recvfrom(2048)[0].decode())
        sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)
"""


def unique_lab():
    return f"vt{os.getpid()}{random.randrange(16 ** 4):04x}"


def vgwlab(*args, input=None, exe=VGWLAB, **kw):
    return subprocess.run([exe, *args], input=input, capture_output=True, text=True, timeout=120, **kw)


def lab_namespaces(lab):
    try:
        return sorted(ns for ns in os.listdir(NETNS_DIR) if ns.startswith(f"clab-{lab}-"))
    except FileNotFoundError:
        return []


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"   # zombies are dead
    except OSError:
        return False


def force_cleanup(lab):
    """Last-resort cleanup that does not trust vgwlab."""
    for ns in lab_namespaces(lab):
        pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    shutil.rmtree(os.path.join(STATE_ROOT, lab), ignore_errors=True)
    try:
        os.rmdir(STATE_ROOT)
    except OSError:
        pass


class LabCase(unittest.TestCase):
    """Helpers: temp dir, topology writer, lab registration with cleanup."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vgwlab-test-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def new_lab(self):
        lab = unique_lab()
        self.addCleanup(force_cleanup, lab)                     # runs last
        self.addCleanup(vgwlab, "down", "--name", lab)
        return lab

    def write_topo(self, text, name="topo.clab.yml"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def simple_topo(self, lab, cmd="sleep 100000", extra_exec=""):
        return self.write_topo(f"""\
            name: {lab}
            topology:
              nodes:
                left:
                  kind: linux
                  cmd: {cmd}
                  exec: ["ip addr add 10.98.0.1/24 dev eth1"{extra_exec}]
                right:
                  kind: linux
                  cmd: {cmd}
                  exec: ["ip addr add 10.98.0.2/24 dev eth1"]
              links:
                - endpoints: ["left:eth1", "right:eth1"]
            """, name=f"{lab}.clab.yml")

    def up(self, topo, *flags):
        p = vgwlab("up", topo, *flags)
        self.assertEqual(p.returncode, 0, f"up failed:\n{p.stdout}\n{p.stderr}")
        return p

    def inspect(self, *target):
        p = vgwlab("inspect", *target)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def pids(self, lab):
        return [n["pid"] for n in self.inspect("--name", lab)["nodes"] if n["pid"]]

    def assert_gone(self, lab, pids=()):
        self.assertEqual(lab_namespaces(lab), [])
        self.assertFalse(os.path.exists(os.path.join(STATE_ROOT, lab)), "state dir left behind")
        deadline = time.monotonic() + 2
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual([p for p in pids if alive(p)], [], "processes left behind")


class TestRunningLab(LabCase):
    """One two-node lab, brought up once, inspected from many angles."""

    @classmethod
    def setUpClass(cls):
        cls.lab = lab = unique_lab()
        cls.dir = tempfile.mkdtemp(prefix="vgwlab-test-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, ignore_errors=True)
        cls.addClassCleanup(force_cleanup, lab)
        cls.addClassCleanup(vgwlab, "down", "--name", lab)
        os.makedirs(os.path.join(cls.dir, "files", "data"))
        for rel, text in (("files/secret.txt", f"secret of {lab}\n"), ("files/data/note", "note\n"),
                          ("files/echo.py", ECHO_SERVER), ("files/client.py", ECHO_CLIENT)):
            with open(os.path.join(cls.dir, rel), "w") as f:
                f.write(text)
        cls.topo = os.path.join(cls.dir, "lab.clab.yml")
        with open(cls.topo, "w") as f:
            f.write(textwrap.dedent(f"""\
                # generated by test_vgwlab.py
                name: {lab}
                topology:
                  defaults:
                    env:
                      FROM_DEFAULTS: "yes"
                  nodes:
                    alpha:
                      kind: linux
                      image: ignored/by-vgwlab:latest
                      env:
                        GREETING: hello world
                        NODE: __clabNodeName__
                      sysctls:
                        net.ipv4.ip_forward: 1
                      binds:
                        - files/secret.txt:/etc/{lab}/secret.txt:ro
                        - files/data:/srv/{lab}-data
                        - files/client.py:/opt/{lab}/client.py:ro
                        - __clabNodeDir__/run:/run/{lab}
                      exec:
                        - ip addr add 10.99.0.1/24 dev eth1
                        - touch /run/{lab}/made-by-exec
                    beta:
                      kind: linux
                      cmd: {PY} -u /opt/{lab}/echo.py 7007
                      binds:
                        - files/echo.py:/opt/{lab}/echo.py:ro
                      exec:
                        - ip addr add 10.99.0.2/24 dev eth1
                  links:
                    - endpoints: ["alpha:eth1", "beta:eth1"]
                    - endpoints: ["alpha:second", "beta:second"]
                      mtu: 1500
                """))
        p = vgwlab("up", cls.topo)
        if p.returncode:
            raise AssertionError(f"up failed:\n{p.stdout}\n{p.stderr}")

    def exec(self, node, *cmd, input=None):
        return vgwlab("exec", self.topo, node, "--", *cmd, input=input)

    def ns_addrs(self, node):
        out = subprocess.run(["ip", "-j", "-n", f"clab-{self.lab}-{node}", "addr"],
                             capture_output=True, text=True, check=True).stdout
        return {i["ifname"]: i for i in json.loads(out)}

    def test_namespaces_exist(self):
        self.assertEqual(lab_namespaces(self.lab), [f"clab-{self.lab}-alpha", f"clab-{self.lab}-beta"])

    def test_veth_interfaces_and_addresses(self):
        alpha, beta = self.ns_addrs("alpha"), self.ns_addrs("beta")
        self.assertEqual(sorted(alpha), ["eth1", "lo", "second"])
        self.assertEqual(alpha["lo"]["operstate"], "UNKNOWN")       # loopback is up
        self.assertIn("UP", alpha["lo"]["flags"])
        for ifaces, addr in ((alpha, "10.99.0.1"), (beta, "10.99.0.2")):
            eth1 = ifaces["eth1"]
            self.assertEqual(eth1["operstate"], "UP")
            self.assertEqual(eth1["mtu"], 9500)                     # containerlab's default
            self.assertEqual(ifaces["second"]["mtu"], 1500)
            self.assertIn((addr, 24), [(a["local"], a["prefixlen"]) for a in eth1["addr_info"]])
        root = subprocess.run(["ip", "-j", "addr"], capture_output=True, text=True).stdout
        self.assertNotIn("10.99.0.", root)

    def test_udp_echo_between_nodes(self):
        p = self.exec("alpha", PY, f"/opt/{self.lab}/client.py", "10.99.0.2", "7007", "hi")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "echo from 10.99.0.1: hi")

    def test_bind_visible_inside_not_on_host(self):
        p = self.exec("alpha", "cat", f"/etc/{self.lab}/secret.txt", f"/srv/{self.lab}-data/note")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, f"secret of {self.lab}\nnote\n")
        for path in (f"/etc/{self.lab}", f"/srv/{self.lab}-data", f"/opt/{self.lab}", f"/run/{self.lab}"):
            self.assertFalse(os.path.lexists(path), f"{path} leaked onto the host")
        # the other node has its own binds only
        self.assertNotEqual(self.exec("beta", "test", "-e", f"/etc/{self.lab}/secret.txt").returncode, 0)

    def test_read_only_bind(self):
        p = self.exec("alpha", "sh", "-c", f"echo x > /etc/{self.lab}/secret.txt")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("Read-only", p.stderr)
        with open(os.path.join(self.dir, "files", "secret.txt")) as f:
            self.assertEqual(f.read(), f"secret of {self.lab}\n")

    def test_node_dir_bind_is_shared_by_the_node_processes(self):
        host_dir = os.path.join(STATE_ROOT, self.lab, "alpha", "run")
        self.assertTrue(os.path.exists(os.path.join(host_dir, "made-by-exec")))
        self.assertEqual(self.exec("alpha", "sh", "-c", f"echo 42 > /run/{self.lab}/value").returncode, 0)
        self.assertEqual(self.exec("alpha", "cat", f"/run/{self.lab}/value").stdout, "42\n")
        with open(os.path.join(host_dir, "value")) as f:
            self.assertEqual(f.read(), "42\n")

    def test_env(self):
        p = self.exec("alpha", "sh", "-c", 'echo "$GREETING|$NODE|$FROM_DEFAULTS|$HOSTNAME"')
        self.assertEqual(p.stdout, "hello world|alpha|yes|alpha\n")
        p = vgwlab("exec", "-e", "EXTRA=1 2", self.topo, "alpha", "--", "sh", "-c", 'echo "$EXTRA"')
        self.assertEqual(p.stdout, "1 2\n")
        self.assertEqual(self.exec("beta", "sh", "-c", 'echo "[$GREETING]"').stdout, "[]\n")

    def test_hostname_and_sysctl(self):
        self.assertEqual(self.exec("alpha", "uname", "-n").stdout, "alpha\n")
        self.assertNotIn(os.uname().nodename, ("alpha", "beta"))
        self.assertEqual(self.exec("alpha", "cat", "/proc/sys/net/ipv4/ip_forward").stdout, "1\n")

    def test_cmd_runs_and_inspect_reports_it(self):
        # Interfaces settle after `up` (carrier, IPv6 link-local addresses): wait until two
        # reports in a row agree, then check what they say.
        deadline = time.monotonic() + 15
        data = self.inspect(self.topo)
        while time.monotonic() < deadline:
            time.sleep(0.3)
            again = self.inspect(self.topo)
            if again == data:
                break
            data = again
        self.assertEqual(data["name"], self.lab)
        self.assertTrue(data["up"])
        nodes = {n["name"]: n for n in data["nodes"]}
        self.assertEqual(sorted(nodes), ["alpha", "beta"])
        beta = nodes["beta"]
        self.assertEqual((beta["state"], beta["namespace"]), ("running", f"clab-{self.lab}-beta"))
        self.assertTrue(beta["alive"])
        self.assertIsInstance(beta["pid"], int)
        self.assertEqual(os.stat(f"/proc/{beta['pid']}/ns/net").st_ino,
                         os.stat(f"{NETNS_DIR}/clab-{self.lab}-beta").st_ino)
        with open(f"/proc/{beta['pid']}/cmdline") as f:
            self.assertIn("echo.py", f.read())
        self.assertIsNone(nodes["alpha"]["pid"])
        ifaces = {i["name"]: i for i in nodes["alpha"]["interfaces"]}
        self.assertIn("10.99.0.1/24", ifaces["eth1"]["addresses"])
        with open(os.path.join(STATE_ROOT, self.lab, "beta.log")) as f:
            self.assertIn("listening on 7007", f.read())
        self.assertEqual(self.inspect("--name", self.lab)["nodes"], data["nodes"])

    def test_exec_exit_code_stdin_and_errors(self):
        self.assertEqual(self.exec("alpha", "sh", "-c", "exit 7").returncode, 7)
        self.assertEqual(self.exec("beta", "cat", input="through stdin\n").stdout, "through stdin\n")
        self.assertEqual(self.exec("alpha", "no-such-command-here").returncode, 127)
        p = self.exec("gamma", "true")
        self.assertEqual(p.returncode, 125)
        self.assertIn("no node 'gamma'", p.stderr)
        p = vgwlab("exec", "--name", self.lab, "alpha", "--", "uname", "-n")
        self.assertEqual((p.returncode, p.stdout), (0, "alpha\n"))

    def test_up_while_up_is_an_error(self):
        before = self.pids(self.lab)
        p = vgwlab("up", self.topo)
        self.assertEqual(p.returncode, 1)
        self.assertIn("already up", p.stderr)
        self.assertEqual(self.pids(self.lab), before)
        self.assertTrue(all(alive(pid) for pid in before))


class TestLifecycle(LabCase):

    def test_down_removes_everything(self):
        lab = self.new_lab()
        topo = self.simple_topo(lab)
        self.up(topo)
        pids = self.pids(lab)
        self.assertEqual(len(pids), 2)
        extra = subprocess.Popen([VGWLAB, "exec", topo, "left", "--", "sleep", "100000"])
        self.addCleanup(extra.kill)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:               # wait until it runs inside the node
            with open(f"/proc/{extra.pid}/cmdline") as f:
                if f.read().startswith("sleep"):
                    break
            time.sleep(0.05)
        p = vgwlab("down", topo)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(extra.wait(timeout=10), -signal.SIGTERM)
        self.assert_gone(lab, pids)

    def test_up_down_twice(self):
        lab = self.new_lab()
        topo = self.simple_topo(lab)
        for _ in range(2):
            self.up(topo)
            self.assertEqual(len(lab_namespaces(lab)), 2)
            pids = self.pids(lab)
            self.assertEqual(vgwlab("down", topo).returncode, 0)
            self.assert_gone(lab, pids)

    def test_down_kills_what_ignores_sigterm(self):
        lab = self.new_lab()
        topo = self.simple_topo(lab, cmd="sh -c 'trap \"\" TERM; exec sleep 100000'")
        self.up(topo)
        pids = self.pids(lab)
        t0 = time.monotonic()
        self.assertEqual(vgwlab("down", topo).returncode, 0)
        self.assertGreater(time.monotonic() - t0, 4)              # SIGTERM, ~5 s, SIGKILL
        self.assert_gone(lab, pids)

    def test_interrupted_up_cleans_up(self):
        lab = self.new_lab()
        topo = self.simple_topo(lab, extra_exec=', "sleep 60"')
        up = subprocess.Popen([VGWLAB, "up", topo], stderr=subprocess.PIPE, text=True)
        self.addCleanup(up.kill)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not os.path.exists(f"{STATE_ROOT}/{lab}/left.log"):
            time.sleep(0.05)
        time.sleep(0.3)
        up.send_signal(signal.SIGTERM)
        _, err = up.communicate(timeout=30)
        self.assertEqual(up.returncode, 130, err)
        self.assertIn("tearing it down", err)
        self.assert_gone(lab)

    def test_down_after_lost_state(self):
        lab = self.new_lab()
        topo = self.simple_topo(lab)
        self.up(topo)
        pids = self.pids(lab)
        shutil.rmtree(os.path.join(STATE_ROOT, lab))            # simulated crash
        self.assertEqual(len(lab_namespaces(lab)), 2)
        self.assertEqual(vgwlab("up", topo).returncode, 1)      # still detected as up
        p = vgwlab("down", "--name", lab)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_gone(lab, pids)

    def test_down_when_not_up_is_a_noop(self):
        lab = self.new_lab()
        self.assertEqual(vgwlab("down", "--name", lab).returncode, 0)
        self.assertEqual(vgwlab("down", self.simple_topo(lab)).returncode, 0)
        self.assert_gone(lab)

    def test_reconfigure(self):
        lab = self.new_lab()
        topo = self.simple_topo(lab)
        self.up(topo)
        old = self.pids(lab)
        self.up(topo, "--reconfigure", "--json")
        new = self.pids(lab)
        self.assertEqual(len(new), 2)
        self.assertFalse(set(old) & set(new))
        self.assertFalse(any(alive(p) for p in old))

    def test_failing_exec_tears_the_lab_down(self):
        lab = self.new_lab()
        topo = self.simple_topo(lab, extra_exec=', "echo oops >&2; exit 3"')
        p = vgwlab("up", topo)
        self.assertEqual(p.returncode, 1)
        self.assertIn("node 'left'", p.stderr)
        self.assertIn("exit 3", p.stderr)
        self.assertIn("oops", p.stderr)
        self.assert_gone(lab)

    def test_cmd_that_exits_fails_up(self):
        lab = self.new_lab()
        topo = self.simple_topo(lab, cmd="sh -c 'echo bye; exit 4'", extra_exec=', "sleep 0.5"')
        p = vgwlab("up", topo)
        self.assertEqual(p.returncode, 1)
        self.assertIn("cmd exited with status 4", p.stderr)
        self.assertIn("bye", p.stderr)
        self.assert_gone(lab)

    def test_labs_sharing_a_prefix_stay_apart(self):
        lab = self.new_lab()
        sibling = f"{lab}-left"                     # clab-<lab>-left-* vs clab-<lab>-left
        self.addCleanup(force_cleanup, sibling)
        self.addCleanup(vgwlab, "down", "--name", sibling)
        self.up(self.simple_topo(lab))
        self.up(self.simple_topo(sibling))
        sibling_pids = self.pids(sibling)
        self.assertEqual(vgwlab("down", "--name", lab).returncode, 0)
        self.assertEqual(lab_namespaces(lab), [f"clab-{sibling}-left", f"clab-{sibling}-right"])
        self.assertTrue(all(alive(p) for p in sibling_pids))
        self.assertEqual(vgwlab("down", "--name", sibling).returncode, 0)
        self.assert_gone(sibling, sibling_pids)

    def test_requires_root(self):
        exe = os.path.join(self.tmp, "vgwlab")
        shutil.copy(VGWLAB, exe)
        os.chmod(self.tmp, 0o755)
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            exe, "inspect", "--name", "x"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertIn("must run as root", p.stderr)

    def test_shipped_vgw_node_with_stub_binaries(self):
        """The shipped dc-to-vpc topology's vgw node wires vgwd/vgwsh/config/socket dir as the
        gateway expects (that node alone, with stubs for the binaries)."""
        import yaml
        lab = self.new_lab()
        root = os.path.join(self.tmp, "tree")
        os.makedirs(os.path.join(root, "lab", "topologies"))
        os.makedirs(os.path.join(root, "build", "routing"))
        shutil.copytree(os.path.join(os.path.dirname(DC_TO_VPC), "..", "configs"), os.path.join(root, "lab", "configs"))
        with open(DC_TO_VPC) as f:
            doc = yaml.safe_load(f)
        doc["name"] = lab
        node = doc["topology"]["nodes"]["vgw"]
        # The image's stand-ins (lab/images/vgwlab-standins.yml) bind the real build; the node's
        # own binds of the same paths win: the stubs.
        node["binds"] = ["../../build/routing/vgwd:/usr/local/sbin/vgwd:ro",
                         "../../build/routing/vgwsh:/usr/local/bin/vgwsh:ro"] + node["binds"]
        doc["topology"] = {"nodes": {"vgw": node},
                           "links": [{"endpoints": ["vgw:eth1", "vgw:eth2"]}, {"endpoints": ["vgw:eth3", "vgw:eth4"]}]}
        topo = os.path.join(root, "lab", "topologies", "vgw.clab.yml")
        with open(topo, "w") as f:
            yaml.safe_dump(doc, f)
        stubs = {"vgwd": 'echo "$@" > /run/vgw/args; exec sleep 100000\n',
                 "vgwsh": 'cat /run/vgw/args; head -1 /etc/vgw/vgwd.conf\n'}
        for name, body in stubs.items():
            path = os.path.join(root, "build", "routing", name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\n" + body)
            os.chmod(path, 0o755)
        self.up(topo)
        p = vgwlab("exec", topo, "vgw", "--", "vgwsh")
        with open(os.path.join(root, "lab", "configs", "dc-to-vpc", "vgw", "vgwd.conf")) as f:
            first_line = f.readline()
        # vgwd got its config path, and the shipped config was copied into the node's /etc/vgw.
        self.assertEqual(p.stdout, "-f /etc/vgw/vgwd.conf\n" + first_line, p.stderr)
        nodes = {n["name"]: n for n in self.inspect(topo)["nodes"]}
        self.assertTrue(nodes["vgw"]["alive"])
        addrs = [a for i in nodes["vgw"]["interfaces"] for a in i["addresses"]]
        self.assertIn("192.0.2.1/24", addrs)
        self.assertIn("10.0.1.1/24", addrs)
        self.assertTrue(os.path.exists(os.path.join(STATE_ROOT, lab, "vgw", "run", "args")))


class TestValidation(LabCase):
    """Bad topologies: a clear message naming file and place, non-zero exit, nothing created."""

    GOOD_NODES = "  nodes:\n    one: {kind: linux}\n    two: {kind: linux}\n"

    CASES = {
        "unknown node": ('links:\n  - endpoints: ["one:eth1", "three:eth1"]',
                         "topology.links[0].endpoints[1]: unknown node 'three'"),
        "long ifname": ('links:\n  - endpoints: ["one:eth1", "two:abcdefghijklmnop"]',
                        "'abcdefghijklmnop' is 16 characters"),
        "interface twice": ('links:\n  - endpoints: ["one:eth1", "two:eth1"]\n'
                            '  - endpoints: ["one:eth1", "two:eth2"]',
                            "interface one:eth1 is already used by topology.links[0].endpoints[0]"),
        "three endpoints": ('links:\n  - endpoints: ["one:eth1", "two:eth1", "two:eth2"]',
                            "exactly two endpoints"),
        "host link": ('links:\n  - endpoints: ["one:eth1", "host:veth9"]', "'host:' endpoints"),
        "link key": ('links:\n  - endpoints: ["one:eth1", "two:eth1"]\n    vars: {a: 1}',
                     "topology.links[0].vars: unsupported link key 'vars'"),
        "topology key": ("groups: {}", "topology.groups: unsupported key 'groups'"),
    }
    NODE_CASES = {
        "other kind": ("three: {kind: nokia_srlinux}", "node 'three' has kind 'nokia_srlinux'"),
        "reserved name": ("host: {kind: linux}", "reserved by containerlab"),
        "missing bind source": ("three: {kind: linux, binds: ['no/such/file:/etc/x']}", "does not exist"),
        "bad bind option": ("three: {kind: linux, binds: ['.:/x:rshared']}", "unsupported bind option"),
        "relative bind target": ("three: {kind: linux, binds: ['.:x']}", "must be absolute"),
        "global sysctl": ("three: {kind: linux, sysctls: {kernel.pid_max: 5}}", "net.*"),
        "duplicate node": ("one: {kind: linux}", "duplicate key 'one'"),
        "node key": ("three: {kind: linux, ports: ['80:80']}", "topology.nodes.three.ports: unsupported node key 'ports'"),
        "kind key": ("three: {kind: linux}\n  kinds: {linux: {startup-config: x}}",
                     "topology.kinds.linux.startup-config: unsupported node key"),
    }

    def check_rejected(self, lab, text, expected):
        path = self.write_topo(text, name=f"{lab}.clab.yml")
        p = vgwlab("up", path)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(path, p.stderr)
        self.assertIn(expected, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        self.assert_gone(lab)

    def test_link_errors(self):
        for what, (links, expected) in self.CASES.items():
            with self.subTest(what):
                lab = self.new_lab()
                text = f"name: {lab}\ntopology:\n{self.GOOD_NODES}"
                self.check_rejected(lab, text + textwrap.indent(links, "  ") + "\n", expected)

    def test_node_errors(self):
        for what, (node, expected) in self.NODE_CASES.items():
            with self.subTest(what):
                lab = self.new_lab()
                text = f"name: {lab}\ntopology:\n{self.GOOD_NODES}    {node}\n"
                self.check_rejected(lab, text, expected)

    def test_unsupported_top_level_keys(self):
        lab = self.new_lab()
        base = f"name: {lab}\ntopology:\n{self.GOOD_NODES}"
        self.check_rejected(lab, base + "ssh-config: {}\n", "unsupported top-level key 'ssh-config'")
        self.check_rejected(lab, base + "prefix: lab\n", "only the default prefix 'clab'")

    def test_check_and_graph_validate_without_creating(self):
        lab = self.new_lab()
        path = self.write_topo(f"name: {lab}\ntopology:\n{self.GOOD_NODES}"
                               '  links:\n    - endpoints: ["one:eth1", "two:eth7"]\n      mtu: 1500\n',
                               name=f"{lab}.clab.yml")
        for args in (("check", path), ("up", "--check", path)):
            p = vgwlab(*args)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn(f"topology '{lab}' is valid: 2 nodes, 1 links", p.stdout)
            self.assert_gone(lab)
        p = vgwlab("graph", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("eth1       ---- two:eth7  (mtu 1500)", p.stdout)
        self.assertIn("eth7       ---- one:eth1  (mtu 1500)", p.stdout)
        p = vgwlab("graph", "--dot", path)
        self.assertIn('"one" -- "two" [taillabel="eth1", headlabel="eth7"];', p.stdout)
        bad = self.write_topo(f"name: {lab}\ntopology:\n  nodes: {{one: {{kind: bridge}}}}\n", name="bad.clab.yml")
        p = vgwlab("check", bad)
        self.assertEqual(p.returncode, 1)
        self.assertIn("has kind 'bridge'", p.stderr)

    def test_image_standins_are_bound(self):
        """A node of the customer-gateway image gets what that image holds from the host
        (lab/images/vgwlab-standins.yml); a node of an unknown image gets nothing extra."""
        lab = self.new_lab()
        path = self.write_topo(f"name: {lab}\ntopology:\n  nodes:\n"
                               "    one: {kind: linux, image: 'localhost/vgw-cgw:latest'}\n"
                               "    two: {kind: linux, image: 'debian:bookworm'}\n", name=f"{lab}.clab.yml")
        self.up(path)
        with open(os.path.join(HERE, "..", "..", "lab", "images", "cgw", "cgw-start")) as f:
            first = f.readline()
        p = vgwlab("exec", path, "one", "--", "head", "-1", "/usr/local/sbin/cgw-start")
        self.assertEqual(p.stdout, first, p.stderr)
        p = vgwlab("exec", path, "two", "--", "test", "-e", "/usr/local/sbin/cgw-start")
        self.assertNotEqual(p.returncode, 0)

    def test_shipped_topologies_are_valid(self):
        for path in sorted(glob.glob(os.path.join(HERE, "..", "..", "lab", "topologies", "*.clab.yml"))):
            p = vgwlab("check", path)
            self.assertEqual(p.returncode, 0, p.stderr)

    def test_bad_yaml(self):
        lab = self.new_lab()
        self.check_rejected(lab, f"name: {lab}\ntopology:\n  nodes: [one, \n", "invalid YAML")
        self.check_rejected(lab, "just a string\n", "not a containerlab topology")
        self.check_rejected(lab, "topology: {}\n", "lab name must match")
        p = vgwlab("up", os.path.join(self.tmp, "missing.clab.yml"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot read topology", p.stderr)


if __name__ == "__main__":
    unittest.main()
