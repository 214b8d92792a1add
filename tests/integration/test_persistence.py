"""Every acknowledged change survives a SIGKILL of vgwd at a random moment, and the config file
is never torn or empty: a client changes the configuration in a loop over gRPC while the daemon
is killed; after each kill the file must load (vgwd --check), and the restarted daemon must hold
every acknowledged change (the one change in flight at the kill may or may not have landed)."""

import os
import random
import subprocess
import threading
import time
import unittest

import grpc

import vgwtest

ROUNDS = int(os.environ.get("VGW_PERSISTENCE_ROUNDS", "12"))


class PersistenceUnderSigkill(unittest.TestCase):

    def setUp(self):
        self.pb = vgwtest.protos()["vpn_pb2"]
        self.daemon = vgwtest.Daemon()
        self.addCleanup(self.daemon.cleanup)
        self.rng = random.Random(int.from_bytes(os.urandom(4), "little"))

    def state(self, api):
        r = api.call("VpnService", "DescribeCustomerGateways",
                     self.pb.DescribeCustomerGatewaysRequest(), self.pb.DescribeCustomerGatewaysResponse)
        return {c.name: (c.ip_address, c.asn, c.description) for c in r.customer_gateways}

    def random_op(self, expected, counter):
        pb = self.pb
        names = sorted(expected)
        kind = self.rng.choice(["create", "create", "modify", "delete"] if names else ["create"])
        if kind == "create":
            name = f"cgw-{counter}"
            ip = f"198.51.{counter // 250 % 250}.{1 + counter % 250}"  # unique: addresses may not repeat
            asn = 64512 + counter % 1000
            desc = f"site {counter}"
            req = pb.CreateCustomerGatewayRequest(name=name, ip_address=ip, asn=str(asn), description=desc)
            return ("CreateCustomerGateway", req, pb.CustomerGateway,
                    lambda s: s.__setitem__(name, (ip, asn, desc)))
        name = self.rng.choice(names)
        if kind == "modify":
            desc = f"changed {counter}"
            req = pb.ModifyCustomerGatewayRequest(name=name, description=desc)
            old = expected[name]
            return ("ModifyCustomerGateway", req, pb.CustomerGateway,
                    lambda s: s.__setitem__(name, (old[0], old[1], desc)))
        req = pb.DeleteCustomerGatewayRequest(name=name)
        return ("DeleteCustomerGateway", req, pb.DeleteCustomerGatewayResponse,
                lambda s: s.pop(name))

    def test_acknowledged_changes_survive_sigkill(self):
        expected = {}
        counter = 0
        total_acked = 0
        for round_no in range(ROUNDS):
            self.daemon.start()
            api = self.daemon.api()
            try:
                actual = self.state(api)
            finally:
                api.close()
            self.assertEqual(actual, expected, f"round {round_no}: state after restart differs")
            # A temporary file left by a write the kill interrupted is removed at start.
            self.assertEqual([f for f in os.listdir(self.daemon.dir) if ".tmp." in f], [])

            stop = threading.Event()
            in_flight = []
            acked = []

            def client():
                nonlocal counter
                c = self.daemon.api()
                local = dict(expected)
                try:
                    while not stop.is_set():
                        counter += 1
                        method, req, reply, apply = self.random_op(local, counter)
                        in_flight[:] = [apply]
                        try:
                            c.call("VpnService", method, req, reply, timeout=5)
                        except grpc.RpcError:
                            return  # the daemon died under us
                        apply(local)
                        acked.append(apply)
                        in_flight[:] = []
                finally:
                    c.close()

            t = threading.Thread(target=client)
            t.start()
            time.sleep(self.rng.uniform(0.05, 0.5))
            self.daemon.kill()
            stop.set()
            t.join(timeout=30)
            self.assertFalse(t.is_alive())

            for apply in acked:
                apply(expected)
            total_acked += len(acked)

            # The file is whole: never empty, and it loads.
            self.assertGreater(os.path.getsize(self.daemon.config), 0)
            check = subprocess.run([vgwtest.VGWD, "--check", "-f", self.daemon.config],
                                   capture_output=True, text=True)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

            # The change in flight at the kill may have been persisted before the reply.
            if in_flight:
                self.daemon.start()
                api = self.daemon.api()
                try:
                    actual = self.state(api)
                finally:
                    api.close()
                self.daemon.stop()
                if actual != expected:
                    with_in_flight = dict(expected)
                    in_flight[0](with_in_flight)
                    self.assertEqual(actual, with_in_flight, f"round {round_no}: lost or invented a change")
                    expected = with_in_flight
        self.assertGreater(total_acked, ROUNDS, "too few changes were acknowledged to prove anything")
        print(f"\n{ROUNDS} SIGKILL rounds, {total_acked} acknowledged changes, none lost")


if __name__ == "__main__":
    unittest.main()
