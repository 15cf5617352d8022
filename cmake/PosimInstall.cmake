# Installs the CLI, the core libraries with their headers, the examples and a CMake package
# configuration so that an integrator can `find_package(posim)` and link posim::posim_emv etc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(posim_libraries GLOBAL PROPERTY POSIM_LIBRARIES)
install(TARGETS ${posim_libraries} posim_warnings posim_sanitizers
  EXPORT posimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(posim_header_dirs simulator/base emv simulator/settlement simulator/acquirer simulator/terminal
                      scenarios)
if(POSIM_WITH_PCSC)
  list(APPEND posim_header_dirs simulator/pcsc)
endif()
foreach(dir ${posim_header_dirs})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(TARGETS posim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/posim/examples)

install(EXPORT posimTargets NAMESPACE posim:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/posim)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/posimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/posimConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/posim)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/posimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/posimConfig.cmake ${PROJECT_BINARY_DIR}/posimConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/posim)
