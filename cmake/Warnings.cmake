# Warnings apply to our own targets only: call wxlived_warnings(target).
function(wxlived_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Woverloaded-virtual)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # RapidJSON 1.1's member iterators compare ambiguously under C++20's
    # reversed operators; the warning fires at our call sites.
    target_compile_options(${target} PRIVATE -Wno-ambiguous-reversed-operator)
  endif()
  if(WXLIVED_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# A component library: wxlived_component(NAME SOURCES ... DEPS ...)
function(wxlived_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(wxlived_${name} STATIC ${ARG_SOURCES})
  target_include_directories(wxlived_${name} PUBLIC ${CMAKE_SOURCE_DIR}/include ${CMAKE_BINARY_DIR}/generated)
  target_link_libraries(wxlived_${name} PUBLIC ${ARG_DEPS})
  wxlived_warnings(wxlived_${name})
endfunction()
