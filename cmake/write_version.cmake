# Writes routing's version.cc from version.cc.in with the current git commit. Run at every build
# (a target in routing/CMakeLists.txt), so `vgwd --version` names the commit that was built, not
# the one CMake was configured at; configure_file rewrites the file only when it changes, so an
# unchanged commit recompiles nothing.
#   cmake -DSOURCE_DIR=... -DIN=... -DOUT=... -DPROJECT_VERSION=... -DCMAKE_BUILD_TYPE=... -P write_version.cmake
execute_process(COMMAND git -C ${SOURCE_DIR} rev-parse --short HEAD
                OUTPUT_VARIABLE VGW_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT VGW_GIT_COMMIT)
  set(VGW_GIT_COMMIT unknown)
endif()
configure_file(${IN} ${OUT} @ONLY)
