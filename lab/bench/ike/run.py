#!/usr/bin/python3
"""Side-by-side IKEv2 establishment benchmark: N tunnels, each one IKE SA with its first Child SA
(IKE_SA_INIT + IKE_AUTH, PSK, aes128gcm16-prfsha256-curve25519 / aes128gcm16), between two
network namespaces, printed as one table with ratios. Pairs (initiator -> responder):

  vgw->charon      vgwd initiates N tunnels to one charon (kernel-libipsec) that answers them all
  charon->charon   a charon with N connections (start_action = start) to the same responder
  vgw->vgw         vgwd initiates to a second vgwd with N respond-only tunnels

  initiator 10.77.k.j (N addresses on one veth) ---- 10.77.255.254 responder

Measured per pair, on the initiator: the time from the start of establishment (vgwd: process
start with the N-tunnel config file, so tunnel interfaces are created in the same window;
charon: `swanctl --load-conns` with start_action = start) until N IKE SAs are established with
their Child SA, polled every 0.2 s; establishments per second = N / that time. Memory per
tunnel = (the initiator's RSS with N established - its RSS idle, before any tunnel) / N. Kernel
memory (vgw's N TUN interfaces, charon's one) is not in RSS. See README.md.

  sudo lab/bench/ike/run.py [--build DIR] [--tunnels 1000] [--pairs vgw-charon,charon-charon,vgw-vgw]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "dataplane"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from netns_lab import Lab, run  # noqa: E402
from strongswan import Charon  # noqa: E402

RESPONDER = "10.77.255.254"
# charon tuned for many SAs, as its documentation advises for large deployments: hash tables
# for IKE SAs instead of the default single list, and basic logging only.
CHARON_TUNING = """    ikesa_table_size = 4096
    ikesa_table_segments = 16
    half_open_timeout = 120
"""
PSK = "bench-psk-0123456789abcdef"
IKE, ESP = "aes128gcm16-prfsha256-curve25519", "aes128gcm16"


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def initiator_address(k):
    return f"10.77.{k // 250}.{k % 250 + 1}"


def inside(k, side):
    # A /30 per tunnel from 169.254.0.0/16: .1 initiator, .2 responder.
    base = 4 * k
    return f"169.254.{base // 256}.{base % 256 + side}/30"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wait_count(count_fn, n, timeout):
    deadline = time.monotonic() + timeout
    last = 0
    while time.monotonic() < deadline:
        last = count_fn()
        if last >= n:
            return time.monotonic()
        time.sleep(0.2)
    raise RuntimeError(f"only {last} of {n} established after {timeout} s")


class Vgwd:
    def __init__(self, lab, role, build, config):
        self.lab, self.role = lab, role
        self.dir = os.path.join(lab.tmpdir, f"vgwd-{role}")
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "vgwd.conf")
        self.sock = os.path.join(self.dir, "vgwd.sock")
        self.vgwsh_bin = os.path.join(build, "routing", "vgwsh")
        with open(self.conf, "w") as f:
            f.write(config)
        self.log = open(os.path.join(self.dir, "vgwd.log"), "w")
        self.proc = lab.spawn(role, os.path.join(build, "routing", "vgwd"), "-f", self.conf, "-s", self.sock,
                              "--no-fib", stdout=self.log, stderr=subprocess.STDOUT)

    def vgwsh(self, command):
        return subprocess.run([self.vgwsh_bin, "-s", self.sock, "-c", command], capture_output=True, text=True,
                              timeout=120)

    def ready(self):
        return os.path.exists(self.sock) and self.vgwsh("show version").returncode == 0

    def established(self):
        # The summary: the full `show ike sa json` of N tunnels would load the control plane
        # being measured.
        r = self.vgwsh("show ike sa summary json")
        if r.returncode != 0:
            return 0
        m = json.loads(r.stdout).get("summary", {})
        return min(m.get("established", 0), m.get("childSas", 0))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)


def vgw_config(n, initiator):
    lines = []
    for k in range(n):
        local, remote = (initiator_address(k), RESPONDER) if initiator else (RESPONDER, initiator_address(k))
        lines += [f"tunnel b{k}", f" local {local}", f" remote {remote}", f" inside {inside(k, 1 if initiator else 2)}",
                  f" ike proposal {IKE}", f" esp proposal {ESP}", " ike dpd interval 0"]
        if not initiator:
            lines.append(" ike respond-only")
        lines += [f" ike pre-shared-key {PSK}", "exit"]
    return "\n".join(lines) + "\n"


def charon_responder_conf():
    return f"""connections {{
    bench {{
        version = 2
        local_addrs = {RESPONDER}
        remote_addrs = 10.77.0.0/16
        proposals = {IKE}
        mobike = no
        dpd_delay = 0
        local {{
            auth = psk
            id = {RESPONDER}
        }}
        remote {{
            auth = psk
        }}
        children {{
            c {{
                local_ts = 10.200.0.0/16
                remote_ts = 169.254.0.0/16
                esp_proposals = {ESP}
            }}
        }}
    }}
}}
secrets {{
    ike-any {{
        secret = "{PSK}"
    }}
}}
"""


def charon_initiator_conf(n):
    out = ["connections {"]
    for k in range(n):
        a = initiator_address(k)
        out.append(f"""    c{k} {{
        version = 2
        local_addrs = {a}
        remote_addrs = {RESPONDER}
        proposals = {IKE}
        mobike = no
        dpd_delay = 0
        local {{
            auth = psk
            id = {a}
        }}
        remote {{
            auth = psk
            id = {RESPONDER}
        }}
        children {{
            c {{
                local_ts = 169.254.0.0/16
                remote_ts = 10.200.0.0/16
                esp_proposals = {ESP}
                start_action = start
            }}
        }}
    }}""")
    out.append("}")
    out.append(f'secrets {{\n    ike-any {{\n        secret = "{PSK}"\n    }}\n}}\n')
    return "\n".join(out)


def charon_established(charon):
    r = charon.swanctl("--stats", "--raw", check=False)
    # "stats {... ikesas {total=N half-open=M} ...}"
    text = r.stdout
    try:
        total = int(text.split("ikesas {total=")[1].split()[0])
        half = int(text.split("half-open=")[1].split("}")[0].split()[0])
    except (IndexError, ValueError):
        return 0
    return total - half


def one_pair(args, pair):
    n = args.tunnels
    lab = Lab("vgwikebench", ["i", "r"])
    charons = []
    try:
        lab.veth("i", "wan", None, "r", "wan", f"{RESPONDER}/16")
        batch = os.path.join(lab.tmpdir, "addrs")
        with open(batch, "w") as f:
            for k in range(n):
                f.write(f"addr add {initiator_address(k)}/16 dev wan\n")
        run(["ip", "-n", lab.ns["i"], "-batch", batch])
        # kernel-libipsec installs a route for each Child SA's remote selector with a source
        # address inside the local one: give each side an address in its selector.
        lab.ip("r", "addr", "add", "10.200.0.1/16", "dev", "lo")
        lab.ip("i", "addr", "add", "169.254.255.253/32", "dev", "lo")
        initiator_kind, responder_kind = pair.split("-")
        # Responder first, answering.
        if responder_kind == "charon":
            responder = Charon(lab.ns["r"], os.path.join(lab.tmpdir, "charon-r"), quiet=not args.keep_logs,
                               extra=CHARON_TUNING, fast_retransmit=False).start()
            charons.append(responder)
            responder.load(charon_responder_conf())
        else:
            responder = Vgwd(lab, "r", args.build, vgw_config(n, initiator=False))
            deadline = time.monotonic() + 600
            while not responder.ready() and time.monotonic() < deadline:
                time.sleep(0.2)
            # Every responder tunnel must be in the dataplane before the clock starts.
            while time.monotonic() < deadline:
                r = responder.vgwsh("show ike sa summary json")
                if r.returncode == 0 and json.loads(r.stdout).get("summary", {}).get("waiting", 0) == n:
                    break
                time.sleep(0.5)
        # The initiator: idle RSS first, then the clock runs from the start of establishment.
        if initiator_kind == "charon":
            charon = Charon(lab.ns["i"], os.path.join(lab.tmpdir, "charon-i"), quiet=True,
                            extra=CHARON_TUNING, fast_retransmit=False).start()
            charons.append(charon)
            time.sleep(0.5)
            idle = rss_kib(charon.pid)
            path = os.path.join(charon.dir, "swanctl.conf")
            with open(path, "w") as f:
                f.write(charon_initiator_conf(n))
            t0 = time.monotonic()
            charon.swanctl("--load-all", "--file", path, timeout=600)
            t1 = wait_count(lambda: charon_established(charon), n, args.timeout)
            pid = charon.pid
        else:
            # Idle RSS of a vgwd without tunnels, then the same binary with the N-tunnel file.
            empty = Vgwd(lab, "i", args.build, "")
            while not empty.ready():
                time.sleep(0.1)
            time.sleep(0.5)
            idle = rss_kib(empty.proc.pid)
            empty.stop()
            if os.path.exists(empty.sock):
                os.remove(empty.sock)
            t0 = time.monotonic()
            vgw = Vgwd(lab, "i", args.build, vgw_config(n, initiator=True))
            while not vgw.ready():
                time.sleep(0.05)
            t1 = wait_count(vgw.established, n, args.timeout)
            pid = vgw.proc.pid
        time.sleep(1.0)
        full = rss_kib(pid)
        return {"pair": pair, "n": n, "seconds": t1 - t0, "rate": n / (t1 - t0),
                "kib_per_tunnel": (full - idle) / n, "idle_kib": idle, "full_kib": full}
    finally:
        for c in charons:
            c.stop()
        if args.keep_logs:
            dest = os.path.join(args.keep_logs, f"{pair}-{lab.tag}")
            subprocess.run(["cp", "-r", lab.tmpdir, dest], check=False)
            log(f"logs kept in {dest}")
        lab.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--tunnels", type=int, default=1000)
    ap.add_argument("--pairs", default="vgw-charon,charon-charon,vgw-vgw")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=900, help="seconds allowed for one establishment")
    ap.add_argument("--keep-logs", help="copy each pair's logs and configs into this directory")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root (network namespaces)")
    if args.tunnels > 16384:
        sys.exit("at most 16384 tunnels (a /30 each in 169.254.0.0/16)")
    if "vgw" in args.pairs:
        # vgwd holds a TUN device per tunnel, and per local address its UDP 500 socket and the
        # dataplane's UDP 4500 socket per worker (2): with an address per initiator tunnel, 4
        # descriptors each. The runner raises its limit (vgwd inherits it) or says why not.
        need = 4 * args.tunnels + 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < need:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (need, max(need, hard)))
            except (ValueError, OSError):
                sys.exit(f"{args.tunnels} tunnels need {need} file descriptors per vgwd (a TUN device, a UDP "
                         f"500 socket and two UDP 4500 sockets per tunnel with its own address); the hard "
                         f"limit here is {hard} and cannot be raised (no CAP_SYS_RESOURCE): at most "
                         f"{(hard - 1024) // 4} tunnels")
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    log(f"commit {commit}, load {os.getloadavg()}")
    results = {}
    for rnd in range(args.rounds):
        for pair in args.pairs.split(","):
            log(f"round {rnd + 1}: {pair}, {args.tunnels} tunnels")
            r = one_pair(args, pair)
            log(f"  {r['seconds']:.2f} s, {r['rate']:.0f}/s, {r['kib_per_tunnel']:.1f} KiB/tunnel")
            results.setdefault(pair, []).append(r)
    log(f"load after {os.getloadavg()}")

    def median(v):
        v = sorted(v)
        return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2

    ref = "charon-charon"
    print(f"IKEv2 establishment, {args.tunnels} tunnels, {IKE} / {ESP}, commit {commit}, "
          f"median of {args.rounds} round(s)")
    print(f"{'pair':16} {'estab/s':>9} {'vs charon':>10} {'KiB/tunnel':>11} {'vs charon':>10}")
    rate_ref = median([r["rate"] for r in results[ref]]) if ref in results else None
    mem_ref = median([r["kib_per_tunnel"] for r in results[ref]]) if ref in results else None
    for pair, rs in results.items():
        rate = median([r["rate"] for r in rs])
        mem = median([r["kib_per_tunnel"] for r in rs])
        rr = f"{rate / rate_ref:.2f}x" if rate_ref else "-"
        mr = f"{mem / mem_ref:.2f}x" if mem_ref else "-"
        print(f"{pair:16} {rate:9.0f} {rr:>10} {mem:11.1f} {mr:>10}")


if __name__ == "__main__":
    main()
