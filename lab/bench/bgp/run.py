#!/usr/bin/python3
"""Full-table BGP ingest benchmark: vgw vs BIRD 2 vs FRR (bgpd + zebra), side by side, in one
run, interleaved (vgw, bird, frr, vgw, bird, frr, ...), as /work/shared/interop/bgp-ingest-method.md
measured the anchor figures.

  feeder ns: bgp_feeder 10.99.20.1 AS 65100 --veth-- 10.99.20.2 AS 65200 receiver ns: the receiver

For every run: two fresh network namespaces, a veth between them, the receiver started with
kernel FIB programming on, the feeder (lab/bench/bgp/bgp_feeder.cc) announcing N prefixes from
a pre-encoded stream. Measured from Established (the feeder got the receiver's KEEPALIVE):
  accept  - the receiver reports all N prefixes accepted from the feeder (polled)
  fib     - all N are in the kernel FIB of the receiver's namespace (counted from the kernel's
            route notifications by fib_watch.cc in that namespace)
  RSS     - peak RSS (VmHWM) of the receiver's process(es), read once it is idle
  CPU     - user+system seconds of the receiver's process(es) from Established until idle
Output: a markdown table on stdout, progress on stderr, everything as JSON with --json FILE.

  sudo lab/bench/bgp/run.py [--build DIR] [--rounds 3] [--prefixes 1000000]
                            [--receivers vgw,bird,frr] [--json FILE] [--keep]
Extra receivers (not in the default list): vgw-nofib, bird-nofib, frr-nofib (FRR bgpd -n) -
the same daemons without FIB programming, comparable with the anchor's "no FIB" rows.
Standard library only. See README.md for the method.
"""
import argparse
import atexit
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CLK_TCK = os.sysconf("SC_CLK_TCK")
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
from receivers import (FEED_ADDR, FEED_AS, FRR_DIR, PREFIX_LEN, RCV_ADDR,  # noqa: E402
                       RCV_AS, RECEIVERS)


def log(*a):
    print("[bgpbench]", *a, file=sys.stderr, flush=True)


def sh(*args, check=True, timeout=60):
    return subprocess.run(args, capture_output=True, text=True, check=check, timeout=timeout)


# ---------------------------------------------------------------- processes and namespaces

def proc_cpu(pid):
    """utime + stime of a process in seconds (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError):
        return 0.0


def proc_status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def machine_idle(seconds):
    """Fraction of all CPUs idle (idle + iowait) over a window of the given length."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v[:8])
    i0, t0 = sample()
    time.sleep(seconds)
    i1, t1 = sample()
    return (i1 - i0) / max(1, t1 - t0)


def wait_idle(threshold, max_wait):
    """Waits (1 s windows) until the machine is at least threshold idle, at most max_wait s.
    Returns the last idle fraction seen and the seconds waited."""
    start = time.monotonic()
    idle = machine_idle(1.0)
    while idle < threshold and time.monotonic() - start < max_wait:
        idle = machine_idle(1.0)
    return idle, time.monotonic() - start


def start_reaper(tmpdir):
    """A child that outlives us: it reads "+ns"/"-ns" lines from a pipe and, when the pipe
    closes (we exited, however), kills what still runs in the namespaces left and deletes them,
    and the work directory unless it was kept ("keep" line)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(w)
            os.setsid()
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            buf = b""
            while True:
                chunk = os.read(r, 4096)
                if not chunk:
                    break
                buf += chunk
            live, keep = set(), False
            for line in buf.decode().split():
                if line == "keep":
                    keep = True
                else:
                    (live.add if line[0] == "+" else live.discard)(line[1:])
            for ns in live:
                if not os.path.exists(f"/run/netns/{ns}"):
                    continue
                pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True,
                                      text=True).stdout.split()
                for p in pids:
                    try:
                        os.kill(int(p), signal.SIGKILL)
                    except (OSError, ValueError):
                        pass
                time.sleep(0.2)
                subprocess.run(["ip", "netns", "del", ns], capture_output=True)
            if not keep:
                shutil.rmtree(tmpdir, ignore_errors=True)
        finally:
            os._exit(0)
    os.close(r)
    return w


class Lab:
    """Namespaces and processes this run created; everything is undone by close(), which runs
    from finally, atexit and the SIGTERM handler (and the reaper if we are killed)."""

    def __init__(self, keep=False):
        self.keep = keep
        self.tag = f"{os.getpid()}"
        self.count = 0
        self.netns = []
        self.procs = []
        self.tmpdir = tempfile.mkdtemp(prefix="vgw-bgpbench-")
        self.reaper = start_reaper(self.tmpdir)
        if keep:
            os.write(self.reaper, b"keep\n")
        self.closed = False

    def add_netns(self, role):
        self.count += 1
        name = f"vgwbgpb-{role}-{self.tag}-{self.count}"
        os.write(self.reaper, f"+{name}\n".encode())
        sh("ip", "netns", "add", name)
        self.netns.append(name)
        sh("ip", "-n", name, "link", "set", "lo", "up")
        return name

    def spawn(self, ns, args, **kw):
        """A process inside ns (ip netns exec execs it: the pid is the program's own). It gets
        its own session, so a Ctrl-C reaches only this runner, which then cleans up."""
        p = subprocess.Popen(["ip", "netns", "exec", ns, *args], start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def kill(self, p):
        if p.poll() is None:
            p.kill()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log(f"pid {p.pid} did not exit after SIGKILL")
        if p in self.procs:
            self.procs.remove(p)

    def del_netns(self, name):
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
        os.write(self.reaper, f"-{name}\n".encode())
        if name in self.netns:
            self.netns.remove(name)

    def close(self):
        if self.closed:
            return
        self.closed = True
        for p in list(self.procs):
            self.kill(p)
        for ns in list(self.netns):
            self.del_netns(ns)
        if self.keep:
            log(f"work directory kept: {self.tmpdir}")
        else:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        os.close(self.reaper)


def fib_prefixes(pid):
    """IPv4 prefixes in the FIB of pid's network namespace: "Prefixes:" of the Main trie in
    /proc/PID/net/fib_triestat (a walk of the trie in the kernel, no route text)."""
    with open(f"/proc/{pid}/net/fib_triestat") as f:
        text = f.read()
    main = text.split("Main:", 1)[1]
    return int(re.search(r"Prefixes:\s+(\d+)", main).group(1))


# ---------------------------------------------------------------- one run

def read_events(stream, q):
    for line in stream:
        line = line.strip()
        if line.startswith("{"):
            try:
                q.put(json.loads(line))
            except ValueError:
                pass
    q.put({"event": "eof"})


def next_event(q, timeout, want):
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise RuntimeError(f"no '{want}' event within {timeout} s")
        ev = q.get(timeout=left)
        if ev["event"] == want:
            return ev
        if ev["event"] in ("eof", "closed"):
            raise RuntimeError(f"{ev} while waiting for '{want}'")


def cpu_of(pids):
    return {role: proc_cpu(pid) for role, pid in pids.items()}


def measure(lab, args, kind, round_no):
    cls = RECEIVERS[kind]
    feed_ns, rcv_ns = lab.add_netns("feed"), lab.add_netns("rcv")
    result = {"receiver": kind, "round": round_no, "prefixes": args.prefixes}
    rcv = feeder = watcher = None
    try:
        sh("ip", "link", "add", "bfeed0", "netns", feed_ns, "type", "veth", "peer", "name",
           "brcv0", "netns", rcv_ns)
        sh("ip", "-n", feed_ns, "addr", "add", f"{FEED_ADDR}/{PREFIX_LEN}", "dev", "bfeed0")
        sh("ip", "-n", rcv_ns, "addr", "add", f"{RCV_ADDR}/{PREFIX_LEN}", "dev", "brcv0")
        sh("ip", "-n", feed_ns, "link", "set", "bfeed0", "up")
        sh("ip", "-n", rcv_ns, "link", "set", "brcv0", "up")
        rdir = os.path.join(lab.tmpdir, f"{kind}-{round_no}")
        rcv = cls(lab, rcv_ns, rdir, args)
        rcv.start()
        pids = rcv.pids()
        n = args.prefixes

        # The feeder encodes its table first, then waits for "go".
        fq, wq = queue.Queue(), queue.Queue()
        with open(os.path.join(rdir, "feeder.stderr"), "w") as errf:
            feeder = lab.spawn(feed_ns, [args.feeder, "--prefixes", str(n),
                                         "--local", FEED_ADDR, "--peer", RCV_ADDR,
                                         "--local-as", str(FEED_AS), "--peer-as", str(RCV_AS),
                                         "--wait-go"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errf,
                               text=True)
        threading.Thread(target=read_events, args=(feeder.stdout, fq), daemon=True).start()
        ready = next_event(fq, 300, "ready")
        result["feeder"] = {k: ready[k] for k in ("updates", "bytes", "generate_s")}
        fib_base = fib_prefixes(rcv.fib_pid())
        if rcv.fib:  # counts routes entering the receiver's kernel table (fib_watch.cc)
            watcher = lab.spawn(rcv_ns, [args.fib_watch, str(n)], stdout=subprocess.PIPE,
                                text=True)
            threading.Thread(target=read_events, args=(watcher.stdout, wq), daemon=True).start()
            next_event(wq, 30, "ready")
        idle, waited = wait_idle(args.idle, args.settle)
        result["idle_before"], result["settle_s"] = round(idle, 3), round(waited, 1)
        rss_start = {role: proc_status_kb(pid, "VmRSS") for role, pid in pids.items()}

        feeder.stdin.write("go\n")
        feeder.stdin.flush()
        t0 = next_event(fq, 60, "established")["t"]
        cpu0 = cpu_of(pids)
        self0 = os.times()
        watch_cpu0 = proc_cpu(watcher.pid) if watcher else 0.0
        t_accept = t_fib = t_sent = t_accept_low = None
        accept_cost, fib_polls = [], 0
        last_accept = last_fib = 0
        overflow = False
        next_a = next_f = time.monotonic()
        deadline = t0 + args.timeout
        while t_accept is None or (rcv.fib and t_fib is None):
            now = time.monotonic()
            if now > deadline:
                raise RuntimeError(f"timeout: accepted {last_accept}, in FIB {last_fib} of {n}")
            if not rcv.alive():
                raise RuntimeError(f"{kind} died: {rcv.pids()}")
            while not fq.empty():
                ev = fq.get_nowait()
                if ev["event"] == "sent":
                    t_sent = ev["t"] - t0
                elif ev["event"] in ("closed", "eof"):
                    raise RuntimeError(f"feeder: {ev}")
            while not wq.empty():
                ev = wq.get_nowait()
                last_fib = ev.get("routes", last_fib)
                if ev["event"] == "done" and t_fib is None and not overflow:
                    t_fib = ev["t"] - t0
                elif ev["event"] == "overflow" and not overflow:
                    overflow = True
                    log(f"{kind}: route notifications lost; counting the FIB every "
                        f"{args.fib_interval} s instead")
                elif ev["event"] == "eof":
                    raise RuntimeError("fib_watch ended")
            if t_accept is None and now >= next_a:
                last_accept = rcv.accepted()
                t = time.monotonic()
                accept_cost.append(t - now)
                if last_accept >= n:  # sampled between now and t: report t, keep now
                    t_accept, t_accept_low = t - t0, now - t0
                next_a = now + args.accept_interval
            if overflow and t_fib is None and now >= next_f:  # fallback: a full trie walk
                last_fib = fib_prefixes(rcv.fib_pid()) - fib_base
                fib_polls += 1
                if last_fib >= n:
                    t_fib = time.monotonic() - t0
                next_f = now + args.fib_interval
            pause = 0.01 if t_accept is not None else next_a - time.monotonic()
            time.sleep(min(max(pause, 0.0), 0.01))
        # Idle: the receiver's CPU stops moving (e.g. FRR finishing its work queues).
        t_idle0 = time.monotonic()
        c_prev = sum(cpu_of(pids).values())
        while time.monotonic() - t_idle0 < args.idle_wait:
            time.sleep(0.5)
            c = sum(cpu_of(pids).values())
            if c - c_prev < 0.02:
                break
            c_prev = c
        cpu1 = cpu_of(pids)
        self1 = os.times()
        while not fq.empty():
            ev = fq.get_nowait()
            if ev["event"] == "sent" and t_sent is None:
                t_sent = ev["t"] - t0
        hwm = {role: proc_status_kb(pid, "VmHWM") for role, pid in pids.items()}
        result.update({
            "accept_s": round(t_accept, 3),
            "fib_s": round(t_fib, 3) if t_fib is not None else None,
            "accept_s_query_sent": round(t_accept_low, 3),
            "feeder_sent_s": round(t_sent, 3) if t_sent is not None else None,
            "peak_rss_mb": round(sum(v or 0 for v in hwm.values()) / 1024, 1),
            "peak_rss_mb_by_process": {r: round((v or 0) / 1024, 1) for r, v in hwm.items()},
            "rss_before_mb": round(sum(v or 0 for v in rss_start.values()) / 1024, 1),
            "cpu_s": round(sum(cpu1.values()) - sum(cpu0.values()), 2),
            "cpu_s_by_process": {r: round(cpu1[r] - cpu0[r], 2) for r in pids},
            "accept_polls": len(accept_cost),
            "accept_poll_ms": round(1000 * statistics.mean(accept_cost), 2),
            "fib_watch_cpu_s": round(proc_cpu(watcher.pid) - watch_cpu0, 2) if watcher else None,
            "fib_notifications_lost": overflow,
            "runner_cpu_s": round(self1.user + self1.system - self0.user - self0.system, 2),
            "fib_fallback_polls": fib_polls,
            # After the timing, one full walk as a cross-check of the notification count.
            "fib_routes_end": fib_prefixes(rcv.fib_pid()) - fib_base,
            "details": rcv.details(),
        })
        return result
    finally:
        for p in (watcher, feeder):
            if p is not None:
                lab.kill(p)
        if rcv is not None:
            rcv.close()
            rcv.stop()
        lab.del_netns(feed_ns)
        lab.del_netns(rcv_ns)


# ---------------------------------------------------------------- report

def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(v, spec="{:.2f}"):
    return "-" if v is None else spec.format(v)


def summarize(runs, kinds):
    summary = {}
    for k in kinds:
        ok = [r for r in runs if r["receiver"] == k and "error" not in r]
        if not ok:
            summary[k] = {"runs": 0}
            continue
        s = {"runs": len(ok)}
        for key in ("accept_s", "fib_s", "peak_rss_mb", "cpu_s"):
            vals = [r[key] for r in ok if r.get(key) is not None]
            s[key] = median(vals)
            s[key + "_range"] = [min(vals), max(vals)] if vals else None
        byproc = {}
        for r in ok:
            for p, v in r["peak_rss_mb_by_process"].items():
                byproc.setdefault(p, []).append(v)
        s["peak_rss_mb_by_process"] = {p: median(v) for p, v in byproc.items()}
        summary[k] = s
    # Like with like: vgw against the others with FIB programming, vgw-nofib against the
    # other -nofib variants.
    ratios = {}
    for v in (k for k in kinds if k.startswith("vgw")):
        for o in kinds:
            if o.startswith("vgw") or o.endswith("-nofib") != v.endswith("-nofib") \
                    or summary.get(v, {}).get("runs", 0) == 0 \
                    or summary.get(o, {}).get("runs", 0) == 0:
                continue
            r = {}
            for key in ("accept_s", "fib_s", "peak_rss_mb", "cpu_s"):
                a, b = summary[v].get(key), summary[o].get(key)
                r[key] = round(b / a, 2) if a and b else None
            ratios[f"{o}/{v}"] = r
    return summary, ratios


def markdown(result):
    runs, summary, ratios = result["runs"], result["summary"], result["ratios"]
    n = result["args"]["prefixes"]
    out = [f"## Full-table ingest, {n:,} IPv4 prefixes, {result['args']['rounds']} round(s), "
           f"interleaved", ""]
    out.append("### Runs (seconds from Established)")
    out.append("")
    out.append("| round | receiver | accepted | in kernel FIB | feeder done | peak RSS MB "
               "| CPU s | idle before | accept poll ms |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        if "error" in r:
            out.append(f"| {r['round']} | {r['receiver']} | error: {r['error']} | | | | | | |")
            continue
        procs = r["peak_rss_mb_by_process"]
        rss = fmt(r["peak_rss_mb"], "{:.0f}")
        if len(procs) > 1:
            rss += " (" + " + ".join(f"{p} {v:.0f}" for p, v in procs.items()) + ")"
        fib = fmt(r["fib_s"], "{:.3f}") + (" (polled)" if r.get("fib_notifications_lost") else "")
        out.append(f"| {r['round']} | {r['receiver']} | {fmt(r['accept_s'], '{:.3f}')} | "
                   f"{fib} | {fmt(r['feeder_sent_s'], '{:.3f}')} | {rss} | "
                   f"{fmt(r['cpu_s'])} | {r['idle_before']:.0%} | "
                   f"{fmt(r['accept_poll_ms'], '{:.1f}')} |")
    out.append("")
    out.append("### Summary (median [min-max])")
    out.append("")
    out.append("| receiver | runs | Established -> all accepted, s | -> all in kernel FIB, s "
               "| peak RSS, MB | CPU s |")
    out.append("|---|---|---|---|---|---|")
    for k, s in summary.items():
        if not s["runs"]:
            out.append(f"| {k} | 0 | | | | |")
            continue

        def cell(key, spec):
            rng = s.get(key + "_range")
            if s.get(key) is None:
                return "-"
            if s["runs"] == 1:
                return spec.format(s[key])
            return f"{spec.format(s[key])} [{spec.format(rng[0])}-{spec.format(rng[1])}]"
        rss = cell("peak_rss_mb", "{:.0f}")
        if len(s["peak_rss_mb_by_process"]) > 1:
            rss += " (" + " + ".join(f"{p} {v:.0f}" for p, v in
                                     s["peak_rss_mb_by_process"].items()) + ")"
        out.append(f"| {k} | {s['runs']} | {cell('accept_s', '{:.3f}')} | "
                   f"{cell('fib_s', '{:.3f}')} | {rss} | {cell('cpu_s', '{:.2f}')} |")
    if ratios:
        out.append("")
        out.append("### Ratios of medians: other / vgw (> 1 = vgw faster, smaller, cheaper)")
        out.append("")
        out.append("| ratio | accept time | FIB time | peak RSS | CPU s |")
        out.append("|---|---|---|---|---|")
        for name, r in ratios.items():
            out.append(f"| {name} | {fmt(r['accept_s'], '{:.2f}x')} | "
                       f"{fmt(r['fib_s'], '{:.2f}x')} | {fmt(r['peak_rss_mb'], '{:.2f}x')} | "
                       f"{fmt(r['cpu_s'], '{:.2f}x')} |")
    m = result["machine"]
    out.append("")
    out.append(f"Machine: {m['cpus']} CPUs, kernel {m['kernel']}; load average at start "
               f"{m['load_start']}, at end {m['load_end']}. Versions: "
               + "; ".join(f"{k} {v}" for k, v in result["versions"].items()) + ".")
    return "\n".join(out)


def versions(args, kinds):
    v = {}
    if any(k.startswith("vgw") for k in kinds):
        v["vgwd"] = sh(os.path.join(args.build, "routing", "vgwd"), "--version",
                       check=False).stdout.strip()
    if any(k.startswith("bird") for k in kinds):
        r = sh("bird", "--version", check=False)
        v["bird"] = (r.stdout + r.stderr).strip()
    if any(k.startswith("frr") for k in kinds):
        v["frr"] = sh(f"{FRR_DIR}/bgpd", "--version", check=False).stdout.splitlines()[0]
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.environ.get("VGW_BUILD_DIR", os.path.join(ROOT, "build")),
                    help="vgw build dir with routing/vgwd, routing/vgwsh, tests/bench/bgp_feeder")
    ap.add_argument("--feeder", help="bgp_feeder binary (default BUILD/tests/bench/bgp_feeder; "
                    "fib_watch is taken from the same directory)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--prefixes", type=int, default=1000000)
    ap.add_argument("--receivers", default="vgw,bird,frr",
                    help=f"comma-separated, in run order; known: {', '.join(RECEIVERS)}")
    ap.add_argument("--json", help="write all results as JSON to this file")
    ap.add_argument("--keep", action="store_true",
                    help="keep the work directory (configs, daemon logs) and print its path")
    ap.add_argument("--accept-interval", type=float, default=0.05, help="s between accept polls")
    ap.add_argument("--fib-interval", type=float, default=1.0,
                    help="s between full FIB counts, only if route notifications were lost")
    ap.add_argument("--timeout", type=float, default=600, help="s per run from Established")
    ap.add_argument("--idle", type=float, default=0.85,
                    help="wait before each run until the machine is this idle (fraction)")
    ap.add_argument("--settle", type=float, default=60, help="... but at most this many s")
    ap.add_argument("--idle-wait", type=float, default=30,
                    help="after the last prefix, at most this many s for the receiver to go idle")
    args = ap.parse_args()
    args.feeder = args.feeder or os.path.join(args.build, "tests", "bench", "bgp_feeder")
    args.fib_watch = os.path.join(os.path.dirname(args.feeder), "fib_watch")
    kinds = [k.strip() for k in args.receivers.split(",") if k.strip()]
    for k in kinds:
        if k not in RECEIVERS:
            ap.error(f"unknown receiver {k}; known: {', '.join(RECEIVERS)}")
    if os.geteuid() != 0:
        sys.exit("run as root (network namespaces)")
    need = [args.feeder, args.fib_watch]
    if any(k.startswith("vgw") for k in kinds):
        need += [os.path.join(args.build, "routing", b) for b in ("vgwd", "vgwsh")]
    for b in need:
        if not os.access(b, os.X_OK):
            sys.exit(f"missing {b}: ninja -C {args.build} vgwd vgwsh bgp_feeder fib_watch")

    lab = Lab(keep=args.keep)
    atexit.register(lab.close)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    result = {"args": vars(args), "runs": [], "versions": versions(args, kinds),
              "machine": {"cpus": os.cpu_count(), "kernel": os.uname().release,
                          "load_start": load_start}}
    log(f"{args.rounds} round(s) of {', '.join(kinds)}, {args.prefixes} prefixes; "
        f"load {load_start}")
    interrupted = False
    try:
        for rnd, kind in [(r, k) for r in range(1, args.rounds + 1) for k in kinds]:
            log(f"round {rnd}: {kind} ...")
            try:
                r = measure(lab, args, kind, rnd)
                if r["fib_routes_end"] != (r["prefixes"] if r["fib_s"] is not None else 0):
                    log(f"round {rnd}: {kind}: warning: {r['fib_routes_end']} routes in the "
                        "kernel FIB at the end")
                log(f"round {rnd}: {kind}: accepted {r['accept_s']} s, FIB {r['fib_s']} s, "
                    f"feeder done {r['feeder_sent_s']} s, peak RSS {r['peak_rss_mb']} MB "
                    f"{r['peak_rss_mb_by_process']}, CPU {r['cpu_s']} s")
            except (RuntimeError, OSError, subprocess.SubprocessError, queue.Empty) as e:
                r = {"receiver": kind, "round": rnd, "error": str(e)}
                log(f"round {rnd}: {kind}: FAILED: {e}")
            result["runs"].append(r)
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: reporting the runs done so far")
    finally:
        lab.close()
    result["machine"]["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    result["summary"], result["ratios"] = summarize(result["runs"], kinds)
    text = markdown(result)
    print(text)
    if args.json:
        result["markdown"] = text
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    if interrupted:
        return 130
    return 0 if all("error" not in r for r in result["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
