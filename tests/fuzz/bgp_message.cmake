# BGP wire codec: messages, bare UPDATE and OPEN bodies, round trips and re-packing.
vgw_fuzz_target(bgp_message DEPS vgw::bgp_wire)
