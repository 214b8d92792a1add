#!/usr/bin/env python3
"""Fails on any #include that crosses a module boundary the design forbids.

Each library of the tree (one CMake library per module or sub-module) owns some source
directories and exposes headers under include prefixes. The table below says which libraries
each one may include; it mirrors the link dependencies in the CMake files and the direction in
DESIGN.md: routing -> {bgp, ike, esp, rib, proto} -> base, bgp -> rib, never ike -> esp, codecs
(bgp/wire, ike/wire, bfd wire, esp codec) on base only, and the shell (routing/cli) on the API
client side only. A private header ("engine.h", "chain.h") may be included only from its own
directory. Run: tests/lint/check_boundaries.py [ROOT]; exit status 1 lists every violation.
"""
import os
import re
import sys

# library: (source directories, header include prefixes, allowed libraries)
LIBRARIES = {
    "base": (["base"], ["vgw/base/"], []),
    "proto": (["proto"], ["vgw/v1/"], []),
    "rib": (["rib/src", "rib/include"], ["vgw/rib/"], ["base"]),
    "rib_fib": (["rib/fib"], ["vgw/rib/fib/"], ["base", "rib"]),
    "bgp_wire": (["bgp/src/wire", "bgp/include/vgw/bgp/wire"], ["vgw/bgp/wire/"], ["base"]),
    "bgp": (["bgp/src", "bgp/include"], ["vgw/bgp/"], ["base", "bgp_wire", "rib"]),
    "esp": (["esp/src", "esp/include"], ["vgw/esp/"], ["base"]),
    "esp_dataplane": (["esp/src/dataplane", "esp/include/vgw/esp/dataplane"], ["vgw/esp/dataplane/"],
                      ["base", "esp"]),
    "ike_wire": (["ike/src/wire", "ike/include/vgw/ike/wire"], ["vgw/ike/wire/"], ["base"]),
    "ike_crypto": (["ike/src/crypto", "ike/include/vgw/ike/crypto"], ["vgw/ike/crypto/"], ["base"]),
    "ike": (["ike/src", "ike/include"], ["vgw/ike/"], ["base", "ike_wire", "ike_crypto"]),
    "bfd_wire": ([], ["vgw/bfd/wire.h", "vgw/bfd/single_hop.h"], ["base"]),
    "bfd": (["routing/bfd"], ["vgw/bfd/"], ["base", "bfd_wire"]),
    "routing_cli": (["routing/src/cli", "routing/include/vgw/routing/cli"], ["vgw/routing/cli/"],
                    ["base", "proto", "routing_methods"]),
    "routing_api": (["routing/src/api", "routing/include/vgw/routing/api"], ["vgw/routing/api/"],
                    ["base", "proto", "routing", "routing_methods"]),
    "routing": (["routing/src", "routing/include"], ["vgw/routing/"],
                ["base", "proto", "rib", "rib_fib", "bgp_wire", "bgp", "esp", "esp_dataplane",
                 "ike_wire", "ike_crypto", "ike", "bfd_wire", "bfd", "routing_methods"]),
    # ApplyConfig: the shell's grammar run against the daemon's gateway.
    "routing_apply": (["routing/src/apply", "routing/include/vgw/routing/apply"], ["vgw/routing/apply/"],
                      ["base", "proto", "routing", "routing_api", "routing_cli", "routing_methods"]),
    # The mains compose everything: vgwd loads its config file through the shell's grammar.
    "vgwd": ([], [], ["base", "proto", "routing", "routing_api", "routing_cli", "routing_apply",
                      "routing_methods"]),
}
# Headers a library may share with a narrower client: the method paths of the API
# (routing/api/methods.h: names only, no daemon types) are what the shell calls.
SHARED = {"vgw/routing/api/methods.h": "routing_methods"}
MAINS = {"routing/src/vgwd_main.cc": "vgwd", "routing/src/vgwsh_main.cc": "routing_cli", "routing/src/grpc_backend.cc": "routing_cli",
         "routing/src/grpc_backend.h": "routing_cli"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def owner_of_file(rel):
    if rel in MAINS:
        return MAINS[rel]
    best, best_len = None, -1
    for lib, (dirs, _, _) in LIBRARIES.items():
        for d in dirs:
            if (rel == d or rel.startswith(d + "/")) and len(d) > best_len:
                best, best_len = lib, len(d)
    return best


def owner_of_header(path):
    if path in SHARED:
        return SHARED[path]
    best, best_len = None, -1
    for lib, (_, prefixes, _) in LIBRARIES.items():
        for p in prefixes:
            if path.startswith(p) and len(p) > best_len:
                best, best_len = lib, len(p)
    return best


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    problems = []
    checked = 0
    for top in ("base", "rib", "bgp", "esp", "ike", "routing"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if not f.endswith((".h", ".cc")):
                    continue
                full = os.path.join(dirpath, f)
                rel = os.path.relpath(full, root)
                lib = owner_of_file(rel)
                if lib is None:
                    problems.append(f"{rel}: belongs to no library in the table")
                    continue
                allowed = set(LIBRARIES[lib][2]) | {lib}
                with open(full, encoding="utf-8") as fh:
                    for n, line in enumerate(fh, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        checked += 1
                        inc = m.group(1)
                        if not inc.startswith("vgw/"):
                            # A private header: only from its own directory.
                            if not os.path.exists(os.path.join(dirpath, inc)):
                                problems.append(f"{rel}:{n}: private header \"{inc}\" is not in this directory")
                            continue
                        target = owner_of_header(inc)
                        if target is None:
                            problems.append(f"{rel}:{n}: \"{inc}\" belongs to no library in the table")
                        elif target not in allowed:
                            problems.append(f"{rel}:{n}: {lib} may not include {target} (\"{inc}\")")
    for p in problems:
        print(p)
    print(f"{checked} includes checked, {len(problems)} boundary violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
