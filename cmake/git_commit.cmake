# Writes OUTPUT, a header defining TESSERA_GIT_COMMIT: the source tree's commit ("-dirty" when
# it has uncommitted changes; "unknown" outside a git checkout). Run at every build (see
# src/CMakeLists.txt), it rewrites the header only when the text changes, so that nothing is
# recompiled when the commit is the same.
#   cmake -DSOURCE=dir -DOUTPUT=file -P git_commit.cmake
execute_process(COMMAND git -C "${SOURCE}" rev-parse --short=12 HEAD
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE failed ERROR_QUIET)
if(failed OR commit STREQUAL "")
  set(commit "unknown")
else()
  execute_process(COMMAND git -C "${SOURCE}" diff --quiet HEAD --
                  RESULT_VARIABLE dirty ERROR_QUIET)
  if(dirty)
    string(APPEND commit "-dirty")
  endif()
endif()
set(text "#pragma once\n#define TESSERA_GIT_COMMIT \"${commit}\"\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
