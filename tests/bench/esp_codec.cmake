add_executable(esp_codec esp_codec.cc)
target_link_libraries(esp_codec PRIVATE benchmark::benchmark vgw::esp vgw_warnings)
