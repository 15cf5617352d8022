# Helpers shared by every folder: one way to add a library, an executable or a test suite.

# Warnings live on one interface target that every posim target links privately.
add_library(posim_warnings INTERFACE)
target_compile_options(posim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wdouble-promotion
  -Wformat=2 -Wimplicit-fallthrough)
if(POSIM_WARNINGS_AS_ERRORS)
  target_compile_options(posim_warnings INTERFACE -Werror)
endif()

# Sanitizers apply to everything we build, tests included.
add_library(posim_sanitizers INTERFACE)
if(POSIM_SANITIZE)
  target_compile_options(posim_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
    # GCC 12 reports false maybe-uninitialized warnings inside libstdc++ under ASan.
    -Wno-maybe-uninitialized)
  target_link_options(posim_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# POSIM_FUZZ: every posim target gets libFuzzer's coverage instrumentation plus ASan + UBSan;
# only the fuzz executables in tests/fuzz link libFuzzer itself (posim_fuzz_main), so the posim
# binary and other executables of that build stay ordinary programs.
if(POSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "POSIM_FUZZ=ON needs Clang (libFuzzer), but the C++ compiler is "
                        "${CMAKE_CXX_COMPILER_ID}. Configure with -DCMAKE_CXX_COMPILER=clang++ "
                        "(scripts/fuzz does this).")
  endif()
  if(POSIM_SANITIZE)
    message(FATAL_ERROR "POSIM_FUZZ already enables ASan + UBSan; leave POSIM_SANITIZE OFF.")
  endif()
  target_compile_options(posim_sanitizers INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  target_link_options(posim_sanitizers INTERFACE -fsanitize=address,undefined)
  add_library(posim_fuzz_main INTERFACE)
  target_link_options(posim_fuzz_main INTERFACE -fsanitize=fuzzer,address,undefined)
endif()

# posim_add_library(NAME
#   [PUBLIC_DEPS targets...] [PRIVATE_DEPS targets...])
# Adds the library NAME from the current folder: public headers in include/, sources in src/
# (every .cpp below src/, so a new file needs no edit here).
function(posim_add_library name)
  cmake_parse_arguments(ARG "" "" "PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp")
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/include/*.h")
  add_library(${name} STATIC ${sources} ${headers})
  add_library(posim::${name} ALIAS ${name})
  target_include_directories(${name}
    PUBLIC
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:include>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_compile_features(${name} PUBLIC cxx_std_20)
  target_link_libraries(${name}
    PUBLIC ${ARG_PUBLIC_DEPS} $<BUILD_INTERFACE:posim_sanitizers>
    PRIVATE ${ARG_PRIVATE_DEPS} $<BUILD_INTERFACE:posim_warnings>)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  set_property(GLOBAL APPEND PROPERTY POSIM_LIBRARIES ${name})
endfunction()

# posim_add_executable(NAME SOURCES... [DEPS targets...])
function(posim_add_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} posim_warnings posim_sanitizers)
endfunction()

# posim_add_test(NAME DIR [DEPS targets...])
# One GoogleTest executable per library: every *_test.cpp in DIR. Each TEST becomes its own
# ctest entry, so `ctest -R` selects single cases.
function(posim_add_test name dir)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${dir}/*_test.cpp")
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main
                                        posim_test_support posim_warnings posim_sanitizers)
  include(GoogleTest)
  gtest_discover_tests(${name}
    DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen;POSIM_TEST_DATA=${POSIM_TEST_DATA_DIR}"
               LABELS unit)
endfunction()
