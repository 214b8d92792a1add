"""The RIB and the kernel FIB, end to end: vgwd in a network namespace of its own with two
uplinks; static routes configured through vgwsh must appear in the kernel (read back with
`ip -j route`) as single, multipath and weighted routes, be replaced in place on change, follow
interface state, surface the kernel's refusals in `show`, survive a SIGKILL (stale routes of a
previous run are cleaned at start) and leave with a clean shutdown. The gRPC ListRoutes and
WatchRoutes streams are exercised on the way."""

import json
import os
import subprocess
import threading
import time
import unittest

import grpc

import vgwtest


def sh(*args, check=True):
    return subprocess.run(args, capture_output=True, text=True, check=check)


class RibAndFib(unittest.TestCase):

    def setUp(self):
        self.ns = f"vgwfib-{os.getpid()}-{os.urandom(2).hex()}"
        sh("ip", "netns", "add", self.ns)
        self.addCleanup(sh, "ip", "netns", "del", self.ns, check=False)
        for cmd in ["link set lo up",
                    "link add upa type veth peer name upa-peer",
                    "link add upb type veth peer name upb-peer",
                    "addr add 10.1.0.1/24 dev upa", "addr add 10.2.0.1/24 dev upb",
                    "-6 addr add 2001:db8:1::1/64 dev upa nodad", "-6 addr add 2001:db8:2::1/64 dev upb nodad",
                    "link set upa up", "link set upa-peer up", "link set upb up", "link set upb-peer up"]:
            sh("ip", "-n", self.ns, *cmd.split())
        self.daemon = vgwtest.Daemon(extra_args=(), netns=self.ns)
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()

    def kernel(self, family="-4"):
        out = sh("ip", "-n", self.ns, "-j", family, "route", "show", "proto", "199").stdout
        return {r["dst"]: r for r in json.loads(out or "[]")}

    def wait_kernel(self, pred, family="-4", timeout=5):
        deadline = time.monotonic() + timeout
        while True:
            k = self.kernel(family)
            if pred(k) or time.monotonic() > deadline:
                return k
            time.sleep(0.05)

    def vgwsh(self, *cmds):
        r = self.daemon.vgwsh(*cmds)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def hops(self, route):
        return sorted((h["gateway"], h["dev"], h.get("weight", 1)) for h in route.get("nexthops", []))

    def test_static_ecmp_follows_interfaces_and_changes(self):
        self.vgwsh("configure", "ip route 198.51.100.0/24 10.1.0.2", "ip route 198.51.100.0/24 10.2.0.2 weight 3",
                   "ipv6 route 2001:db8:100::/48 2001:db8:1::2", "ipv6 route 2001:db8:100::/48 2001:db8:2::2",
                   "ip route 203.0.113.0/24 upb")
        k = self.wait_kernel(lambda k: "198.51.100.0/24" in k and "203.0.113.0/24" in k)
        self.assertEqual(self.hops(k["198.51.100.0/24"]), [("10.1.0.2", "upa", 1), ("10.2.0.2", "upb", 3)])
        self.assertEqual(k["203.0.113.0/24"]["dev"], "upb")
        self.assertEqual(k["198.51.100.0/24"]["metric"], 20)
        k6 = self.wait_kernel(lambda k: "2001:db8:100::/48" in k, "-6")
        self.assertEqual(len(k6["2001:db8:100::/48"]["nexthops"]), 2)

        # show ip route json agrees.
        routes = json.loads(self.vgwsh("show ip route json"))["routes"]
        mp = [r for r in routes if r["prefix"] == "198.51.100.0/24"][0]
        self.assertTrue(mp["selected"] and mp["fibInstalled"])
        self.assertEqual(len(mp["resolvedNexthops"]), 2)

        # A change replaces the kernel route in place (never two routes for the prefix).
        self.vgwsh("configure", "ip route 198.51.100.0/24 10.2.0.2 weight 1")
        k = self.wait_kernel(lambda k: self.hops(k["198.51.100.0/24"]) == [("10.1.0.2", "upa", 1), ("10.2.0.2", "upb", 1)])
        self.assertEqual(self.hops(k["198.51.100.0/24"]), [("10.1.0.2", "upa", 1), ("10.2.0.2", "upb", 1)])
        self.assertEqual(sh("ip", "-n", self.ns, "route", "show", "198.51.100.0/24").stdout.count("198.51.100.0/24"), 1)

        # Interface down: the multipath route shrinks to the surviving path; the route via upb only goes.
        sh("ip", "-n", self.ns, "link", "set", "upb", "down")
        k = self.wait_kernel(lambda k: "nexthops" not in k.get("198.51.100.0/24", {"nexthops": 1})
                             and "203.0.113.0/24" not in k)
        self.assertEqual(k["198.51.100.0/24"].get("gateway"), "10.1.0.2")
        self.assertNotIn("203.0.113.0/24", k)
        text = self.vgwsh("show ip route")
        self.assertNotIn("10.2.0.0/24", text)  # the connected route went with the interface
        # vtysh's `show interface`: upb is administratively down, upa up with its address.
        brief = {l.split()[0]: l.split() for l in self.vgwsh("show interface brief").splitlines()[1:]}
        self.assertEqual(brief["upb"][1], "admin-down")  # ip link set upb down
        self.assertEqual(brief["upa"][1], "up")
        self.assertIn("10.1.0.1/24", brief["upa"])
        detail = self.vgwsh("show interface upb")
        self.assertIn("Interface upb is administratively down, line protocol is down", detail)
        self.assertIn("inet 10.2.0.1/24", detail)
        ifaces = json.loads(self.vgwsh("show interface json"))["interfaces"]
        self.assertIn("upa", [i["name"] for i in ifaces])
        self.assertIn("no interface nope", self.daemon.vgwsh("show interface nope").stderr)
        # One protocol at a time, as FRR's `show ip route static|connected`.
        static, connected = self.vgwsh("show ip route static"), self.vgwsh("show ip route connected")
        self.assertIn("S>* 198.51.100.0/24", static)
        self.assertNotIn("C>", static)
        self.assertIn("C>* 10.1.0.0/24", connected)
        self.assertNotIn("198.51.100.0/24", connected)
        # Interface up again: both paths are back.
        sh("ip", "-n", self.ns, "link", "set", "upb", "up")
        k = self.wait_kernel(lambda k: len(k.get("198.51.100.0/24", {}).get("nexthops", [])) == 2
                             and "203.0.113.0/24" in k)
        self.assertEqual(len(k["198.51.100.0/24"]["nexthops"]), 2)
        self.assertIn("203.0.113.0/24", k)

        # Delete: gone from the kernel.
        self.vgwsh("configure", "no ip route 198.51.100.0/24 10.1.0.2", "no ip route 198.51.100.0/24 10.2.0.2")
        k = self.wait_kernel(lambda k: "198.51.100.0/24" not in k)
        self.assertNotIn("198.51.100.0/24", k)
        r = self.daemon.vgwsh("configure", "no ip route 198.51.100.0/24 10.1.0.2")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no static route", r.stderr)

    def test_unresolvable_and_refused_routes_are_explained(self):
        self.vgwsh("configure", "ip route 192.0.2.0/24 10.9.9.9",          # no connected route covers it
                   "ip route 192.0.2.0/24 10.2.0.2 distance 10",
                   "ip route 100.64.0.0/24 10.1.0.2 upb")                 # gateway not on upb: kernel refuses
        k = self.wait_kernel(lambda k: "192.0.2.0/24" in k)
        self.assertEqual(k["192.0.2.0/24"]["gateway"], "10.2.0.2")  # the distance-10 route took over
        detail = self.vgwsh("show ip route 192.0.2.0/24")
        self.assertIn("unresolvable", detail)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            summary = json.loads(self.vgwsh("show ip route summary json"))
            if int(summary.get("fibFailures", 0)) == 1:
                break
            time.sleep(0.05)
        self.assertEqual(int(summary["fibFailures"]), 1)
        text = self.vgwsh("show ip route")
        line = [l for l in text.splitlines() if "100.64.0.0/24" in l][0]
        self.assertTrue(line.startswith("S>r"), line)
        self.assertIn("kernel:", line)

    def test_frr_static_route_forms_blackhole_reject_and_bare_distance(self):
        # Issue 14: FRR's `ip route P GW 200`, Null0, blackhole and reject were taken for interface
        # names, saved, never installed and missing from show ip route.
        self.vgwsh("configure", "ip route 192.0.2.0/24 10.1.0.2 200",
                   "ip route 198.18.0.0/15 Null0", "ip route 198.51.100.0/24 reject",
                   "ipv6 route 2001:db8:dead::/48 blackhole")
        k = self.wait_kernel(lambda k: {"192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24"} <= set(k))
        self.assertEqual(k["198.18.0.0/15"].get("type"), "blackhole", k)
        self.assertEqual(k["198.51.100.0/24"].get("type"), "unreachable", k)
        self.assertEqual(k["192.0.2.0/24"]["gateway"], "10.1.0.2")
        k6 = self.wait_kernel(lambda k: "2001:db8:dead::/48" in k, family="-6")
        self.assertEqual(k6["2001:db8:dead::/48"].get("type"), "blackhole", k6)
        routes = {r["prefix"]: r for r in json.loads(self.vgwsh("show ip route json"))["routes"]}
        self.assertEqual(routes["192.0.2.0/24"]["distance"], 200)
        self.assertEqual(routes["198.18.0.0/15"]["resolvedNexthops"][0]["type"], "blackhole")
        text = self.vgwsh("show ip route")
        self.assertRegex(text, r"S>\* 198\.18\.0\.0/15 \[1/0\] unreachable \(blackhole\)")
        self.assertRegex(text, r"S>\* 198\.51\.100\.0/24 \[1/0\] unreachable \(ICMP unreachable\)")
        config = self.vgwsh("show running-config")
        for line in ("ip route 192.0.2.0/24 10.1.0.2 distance 200", "ip route 198.18.0.0/15 blackhole",
                     "ip route 198.51.100.0/24 reject", "ipv6 route 2001:db8:dead::/48 blackhole"):
            self.assertIn(line, config)
        # A drop route with a next hop, or an interface name that is a number, is refused.
        r = self.daemon.vgwsh("configure", "ip route 203.0.113.0/24 10.1.0.2 eth0 blackhole")
        self.assertNotEqual(r.returncode, 0)
        self.vgwsh("configure", "no ip route 198.18.0.0/15 Null0", "no ip route 198.51.100.0/24 reject")
        k = self.wait_kernel(lambda k: "198.18.0.0/15" not in k and "198.51.100.0/24" not in k)
        self.assertNotIn("198.18.0.0/15", k)

    def test_stale_routes_cleaned_after_crash_and_removed_on_clean_exit(self):
        self.vgwsh("configure", "ip route 198.51.100.0/24 10.1.0.2")
        self.wait_kernel(lambda k: "198.51.100.0/24" in k)
        self.daemon.kill()  # SIGKILL: routes stay behind
        self.assertIn("198.51.100.0/24", self.kernel())
        sh("ip", "-n", self.ns, "route", "add", "100.64.9.0/24", "via", "10.1.0.2", "proto", "199")
        sh("ip", "-n", self.ns, "route", "add", "100.64.10.0/24", "via", "10.1.0.2", "proto", "static")
        self.daemon.start()
        k = self.wait_kernel(lambda k: "100.64.9.0/24" not in k and "198.51.100.0/24" in k)
        self.assertNotIn("100.64.9.0/24", k)  # stale route of ours: removed
        self.assertIn("198.51.100.0/24", k)   # configured route: back
        others = sh("ip", "-n", self.ns, "route", "show", "proto", "static").stdout
        self.assertIn("100.64.10.0/24", others)  # not ours: untouched
        self.assertEqual(self.daemon.stop(), 0)
        self.assertEqual(self.kernel(), {})  # a clean exit takes vgw's routes away

    def test_grpc_list_and_watch_streams(self):
        rib_pb = vgwtest.protos()["rib_pb2"]
        api = self.daemon.api()
        self.addCleanup(api.close)
        watch = api.channel.unary_stream("/vgw.v1.RibService/WatchRoutes",
                                         request_serializer=lambda m: m.SerializeToString(),
                                         response_deserializer=rib_pb.WatchRoutesResponse.FromString)
        events = []
        stream = watch(rib_pb.WatchRoutesRequest(family=rib_pb.IPV4, replay=True), timeout=30)
        got_delete = threading.Event()

        def reader():
            try:
                for msg in stream:
                    for ev in msg.events:
                        events.append((rib_pb.RouteEvent.Kind.Name(ev.kind), ev.route.prefix))
                        if ev.kind == rib_pb.RouteEvent.DELETE and ev.route.prefix == "198.51.100.0/24":
                            got_delete.set()
            except grpc.RpcError:
                pass

        t = threading.Thread(target=reader)
        t.start()
        time.sleep(0.3)
        self.vgwsh("configure", "ip route 198.51.100.0/24 10.1.0.2")
        time.sleep(0.3)
        self.vgwsh("configure", "no ip route 198.51.100.0/24 10.1.0.2")
        self.assertTrue(got_delete.wait(10), events)
        stream.cancel()
        t.join(10)
        self.assertIn(("ADD", "10.1.0.0/24"), events)  # replayed connected route
        self.assertIn(("ADD", "198.51.100.0/24"), events)
        self.assertIn(("DELETE", "198.51.100.0/24"), events)

        # ListRoutes streams every route, in prefix order.
        for i in range(30):
            self.vgwsh("configure", f"ip route 100.65.{i}.0/24 10.1.0.2")
        lst = api.channel.unary_stream("/vgw.v1.RibService/ListRoutes",
                                       request_serializer=lambda m: m.SerializeToString(),
                                       response_deserializer=rib_pb.ListRoutesResponse.FromString)
        prefixes = [r.prefix for msg in lst(rib_pb.ListRoutesRequest(family=rib_pb.IPV4), timeout=10) for r in msg.routes]
        self.assertEqual(len([p for p in prefixes if p.startswith("100.65.")]), 30)
        ordered = [tuple(int(x) for x in p.split("/")[0].split(".")) for p in prefixes]
        self.assertEqual(ordered, sorted(ordered))


if __name__ == "__main__":
    unittest.main()
