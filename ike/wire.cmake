# vgw::ike_wire: the pure IKEv2 message + payload codec (RFC 7296 3, RFC 7383 2.5), base only.
vgw_module(ike_wire
  SOURCES
    src/wire/chain.cc
    src/wire/message.cc
    src/wire/names.cc
    src/wire/payloads.cc
    src/wire/rules.cc
    src/wire/sa.cc
    src/wire/traffic_selector.cc
  DEPS vgw::base)
