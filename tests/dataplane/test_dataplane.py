"""Dataplane integration test (root): two network namespaces joined by a veth ("internet",
192.0.2.1 <-> 192.0.2.2), one esp_gateway (vgw::esp::Dataplane with 2 workers) in each, manual
SAs. Checks, for AES-GCM-128, AES-CBC + HMAC-SHA-256 and ChaCha20-Poly1305, over ESP-in-UDP
and bare ESP: ping and TCP (iperf3, both directions) through the tunnel; the wire decoded
independently by tshark with the same keys; injected replayed / tampered / unknown-SPI /
truncated packets dropped into the right counters; NAT-keepalives and IKE (Non-ESP Marker)
handed over; lifetimes and sequence exhaustion raised as events; rekey (make before break)
across both workers; update_sa; long tunnel names; the MTU arithmetic at the exact boundary;
DF / too-big handling for IPv4 and IPv6 by the kernel and by the dataplane itself.
Run: VGW_ESP_GATEWAY=build/tests/dataplane/esp_gateway python3 -m unittest -v test_dataplane
"""
import json
import os
import re
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from espwire import INJECT, TSHARK_ALGORITHMS, key_hex, pcap_payloads, tshark_decrypt  # noqa: E402
from netns_lab import Lab  # noqa: E402

GATEWAY = os.environ.get("VGW_ESP_GATEWAY", "")
A_WAN, B_WAN = "192.0.2.1", "192.0.2.2"
A_WAN6, B_WAN6 = "2001:db8:4500::1", "2001:db8:4500::2"

TRANSFORMS = {
    # name: (encryption key bytes incl. salt, integrity key bytes, tshark algorithms or None)
    t: (ek, ik, TSHARK_ALGORITHMS[t])
    for t, ek, ik in (("aes128gcm16", 20, 0), ("aes128-sha256", 16, 32), ("chacha20poly1305", 36, 0))
}


LISTEN = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(5)
print("ready", flush=True)
data, addr = s.recvfrom(2048)
print(data.hex(), addr[1], flush=True)
"""


class DataplaneTest(unittest.TestCase):
    next_index = 10

    @classmethod
    def setUpClass(cls):
        if not GATEWAY or not os.access(GATEWAY, os.X_OK):
            raise RuntimeError("VGW_ESP_GATEWAY must name the esp_gateway binary")
        if os.geteuid() != 0:
            raise RuntimeError("this test needs root (network namespaces)")
        cls.lab = Lab("vgwdp", ["a", "b"])
        try:
            cls.lab.veth("a", "vgwdpa", f"{A_WAN}/24", "b", "vgwdpb", f"{B_WAN}/24")
            cls.lab.ip("a", "addr", "add", f"{A_WAN6}/64", "dev", "vgwdpa", "nodad")
            cls.lab.ip("b", "addr", "add", f"{B_WAN6}/64", "dev", "vgwdpb", "nodad")
            cls.a = cls.lab.gateway("a", GATEWAY, ["--workers", "2", "--tick-ms", "50"])
            cls.b = cls.lab.gateway("b", GATEWAY, ["--workers", "2", "--tick-ms", "50"])
            cls.iperf_server = cls.lab.spawn("b", "iperf3", "-s", stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL)
        except Exception:
            cls.lab.close()
            raise

    @classmethod
    def tearDownClass(cls):
        reports = cls.lab.close()
        if reports:  # a sanitizer build of esp_gateway complained
            raise AssertionError("sanitizer reports from esp_gateway:\n" + "\n".join(reports))

    # ---- helpers ----

    def tunnel(self, transform="aes128gcm16", encap="udp", name=None, extra_a="", extra_b="",
               sa_a_out="", sa_b_out="", inside6=False, outer6=False):
        """Sets up a tunnel on both gateways; returns a dict with names, addresses, SPIs, keys."""
        i = DataplaneTest.next_index
        DataplaneTest.next_index += 1
        name = name or f"t{i}"
        if inside6:
            ia, ib, plen = f"fd00:{i}::1", f"fd00:{i}::2", 64
        else:
            ia, ib, plen = f"169.254.{i}.1", f"169.254.{i}.2", 30
        t = {"name": name, "ia": ia, "ib": ib, "transform": transform, "encap": encap}
        wa, wb = (A_WAN6, B_WAN6) if outer6 else (A_WAN, B_WAN)
        t["info_a"] = self.a.cmd(f"tunnel {name} local={wa} remote={wb} inside={ia}/{plen} "
                                 f"encap={encap} {extra_a}")
        t["info_b"] = self.b.cmd(f"tunnel {name} local={wb} remote={wa} inside={ib}/{plen} "
                                 f"encap={encap} {extra_b}")
        self.addCleanup(self.remove_tunnel, name)
        # A receives with spi_a_in, B sends with it. Half the tunnels take SPIs without
        # regard to workers (so inbound and outbound of a tunnel may sit on different workers),
        # half ask for the tunnel's own worker.
        by_tunnel = f" {name}" if i % 2 else ""
        t["spi_a_in"] = self.a.cmd("spi" + by_tunnel)["spi"]
        t["spi_b_in"] = self.b.cmd("spi" + by_tunnel)["spi"]
        if by_tunnel:
            self.assertEqual(t["spi_a_in"] % 2, t["info_a"]["worker"])
            self.assertEqual(t["spi_b_in"] % 2, t["info_b"]["worker"])
        enc_n, integ_n, _ = TRANSFORMS[transform]
        t["key_ab"] = (key_hex(enc_n, i), key_hex(integ_n, i + 100))  # A -> B
        t["key_ba"] = (key_hex(enc_n, i + 50), key_hex(integ_n, i + 150))  # B -> A
        self.add_sa(self.a, name, "out", t["spi_b_in"], transform, t["key_ab"], sa_a_out)
        self.add_sa(self.b, name, "in", t["spi_b_in"], transform, t["key_ab"])
        self.add_sa(self.b, name, "out", t["spi_a_in"], transform, t["key_ba"], sa_b_out)
        self.add_sa(self.a, name, "in", t["spi_a_in"], transform, t["key_ba"])
        return t

    def add_sa(self, gw, name, direction, spi, transform, keys, extra=""):
        enc, integ = keys
        gw.cmd(f"sa {name} {direction} spi={spi} transform={transform} enc={enc} integ={integ} "
               f"{extra}")

    def remove_tunnel(self, name):
        for gw in (self.a, self.b):
            gw.raw(f"rm-tunnel {name}")

    def ping(self, role, dst, count=5, extra=(), check=True):
        p = self.lab.exec(role, "ping", "-c", str(count), "-i", "0.2", "-W", "2", *extra, dst,
                          check=False, timeout=60)
        if check:
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn(f"{count} received", p.stdout)
        return p

    def iperf(self, dst, reverse):
        args = ["iperf3", "-c", dst, "-t", "1", "-J"] + (["-R"] if reverse else [])
        p = self.lab.exec("a", *args, check=False, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        result = json.loads(p.stdout)
        return result["end"]["sum_received"]["bytes"]

    def capture(self, filt):
        path = os.path.join(self.lab.tmpdir, f"cap{time.monotonic_ns()}.pcap")
        with open(path + ".log", "w") as log:
            p = self.lab.spawn("a", "tcpdump", "-i", "vgwdpa", "-U", "--immediate-mode", "-n",
                               "-w", path, filt, stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(100):  # wait for "listening on"
            with open(path + ".log") as f:
                if "listening" in f.read():
                    break
            time.sleep(0.05)
        return p, path

    def stop_capture(self, proc):
        time.sleep(0.3)
        proc.terminate()
        proc.wait(10)

    def tshark_decrypt(self, path, t):
        return tshark_decrypt(path, t["transform"], ((A_WAN, B_WAN, t["spi_b_in"], t["key_ab"]),
                                                     (B_WAN, A_WAN, t["spi_a_in"], t["key_ba"])))

    def counters(self, gw, name):
        return gw.cmd(f"counters {name}")

    def eventually(self, probe, expected, timeout=5.0):
        """Polls probe() until it returns expected (workers publish some state on their
        housekeeping tick, and injected packets take a moment); returns the last value."""
        deadline = time.monotonic() + timeout
        value = probe()
        while value != expected and time.monotonic() < deadline:
            time.sleep(0.05)
            value = probe()
        return value

    def collect_events(self, gw, wanted, timeout=5.0):
        """Drains gw's events until every string in wanted was seen (or timeout)."""
        seen, deadline = [], time.monotonic() + timeout
        while True:
            seen += list(gw.cmd("events").values())
            if all(w in seen for w in wanted) or time.monotonic() > deadline:
                return seen
            time.sleep(0.05)

    # ---- traffic through every transform, both encapsulations, checked on the wire ----

    def check_traffic(self, transform, encap):
        t = self.tunnel(transform, encap)
        cap, path = self.capture("udp port 4500" if encap == "udp" else "ip proto 50")
        self.ping("a", t["ib"], count=5)
        self.stop_capture(cap)
        self.ping("b", t["ia"], count=3)
        sent = self.iperf(t["ib"], reverse=False)
        received = self.iperf(t["ib"], reverse=True)
        self.assertGreater(sent, 100_000)
        self.assertGreater(received, 100_000)
        ca, cb = self.counters(self.a, t["name"]), self.counters(self.b, t["name"])
        for c in (ca, cb):
            self.assertGreaterEqual(c["tx_packets"], 8)
            self.assertGreaterEqual(c["rx_packets"], 8)
            for k in ("integrity_failures", "malformed", "replay_drops", "errors", "no_sa_drops"):
                self.assertEqual(c[k], 0, f"{k}: {c}")
        # The wire: outer headers as configured, SPIs as installed, inner ICMP readable by tshark.
        packets = pcap_payloads(path)
        kinds = {p[2] for p in packets}
        self.assertEqual(kinds, {encap}, packets[:3])
        spis = {struct.unpack_from(">I", p[3])[0] for p in packets}
        self.assertEqual(spis, {t["spi_a_in"], t["spi_b_in"]})
        if encap == "udp":
            self.assertTrue(all(p[4] == 4500 and p[5] == 4500 for p in packets))
        out_seqs = [struct.unpack_from(">I", p[3], 4)[0] for p in packets if p[0] == A_WAN]
        self.assertEqual(out_seqs[:5], [1, 2, 3, 4, 5])
        if TRANSFORMS[transform][2]:
            text = self.tshark_decrypt(path, t)
            requests = re.findall(rf"{re.escape(t['ia'])} → {re.escape(t['ib'])} ICMP \d+ "
                                  r"Echo \(ping\) request", text)
            replies = re.findall(rf"{re.escape(t['ib'])} → {re.escape(t['ia'])} ICMP \d+ "
                                 r"Echo \(ping\) reply", text)
            self.assertEqual((len(requests), len(replies)), (5, 5), text)
        g = self.a.cmd("global")
        self.assertEqual(g["misrouted"], 0)

    def test_gcm_udp(self):
        self.check_traffic("aes128gcm16", "udp")

    def test_gcm_esp(self):
        self.check_traffic("aes128gcm16", "esp")

    def test_cbc_sha256_udp(self):
        self.check_traffic("aes128-sha256", "udp")

    def test_cbc_sha256_esp(self):
        self.check_traffic("aes128-sha256", "esp")

    def test_chacha20_udp(self):
        self.check_traffic("chacha20poly1305", "udp")

    def test_chacha20_esp(self):
        self.check_traffic("chacha20poly1305", "esp")

    def check_ipv6_outer(self, encap):
        t = self.tunnel("aes128-sha256", encap, outer6=True, extra_a="transforms=aes128-sha256")
        # UDP: 1500 - 40 (IPv6) - 8 (UDP) - 8 - 16 (IV) - 16 (ICV) = 1412 -> 1408 (16-octet
        # blocks) -> 1406; bare ESP: 1420 -> 1408 -> 1406 as well.
        self.assertEqual(t["info_a"]["mtu"], 1406)
        self.ping("a", t["ib"], count=3)
        self.ping("b", t["ia"], count=3)
        self.assertGreater(self.iperf(t["ib"], reverse=False), 100_000)
        for gw in (self.a, self.b):
            c = self.counters(gw, t["name"])
            self.assertEqual((c["integrity_failures"], c["malformed"], c["errors"]), (0, 0, 0))
            self.assertEqual(gw.cmd("global")["misrouted"], 0)

    def test_ipv6_outer_udp(self):
        self.check_ipv6_outer("udp")

    def test_ipv6_outer_esp(self):
        self.check_ipv6_outer("esp")

    # ---- hostile and odd input ----

    def check_injection(self, encap):
        t = self.tunnel("aes128gcm16", encap)
        cap, path = self.capture("udp port 4500" if encap == "udp" else "ip proto 50")
        self.ping("a", t["ib"], count=3)
        self.stop_capture(cap)
        genuine = [p[3] for p in pcap_payloads(path) if p[0] == B_WAN]  # accepted by A
        self.assertEqual(len(genuine), 3)
        sa_state = lambda: self.a.cmd(f"sa-state {t['name']} in {t['spi_a_in']}")  # noqa: E731
        # A housekeeping tick publishes the replay window.
        self.assertEqual(self.eventually(lambda: (sa_state()["replay_top"],
                                                  sa_state()["replay_bitmap"]),
                                         (3, "0x0000000000000007")),
                         (3, "0x0000000000000007"))
        before = self.counters(self.a, t["name"])
        sa_before = sa_state()
        g_before = self.a.cmd("global")

        replayed = genuine[1]
        tampered = bytearray(genuine[2])
        tampered[4:8] = struct.pack(">I", 1000)  # a fresh sequence number: passes the replay
        tampered[-1] ^= 0x01                     # check, fails the ICV
        unknown = bytearray(genuine[0])
        unknown[0:4] = struct.pack(">I", 0x7EADBEEF)
        truncated = genuine[0][:6]
        payloads = [replayed, bytes(tampered), bytes(unknown), truncated]
        if encap == "udp":
            payloads += [b"\xff", b"\x00\x00\x00\x00" + b"ike-hello"]
        self.lab.exec("b", sys.executable, "-c", INJECT, encap, A_WAN,
                      *[bytes(p).hex() for p in payloads])
        expected_global = 3 if encap == "udp" else 1  # no-SA (+ keepalive, IKE for UDP)
        self.eventually(lambda: sum(self.a.cmd("global")[k] - g_before[k] for k in
                                    ("no_sa_drops", "keepalives", "ike_datagrams")),
                        expected_global)
        self.eventually(lambda: self.counters(self.a, t["name"])["integrity_failures"] -
                        before["integrity_failures"], 1)
        after = self.counters(self.a, t["name"])
        sa_after = sa_state()
        g_after = self.a.cmd("global")
        self.assertEqual(after["replay_drops"] - before["replay_drops"], 1)
        self.assertEqual(after["integrity_failures"] - before["integrity_failures"], 1)
        self.assertEqual(sa_after["replay_drops"] - sa_before["replay_drops"], 1)
        self.assertEqual(sa_after["integrity_failures"] - sa_before["integrity_failures"], 1)
        self.assertEqual(after["rx_packets"], before["rx_packets"])
        self.assertEqual(sa_after["replay_top"], 3)  # the forgery did not move the window
        self.assertEqual(g_after["no_sa_drops"] - g_before["no_sa_drops"], 1)
        # UDP: a 6-octet payload is not ESP; raw: shorter than the ESP header.
        self.assertEqual(g_after["malformed"] - g_before["malformed"], 1)
        if encap == "udp":
            self.assertEqual(g_after["keepalives"] - g_before["keepalives"], 1)
            self.assertEqual(g_after["ike_datagrams"] - g_before["ike_datagrams"], 1)
            ike = self.a.cmd("ike")
            self.assertEqual(ike["ike0"], f"{B_WAN}:4501," + b"ike-hello".hex())
        self.ping("a", t["ib"], count=2)  # still fine

    def test_injected_udp(self):
        self.check_injection("udp")

    def test_injected_esp(self):
        self.check_injection("esp")

    def test_ike_sent_from_port_4500(self):
        self.tunnel("aes128gcm16", "udp")
        listener = self.lab.spawn("b", sys.executable, "-c", LISTEN, B_WAN, "4600",
                                  stdout=subprocess.PIPE, text=True)
        self.assertEqual(listener.stdout.readline().strip(), "ready")
        self.a.cmd(f"send-ike local={A_WAN} lport=4500 remote={B_WAN} rport=4600 hex=c0ffee")
        data, port = listener.stdout.readline().split()
        listener.wait(10)
        listener.stdout.close()
        self.assertEqual((data, port), ("00000000c0ffee", "4500"))

    # ---- control: lifetimes, rekey, update, names ----

    def test_lifetime_events(self):
        t = self.tunnel("aes128gcm16", "udp", sa_a_out="soft-packets=3 hard-packets=6")
        self.a.cmd("events")  # drain
        p = self.ping("a", t["ib"], count=9, check=False)
        self.assertIn("6 received", p.stdout)
        spi = t["spi_b_in"]
        wanted = [f"soft-expired,out,{spi},packets,{t['name']}",
                  f"hard-expired,out,{spi},packets,{t['name']}"]
        events = self.collect_events(self.a, wanted)
        for w in wanted:
            self.assertIn(w, events)
        c = self.counters(self.a, t["name"])
        self.assertEqual((c["tx_packets"], c["expired"]), (6, 3))
        st = self.a.cmd(f"sa-state {t['name']} out {spi}")
        self.assertEqual((st["lifetime"], st["lifetime_cause"]), ("hard-expired", "packets"))

    def test_sequence_exhaustion(self):
        t = self.tunnel("aes128gcm16", "udp", sa_a_out="last-seq=4294967293")
        self.a.cmd("events")
        p = self.ping("a", t["ib"], count=4, check=False)
        self.assertIn("2 received", p.stdout)
        spi = t["spi_b_in"]
        wanted = [f"sequence-exhausted,out,{spi},sequence,{t['name']}",
                  f"hard-expired,out,{spi},sequence,{t['name']}"]
        events = self.collect_events(self.a, wanted)
        for w in wanted:
            self.assertIn(w, events)
        st = self.a.cmd(f"sa-state {t['name']} out {spi}")
        self.assertEqual(st["last_sequence"], 4294967295)

    def test_rekey_across_workers(self):
        t = self.tunnel("aes128gcm16", "udp")
        name, old = t["name"], t["spi_a_in"]
        self.ping("a", t["ib"], count=2)
        new = self.a.cmd("spi")["spi"]
        while new % 2 == old % 2:  # land on the other worker
            new = self.a.cmd("spi")["spi"]
        keys = (key_hex(20, 201), "")
        self.add_sa(self.a, name, "in", new, "aes128gcm16", keys)   # make ...
        self.add_sa(self.b, name, "out", new, "aes128gcm16", keys)  # ... before break
        self.assertEqual(self.b.cmd(f"info {name}")["active_out"], new)
        self.ping("a", t["ib"], count=3)
        st_old = self.a.cmd(f"sa-state {name} in {old}")
        st_new = self.a.cmd(f"sa-state {name} in {new}")
        self.assertEqual((st_old["packets"], st_new["packets"]), (2, 3))
        self.assertEqual((st_old["worker"], st_new["worker"]), (old % 2, new % 2))
        self.b.cmd(f"del-sa {name} out {old}")
        self.a.cmd(f"del-sa {name} in {old}")
        self.ping("a", t["ib"], count=2)
        self.assertEqual(self.a.cmd("global")["misrouted"], 0)
        self.assertEqual(self.a.cmd(f"info {name}")["inbound"], 1)

    def test_update_sa_moves_the_peer(self):
        t = self.tunnel("aes128gcm16", "udp")
        self.a.cmd(f"update {t['name']} rport=4599")
        self.ping("a", t["ib"], count=2, check=False)
        self.assertEqual(self.counters(self.b, t["name"])["rx_packets"], 0)
        self.a.cmd(f"update {t['name']} rport=4500")
        self.ping("a", t["ib"], count=2)

    def test_long_tunnel_name(self):
        name = "customer-gateway-7-tunnel-2"
        t = self.tunnel("aes128gcm16", "udp", name=name)
        ifname = t["info_a"]["ifname"]
        self.assertRegex(ifname, r"^vgw[0-9a-f]{8}$")
        self.assertEqual(t["info_b"]["ifname"], ifname)  # stable for a name
        self.lab.ip("a", "link", "show", "dev", ifname)
        self.ping("a", t["ib"], count=2)

    def test_remove_and_readd_at_once(self):
        # The same TUN name and (with no other tunnel left) fresh UDP 4500 sockets: add_tunnel
        # must wait until the workers let go of the old ones, or the name is busy and the new
        # sockets join the old SO_REUSEPORT group with shifted steering indices.
        for _ in range(3):
            t = self.tunnel("aes128gcm16", "udp", name="readd")
            self.ping("a", t["ib"], count=2)
            self.ping("b", t["ia"], count=2)
            self.remove_tunnel("readd")
        self.assertEqual(self.a.cmd("global")["misrouted"], 0)
        self.assertEqual(self.b.cmd("global")["misrouted"], 0)

    def test_no_outbound_sa_counts(self):
        i = DataplaneTest.next_index
        DataplaneTest.next_index += 1
        self.a.cmd(f"tunnel n{i} local={A_WAN} remote={B_WAN} inside=169.254.{i}.1/30")
        self.addCleanup(self.remove_tunnel, f"n{i}")
        self.ping("a", f"169.254.{i}.2", count=2, check=False)
        self.assertEqual(self.counters(self.a, f"n{i}")["no_sa_drops"], 2)

    # ---- MTU and DF ----

    def test_mtu_boundary_and_kernel_too_big(self):
        t = self.tunnel("aes128gcm16", "udp", extra_a="transforms=aes128gcm16",
                        extra_b="transforms=aes128gcm16")
        # 1500 - 20 (IPv4) - 8 (UDP) - 8 (SPI, seq) - 8 (IV) - 16 (ICV) = 1440, a multiple of
        # 4, minus Pad Length and Next Header = 1438.
        self.assertEqual(t["info_a"]["mtu"], 1438)
        link = self.lab.ip("a", "link", "show", "dev", t["name"]).stdout
        self.assertIn("mtu 1438", link)
        cap, path = self.capture("udp port 4500")
        self.ping("a", t["ib"], count=2, extra=("-M", "do", "-s", str(1438 - 28)))
        self.stop_capture(cap)
        sizes = {len(p[3]) + 28 for p in pcap_payloads(path)}
        self.assertEqual(sizes, {1500})  # exactly the path MTU, no fragments
        # One octet more: the kernel refuses it locally, naming the TUN MTU.
        p = self.ping("a", t["ib"], count=1, extra=("-M", "do", "-s", str(1439 - 28)),
                      check=False)
        self.assertRegex(p.stdout + p.stderr, r"mtu ?= ?1438")
        self.assertEqual(self.counters(self.a, t["name"])["too_big"], 0)

    def check_dataplane_too_big(self, inside6):
        t = self.tunnel("aes128gcm16", "udp", extra_a="transforms=aes128gcm16",
                        extra_b="transforms=aes128gcm16", inside6=inside6)
        # Raise the TUN MTU behind the dataplane's back: now the kernel lets bigger packets in
        # and the dataplane must answer them itself.
        self.lab.ip("a", "link", "set", "dev", t["name"], "mtu", "1500")
        overhead = 48 if inside6 else 28
        extra = ("-M", "do", "-s", str(1480 - overhead)) + (("-6",) if inside6 else ())
        p = self.ping("a", t["ib"], count=2, extra=extra, check=False)
        self.assertRegex(p.stdout + p.stderr, r"mtu ?= ?1438", p.stdout + p.stderr)
        c = self.counters(self.a, t["name"])
        self.assertGreaterEqual(c["too_big"], 1)
        # Nothing oversized went out (IPv6 itself may send a few small MLD/ND packets).
        self.assertLess(c["tx_bytes"], 1480 - overhead)
        # IPv4 without DF is still carried (the outer packet is fragmented).
        if not inside6:
            self.ping("a", t["ib"], count=2, extra=("-M", "dont", "-s", str(1480 - overhead)))

    def test_dataplane_too_big_ipv4(self):
        self.check_dataplane_too_big(False)

    def test_dataplane_too_big_ipv6(self):
        self.check_dataplane_too_big(True)


if __name__ == "__main__":
    unittest.main()
