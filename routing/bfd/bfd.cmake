# BFD (RFC 5880 asynchronous mode, RFC 5881 single hop) as two pure libraries, included from
# routing/CMakeLists.txt. Built like vgw_module() but with the headers under
# routing/bfd/include/vgw/bfd/ (vgw_module would point at routing/include).
#   vgw::bfd_wire  the Control packet codec and per-packet checks (depends on base only)
#   vgw::bfd       the session state machine and the demultiplexer (no sockets, no asio)
set(VGW_BFD_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(vgw_bfd_wire STATIC ${VGW_BFD_DIR}/src/wire.cc)
add_library(vgw::bfd_wire ALIAS vgw_bfd_wire)
target_include_directories(vgw_bfd_wire PUBLIC ${VGW_BFD_DIR}/include)
target_link_libraries(vgw_bfd_wire PUBLIC vgw::base PRIVATE vgw_warnings)

add_library(vgw_bfd STATIC ${VGW_BFD_DIR}/src/session.cc ${VGW_BFD_DIR}/src/demux.cc)
add_library(vgw::bfd ALIAS vgw_bfd)
target_include_directories(vgw_bfd PUBLIC ${VGW_BFD_DIR}/include)
target_link_libraries(vgw_bfd PUBLIC vgw::bfd_wire vgw::base PRIVATE vgw_warnings)
