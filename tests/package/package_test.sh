#!/usr/bin/env bash
# tessera as a package: installed into a temporary prefix, used by an outside project
# (tests/package/consumer) three ways, and packed as a .deb.
#   1. find_package(tessera CONFIG) with CMAKE_PREFIX_PATH=prefix: tessera::tessera (static) and
#      tessera::shared; with COMPONENTS video, tessera::video on the clip;
#   2. g++ with `pkg-config --cflags --libs tessera` (the shared library), and with libtessera.a
#      and the libraries of the modules tessera.pc names in Requires.private;
#   3. add_subdirectory of the source tree: configured, and its build plan checked to hold the
#      library and the program only (no tests, benchmarks, CLI or Python). Building it compiles
#      the whole library again (minutes on two cores): only with TESSERA_SLOW_TESTS=1.
# Then cpack -G DEB: the package's Depends (from dpkg-shlibdeps) and files, and the package
# installed with dpkg -i into a temporary root whose dpkg database is a copy of this system's
# (so dpkg checks Depends against the libraries really installed, and nothing on the system
# changes; the postinst's ldconfig is a stub), and tessera --version run from that root's
# usr/bin on PATH. Not root (dpkg -i needs it): the package unpacked with dpkg -x instead.
#
#   tests/package/package_test.sh SOURCE_DIR BUILD_DIR PHOTO [CLIP]
set -uo pipefail
usage="usage: package_test.sh SOURCE_DIR BUILD_DIR PHOTO [CLIP]"
source_dir=$(realpath "${1:?$usage}")
build_dir=$(realpath "${2:?$usage}")
photo=${3:?$usage}
clip=${4:-}
[[ -f $photo ]] || { echo "SKIP: no $photo (bash scripts/samples.sh fetches it)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
consumer=$source_dir/tests/package/consumer
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
failed=0
fail() { echo "FAIL: $*"; failed=1; }
step() { printf '%-58s %3ds\n' "$1" "$SECONDS"; }

# Runs thumbnail program NAME: the photo to 64 pixels wide, written as PNG and read back.
run_thumbnail() {
  local name=$1 program=$2
  shift 2
  if output=$(env "$@" "$program" "$photo" "$work/$name.png" 64 2>&1); then
    echo "  $name: $output"
  else
    fail "$name: $output"
  fi
}

# --- Install ---------------------------------------------------------------------------------
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }
step "installed into a temporary prefix"

# The public headers, and only they (src/ keeps the internal ones).
(cd "$source_dir/include" && find tessera -name '*.h'; echo tessera/version.h) |
  sort >"$work/headers.expected"
(cd "$prefix/include" && find . -type f | sed 's|^\./||') | sort >"$work/headers.installed"
diff "$work/headers.expected" "$work/headers.installed" >"$work/headers.diff" ||
  fail "installed headers differ from include/tessera: $(cat "$work/headers.diff")"

for file in bin/tessera bin/tessera-video lib/libtessera.a lib/libtessera_video.a \
  lib/pkgconfig/tessera.pc lib/cmake/tessera/tesseraConfig.cmake lib/cmake/tessera/tesseraConfigVersion.cmake \
  lib/cmake/tessera/tesseraTargets.cmake share/bash-completion/completions/tessera; do
  [[ -f $prefix/$file ]] || fail "$file is not installed"
done
version=$(sed -n 's/^#define TESSERA_VERSION_STRING "\(.*\)"/\1/p' "$prefix/include/tessera/version.h")
soversion=${version%.*}
# The symbolic-link chain, and the SONAME a program records.
[[ $(readlink "$prefix/lib/libtessera.so") == "libtessera.so.$soversion" &&
  $(readlink "$prefix/lib/libtessera.so.$soversion") == "libtessera.so.$version" &&
  -f $prefix/lib/libtessera.so.$version ]] ||
  fail "lib/libtessera.so -> .so.$soversion -> .so.$version: $(ls -l "$prefix/lib")"
soname=$(readelf -d "$prefix/lib/libtessera.so.$version" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[[ $soname == "libtessera.so.$soversion" ]] || fail "SONAME is '$soname'"

# The installed programs: tessera runs tessera-video from its own folder.
first_line=$("$prefix/bin/tessera" --version 2>&1)
first_line=${first_line%%$'\n'*}
[[ $first_line == "tessera $version" ]] || fail "installed tessera --version: $first_line"
"$prefix/bin/tessera" video --help >/dev/null 2>&1 ||
  fail "installed tessera video --help: $("$prefix/bin/tessera" video --help 2>&1 | tail -1)"
# The completion file is the program's own, and bash loads it.
cmp -s "$prefix/share/bash-completion/completions/tessera" <("$prefix/bin/tessera" completion bash) ||
  fail "the installed completion is not the output of tessera completion bash"
bash -c "source '$prefix/share/bash-completion/completions/tessera' && complete -p tessera" \
  >/dev/null 2>&1 || fail "bash does not load the installed completion"
step "installed files checked"

# --- 1. find_package ---------------------------------------------------------------------------
for target in tessera::tessera tessera::shared; do
  name=cmake-${target#tessera::}
  video=OFF
  [[ $target == tessera::tessera && -n $clip ]] && video=ON
  if cmake -S "$consumer" -B "$work/$name" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DTESSERA_TARGET="$target" -DWITH_VIDEO=$video \
    >"$work/$name.log" 2>&1 && cmake --build "$work/$name" >>"$work/$name.log" 2>&1; then
    run_thumbnail "find_package, $target" "$work/$name/thumbnail"
    if [[ $video == ON ]]; then
      if output=$("$work/$name/first_frame" "$clip" 2>&1); then
        echo "  find_package COMPONENTS video, tessera::video: $output"
      else
        fail "first_frame (tessera::video): $output"
      fi
    fi
  else
    cat "$work/$name.log"
    fail "find_package(tessera) with $target"
  fi
  step "find_package(tessera), $target"
done
# A component that does not exist is refused in words, not only "tessera_FOUND set to FALSE".
mkdir -p "$work/wrong-component"
printf '%s\n' "cmake_minimum_required(VERSION 3.25)" "project(wrong LANGUAGES CXX)" \
  "find_package(tessera 0.1 CONFIG REQUIRED COMPONENTS videos)" >"$work/wrong-component/CMakeLists.txt"
if cmake -S "$work/wrong-component" -B "$work/wrong-component/build" -DCMAKE_PREFIX_PATH="$prefix" \
  >"$work/wrong-component.log" 2>&1; then
  fail "find_package(tessera COMPONENTS videos) configured"
else
  log=$(cat "$work/wrong-component.log")
  grep -qF "tessera has no component 'videos'" <<<"$log" ||
    fail "a wrong component is not named: $(tail -5 <<<"$log")"
fi
# The shared one runs on the installed libtessera.so (the build's RPATH), not a copy inside.
# (Outputs are captured before grep reads them: grep -q stops early, and under pipefail the
# writer's SIGPIPE would fail the check.)
libraries=$(ldd "$work/cmake-shared/thumbnail")
grep -q "libtessera.so.$soversion => $prefix/lib/" <<<"$libraries" ||
  fail "thumbnail (tessera::shared) does not load $prefix/lib/libtessera.so.$soversion"
# tessera::tessera is an archive: nothing of libtessera.so in that program.
libraries=$(ldd "$work/cmake-tessera/thumbnail")
grep -q libtessera <<<"$libraries" && fail "tessera::tessera linked a .so"

# --- 2. pkg-config -----------------------------------------------------------------------------
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# libtessera.a with the shared libraries of the modules it requires privately. (`pkg-config
# --static` would go on to their own private requirements, for a link of static libraries only:
# libheif's x265 wants libnuma.a, which Debian's libheif-dev does not bring.)
if cflags=$(pkg-config --cflags tessera) && libs=$(pkg-config --libs tessera) &&
  private=$(pkg-config --print-requires-private tessera) &&
  static_libs="$prefix/lib/libtessera.a $(pkg-config --libs $private)"; then
  # shellcheck disable=SC2086 # the flags are words
  if g++ -std=c++20 -O1 -Wall -Wextra -Werror -c "$consumer/thumbnail.cpp" -o "$work/thumbnail.o" $cflags &&
    g++ "$work/thumbnail.o" -o "$work/thumbnail-pc" $libs &&
    g++ "$work/thumbnail.o" -o "$work/thumbnail-pc-static" \
      $static_libs; then
    run_thumbnail "pkg-config" "$work/thumbnail-pc" LD_LIBRARY_PATH="$prefix/lib"
    run_thumbnail "pkg-config, libtessera.a + Requires.private" "$work/thumbnail-pc-static"
  else
    fail "g++ with pkg-config tessera: cflags '$cflags', libs '$libs', static '$static_libs'"
  fi
else
  fail "pkg-config tessera: $(pkg-config --libs tessera 2>&1)"
fi
step "pkg-config tessera, shared and static"

# --- 3. add_subdirectory -------------------------------------------------------------------------
subproject=$work/subproject
if cmake -S "$consumer" -B "$subproject" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DTESSERA_SOURCE_DIR="$source_dir" >"$work/subproject.log" 2>&1; then
  # Off by default under another project, under tessera's own names.
  for option in TESSERA_BUILD_TESTS TESSERA_BUILD_BENCH TESSERA_BUILD_CLI TESSERA_INSTALL \
    TESSERA_PYTHON; do
    grep -q "^$option:BOOL=OFF" "$subproject/CMakeCache.txt" || fail "subproject: $option is not OFF"
  done
  # What building the program compiles: tessera's objects and the program, nothing else.
  ninja -C "$subproject" -t targets all | cut -d: -f1 |
    grep -E '^tessera/(tessera|tessera-video)$|^tessera/(tests|bench|python|tools)/|libtessera\.so' \
      >"$work/extra_targets" && fail "subproject builds $(head -3 "$work/extra_targets")"
  ninja -C "$subproject" -n thumbnail | grep -o 'Building CXX object [^ ]*' |
    grep -v -e 'tessera/src/CMakeFiles/tessera_objects.dir/' -e 'CMakeFiles/thumbnail.dir/' \
      >"$work/extra_objects" && fail "building thumbnail compiles $(head -3 "$work/extra_objects")"
  grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$subproject/CMakeCache.txt" ||
    fail "subproject changed the build type"
else
  cat "$work/subproject.log"
  fail "add_subdirectory(tessera) does not configure"
fi
step "add_subdirectory(tessera), configured and planned"
if [[ ${TESSERA_SLOW_TESTS:-0} == 1 ]]; then
  if cmake --build "$subproject" --target thumbnail --parallel 2 >>"$work/subproject.log" 2>&1; then
    run_thumbnail "add_subdirectory" "$subproject/thumbnail"
  else
    tail -30 "$work/subproject.log"
    fail "add_subdirectory(tessera): thumbnail does not build"
  fi
  step "add_subdirectory(tessera), built (TESSERA_SLOW_TESTS=1)"
else
  echo "  add_subdirectory: configured and checked; TESSERA_SLOW_TESTS=1 builds and runs it"
fi

# --- The Debian package --------------------------------------------------------------------------
if ! cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  echo "FAIL: cpack -G DEB"
  exit 1
fi
deb=$(ls "$work"/deb/tessera_*.deb)
step "cpack -G DEB: $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "  Depends: $depends"
for library in libjpeg62-turbo libspng0 libtbb12 libfmt9 libheif1 libavcodec; do
  [[ $depends == *"$library"* ]] || fail "Depends does not name $library"
done
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/deb.files"
for file in ./usr/bin/tessera ./usr/bin/tessera-video "./usr/lib/libtessera.so.$version" \
  ./usr/lib/libtessera.a ./usr/lib/libtessera_video.a ./usr/include/tessera/image.h ./usr/include/tessera/version.h \
  ./usr/lib/cmake/tessera/tesseraConfig.cmake ./usr/lib/pkgconfig/tessera.pc \
  ./usr/share/bash-completion/completions/tessera; do
  grep -qx "$file" "$work/deb.files" || fail "the package has no $file"
done
sed -n 's|^\./usr/include/\(.*[^/]\)$|\1|p' "$work/deb.files" | sort >"$work/deb.headers"
cmp -s "$work/deb.headers" "$work/headers.expected" ||
  fail "the package's headers differ from include/tessera: $(diff "$work/headers.expected" "$work/deb.headers")"

root=$work/root
mkdir -p "$root"
how="dpkg -x (not root, so no dpkg -i)"
if [[ $(id -u) == 0 ]]; then
  # A dpkg database that knows what this system has installed (its status and file lists), so
  # that dpkg -i checks Depends and file conflicts for real, and writes only under $root. The
  # package's postinst runs `ldconfig`; $root has no shell to chroot into, so the script runs
  # outside (--force-script-chrootless) on a stub ldconfig that notes the call instead of
  # rewriting this system's /etc/ld.so.cache.
  admin=$root/var/lib/dpkg
  mkdir -p "$admin/info" "$admin/updates" "$work/stub"
  cp /var/lib/dpkg/status "$admin/status"
  cp /var/lib/dpkg/info/*.list "$admin/info/"
  touch "$admin/available"
  printf '#!/bin/sh\necho "ldconfig $*" >>"%s"\n' "$work/ldconfig.calls" >"$work/stub/ldconfig"
  chmod +x "$work/stub/ldconfig"
  if PATH="$work/stub:$PATH" dpkg --root="$root" --force-script-chrootless -i "$deb" \
    >"$work/dpkg.log" 2>&1; then
    status=$(dpkg --root="$root" -s tessera)
    grep -q '^Status: install ok installed' <<<"$status" ||
      fail "dpkg --root -s tessera: not installed"
    [[ -s $work/ldconfig.calls ]] || fail "the postinst did not run ldconfig"
    how="dpkg -i into a temporary root"
  else
    cat "$work/dpkg.log"
    fail "dpkg -i into a temporary root"
  fi
else
  dpkg -x "$deb" "$root"
fi
version_line=$(PATH="$root/usr/bin:$PATH" tessera --version 2>&1)
version_line=${version_line%%$'\n'*}
if [[ $version_line == "tessera $version" ]] &&
  [[ $(PATH="$root/usr/bin:$PATH" command -v tessera) == "$root/usr/bin/tessera" ]]; then
  echo "  $how, then tessera --version from PATH: $version_line"
else
  fail "tessera --version of the package: $version_line"
fi
step "the .deb inspected, installed and run"

((failed)) && exit 1
echo "package: OK"
