# Build helpers shared by every module: warnings, sanitizers, and test registration.

add_library(eddy_options INTERFACE)
target_compile_options(eddy_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(EDDY_WERROR)
  target_compile_options(eddy_options INTERFACE -Werror)
endif()
if(EDDY_SANITIZE)
  target_compile_options(eddy_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                -fno-sanitize-recover=undefined)
  target_link_options(eddy_options INTERFACE -fsanitize=address,undefined)
endif()
if(EDDY_BUILD_FUZZ)
  # UBSan must abort, not print and go on, or libFuzzer never sees the report as a finding.
  target_compile_options(eddy_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                                                -fno-sanitize-recover=undefined)
  target_link_options(eddy_options INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(eddy_options INTERFACE ${PROJECT_SOURCE_DIR}/src)

# eddy_module(NAME SOURCES ... DEPS ...): one static library per src/ folder.
function(eddy_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(eddy_${name} STATIC ${M_SOURCES})
  target_link_libraries(eddy_${name} PUBLIC eddy_options ${M_DEPS})
endfunction()

include(GoogleTest)
# eddy_test(NAME SOURCES ... DEPS ... LABEL unit|component|integration|e2e): a gtest binary whose
# tests ctest discovers one by one and labels.
function(eddy_test name)
  cmake_parse_arguments(T "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE eddy_options ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
                       PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT})
endfunction()
