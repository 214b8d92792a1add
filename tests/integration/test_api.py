"""vgwd driven through vgwsh and through the gRPC API (a Python client generated from the
.proto files): customer gateways end to end, error codes and messages, the config file, the
socket, start-up refusals, clean shutdown, and the interactive shell on a pseudo-terminal."""

import json
import os
import pty
import select
import signal
import stat
import subprocess
import time
import unittest

import grpc

import vgwtest


class ApiAndShell(unittest.TestCase):

    def setUp(self):
        mods = vgwtest.protos()
        self.pb, self.sys_pb = mods["vpn_pb2"], mods["system_pb2"]
        self.daemon = vgwtest.Daemon()
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.api = self.daemon.api()
        self.addCleanup(self.api.close)

    def describe(self, name=""):
        return self.api.call("VpnService", "DescribeCustomerGateways",
                             self.pb.DescribeCustomerGatewaysRequest(name=name),
                             self.pb.DescribeCustomerGatewaysResponse)

    def assert_rpc_error(self, code, text, method, request, reply):
        with self.assertRaises(grpc.RpcError) as cm:
            self.api.call("VpnService", method, request, reply)
        self.assertEqual(cm.exception.code(), code)
        self.assertIn(text, cm.exception.details())

    def test_grpc_crud_and_errors(self):
        pb = self.pb
        cg = self.api.call("VpnService", "CreateCustomerGateway",
                           pb.CreateCustomerGatewayRequest(name="hq", ip_address="203.0.113.10",
                                                           asn="1.10", description="HQ"),
                           pb.CustomerGateway)
        self.assertEqual((cg.name, cg.ip_address, cg.asn), ("hq", "203.0.113.10", 65546))
        self.assert_rpc_error(grpc.StatusCode.ALREADY_EXISTS, "already exists", "CreateCustomerGateway",
                              pb.CreateCustomerGatewayRequest(name="hq", ip_address="192.0.2.1", asn="1"),
                              pb.CustomerGateway)
        self.assert_rpc_error(grpc.StatusCode.INVALID_ARGUMENT, "asn", "CreateCustomerGateway",
                              pb.CreateCustomerGatewayRequest(name="x", ip_address="192.0.2.1", asn="0"),
                              pb.CustomerGateway)
        self.assert_rpc_error(grpc.StatusCode.INVALID_ARGUMENT, "ip_address", "CreateCustomerGateway",
                              pb.CreateCustomerGatewayRequest(name="x", ip_address="300.1.1.1", asn="1"),
                              pb.CustomerGateway)
        self.assert_rpc_error(grpc.StatusCode.NOT_FOUND, "'nope' does not exist", "DeleteCustomerGateway",
                              pb.DeleteCustomerGatewayRequest(name="nope"), pb.DeleteCustomerGatewayResponse)
        m = self.api.call("VpnService", "ModifyCustomerGateway",
                          pb.ModifyCustomerGatewayRequest(name="hq", asn="4200000000"), pb.CustomerGateway)
        self.assertEqual((m.asn, m.description), (4200000000, "HQ"))
        self.assertEqual([c.name for c in self.describe().customer_gateways], ["hq"])
        with self.assertRaises(grpc.RpcError) as cm:
            self.api.call("VpnService", "NoSuchMethod", pb.DescribeCustomerGatewaysRequest(),
                          pb.DescribeCustomerGatewaysResponse)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.UNIMPLEMENTED)
        self.api.call("VpnService", "DeleteCustomerGateway", pb.DeleteCustomerGatewayRequest(name="hq"),
                      pb.DeleteCustomerGatewayResponse)
        self.assertEqual(len(self.describe().customer_gateways), 0)
        h = self.api.call("SystemService", "Health", self.sys_pb.HealthRequest(), self.sys_pb.HealthResponse)
        self.assertEqual(h.state, self.sys_pb.HealthResponse.SERVING)
        self.assertEqual(h.config_changes, 3)
        self.assertEqual(h.pid, self.daemon.proc.pid)

    def test_vgwsh_and_grpc_see_the_same_state(self):
        r = self.daemon.vgwsh("configure terminal",
                              "customer-gateway hq ip 203.0.113.10 asn 65010 description Head office",
                              "customer-gateway br ip 2001:db8::7 asn 1.10", "end")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        got = {c.name: (c.ip_address, c.asn, c.description) for c in self.describe().customer_gateways}
        self.assertEqual(got, {"hq": ("203.0.113.10", 65010, "Head office"), "br": ("2001:db8::7", 65546, "")})

        r = self.daemon.vgwsh("show customer-gateway json")
        self.assertEqual(r.returncode, 0, r.stderr)
        data = json.loads(r.stdout)
        self.assertEqual([c["name"] for c in data["customerGateways"]], ["br", "hq"])
        r = self.daemon.vgwsh("show customer-gateway hq json")
        self.assertEqual(json.loads(r.stdout)["asn"], 65010)
        r = self.daemon.vgwsh("show customer-gateway")
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["Name", "IP", "address", "ASN", "Description"])
        self.assertIn("Head office", lines[2])

        # Errors: the server's message, non-zero exit, nothing changed.
        r = self.daemon.vgwsh("configure", "customer-gateway x ip 224.0.0.1 asn 65001")
        self.assertEqual(r.returncode, 1)
        self.assertIn("multicast", r.stderr)
        r = self.daemon.vgwsh("show customer-gateway nope")
        self.assertEqual(r.returncode, 1)
        self.assertIn("% customer gateway 'nope' does not exist", r.stderr)
        r = self.daemon.vgwsh("show bogus")
        self.assertEqual(r.returncode, 1)
        self.assertIn("% Invalid input 'bogus'", r.stderr)
        self.assertEqual(len(self.describe().customer_gateways), 2)

        # Commands from a pipe, the way scripts use it.
        r = self.daemon.vgwsh(input="configure\nno customer-gateway br\nend\nshow customer-gateway json\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([c["name"] for c in json.loads(r.stdout)["customerGateways"]], ["hq"])

    def test_running_config_loads_back_into_a_fresh_daemon(self):
        r = self.daemon.vgwsh("configure",
                              "customer-gateway a1 ip 192.0.2.1 asn 4294967295 description x y  z",
                              "customer-gateway b2 ip 2001:db8::1 asn 64512")
        self.assertEqual(r.returncode, 0, r.stderr)
        running = self.daemon.vgwsh("show running-config").stdout
        with open(self.daemon.config) as f:
            self.assertEqual(f.read(), running)  # the file is the running config
        self.assertEqual(stat.S_IMODE(os.stat(self.daemon.config).st_mode), 0o600)

        fresh = vgwtest.Daemon(config_text=running)
        self.addCleanup(fresh.cleanup)
        fresh.start()
        self.assertEqual(fresh.vgwsh("show running-config").stdout, running)
        self.assertEqual(fresh.vgwsh("show customer-gateway json").stdout,
                         self.daemon.vgwsh("show customer-gateway json").stdout)

    def test_socket_mode_and_second_instance_refused(self):
        self.assertEqual(stat.S_IMODE(os.stat(self.daemon.socket).st_mode), 0o660)
        second = subprocess.run([vgwtest.VGWD, "-f", os.path.join(self.daemon.dir, "other.conf"),
                                 "-s", self.daemon.socket], capture_output=True, text=True, timeout=10)
        self.assertEqual(second.returncode, 1)
        self.assertIn("is in use", second.stderr)
        self.assertEqual(self.daemon.vgwsh("show version").returncode, 0)  # first one unharmed

    def test_clean_shutdown_on_sigterm(self):
        self.assertEqual(self.daemon.stop(), 0)
        self.assertFalse(os.path.exists(self.daemon.socket))
        self.assertIn("shutting down", self.daemon.log_text())
        r = self.daemon.vgwsh("show version")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Cannot reach vgwd", r.stderr)

    def test_interactive_shell(self):
        pid, fd = pty.fork()
        if pid == 0:
            os.environ["HOME"] = self.daemon.dir
            os.execv(vgwtest.VGWSH, [vgwtest.VGWSH, "-s", self.daemon.socket])
        self.addCleanup(self._reap, pid)
        out = self._read_until(fd, b"# ")
        os.write(fd, b"sh\t")          # completes to "show "
        self._read_until(fd, b"ow ")   # the terminal redraws only what it adds
        os.write(fd, b"?")             # lists what may follow "show ", with help
        out = self._read_until(fd, b"running-config")
        self.assertIn(b"customer-gateway  Customer gateway (the on-premises VPN device)", out)
        os.write(fd, b"version\r")
        out = self._read_until(fd, b"API v1")
        os.write(fd, b"conf t\r")
        self._read_until(fd, b"(config)# ")
        os.write(fd, b"customer-gateway tty1 ip 192.0.2.9 asn 65009\r")
        os.write(fd, b"end\r")
        os.write(fd, b"exit\r")
        self._wait_exit(pid)
        self.assertEqual([c.name for c in self.describe().customer_gateways], ["tty1"])
        with open(os.path.join(self.daemon.dir, ".vgwsh_history")) as f:
            self.assertIn("customer-gateway tty1", f.read().replace("\\040", " "))  # libedit escapes spaces

    def _read_until(self, fd, marker, timeout=10):
        buf = b""
        deadline = time.monotonic() + timeout
        while marker not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail(f"waited for {marker!r}, got {buf!r}")
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
        self.assertIn(marker, buf)
        return buf

    def _wait_exit(self, pid, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                self.assertEqual(os.waitstatus_to_exitcode(status), 0)
                return
            time.sleep(0.05)
        self.fail("vgwsh did not exit")

    def _reap(self, pid):
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


class TcpListener(unittest.TestCase):
    """--listen serves the same API on TCP, plaintext or TLS (loopback only)."""

    def free_port(self):
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def test_plaintext_tcp(self):
        port = self.free_port()
        d = vgwtest.Daemon(extra_args=["--no-fib", "--listen", f"127.0.0.1:{port}"])
        self.addCleanup(d.cleanup)
        d.start()
        sys_pb = vgwtest.protos()["system_pb2"]
        api = vgwtest.Api(f"127.0.0.1:{port}")
        self.addCleanup(api.close)
        v = api.call("SystemService", "GetVersion", sys_pb.GetVersionRequest(), sys_pb.GetVersionResponse)
        self.assertEqual(v.api_version, "v1")
        r = subprocess.run([vgwtest.VGWSH, "--target", f"127.0.0.1:{port}", "-c", "show version"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_tls_tcp(self):
        port = self.free_port()
        d = vgwtest.Daemon()
        self.addCleanup(d.cleanup)
        cert, key = os.path.join(d.dir, "cert.pem"), os.path.join(d.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, capture_output=True)
        d.extra_args = ["--no-fib", "--listen", f"127.0.0.1:{port}", "--tls-cert", cert, "--tls-key", key]
        d.start()
        with open(cert, "rb") as f:
            creds = grpc.ssl_channel_credentials(root_certificates=f.read())
        sys_pb = vgwtest.protos()["system_pb2"]
        channel = grpc.secure_channel(f"127.0.0.1:{port}", creds)
        self.addCleanup(channel.close)
        rpc = channel.unary_unary("/vgw.v1.SystemService/Health",
                                  request_serializer=lambda m: m.SerializeToString(),
                                  response_deserializer=sys_pb.HealthResponse.FromString)
        self.assertEqual(rpc(sys_pb.HealthRequest(), timeout=10).state, sys_pb.HealthResponse.SERVING)
        r = subprocess.run([vgwtest.VGWSH, "--target", f"localhost:{port}", "--tls-ca", cert, "-c", "show version"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Plaintext to the TLS port fails.
        plain = vgwtest.Api(f"127.0.0.1:{port}")
        self.addCleanup(plain.close)
        with self.assertRaises(grpc.RpcError):
            plain.call("SystemService", "Health", sys_pb.HealthRequest(), sys_pb.HealthResponse, timeout=3)


class StartupRefusals(unittest.TestCase):

    def test_invalid_config_names_file_and_line(self):
        d = vgwtest.Daemon(config_text="! comment\ncustomer-gateway ok ip 192.0.2.1 asn 65001\n"
                                       "customer-gateway bad ip 192.0.2.300 asn 65002\n")
        self.addCleanup(d.cleanup)
        r = subprocess.run([vgwtest.VGWD, "-f", d.config, "-s", d.socket], capture_output=True,
                           text=True, timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{d.config}:3: Invalid input '192.0.2.300'", r.stderr)
        self.assertIn("not starting", r.stderr)
        self.assertFalse(os.path.exists(d.socket))
        with open(d.config) as f:
            self.assertIn("192.0.2.300", f.read())  # the file is left as it was
        r = subprocess.run([vgwtest.VGWD, "--check", "-f", d.config], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)

    def test_semantic_error_in_config(self):
        d = vgwtest.Daemon(config_text="customer-gateway a ip 192.0.2.1 asn 65001\n"
                                       "customer-gateway a2 ip 0.0.0.0 asn 65001\n")
        self.addCleanup(d.cleanup)
        r = subprocess.run([vgwtest.VGWD, "--check", "-f", d.config], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn(":2: ip_address 0.0.0.0 is the unspecified address", r.stderr)

    def test_help_version_and_bad_options(self):
        r = subprocess.run([vgwtest.VGWD, "--version"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("vgwd "))
        r = subprocess.run([vgwtest.VGWD, "--help"], capture_output=True, text=True)
        self.assertIn("--config", r.stdout)
        r = subprocess.run([vgwtest.VGWD, "--log-level", "loud"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown log level", r.stderr)
        r = subprocess.run([vgwtest.VGWSH, "--list-commands"], capture_output=True, text=True)
        self.assertIn("config\tcustomer-gateway NAME ip ADDRESS asn ASN [description TEXT]", r.stdout)


if __name__ == "__main__":
    unittest.main()
