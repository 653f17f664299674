# What `cmake --install build --prefix P` puts under P, and `cpack -G DEB` into a Debian package:
#   bin/tessera, bin/tessera-video                 (tools/tessera/CMakeLists.txt)
#   share/bash-completion/completions/tessera      (tools/tessera/CMakeLists.txt)
#   include/tessera/...                            the public headers, and version.h
#   lib/libtessera.a, lib/libtessera.so.MAJOR.MINOR (+ .so.VERSION, .so), lib/libtessera_video.a
#   lib/cmake/tessera/tesseraConfig*.cmake         find_package(tessera): tessera::tessera (static)
#                                                  and tessera::shared; COMPONENTS video:
#                                                  tessera::video (static)
#   lib/pkgconfig/tessera.pc                       pkg-config --cflags --libs tessera
include(CMakePackageConfigHelpers)

set(TESSERA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tessera)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/tessera
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/tessera/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tessera)

install(TARGETS tessera tessera_cxx_shared EXPORT tesseraTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT tesseraTargets NAMESPACE tessera:: DESTINATION ${TESSERA_CMAKE_DIR})
# A component of its own, so that only a project asking for video needs FFmpeg's -dev packages.
install(TARGETS tessera_video EXPORT tesseraVideoTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT tesseraVideoTargets NAMESPACE tessera:: DESTINATION ${TESSERA_CMAKE_DIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/tesseraConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/package/tesseraConfig.cmake
                              INSTALL_DESTINATION ${TESSERA_CMAKE_DIR})
# Before 1.0 a minor release may break the API: 0.1.x satisfies find_package(tessera 0.1) only.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/tesseraConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/tesseraConfig.cmake
              ${PROJECT_BINARY_DIR}/package/tesseraConfigVersion.cmake
        DESTINATION ${TESSERA_CMAKE_DIR})

# The prefix is found from the .pc file's own folder, so that the file is right under any
# --prefix given at install time, not only the one configured.
file(RELATIVE_PATH TESSERA_PC_PREFIX
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" TESSERA_PC_PREFIX "${TESSERA_PC_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/tessera.pc.in ${PROJECT_BINARY_DIR}/package/tessera.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/package/tessera.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# cpack -G DEB (run in the build folder): one package with the programs, the libraries and the
# development files, installed under /usr. Its Depends are what dpkg-shlibdeps finds the
# programs and libtessera.so linked against.
set(CPACK_PACKAGE_NAME tessera)
set(CPACK_PACKAGE_VENDOR tessera)
set(CPACK_PACKAGE_CONTACT "tessera maintainers <tessera@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Image processing in bounded memory: codecs, ops and streaming pipelines")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A shlibs file, so that packages built against libtessera.so depend on this one.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
include(CPack)
