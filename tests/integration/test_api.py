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

    def test_file_applied_as_one_change_all_or_nothing(self):
        """vgwsh -f FILE: SystemService.ApplyConfig, one validation, one write, one change."""
        health = lambda: self.api.call("SystemService", "Health", self.sys_pb.HealthRequest(),
                                       self.sys_pb.HealthResponse)
        self.assertEqual(self.daemon.vgwsh("configure", "customer-gateway hq ip 192.0.2.1 asn 65001").returncode, 0)
        routes = "".join(f"ip route 10.{i // 256}.{i % 256}.0/24 192.0.2.9\n" for i in range(2000))
        path = os.path.join(self.daemon.dir, "bulk.conf")
        with open(path, "w") as f:
            f.write("! 2,000 static routes and a customer gateway\n" + routes +
                    "customer-gateway br ip 198.51.100.7 asn 65002\n")
        before = health().config_changes
        r = subprocess.run([vgwtest.VGWSH, "-s", self.daemon.socket, "-f", path], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(health().config_changes, before + 1)  # one durable write for all of it
        running = self.daemon.vgwsh("show running-config").stdout
        self.assertIn("ip route 10.7.207.0/24 192.0.2.9", running)
        self.assertIn("customer-gateway hq ip 192.0.2.1", running)  # merged: what was there stays
        self.assertIn("customer-gateway br ip 198.51.100.7", running)
        with open(self.daemon.config) as f:
            self.assertEqual(f.read(), running)
        # A refused line: nothing of the file is applied, the error names the line in CLI words.
        with open(path, "w") as f:
            f.write("ip route 203.0.113.0/24 192.0.2.9\ncustomer-gateway x ip 0.0.0.0 asn 65003\n")
        r = subprocess.run([vgwtest.VGWSH, "-s", self.daemon.socket, "-f", path], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"% {path}: line 2: ip 0.0.0.0 is the unspecified address", r.stderr)
        self.assertIn("nothing was changed", r.stderr)
        self.assertEqual(self.daemon.vgwsh("show running-config").stdout, running)
        self.assertEqual(health().config_changes, before + 1)
        # --replace: the file is the whole configuration.
        with open(path, "w") as f:
            f.write("customer-gateway only ip 203.0.113.5 asn 65010\n")
        r = subprocess.run([vgwtest.VGWSH, "-s", self.daemon.socket, "-f", path, "--replace"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        running = self.daemon.vgwsh("show running-config").stdout
        self.assertIn("customer-gateway only ip 203.0.113.5 asn 65010", running)
        self.assertNotIn("ip route", running)
        self.assertNotIn("customer-gateway hq", running)
        # The same again changes nothing and writes nothing.
        reply = self.api.call("SystemService", "ApplyConfig",
                              self.sys_pb.ApplyConfigRequest(config="customer-gateway only ip 203.0.113.5 asn 65010\n"),
                              self.sys_pb.ApplyConfigResponse)
        self.assertEqual((reply.lines, reply.changed), (1, False))
        self.assertEqual(health().config_changes, before + 2)

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
    """--listen serves the same API on TCP with mutual TLS (loopback addresses here): a client
    needs a certificate from the configured CA, and only the certificates named in
    --secrets-clients may read secrets; plaintext only with --insecure, on loopback, never
    with secrets."""

    def free_port(self):
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    def make_pki(self, d):
        """A CA, vgwd's certificate (localhost, 127.0.0.1) and client certificates: 'ops' and
        'viewer' from the CA, 'rogue' self-signed. Returns a dict of PEM paths."""
        p = {name: os.path.join(d, name) for name in (
            "ca.pem", "ca.key", "server.pem", "server.key", "ops.pem", "ops.key",
            "viewer.pem", "viewer.key", "rogue.pem", "rogue.key")}
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        self.openssl("req", "-x509", *ec, "-keyout", p["ca.key"], "-out", p["ca.pem"], "-days", "1",
                     "-subj", "/CN=vgw test CA")
        for name, extra in (("server", ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]),
                            ("ops", []), ("viewer", [])):
            csr = os.path.join(d, name + ".csr")
            self.openssl("req", "-new", *ec, "-keyout", p[name + ".key"], "-out", csr,
                         "-subj", "/CN=" + ("localhost" if name == "server" else name), *extra)
            ext = os.path.join(d, name + ".ext")
            with open(ext, "w") as f:
                f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n" if name == "server"
                        else "extendedKeyUsage=clientAuth\n")
            self.openssl("x509", "-req", "-in", csr, "-CA", p["ca.pem"], "-CAkey", p["ca.key"],
                         "-CAcreateserial", "-out", p[name + ".pem"], "-days", "1", "-extfile", ext)
        self.openssl("req", "-x509", *ec, "-keyout", p["rogue.key"], "-out", p["rogue.pem"],
                     "-days", "1", "-subj", "/CN=ops")
        return p

    def channel(self, port, pki, client):
        def read(name):
            with open(pki[name], "rb") as f:
                return f.read()
        creds = grpc.ssl_channel_credentials(
            root_certificates=read("ca.pem"),
            private_key=read(client + ".key") if client else None,
            certificate_chain=read(client + ".pem") if client else None)
        ch = grpc.secure_channel(f"localhost:{port}", creds)
        self.addCleanup(ch.close)
        return ch

    def running_config(self, channel, secrets, timeout=10):
        sys_pb = vgwtest.protos()["system_pb2"]
        rpc = channel.unary_unary("/vgw.v1.SystemService/GetRunningConfig",
                                  request_serializer=lambda m: m.SerializeToString(),
                                  response_deserializer=sys_pb.GetRunningConfigResponse.FromString)
        return rpc(sys_pb.GetRunningConfigRequest(show_secrets=secrets), timeout=timeout).config

    def test_mutual_tls_and_the_secrets_permission(self):
        port = self.free_port()
        d = vgwtest.Daemon(config_text="router bgp 65001\n neighbor 192.0.2.2 remote-as 65002\n"
                                       " neighbor 192.0.2.2 password s3cret-bgp-key\n")
        self.addCleanup(d.cleanup)
        pki = self.make_pki(d.dir)
        d.extra_args = ["--no-fib", "--listen", f"127.0.0.1:{port}", "--tls-cert", pki["server.pem"],
                        "--tls-key", pki["server.key"], "--tls-client-ca", pki["ca.pem"],
                        "--secrets-clients", "ops,auditor"]
        d.start()
        # Both clients of the CA are served; secrets only to 'ops'.
        viewer, ops = self.channel(port, pki, "viewer"), self.channel(port, pki, "ops")
        self.assertIn("password <hidden>", self.running_config(viewer, False))
        with self.assertRaises(grpc.RpcError) as cm:
            self.running_config(viewer, True)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        self.assertIn("CN=viewer", cm.exception.details())
        self.assertIn("--secrets-clients", cm.exception.details())
        self.assertIn("password s3cret-bgp-key", self.running_config(ops, True))
        # No client certificate, or one the CA did not sign (whatever its name): no session.
        for client in (None, "rogue"):
            with self.assertRaises(grpc.RpcError) as cm:
                self.running_config(self.channel(port, pki, client), False, timeout=3)
            self.assertEqual(cm.exception.code(), grpc.StatusCode.UNAVAILABLE, client)
        # The unix socket is local: its file permissions decide, secrets included.
        self.assertIn("s3cret-bgp-key", self.running_config(grpc.insecure_channel("unix:" + d.socket), True))
        # vgwsh with its client certificate; without one it cannot connect.
        sh = [vgwtest.VGWSH, "--target", f"localhost:{port}", "--tls-ca", pki["ca.pem"]]
        r = subprocess.run([*sh, "--tls-cert", pki["viewer.pem"], "--tls-key", pki["viewer.key"],
                            "-c", "show running-config"], capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("neighbor 192.0.2.2 remote-as 65002", r.stdout)
        r = subprocess.run([*sh, "-c", "show version"], capture_output=True, text=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Cannot reach vgwd", r.stdout + r.stderr)

    def test_listen_needs_mutual_tls_or_an_explicit_loopback_plaintext(self):
        port = self.free_port()
        d = vgwtest.Daemon()
        self.addCleanup(d.cleanup)
        base = [vgwtest.VGWD, "-f", d.config, "-s", d.socket, "--no-fib"]
        for args, why in (
                (["--listen", f"127.0.0.1:{port}"], "--listen needs --tls-cert, --tls-key and --tls-client-ca"),
                (["--listen", f"127.0.0.1:{port}", "--tls-cert", "c", "--tls-key", "k"], "--tls-client-ca"),
                (["--listen", f"0.0.0.0:{port}", "--insecure"], "not a loopback address"),
                (["--listen", f"127.0.0.1:{port}", "--insecure", "--secrets-clients", "ops"], "--insecure is plaintext"),
                (["--tls-client-ca", "ca.pem"], "go with --listen")):
            r = subprocess.run(base + args, capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn(why, r.stderr, args)
        # Plaintext on loopback when asked for: served, but never secrets.
        d.extra_args = ["--no-fib", "--listen", f"127.0.0.1:{port}", "--insecure"]
        d.start()
        sys_pb = vgwtest.protos()["system_pb2"]
        api = vgwtest.Api(f"127.0.0.1:{port}")
        self.addCleanup(api.close)
        v = api.call("SystemService", "GetVersion", sys_pb.GetVersionRequest(), sys_pb.GetVersionResponse)
        self.assertEqual(v.api_version, "v1")
        with self.assertRaises(grpc.RpcError) as cm:
            api.call("SystemService", "GetRunningConfig", sys_pb.GetRunningConfigRequest(show_secrets=True),
                     sys_pb.GetRunningConfigResponse)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        self.assertIn("plaintext TCP client", cm.exception.details())
        r = subprocess.run([vgwtest.VGWSH, "--target", f"127.0.0.1:{port}", "-c", "show version"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)


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
        self.assertIn(":2: ip 0.0.0.0 is the unspecified address", r.stderr)  # the file's words

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
