# What `cpack -G DEB` (scripts/package) puts in wxlived_<version>_<arch>.deb:
# the binaries, the systemd unit, the example config as a conffile, the
# Prometheus alert rules, the Grafana dashboard, the reference webhook receiver and the docs.
# Runtime libraries become Depends: through dpkg-shlibdeps.
include(GNUInstallDirs)

install(TARGETS wxlived wxlivectl wxlive-fakewx RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES systemd/wxlived.service DESTINATION lib/systemd/system)
install(FILES etc/wxlived.toml DESTINATION /etc/wxlived PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES etc/prometheus/wxlived-alerts.yml DESTINATION ${CMAKE_INSTALL_DATADIR}/wxlived/prometheus)
install(FILES etc/grafana/wxlived.json DESTINATION ${CMAKE_INSTALL_DATADIR}/wxlived/grafana)
install(PROGRAMS scripts/webhook-receiver.py DESTINATION ${CMAKE_INSTALL_DATADIR}/wxlived/examples)
install(FILES README.md docs/OPERATIONS.md docs/WEBHOOKS.md docs/PLANNING.md docs/ARCHITECTURE.md docs/SPEC.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wxlived)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "wxlived maintainers <wxlived@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "WeChat live-room status daemon with signed webhooks")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Polls WeChat's getliveinfo within its daily quota, applies the live-status rules at\ntheir deadlines, keeps the truth in SQLite and pushes every change to webhook\nreceivers, signed (Standard Webhooks), in order, retried, redeliverable.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/conffiles
    ${CMAKE_SOURCE_DIR}/packaging/postinst
    ${CMAKE_SOURCE_DIR}/packaging/prerm
    ${CMAKE_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
