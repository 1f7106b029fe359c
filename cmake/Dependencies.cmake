# Every dependency comes from a Debian 12 package (see scripts/deps); nothing
# is vendored or downloaded at configure time.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(CLI11 REQUIRED)
find_package(RapidJSON REQUIRED)
find_package(OpenSSL REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# cpp-httplib: the fake WeChat's server and the test servers.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(MICROHTTPD REQUIRED IMPORTED_TARGET libmicrohttpd)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
# cmark (the CommonMark reference parser): the translated documents' check (tests/docs).
pkg_check_modules(CMARK REQUIRED IMPORTED_TARGET libcmark)

# Standalone asio (libasio-dev) is header-only and ships no CMake config.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(wxlived_asio INTERFACE)
target_include_directories(wxlived_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
# ASIO_DISABLE_STD_ALIGNED_ALLOC: asio picks aligned_alloc or operator new per
# translation unit depending on whether a libstdc++ header came first; mixed
# choices free with the wrong function (ASan: alloc-dealloc-mismatch).
target_compile_definitions(wxlived_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED ASIO_DISABLE_STD_ALIGNED_ALLOC)
target_link_libraries(wxlived_asio INTERFACE Threads::Threads)

# RapidJSON's config exports variables, not a target.
add_library(wxlived_rapidjson INTERFACE)
target_include_directories(wxlived_rapidjson SYSTEM INTERFACE ${RapidJSON_INCLUDE_DIRS} ${RAPIDJSON_INCLUDE_DIRS})
target_compile_definitions(wxlived_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)

if(WXLIVED_TESTS)
  find_package(doctest REQUIRED)
  include(doctest)
endif()
