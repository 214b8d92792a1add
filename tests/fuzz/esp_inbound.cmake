# vgw_esp_test_fixtures (tests/unit/esp) supplies the fixed SAs the seeds were made with.
vgw_fuzz_target(esp_inbound DEPS vgw::esp vgw_esp_test_fixtures)
