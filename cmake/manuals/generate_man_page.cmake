# cmake -P: one binary's man page, from the binary itself: help2man reads its
# --help and --version, and the binary prints the subcommands' sections
# (--generate-man-sections) from the same CLI11 definitions.
#   -DBINARY= -DSECTION= -DNAME_LINE= -DSEE_ALSO= -DOUT=(.gz) -DWORK=(a scratch folder)
file(MAKE_DIRECTORY ${WORK})
get_filename_component(program ${BINARY} NAME)
execute_process(COMMAND ${BINARY} --generate-man-sections OUTPUT_FILE ${WORK}/${program}.sections.h2m
                COMMAND_ERROR_IS_FATAL ANY)
file(WRITE ${WORK}/${program}.see-also.h2m "[SEE ALSO]\n${SEE_ALSO}\n")
set(includes --include=${WORK}/${program}.see-also.h2m)
file(SIZE ${WORK}/${program}.sections.h2m sections_size)
if(sections_size GREATER 0)  # a program without subcommands has none
  list(APPEND includes --include=${WORK}/${program}.sections.h2m)
endif()
execute_process(COMMAND help2man --no-info --no-discard-stderr --section=${SECTION} --name=${NAME_LINE} ${includes}
                        --output=${WORK}/${program}.${SECTION} ${BINARY}
                COMMAND_ERROR_IS_FATAL ANY)
# -n: no name or time stamp in the gzip header, so the page is reproducible.
execute_process(COMMAND gzip -n9 -c ${WORK}/${program}.${SECTION} OUTPUT_FILE ${OUT} COMMAND_ERROR_IS_FATAL ANY)
