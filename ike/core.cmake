# vgw::ike: the IKE SA and its exchanges as pure state machines (RFC 7296): IKE_SA_INIT,
# IKE_AUTH (PSK), INFORMATIONAL, CREATE_CHILD_SA as tasks over one message layer (ike_sa.cc).
# No sockets, no timers, no esp/: Child SAs leave as plain structs in Actions (actions.h).
vgw_module(ike
  SOURCES
    src/config.cc
    src/create_child_sa.cc
    src/ike_auth.cc
    src/ike_sa.cc
    src/ike_sa_init.cc
    src/informational.cc
    src/nat.cc
    src/proposal.cc
    src/sa_context.cc
    src/traffic_selectors.cc
  DEPS vgw::ike_wire vgw::ike_crypto
  PRIVATE_DEPS OpenSSL::Crypto)
