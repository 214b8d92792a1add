"""Two vgwd instances joined by manually keyed IPsec tunnels, configured through vgwsh only
(label: integration, root).

Topology (network namespaces made by the test, unique names):
    vgwd A  192.0.2.1 / 2001:db8:45::1 ---- veth "internet" ---- 192.0.2.2 / 2001:db8:45::2  vgwd B
Each test builds a tunnel with `tunnel NAME` blocks on both sides (A's outbound SA is B's
inbound SA and the other way round) and checks, through the tunnel's inside addresses: ping
and a TCP transfer in both directions over ESP-in-UDP (RFC 3948) and over bare ESP; the wire,
decoded independently by tshark with the same keys; replayed, tampered and unknown-SPI packets
dropped and counted in `show ipsec sa json` / `show tunnel json`; keys masked in show output and
kept in the config file, so a restarted vgwd brings its tunnel back; bad input refused with a
clear error and nothing changed. IKEv2 between the two: one initiating and the other
respond-only (SPIs and keys agree crosswise, `show ipsec sa` names IKE as the keyer, rekeys by
either side without a lost ping, a wrong key gives AUTHENTICATION_FAILED), both initiating at
once over IPv6, and bad IKE settings refused.
"""

import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import unittest

import vgwtest
from vgwtest import sh, wait

sys.path.insert(0, os.path.join(vgwtest.SOURCE_DIR, "tests", "support"))
from espwire import INJECT, key_hex, pcap_payloads, tshark_decrypt  # noqa: E402

A_WAN, B_WAN = "192.0.2.1", "192.0.2.2"
A_WAN6, B_WAN6 = "2001:db8:45::1", "2001:db8:45::2"

# The key sizes of each transform: (encryption key octets incl. salt, integrity key octets).
TRANSFORMS = {"aes128gcm16": (20, 0), "aes256gcm16": (36, 0), "aes128-sha256": (16, 32), "aes256-sha512": (32, 64)}

class TunnelsBetweenTwoVgwd(vgwtest.DaemonsInNamespaces):
    next_tunnel = 1

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise RuntimeError("this test needs root (network namespaces)")
        tag = f"{os.getpid() % 100000}{os.urandom(2).hex()}"
        cls.ns = {"a": f"vgwtun-a-{tag}", "b": f"vgwtun-b-{tag}"}
        cls.dir = tempfile.mkdtemp(prefix="vgw-tun-")
        cls.daemons = {}
        try:
            vgwtest.add_netns(*cls.ns.values())
            vgwtest.veth(cls.ns["a"], "wan", [f"{A_WAN}/24", f"{A_WAN6}/64"],
                         cls.ns["b"], "wan", [f"{B_WAN}/24", f"{B_WAN6}/64"])
            for side in ("a", "b"):
                d = vgwtest.Daemon(workdir=os.path.join(cls.dir, side), extra_args=(), netns=cls.ns[side])
                os.makedirs(d.dir)
                cls.daemons[side] = d.start()
        except BaseException:
            cls.tearDownClass()
            raise

    # ---- helpers ----

    def json(self, side, command):
        return json.loads(self.vgwsh(side, command).stdout)

    def exec(self, side, *cmd, **kw):
        return sh("ip", "netns", "exec", self.ns[side], *cmd, **kw)

    def tunnel(self, algorithm="aes128gcm16", encap="udp", outer6=False, esn=False):
        """Configures one tunnel on both vgwd; returns its parameters."""
        n = TunnelsBetweenTwoVgwd.next_tunnel
        TunnelsBetweenTwoVgwd.next_tunnel += 1
        ek, ik = TRANSFORMS[algorithm]
        t = {"name": f"tun{n}", "algorithm": algorithm, "encap": encap,
             "ia": f"169.254.{n}.1", "ib": f"169.254.{n}.2",
             "spi_ab": 0x1000 + n, "spi_ba": 0x2000 + n,
             "key_ab": (key_hex(ek, n), key_hex(ik, n + 50)),
             "key_ba": (key_hex(ek, n + 100), key_hex(ik, n + 150))}
        for side, local, remote, inside, out_spi, out_key, in_spi, in_key in (
                ("a", A_WAN6 if outer6 else A_WAN, B_WAN6 if outer6 else B_WAN, t["ia"],
                 t["spi_ab"], t["key_ab"], t["spi_ba"], t["key_ba"]),
                ("b", B_WAN6 if outer6 else B_WAN, A_WAN6 if outer6 else A_WAN, t["ib"],
                 t["spi_ba"], t["key_ba"], t["spi_ab"], t["key_ab"])):
            def sa(direction, spi, keys):
                line = f"sa {direction} spi {spi:#x} {algorithm} key 0x{keys[0]}"
                if keys[1]:
                    line += f" integrity-key 0x{keys[1]}"
                return line + (" esn" if esn else "")
            self.vgwsh(side, "configure", f"tunnel {t['name']}", f"local {local}", f"remote {remote}",
                       f"inside {inside}/30", f"encapsulation {encap}", sa("outbound", out_spi, out_key),
                       sa("inbound", in_spi, in_key))
        for side in ("a", "b"):
            state = self.json(side, f"show tunnel {t['name']} json")["tunnels"][0]["state"]
            self.assertEqual(state["status"], "up", state)
        return t

    def remove(self, t):
        for side in ("a", "b"):
            self.vgwsh(side, "configure", f"no tunnel {t['name']}")

    def ping(self, side, dst, count=3):
        r = self.exec(side, "ping", "-c", str(count), "-i", "0.2", "-W", "2", dst, check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def tcp(self, src_side, dst_side, dst, size=2_000_000):
        sent, received = vgwtest.tcp_transfer(self.ns[src_side], self.ns[dst_side], dst, size)
        self.assertEqual(sent, received, "what arrived differs from what was sent")

    def counters(self, side, t):
        return self.json(side, f"show tunnel {t['name']} json")["tunnels"][0]["state"]["counters"]

    def sa(self, side, t, direction, spi):
        for s in self.json(side, "show ipsec sa json")["sas"]:
            c = s["config"]
            if c["tunnel"] == t["name"] and c["direction"] == direction and c["spi"] == spi:
                return s
        raise AssertionError(f"no {direction} SA {spi:#x} on {side}")

    def capture(self, side, filt):
        path = os.path.join(self.dir, f"cap{time.monotonic_ns()}.pcap")
        log = open(path + ".log", "w")
        p = subprocess.Popen(["ip", "netns", "exec", self.ns[side], "tcpdump", "-i", "wan", "-U",
                              "--immediate-mode", "-n", "-w", path, filt],
                             stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        def listening():
            with open(path + ".log") as f:
                return "listening" in f.read()
        wait(listening, what="tcpdump")
        return p, path

    def stop_capture(self, p):
        time.sleep(0.3)
        p.terminate()
        p.wait(10)

    def tshark(self, path, t):
        return tshark_decrypt(path, t["algorithm"], ((A_WAN, B_WAN, t["spi_ab"], t["key_ab"]),
                                                     (B_WAN, A_WAN, t["spi_ba"], t["key_ba"])))

    # ---- traffic, checked on the wire ----

    def check_traffic(self, algorithm, encap):
        t = self.tunnel(algorithm, encap)
        try:
            cap, path = self.capture("a", "udp port 4500" if encap == "udp" else "ip proto 50")
            self.ping("a", t["ib"], count=4)
            self.stop_capture(cap)
            self.ping("b", t["ia"])
            self.tcp("a", "b", t["ib"])
            self.tcp("b", "a", t["ia"])
            for side in ("a", "b"):
                c = self.counters(side, t)
                self.assertGreater(int(c["txPackets"]), 500, c)
                self.assertGreater(int(c["rxPackets"]), 500, c)
                for k in ("replayDrops", "integrityFailures", "malformed", "errors", "noSaDrops"):
                    self.assertEqual(c[k], "0", f"{side} {k}: {c}")
            # The wire: only ESP of the configured kind, the configured SPIs, sequence from 1.
            packets = pcap_payloads(path)
            self.assertEqual({p[2] for p in packets}, {encap})
            self.assertEqual({struct.unpack_from(">I", p[3])[0] for p in packets}, {t["spi_ab"], t["spi_ba"]})
            self.assertEqual([struct.unpack_from(">I", p[3], 4)[0] for p in packets if p[0] == A_WAN][:4],
                             [1, 2, 3, 4])
            # An independent decoder with the same keys sees the inner ICMP.
            text = self.tshark(path, t)
            req = re.findall(rf"{re.escape(t['ia'])} → {re.escape(t['ib'])}\s+ICMP \d+ Echo \(ping\) request", text)
            rep = re.findall(rf"{re.escape(t['ib'])} → {re.escape(t['ia'])}\s+ICMP \d+ Echo \(ping\) reply", text)
            self.assertEqual((len(req), len(rep)), (4, 4), text)
            sa_out = self.sa("a", t, "OUTBOUND", t["spi_ab"])
            self.assertTrue(sa_out["active"])
            self.assertGreaterEqual(int(sa_out["lastSequence"]), 500)
        finally:
            self.remove(t)

    def test_udp_encapsulation_aes_gcm(self):
        self.check_traffic("aes128gcm16", "udp")

    def test_bare_esp_aes_cbc_hmac_sha256(self):
        self.check_traffic("aes128-sha256", "esp")

    def test_bare_esp_aes256_gcm(self):
        self.check_traffic("aes256gcm16", "esp")

    def test_udp_encapsulation_aes256_cbc_hmac_sha512(self):
        self.check_traffic("aes256-sha512", "udp")

    def test_ipv6_outer_with_esn(self):
        t = self.tunnel("aes128gcm16", "udp", outer6=True, esn=True)
        try:
            self.ping("a", t["ib"])
            self.tcp("b", "a", t["ia"], size=300_000)
            self.assertTrue(self.sa("b", t, "INBOUND", t["spi_ab"])["config"]["esn"])
        finally:
            self.remove(t)

    # ---- hostile input ----

    def check_injection(self, encap):
        t = self.tunnel("aes128gcm16", encap)
        try:
            cap, path = self.capture("a", "udp port 4500" if encap == "udp" else "ip proto 50")
            self.ping("a", t["ib"])
            self.stop_capture(cap)
            genuine = [p[3] for p in pcap_payloads(path) if p[0] == B_WAN]  # the 3 replies, accepted by A
            self.assertEqual(len(genuine), 3)
            inbound = lambda: self.sa("a", t, "INBOUND", t["spi_ba"])  # noqa: E731
            wait(lambda: inbound()["replayTop"] == "3", what="replay window published")
            before, sa_before = self.counters("a", t), inbound()
            dp_before = self.json("a", "show tunnel json")["dataplane"]
            tampered = bytearray(genuine[2])
            tampered[4:8] = struct.pack(">I", 1000)  # fresh sequence number, so the ICV decides
            tampered[-1] ^= 0x01
            unknown = bytearray(genuine[0])
            unknown[0:4] = struct.pack(">I", 0x7EADBEEF)
            self.exec("b", sys.executable, "-c", INJECT, encap, A_WAN,
                      *[bytes(p).hex() for p in (genuine[1], tampered, unknown)])
            wait(lambda: int(self.counters("a", t)["integrityFailures"]) > int(before["integrityFailures"]),
                 what="integrity failure counted")
            wait(lambda: int(self.json("a", "show tunnel json")["dataplane"].get("noSaDrops", "0")) >
                 int(dp_before.get("noSaDrops", "0")), what="unknown SPI counted")
            after, sa_after = self.counters("a", t), inbound()
            self.assertEqual(int(after["replayDrops"]) - int(before["replayDrops"]), 1)
            self.assertEqual(int(after["integrityFailures"]) - int(before["integrityFailures"]), 1)
            self.assertEqual(after["rxPackets"], before["rxPackets"])
            sac, sbc = sa_after["counters"], sa_before["counters"]
            self.assertEqual(int(sac["replayDrops"]) - int(sbc["replayDrops"]), 1)
            self.assertEqual(int(sac["integrityFailures"]) - int(sbc["integrityFailures"]), 1)
            self.assertEqual(sa_after["replayTop"], "3")  # the forgery did not move the window
            # The text views show the same.
            text = self.vgwsh("a", "show ipsec sa detail").stdout
            self.assertIn(f"Tunnel {t['name']}, inbound SA 0x{t['spi_ba']:08x} (active)", text)
            self.assertIn("1 replayed, 1 integrity failures", text)
            dp = self.json("a", "show tunnel json")["dataplane"]
            self.assertEqual(int(dp["noSaDrops"]) - int(dp_before.get("noSaDrops", "0")), 1)
            self.assertIn(f"{dp['noSaDrops']} unknown SPI", self.vgwsh("a", "show tunnel").stdout)
            self.ping("a", t["ib"], count=2)  # still fine
        finally:
            self.remove(t)

    def test_replayed_tampered_unknown_spi_over_udp(self):
        self.check_injection("udp")

    def test_replayed_tampered_unknown_spi_over_esp(self):
        self.check_injection("esp")

    # ---- configuration: secrets, persistence, errors ----

    def test_keys_masked_kept_and_restored_after_restart(self):
        t = self.tunnel("aes128-sha256", "udp")
        try:
            shown = self.vgwsh("b", "show running-config").stdout
            self.assertIn(f"sa outbound spi 0x{t['spi_ba']:08x} aes128-sha256 key <hidden> integrity-key <hidden>",
                          shown)
            self.assertNotIn(t["key_ba"][0], shown)
            secret = self.vgwsh("b", "show running-config with-secrets").stdout
            self.assertIn(f"key 0x{t['key_ba'][0]} integrity-key 0x{t['key_ba'][1]}", secret)
            conf = self.daemons["b"].config
            self.assertEqual(os.stat(conf).st_mode & 0o777, 0o600)
            with open(conf) as f:
                self.assertIn(t["key_ba"][1], f.read())
            self.assertNotIn(t["key_ba"][0], self.daemons["b"].log_text())
            self.assertNotIn(t["key_ba"][0], self.vgwsh("b", "show tunnel json", "show ipsec sa json").stdout)
            # Restart B: the tunnel comes back from the file and carries traffic again (a new
            # outbound SA starts at sequence 1, so A must accept it: new SA, new window).
            self.daemons["b"].stop()
            self.assertEqual(self.exec("b", "ip", "link", "show", t["name"], check=False).returncode, 1,
                             "the tunnel interface outlived vgwd")
            self.daemons["b"].start()
            wait(lambda: self.json("b", f"show tunnel {t['name']} json")["tunnels"][0]["state"]["status"] == "up",
                 what="tunnel up after restart")
            # A's inbound SA saw sequence numbers up to N already; a manual SA restarted from 1
            # is replayed traffic to it until A re-installs the SA, exactly as RFC 4303 says.
            self.vgwsh("a", "configure", f"tunnel {t['name']}", f"no sa inbound spi {t['spi_ba']:#x}",
                       f"sa inbound spi {t['spi_ba']:#x} aes128-sha256 key 0x{t['key_ba'][0]} "
                       f"integrity-key 0x{t['key_ba'][1]}")
            self.ping("b", t["ia"])
        finally:
            self.remove(t)

    def test_bad_input_is_refused_and_changes_nothing(self):
        t = self.tunnel("aes128gcm16", "udp")
        try:
            before = self.vgwsh("a", "show running-config with-secrets").stdout
            cases = [
                (f"sa inbound spi 0x2fff aes128gcm16 key 0x{'11' * 16}",
                 "key must be 20 octets for aes128gcm16 (key and 4-octet salt), got 16"),
                (f"sa inbound spi 0x2fff aes128-sha256 key 0x{'11' * 16}", "integrity-key is required"),
                (f"sa inbound spi 0x2fff aes128gcm16 key 0x{'11' * 20} integrity-key 0x{'22' * 32}",
                 "integrity-key is not used by aes128gcm16"),
                (f"sa inbound spi 255 aes128gcm16 key 0x{'11' * 20}", "SPI 255 is out of range"),
                (f"sa inbound spi 0x2fff des key 0x{'11' * 20}", "unknown ESP algorithm 'des'"),
                (f"sa inbound spi 0x2fff aes128gcm16 key 0x{'11' * 20} replay-window 100",
                 "must be a power of two"),
                (f"sa outbound spi 0x2fff aes128gcm16 key 0x{'11' * 20} replay-window 128",
                 "replay-window applies to inbound SAs only"),
                ("inside 169.254.77.1/33", "169.254.77.1/33"),
                ("remote 224.0.0.5", "is not a unicast address"),
                ("remote 2001:db8:45::2", "different address families"),
                ("mtu 100", "out of range"),
            ]
            for line, message in cases:
                r = self.vgwsh("a", "configure", f"tunnel {t['name']}", line, check=False)
                self.assertNotEqual(r.returncode, 0, line)
                self.assertIn(message, r.stderr + r.stdout, line)
                self.assertNotIn("11" * 16, r.stderr + r.stdout)  # keys never echoed
            # An inbound SPI is unique across tunnels.
            r = self.vgwsh("a", "configure", "tunnel other", "local 192.0.2.1", "remote 192.0.2.2",
                           "inside 169.254.200.1/30",
                           f"sa inbound spi {t['spi_ba']:#x} aes128gcm16 key 0x{'33' * 20}", check=False)
            self.assertIn(f"inbound SPI 0x{t['spi_ba']:08x} is already used by tunnel {t['name']}", r.stderr)
            self.vgwsh("a", "configure", "no tunnel other")
            self.assertEqual(self.vgwsh("a", "show running-config with-secrets").stdout, before)
            self.ping("a", t["ib"], count=2)
        finally:
            self.remove(t)

    # ---- IKEv2 between the two vgwd ----

    def ike_tunnel(self, name, a_local, b_local, inside_n, a_extra=(), b_extra=(), psk="vgw-to-vgw-psk-000111"):
        for side, local, remote, inside, extra in (("a", a_local, b_local, f"169.254.{inside_n}.1/30", a_extra),
                                                   ("b", b_local, a_local, f"169.254.{inside_n}.2/30", b_extra)):
            self.vgwsh(side, "configure", f"tunnel {name}", f"local {local}", f"remote {remote}", f"inside {inside}",
                       *extra, f"ike pre-shared-key {psk}")

    def ike(self, side, name):
        return json.loads(self.vgwsh(side, f"show ike sa {name} json").stdout)["tunnels"][0]

    def wait_ike(self, name, sides=("a", "b")):
        def up():
            return all(self.ike(side, name)["status"] == "established" for side in sides)
        try:
            wait(up, timeout=20, what="IKE established on both vgwd")
        except AssertionError:
            raise AssertionError("\n".join(self.vgwsh(side, "show ike sa detail").stdout for side in sides) +
                                 self.daemons["a"].log_text()[-3000:] + self.daemons["b"].log_text()[-3000:])

    def test_ike_one_initiates_the_other_responds(self):
        name = "ikevv"
        self.ike_tunnel(name, A_WAN, B_WAN, 91, a_extra=("ike proposal aes128gcm16-prfsha256-ecp256",
                                                         "esp proposal aes256-sha512"),
                        b_extra=("ike respond-only", "ike proposal aes128gcm16-prfsha256-ecp256",
                                 "esp proposal aes256-sha512"))
        try:
            self.wait_ike(name)
            a, b = self.ike("a", name)["sas"][0], self.ike("b", name)["sas"][0]
            self.assertTrue(a["initiator"])
            self.assertFalse(b["initiator"])
            self.assertEqual((a["initiatorSpi"], a["responderSpi"]), (b["initiatorSpi"], b["responderSpi"]))
            ca, cb = a["children"][0], b["children"][0]
            self.assertEqual((ca["inboundSpi"], ca["outboundSpi"]), (cb["outboundSpi"], cb["inboundSpi"]))
            self.assertEqual(ca["suite"], "aes256-sha512")
            self.assertEqual(ca["localTs"], "0.0.0.0/0 ::/0")
            self.ping("a", "169.254.91.2")
            self.tcp("b", "a", "169.254.91.1", size=500_000)
            # `show ipsec sa` lists the negotiated SAs too, saying who keyed them.
            sas = [x for x in self.json("a", "show ipsec sa json")["sas"] if x["config"]["tunnel"] == name]
            self.assertEqual(sorted((x["config"]["direction"], x["config"]["spi"]) for x in sas),
                             sorted([("INBOUND", ca["inboundSpi"]), ("OUTBOUND", ca["outboundSpi"])]))
            for x in sas:
                self.assertEqual((x["keyedBy"], x["config"]["algorithm"], x["installed"]), ("ike", "aes256-sha512", True))
                self.assertGreater(int(x["counters"]["packets"]), 3)
            self.assertIn(" ike ", self.vgwsh("a", "show ipsec sa").stdout)
            # IkeService.Watch streams what happens: a Child SA rekey installs the new pair,
            # then removes the old one (make before break), with the reason.
            ike_pb = vgwtest.protos()["ike_pb2"]
            api = self.daemons["a"].api()
            self.addCleanup(api.close)
            calls = api.stream("IkeService", "Watch", ike_pb.WatchIkeRequest(tunnel=name), ike_pb.WatchIkeResponse,
                               timeout=20)
            time.sleep(0.3)  # the stream is registered once its first read is pending
            self.vgwsh("a", f"clear ipsec sa {name} rekey")
            kinds = []
            for reply in calls:
                for ev in reply.events:
                    self.assertEqual(ev.tunnel, name)
                    kinds.append((ev.kind, ev.inbound_spi, ev.reason))
                if any(k[0] == "child-removed" for k in kinds):
                    break
            calls.cancel()
            self.assertEqual([k[0] for k in kinds], ["child-installed", "child-removed"], kinds)
            self.assertEqual(kinds[1][1], ca["inboundSpi"])
            self.assertEqual(kinds[1][2], "rekeyed")
            # Both directions rekey without a lost ping.
            for side, cmd in (("b", f"clear ipsec sa {name} rekey"), ("a", f"clear ike sa {name} rekey"),
                              ("b", f"clear ike sa {name} rekey")):
                self.vgwsh(side, cmd)
                self.ping("a", "169.254.91.2", count=3)
            self.wait_ike(name)
            # A wrong key on one side: AUTHENTICATION_FAILED on the initiator, said in show.
            self.vgwsh("b", "configure", f"tunnel {name}", "ike pre-shared-key another-key-999999")
            self.vgwsh("a", f"clear ike sa {name}")
            wait(lambda: "AUTHENTICATION_FAILED" in self.ike("a", name)["lastError"], timeout=20,
                 what="AUTHENTICATION_FAILED")
        finally:
            for side in ("a", "b"):
                self.vgwsh(side, "configure", f"no tunnel {name}")

    def test_ike_both_initiate_over_ipv6(self):
        name = "ikev6"
        self.ike_tunnel(name, A_WAN6, B_WAN6, 92)
        try:
            self.wait_ike(name)
            self.ping("a", "169.254.92.2")
            self.ping("b", "169.254.92.1")
            for side in ("a", "b"):
                sa = [s for s in self.ike(side, name)["sas"] if s["state"] == "established"][0]
                self.assertEqual(sa["suite"], "aes256gcm16-prfsha256-curve25519")  # the default's first
                self.assertTrue(sa["natT"])  # encapsulation udp: ESP in UDP, IKE on 4500
            # Turning IKE off deletes the SAs on both sides (the peer is told).
            self.vgwsh("a", "configure", f"tunnel {name}", "no ike pre-shared-key")
            wait(lambda: self.ike("b", name)["sas"] == [] or
                 all(s["state"] != "established" for s in self.ike("b", name)["sas"]), timeout=10,
                 what="b to see the Delete")
        finally:
            for side in ("a", "b"):
                self.vgwsh(side, "configure", f"no tunnel {name}")

    def test_ike_bad_input_is_refused(self):
        self.vgwsh("a", "configure", "tunnel ikebad", "local 192.0.2.1", "remote 192.0.2.2",
                   "inside 169.254.93.1/30")
        try:
            before = self.vgwsh("a", "show running-config with-secrets").stdout
            cases = [
                ("ike pre-shared-key short", "at least 8 characters"),
                ("ike proposal aes256-sha256-modp1024", "modp1024"),
                ("esp proposal des-md5", "des"),
                ("ike lifetime 10", "out of range"),
                ("ike local-id %any", "remote identity only"),
                ("ike dpd interval 5000", "out of range"),
                ("ike pre-shared-key <hidden>", "masked"),
            ]
            for line, message in cases:
                r = self.vgwsh("a", "configure", "tunnel ikebad", line, check=False)
                self.assertNotEqual(r.returncode, 0, line)
                self.assertIn(message, r.stderr + r.stdout, line)
            self.assertEqual(self.vgwsh("a", "show running-config with-secrets").stdout, before)
            # Keyed by hand or by IKE, not both.
            self.vgwsh("a", "configure", "tunnel ikebad", f"sa outbound spi 0x7001 aes128gcm16 key 0x{'44' * 20}")
            r = self.vgwsh("a", "configure", "tunnel ikebad", "ike pre-shared-key long-enough-key", check=False)
            self.assertIn("manually keyed SAs", r.stderr + r.stdout)
            # Keys never show.
            self.vgwsh("a", "configure", "tunnel ikebad", "no sa outbound spi 0x7001",
                       "ike pre-shared-key long-enough-key")
            self.assertNotIn("long-enough-key", self.vgwsh("a", "show running-config").stdout)
            self.assertNotIn("long-enough-key", self.vgwsh("a", "show tunnel ikebad json").stdout)
            self.assertIn("long-enough-key", self.vgwsh("a", "show running-config with-secrets").stdout)
        finally:
            self.vgwsh("a", "configure", "no tunnel ikebad")

    def kernel_route(self, side, prefix):
        return self.exec(side, "ip", "-o", "route", "show", prefix).stdout.strip()

    def test_routes_into_a_tunnel_survive_its_interface_being_recreated(self):
        # Issue 14: a change of mtu or encapsulation recreates the tunnel's interface; the static
        # routes into it used to vanish until vgwd restarted.
        t = self.tunnel()
        prefix = f"198.18.{TunnelsBetweenTwoVgwd.next_tunnel}.0/24"
        self.vgwsh("a", "configure", f"ip route {prefix} {t['name']}")
        try:
            vgwtest.wait(lambda: f"dev {t['name']}" in self.kernel_route("a", prefix), what="route in the kernel")
            old_index = self.exec("a", "cat", f"/sys/class/net/{t['name']}/ifindex").stdout.strip()
            for change in ("mtu 1300", "encapsulation esp"):
                self.vgwsh("a", "configure", f"tunnel {t['name']}", change)
                vgwtest.wait(lambda: self.exec("a", "cat", f"/sys/class/net/{t['name']}/ifindex",
                                               check=False).stdout.strip() not in ("", old_index),
                             what="interface recreated")
                old_index = self.exec("a", "cat", f"/sys/class/net/{t['name']}/ifindex").stdout.strip()
                vgwtest.wait(lambda: f"dev {t['name']}" in self.kernel_route("a", prefix),
                             what=f"route back in the kernel after '{change}'")
                routes = self.json("a", f"show ip route {prefix} json")
                self.assertTrue(any(r.get("selected") for r in routes["routes"]), routes)
        finally:
            self.vgwsh("a", "configure", f"no ip route {prefix} {t['name']}")
            self.remove(t)

    def test_a_tunnel_with_a_long_name_can_be_routed_into(self):
        # Names longer than Linux's 15 characters map to a short interface name; a route names the
        # tunnel, and goes into whatever interface it has (once it is keyed: a tunnel without SAs
        # is down and routes nothing).
        name = "to-hq-primary-tunnel"
        self.vgwsh("a", "configure", f"tunnel {name}", f"local {A_WAN}", "remote 192.0.2.77",
                   "inside 169.254.222.1/30", f"sa outbound spi 0x2221 aes128gcm16 key 0x{'22' * 20}",
                   f"sa inbound spi 0x2222 aes128gcm16 key 0x{'23' * 20}")
        try:
            ifname = self.json("a", f"show tunnel {name} json")["tunnels"][0]["state"]["interfaceName"]
            self.assertLessEqual(len(ifname), 15)
            self.assertNotEqual(ifname, name)
            self.vgwsh("a", "configure", f"ip route 198.18.222.0/24 {name}")
            vgwtest.wait(lambda: f"dev {ifname}" in self.kernel_route("a", "198.18.222.0/24"),
                         what="route into the long-named tunnel")
            out = self.vgwsh("a", "show running-config").stdout
            self.assertIn(f"ip route 198.18.222.0/24 {name}", out)
        finally:
            self.vgwsh("a", "configure", f"no ip route 198.18.222.0/24 {name}", f"no tunnel {name}")

    def test_incomplete_tunnel_explains_itself(self):
        self.vgwsh("a", "configure", "tunnel half", "local 192.0.2.1", "inside 169.254.201.1/30")
        try:
            out = self.vgwsh("a", "show tunnel").stdout
            self.assertRegex(out, r"half\s+incomplete")
            self.assertIn("half: not configured: remote", out)
            self.vgwsh("a", "configure", "tunnel half", "remote 192.0.2.2")
            st = self.json("a", "show tunnel half json")["tunnels"][0]["state"]
            self.assertEqual((st["status"], st["reason"]), ("down", "no outbound SA"))
            self.assertEqual(self.exec("a", "ip", "-o", "addr", "show", "dev", "half").stdout.split()[3],
                             "169.254.201.1/30")
        finally:
            self.vgwsh("a", "configure", "no tunnel half")
        self.assertNotEqual(self.exec("a", "ip", "link", "show", "half", check=False).returncode, 0)


if __name__ == "__main__":
    unittest.main()
