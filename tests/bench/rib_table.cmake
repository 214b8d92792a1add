# RIB micro benchmark: 1M-prefix IPv4 table (insert, memory, LPM, drain, withdrawal).
add_executable(rib_table rib_table.cc)
target_link_libraries(rib_table PRIVATE benchmark::benchmark vgw::rib vgw_warnings)
