# cmake -P: wxlived.toml(5) from SPEC section 4 (the contract: every key, its
# range and meaning) followed by the example file that the package installs as
# /etc/wxlived/wxlived.toml, through go-md2man. Neither is copied by hand.
#   -DSPEC= -DEXAMPLE= -DVERSION= -DOUT=(.gz) -DWORK=
file(MAKE_DIRECTORY ${WORK})
file(READ ${SPEC} spec)
string(FIND "${spec}" "\n## 4. " begin)
string(FIND "${spec}" "\n## 5. " end)
if(begin EQUAL -1 OR end EQUAL -1)
  message(FATAL_ERROR "${SPEC}: no section 4 (the configuration) to make wxlived.toml(5) from")
endif()
math(EXPR length "${end} - ${begin}")
string(SUBSTRING "${spec}" ${begin} ${length} section)
# Drop the section's own heading line: the page has its own.
string(REGEX REPLACE "^\n## 4\\.[^\n]*\n" "" section "${section}")
file(READ ${EXAMPLE} example)
file(WRITE ${WORK}/wxlived.toml.5.md
"% wxlived.toml 5 \"\" \"wxlived ${VERSION}\" \"File Formats\"

# NAME
wxlived.toml - configuration of the wxlived daemon

# SYNOPSIS
/etc/wxlived/wxlived.toml

# DESCRIPTION
The TOML file that **wxlived run**, **wxlived check-config** and **wxlivectl** read.
Check it with **wxlived check-config --config /etc/wxlived/wxlived.toml**.
${section}
# EXAMPLE
The file the package installs as /etc/wxlived/wxlived.toml:

```toml
${example}```

# SEE ALSO
**wxlived**(8), **wxlivectl**(8), **wxlive-fakewx**(1)
")
execute_process(COMMAND go-md2man -in ${WORK}/wxlived.toml.5.md -out ${WORK}/wxlived.toml.5 COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND gzip -n9 -c ${WORK}/wxlived.toml.5 OUTPUT_FILE ${OUT} COMMAND_ERROR_IS_FATAL ANY)
