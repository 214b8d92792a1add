# BGP policy: route-map evaluation per route (prefix-list match, set local-pref, community add).
add_executable(bgp_policy bgp_policy.cc)
target_link_libraries(bgp_policy PRIVATE benchmark::benchmark vgw::bgp vgw_warnings)
