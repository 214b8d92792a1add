"""strongSwan's charon as a test peer, inside a network namespace the test made.

charon writes its pid file to the compiled-in /var/run/charon.pid, so each instance runs in a
private mount namespace with its own directory bound over /run. The IPsec backend is
kernel-libipsec (ESP in user space over a TUN named ipsec0: this kernel has no XFRM crypto),
which speaks ESP only in UDP, so charon always moves IKE to port 4500 and encapsulates.
Configuration goes through swanctl over the instance's own vici socket."""

import os
import signal
import subprocess

from vgwtest import pid_in, sh, stop_peer_daemons, wait

CHARON = "/usr/lib/ipsec/charon"
PLUGINS = ("random nonce openssl aes sha1 sha2 hmac gcm chapoly curve25519 gmp pem pkcs1 x509 pubkey kdf "
           "kernel-libipsec kernel-netlink socket-default vici")

STRONGSWAN_CONF = """charon {{
    load_modular = no
    load = {plugins}
{extra}
    install_routes = yes
{retransmit}    filelog {{
        charonlog {{
            path = {dir}/run/charon.log
            time_format = %T
            time_add_ms = yes
            append = no
            flush_line = yes
            default = {log_default}
            ike = {log_ike}
            cfg = {log_ike}
        }}
    }}
    syslog {{
        daemon {{
            default = -1
        }}
        auth {{
            default = -1
        }}
    }}
    plugins {{
        vici {{
            socket = unix://{dir}/run/charon.vici
        }}
    }}
}}
"""


class Charon:
    def __init__(self, netns, directory, quiet=False, extra="", fast_retransmit=True, retransmit=None):
        """quiet: log only basic events (benchmarks); extra: more lines for the charon section;
        fast_retransmit: 1 s, base 1.4, 3 tries, so that tests see a dead peer in seconds
        (charon's defaults: 4 s, base 1.8, 5 tries); retransmit: (timeout, base, tries) instead."""
        self.netns = netns
        self.dir = directory
        self.run = os.path.join(directory, "run")
        self.uri = f"unix://{self.run}/charon.vici"
        self.pid = None
        self.proc = None
        os.makedirs(self.run, exist_ok=True)
        for sub in ("x509", "x509ca", "private", "rsa", "ecdsa", "pkcs8", "pubkey", "x509aa", "x509ac",
                    "x509crl", "x509ocsp", "bliss", "pkcs12"):
            os.makedirs(os.path.join(directory, sub), exist_ok=True)
        with open(os.path.join(directory, "strongswan.conf"), "w") as f:
            timeout, base, tries = retransmit or ((1.0, 1.4, 3) if fast_retransmit else (None, None, None))
            retransmit = (f"    retransmit_timeout = {timeout}\n    retransmit_base = {base}\n"
                          f"    retransmit_tries = {tries}\n" if timeout else "")
            f.write(STRONGSWAN_CONF.format(plugins=PLUGINS, dir=directory, extra=extra, retransmit=retransmit,
                                           log_default=0 if quiet else 1, log_ike=0 if quiet else 2))

    def start(self):
        out = open(os.path.join(self.dir, "charon.stdout"), "w")
        self.proc = subprocess.Popen(
            ["setsid", "ip", "netns", "exec", self.netns, "unshare", "-m", "--propagation", "private", "sh", "-c",
             f"mount --bind {self.run} /run && exec env STRONGSWAN_CONF={self.dir}/strongswan.conf {CHARON}"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        pidfile = os.path.join(self.run, "charon.pid")

        self.pid = wait(lambda: os.path.exists(os.path.join(self.run, "charon.vici")) and pid_in(pidfile),
                        timeout=20, what="charon to start")
        return self

    def load(self, swanctl_conf):
        path = os.path.join(self.dir, "swanctl.conf")
        with open(path, "w") as f:
            f.write(swanctl_conf)
        self.swanctl("--load-all", "--clear", "--file", path)

    def swanctl(self, *args, check=True, timeout=60):
        return sh("swanctl", *args, "--uri", self.uri, check=check, timeout=timeout)

    def sas(self):
        """`swanctl --list-sas --raw`: one line per IKE SA."""
        return [l for l in self.swanctl("--list-sas", "--raw").stdout.splitlines() if l.startswith("list-sa event")]

    def log(self):
        try:
            with open(os.path.join(self.run, "charon.log")) as f:
                return f.read()
        except OSError:
            return ""

    def crash_and_restart(self):
        """SIGKILL (no Delete, no goodbye: the IKE SAs are forgotten), then a fresh charon with
        the last configuration loaded again."""
        os.kill(self.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.pid = self.proc = None
        for stale in ("charon.pid", "charon.vici"):
            try:
                os.unlink(os.path.join(self.run, stale))
            except FileNotFoundError:
                pass
        self.start()
        conf = os.path.join(self.dir, "swanctl.conf")
        if os.path.exists(conf):
            self.swanctl("--load-all", "--clear", "--file", conf)

    def stop(self):
        if self.pid:
            stop_peer_daemons([self.pid], grace=10)
            self.pid = None
        if self.proc:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
