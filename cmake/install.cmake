# CMake package (find_package(websock CONFIG), target websock::websock) and pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS websock websock_core websock_net websock_channel websock_http EXPORT websockTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/websock DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT websockTargets NAMESPACE websock:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/websock)

configure_package_config_file(cmake/websockConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/websockConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/websock)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/websockConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/websockConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/websockConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/websock)

# Relocatable: the prefix is found from the .pc file's own location.
file(RELATIVE_PATH WEBSOCK_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(cmake/websock.pc.in ${CMAKE_CURRENT_BINARY_DIR}/websock.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/websock.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The Windows-compatible faces (src/compat): target websock::websock_compat in the same package
# (and websock::websock_wmain, the main() for wmain programs),
# headers under include/websock/win (only on the path of those who ask for the compat faces), and
# websock-compat.pc. With static libraries the .pc lists everything a C program needs to link
# (the C++ runtime, libcrypto, zlib), so `pkg-config --cflags --libs websock-compat` is the whole flag set.
if(TARGET websock_compat)
  install(TARGETS websock_compat websock_wmain websock_winhttp EXPORT websockTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY include/win/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/websock/win)
  get_target_property(_websock_compat_type websock_compat TYPE)
  if(_websock_compat_type STREQUAL "STATIC_LIBRARY")
    set(WEBSOCK_COMPAT_PC_REQUIRES "libcrypto zlib")
    set(WEBSOCK_COMPAT_PC_LIBS "-lstdc++ -lm")
  else()
    set(WEBSOCK_COMPAT_PC_REQUIRES "")
    set(WEBSOCK_COMPAT_PC_LIBS "")
  endif()
  configure_file(cmake/websock-compat.pc.in ${CMAKE_CURRENT_BINARY_DIR}/websock-compat.pc @ONLY)
  # websock-wmain.pc: the same plus the main() that calls a program's wmain (websock_wmain).
  configure_file(cmake/websock-wmain.pc.in ${CMAKE_CURRENT_BINARY_DIR}/websock-wmain.pc @ONLY)
  # websock-winhttp.pc: the WinHTTP face, which stands on the runtime (libssl, threads).
  configure_file(cmake/websock-winhttp.pc.in ${CMAKE_CURRENT_BINARY_DIR}/websock-winhttp.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/websock-compat.pc ${CMAKE_CURRENT_BINARY_DIR}/websock-wmain.pc
                ${CMAKE_CURRENT_BINARY_DIR}/websock-winhttp.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
