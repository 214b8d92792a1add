"""vgwd negotiates its tunnels' SAs with IKEv2 against strongSwan's charon (label: interop, root).

Topology (network namespaces made by the test, unique names):

    vgwd  192.0.2.1 ---- veth "wan" ---- 192.0.2.2  charon ---- 10.91.2.1 | 10.91.2.10  lan host
          tunnel inside 169.254.77.1/30, route 10.91.2.0/24 into the tunnel
    vgwd  198.51.100.1 -- veth "wan2" -- 198.51.100.2  NAT (nftables masquerade, source ports
          mapped to 40000-40999) 10.99.0.1 ---- 10.99.0.2  charon2 (10.91.3.1 on lo)

charon (kernel-libipsec: ESP in user space, always UDP-encapsulated) has a policy-based child
10.91.2.0/24 <-> 169.254.77.0/30; vgwd proposes 0.0.0.0/0 and ::/0 (route-based) and takes what
the peer narrows it to. Each test configures one tunnel through vgwsh and one connection through
swanctl, then checks both sides' view of the SAs (`show ike sa json`, `swanctl --list-sas`) and
real traffic through the tunnel: ping from vgwd's namespace to the host behind charon, counted.
Covered: vgwd as initiator and as responder; AES-GCM and AES-CBC+HMAC-SHA2 suites; DH groups
14, 19, 20 and 31; ping and a TCP transfer; PFS on Child SA rekeys; a wrong pre-shared key
(AUTHENTICATION_FAILED, reason in `show ike sa`); Child SA and IKE SA rekeys, started by either
side, under a continuous packet stream with zero loss; vgwd restarting and coming back
(INITIAL_CONTACT), and charon crashing and coming back (its INITIAL_CONTACT ends vgwd's stale
IKE SA at once); `clear ike sa`; dead peer detection of a stopped charon within interval x
(retries + 1); a customer gateway behind a real NAT (its IKE and ESP ports translated)
initiating to a respond-only vgwd, and that NAT forgetting its mappings and moving charon2 to
another port (vgwd follows with IKE and ESP); a half-open flood (IKE_SA_INIT from many source
ports) that turns cookies on while charon still establishes and vgwd's memory stays bounded; the fuzz
corpus and random garbage sent to UDP 500 and 4500 without harm; a health check to the host
behind charon taking the tunnel (and its route) down while IKE stays up, and back; a
policy-based connection (local/remote subnets) whose selectors vgwd proposes, routed by itself.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import vgwtest
from strongswan import Charon
from vgwtest import sh, wait

VGW_WAN, SW_WAN = "192.0.2.1", "192.0.2.2"
SW_LAN, HOST = "10.91.2.1", "10.91.2.10"
INSIDE = "169.254.77.1/30"
PSK = "vgw-interop-psk-0123456789"
SW_ID = "cgw.example.net"

CORPUS = os.path.join(vgwtest.SOURCE_DIR, "tests", "fuzz", "corpus")

# argv: target, seed file (fuzz corpus format: flags octet, 2-octet length, message), count.
# Sends count copies of the IKE_SA_INIT request, each with a fresh initiator SPI, from 100
# source ports, as fast as it can.
FLOOD = r"""
import os, socket, sys
target, seed, count = sys.argv[1], open(sys.argv[2], "rb").read(), int(sys.argv[3])
n = int.from_bytes(seed[1:3], "big")
msg = bytearray(seed[3:3 + n])
socks = []
for _ in range(100):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    socks.append(s)
for i in range(count):
    msg[0:8] = os.urandom(8)
    socks[i % len(socks)].sendto(msg, (target, 500))
print("sent", count)
"""

# argv: target, files. Each file's octets as they are, the messages inside the fuzz framing
# (octet 0 flags, then [2-octet length][message]...), and random octets: to UDP 500 and, behind
# the Non-ESP Marker, to UDP 4500.
GARBAGE = r"""
import os, random, socket, sys
target = sys.argv[1]
blobs = []
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    blobs.append(data)
    i = 1
    while i + 2 <= len(data):
        n = int.from_bytes(data[i:i + 2], "big")
        blobs.append(data[i + 2:i + 2 + n])
        i += 2 + n
rng = random.Random(7)
for _ in range(500):
    blobs.append(bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 600))))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = 0
for b in blobs:
    s.sendto(b, (target, 500))
    s.sendto(b"\0\0\0\0" + b, (target, 4500))
    sent += 2
print("sent", sent)
"""

# Run in a namespace: deletes every conntrack entry (ctnetlink IPCTNL_MSG_CT_DELETE without
# attributes, as `conntrack -F` does), so a NAT makes new mappings.
FLUSH_CONNTRACK = r"""
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
body = struct.pack("=BBH", socket.AF_INET, 0, 0)  # nfgenmsg
s.send(struct.pack("=IHHII", 16 + len(body), (1 << 8) | 2, 0x1 | 0x4, 1, 0) + body)
reply = s.recv(4096)
sys.exit(0 if struct.unpack("=i", reply[16:20])[0] == 0 else 1)
"""

NAT_PUBLIC, VGW_WAN2 = "198.51.100.2", "198.51.100.1"
NATTED_CHARON, NAT_INSIDE, CHARON2_LO = "10.99.0.2", "10.99.0.1", "10.91.3.1"
SW2_ID = "cgw2.example.net"

# One swanctl connection "vgw" with one child "net" (policy-based selectors).
SWANCTL = """connections {{
    vgw {{
        version = 2
        local_addrs = {local}
        remote_addrs = {vgw}
        proposals = {ike}
        mobike = no
        keyingtries = 0
        dpd_delay = 30s
        local {{
            auth = psk
            id = {sw_id}
        }}
        remote {{
            auth = psk
            id = {vgw}
        }}
        children {{
            net {{
                local_ts = {local_ts}
                remote_ts = {remote_ts}
                esp_proposals = {esp}
                start_action = none
                dpd_action = restart
                close_action = none
            }}
        }}
    }}
}}
secrets {{
    ike-vgw {{
        id-1 = {sw_id}
        id-2 = {vgw}
        secret = "{psk}"
    }}
}}
"""


class IkeAgainstStrongswan(unittest.TestCase):
    next_tunnel = 1

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise RuntimeError("this test needs root (network namespaces)")
        tag = f"{os.getpid() % 100000}{os.urandom(2).hex()}"
        cls.ns = {"v": f"vgwike-v-{tag}", "s": f"vgwike-s-{tag}", "h": f"vgwike-h-{tag}",
                  "n": f"vgwike-n-{tag}", "c": f"vgwike-c-{tag}"}
        cls.dir = tempfile.mkdtemp(prefix="vgw-ike-")
        cls.vgw = None
        cls.charon = None
        cls.charon2 = None
        try:
            vgwtest.add_netns(*cls.ns.values())
            vgwtest.veth(cls.ns["v"], "wan", [f"{VGW_WAN}/24"], cls.ns["s"], "wan", [f"{SW_WAN}/24"])
            vgwtest.veth(cls.ns["s"], "lan", [f"{SW_LAN}/24"], cls.ns["h"], "lan", [f"{HOST}/24"])
            sh("ip", "-n", cls.ns["h"], "route", "add", "default", "via", SW_LAN)
            sh("ip", "netns", "exec", cls.ns["s"], "sysctl", "-qw", "net.ipv4.ip_forward=1")
            # The NAT: vgwd's second link, a router that masquerades, charon2 behind it.
            vgwtest.veth(cls.ns["v"], "wan2", [f"{VGW_WAN2}/24"], cls.ns["n"], "out", [f"{NAT_PUBLIC}/24"])
            vgwtest.veth(cls.ns["n"], "in", [f"{NAT_INSIDE}/24"], cls.ns["c"], "wan", [f"{NATTED_CHARON}/24"])
            sh("ip", "-n", cls.ns["c"], "addr", "add", f"{CHARON2_LO}/32", "dev", "lo")
            sh("ip", "-n", cls.ns["c"], "route", "add", "default", "via", NAT_INSIDE)
            sh("ip", "netns", "exec", cls.ns["n"], "sysctl", "-qw", "net.ipv4.ip_forward=1")
            sh("ip", "netns", "exec", cls.ns["n"], "nft", "-f", "-", input=(
                "table ip nat {\n chain post {\n  type nat hook postrouting priority srcnat;\n"
                "  oifname \"out\" meta l4proto udp masquerade to :40000-40999\n"
                "  oifname \"out\" masquerade\n }\n}\n"))
            cls.vgw = vgwtest.Daemon(workdir=os.path.join(cls.dir, "vgw"), extra_args=(), netns=cls.ns["v"])
            os.makedirs(cls.vgw.dir)
            cls.vgw.start()
            cls.charon = Charon(cls.ns["s"], os.path.join(cls.dir, "charon")).start()
            cls.charon2 = Charon(cls.ns["c"], os.path.join(cls.dir, "charon2")).start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for c in (cls.charon, cls.charon2):
            if c:
                c.stop()
        if cls.vgw:
            cls.vgw.kill()
        for ns in cls.ns.values():
            sh("ip", "netns", "del", ns, check=False)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        n = IkeAgainstStrongswan.next_tunnel
        IkeAgainstStrongswan.next_tunnel += 1
        self.tunnel = f"ike{n}"
        self.addCleanup(self.remove_tunnel)

    def remove_tunnel(self):
        self.charon.swanctl("--terminate", "--ike", "vgw", "--timeout", "5", check=False)
        self.vgwsh("configure", f"no tunnel {self.tunnel}", "no ip route 10.91.2.0/24 " + self.tunnel, check=False)

    def failure_context(self):
        return (f"\n--- show ike sa detail ---\n{self.vgwsh('show ike sa detail', check=False).stdout}"
                f"\n--- vgwd log (tail) ---\n{self.vgw.log_text()[-4000:]}"
                f"\n--- charon log (tail) ---\n{self.charon.log()[-4000:]}")

    # ---- helpers ----

    def vgwsh(self, *commands, check=True):
        r = self.vgw.vgwsh(*commands)
        if check:
            self.assertEqual(r.returncode, 0, f"{commands}: {r.stdout}{r.stderr}")
        return r

    def ike_state(self):
        return json.loads(self.vgwsh(f"show ike sa {self.tunnel} json").stdout)["tunnels"][0]

    def configure(self, ike, esp, respond_only=False, psk=PSK, sw_ike=None, sw_esp=None, extra=()):
        self.charon.load(SWANCTL.format(local=SW_WAN, vgw=VGW_WAN, sw_id=SW_ID, psk=PSK, ike=sw_ike or ike,
                                        esp=sw_esp or esp, local_ts="10.91.2.0/24", remote_ts="169.254.77.0/30"))
        lines = ["configure", f"tunnel {self.tunnel}", f"local {VGW_WAN}", f"remote {SW_WAN}", f"inside {INSIDE}",
                 f"ike remote-id fqdn:{SW_ID}", f"ike proposal {ike}", f"esp proposal {esp}", *extra]
        if respond_only:
            lines.append("ike respond-only")
        lines += [f"ike pre-shared-key {psk}", "exit", f"ip route 10.91.2.0/24 {self.tunnel}"]
        self.vgwsh(*lines)

    def wait_established(self, timeout=20):
        def up():
            t = self.ike_state()
            return t if t["status"] == "established" and any(s.get("children") for s in t.get("sas", [])) else None
        try:
            return wait(up, timeout=timeout, what="IKE SA established")
        except AssertionError:
            self.fail("not established" + self.failure_context())

    def stopped_charon(self):
        """SIGSTOPs charon; the cleanup lets it run again even if the test fails."""
        os.kill(self.charon.pid, signal.SIGSTOP)
        self.addCleanup(os.kill, self.charon.pid, signal.SIGCONT)

    def charon_sa(self):
        sas = self.charon.sas()
        self.assertTrue(sas, "charon has no IKE SA" + self.failure_context())
        return sas[0]

    def ping(self, count=5, interval="0.2"):
        r = sh("ip", "netns", "exec", self.ns["v"], "ping", "-c", str(count), "-i", interval, "-W", "2", HOST,
               check=False, timeout=120)
        m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
        self.assertIsNotNone(m, r.stdout + r.stderr)
        return int(m.group(1)), int(m.group(2))

    def assert_traffic(self):
        sent, received = self.ping()
        self.assertEqual(received, sent, "pings lost through the tunnel" + self.failure_context())

    def established_both_ways(self, ike_suite, esp_suite):
        t = self.wait_established()
        sa = t["sas"][0]
        self.assertEqual(sa["suite"], ike_suite)
        self.assertEqual(sa["children"][0]["suite"], esp_suite)
        self.assertTrue(sa["natT"], "charon's kernel-libipsec needs ESP in UDP")
        self.assertEqual(sa["remoteId"], f"fqdn:{SW_ID}")
        line = self.charon_sa()
        self.assertIn("state=ESTABLISHED", line)
        self.assertIn("state=INSTALLED", line)
        self.assert_one_worker()
        return sa, line

    def assert_one_worker(self):
        """Our inbound SPIs are picked for the tunnel's worker: all its SAs, in and out, run on
        the thread that reads its interface."""
        sas = [x for x in json.loads(self.vgwsh("show ipsec sa json").stdout)["sas"]
               if x["config"]["tunnel"] == self.tunnel and x.get("installed")]
        self.assertTrue(sas)
        self.assertEqual(len({x.get("worker", 0) for x in sas}), 1, sas)

    # ---- tests ----

    def test_vgw_initiates_gcm_curve25519(self):
        self.configure("aes256gcm16-prfsha256-curve25519", "aes128gcm16")
        sa, line = self.established_both_ways("aes256gcm16-prfsha256-curve25519", "aes128gcm16")
        self.assertTrue(sa["initiator"])
        self.assertIn("dh-group=CURVE_25519", line)
        self.assertIn("encr-alg=AES_GCM_16 encr-keysize=256", line)
        self.assert_traffic()
        sent, received = vgwtest.tcp_transfer(self.ns["v"], self.ns["h"], HOST, 1_000_000)
        self.assertEqual(sent, received, "the TCP transfer through the tunnel arrived damaged")
        # vgwd's view of the tunnel agrees: up, and its counters moved.
        tun = json.loads(self.vgwsh(f"show tunnel {self.tunnel} json").stdout)["tunnels"][0]
        self.assertEqual(tun["state"]["status"], "up", tun)
        self.assertGreaterEqual(int(tun["state"]["counters"]["rxPackets"]), 5)

    def test_vgw_responds_cbc_sha2_modp2048(self):
        self.configure("aes256-sha256-modp2048", "aes256-sha256", respond_only=True)
        time.sleep(0.5)
        self.assertEqual(self.ike_state()["status"], "waiting")
        r = self.charon.swanctl("--initiate", "--child", "net", "--timeout", "15", check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr + self.failure_context())
        sa, line = self.established_both_ways("aes256-sha256-modp2048", "aes256-sha256")
        self.assertFalse(sa["initiator"])
        self.assertIn("dh-group=MODP_2048", line)
        self.assertIn("encr-alg=AES_CBC", line)
        self.assert_traffic()

    def test_restarted_charon_replaces_its_forgotten_ike_sa_at_once(self):
        # DPD an hour away: only the new IKE SA's INITIAL_CONTACT can end the old one in time.
        self.configure("aes256gcm16-prfsha256-curve25519", "aes128gcm16", respond_only=True,
                       extra=("ike dpd interval 3600",))
        self.charon.swanctl("--initiate", "--child", "net", "--timeout", "15")
        old = self.established_both_ways("aes256gcm16-prfsha256-curve25519", "aes128gcm16")[0]
        self.assert_traffic()
        self.charon.crash_and_restart()
        r = self.charon.swanctl("--initiate", "--child", "net", "--timeout", "15", check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr + self.failure_context())
        self.assertIn("N(INIT_CONTACT)", self.charon.log(), "charon did not send INITIAL_CONTACT")
        def replaced():
            t = self.ike_state()
            sas = t["sas"]
            return t if (len(sas) == 1 and sas[0]["initiatorSpi"] != old["initiatorSpi"]
                         and sas[0]["state"] == "established" and sas[0].get("children")) else None
        try:
            t = wait(replaced, timeout=5, what="the old IKE SA gone, the new one alone")
        except AssertionError:
            self.fail("the forgotten IKE SA stayed" + self.failure_context())
        self.assertIn("INITIAL_CONTACT", t["lastError"])
        self.assertEqual(len(t["sas"][0]["children"]), 1, t)
        # Only the new Child SA is left in the dataplane.
        sas = json.loads(self.vgwsh("show ipsec sa json").stdout)["sas"]
        spis = {s["config"]["spi"] for s in sas if s["config"]["tunnel"] == self.tunnel}
        child = t["sas"][0]["children"][0]
        self.assertEqual(spis, {child["inboundSpi"], child["outboundSpi"]}, sas)
        self.assert_traffic()

    def test_vgw_initiates_ecp256_and_charon_counts_packets(self):
        self.configure("aes128gcm16-prfsha256-ecp256", "aes256gcm16")
        self.established_both_ways("aes128gcm16-prfsha256-ecp256", "aes256gcm16")
        self.assertIn("dh-group=ECP_256", self.charon_sa())
        self.assert_traffic()
        line = self.charon_sa()
        self.assertGreaterEqual(int(re.search(r"packets-in=(\d+)", line).group(1)), 5, line)
        self.assertGreaterEqual(int(re.search(r"packets-out=(\d+)", line).group(1)), 5, line)

    def test_wrong_psk_is_authentication_failed(self):
        self.configure("aes256gcm16-prfsha256-curve25519", "aes128gcm16", psk="not-the-right-key-000")
        def failed():
            t = self.ike_state()
            return t if "AUTHENTICATION_FAILED" in t["lastError"] else None
        try:
            t = wait(failed, timeout=20, what="AUTHENTICATION_FAILED")
        except AssertionError:
            self.fail("no AUTHENTICATION_FAILED" + self.failure_context())
        self.assertNotEqual(t["status"], "established")
        self.assertIn("AUTHENTICATION_FAILED", self.vgwsh(f"show ike sa {self.tunnel}").stdout)
        self.assertEqual(self.charon.sas(), [])
        # The key never shows, nor reaches the log.
        self.assertNotIn("not-the-right-key-000", self.vgwsh("show running-config").stdout)
        self.assertNotIn("not-the-right-key-000", self.vgw.log_text())

    def rekeys_under_traffic(self, sa, rekey_child, rekey_ike):
        """Child SA rekey, then IKE SA rekey, during 300 pings at 100/s: all must come back, and
        the tunnel ends with one established IKE SA whose SPIs and Child SA are new. Returns it."""
        first_child = sa["children"][0]["inboundSpi"]
        first_ike = sa["initiatorSpi"]
        ping = subprocess.Popen(["ip", "netns", "exec", self.ns["v"], "ping", "-c", "300", "-i", "0.01", "-W", "2",
                                 HOST], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(0.5)
            rekey_child()
            time.sleep(0.5)
            rekey_ike()
            out, err = ping.communicate(timeout=60)
        finally:
            if ping.poll() is None:
                ping.kill()
                ping.communicate()
        m = re.search(r"(\d+) packets transmitted, (\d+) received", out)
        self.assertIsNotNone(m, out + err)
        self.assertEqual((m.group(1), m.group(2)), ("300", "300"), "packets lost during the rekeys" + self.failure_context())
        t = self.ike_state()
        self.assertEqual(t["status"], "established")
        live = [s for s in t["sas"] if s["state"] == "established"]
        self.assertEqual(len(live), 1, t)
        self.assertNotEqual(live[0]["initiatorSpi"], first_ike, "IKE SA not rekeyed")
        self.assertNotIn(first_child, [c["inboundSpi"] for c in live[0]["children"]], "Child SA not rekeyed")
        self.assertIn(f"initiator-spi={live[0]['initiatorSpi']}", self.charon_sa())
        self.assert_traffic()
        self.assert_one_worker()  # the rekeyed Child SAs' SPIs too
        return live[0]

    def test_rekeys_by_charon_under_traffic_lose_nothing(self):
        self.configure("aes256gcm16-prfsha256-curve25519", "aes128gcm16")
        sa, _ = self.established_both_ways("aes256gcm16-prfsha256-curve25519", "aes128gcm16")
        def swanctl_rekey(*what):
            r = self.charon.swanctl("--rekey", *what, check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.rekeys_under_traffic(sa, lambda: swanctl_rekey("--child", "net"), lambda: swanctl_rekey("--ike", "vgw"))

    def test_clear_ike_sa_and_restart_come_back(self):
        self.configure("aes256gcm16-prfsha256-curve25519", "aes128gcm16")
        first = self.established_both_ways("aes256gcm16-prfsha256-curve25519", "aes128gcm16")[0]["initiatorSpi"]
        self.vgwsh(f"clear ike sa {self.tunnel}")
        def renewed():
            t = self.ike_state()
            return t if t["status"] == "established" and t["sas"][0]["initiatorSpi"] != first else None
        wait(renewed, timeout=20, what="a new IKE SA after clear")
        self.assert_traffic()
        # A restarted vgwd initiates again; its INITIAL_CONTACT makes charon drop the old SA.
        self.vgw.stop()
        self.vgw.start()
        self.wait_established()
        self.assert_traffic()
        wait(lambda: len(self.charon.sas()) == 1, timeout=10, what="charon to keep one IKE SA")

    def test_rekeys_by_vgw_under_traffic_lose_nothing(self):
        # ESP with a DH group: the Child SA rekey carries KE payloads (perfect forward secrecy).
        self.configure("aes256-sha384-ecp384", "aes128-sha256-ecp256")
        # The first Child SA comes with IKE_AUTH, without a KE of its own (RFC 7296 1.2).
        sa, _ = self.established_both_ways("aes256-sha384-ecp384", "aes128-sha256")
        live = self.rekeys_under_traffic(sa, lambda: self.vgwsh(f"clear ipsec sa {self.tunnel} rekey"),
                                         lambda: self.vgwsh(f"clear ike sa {self.tunnel} rekey"))
        self.assertEqual([c["suite"] for c in live["children"]], ["aes128-sha256-ecp256"])
        self.assertIn("dh-group=ECP_256", self.charon_sa())  # the rekeyed Child SA used PFS

    def test_dead_peer_detected_within_interval_times_retries_plus_one(self):
        interval, retries = 1, 2
        self.configure("aes256gcm16-prfsha256-curve25519", "aes128gcm16",
                       extra=(f"ike dpd interval {interval} retries {retries}",))
        self.established_both_ways("aes256gcm16-prfsha256-curve25519", "aes128gcm16")
        self.assert_traffic()
        self.stopped_charon()
        stopped = time.monotonic()
        def dead():
            t = self.ike_state()
            return t if "DPD: no answer" in t["lastError"] else None
        t = wait(dead, timeout=20, what="the peer declared dead")
        took = time.monotonic() - stopped
        self.assertIn(f"no answer to {retries} liveness checks", t["lastError"])
        self.assertLessEqual(took, interval * (retries + 1) + 1.0, t)
        # The tunnel is down at once: its Child SAs left the dataplane.
        tun = json.loads(self.vgwsh(f"show tunnel {self.tunnel} json").stdout)["tunnels"][0]
        self.assertEqual(tun["state"]["status"], "down", tun)
        self.assertIn("DPD", tun["state"]["reason"])
        # charon runs again: vgwd, which initiates, brings the tunnel back by itself.
        os.kill(self.charon.pid, signal.SIGCONT)
        self.wait_established(timeout=30)
        self.assert_traffic()

    def test_health_check_through_charon_withdraws_and_restores_the_route(self):
        # The cloud's health check: probes to a host behind the customer gateway. IKE stays up
        # while the host stops answering; the tunnel goes down all the same and its route leaves
        # the kernel, then comes back at the first answer.
        self.configure("aes256gcm16-prfsha256-curve25519", "aes128gcm16",
                       extra=(f"health-check destination {HOST} interval 100 retries 3",))
        self.established_both_ways("aes256gcm16-prfsha256-curve25519", "aes128gcm16")

        def tunnel():
            return json.loads(self.vgwsh(f"show tunnel {self.tunnel} json").stdout)["tunnels"][0]

        def kernel_route():
            return sh("ip", "-n", self.ns["v"], "-o", "route", "show", "10.91.2.0/24").stdout
        wait(lambda: tunnel()["state"]["status"] == "up", timeout=10, what="tunnel up by its health check")
        wait(lambda: f"dev {self.tunnel}" in kernel_route(), what="route into the tunnel")
        table = f"vgwhc{os.getpid()}"
        sh("ip", "netns", "exec", self.ns["h"], "nft", "-f", "-", input=(
            f"table inet {table} {{\n  chain in {{ type filter hook input priority 0; icmp type echo-request drop; }}\n}}\n"))
        undo = lambda: sh("ip", "netns", "exec", self.ns["h"], "nft", "delete", "table", "inet", table, check=False)
        self.addCleanup(undo)
        down = wait(lambda: (lambda t: t if t["state"]["status"] == "down" else None)(tunnel()), timeout=5,
                    what="tunnel down by its health check")
        self.assertIn(f"health check: no answer from {HOST}", down["state"]["reason"])
        self.assertEqual(self.ike_state()["status"], "established")  # IKE itself is fine
        wait(lambda: kernel_route() == "", what="route withdrawn from the kernel")
        undo()
        wait(lambda: tunnel()["state"]["status"] == "up", timeout=5, what="tunnel up again")
        wait(lambda: f"dev {self.tunnel}" in kernel_route(), what="route back")
        self.assert_traffic()
        h = tunnel()["state"]["health"]
        self.assertGreaterEqual(int(h["probesAnswered"]), 3, h)

    def test_policy_based_connection_negotiates_its_subnets_and_routes_them(self):
        # A policy-based connection: vgwd initiates with its subnets as traffic selectors instead
        # of 0.0.0.0/0 (charon's own are wider, so what is agreed shows what vgwd proposed), and
        # routes the remote subnet into the tunnel by itself (no `ip route` line).
        self.charon.load(SWANCTL.format(local=SW_WAN, vgw=VGW_WAN, sw_id=SW_ID, psk=PSK,
                                        ike="aes256gcm16-prfsha256-curve25519", esp="aes128gcm16",
                                        local_ts="10.91.0.0/16", remote_ts="169.254.77.0/24"))
        self.vgwsh("configure", f"tunnel {self.tunnel}", f"local {VGW_WAN}", f"remote {SW_WAN}", f"inside {INSIDE}",
                   f"ike remote-id fqdn:{SW_ID}", "ike proposal aes256gcm16-prfsha256-curve25519",
                   "esp proposal aes128gcm16", "exit", f"customer-gateway pb-cgw ip {SW_WAN} asn 65077",
                   "vpn-connection pb", "customer-gateway pb-cgw", f"tunnel {self.tunnel} active",
                   "local-subnet 169.254.77.0/30", "remote-subnet 10.91.2.0/24", "exit",
                   f"tunnel {self.tunnel}", f"ike pre-shared-key {PSK}")
        self.addCleanup(self.vgwsh, "configure", "no vpn-connection pb", "no customer-gateway pb-cgw", check=False)
        t = self.wait_established()
        child = t["sas"][0]["children"][0]
        # vgwd's inside peer 169.254.77.2 is outside 10.91.2.0/24, so it was proposed too (for the
        # health check); charon, whose local side is 10.91.0.0/16 only, dropped it.
        self.assertEqual((child["localTs"], child["remoteTs"]), ("169.254.77.0/30", "10.91.2.0/24"), child)
        self.assertIn("local-ts=[10.91.2.0/24] remote-ts=[169.254.77.0/30]", self.charon_sa())
        wait(lambda: f"dev {self.tunnel}" in sh("ip", "-n", self.ns["v"], "-o", "route", "show", "10.91.2.0/24").stdout,
             what="the remote subnet routed into the tunnel")
        self.assert_traffic()
        c = json.loads(self.vgwsh("show vpn-connection pb json").stdout)["vpnConnections"][0]
        self.assertEqual((c["localSubnets"], c["remoteSubnets"]), (["169.254.77.0/30"], ["10.91.2.0/24"]))
        self.assertEqual([(r["prefix"], r["weight"]) for r in c["routes"]], [("10.91.2.0/24", 100)])
        self.assertIn("Policy-based: local 169.254.77.0/30 <-> remote 10.91.2.0/24", self.vgwsh("show vpn-connection pb").stdout)

    def natted_charon_established(self):
        """charon2, behind the NAT, initiates (a NAT lets no one in) to a respond-only tunnel."""
        self.charon2.load(SWANCTL.format(local=NATTED_CHARON, vgw=VGW_WAN2, sw_id=SW2_ID, psk=PSK,
                                         ike="aes128gcm16-prfsha256-ecp256", esp="aes256gcm16",
                                         local_ts=f"{CHARON2_LO}/32", remote_ts="169.254.78.0/30"))
        self.vgwsh("configure", f"tunnel {self.tunnel}", f"local {VGW_WAN2}", f"remote {NAT_PUBLIC}",
                   "inside 169.254.78.1/30", f"ike remote-id fqdn:{SW2_ID}", "ike respond-only",
                   "ike proposal aes128gcm16-prfsha256-ecp256", "esp proposal aes256gcm16",
                   f"ike pre-shared-key {PSK}", "exit", f"ip route {CHARON2_LO}/32 {self.tunnel}")
        self.addCleanup(self.vgwsh, "configure", f"no ip route {CHARON2_LO}/32 {self.tunnel}", check=False)
        self.addCleanup(self.charon2.swanctl, "--terminate", "--ike", "vgw", "--timeout", "5", check=False)
        r = self.charon2.swanctl("--initiate", "--child", "net", "--timeout", "15", check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr + self.failure_context())
        return self.wait_established()

    def ping_charon2(self):
        r = sh("ip", "netns", "exec", self.ns["v"], "ping", "-c", "5", "-i", "0.2", "-W", "2", CHARON2_LO,
               check=False)
        self.assertIn("5 received", r.stdout, r.stdout + self.failure_context())

    def test_customer_gateway_behind_nat_initiates(self):
        t = self.natted_charon_established()
        sa = t["sas"][0]
        self.assertFalse(sa["initiator"])
        self.assertTrue(sa["natT"])
        self.assertEqual(sa["remoteAddress"], NAT_PUBLIC)
        self.assertTrue(40000 <= sa["remotePort"] <= 40999, sa)  # the NAT's mapping of charon2's 4500
        self.assertEqual(sa["suite"], "aes128gcm16-prfsha256-ecp256")
        line = self.charon2.sas()[0]
        self.assertIn("nat-local=yes", line)  # charon2 sees the real NAT in front of it
        self.ping_charon2()

    def test_nat_rebinding_moves_ike_and_esp_to_the_new_port(self):
        # The NAT forgets its mappings (as a home router does on reboot, or a carrier NAT after
        # an idle timeout) and maps charon2 to another port: vgwd must follow the peer there
        # (RFC 7296 2.23) from its next IKE message, for IKE and for ESP.
        old = self.natted_charon_established()["sas"][0]
        self.assertTrue(40000 <= old["remotePort"] <= 40999, old)
        self.ping_charon2()
        sh("ip", "netns", "exec", self.ns["n"], "nft", "-f", "-", input=(
            "flush table ip nat\n"
            "table ip nat {\n chain post {\n  type nat hook postrouting priority srcnat;\n"
            "  oifname \"out\" meta l4proto udp masquerade to :41000-41999\n"
            "  oifname \"out\" masquerade\n }\n}\n"))
        # Cleanups run last first: the old rule back, then its mappings made afresh.
        self.addCleanup(sh, "ip", "netns", "exec", self.ns["n"], "/usr/bin/python3", "-c", FLUSH_CONNTRACK)
        self.addCleanup(sh, "ip", "netns", "exec", self.ns["n"], "nft", "-f", "-", input=(
            "flush table ip nat\n"
            "table ip nat {\n chain post {\n  type nat hook postrouting priority srcnat;\n"
            "  oifname \"out\" meta l4proto udp masquerade to :40000-40999\n"
            "  oifname \"out\" masquerade\n }\n}\n"))
        sh("ip", "netns", "exec", self.ns["n"], "/usr/bin/python3", "-c", FLUSH_CONNTRACK)
        # charon2's next IKE message (a Child SA rekey) comes from the new port.
        r = self.charon2.swanctl("--rekey", "--child", "net", check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        def moved():
            t = self.ike_state()
            sas = [sa for sa in t["sas"] if sa["state"] == "established"]
            return sas[0] if sas and 41000 <= sas[0]["remotePort"] <= 41999 else None
        try:
            sa = wait(moved, timeout=15, what="the IKE SA at the NAT's new port")
        except AssertionError:
            self.fail("vgwd did not follow the peer to its new port" + self.failure_context())
        self.assertEqual(sa["remoteAddress"], NAT_PUBLIC)
        self.ping_charon2()  # ESP goes to the new port too

    def vgwd_rss_kib(self):
        with open(f"/proc/{self.vgw.proc.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))

    def test_half_open_flood_turns_cookies_on_and_charon_still_establishes(self):
        # The flood's requests are well formed and acceptable (so each would cost a DH and a
        # half-open SA without cookies): the fuzz seed's x25519 offer, a new SPI each time.
        self.configure("aes256gcm16-prfsha384-curve25519,aes256gcm16-prfsha256-curve25519", "aes128gcm16",
                       respond_only=True, sw_ike="aes256gcm16-prfsha256-curve25519")
        rss_before = self.vgwd_rss_kib()
        flood = sh("ip", "netns", "exec", self.ns["s"], "/usr/bin/python3", "-c", FLOOD, VGW_WAN,
                   os.path.join(CORPUS, "ike_responder", "init-x25519"), "3000", timeout=120)
        self.assertIn("sent 3000", flood.stdout)
        r = self.charon.swanctl("--initiate", "--child", "net", "--timeout", "20", check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr + self.failure_context())
        self.assertIn("received COOKIE notify", self.charon.log())
        self.wait_established()
        self.assert_traffic()
        status = json.loads(self.vgwsh("show ike sa json").stdout)
        self.assertGreater(int(status["counters"]["cookiesSent"]), 1000, json.dumps(status, indent=1))
        t = [x for x in status["tunnels"] if x["tunnel"] == self.tunnel][0]
        half_open = [s for s in t["sas"] if s["state"] == "init-answered"]
        self.assertLessEqual(len(half_open), 10, t)
        # 3,000 requests leave at most a handful of SAs: memory does not follow the flood.
        self.assertLess(self.vgwd_rss_kib() - rss_before, 8 * 1024)

    def test_garbage_on_ike_ports_harms_nothing(self):
        self.configure("aes256gcm16-prfsha256-curve25519", "aes128gcm16")
        self.established_both_ways("aes256gcm16-prfsha256-curve25519", "aes128gcm16")
        files = [os.path.join(CORPUS, d, f) for d in ("ike_message", "ike_responder")
                 for f in sorted(os.listdir(os.path.join(CORPUS, d)))]
        out = sh("ip", "netns", "exec", self.ns["s"], "/usr/bin/python3", "-c", GARBAGE, VGW_WAN, *files,
                 timeout=120).stdout
        self.assertIn("sent", out)
        self.assertIsNone(self.vgw.proc.poll(), "vgwd died" + self.failure_context())
        self.assertEqual(self.ike_state()["status"], "established")
        self.assert_traffic()


if __name__ == "__main__":
    unittest.main()
