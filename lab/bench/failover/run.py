#!/usr/bin/python3
"""Side-by-side failover benchmark: the traffic a tunnel failure costs, counted in lost packets
of a 1,000 packets/s stream, with vgw's health check next to the open-source build of the same
thing (FRR's BGP, with its timers or with BFD, deciding over the same two tunnels).

    A: vgwd  wan1 192.0.2.1    ==== t1 (169.254.11.0/30) ====  192.0.2.2    wan1  B: vgwd
             wan2 198.51.100.1 ==== t2 (169.254.12.0/30) ====  198.51.100.2 wan2
             10.1.0.1 (lo) ---- stream, 1,000 x 64-octet UDP/s ---->         10.2.0.1 (lo)

Both sides' tunnels are vgwd's (manually keyed ESP in UDP); what differs per scenario is what
notices that t1 failed and moves the route to t2:

  vgw-hc-100x3      vgwd's health check, 100 ms x 3, static routes t1 (distance 1) / t2 (10)
  vgw-hc-1000x3     the same with the default 1,000 ms x 3
  frr-bgp-bfd-100x3 FRR (zebra, bgpd, bfdd) on both sides, eBGP over both tunnels' inside
                    addresses (t1's path preferred by weight), BFD 100 ms x 3 on the
                    sessions: FRR's fastest
  frr-bgp-1/3       the same without BFD, BGP timers 1/3 (FRR's smallest hold time)
  frr-bgp-10/30     BGP timers 10/30 (the VPN gateways' usual BGP timers)
  sw-dpd-10s        no vgwd: strongSwan's charon on both sides (kernel-libipsec), two IKE SAs
                    over wan1 and wan2 with the same selectors (10.1.0.0/24 <-> 10.2.0.0/24), so
                    traffic takes t1's Child SA until charon's dead peer detection (DPD every
                    10 s without inbound traffic, retransmissions 1 s x 1.4^n, 3 tries) closes
                    it and t2's takes over: the usual open-source build's own failover
  sw-dpd-1s         the same at charon's fastest useful settings: DPD 1 s, one retransmission
                    after 0.5 s
  vgw-bgp-100k      as vgw-hc-100x3, and A also learns 100,000 prefixes over BGP from a feeder
                    in B's namespace over each tunnel (t1's preferred by weight): measured too,
                    the time from t1 declared down until A's kernel has all of them via t2

The failure: ESP-in-UDP on wan1 dropped both ways by nftables in A's namespace while the stream
runs. Measured: the datagrams that never arrive (the stream is paced against the clock, so lost
packets = milliseconds without traffic). Each scenario runs in fresh namespaces and daemons;
rounds are interleaved, medians reported, ratios are against vgw-hc-100x3 from the same run.

(Why FRR over vgw's tunnels for the BGP rows: the usual build is strongSwan with XFRM
interfaces plus FRR; this kernel has no XFRM crypto, and charon's kernel-libipsec has one TUN
device whose SAs are chosen by traffic selectors, so routing cannot choose between two tunnels
to the same networks: with charon alone (the sw-dpd rows) DPD is what moves traffic.)

  sudo lab/bench/failover/run.py [--build DIR] [--rounds 2] [--scenarios a,b,...] [--json FILE]
"""
import argparse
import json
import os
import re
import select
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "dataplane"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from netns_lab import Lab, run  # noqa: E402

A_WAN, B_WAN = ("192.0.2.1", "198.51.100.1"), ("192.0.2.2", "198.51.100.2")
A_LAN, B_LAN = "10.1.0.1", "10.2.0.1"
INSIDE = {"t1": ("169.254.11.1", "169.254.11.2"), "t2": ("169.254.12.1", "169.254.12.2")}
KEYS = {("t1", "ab"): (0x1101, "11" * 20), ("t1", "ba"): (0x1201, "12" * 20),
        ("t2", "ab"): (0x2101, "21" * 20), ("t2", "ba"): (0x2201, "22" * 20)}
FRR = "/usr/lib/frr"

SCENARIOS = {
    "vgw-hc-100x3": {"kind": "vgw", "interval": 100, "retries": 3},
    "vgw-hc-1000x3": {"kind": "vgw", "interval": 1000, "retries": 3},
    "vgw-bfd-100x3": {"kind": "vgw", "bfd": (100, 3)},
    "vgw-bfd-50x3": {"kind": "vgw", "bfd": (50, 3)},
    "frr-bgp-bfd-100x3": {"kind": "frr", "timers": (1, 3), "bfd": (100, 3)},
    "frr-bgp-1/3": {"kind": "frr", "timers": (1, 3)},
    "frr-bgp-10/30": {"kind": "frr", "timers": (10, 30)},
    "sw-dpd-10s": {"kind": "sw", "dpd": 10, "retransmit": (1.0, 1.4, 3)},
    "sw-dpd-1s": {"kind": "sw", "dpd": 1, "retransmit": (0.5, 1.0, 1)},
}
REFERENCE = "vgw-hc-100x3"


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def next_line(p, timeout, what):
    """The next line a helper process prints, within timeout seconds."""
    ready, _, _ = select.select([p.stdout], [], [], timeout)
    if not ready:
        raise RuntimeError(f"timed out waiting for {what}")
    return p.stdout.readline()


class Run:
    """One scenario in fresh namespaces: set up, stream, cut t1, count."""

    def __init__(self, args, name, spec):
        import vgwtest  # after VGW_BUILD_DIR is set
        self.vgwtest = vgwtest
        self.args = args
        self.name, self.spec = name, spec
        self.lab = Lab("vgwfobench", ["a", "b"])
        self.daemons = {}
        self.frr_dirs = {}
        self.charons = {}

    def vgwsh(self, side, *cmds):
        r = self.daemons[side].vgwsh(*cmds)
        if r.returncode != 0:
            raise RuntimeError(f"{side}: {cmds}: {r.stdout}{r.stderr}")
        return r.stdout

    def rx(self, side, tunnel):
        if self.spec["kind"] == "sw":  # the packets charon received on the tunnel's Child SA
            total = 0
            for line in self.charons[side].sas():
                if line.startswith(f"list-sa event {{{tunnel} "):
                    total += sum(int(n) for n in re.findall(r"packets-in=(\d+)", line))
            return total
        out = json.loads(self.vgwsh(side, f"show tunnel {tunnel} json"))
        return int(out["tunnels"][0]["state"]["counters"]["rxPackets"])

    def kernel_route(self, side, address):
        return self.lab.ip(side, "route", "get", address, check=False).stdout

    def setup(self):
        lab = self.lab
        lab.veth("a", "wan1", f"{A_WAN[0]}/24", "b", "wan1", f"{B_WAN[0]}/24")
        lab.veth("a", "wan2", f"{A_WAN[1]}/24", "b", "wan2", f"{B_WAN[1]}/24")
        for side, lan in (("a", A_LAN), ("b", B_LAN)):
            lab.ip(side, "addr", "add", f"{lan}/32", "dev", "lo")
            for conf in ("all", "default"):
                lab.exec(side, "sh", "-c", f"echo 2 > /proc/sys/net/ipv4/conf/{conf}/rp_filter")
        if self.spec["kind"] == "sw":
            self.setup_charons()
            return
        for side in ("a", "b"):
            d = self.vgwtest.Daemon(workdir=os.path.join(lab.tmpdir, side), extra_args=(), netns=lab.ns[side])
            os.makedirs(d.dir)
            self.daemons[side] = d.start()
        for side in ("a", "b"):
            me, peer = (0, 1) if side == "a" else (1, 0)
            out_dir, in_dir = ("ab", "ba") if side == "a" else ("ba", "ab")
            for i, t in enumerate(("t1", "t2")):
                o_spi, o_key = KEYS[(t, out_dir)]
                i_spi, i_key = KEYS[(t, in_dir)]
                lines = [f"tunnel {t}", f"local {(A_WAN if side == 'a' else B_WAN)[i]}",
                         f"remote {(B_WAN if side == 'a' else A_WAN)[i]}", f"inside {INSIDE[t][me]}/30",
                         f"sa outbound spi {o_spi:#x} aes128gcm16 key 0x{o_key}",
                         f"sa inbound spi {i_spi:#x} aes128gcm16 key 0x{i_key}"]
                if self.spec["kind"] == "vgw" and self.spec.get("bfd"):
                    interval, mult = self.spec["bfd"]
                    lines.append(f"bfd detect-multiplier {mult} receive-interval {interval} transmit-interval {interval}")
                elif self.spec["kind"] == "vgw":
                    lines.append(f"health-check interval {self.spec['interval']} retries {self.spec['retries']}")
                self.vgwsh(side, "configure", *lines)
        if self.spec["kind"] == "vgw":
            for side, prefix in (("a", "10.2.0.0/24"), ("b", "10.1.0.0/24")):
                self.vgwsh(side, "configure", f"ip route {prefix} t1", f"ip route {prefix} t2 distance 10")
            if self.spec.get("bfd"):
                self.vgwtest.wait(lambda: self.bfd_counts("a")[0] == 2, timeout=60, what="A's BFD sessions up")
            if self.spec.get("bgp_routes"):
                self.feed_bgp(self.spec["bgp_routes"])
            if self.spec.get("bfd"):
                # BFD shares the control loop with BGP: did the ingest make a session time out?
                self.bfd_downs = self.bfd_counts("a")[1] + self.bfd_counts("b")[1]
        else:
            for side in ("a", "b"):
                self.start_frr(side)
        self.vgwtest.wait(lambda: "dev t1" in self.kernel_route("a", B_LAN), timeout=60, what="A's route via t1")
        self.vgwtest.wait(lambda: "dev t1" in self.kernel_route("b", A_LAN), timeout=60, what="B's route via t1")

    def bfd_counts(self, side):
        """(sessions up, down events so far) of a side's vgwd."""
        peers = json.loads(self.vgwsh(side, "show bfd peers json"))
        counters = json.loads(self.vgwsh(side, "show bfd peers counters json"))
        return sum(p["status"] == "up" for p in peers), sum(c["session-down"] for c in counters)

    def setup_charons(self):
        """charon on both sides, two IKE SAs (over wan1 and wan2) with the same selectors; A
        initiates both."""
        from strongswan import Charon
        for side in ("a", "b"):
            me, peer = (A_WAN, B_WAN) if side == "a" else (B_WAN, A_WAN)
            mine, theirs = ("10.1.0.0/24", "10.2.0.0/24") if side == "a" else ("10.2.0.0/24", "10.1.0.0/24")
            c = self.charons[side] = Charon(self.lab.ns[side], os.path.join(self.lab.tmpdir, f"charon-{side}"),
                                            quiet=True, retransmit=self.spec["retransmit"]).start()
            conns = secrets = ""
            for i, t in enumerate(("t1", "t2")):
                conns += (f"  {t} {{\n    version = 2\n    local_addrs = {me[i]}\n    remote_addrs = {peer[i]}\n"
                          f"    proposals = aes128gcm16-prfsha256-curve25519\n    mobike = no\n"
                          f"    dpd_delay = {self.spec['dpd']}s\n"
                          f"    local {{\n      auth = psk\n      id = {me[i]}\n    }}\n"
                          f"    remote {{\n      auth = psk\n      id = {peer[i]}\n    }}\n"
                          f"    children {{\n      {t} {{\n        local_ts = {mine}\n        remote_ts = {theirs}\n"
                          f"        esp_proposals = aes128gcm16\n        dpd_action = clear\n      }}\n    }}\n  }}\n")
                secrets += (f"  ike-{t} {{\n    id-1 = {me[i]}\n    id-2 = {peer[i]}\n"
                            f"    secret = \"failover-bench-psk-{t}\"\n  }}\n")
            c.load(f"connections {{\n{conns}}}\nsecrets {{\n{secrets}}}\n")
        # Both Child SAs share one policy (one reqid); charon sends on the newest: t1, set up last.
        for t in ("t2", "t1"):
            self.charons["a"].swanctl("--initiate", "--child", t, "--timeout", "20")
        ping = lambda: self.lab.exec("a", "ping", "-c", "1", "-W", "1", "-I", A_LAN, B_LAN, check=False).returncode == 0
        self.vgwtest.wait(ping, timeout=30, what="A reaches B through charon")

    def ifindex(self, side, dev):
        return int(self.lab.exec(side, "cat", f"/sys/class/net/{dev}/ifindex").stdout)

    def watch_routes(self, dev, target):
        """fib_watch --oif in A's namespace: says (CLOCK_MONOTONIC) when the kernel has target
        routes via dev."""
        p = self.lab.spawn("a", self.args.fib_watch, "--oif", str(self.ifindex("a", dev)), str(target), "100000",
                           stdout=subprocess.PIPE, text=True)
        if json.loads(next_line(p, 20, "fib_watch"))["event"] != "ready":
            raise RuntimeError("fib_watch did not start")
        return p

    def feed_bgp(self, n):
        """A's vgwd peers over both tunnels with a bgp_feeder in B's namespace announcing the same
        n prefixes (t1's preferred by weight); returns once A's kernel has all n via t1."""
        self.vgwsh("a", "configure", "router bgp 65001", "no bgp ebgp-requires-policy",
                   "neighbor 169.254.11.2 remote-as 65002", "neighbor 169.254.12.2 remote-as 65002",
                   "address-family ipv4 unicast", "neighbor 169.254.11.2 weight 100", "exit-address-family")
        on_t1 = self.watch_routes("t1", n)
        for t in ("t1", "t2"):
            me, peer = INSIDE[t][1], INSIDE[t][0]
            self.lab.spawn("b", self.args.feeder, "--prefixes", str(n), "--local", me, "--peer", peer,
                           "--local-as", "65002", "--peer-as", "65001", stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        line = next_line(on_t1, 300, f"{n} routes via t1 in A's kernel")
        if json.loads(line)["event"] != "done":
            raise RuntimeError(line)
        on_t1.kill()

    def start_frr(self, side):
        me, peer = (0, 1) if side == "a" else (1, 0)
        asn, peer_asn = (65001, 65002) if side == "a" else (65002, 65001)
        lan = A_LAN if side == "a" else B_LAN
        keepalive, hold = self.spec["timers"]
        d = self.frr_dirs[side] = os.path.join(self.lab.tmpdir, f"frr-{side}")
        os.makedirs(d)
        bfd = self.spec.get("bfd")
        neighbors = ""
        for t in ("t1", "t2"):
            p = INSIDE[t][peer]
            neighbors += (f" neighbor {p} remote-as {peer_asn}\n neighbor {p} timers {keepalive} {hold}\n"
                          f" neighbor {p} timers connect 1\n")
            if bfd:
                neighbors += f" neighbor {p} bfd profile fast\n"
        conf = {
            "zebra": "hostname z\n",
            "bgpd": (f"frr defaults traditional\nhostname b\n!\nrouter bgp {asn}\n bgp router-id {lan}\n"
                     f" no bgp ebgp-requires-policy\n no bgp network import-check\n{neighbors}"
                     f" address-family ipv4 unicast\n  network {lan}/32\n  maximum-paths 1\n"
                     f"  neighbor {INSIDE['t1'][peer]} weight 100\n exit-address-family\n!\n"),
        }
        daemons = ["zebra", "bgpd"]
        if bfd:
            conf["bfdd"] = (f"bfd\n profile fast\n  transmit-interval {bfd[0]}\n  receive-interval {bfd[0]}\n"
                            f"  detect-multiplier {bfd[1]}\n !\n!\n")
            daemons.append("bfdd")
        common = ["-d", "-u", "root", "-g", "frrvty", "-z", f"{d}/zserv.api", "--vty_socket", d, "-P", "0"]
        for daemon in daemons:
            with open(os.path.join(d, f"{daemon}.conf"), "w") as f:
                f.write(conf[daemon])
            self.lab.exec(side, f"{FRR}/{daemon}", *common, "-f", f"{d}/{daemon}.conf", "-i", f"{d}/{daemon}.pid")
            self.vgwtest.wait(lambda: os.path.exists(f"{d}/{daemon}.vty"), timeout=20, what=f"{daemon} in {side}")

    def cut(self):
        run(["ip", "netns", "exec", self.lab.ns["a"], "nft", "-f", "-"], input=(
            "table inet cut {\n"
            "  chain out { type filter hook output priority 0; oifname \"wan1\" udp dport 4500 drop; }\n"
            "  chain in { type filter hook input priority 0; iifname \"wan1\" udp sport 4500 drop; }\n"
            "}\n"))

    def measure(self):
        n = self.spec.get("bgp_routes")
        on_t2 = self.watch_routes("t2", n) if n else None
        stream = self.vgwtest.UdpStream(self.lab.ns["a"], A_LAN, self.lab.ns["b"], B_LAN).start()
        try:
            start = self.rx("b", "t1")
            self.vgwtest.wait(lambda: self.rx("b", "t1") > start + 500, timeout=30, what="the stream over t1")
            t2 = self.rx("b", "t2")
            self.cut()
            cut_at = time.monotonic()
            cut_wall = time.time()
            limit = 30 + 2 * max(self.spec.get("timers", (0, 0))[1], self.spec.get("dpd", 0), 3)
            self.vgwtest.wait(lambda: self.rx("b", "t2") > t2 + 300, timeout=limit, what="the stream over t2")
            moved_after = time.monotonic() - cut_at
            result = stream.stop()
        finally:
            stream.close()
        result["moved_within_s"] = round(moved_after, 3)
        if hasattr(self, "bfd_downs"):
            result["bfd_down_events_before_cut"] = self.bfd_downs
        if on_t2:
            # From t1 being declared down (its health's since) to all n routes via t2 in the kernel.
            line = next_line(on_t2, 60, f"{n} routes via t2 in A's kernel")
            if json.loads(line)["event"] != "done":
                raise RuntimeError(line)
            done = json.loads(line)["t"]  # CLOCK_MONOTONIC, as time.monotonic()
            health = json.loads(self.vgwsh("a", "show tunnel t1 json"))["tunnels"][0]["state"]["health"]
            down = int(health["sinceUnixMs"]) / 1000 - (cut_wall - cut_at)  # wall clock -> monotonic
            result["bgp_routes_moved_ms"] = round((done - down) * 1000)
            result["bgp_routes_moved_after_cut_ms"] = round((done - cut_at) * 1000)
        return result

    def close(self):
        for d in self.daemons.values():
            d.kill()
        for c in self.charons.values():
            c.stop()
        self.lab.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--scenarios", help="comma-separated (default: all)")
    ap.add_argument("--json", help="write the raw results here")
    ap.add_argument("--bgp-routes", type=int, default=100000,
                    help="BGP routes of the vgw-bgp scenario (0: leave that scenario out)")
    args = ap.parse_args()
    args.feeder = os.path.join(os.path.abspath(args.build), "tests", "bench", "bgp_feeder")
    args.fib_watch = os.path.join(os.path.abspath(args.build), "tests", "bench", "fib_watch")
    if args.bgp_routes:
        SCENARIOS[f"vgw-bgp-{args.bgp_routes // 1000}k"] = {"kind": "vgw", "interval": 100, "retries": 3,
                                                            "bgp_routes": args.bgp_routes}
        # BFD at 50 ms x 3 on the control loop while it takes in the BGP table.
        SCENARIOS[f"vgw-bfd50-bgp-{args.bgp_routes // 1000}k"] = {"kind": "vgw", "bfd": (50, 3),
                                                                  "bgp_routes": args.bgp_routes}
    args.scenarios = args.scenarios or ",".join(SCENARIOS)
    if os.geteuid() != 0:
        sys.exit("run as root (network namespaces)")
    os.environ["VGW_BUILD_DIR"] = os.path.abspath(args.build)
    names = args.scenarios.split(",")
    for n in names:
        if n not in SCENARIOS:
            sys.exit(f"unknown scenario {n}; known: {', '.join(SCENARIOS)}")
    commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], check=False).stdout.strip()
    results = {n: [] for n in names}
    for rnd in range(args.rounds):
        for n in names:
            r = Run(args, n, SCENARIOS[n])
            try:
                r.setup()
                res = r.measure()
            finally:
                r.close()
            log(f"round {rnd + 1} {n}: {res}")
            results[n].append(res)
    print(f"\nFailover over two tunnels, 1,000 packets/s, t1's ESP dropped both ways "
          f"(commit {commit}, {args.rounds} round(s), medians; load {os.getloadavg()[0]:.2f})\n")
    print(f"{'scenario':<20} {'lost packets (= ms)':>20} {'rounds':>18} {'x ' + REFERENCE:>18}")
    ref = statistics.median(x["lost"] for x in results[REFERENCE]) if REFERENCE in results else None
    for n in names:
        lost = statistics.median(x["lost"] for x in results[n])
        ratio = f"{lost / ref:.1f}" if ref else "-"
        each = "/".join(str(x["lost"]) for x in results[n])
        print(f"{n:<20} {lost:>20.0f} {each:>18} {ratio:>18}")
    for n in names:
        downs = [x["bfd_down_events_before_cut"] for x in results[n] if "bfd_down_events_before_cut" in x]
        if downs:
            what = f" while A took in {SCENARIOS[n]['bgp_routes']:,} BGP routes" if SCENARIOS[n].get("bgp_routes") else ""
            print(f"\n{n}: BFD sessions that went down before the cut{what}: {'/'.join(map(str, downs))} "
                  f"(per round, both sides)")
    for n in names:
        moved = [x["bgp_routes_moved_ms"] for x in results[n] if "bgp_routes_moved_ms" in x]
        if moved:
            after_cut = [x["bgp_routes_moved_after_cut_ms"] for x in results[n]]
            print(f"\n{n}: {SCENARIOS[n]['bgp_routes']:,} BGP routes via t2 in the kernel "
                  f"{statistics.median(moved):.0f} ms after t1 was declared down (rounds "
                  f"{'/'.join(map(str, moved))}), {statistics.median(after_cut):.0f} ms after the cut")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"commit": commit, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
