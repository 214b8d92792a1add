"""ESP on the wire, for the tests that check it (tests/dataplane/test_dataplane.py and
tests/integration/test_tunnels.py): deterministic test keys, the ESP packets of a pcap file,
tshark's names for our algorithms and its decryption, and a script that injects raw ESP
(replayed, tampered or unknown-SPI packets) from a network namespace.
"""
import struct
import subprocess

# The tshark (4.0) names of the algorithms of our transforms; None: tshark cannot decrypt it
# (ChaCha20-Poly1305 ESP), so only SPIs and sequence numbers are checked on the wire.
TSHARK_ALGORITHMS = {
    "aes128gcm16": ("AES-GCM with 16 octet ICV [RFC4106]", "NULL"),
    "aes256gcm16": ("AES-GCM with 16 octet ICV [RFC4106]", "NULL"),
    "aes128-sha256": ("AES-CBC [RFC3602]", "HMAC-SHA-256-128 [RFC4868]"),
    "aes256-sha512": ("AES-CBC [RFC3602]", "HMAC-SHA-512-256 [RFC4868]"),
    "chacha20poly1305": None,
}


def key_hex(n, seed):
    return "".join(f"{(seed * 29 + i * 7) & 0xff:02x}" for i in range(n))


def pcap_payloads(path):
    """(src, dst, kind, payload) of each IPv4 packet in an Ethernet pcap: kind 'udp' (payload =
    UDP payload, with sport/dport) or 'esp' (payload = IP payload)."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    pos = 24
    while pos + 16 <= len(data):
        incl = struct.unpack_from("<I", data, pos + 8)[0]
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        if len(frame) < 34 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0xF) * 4
        total = struct.unpack_from(">H", ip, 2)[0]
        src, dst = ".".join(map(str, ip[12:16])), ".".join(map(str, ip[16:20]))
        body = ip[ihl:total]
        if ip[9] == 17:
            sport, dport = struct.unpack_from(">HH", body)
            out.append((src, dst, "udp", body[8:], sport, dport))
        elif ip[9] == 50:
            out.append((src, dst, "esp", body, 0, 0))
    return out


INJECT = r"""
import socket, sys
mode, dst = sys.argv[1], sys.argv[2]
for h in sys.argv[3:]:
    data = bytes.fromhex(h)
    if mode == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 4501))
        s.sendto(data, (dst, 4500))
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
        s.sendto(data, (dst, 0))
    s.close()
"""



def tshark_decrypt(path, transform, sas):
    """tshark's text decode of a pcap with ESP decryption for sas: (src, dst, spi, (enc key hex,
    integrity key hex)) each."""
    enc_alg, auth_alg = TSHARK_ALGORITHMS[transform]
    opts = []
    for src, dst, spi, (ek, ik) in sas:
        opts += ["-o", f'uat:esp_sa:"IPv4","{src}","{dst}","0x{spi:08x}","{enc_alg}",'
                       f'"0x{ek}","{auth_alg}","{"0x" + ik if ik else ""}"']
    p = subprocess.run(["tshark", "-n", "-r", path, "-o", "esp.enable_encryption_decode:TRUE",
                        "-o", "esp.do_esp_sequence_analysis:TRUE", *opts],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"tshark failed: {p.stderr}")
    return p.stdout
