# IKEv2 wire codec: whole messages, decrypted inner chains, round trips and the payload rules.
vgw_fuzz_target(ike_message DEPS vgw::ike_wire)
