# cmake -P: a binary's bash completion, printed by the binary from its CLI11
# definitions.   -DBINARY= -DOUT=
execute_process(COMMAND ${BINARY} --generate-bash-completion OUTPUT_FILE ${OUT} COMMAND_ERROR_IS_FATAL ANY)
