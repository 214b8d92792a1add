#!/usr/bin/env python3
"""Side-by-side ESP dataplane benchmark: vgw's dataplane vs a strongSwan kernel-libipsec pair vs
plain TUN forwarding without crypto, on one topology, printing one table of ratios.

  gen 10.91.1.10 -- gw A (10.91.1.1 | 192.0.2.1) == tunnel ==
                                  (192.0.2.2 | 10.91.2.1) gw B -- sink 10.91.2.10

Every namespace is created here with a unique name (pid + random) and removed at the end, even
if this script dies (tests/dataplane/netns_lab.py's reaper). See README.md for the method.

  sudo lab/bench/esp/run.py [--build DIR] [--configs vgw,strongswan,plain] [--trial 2]
                            [--tcp-seconds 10] [--workers N]
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "dataplane"))
from netns_lab import Lab, run  # noqa: E402

GEN, SINK, PORT = "10.91.1.10", "10.91.2.10", 9000
A_WAN, B_WAN = "192.0.2.1", "192.0.2.2"
KEY_AB = "00112233445566778899aabbccddeeff01020304"  # AES-128 key || salt
KEY_BA = "ffeeddccbbaa99887766554433221100a0b0c0d0"
# The only tunnel belongs to worker 0; even SPIs put its inbound SA there too, as
# Dataplane::allocate_spi(tunnel) would (one thread per tunnel and gateway).
SPI_AB, SPI_BA = 0x1000, 0x2000
CLK_TCK = os.sysconf("SC_CLK_TCK")
LOSS_LIMIT = 0.01
# strongSwan plugins (shared/interop/strongswan.md): kernel-libipsec before kernel-netlink.
PLUGINS = ("random nonce openssl aes sha1 sha2 hmac gcm curve25519 gmp pem pkcs1 x509 pubkey kdf "
           "kernel-libipsec kernel-netlink socket-default vici")


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
        except OSError:
            pass
    return total


class Bench:
    def __init__(self, args):
        self.args = args
        self.lab = Lab("vgwbench", ["gen", "a", "b", "sink"])
        lab = self.lab
        self.blast = os.path.join(lab.tmpdir, "udp_blast")
        run(["g++", "-O2", "-std=c++20", "-o", self.blast, os.path.join(HERE, "udp_blast.cc")])
        lab.veth("gen", "bgen0", f"{GEN}/24", "a", "bgen1", "10.91.1.1/24")
        lab.veth("a", "bwana", f"{A_WAN}/24", "b", "bwanb", f"{B_WAN}/24")
        lab.veth("b", "bsink1", "10.91.2.1/24", "sink", "bsink0", f"{SINK}/24")
        lab.ip("gen", "route", "add", "default", "via", "10.91.1.1")
        lab.ip("sink", "route", "add", "default", "via", "10.91.2.1")
        for g in ("a", "b"):
            lab.exec(g, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        self.sink = lab.spawn("sink", self.blast, "sink", str(PORT), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, bufsize=1)
        assert self.sink.stdout.readline().strip() == "ready"
        lab.spawn("sink", "iperf3", "-s", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)

    def sink_count(self):
        self.sink.stdin.write("count\n")
        self.sink.stdin.flush()
        line = self.sink.stdout.readline()
        return int(line.split()[0].split("=")[1])

    # ---- the three gateways ----

    def start_vgw(self, plain=False):
        gw = os.path.join(self.args.build, "tests", "dataplane", "esp_gateway")
        pids = []
        sides = (("a", A_WAN, B_WAN, "169.254.10.1/30", "10.91.2.0/24", KEY_AB, KEY_BA, SPI_AB,
                  SPI_BA),
                 ("b", B_WAN, A_WAN, "169.254.10.2/30", "10.91.1.0/24", KEY_BA, KEY_AB, SPI_BA,
                  SPI_AB))
        for side, local, remote, inside, lan, out_key, in_key, out_spi, in_spi in sides:
            if plain:
                g = self.lab.gateway(side, gw, ["--plain", f"local={local}", f"remote={remote}",
                                                f"inside={inside}", "mtu=1438", "ifname=bplain"])
                dev = "bplain"
            else:
                extra = ["--workers", str(self.args.workers)] if self.args.workers else []
                g = self.lab.gateway(side, gw, extra)
                g.cmd(f"tunnel btun local={local} remote={remote} inside={inside} "
                      "transforms=aes128gcm16")
                g.cmd(f"sa btun out spi={out_spi} transform=aes128gcm16 enc={out_key}")
                g.cmd(f"sa btun in spi={in_spi} transform=aes128gcm16 enc={in_key}")
                dev = "btun"
            self.lab.ip(side, "route", "add", lan, "dev", dev)
            pids.append(g.proc.pid)
        return pids, lambda: [g.stop() for g in self.lab.gateways]

    def start_strongswan(self):
        charon = "/usr/lib/ipsec/charon"
        pids, dirs = [], []
        for side, local, remote, lid, rid, lts, rts, start in (
                ("a", A_WAN, B_WAN, "gw-a", "gw-b", "10.91.1.0/24", "10.91.2.0/24", "none"),
                ("b", B_WAN, A_WAN, "gw-b", "gw-a", "10.91.2.0/24", "10.91.1.0/24", "none")):
            d = os.path.join(self.lab.tmpdir, "ss", side)
            os.makedirs(os.path.join(d, "run"))
            dirs.append(d)
            with open(os.path.join(d, "strongswan.conf"), "w") as f:
                f.write(f"""charon {{
    load_modular = no
    load = {PLUGINS}
    install_routes = yes
    filelog {{
        charonlog {{
            path = {d}/run/charon.log
            default = 0
        }}
    }}
    syslog {{
        daemon {{
            default = -1
        }}
    }}
    plugins {{
        vici {{
            socket = unix://{d}/run/charon.vici
        }}
    }}
}}
""")
            with open(os.path.join(d, "swanctl.conf"), "w") as f:
                f.write(f"""connections {{
    gw {{
        version = 2
        local_addrs = {local}
        remote_addrs = {remote}
        proposals = aes128gcm16-prfsha256-x25519
        mobike = no
        local {{
            auth = psk
            id = {lid}
        }}
        remote {{
            auth = psk
            id = {rid}
        }}
        children {{
            net {{
                local_ts = {lts}
                remote_ts = {rts}
                esp_proposals = aes128gcm16
                start_action = {start}
            }}
        }}
    }}
}}
secrets {{
    ike-gw {{
        id-a = gw-a
        id-b = gw-b
        secret = "vgw-bench-psk-0123456789"
    }}
}}
""")
            for sub in ("x509", "x509ca", "private", "pubkey"):
                os.makedirs(os.path.join(d, sub), exist_ok=True)
            # charon's pid file is /run/charon.pid: give each one its own /run (mount ns).
            self.lab.spawn(side, "unshare", "-m", "--propagation", "private", "sh", "-c",
                           f"mount --bind '{d}/run' /run && exec env "
                           f"STRONGSWAN_CONF='{d}/strongswan.conf' {charon}",
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
            for _ in range(200):
                pidfile = f"{d}/run/charon.pid"
                if os.path.exists(f"{d}/run/charon.vici") and os.path.exists(pidfile) and \
                        os.path.getsize(pidfile) > 0:
                    break
                time.sleep(0.05)
            pids.append(int(open(f"{d}/run/charon.pid").read()))
            run(["swanctl", "--load-all", "--file", f"{d}/swanctl.conf",
                 "--uri", f"unix://{d}/run/charon.vici"])
        run(["swanctl", "--initiate", "--child", "net", "--timeout", "15",
             "--uri", f"unix://{dirs[0]}/run/charon.vici"], timeout=30)

        def stop():
            for pid in pids:
                try:
                    os.kill(pid, 15)
                except OSError:
                    pass
            for pid in pids:
                for _ in range(50):
                    if not os.path.exists(f"/proc/{pid}"):
                        break
                    time.sleep(0.1)
        return pids, stop

    # ---- measurements ----

    def trial(self, size, pps, pids):
        secs = self.args.trial
        r0, c0, t0 = self.sink_count(), cpu_seconds(pids), time.monotonic()
        out = self.lab.exec("gen", self.blast, "send", SINK, str(PORT), str(size), str(int(pps)),
                            str(secs), timeout=60).stdout
        time.sleep(0.3)  # in flight
        r1, c1, t1 = self.sink_count(), cpu_seconds(pids), time.monotonic()
        fields = dict(w.split("=") for w in out.split())
        sent, took = int(fields["sent"]), float(fields["seconds"])
        received = r1 - r0
        loss = 1 - received / sent if sent else 1.0
        cores = (c1 - c0) / (t1 - t0)  # the whole window, drain included
        return {"offered": sent / took, "pps": received / took, "loss": loss, "cores": cores}

    def search(self, size, pids):
        """Highest offered rate with < 1% loss: a probe at 2 M pps finds the receive ceiling R,
        then bisection over [0.3 R, 1.05 R] on a log scale."""
        probe = self.trial(size, 2_000_000, pids)
        log(f"  size {size + 28}: probe offered {probe['offered']:.0f} "
            f"received {probe['pps']:.0f} pps")
        lo, hi, best = probe["pps"] * 0.3, probe["pps"] * 1.05, None
        t = self.trial(size, lo, pids)
        if t["loss"] < LOSS_LIMIT:
            best = t
        for _ in range(self.args.steps):
            mid = (lo * hi) ** 0.5
            t = self.trial(size, mid, pids)
            log(f"    {mid:9.0f} pps offered -> {t['pps']:9.0f} received, "
                f"loss {100 * t['loss']:.2f}%")
            if t["loss"] < LOSS_LIMIT:
                lo, best = mid, t
            else:
                hi = mid
        return best or {"pps": 0.0, "loss": 1.0, "cores": 0.0, "offered": 0.0}

    def tcp(self, pids):
        c0, t0 = cpu_seconds(pids), time.monotonic()
        p = self.lab.exec("gen", "iperf3", "-c", SINK, "-t", str(self.args.tcp_seconds), "-J",
                          timeout=120)
        c1, t1 = cpu_seconds(pids), time.monotonic()
        bps = json.loads(p.stdout)["end"]["sum_received"]["bits_per_second"]
        return {"mbps": bps / 1e6, "cores": (c1 - c0) / (t1 - t0)}

    def measure(self, name):
        log(f"== {name}")
        pids, stop = {"vgw": self.start_vgw, "strongswan": self.start_strongswan,
                      "plain": lambda: self.start_vgw(plain=True)}[name]()
        try:
            for _ in range(50):
                ping = self.lab.exec("gen", "ping", "-c", "1", "-W", "1", SINK, check=False)
                if ping.returncode == 0:
                    break
            else:
                raise RuntimeError(f"{name}: no connectivity gen -> sink")
            small = self.search(228, pids)
            large = self.search(1372, pids)
            tcp = self.tcp(pids)
            return {"small": small, "large": large, "tcp": tcp}
        finally:
            stop()
            self.lab.gateways.clear()

    def close(self):
        try:
            self.sink.stdin.close()
        except Exception:
            pass
        self.lab.close()


def table(results, load_before, load_after):
    names = [n for n in ("vgw", "strongswan", "plain") if n in results]
    rows = [
        ("pps, 256 B, <1% loss", lambda r: r["small"]["pps"], "{:,.0f}"),
        ("  cores (gw A + gw B)", lambda r: r["small"]["cores"], "{:.2f}"),
        ("Gbit/s, 1400 B, <1% loss", lambda r: r["large"]["pps"] * 1400 * 8 / 1e9, "{:.3f}"),
        ("  cores (gw A + gw B)", lambda r: r["large"]["cores"], "{:.2f}"),
        ("TCP 1 stream, Mbit/s", lambda r: r["tcp"]["mbps"], "{:,.0f}"),
        ("  cores (gw A + gw B)", lambda r: r["tcp"]["cores"], "{:.2f}"),
    ]
    head = f"{'metric':28}" + "".join(f"{n:>14}" for n in names)
    if "vgw" in results and "plain" in results:
        head += f"{'vgw/plain':>11}"
    if "vgw" in results and "strongswan" in results:
        head += f"{'vgw/sswan':>11}"
    lines = [head, "-" * len(head)]
    for label, get, fmt in rows:
        line = f"{label:28}" + "".join(f"{fmt.format(get(results[n])):>14}" for n in names)
        if not label.startswith("  "):
            v = get(results["vgw"]) if "vgw" in results else None
            for other in ("plain", "strongswan"):
                if v is not None and other in results:
                    o = get(results[other])
                    line += f"{(v / o if o else float('inf')):>10.2f}x"
        lines.append(line)
    lines.append(f"load average before: {load_before}   after: {load_after}   "
                 f"({os.cpu_count()} CPUs, shared)")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build",
                    default=os.environ.get("VGW_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--configs", default="vgw,strongswan,plain")
    ap.add_argument("--trial", type=float, default=2.0, help="seconds per rate trial")
    ap.add_argument("--steps", type=int, default=5, help="bisection steps per rate search")
    ap.add_argument("--tcp-seconds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=0, help="vgw workers (0: default)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root (network namespaces)")
    if not os.access(os.path.join(args.build, "tests", "dataplane", "esp_gateway"), os.X_OK):
        sys.exit(f"build esp_gateway first: ninja -C {args.build} esp_gateway")
    load_before = open("/proc/loadavg").read().split()[:3]
    bench = Bench(args)
    results = {}
    try:
        for name in args.configs.split(","):
            results[name] = bench.measure(name)
    finally:
        bench.close()
    load_after = open("/proc/loadavg").read().split()[:3]
    print(table(results, " ".join(load_before), " ".join(load_after)))
    print(json.dumps(results), file=sys.stderr)


if __name__ == "__main__":
    main()
