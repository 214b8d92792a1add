# IKEv2 wire codec tests (vgw::ike_wire): byte-exact vectors per payload, header and SK
# layout, malformed and truncated input, critical bit, per-exchange payload rules. The
# fuzz seeds test writes tests/fuzz/corpus/ike_message when VGW_WRITE_IKE_SEEDS names a dir.
vgw_unit_test(ike_wire_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/wire_message_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/wire_payloads_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/wire_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/wire_sa_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/wire_seeds_test.cc
  DEPS vgw::ike_wire)
target_compile_definitions(ike_wire_test PRIVATE
  VGW_IKE_CORPUS_DIR="${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/ike_message")
