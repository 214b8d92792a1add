# IKE SA state machine as a responder: arbitrary datagram sequences (ike_responder.cc).
vgw_fuzz_target(ike_responder DEPS vgw::ike)
