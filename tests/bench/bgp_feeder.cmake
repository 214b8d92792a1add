# The full-table ingest benchmark's tools (lab/bench/bgp/run.py runs them; not tests):
# bgp_feeder, the BGP feeder, and fib_watch, which counts routes entering the kernel FIB.
add_executable(bgp_feeder ${PROJECT_SOURCE_DIR}/lab/bench/bgp/bgp_feeder.cc)
target_link_libraries(bgp_feeder PRIVATE vgw::bgp vgw_test_support vgw_warnings)
add_executable(fib_watch ${PROJECT_SOURCE_DIR}/lab/bench/bgp/fib_watch.cc)
target_link_libraries(fib_watch PRIVATE vgw_warnings)
