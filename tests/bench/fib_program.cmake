# Kernel FIB programming of a full table vs `ip -batch` (needs root; private netns).
add_executable(fib_program fib_program.cc)
target_link_libraries(fib_program PRIVATE vgw::rib_fib vgw_warnings)
