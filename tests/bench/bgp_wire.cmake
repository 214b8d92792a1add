# BGP wire codec: UPDATE decode/encode throughput on a full-table-like stream.
add_executable(bgp_wire bgp_wire.cc)
target_link_libraries(bgp_wire PRIVATE benchmark::benchmark vgw::bgp_wire vgw_warnings)
