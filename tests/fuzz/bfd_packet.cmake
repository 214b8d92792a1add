# BFD codec and session: Control packets parsed, validated, re-encoded and fed to an Up session.
vgw_fuzz_target(bfd_packet DEPS vgw::bfd)
