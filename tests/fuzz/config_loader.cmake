# The command language / config loader (grammar, every feature's commands, policies with RE2
# regexes) into a kernel-less Gateway; what loads must reload to the same state.
vgw_fuzz_target(config_loader DEPS vgw::routing_apply vgw_test_support)
