"""Network-namespace lab for the dataplane test and benchmark: unique namespaces joined by
veths, esp_gateway processes driven over stdin/stdout, background tools, and cleanup that
happens even if the Python process dies.

Cleanup: besides the normal path (Lab.close), a reaper process (this file run with --reap) is
started first; it waits for EOF on its stdin, which it gets when the parent exits by any means,
then kills every process that lives in one of the lab's namespaces (by namespace inode, never by
name), deletes the namespaces and the temporary directory.
"""
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def _ns_inode(name):
    try:
        return os.stat(f"/run/netns/{name}").st_ino
    except OSError:
        return None


def reap(namespaces, tmpdir):
    inodes = {i for i in (_ns_inode(n) for n in namespaces) if i is not None}
    for _ in range(2):
        victims = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                if os.stat(f"/proc/{pid}/ns/net").st_ino in inodes:
                    victims.append(int(pid))
            except OSError:
                pass
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not victims:
            break
        time.sleep(0.2)
    for n in namespaces:
        subprocess.run(["ip", "netns", "del", n], stderr=subprocess.DEVNULL)
    if tmpdir:
        shutil.rmtree(tmpdir, ignore_errors=True)


def run(cmd, check=True, timeout=60, **kw):
    """Runs a command (list), returns CompletedProcess with text output."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stdout}{p.stderr}")
    return p


class Gateway:
    """One esp_gateway process in a namespace; cmd() sends a line and parses the reply."""

    def __init__(self, lab, ns, binary, args=(), name="gw"):
        self.ns = ns
        self.log_path = os.path.join(lab.tmpdir, f"{name}.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns, binary, *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True, bufsize=1)
        lab.processes.append(self.proc)
        ready = self._line(10)
        if not ready.startswith("ok"):
            raise RuntimeError(f"gateway in {ns} did not start: {ready!r} {self.stderr()}")

    def stderr(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def _line(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            raise RuntimeError(f"gateway in {self.ns}: no reply; log: {self.stderr()}")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"gateway in {self.ns} exited; log: {self.stderr()}")
        return line.strip()

    def raw(self, line, timeout=10):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self._line(timeout)

    def cmd(self, line, timeout=10):
        """Sends a command; returns the key=value pairs of an ok reply, raises on error."""
        reply = self.raw(line, timeout)
        if not reply.startswith("ok"):
            raise RuntimeError(f"{line!r} -> {reply!r}")
        out = {}
        for word in reply.split()[1:]:
            k, _, v = word.partition("=")
            out[k] = int(v) if v.lstrip("-").isdigit() else v
        return out

    def sanitizer_report(self):
        """The gateway's stderr if a sanitizer (ASan/UBSan/TSan builds) complained in it."""
        text = self.stderr()
        return text if ("Sanitizer" in text or "runtime error:" in text) else ""

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.raw("quit", timeout=5)
            except Exception:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Lab:
    def __init__(self, prefix, roles):
        self.tag = f"{os.getpid()}-{random.randrange(16**4):04x}"
        self.ns = {r: f"{prefix}-{r}-{self.tag}" for r in roles}
        self.tmpdir = tempfile.mkdtemp(prefix=f"{prefix}-{self.tag}-")
        self.processes = []
        self.gateways = []
        state = json.dumps({"namespaces": list(self.ns.values()), "tmpdir": self.tmpdir})
        # The reaper: survives us (own session), acts on EOF of its stdin.
        self.reaper = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--reap", state],
                                       stdin=subprocess.PIPE, start_new_session=True)
        for n in self.ns.values():
            run(["ip", "netns", "add", n])
            run(["ip", "-n", n, "link", "set", "lo", "up"])

    def veth(self, role_a, if_a, addr_a, role_b, if_b, addr_b):
        run(["ip", "link", "add", if_a, "netns", self.ns[role_a], "type", "veth",
             "peer", "name", if_b, "netns", self.ns[role_b]])
        for role, ifn, addr in ((role_a, if_a, addr_a), (role_b, if_b, addr_b)):
            if addr:
                run(["ip", "-n", self.ns[role], "addr", "add", addr, "dev", ifn])
            run(["ip", "-n", self.ns[role], "link", "set", ifn, "up"])

    def ip(self, role, *args, check=True):
        return run(["ip", "-n", self.ns[role], *args], check=check)

    def exec(self, role, *cmd, check=True, timeout=60):
        return run(["ip", "netns", "exec", self.ns[role], *cmd], check=check, timeout=timeout)

    def spawn(self, role, *cmd, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", self.ns[role], *cmd], **kw)
        self.processes.append(p)
        return p

    def gateway(self, role, binary, args=()):
        g = Gateway(self, self.ns[role], binary, args, name=f"gw-{role}-{len(self.gateways)}")
        self.gateways.append(g)
        return g

    def close(self):
        """Stops everything and removes the namespaces; returns sanitizer reports of the
        gateways (empty if none)."""
        reports = []
        for g in self.gateways:
            g.stop()
            if g.sanitizer_report():
                reports.append(g.sanitizer_report())
        for p in self.processes:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        reap(list(self.ns.values()), self.tmpdir)
        self.reaper.stdin.close()
        self.reaper.wait(30)
        return reports


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--reap":
    state = json.loads(sys.argv[2])
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.stdin.read()  # EOF: the parent closed us or died
    reap(state["namespaces"], state["tmpdir"])
