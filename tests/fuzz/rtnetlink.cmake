# rtnetlink parsers: links, addresses, routes (incl. multipath) and acks with extended acks.
vgw_fuzz_target(rtnetlink DEPS vgw::rib_fib)
