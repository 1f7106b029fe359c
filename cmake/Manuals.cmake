# Man pages and bash completions, generated at build time from the binaries'
# own CLI definitions (help2man on --help, the hidden --generate-* flags) and
# from SPEC section 4 for wxlived.toml(5): nothing kept twice by hand.
# Output: build/share/man/manN/*.gz and build/share/bash-completion/completions/.
find_program(HELP2MAN help2man)
find_program(GO_MD2MAN go-md2man)
if(NOT HELP2MAN OR NOT GO_MD2MAN)
  message(WARNING "help2man or go-md2man missing (scripts/deps installs them): no man pages, and the .deb lacks them")
  return()
endif()

set(WXLIVED_MAN_DIR ${CMAKE_BINARY_DIR}/share/man)
set(WXLIVED_COMPLETION_DIR ${CMAKE_BINARY_DIR}/share/bash-completion/completions)
set(manual_work ${CMAKE_BINARY_DIR}/manuals)
set(manual_scripts ${CMAKE_SOURCE_DIR}/cmake/manuals)
set(all_pages "wxlived(8)" "wxlivectl(8)" "wxlive-fakewx(1)" "wxlived.toml(5)")
set(generated_manuals)

# wxlived_manual(TARGET SECTION "one-line description")
function(wxlived_manual target section name_line)
  set(see_also ${all_pages})
  list(REMOVE_ITEM see_also "${target}(${section})")
  list(TRANSFORM see_also REPLACE "^([^(]+)\\(" "\\\\fB\\1\\\\fR(")
  list(JOIN see_also ", " see_also)
  set(page ${WXLIVED_MAN_DIR}/man${section}/${target}.${section}.gz)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${WXLIVED_MAN_DIR}/man${section}
    COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:${target}> -DSECTION=${section} "-DNAME_LINE=${name_line}"
            "-DSEE_ALSO=${see_also}" -DOUT=${page} -DWORK=${manual_work} -P ${manual_scripts}/generate_man_page.cmake
    DEPENDS ${target} ${manual_scripts}/generate_man_page.cmake
    COMMENT "Generating ${target}(${section}) with help2man" VERBATIM)
  set(completion ${WXLIVED_COMPLETION_DIR}/${target})
  add_custom_command(OUTPUT ${completion}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${WXLIVED_COMPLETION_DIR}
    COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:${target}> -DOUT=${completion}
            -P ${manual_scripts}/generate_bash_completion.cmake
    DEPENDS ${target} ${manual_scripts}/generate_bash_completion.cmake
    COMMENT "Generating the bash completion of ${target}" VERBATIM)
  set(generated_manuals ${generated_manuals} ${page} ${completion} PARENT_SCOPE)
endfunction()

wxlived_manual(wxlived 8 "WeChat live-room status daemon with signed webhooks")
wxlived_manual(wxlivectl 8 "reads and repairs the wxlived daemon's state database")
wxlived_manual(wxlive-fakewx 1 "a fake WeChat live-room API driven by a scenario file")

set(config_page ${WXLIVED_MAN_DIR}/man5/wxlived.toml.5.gz)
add_custom_command(OUTPUT ${config_page}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${WXLIVED_MAN_DIR}/man5
  COMMAND ${CMAKE_COMMAND} -DSPEC=${CMAKE_SOURCE_DIR}/docs/SPEC.md -DEXAMPLE=${CMAKE_SOURCE_DIR}/etc/wxlived.toml
          -DVERSION=${PROJECT_VERSION} -DOUT=${config_page} -DWORK=${manual_work}
          -P ${manual_scripts}/generate_config_man_page.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/docs/SPEC.md ${CMAKE_SOURCE_DIR}/etc/wxlived.toml
          ${manual_scripts}/generate_config_man_page.cmake
  COMMENT "Generating wxlived.toml(5) from SPEC section 4" VERBATIM)
list(APPEND generated_manuals ${config_page})

add_custom_target(wxlived_manuals ALL DEPENDS ${generated_manuals})
