# ike_core_test: the IKE SA state machines (vgw::ike), two in-process endpoints on FakeClock.
vgw_unit_test(ike_core_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/sa_establish_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sa_failure_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sa_fuzz_seeds_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sa_lifecycle_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sa_robustness_test.cc
  DEPS vgw::ike)
