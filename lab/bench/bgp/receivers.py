"""The receivers of the full-table ingest benchmark (run.py): how each one is started in its
network namespace with FIB programming on (or off, for the *-nofib variants), configured to
accept everything from the feeder and advertise nothing back, and asked - cheaply, from a
polling loop - how many prefixes it has accepted from the feeder. See README.md."""
import json
import os
import re
import select
import socket
import subprocess
import time

FEED_ADDR, RCV_ADDR, PREFIX_LEN = "10.99.20.1", "10.99.20.2", 24
FEED_AS, RCV_AS = 65100, 65200
FRR_DIR = "/usr/lib/frr"


class Receiver:
    name = "?"
    fib = True

    def __init__(self, lab, ns, directory, args):
        self.lab, self.ns, self.dir, self.args = lab, ns, directory, args
        os.makedirs(directory)
        self.procs = {}  # role -> Popen

    def pids(self):
        return {role: p.pid for role, p in self.procs.items()}

    def fib_pid(self):
        return next(iter(self.procs.values())).pid

    def alive(self):
        return all(p.poll() is None for p in self.procs.values())

    def stop(self):
        for p in self.procs.values():
            self.lab.kill(p)  # SIGKILL: no route removal at exit; the namespace goes next

    def details(self):
        return {}

    def close(self):
        pass


class Vgw(Receiver):
    name = "vgw"

    def start(self):
        build = self.args.build
        self.vgwd = os.path.join(build, "routing", "vgwd")
        self.vgwsh_bin = os.path.join(build, "routing", "vgwsh")
        self.sock = os.path.join(self.dir, "vgwd.sock")
        conf = os.path.join(self.dir, "vgwd.conf")
        open(conf, "w").close()
        args = [self.vgwd, "-f", conf, "-s", self.sock]
        if not self.fib:
            args.append("--no-fib")
        with open(os.path.join(self.dir, "vgwd.log"), "w") as logf:
            self.procs["vgwd"] = self.lab.spawn(self.ns, args, stdout=logf,
                                                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.procs["vgwd"].poll() is not None:
                raise RuntimeError(f"vgwd exited: {self.log_tail()}")
            if os.path.exists(self.sock) and subprocess.run(
                    [self.vgwsh_bin, "-s", self.sock, "-c", "show version"],
                    capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"vgwd not ready: {self.log_tail()}")
        cmds = ["configure", f"router bgp {RCV_AS}", f"bgp router-id {RCV_ADDR}",
                "no bgp ebgp-requires-policy", f"neighbor {FEED_ADDR} remote-as {FEED_AS}",
                f"neighbor {FEED_ADDR} passive", "end"]
        r = subprocess.run([self.vgwsh_bin, "-s", self.sock] + sum((["-c", c] for c in cmds), []),
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError(f"vgwsh configure failed: {r.stdout}{r.stderr}")
        # One vgwsh reading commands from a pipe: a poll costs ~1.5 ms instead of a ~45 ms spawn.
        self.shell = subprocess.Popen([self.vgwsh_bin, "-s", self.sock], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.lab.procs.append(self.shell)

    def log_tail(self):
        try:
            with open(os.path.join(self.dir, "vgwd.log")) as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def query(self, command, timeout=30):
        self.shell.stdin.write(command.encode() + b"\n")
        self.shell.stdin.flush()
        buf, fd = b"", self.shell.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise RuntimeError(f"vgwsh ended ({command})")
            buf += chunk
            if buf.endswith(b"}\n"):
                try:
                    return json.loads(buf)
                except ValueError:
                    pass
        raise RuntimeError(f"vgwsh: no answer to {command}")

    def accepted(self):
        for p in self.query("show bgp summary json")["peers"]:
            if p["config"]["address"] == FEED_ADDR:
                return int(p["state"]["prefixesAcceptedIpv4"])
        return 0

    def details(self):
        # After the timing: these walk the whole table once.
        out = {}
        try:
            s = self.query("show ip route summary json", timeout=120)
            ebgp = [p for p in s.get("protocols", []) if p["protocol"] == "ebgp"]
            if ebgp:
                out["rib_ebgp"] = {k: int(v) for k, v in ebgp[0].items() if k != "protocol"}
            out["rib_memory_bytes"] = int(s.get("ribMemoryBytes", 0))
            out["fib_failures"] = int(s.get("fibFailures", 0))
            b = self.query("show bgp summary json")["bgp"]
            out["bgp_attribute_sets"] = int(b["attributeSets"])
            out["bgp_memory_bytes"] = int(b["memoryBytes"])
        except (RuntimeError, KeyError, ValueError) as e:
            out["error"] = str(e)
        return out

    def close(self):
        if getattr(self, "shell", None):
            try:
                self.shell.stdin.close()
            except OSError:
                pass
            self.lab.kill(self.shell)


class VgwNoFib(Vgw):
    name = "vgw-nofib"
    fib = False


class Bird(Receiver):
    name = "bird"

    def start(self):
        d = self.dir
        self.ctl = os.path.join(d, "bird.ctl")
        # Kernel protocol: export everything to the main table, with a bigger netlink receive
        # buffer (as zebra's -s 90000000). BIRD may still log "Kernel dropped some netlink
        # messages, will resync on next scan" once per full table; the scan comes later.
        kernel = """protocol kernel kern4 {
  ipv4 { import none; export all; };
  netlink rx buffer 33554432;
}
""" if self.fib else ""
        with open(os.path.join(d, "bird.conf"), "w") as f:
            f.write(f"""log "{d}/bird.log" all;
router id {RCV_ADDR};
protocol device {{ }}
{kernel}protocol bgp feeder {{
  local {RCV_ADDR} as {RCV_AS};
  neighbor {FEED_ADDR} as {FEED_AS};
  passive on;
  hold time 240;
  ipv4 {{ import all; export none; }};
}}
""")
        with open(os.path.join(d, "bird.stderr"), "w") as errf:
            self.procs["bird"] = self.lab.spawn(
                self.ns, ["bird", "-f", "-c", f"{d}/bird.conf", "-s", self.ctl, "-P",
                          f"{d}/bird.pid"], stdout=errf, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not os.path.exists(self.ctl):
            if self.procs["bird"].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("bird did not start: " + open(f"{d}/bird.stderr").read())
            time.sleep(0.05)
        self.conn = None

    def command(self, cmd):
        """One command on the control socket (kept open): lines "NNNN-..." / " ..." until a
        line "NNNN ..." ends the reply."""
        if self.conn is None:
            self.conn = socket.socket(socket.AF_UNIX)
            self.conn.connect(self.ctl)
            self.rfile = self.conn.makefile("rb")
            self.rfile.readline()  # 0001 BIRD x.y.z ready.
        self.conn.sendall(cmd.encode() + b"\n")
        lines = []
        while True:
            line = self.rfile.readline().decode()
            if not line:
                raise RuntimeError("bird control socket closed")
            lines.append(line)
            if re.match(r"^\d{4} ", line):
                return "".join(lines)

    def accepted(self):
        m = re.search(r"Routes:\s+(\d+) imported", self.command("show protocols all feeder"))
        return int(m.group(1)) if m else 0

    def details(self):
        out = {}
        m = re.search(r"(\d+) of (\d+) routes for (\d+) networks",
                      self.command("show route count"))
        if m:
            out["routes_in_table"] = int(m.group(1))
        mem = self.command("show memory")
        m = re.search(r"Total:\s+([\d.]+ [kMG]?B)", mem)
        if m:
            out["bird_memory_total"] = m.group(1)
        return out

    def close(self):
        if getattr(self, "conn", None):
            self.conn.close()


class BirdNoFib(Bird):
    name = "bird-nofib"
    fib = False


def vty(path, cmd):
    """FRR's vty Unix socket: the command ends with a NUL, the answer with \\0\\0\\0<status>."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(cmd.encode() + b"\0")
    buf = b""
    while not (len(buf) >= 4 and buf[-4:-1] == b"\0\0\0"):
        c = s.recv(1 << 16)
        if not c:
            break
        buf += c
    s.close()
    return buf[:-4].decode()


class Frr(Receiver):
    name = "frr"

    def start(self):
        d = self.dir
        with open(os.path.join(d, "zebra.conf"), "w") as f:
            f.write(f"hostname rcv\nlog file {d}/frr.log errors\n")
        with open(os.path.join(d, "bgpd.conf"), "w") as f:
            f.write(f"""frr defaults traditional
hostname rcv
log file {d}/frr.log errors
route-map DENY-ALL deny 10
!
router bgp {RCV_AS}
 bgp router-id {RCV_ADDR}
 no bgp ebgp-requires-policy
 neighbor {FEED_ADDR} remote-as {FEED_AS}
 neighbor {FEED_ADDR} passive
 address-family ipv4 unicast
  neighbor {FEED_ADDR} route-map DENY-ALL out
 exit-address-family
!
""")
        common = ["-u", "root", "-g", "frrvty", "-z", f"{d}/zserv.api", "--vty_socket", d,
                  "-P", "0"]
        extra = {"zebra": ["-s", "90000000"], "bgpd": [] if self.fib else ["-n"]}
        with open(os.path.join(d, "daemons.stderr"), "w") as errf:
            for daemon in ("zebra", "bgpd"):
                self.procs[daemon] = self.lab.spawn(
                    self.ns, [f"{FRR_DIR}/{daemon}", *common, *extra[daemon], "-f",
                              f"{d}/{daemon}.conf", "-i", f"{d}/{daemon}.pid"],
                    stdout=errf, stderr=subprocess.STDOUT)
                deadline = time.monotonic() + 20
                while not os.path.exists(f"{d}/{daemon}.vty"):
                    if self.procs[daemon].poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"{daemon} did not start: "
                                           + open(f"{d}/daemons.stderr").read())
                    time.sleep(0.05)

    def fib_pid(self):
        return self.procs["zebra"].pid

    def accepted(self):
        out = vty(f"{self.dir}/bgpd.vty", "show bgp ipv4 unicast summary json")
        peer = json.loads(out or "{}").get("peers", {}).get(FEED_ADDR, {})
        return int(peer.get("pfxRcd", 0))

    def details(self):
        out = {}
        try:
            s = json.loads(vty(f"{self.dir}/zebra.vty", "show ip route summary json"))
            for r in s.get("routes", []):
                if r.get("type") == "ebgp":
                    out["zebra_ebgp"] = {"rib": r.get("rib"), "fib": r.get("fib")}
        except (OSError, ValueError) as e:
            out["error"] = str(e)
        return out


class FrrNoFib(Frr):
    name = "frr-nofib"
    fib = False


RECEIVERS = {c.name: c for c in (Vgw, Bird, Frr, VgwNoFib, BirdNoFib, FrrNoFib)}
