# cmake -DPROGRAM=build/tessera -DOUTPUT=FILE -P bash_completion.cmake: writes the program's
# bash completion (`tessera completion bash`) to FILE, or fails the build.
execute_process(COMMAND ${PROGRAM} completion bash
                OUTPUT_FILE ${OUTPUT}.part
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  file(REMOVE ${OUTPUT}.part)
  message(FATAL_ERROR "${PROGRAM} completion bash failed: ${status}")
endif()
file(RENAME ${OUTPUT}.part ${OUTPUT})
