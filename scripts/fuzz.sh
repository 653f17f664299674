#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-16, ASan + UBSan + LeakSanitizer) and runs each for a
# while, seeded from ../shared/corpora: nine targets at 60 s each, one per core at a time (about
# 5 minutes on 2 cores; scripts/test.sh gives each 30 s). Any crash, sanitizer report, leak or
# timeout fails the run and leaves the input in build-fuzz/findings/: add it under
# tests/crashers/<format>/, where the test suite decodes it on every run from then on.
#
#   bash scripts/fuzz.sh            # 60 s per target
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
corpora=../shared/corpora

CC=clang-16 CXX=clang++-16 CMAKE_GENERATOR=Ninja cmake -S . -B build-fuzz \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTESSERA_FUZZ=ON -DTESSERA_SANITIZE=address,undefined \
  -DTESSERA_BUILD_TESTS=OFF -DTESSERA_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --parallel "$(nproc)"

declare -A seeds=(
  [jpeg]="$corpora/jpeg $corpora/afl/seeds/jpeg tests/crashers/jpeg"
  [png]="$corpora/png $corpora/afl/seeds/png tests/crashers/png"
  [webp]="$corpora/webp $corpora/afl/seeds/webp tests/crashers/webp"
  [tiff]="$corpora/tiff $corpora/afl/seeds/tiff tests/crashers/tiff"
  [gif]="$corpora/vips/test/test-suite/images $corpora/afl/seeds/gif tests/crashers/gif"
  [heif]="$corpora/heif tests/crashers/heif"
  [bmp]="$corpora/afl/seeds/bmp $corpora/jpeg/libjpeg-turbo/testimages tests/crashers/bmp"
  [pnm]="$corpora/jpeg/seed-corpora/bugs/compress tests/crashers/pnm"
  [video]="build-fuzz/video-seeds tests/crashers/video"
)
declare -A dictionaries=([jpeg]=$corpora/afl/dictionaries/jpeg.dict
  [png]=$corpora/afl/dictionaries/png.dict [webp]=$corpora/afl/dictionaries/webp.dict
  [tiff]=$corpora/afl/dictionaries/tiff.dict [gif]=$corpora/afl/dictionaries/gif.dict
  [heif]=$corpora/afl/dictionaries/heif.dict [bmp]=$corpora/afl/dictionaries/bmp.dict)

# Stack traces with names: clang-16's symbolizer, or any other that is installed.
symbolizer=$(command -v llvm-symbolizer-16 || command -v /usr/lib/llvm-16/bin/llvm-symbolizer || command -v llvm-symbolizer || true)

mkdir -p build-fuzz/findings

# One target: its log in build-fuzz/FORMAT.log, its verdict in build-fuzz/FORMAT.status.
fuzz() {
  local format=$1 work=build-fuzz/corpus/$1 # new inputs go here; the seed folders are only read
  mkdir -p "$work"
  local existing=() dictionary=() folder
  for folder in ${seeds[$format]}; do [[ -d $folder ]] && existing+=("$folder"); done
  [[ -n ${dictionaries[$format]:-} && -f ${dictionaries[$format]} ]] && dictionary=(-dict="${dictionaries[$format]}")
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp ASAN_SYMBOLIZER_PATH=$symbolizer \
    "build-fuzz/fuzz/${format}_fuzzer" "$work" "${existing[@]}" "${dictionary[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=1048576 \
    -artifact_prefix="build-fuzz/findings/${format}-" -print_final_stats=1 2>"build-fuzz/$format.log"; then
    echo ok >"build-fuzz/$format.status"
  else
    echo failed >"build-fuzz/$format.status"
  fi
}

# As many targets at once as there are cores: each fuzzer runs on one thread.
# Video seeds: the start of each real clip (the fuzzer's inputs are at most 1 MiB).
mkdir -p build-fuzz/video-seeds
for clip in samples/video/vtest.avi samples/video/motion.mov; do
  [[ -f $clip ]] && head -c 200000 "$clip" >"build-fuzz/video-seeds/$(basename "$clip")"
done

formats=(bmp gif heif jpeg png pnm tiff webp video)
running=0
for format in "${formats[@]}"; do
  echo "== fuzzing $format for ${seconds}s =="
  rm -f "build-fuzz/$format.status"
  fuzz "$format" &
  running=$((running + 1))
  if ((running >= $(nproc))); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

status=0
for format in "${formats[@]}"; do
  if [[ $(cat "build-fuzz/$format.status" 2>/dev/null) != ok ]]; then
    echo "FAIL: the $format fuzzer found a problem:"
    grep -E "ERROR|SUMMARY|Test unit written" "build-fuzz/$format.log" | head -20
    status=1
  fi
  echo "$format: $(grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build-fuzz/$format.log" | tr -s ' \n' ' ')"
done
exit $status
