"""ping and traceroute from the gateway itself (SystemService.Ping / Traceroute): vgwd in a
network namespace of its own, a router namespace in the middle and a host behind it, IPv4 and
IPv6. The probes leave from vgwd's namespace (not vgwsh's), come back live through the API, and
say what answered: echo replies, an ICMP unreachable from the router, the hops of the path."""

import os
import re
import subprocess
import unittest

import grpc

import vgwtest


def sh(*args, check=True):
    return subprocess.run(args, capture_output=True, text=True, check=check)


class Probes(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        tag = f"{os.getpid()}-{os.urandom(2).hex()}"
        cls.ns = {role: f"vgwpr-{role}-{tag}" for role in ("gw", "rt", "host")}
        cls.daemon = None
        try:
            for ns in cls.ns.values():
                sh("ip", "netns", "add", ns)
                sh("ip", "-n", ns, "link", "set", "lo", "up")
            gw, rt, host = cls.ns["gw"], cls.ns["rt"], cls.ns["host"]
            sh("ip", "-n", gw, "link", "add", "up0", "type", "veth", "peer", "name", "down0", "netns", rt)
            sh("ip", "-n", rt, "link", "add", "down1", "type", "veth", "peer", "name", "up1", "netns", host)
            for ns, dev, v4, v6 in ((gw, "up0", "10.61.0.1/24", "fd00:61::1/64"),
                                    (rt, "down0", "10.61.0.2/24", "fd00:61::2/64"),
                                    (rt, "down1", "10.62.0.2/24", "fd00:62::2/64"),
                                    (host, "up1", "10.62.0.1/24", "fd00:62::1/64")):
                sh("ip", "-n", ns, "addr", "add", v4, "dev", dev)
                sh("ip", "-n", ns, "-6", "addr", "add", v6, "dev", dev, "nodad")
                sh("ip", "-n", ns, "link", "set", dev, "up")
            sh("ip", "netns", "exec", rt, "sysctl", "-qw", "net.ipv4.ip_forward=1")
            sh("ip", "netns", "exec", rt, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
            # ICMP errors are rate limited per destination (1 s); the tests send them back to back.
            sh("ip", "netns", "exec", rt, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0")
            sh("ip", "netns", "exec", rt, "sysctl", "-qw", "net.ipv6.icmp.ratelimit=0")
            # The router refuses 10.69.0.0/16 with an ICMP host unreachable (nftables: the
            # kernel's own answer for an unreachable route is rate limited per source host).
            sh("ip", "-n", rt, "route", "add", "10.69.0.0/16", "via", "10.62.0.1")
            subprocess.run(["ip", "netns", "exec", rt, "nft", "-f", "-"], check=True, text=True, input=(
                "table ip probes {\n  chain refuse {\n    type filter hook forward priority 0;\n"
                "    ip daddr 10.69.0.0/16 reject with icmp type host-unreachable\n  }\n}\n"))
            for ns, via4, via6 in ((gw, "10.61.0.2", "fd00:61::2"), (host, "10.62.0.2", "fd00:62::2")):
                sh("ip", "-n", ns, "route", "add", "default", "via", via4)
                sh("ip", "-n", ns, "-6", "route", "add", "default", "via", via6)
            cls.daemon = vgwtest.Daemon(netns=gw)
            cls.daemon.start()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.daemon:
            cls.daemon.cleanup()
        for ns in cls.ns.values():
            sh("ip", "netns", "del", ns, check=False)

    def vgwsh(self, command):
        # vgwsh itself runs outside every namespace of the test: only vgwd can reach the host.
        return self.daemon.vgwsh(command)

    def test_ping_ipv4_and_ipv6_from_the_gateway(self):
        for dest, source in (("10.62.0.1", "10.61.0.1"), ("fd00:62::1", "fd00:61::1")):
            r = self.vgwsh(f"ping {dest} source {source} count 3 size 100")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            replies = re.findall(rf"^108 bytes from {re.escape(dest)}: icmp_seq=(\d) ttl=(\d+) time=[\d.]+ ms$",
                                 r.stdout, re.M)
            self.assertEqual([s for s, _ in replies], ["1", "2", "3"], r.stdout)
            self.assertEqual({ttl for _, ttl in replies}, {"63"}, r.stdout)  # one router on the way
            self.assertIn("3 packets transmitted, 3 received, 0% packet loss", r.stdout)
            self.assertRegex(r.stdout, r"rtt min/avg/max = [\d.]+/[\d.]+/[\d.]+ ms")

    def test_unreachable_and_silence_are_reported_and_fail(self):
        r = self.vgwsh("ping 10.69.0.1 count 2")
        self.assertEqual(r.returncode, 1)
        self.assertIn("From 10.61.0.2 icmp_seq=1 Destination Host Unreachable", r.stdout)
        self.assertIn("2 packets transmitted, 0 received, 100% packet loss", r.stdout)
        self.assertIn("no reply from 10.69.0.1", r.stderr)
        # Nobody at .99 of the host's link: the router's neighbour resolution fails; our echoes
        # time out first (count 1, default 2 s timeout) or come back unreachable.
        r = self.vgwsh("ping 10.62.0.99 count 1")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stdout, r"no answer to icmp_seq=1|Destination Host Unreachable")

    def test_traceroute_names_each_hop(self):
        for dest, router in (("10.62.0.1", "10.61.0.2"), ("fd00:62::1", "fd00:61::2")):
            r = self.vgwsh(f"traceroute {dest}")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn(f"traceroute to {dest}, 30 hops max", r.stdout)
            self.assertRegex(r.stdout, rf"(?m)^ 1  {re.escape(router)}(  [\d.]+ ms){{3}}$")
            self.assertRegex(r.stdout, rf"(?m)^ 2  {re.escape(dest)}(  [\d.]+ ms){{3}}$")
            self.assertNotRegex(r.stdout, r"(?m)^ 3 ")  # the destination answered: the trace ends
        r = self.vgwsh("traceroute 10.69.0.1 probes 1")
        # TTL 1 expires at the router; TTL 2 passes it and is refused: the trace ends there.
        self.assertRegex(r.stdout, r"(?m)^ 1  10\.61\.0\.2  [\d.]+ ms\n 2  10\.61\.0\.2  [\d.]+ ms  "
                                   r"\(Destination Host Unreachable\)\n\Z")

    def test_the_api_streams_each_answer(self):
        sys_pb = vgwtest.protos()["system_pb2"]
        api = self.daemon.api()
        self.addCleanup(api.close)
        replies = list(api.stream("SystemService", "Ping",
                                  sys_pb.PingRequest(destination="10.62.0.1", count=2, interval_ms=50),
                                  sys_pb.PingReply, timeout=20))
        self.assertEqual([m.kind for m in replies],
                         [sys_pb.PingReply.REPLY, sys_pb.PingReply.REPLY, sys_pb.PingReply.DONE])
        self.assertEqual((replies[-1].sent, replies[-1].received), (2, 2))
        self.assertGreater(replies[0].rtt_ms, 0)
        hops = list(api.stream("SystemService", "Traceroute",
                               sys_pb.TracerouteRequest(destination="10.62.0.1", probes=1),
                               sys_pb.TracerouteHop, timeout=20))
        self.assertEqual([(h.hop, getattr(h, "from"), h.reached, h.done) for h in hops],
                         [(1, "10.61.0.2", False, False), (2, "10.62.0.1", True, True)])
        # Bad input is refused with the rule.
        for req, why in ((sys_pb.PingRequest(destination="10.62.0.1", count=5000), "count 5000 is out of range"),
                         (sys_pb.PingRequest(destination="224.0.0.1"), "not a unicast address"),
                         (sys_pb.PingRequest(destination="10.62.0.1", source="fd00:61::1"), "not of the destination's family"),
                         (sys_pb.PingRequest(destination="x"), "destination")):
            with self.assertRaises(grpc.RpcError) as cm:
                list(api.stream("SystemService", "Ping", req, sys_pb.PingReply, timeout=10))
            self.assertEqual(cm.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
            self.assertIn(why, cm.exception.details())


if __name__ == "__main__":
    unittest.main()
