# CMake package (find_package(websock CONFIG), target websock::websock) and pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS websock EXPORT websockTargets
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
