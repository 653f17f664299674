#!/usr/bin/env bash
# Installs every Debian package tessera needs, then builds the release tree in build/.
# Idempotent: packages already present are not reinstalled, and the build is incremental.
#
#   bash scripts/setup.sh            # install + release build
#   TESSERA_SKIP_BUILD=1 bash scripts/setup.sh   # install only
set -euo pipefail
cd "$(dirname "$0")/.."

# Build tools and libraries linked into tessera.
packages=(
  build-essential cmake ninja-build pkg-config
  libfmt-dev libcli11-dev nlohmann-json3-dev
  # Ops: portable SIMD with runtime dispatch, and threads over row strips.
  libhwy-dev libtbb-dev
  # Codecs: each format on the library made for it.
  libjpeg62-turbo-dev libspng-dev zlib1g-dev libwebp-dev libtiff-dev libgif-dev libheif-dev
  # Colour management: CMYK through its embedded ICC profile to sRGB (as libvips does).
  liblcms2-dev
  # Metadata: EXIF orientation and pixel dimensions edited inside the carried blob.
  libexif-dev
  # Palettes (GIF, palette PNG): quantisation and dithering, as pngquant and libvips do.
  libimagequant-dev
  # Video: FFmpeg's libraries (demux, decode, encode, mux, pixel conversion).
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
  # Tests, benchmarks and the format gate.
  libgtest-dev libgmock-dev libbenchmark-dev clang-format
  # libFuzzer targets need clang >= 15 for std::source_location with libstdc++ 12.
  clang-16 libclang-rt-16-dev
  # The rival in benchmarks and, later, the reference for ops; never linked into tessera.
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev
  # libvips, the pipeline benchmark's other rival (bench/rivals/); never linked into tessera.
  libvips-dev libvips-tools
  # Python's cv2, the batch benchmark's multiprocessing.Pool rival (bench/rivals/cv2_pool.py).
  python3-opencv
  # The Python package's virtual environment (.venv) when python3 is Debian's.
  python3-venv
  # Reference decoders the codec tests compare against (djpeg, libpng, Pillow for TIFF).
  libjpeg-turbo-progs libpng-dev python3-pil libheif-examples
  # The palette tests' references: pngquant (the same quantiser, its settings) and giflib's own
  # reader of the GIFs tessera writes (giftext, gifbuild).
  pngquant giflib-tools
  # The metadata tests' independent reader of EXIF, XMP, IPTC and ICC (exiftool).
  libimage-exiftool-perl
  # The video tests' reference decoder and the benchmark's rival and clip maker (ffmpeg, ffprobe).
  ffmpeg
  # cpack -G DEB's dependencies (dpkg-shlibdeps; build-essential brings it, named here because
  # the package test relies on it).
  dpkg-dev
  # Measures peak RSS for benchmarks (/usr/bin/time -v).
  time
  # The HTML report's tests open the page headless (tests/cli/report_html_test.sh).
  chromium
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Sample photographs for the README's first command (samples/photos, not in git).
bash scripts/samples.sh
# Real footage for the video tests and benchmark (samples/video, not in git).
bash scripts/footage.sh

# The Python package's environment: a virtual environment from the python3 on PATH, with the
# pinned packages of python/requirements.txt (installed again only when that file changes).
if ! .venv/bin/python -c "import sys" 2>/dev/null; then
  python3 -m venv .venv
fi
if ! cmp -s python/requirements.txt .venv/tessera-requirements.txt; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r python/requirements.txt
  # pyvips builds its _libvips module against Debian's libvips (installed for the C benchmark)
  # over the one pyvips-binary brings; the benchmark compares with the current libvips, so
  # pyvips-binary's goes back on top.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    "$(grep '^pyvips-binary==' python/requirements.txt)"
  cp python/requirements.txt .venv/tessera-requirements.txt
fi
# `.venv/bin/python` imports the module the build below makes (build/python/tessera), as an
# editable install would: a .pth file names the folder. `pip install .` is for other
# environments.
site_packages=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$PWD/build/python" >"$site_packages/tessera-build-tree.pth"

if [[ -z "${TESSERA_SKIP_BUILD:-}" ]]; then
  export CMAKE_GENERATOR=${CMAKE_GENERATOR:-Ninja}  # used only when build/ is new
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTESSERA_PYTHON=ON \
    -DPython_EXECUTABLE="$PWD/.venv/bin/python"
  cmake --build build
fi
