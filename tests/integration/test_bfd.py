"""vgwd's BFD against FRR's bfdd, with BGP on both sides (label: interop).

Topology (network namespaces made by the test, unique names):
    FRR (zebra, bgpd, bfdd; AS 65002) 10.N.1.2 ---- 10.N.1.1 vgwd (AS 65001)
Both ends run BGP with `neighbor X bfd` (BGP timers 10/30, so that a BGP session that leaves
within a second was taken down by BFD, not by its hold timer) and BFD at 100 ms x 3.

Checked: the sessions come up on both sides with each other's timers; timer changes on either
side are taken through a Poll/Final sequence without a flap; silencing one direction (an
nftables drop of UDP 3784) brings the other side's session down within detect-multiplier x
interval (measured from the drop to the event vgwd reports), the BGP sessions on both sides
follow at once and the peer's route leaves vgwd's RIB and the kernel; removing the drop brings
everything back. Garbage (the fuzz corpus, wrong TTL, wrong discriminators) sent at vgwd's
UDP 3784 is counted and dropped and never touches the session.
"""

import glob
import json
import os
import queue
import shutil
import socket
import struct
import tempfile
import threading
import time
import unittest

import vgwtest
from vgwtest import sh, wait

SOURCE_DIR = os.environ.get("VGW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


class BfdWithFrr(unittest.TestCase):

    def setUp(self):
        tag = f"{os.getpid() % 10000}{os.urandom(1).hex()}"
        self.octet = 100 + os.getpid() % 100
        self.ns = {k: f"vgwbfd-{k}-{tag}" for k in ("vgw", "frr")}
        self.dir = tempfile.mkdtemp(prefix="vgw-bfd-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        for ns in self.ns.values():
            self.addCleanup(sh, "ip", "netns", "del", ns, check=False)
        vgwtest.add_netns(*self.ns.values())
        n = self.octet
        self.vgw_ip, self.frr_ip = f"10.{n}.1.1", f"10.{n}.1.2"
        self.vgw_ip6, self.frr_ip6 = f"fd00:{n}::1", f"fd00:{n}::2"
        vgwtest.veth(self.ns["vgw"], "vf0", [f"{self.vgw_ip}/24", f"{self.vgw_ip6}/64"],
                     self.ns["frr"], "fr0", [f"{self.frr_ip}/24", f"{self.frr_ip6}/64"])
        self.pids = []
        self.addCleanup(vgwtest.stop_peer_daemons, self.pids)
        self.start_frr()
        self.daemon = vgwtest.Daemon(extra_args=(), netns=self.ns["vgw"])
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()

    def start_frr(self):
        d = self.frr_dir = os.path.join(self.dir, "frr")
        configs = {
            "zebra": "hostname frr\n",
            # bgpd's `neighbor X bfd` session and a `peer X` of the bfd block are different
            # sessions in bfdd (its key has the local address and interface): timers go in a profile.
            "bfdd": "bfd\n profile fast\n  detect-multiplier 3\n  receive-interval 100\n"
                    "  transmit-interval 100\n exit\n!\nexit\n",
            "bgpd": f"""frr defaults traditional
hostname frr
router bgp 65002
 bgp router-id {self.frr_ip}
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor {self.vgw_ip} remote-as 65001
 neighbor {self.vgw_ip} timers 10 30
 neighbor {self.vgw_ip} timers connect 1
 neighbor {self.vgw_ip} bfd profile fast
 address-family ipv4 unicast
  network 198.51.100.0/24
 exit-address-family
!
""",
        }
        vgwtest.start_frr(self.ns["frr"], d, configs, self.pids)

    # ---- helpers -------------------------------------------------------------------------------

    def vgwsh(self, *cmds):
        r = self.daemon.vgwsh(*cmds)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r.stdout

    def vtysh(self, *cmds):
        return vgwtest.vtysh(self.frr_dir, *cmds)

    def our_bfd(self):
        return json.loads(self.vgwsh(f"show bfd peer {self.frr_ip} json"))

    def our_counters(self):
        return json.loads(self.vgwsh(f"show bfd peer {self.frr_ip} counters json"))

    def frr_bfd(self):
        peers = json.loads(self.vtysh("show bfd peers json") or "[]")
        return next((p for p in peers if p.get("peer") == self.vgw_ip), None)

    def our_bgp_state(self):
        peers = json.loads(self.vgwsh("show bgp summary json"))["peers"]
        return next(p["state"]["state"] for p in peers if p["config"]["address"] == self.frr_ip)

    def our_bgp_peer(self):
        peers = json.loads(self.vgwsh("show bgp summary json"))["peers"]
        return next(p["state"] for p in peers if p["config"]["address"] == self.frr_ip)

    def frr_bgp(self):
        out = json.loads(self.vtysh(f"show bgp neighbors {self.vgw_ip} json") or "{}")
        return out.get(self.vgw_ip, {})

    def frr_bgp_state(self):
        return self.frr_bgp().get("bgpState")

    def kernel_route(self, prefix):
        out = sh("ip", "-n", self.ns["vgw"], "-j", "route", "show", prefix, "proto", "199").stdout
        return json.loads(out or "[]")

    def watch_bfd(self):
        """A BfdService.Watch stream; returns a queue of (event, arrival time)."""
        pb = vgwtest.protos()["bfd_pb2"]
        api = self.daemon.api()
        self.addCleanup(api.close)
        calls = api.stream("BfdService", "Watch", pb.WatchBfdRequest(peer=self.frr_ip), pb.WatchBfdResponse)
        q = queue.Queue()

        def pump():
            try:
                for reply in calls:
                    for e in reply.events:
                        q.put(e)
            except Exception:  # the stream ends when the test closes the channel
                pass

        threading.Thread(target=pump, daemon=True).start()
        return q

    def next_event(self, q, to, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                e = q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if e.to == to:
                return e
        self.fail(f"no BFD event to {to} within {timeout} s")

    def nft(self, ns, *rules):
        script = "\n".join(rules) + "\n"
        sh("ip", "netns", "exec", self.ns[ns], "nft", "-f", "-", input=script)

    def configure_vgw(self):
        self.vgwsh("configure", "bfd", f"peer {self.frr_ip}", "detect-multiplier 3", "receive-interval 100",
                   "transmit-interval 100", "exit", "exit",
                   "router bgp 65001", f"bgp router-id {self.vgw_ip}", "no bgp ebgp-requires-policy",
                   f"neighbor {self.frr_ip} remote-as 65002", f"neighbor {self.frr_ip} timers 10 30",
                   f"neighbor {self.frr_ip} timers connect 1", f"neighbor {self.frr_ip} bfd")

    def wait_all_up(self):
        wait(lambda: self.our_bfd()["status"] == "up", 20, "vgw's BFD session up")
        wait(lambda: (self.frr_bfd() or {}).get("status") == "up", 20, "FRR's BFD session up")
        wait(lambda: self.our_bgp_state() == "Established", 30, "BGP Established")
        wait(lambda: self.kernel_route("198.51.100.0/24"), 20, "FRR's route in vgw's kernel FIB")

    # ---- the tests -----------------------------------------------------------------------------

    def test_sessions_poll_final_failure_detection_and_bgp(self):
        self.configure_vgw()
        self.wait_all_up()
        ours, theirs = self.our_bfd(), self.frr_bfd()
        self.assertEqual(ours["remote-id"], theirs["id"])
        self.assertEqual(theirs["remote-id"], ours["id"])
        self.assertEqual(ours["remote-receive-interval"], 100)
        self.assertEqual(ours["remote-transmit-interval"], 100)
        self.assertEqual(ours["detection-time"], 300)
        self.assertEqual(theirs["remote-receive-interval"], 100)
        self.assertEqual(theirs["remote-detect-multiplier"], 3)
        self.assertIn("bgp", ours["clients"])
        self.assertEqual(ours["peer-type"], "configured")
        # A textual view for people, in FRR's words.
        text = self.vgwsh("show bfd peers")
        self.assertIn(f"peer {self.frr_ip}", text)
        self.assertIn("Status: up", text)
        self.assertIn("Detect-multiplier: 3", text)
        # On the wire: TTL 255 (RFC 5881 5) and DSCP CS6, as routers send BFD.
        cap = sh("ip", "netns", "exec", self.ns["frr"], "timeout", "5", "tcpdump", "-n", "-v", "-c", "1", "-i", "fr0",
                 f"udp dst port 3784 and src host {self.vgw_ip}", check=False).stdout
        self.assertIn("tos 0xc0", cap)
        self.assertIn("ttl 255", cap)
        brief = self.vgwsh("show bfd peers brief")
        self.assertIn("Session count: 1", brief)
        self.assertRegex(brief, rf"{ours['id']}\s+{self.vgw_ip}\s+{self.frr_ip}\s+-\s+up")
        neighbor = self.vgwsh(f"show bgp neighbors {self.frr_ip}")
        self.assertIn("BFD: Type: single hop", neighbor)
        self.assertIn("Status: up, detection time 300 ms", neighbor)

        # Timer changes while Up go through Poll/Final on both sides (RFC 5880 6.8.3).
        ups_before = self.our_counters()["session-up"]
        self.vgwsh("configure", "bfd", f"peer {self.frr_ip}", "transmit-interval 50", "receive-interval 60")
        wait(lambda: (self.frr_bfd() or {}).get("remote-transmit-interval") == 50
             and self.frr_bfd().get("remote-receive-interval") == 60, 10, "FRR sees vgw's new timers")
        wait(lambda: not self.our_bfd()["poll-in-progress"], 5, "vgw's Poll answered with Final")
        self.vtysh("configure terminal", "bfd", "profile fast", "receive-interval 80", "transmit-interval 70")
        wait(lambda: self.our_bfd()["remote-receive-interval"] == 80
             and self.our_bfd()["remote-transmit-interval"] == 70, 10, "vgw sees FRR's new timers")
        ours = self.our_bfd()
        self.assertEqual(ours["status"], "up")
        self.assertEqual(ours["negotiated-transmit-interval"], 80)  # max(our 50, their RX 80)
        self.assertEqual(ours["detection-time"], 3 * 70)             # their mult x max(our RX 60, their TX 70)
        self.assertEqual(self.our_counters()["session-up"], ups_before, "the session flapped")
        self.assertEqual((self.frr_bfd() or {}).get("status"), "up")

        # Silence FRR towards vgw: vgw's detection time runs out; BGP goes at once.
        events = self.watch_bfd()
        time.sleep(0.3)  # the Watch stream is subscribed
        self.nft("vgw", "table inet vgwbfd {", "  chain bfdin { type filter hook input priority 0; udp dport 3784 drop; }", "}")
        t0 = time.time()
        down = self.next_event(events, "down")
        detected_ms = down.unix_time_ms - t0 * 1000
        self.assertEqual(down.diagnostic, "control detection time expired", down.reason)
        self.assertLess(detected_ms, 3 * 70 + 200, f"vgw detected the failure after {detected_ms:.0f} ms")
        # The BGP session goes at once with Cease / BFD Down (RFC 9384), not after its 30 s hold
        # time; FRR's bfdd, no longer hearing us either, takes its side down too.
        wait(lambda: "BFD Down" in self.our_bgp_peer().get("lastError", ""), 2, "vgw's BGP session reset by BFD")
        self.assertGreaterEqual(self.our_bgp_peer()["establishedTransitions"], 1)
        wait(lambda: (self.frr_bfd() or {}).get("status") != "up", 3, "FRR's BFD down")
        print(f"\nvgw detected the silenced peer after {detected_ms:.0f} ms (detection time 210 ms); "
              f"FRR's BGP: {self.frr_bgp().get('lastResetDueTo')}")

        # Back: everything returns.
        self.nft("vgw", "delete table inet vgwbfd")
        self.wait_all_up()

        # Silence vgw towards FRR: FRR's bfdd detects it and tells us (Neighbor Signaled Down).
        events = self.watch_bfd()
        time.sleep(0.3)
        resets = self.our_bgp_peer()["establishedTransitions"]
        self.nft("vgw", "table inet vgwbfd {", "  chain bfdout { type filter hook output priority 0; udp dport 3784 drop; }", "}")
        t0 = time.time()
        down = self.next_event(events, "down")
        detected_ms = down.unix_time_ms - t0 * 1000
        self.assertEqual(down.diagnostic, "neighbor signaled session down")
        # FRR's detection time for us: our mult x max(its RX 80, our TX 50) = 240 ms, plus its
        # next packet (at most its 80 ms transmit interval) to say so.
        self.assertLess(detected_ms, 240 + 80 + 200, f"FRR detected the failure after {detected_ms:.0f} ms")
        # (BGP itself is not blocked: the session may be back already, as FRR's would be.)
        wait(lambda: self.our_bgp_peer()["establishedTransitions"] > resets or self.our_bgp_state() != "Established",
             2, "vgw's BGP session reset by BFD")
        print(f"FRR's bfdd detected the silenced vgw after {detected_ms:.0f} ms (detection time 240 ms)")
        self.nft("vgw", "delete table inet vgwbfd")
        self.wait_all_up()

        # The peer going AdminDown is no path failure (RFC 5882 3.2): vgw keeps the BGP session.
        # (FRR 8.4's bgpd does reset its session when vgw goes AdminDown, so shut FRR's side.)
        resets = self.our_bgp_peer()["establishedTransitions"]
        events = self.watch_bfd()
        time.sleep(0.3)
        self.vtysh("configure terminal", "bfd", "profile fast", "shutdown")
        down = self.next_event(events, "down")
        self.assertTrue(down.remote_admin_down, down)
        self.assertEqual(self.our_bfd()["diagnostic"], "neighbor signaled session down")
        time.sleep(1)
        self.assertEqual(self.our_bgp_state(), "Established")
        self.assertEqual(self.our_bgp_peer()["establishedTransitions"], resets)
        self.vtysh("configure terminal", "bfd", "profile fast", "no shutdown")
        wait(lambda: self.our_bfd()["status"] == "up", 10, "BFD back up")
        # Our own shutdown: AdminDown on the wire; FRR's BFD shows it.
        self.vgwsh("configure", "bfd", f"peer {self.frr_ip}", "shutdown")
        wait(lambda: self.our_bfd()["status"] == "admin-down", 5, "vgw AdminDown")
        wait(lambda: (self.frr_bfd() or {}).get("remote-diagnostic") == "administratively down", 5,
             "FRR sees AdminDown")
        self.vgwsh("configure", "bfd", f"peer {self.frr_ip}", "no shutdown")
        self.wait_all_up()

    def link_local(self, side, dev):
        out = json.loads(sh("ip", "-n", self.ns[side], "-j", "-6", "addr", "show", "dev", dev, "scope", "link").stdout)
        return next((a["local"] for i in out for a in i.get("addr_info", [])
                     if a.get("local") and not a.get("tentative")), None)

    def test_ipv6_global_and_link_local_sessions(self):
        # Sessions of the bfd block alone (no BGP), IPv6 with a global address and a link-local
        # one (which needs the interface), on both sides.
        wait(lambda: self.link_local("vgw", "vf0") and self.link_local("frr", "fr0"), 10, "link-local addresses")
        vgw_ll, frr_ll = self.link_local("vgw", "vf0"), self.link_local("frr", "fr0")
        self.vtysh("configure terminal", "bfd", f"peer {self.vgw_ip6}", "profile fast", "exit",
                   f"peer {vgw_ll} interface fr0", "profile fast")
        self.vgwsh("configure", "bfd", f"peer {self.frr_ip6}", "receive-interval 100", "transmit-interval 100",
                   "exit", f"peer {frr_ll} interface vf0", "receive-interval 100", "transmit-interval 100")
        sessions = lambda: {(p["peer"], p.get("interface", "")): p for p in json.loads(self.vgwsh("show bfd peers json"))}
        wait(lambda: all(s["status"] == "up" for s in sessions().values()) and len(sessions()) == 2, 20,
             "vgw's IPv6 sessions up")
        ours = sessions()
        self.assertEqual(ours[(frr_ll, "vf0")]["local"], vgw_ll)
        self.assertEqual(ours[(self.frr_ip6, "")]["detection-time"], 300)
        theirs = {p["peer"]: p for p in json.loads(self.vtysh("show bfd peers json"))}
        self.assertEqual(theirs[self.vgw_ip6]["status"], "up")
        self.assertEqual(theirs[vgw_ll]["status"], "up")
        self.assertEqual(theirs[vgw_ll]["remote-id"], ours[(frr_ll, "vf0")]["id"])
        text = self.vgwsh(f"show bfd peer {frr_ll} interface vf0")
        self.assertIn("interface vf0", text)
        # Silence the IPv6 link: both vgw sessions time out.
        self.nft("vgw", "table inet vgwbfd {", "  chain bfdin { type filter hook input priority 0; udp dport 3784 drop; }", "}")
        wait(lambda: all(s["status"] == "down" and s["diagnostic"] == "control detection time expired"
                         for s in sessions().values()), 5, "vgw's IPv6 sessions down")
        self.nft("vgw", "delete table inet vgwbfd")
        wait(lambda: all(s["status"] == "up" for s in sessions().values()), 20, "vgw's IPv6 sessions up again")

    def test_garbage_is_counted_and_dropped(self):
        self.configure_vgw()
        self.wait_all_up()
        before = self.our_counters()
        ups = before["session-up"]
        ours = self.our_bfd()
        # From the FRR namespace: the fuzz corpus with TTL 255, packets of the right session with
        # TTL 64, and well-formed packets whose discriminators are nobody's. All but the TTL ones
        # come from another address of the peer's link: a valid packet from the peer's own
        # address is the peer speaking, which BFD must believe.
        stranger = f"10.{self.octet}.1.3"
        sh("ip", "-n", self.ns["frr"], "addr", "add", f"{stranger}/24", "dev", "fr0")
        corpus = sorted(glob.glob(os.path.join(SOURCE_DIR, "tests/fuzz/corpus/bfd_packet/*")))
        self.assertGreater(len(corpus), 10)
        datagrams = []
        for path in corpus:
            with open(path, "rb") as f:
                datagrams.append((f.read(), 255, stranger))

        def packet(state, my, your):
            return struct.pack("!BBBBIIIII", 1 << 5, state << 6, 3, 24, my, your, 100000, 100000, 0)

        datagrams += [(packet(3, ours["remote-id"], ours["id"]), 64, self.frr_ip)] * 50  # right session, TTL 64
        datagrams += [(packet(3, 0x1234, 0x7777), 255, stranger)] * 50                 # nobody's discriminator
        datagrams += [(packet(3, 0x1234, ours["id"]), 255, stranger)] * 20             # ours, from elsewhere
        datagrams += [(packet(1, 0x1234, 0), 255, stranger)] * 20                      # Down, from no peer
        datagrams += [(os.urandom(n), 255, stranger) for n in range(0, 64)]
        script = (
            "import socket,sys,json\n"
            "for hexdata,ttl,src in json.load(sys.stdin):\n"
            "  s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
            "  s.setsockopt(socket.IPPROTO_IP,socket.IP_TTL,ttl)\n"
            "  s.bind((src,0))\n"
            f"  s.sendto(bytes.fromhex(hexdata),('{self.vgw_ip}',3784))\n"
            "  s.close()\n")
        payload = json.dumps([(d.hex(), ttl, src) for d, ttl, src in datagrams])
        sh("ip", "netns", "exec", self.ns["frr"], "/usr/bin/python3", "-c", script, input=payload)
        time.sleep(1)
        text = self.vgwsh("show bfd peers counters")
        self.assertIn("Received on UDP 3784", text)
        listed = json.loads(self.vgwsh("show bfd peers counters json"))
        self.assertEqual(len(listed), 1)
        pb = vgwtest.protos()["bfd_pb2"]
        api = self.daemon.api()
        self.addCleanup(api.close)
        r = api.call("BfdService", "ListPeers", pb.ListBfdPeersRequest(), pb.ListBfdPeersResponse)
        g = r.counters
        self.assertGreaterEqual(g.bad_ttl, 50)
        self.assertGreaterEqual(g.no_session, 50 + 20 + 20)
        self.assertGreaterEqual(g.malformed, len(corpus) // 2)
        self.assertGreater(g.drops["truncated"], 0)
        # The session never noticed.
        ours = self.our_bfd()
        self.assertEqual(ours["status"], "up")
        self.assertEqual(self.our_counters()["session-up"], ups)
        self.assertEqual(self.our_counters()["session-down"], before["session-down"])
        self.assertEqual((self.frr_bfd() or {}).get("status"), "up")
        self.assertEqual(self.our_bgp_state(), "Established")


if __name__ == "__main__":
    unittest.main()
