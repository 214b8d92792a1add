"""Shared pieces of vgw's integration tests: paths of the built binaries, a vgwd process
started in a private temporary directory (its own config file and socket, so runs never
collide), and a gRPC client built from the .proto files with protoc's Python output, the way
any other language's client would use the API."""

import atexit
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

SOURCE_DIR = os.environ.get("VGW_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("VGW_BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
VGWD = os.path.join(BUILD_DIR, "routing", "vgwd")
VGWSH = os.path.join(BUILD_DIR, "routing", "vgwsh")

_proto_dir = None


def protos():
    """Generates the Python classes of proto/vgw/v1/*.proto once per process and imports them."""
    global _proto_dir
    if _proto_dir is None:
        _proto_dir = tempfile.mkdtemp(prefix="vgw-pyproto-")
        atexit.register(shutil.rmtree, _proto_dir, True)
        src = os.path.join(SOURCE_DIR, "proto")
        files = sorted(os.path.join("vgw", "v1", f)
                       for f in os.listdir(os.path.join(src, "vgw", "v1")) if f.endswith(".proto"))
        subprocess.run(["protoc", "-I", src, "--python_out", _proto_dir, *files], check=True)
        sys.path.insert(0, _proto_dir)
    mods = {}
    for name in ("system_pb2", "vpn_pb2", "rib_pb2", "bgp_pb2", "tunnel_pb2", "ike_pb2", "bfd_pb2"):
        mods[name] = importlib.import_module("vgw.v1." + name)
    return mods


def sh(*args, check=True, timeout=60, **kw):
    """Runs a command; raises with its output if it fails (unless check=False)."""
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({p.returncode}): {p.stdout}{p.stderr}")
    return p


def pid_in(path):
    """The pid in a daemon's pid file, or None: a daemonizing process may create the file a
    moment before it writes the number."""
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def read_pid(path, timeout=10):
    """Waits for a daemon's pid file to hold its pid and returns it."""
    return wait(lambda: pid_in(path), timeout=timeout, what=f"a pid in {path}")


def add_netns(*names):
    """Creates network namespaces with their loopback up."""
    for ns in names:
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")


def veth(ns_a, dev_a, addrs_a, ns_b, dev_b, addrs_b):
    """A veth pair from ns_a/dev_a to ns_b/dev_b; each end gets its addresses ("A/len", IPv6
    without duplicate address detection) and is brought up."""
    sh("ip", "link", "add", dev_a, "netns", ns_a, "type", "veth", "peer", "name", dev_b, "netns", ns_b)
    for ns, dev, addrs in ((ns_a, dev_a, addrs_a), (ns_b, dev_b, addrs_b)):
        for a in addrs:
            sh("ip", "-n", ns, "addr", "add", a, "dev", dev, *(["nodad"] if ":" in a else []))
        sh("ip", "-n", ns, "link", "set", dev, "up")


# Receives until EOF on inside:port, answers with the SHA-256 of what arrived.
TCP_SINK = r"""
import hashlib, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
print("ready", flush=True)
s.settimeout(30)
c, _ = s.accept()
c.settimeout(30)
h, n = hashlib.sha256(), 0
while True:
    b = c.recv(65536)
    if not b:
        break
    h.update(b)
    n += len(b)
c.sendall(f"{n} {h.hexdigest()}".encode())
c.close()
"""

# Sends argv[3] pseudo-random octets to argv[1]:argv[2], prints the sink's answer and its own hash.
TCP_SOURCE = r"""
import hashlib, random, socket, sys
size = int(sys.argv[3])
data = random.Random(7).randbytes(size)
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
c.sendall(data)
c.shutdown(socket.SHUT_WR)
reply = b""
while True:
    b = c.recv(4096)
    if not b:
        break
    reply += b
print(reply.decode(), f"{size} {hashlib.sha256(data).hexdigest()}")
"""


def tcp_transfer(src_ns, dst_ns, dst, size, port=5001):
    """Sends size pseudo-random octets over TCP from src_ns to dst:port in dst_ns; returns
    (sent, received), each as (octets, SHA-256), as the two ends saw them."""
    sink = subprocess.Popen(["ip", "netns", "exec", dst_ns, sys.executable, "-c", TCP_SINK, dst, str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = sink.stdout.readline().strip()
        if line != "ready":
            raise AssertionError("TCP sink did not start: " + sink.stderr.read())
        out = sh("ip", "netns", "exec", src_ns, sys.executable, "-c", TCP_SOURCE, dst, str(port), str(size),
                 timeout=120).stdout.split()
        return (int(out[2]), out[3]), (int(out[0]), out[1])
    finally:
        sink.kill()
        sink.communicate()


# The stream tool the lab's demo uses too (numbered datagrams, counted at the sink).
UDPSTREAM = os.path.join(SOURCE_DIR, "lab", "udpstream")


class UdpStream:
    """A paced stream of numbered UDP datagrams from src (in src_ns) to dst:port (in dst_ns), to
    count what a failover loses: start(), do something, stop() -> (sent, received, lost, longest
    run of consecutive losses)."""

    def __init__(self, src_ns, src, dst_ns, dst, port=5099, rate=1000):
        self.args = (src_ns, src, dst_ns, dst, port, rate)
        self.sink = self.source = None

    def start(self):
        src_ns, src, dst_ns, dst, port, rate = self.args
        self.sink = subprocess.Popen(["ip", "netns", "exec", dst_ns, sys.executable, UDPSTREAM, "sink", dst, str(port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if self.sink.stdout.readline().strip() != "ready":
            self.close()
            raise AssertionError("UDP sink did not start")
        self.source = subprocess.Popen(["ip", "netns", "exec", src_ns, sys.executable, UDPSTREAM, "source", src, dst,
                                        str(port), str(rate)],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if self.source.stdout.readline().strip() != "sending":
            self.close()
            raise AssertionError("UDP source did not start")
        return self

    def stop(self, drain=0.5):
        """Stops sending, waits `drain` seconds for what is in flight, and counts."""
        self.source.terminate()
        sent = json.loads(self.source.communicate(timeout=10)[0].strip().splitlines()[-1])["sent"]
        time.sleep(drain)
        self.sink.terminate()
        got = json.loads(self.sink.communicate(timeout=10)[0].strip().splitlines()[-1])
        self.sink = self.source = None
        received = got["received"]
        longest = max(got["longest_gap"], sent - 1 - got["highest"])
        return {"sent": sent, "received": received, "lost": sent - received, "longest_gap": longest}

    def close(self):
        for p in (self.source, self.sink):
            if p and p.poll() is None:
                p.kill()
                p.communicate()
        self.sink = self.source = None


def start_frr(ns, d, configs, pids):
    """Starts FRR daemons in ns, in the order of configs ({"zebra": text, "bfdd": text, ...};
    zebra first), each with its config file, sockets and pid file in directory d (bfdd's control
    socket too, so that runs never share one); appends their pids to pids (stop them with
    stop_peer_daemons). vtysh(d, ...) talks to them."""
    os.makedirs(d, exist_ok=True)
    common = ["-d", "-u", "root", "-g", "frrvty", "-z", f"{d}/zserv.api", "--vty_socket", d, "-P", "0"]
    for daemon, text in configs.items():
        with open(os.path.join(d, f"{daemon}.conf"), "w") as f:
            f.write(text)
        extra = ["--bfdctl", f"{d}/bfdd.sock"] if daemon == "bfdd" else []
        sh("ip", "netns", "exec", ns, f"/usr/lib/frr/{daemon}", *common, *extra,
           "-f", f"{d}/{daemon}.conf", "-i", f"{d}/{daemon}.pid")
        pids.append(read_pid(f"{d}/{daemon}.pid"))


def vtysh(d, *commands):
    """Runs vtysh commands (one session, in order) against the FRR daemons of start_frr(d)."""
    args = ["vtysh", "--vty_socket", d]
    for c in commands:
        args += ["-c", c]
    return sh(*args, check=False).stdout


def stop_peer_daemons(pids, grace=5.0):
    """Ends daemons a test started (FRR, BIRD) by pid: SIGTERM, SIGKILL what is left after
    `grace` seconds; then FRR's leftover directories (remove_stale_frr_dirs)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if os.path.exists(f"/proc/{p}") and not _zombie(p)]
        time.sleep(0.05)
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    remove_stale_frr_dirs()


def remove_stale_frr_dirs():
    """FRR's daemons make /var/tmp/frr/<daemon>.<pid> (before they fork, so not under the pid a
    test knows) and leave it behind when they exit, with the log buffer of a killed one in it;
    removes those whose process is gone and that hold nothing but such buffers."""
    try:
        entries = os.listdir("/var/tmp/frr")
    except FileNotFoundError:
        return
    for e in entries:
        pid = e.rsplit(".", 1)[-1]
        path = os.path.join("/var/tmp/frr", e)
        if not pid.isdigit() or os.path.exists(f"/proc/{pid}") or not os.path.isdir(path):
            continue
        try:
            if all(f.startswith("logbuf.") for f in os.listdir(path)):
                shutil.rmtree(path)
        except OSError:
            pass


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def wait(pred, timeout=30, what="condition"):
    """Polls pred() until it returns something true, and returns that."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class Api:
    """A gRPC client of vgwd: api.call("VpnService", "CreateCustomerGateway", request, Reply)."""

    def __init__(self, target):
        self.channel = grpc.insecure_channel(target)

    def call(self, service, method, request, reply_class, timeout=10):
        rpc = self.channel.unary_unary(
            f"/vgw.v1.{service}/{method}",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=reply_class.FromString)
        return rpc(request, timeout=timeout)

    def stream(self, service, method, request, reply_class, timeout=None):
        """A server stream: an iterator of replies (cancel() it to stop)."""
        rpc = self.channel.unary_stream(
            f"/vgw.v1.{service}/{method}",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=reply_class.FromString)
        return rpc(request, timeout=timeout)

    def close(self):
        self.channel.close()


class Daemon:
    """A vgwd in its own temporary directory. Stop it with stop() or kill(); cleanup() removes
    the directory and ends the process if it still runs (register it with addCleanup)."""

    def __init__(self, config_text=None, workdir=None, extra_args=("--no-fib",), netns=None):
        self.dir = workdir or tempfile.mkdtemp(prefix="vgw-it-")
        self.config = os.path.join(self.dir, "vgwd.conf")
        self.socket = os.path.join(self.dir, "vgwd.sock")
        self.log = os.path.join(self.dir, "vgwd.log")
        self.extra_args = list(extra_args)
        self.netns = netns
        self.proc = None
        if config_text is not None:
            with open(self.config, "w") as f:
                f.write(config_text)

    def start(self, wait=True):
        logf = open(self.log, "a")
        prefix = ["ip", "netns", "exec", self.netns] if self.netns else []
        self.proc = subprocess.Popen(
            [*prefix, VGWD, "-f", self.config, "-s", self.socket, *self.extra_args],
            stdout=logf, stderr=subprocess.STDOUT)
        logf.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"vgwd exited with {self.proc.returncode}:\n{self.log_text()}")
            if os.path.exists(self.socket):
                r = subprocess.run([VGWSH, "-s", self.socket, "-c", "show version"],
                                   capture_output=True, text=True)
                if r.returncode == 0:
                    return
            time.sleep(0.05)
        raise AssertionError(f"vgwd not ready after {timeout} s:\n{self.log_text()}")

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def vgwsh(self, *commands, input=None):
        args = [VGWSH, "-s", self.socket]
        for c in commands:
            args += ["-c", c]
        return subprocess.run(args, capture_output=True, text=True, input=input, timeout=30)

    def api(self):
        return Api("unix:" + self.socket)

    def stop(self, timeout=10):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        return self.proc.returncode if self.proc else None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def drop_esp(ns, dev):
    """Drops ESP-in-UDP (port 4500) on one link of a namespace, both ways, with nftables, to kill
    the tunnels over it without touching the link; returns the undo (safe to call twice)."""
    table = f"vgwcut{os.getpid()}{dev}"
    sh("ip", "netns", "exec", ns, "nft", "-f", "-", input=(
        f"table inet {table} {{\n"
        f"  chain out {{ type filter hook output priority 0; oifname \"{dev}\" udp dport 4500 drop; }}\n"
        f"  chain in {{ type filter hook input priority 0; iifname \"{dev}\" udp sport 4500 drop; }}\n"
        f"}}\n"))
    return lambda: sh("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", table, check=False)


class DaemonsInNamespaces(unittest.TestCase):
    """Base of the tests that run several vgwd in network namespaces of their own: a subclass's
    setUpClass fills cls.ns (role -> namespace), cls.dir (a temporary directory) and cls.daemons
    (role -> Daemon), calling tearDownClass if it fails; tearDownClass ends the daemons, deletes
    the namespaces and the directory."""
    ns = None
    daemons = None
    dir = None

    @classmethod
    def tearDownClass(cls):
        for d in (cls.daemons or {}).values():
            d.kill()
        for ns in (cls.ns or {}).values():
            sh("ip", "netns", "del", ns, check=False)
        if cls.dir:
            shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def vgwsh_cls(cls, side, *commands):
        r = cls.daemons[side].vgwsh(*commands)
        if r.returncode != 0:
            raise AssertionError(f"{commands}: {r.stdout}{r.stderr}")
        return r

    def vgwsh(self, side, *commands, check=True):
        r = self.daemons[side].vgwsh(*commands)
        if check:
            self.assertEqual(r.returncode, 0, f"{commands}: {r.stdout}{r.stderr}")
        return r
