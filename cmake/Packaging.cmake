# What `cpack -G DEB` (scripts/package) puts in wxlived_<version>_<arch>.deb:
# the binaries, the systemd unit, the example config as a conffile, an empty
# /etc/wxlived/apps.d, the Prometheus alert rules, the Grafana dashboard, the reference webhook
# receiver, the docs, the man pages and bash completions (generated:
# cmake/Manuals.cmake), and what Debian asks of every package (copyright,
# changelog.gz; lintian checks it: tests/package). Runtime libraries
# become Depends: through dpkg-shlibdeps.
include(GNUInstallDirs)
if(NOT WXLIVED_SANITIZE AND NOT WXLIVED_FUZZ)
  include(cmake/Manuals.cmake)
endif()

install(TARGETS wxlived wxlivectl wxlive-fakewx RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES systemd/wxlived.service DESTINATION lib/systemd/system)
install(FILES etc/wxlived.toml DESTINATION /etc/wxlived PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# apps_dir's folder (SPEC section 4), empty: provisioning writes one file per app into it. The package owns
# it (dpkg removes it on purge once it is empty); the files in it are the operator's.
install(DIRECTORY DESTINATION /etc/wxlived/apps.d
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(FILES etc/prometheus/wxlived-alerts.yml DESTINATION ${CMAKE_INSTALL_DATADIR}/wxlived/prometheus)
install(FILES etc/grafana/wxlived.json DESTINATION ${CMAKE_INSTALL_DATADIR}/wxlived/grafana)
# An example to read and run with python3 (Suggests:), not a program of the package: not executable, so that
# the daemon need not depend on python3.
install(FILES scripts/webhook-receiver.py DESTINATION ${CMAKE_INSTALL_DATADIR}/wxlived/examples)
install(FILES README.md docs/OPERATIONS.md docs/WEBHOOKS.md docs/PLANNING.md docs/ARCHITECTURE.md docs/SPEC.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The Simplified Chinese translations beside them: README.zh-CN.md next to README.md, the guides in zh-CN/,
# so that their relative links (../OPERATIONS.md, zh-CN/OPERATIONS.md) work in the installed folder too.
install(FILES README.zh-CN.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES docs/zh-CN/OPERATIONS.md docs/zh-CN/WEBHOOKS.md docs/zh-CN/PLANNING.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/zh-CN)
if(TARGET wxlived_manuals)
  install(DIRECTORY ${WXLIVED_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR})
  install(DIRECTORY ${WXLIVED_COMPLETION_DIR}/ DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endif()
install(FILES packaging/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wxlived)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# The Maintainer: field and the changelog's signature. A real address: lintian rejects localhost.
set(WXLIVED_PACKAGE_CONTACT "wxlived maintainers <wxlived-maintainers@example.com>"
    CACHE STRING "Maintainer of the .deb: NAME <EMAIL>")
set(CPACK_PACKAGE_CONTACT "${WXLIVED_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "WeChat live-room status daemon with signed webhooks")
# Lines of at most 80 characters (lintian: extended-description-line-too-long).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Polls WeChat's getliveinfo within its daily quota, applies the live-status\nrules at their deadlines, keeps the truth in SQLite and pushes every change\nto webhook receivers, signed (Standard Webhooks), in order, retried and\nredeliverable.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3")  # the example webhook receiver
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/conffiles
    ${CMAKE_SOURCE_DIR}/packaging/postinst
    ${CMAKE_SOURCE_DIR}/packaging/prerm
    ${CMAKE_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The Debian changelog: the version and a date (SOURCE_DATE_EPOCH when set).
# The package is native (its version has no Debian revision: the project
# packages itself), so Debian calls it changelog.gz, not changelog.Debian.gz.
string(TIMESTAMP WXLIVED_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(packaging/changelog.in ${CMAKE_BINARY_DIR}/packaging/changelog @ONLY)
execute_process(COMMAND gzip -n9 -c ${CMAKE_BINARY_DIR}/packaging/changelog
                OUTPUT_FILE ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/packaging/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
include(CPack)
