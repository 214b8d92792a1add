# The dataplane's too-big path (ICMP / ICMPv6 builders) on arbitrary TUN input.
vgw_fuzz_target(esp_too_big DEPS vgw::esp_dataplane)
