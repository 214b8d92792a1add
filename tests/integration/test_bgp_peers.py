"""vgwd's BGP against real FRR and BIRD, configured through vgwsh only (label: interop).

Topology (network namespaces made by the test, unique names):
    FRR (AS 65002) 10.N.1.2 ---- 10.N.1.1 vgwd (AS 65001) 10.N.2.1 ---- 10.N.2.2 BIRD (AS 65003)
Both peers announce 198.51.100.0/24 (FRR with community 65002:100 and large community
65002:1:1); vgwd announces 192.0.2.0/24. Checked: both sessions Established, routes both ways
with communities intact, one ECMP route in vgw's RIB and a multipath route in the kernel,
withdrawal shrinking it to one path, and the NOTIFICATION for a wrong AS in `show bgp neighbors`.
"""

import json
import os
import queue
import shutil
import tempfile
import threading
import time
import unittest

import vgwtest
from vgwtest import read_pid, sh, wait


class BgpWithFrrAndBird(unittest.TestCase):

    def setUp(self):
        tag = f"{os.getpid() % 10000}{os.urandom(1).hex()}"
        self.octet = 100 + os.getpid() % 100
        self.ns = {k: f"vgwbgp-{k}-{tag}" for k in ("vgw", "frr", "bird")}
        self.dir = tempfile.mkdtemp(prefix="vgw-bgp-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        for ns in self.ns.values():
            sh("ip", "netns", "add", ns)
            self.addCleanup(sh, "ip", "netns", "del", ns, check=False)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        n = self.octet
        self.link("vgw", "vf0", f"10.{n}.1.1/24", "frr", "fr0", f"10.{n}.1.2/24")
        self.link("vgw", "vb0", f"10.{n}.2.1/24", "bird", "br0", f"10.{n}.2.2/24")
        self.pids = []
        self.addCleanup(self.stop_peers)
        self.start_frr()
        self.start_bird()
        self.daemon = vgwtest.Daemon(extra_args=(), netns=self.ns["vgw"])
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()

    def link(self, a, ia, aa, b, ib, ab):
        sh("ip", "link", "add", ia, "netns", self.ns[a], "type", "veth", "peer", "name", ib, "netns", self.ns[b])
        sh("ip", "-n", self.ns[a], "addr", "add", aa, "dev", ia)
        sh("ip", "-n", self.ns[b], "addr", "add", ab, "dev", ib)
        sh("ip", "-n", self.ns[a], "link", "set", ia, "up")
        sh("ip", "-n", self.ns[b], "link", "set", ib, "up")

    def start_frr(self):
        n = self.octet
        d = self.frr_dir = os.path.join(self.dir, "frr")
        os.makedirs(d)
        with open(os.path.join(d, "zebra.conf"), "w") as f:
            f.write("hostname frr\n")
        with open(os.path.join(d, "bgpd.conf"), "w") as f:
            f.write(f"""frr defaults traditional
hostname frr
route-map TAG permit 10
 set community 65002:100
 set large-community 65002:1:1
!
router bgp 65002
 bgp router-id 10.{n}.1.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor 10.{n}.1.1 remote-as 65001
 neighbor 10.{n}.1.1 timers 3 9
 neighbor 10.{n}.1.1 timers connect 2
 address-family ipv4 unicast
  network 198.51.100.0/24 route-map TAG
 exit-address-family
!
""")
        common = ["-d", "-u", "root", "-g", "frrvty", "-z", f"{d}/zserv.api", "--vty_socket", d, "-P", "0"]
        for daemon in ("zebra", "bgpd"):
            sh("ip", "netns", "exec", self.ns["frr"], f"/usr/lib/frr/{daemon}", *common,
               "-f", f"{d}/{daemon}.conf", "-i", f"{d}/{daemon}.pid")
            self.pids.append(read_pid(f"{d}/{daemon}.pid"))

    def start_bird(self):
        n = self.octet
        d = self.bird_dir = os.path.join(self.dir, "bird")
        os.makedirs(d)
        with open(os.path.join(d, "bird.conf"), "w") as f:
            f.write(f"""router id 10.{n}.2.2;
protocol device {{ }}
protocol static st4 {{
  ipv4;
  route 198.51.100.0/24 blackhole;
}}
protocol bgp vgw {{
  local 10.{n}.2.2 as 65003;
  neighbor 10.{n}.2.1 as 65001;
  hold time 9;
  connect retry time 2;
  ipv4 {{ import all; export where source = RTS_STATIC; }};
}}
""")
        sh("ip", "netns", "exec", self.ns["bird"], "bird", "-c", f"{d}/bird.conf", "-s", f"{d}/bird.ctl",
           "-P", f"{d}/bird.pid")
        self.pids.append(read_pid(f"{d}/bird.pid"))

    def stop_peers(self):
        vgwtest.stop_peer_daemons(self.pids)

    def vgwsh(self, *cmds):
        r = self.daemon.vgwsh(*cmds)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def vtysh(self, cmd):
        return sh("vtysh", "--vty_socket", self.frr_dir, "-c", cmd, check=False).stdout

    def birdc(self, cmd):
        return sh("birdc", "-s", os.path.join(self.bird_dir, "bird.ctl"), cmd, check=False).stdout

    def peers(self):
        return {p["config"]["address"]: p for p in json.loads(self.vgwsh("show bgp summary json"))["peers"]}

    def kernel_route(self, prefix):
        out = sh("ip", "-n", self.ns["vgw"], "-j", "route", "show", prefix, "proto", "199").stdout
        routes = json.loads(out or "[]")
        return routes[0] if routes else None

    def watch_events(self):
        """Starts a BgpService.WatchEvent stream (peers and table); returns a queue of events."""
        pb = vgwtest.protos()["bgp_pb2"]
        api = self.daemon.api()
        self.addCleanup(api.close)
        calls = api.stream("BgpService", "WatchEvent", pb.WatchEventRequest(peers=True, table=True),
                           pb.WatchEventResponse)
        self.addCleanup(calls.cancel)
        events = queue.Queue()

        def pump():
            try:
                for reply in calls:
                    for e in reply.events:
                        events.put(e)
            except Exception:  # cancelled at cleanup
                pass
        threading.Thread(target=pump, daemon=True).start()
        return events

    def find_event(self, events, seen, pred, what, timeout=30):
        """The first event (in stream order) matching pred, from those seen so far or arriving."""
        deadline = time.monotonic() + timeout
        while True:
            for e in seen:
                if pred(e):
                    return e
            try:
                seen.append(events.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"no WatchEvent {what}; saw {seen}")

    def test_routes_ecmp_communities_withdrawal_and_bad_as(self):
        n = self.octet
        frr, bird = f"10.{n}.1.2", f"10.{n}.2.2"
        self.vgwsh("configure", "router bgp 65001", "end")
        events = self.watch_events()
        self.vgwsh("configure", "router bgp 65001", f"bgp router-id 10.{n}.1.1", "no bgp ebgp-requires-policy",
                   "bgp bestpath as-path multipath-relax", "maximum-paths 2",
                   f"neighbor {frr} remote-as 65002", f"neighbor {frr} timers 3 9",
                   f"neighbor {bird} remote-as 65003", f"neighbor {bird} timers 3 9",
                   "address-family ipv4 unicast", "network 192.0.2.0/24", "end")
        wait(lambda: all(p["state"]["state"] == "Established" for p in self.peers().values())
             and len(self.peers()) == 2, what="both sessions Established")

        # One ECMP route in the RIB and a multipath route in the kernel.
        def ecmp():
            r = self.kernel_route("198.51.100.0/24")
            return r if r and len(r.get("nexthops", [])) == 2 else None
        r = wait(ecmp, what="multipath kernel route")
        self.assertEqual(sorted(h["gateway"] for h in r["nexthops"]), sorted([frr, bird]))
        rib = json.loads(self.vgwsh("show ip route 198.51.100.0/24 json"))
        self.assertEqual(rib["routes"][0]["protocol"], "ebgp")
        self.assertEqual(len(rib["routes"][0]["resolvedNexthops"]), 2)

        # Communities arrive intact.
        paths = json.loads(self.vgwsh("show bgp ipv4 unicast 198.51.100.0/24 json"))["paths"]
        from_frr = [p for p in paths if p["peer"] == frr][0]
        self.assertEqual(from_frr["communities"], ["65002:100"])
        self.assertEqual(from_frr["largeCommunities"], ["65002:1:1"])
        self.assertEqual(from_frr["asPath"], "65002")
        self.assertTrue(any(p["best"] for p in paths))
        self.assertTrue(all(p["best"] or p["multipath"] for p in paths))

        # Our route reaches both peers, with our AS prepended.
        frr_view = wait(lambda: json.loads(self.vtysh("show bgp ipv4 unicast 192.0.2.0/24 json") or "{}")
                        .get("paths"), what="FRR learning 192.0.2.0/24")
        self.assertEqual(frr_view[0]["aspath"]["string"], "65001")
        wait(lambda: "192.0.2.0/24" in self.birdc("show route protocol vgw"), what="BIRD learning 192.0.2.0/24")

        # Withdrawal: FRR stops announcing; the multipath route shrinks to BIRD's path.
        self.vtysh_conf("router bgp 65002", "address-family ipv4 unicast", "no network 198.51.100.0/24 route-map TAG")
        r = wait(lambda: (lambda k: k if k and "nexthops" not in k else None)(self.kernel_route("198.51.100.0/24")),
                 what="single-path kernel route after withdrawal")
        self.assertEqual(r["gateway"], bird)
        # And ours is withdrawn from the peers when we stop announcing it.
        self.vgwsh("configure", "router bgp 65001", "address-family ipv4 unicast", "no network 192.0.2.0/24", "end")
        wait(lambda: "192.0.2.0/24" not in self.birdc("show route protocol vgw"), what="BIRD withdrawing 192.0.2.0/24")

        # A wrong AS for BIRD: BIRD's OPEN is refused with Bad Peer AS (2/2), shown in vgwsh.
        self.vgwsh("configure", "router bgp 65001", f"neighbor {bird} remote-as 65099", "end")
        peer = wait(lambda: (lambda p: p if p["state"].get("lastErrorCode") == 2 else None)(self.peers()[bird]),
                    what="Bad Peer AS recorded")
        self.assertEqual(peer["state"]["lastErrorSubcode"], 2)
        self.assertIn("Bad Peer AS", self.vgwsh(f"show bgp neighbors {bird}"))
        # Up/Down of a session that was up and went down is the time since, not "never" (issue 14).
        line = [l for l in self.vgwsh("show bgp summary").splitlines() if l.startswith(bird)][0]
        self.assertNotIn("never", line)
        self.assertRegex(line, r"\d\d:\d\d:\d\d")

        # The same history as WatchEvent saw it: both sessions established, the ECMP best path
        # and its change when FRR withdrew, and BIRD's session dropping with the reason.
        seen = []
        for peer in (frr, bird):
            self.find_event(events, seen, lambda e, p=peer: e.HasField("peer") and e.peer.address == p
                            and e.peer.new_state == "Established", f"{peer} Established")
        add = self.find_event(events, seen, lambda e: e.HasField("table") and e.table.route.prefix ==
                              "198.51.100.0/24" and e.table.kind == e.table.ADD, "best path added")
        self.assertEqual(add.table.route.protocol, "ebgp")
        self.find_event(events, seen, lambda e: e.HasField("table") and e.table.route.prefix == "198.51.100.0/24"
                        and e.table.kind == e.table.CHANGE, "best path changed by FRR's withdrawal")
        down = self.find_event(events, seen, lambda e: e.HasField("peer") and e.peer.address == bird
                               and e.peer.old_state == "Established", "BIRD's session going down")
        self.assertIn("Cease", down.peer.reason)
        self.assertGreater(down.peer.unix_time_ms, 0)

    def test_multipath_and_rfc8212_change_in_place_without_a_session_reset(self):
        n = self.octet
        frr, bird = f"10.{n}.1.2", f"10.{n}.2.2"
        self.vgwsh("configure", "router bgp 65001", f"bgp router-id 10.{n}.1.1", "no bgp ebgp-requires-policy",
                   "bgp bestpath as-path multipath-relax",
                   f"neighbor {frr} remote-as 65002", f"neighbor {frr} timers 3 9",
                   f"neighbor {bird} remote-as 65003", f"neighbor {bird} timers 3 9",
                   "address-family ipv4 unicast", "network 192.0.2.0/24", "end")
        wait(lambda: all(p["state"]["state"] == "Established" for p in self.peers().values())
             and len(self.peers()) == 2, what="both sessions Established")
        single = lambda: (lambda k: k if k and "nexthops" not in k else None)(self.kernel_route("198.51.100.0/24"))
        multi = lambda: (lambda k: k if k and len(k.get("nexthops", [])) == 2 else None)(
            self.kernel_route("198.51.100.0/24"))
        wait(single, what="one path with maximum-paths 1")
        learnt = lambda: ("192.0.2.0/24" in self.vtysh("show bgp ipv4 unicast 192.0.2.0/24")
                          and "192.0.2.0/24" in self.birdc("show route protocol vgw"))
        wait(learnt, what="FRR and BIRD learning 192.0.2.0/24")

        def frr_sessions():
            nb = json.loads(self.vtysh(f"show bgp neighbors {f'10.{n}.1.1'} json"))[f"10.{n}.1.1"]
            return nb["connectionsEstablished"], nb["connectionsDropped"]
        frr_before = frr_sessions()
        transitions = lambda: {a: p["state"].get("establishedTransitions") for a, p in self.peers().items()}
        vgw_before = transitions()

        self.vgwsh("configure", "router bgp 65001", "maximum-paths 2", "end")
        wait(multi, what="two paths after maximum-paths 2")
        self.vgwsh("configure", "router bgp 65001", "no bgp bestpath as-path multipath-relax", "end")
        wait(single, what="one path again: FRR's and BIRD's AS paths differ without multipath-relax")
        self.vgwsh("configure", "router bgp 65001", "bgp bestpath as-path multipath-relax", "end")
        wait(multi, what="two paths again with multipath-relax")

        # RFC 8212 on: neither peer has a route-map, so nothing in, nothing out.
        self.vgwsh("configure", "router bgp 65001", "bgp ebgp-requires-policy", "end")
        wait(lambda: self.kernel_route("198.51.100.0/24") is None, what="the peers' route dropped")
        wait(lambda: not learnt() and "192.0.2.0/24" not in self.birdc("show route protocol vgw")
             and "192.0.2.0/24" not in self.vtysh("show bgp ipv4 unicast"), what="ours withdrawn from both")
        # And off: asked again (ROUTE-REFRESH) and sent again.
        self.vgwsh("configure", "router bgp 65001", "no bgp ebgp-requires-policy", "end")
        wait(multi, what="both paths back after ROUTE-REFRESH")
        wait(learnt, what="ours sent again")

        # Not one session reset through all of it, on either side.
        self.assertEqual(frr_sessions(), frr_before)
        self.assertEqual(transitions(), vgw_before)
        self.assertTrue(all(p["state"]["state"] == "Established" for p in self.peers().values()))
        self.assertEqual(self.birdc("show protocols vgw").count("Established"), 1)

    def test_connections_from_unknown_hosts_are_logged_at_a_limited_rate(self):
        n = self.octet
        # FRR's `remote-as external`: the AS comes from FRR's OPEN.
        self.vgwsh("configure", "router bgp 65001", f"bgp router-id 10.{n}.1.1", "no bgp ebgp-requires-policy",
                   f"neighbor 10.{n}.1.2 remote-as external", "end")
        wait(lambda: self.peers().get(f"10.{n}.1.2", {}).get("state", {}).get("state") == "Established",
             what="the session with FRR Established")
        peer = self.peers()[f"10.{n}.1.2"]
        self.assertEqual(peer["config"]["remoteAsType"], "external")
        self.assertEqual(peer["state"]["remoteAs"], 65002)
        self.assertTrue(peer["state"]["external"])
        self.assertIn("65002", self.vgwsh("show bgp summary"))
        wait(lambda: self.kernel_route("198.51.100.0/24"), what="FRR's route in the kernel")
        # A host that is no peer knocks 30 times on port 179.
        stranger = f"10.{n}.1.3"
        sh("ip", "-n", self.ns["frr"], "addr", "add", f"{stranger}/24", "dev", "fr0")
        knock = ("import socket,sys\n"
                 "for _ in range(30):\n"
                 "  s=socket.socket(); s.bind((sys.argv[1],0))\n"
                 "  try: s.connect((sys.argv[2],179)); s.recv(1)\n"
                 "  except OSError: pass\n"
                 "  s.close()\n")
        sh("ip", "netns", "exec", self.ns["frr"], "/usr/bin/python3", "-c", knock, stranger, f"10.{n}.1.1")
        refused = f"connection from {stranger} refused"

        def lines():
            out = json.loads(self.vgwsh("show logging info json"))
            return out, [l["message"] for l in out.get("lines", []) if refused in l["message"]]
        wait(lambda: len(lines()[1]) == 5, what="five lines about the stranger")
        out, logged = lines()
        self.assertGreaterEqual(int(out["suppressed"]), 25)
        self.assertEqual(len(json.loads(self.vgwsh("show logging last 3 json"))["lines"]), 3)
        text = self.vgwsh("show logging warning")
        self.assertIn("Rate limits held back", text)
        self.assertNotIn(refused, text)  # info lines are below warning

    def test_redistribute_connected_and_static(self):
        n = self.octet
        frr, bird = f"10.{n}.1.2", f"10.{n}.2.2"
        self.vgwsh("configure", "ip route 203.0.113.0/24 " + bird, "router bgp 65001", f"bgp router-id 10.{n}.1.1",
                   "no bgp ebgp-requires-policy", f"neighbor {frr} remote-as 65002", f"neighbor {frr} timers 3 9",
                   "address-family ipv4 unicast", "redistribute static", "redistribute connected", "end")
        self.assertIn("  redistribute connected\n  redistribute static\n", self.vgwsh("show running-config"))

        def frr_path(prefix):
            return (json.loads(self.vtysh(f"show bgp ipv4 unicast {prefix} json") or "{}").get("paths") or [None])[0]
        static = wait(lambda: frr_path("203.0.113.0/24"), what="FRR learning the static route")
        self.assertEqual(static["origin"], "incomplete")
        self.assertEqual(static["aspath"]["string"], "65001")
        self.assertEqual(static["metric"], 0)  # MED = the route's metric
        wait(lambda: frr_path(f"10.{n}.2.0/24"), what="FRR learning vgw's connected network to BIRD")
        self.assertIsNone(frr_path("127.0.0.0/8"))

        # The static route goes: so does the BGP route. Then the connected ones on `no redistribute`.
        self.vgwsh("configure", "no ip route 203.0.113.0/24 " + bird, "end")
        wait(lambda: frr_path("203.0.113.0/24") is None, what="FRR withdrawing the static route")
        self.vgwsh("configure", "router bgp 65001", "address-family ipv4 unicast", "no redistribute connected", "end")
        wait(lambda: frr_path(f"10.{n}.2.0/24") is None, what="FRR withdrawing the connected route")
        # A network statement for a redistributed prefix wins, and its removal leaves the
        # redistributed route (origin incomplete) in place.
        self.vgwsh("configure", "ip route 203.0.113.0/24 " + bird, "router bgp 65001", "address-family ipv4 unicast",
                   "network 203.0.113.0/24", "end")
        wait(lambda: (frr_path("203.0.113.0/24") or {}).get("origin") == "IGP", what="network statement winning")
        self.vgwsh("configure", "router bgp 65001", "address-family ipv4 unicast", "no network 203.0.113.0/24", "end")
        wait(lambda: (frr_path("203.0.113.0/24") or {}).get("origin") == "incomplete",
             what="redistributed route back")

    def test_route_maps_in_and_out_with_frr(self):
        n = self.octet
        frr = f"10.{n}.1.2"
        # RFC 8212 stays on: the route-maps are what lets the eBGP session exchange routes.
        self.vgwsh("configure",
                   "ip prefix-list FROM-FRR seq 5 permit 198.51.100.0/22 le 24",
                   "ip prefix-list MINE permit 192.0.2.0/24",
                   "bgp community-list standard TAGGED permit 65002:100",
                   "bgp as-path access-list FRR-ORIGIN permit ^65002$",
                   "route-map IN permit 10", "match ip address prefix-list FROM-FRR", "match community TAGGED",
                   "match as-path FRR-ORIGIN", "set local-preference 250", "set large-community 65001:9:9 additive",
                   "exit",
                   "route-map OUT permit 10", "match ip address prefix-list MINE", "set as-path prepend 65001 65001",
                   "set community 65001:7", "exit",
                   "router bgp 65001", f"bgp router-id 10.{n}.1.1", f"neighbor {frr} remote-as 65002",
                   f"neighbor {frr} timers 3 9", "address-family ipv4 unicast", "network 192.0.2.0/24",
                   "network 203.0.113.0/24", f"neighbor {frr} route-map IN in", f"neighbor {frr} route-map OUT out",
                   "end")
        running = self.vgwsh("show running-config")
        self.assertIn("route-map IN permit 10\n match ip address prefix-list FROM-FRR\n", running)
        self.assertIn(f"  neighbor {frr} route-map IN in\n", running)

        def ours():
            paths = json.loads(self.vgwsh("show bgp ipv4 unicast 198.51.100.0/24 json") or "{}").get("paths", [])
            return paths[0] if paths else None
        p = wait(ours, what="FRR's route accepted through route-map IN")
        self.assertEqual(p["localPref"], 250)
        self.assertEqual(sorted(p["largeCommunities"]), ["65001:9:9", "65002:1:1"])
        self.assertEqual(p["communities"], ["65002:100"])

        def frr_path(prefix):
            return (json.loads(self.vtysh(f"show bgp ipv4 unicast {prefix} json") or "{}").get("paths") or [None])[0]
        mine = wait(lambda: frr_path("192.0.2.0/24"), what="FRR learning 192.0.2.0/24 through route-map OUT")
        self.assertEqual(mine["aspath"]["string"], "65001 65001 65001")
        self.assertEqual(mine["community"]["string"], "65001:7")
        time.sleep(1)
        self.assertIsNone(frr_path("203.0.113.0/24"), "route-map OUT's implicit deny let 203.0.113.0/24 out")

        # Changing a route-map in use applies at once (soft reconfiguration in).
        self.vgwsh("configure", "route-map IN permit 10", "set local-preference 300", "end")
        wait(lambda: (ours() or {}).get("localPref") == 300, what="new local-preference applied")
        # The community-list goes: the match names a missing list, so it no longer matches and
        # the implicit deny drops the route; `show bgp policy` says why.
        self.vgwsh("configure", "no bgp community-list standard TAGGED", "end")
        wait(lambda: ours() is None, what="route rejected once its community-list is gone")
        self.assertIn("TAGGED (community-list not defined)", self.vgwsh("show bgp policy"))
        # A bad regular expression is refused and changes nothing.
        r = self.daemon.vgwsh("configure", "bgp as-path access-list BAD permit (65001")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("BAD", r.stderr)
        self.assertNotIn("BAD", self.vgwsh("show running-config"))

    def test_peer_group_gives_frr_and_bird_its_settings(self):
        n = self.octet
        frr, bird = f"10.{n}.1.2", f"10.{n}.2.2"
        # The group as FRR writes one: remote-as external (each AS from the peer's OPEN), timers
        # and the export route-map for both members.
        self.vgwsh("configure",
                   "ip prefix-list MINE permit 192.0.2.0/24",
                   "route-map OUT permit 10", "match ip address prefix-list MINE", "set community 65001:1", "exit",
                   "route-map OUT-BIRD permit 10", "match ip address prefix-list MINE", "set community 65001:3", "exit",
                   "route-map IN permit 10", "exit",
                   "router bgp 65001", f"bgp router-id 10.{n}.1.1",
                   "neighbor UPSTREAMS peer-group", "neighbor UPSTREAMS remote-as external",
                   "neighbor UPSTREAMS timers 3 9",
                   f"neighbor {frr} peer-group UPSTREAMS", f"neighbor {bird} peer-group UPSTREAMS",
                   "address-family ipv4 unicast", "network 192.0.2.0/24",
                   "neighbor UPSTREAMS route-map IN in", "neighbor UPSTREAMS route-map OUT out", "end")
        peers = wait(lambda: (lambda p: p if len(p) == 2 and all(x["state"]["state"] == "Established"
                                                                 for x in p.values()) else None)(self.peers()),
                     what="both members Established")
        self.assertEqual(peers[frr]["state"]["remoteAs"], 65002)
        self.assertEqual(peers[bird]["state"]["remoteAs"], 65003)
        for p in peers.values():
            self.assertEqual(p["state"]["holdTime"], 9)  # the group's timers, negotiated
            self.assertEqual(p["config"]["peerGroup"], "UPSTREAMS")
            self.assertIn("route_map_out", p["config"]["inheritedFields"])
        groups = self.vgwsh("show bgp peer-group UPSTREAMS")
        self.assertIn("    route-map OUT out\n", groups)
        self.assertIn(f"    {frr}  Established\n", groups)
        self.assertIn(f"    {bird}  Established\n", groups)

        def frr_community():
            paths = json.loads(self.vtysh("show bgp ipv4 unicast 192.0.2.0/24 json") or "{}").get("paths") or [{}]
            return paths[0].get("community", {}).get("string")

        def bird_route():
            return self.birdc("show route 192.0.2.0/24 all")
        wait(lambda: frr_community() == "65001:1", what="FRR receiving the group's export")
        wait(lambda: "(65001,1)" in bird_route(), what="BIRD receiving the group's export")

        # A member's own route-map: BIRD alone changes; the group's change then reaches FRR only.
        self.vgwsh("configure", "router bgp 65001", "address-family ipv4 unicast",
                   f"neighbor {bird} route-map OUT-BIRD out", "end")
        wait(lambda: "(65001,3)" in bird_route(), what="BIRD receiving its own export")
        self.vgwsh("configure", "route-map OUT2 permit 10", "match ip address prefix-list MINE",
                   "set community 65001:2", "exit", "router bgp 65001", "address-family ipv4 unicast",
                   "neighbor UPSTREAMS route-map OUT2 out", "end")
        wait(lambda: frr_community() == "65001:2", what="FRR receiving the group's new export")
        self.assertIn("(65001,3)", bird_route())
        # Handing BIRD's back: the group's export again.
        self.vgwsh("configure", "router bgp 65001", "address-family ipv4 unicast",
                   f"no neighbor {bird} route-map OUT-BIRD out", "end")
        wait(lambda: "(65001,2)" in bird_route(), what="BIRD back on the group's export")
        # The running config reloads into the same sessions: groups before their members.
        running = self.vgwsh("show running-config")
        self.assertLess(running.index(" neighbor UPSTREAMS peer-group\n"),
                        running.index(f" neighbor {frr} peer-group UPSTREAMS\n"))
        self.assertEqual(self.peers()[frr]["state"]["state"], "Established")
        # clear bgp peer-group: every member's session restarts (and comes back).
        self.vgwsh("clear bgp peer-group UPSTREAMS")
        wait(lambda: all(p["state"]["state"] == "Established" and p["state"].get("establishedTransitions") == 2
                         for p in self.peers().values()), what="both members reset and back")

    def vtysh_conf(self, *lines):
        args = ["vtysh", "--vty_socket", self.frr_dir, "-c", "configure terminal"]
        for line in lines:
            args += ["-c", line]
        sh(*args)


if __name__ == "__main__":
    unittest.main()
