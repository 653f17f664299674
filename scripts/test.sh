#!/usr/bin/env bash
# Sets up and runs every test: the format gate, the release build with -Werror and its tests,
# a benchmark smoke run, the whole suite under ThreadSanitizer, a fuzzing smoke run of every
# decoder, and, last, the suite under AddressSanitizer + UndefinedBehaviorSanitizer +
# LeakSanitizer.
# Every test also runs under tessera's own leak check (TESSERA_LEAK_CHECK=1 and the per-test
# GoogleTest hook). `.ci/run` runs exactly this.
#
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CMAKE_GENERATOR=Ninja
jobs=$(nproc)

# Each step says when it starts, in seconds since the start: CI must stay under 60 minutes.
step() { printf '\n== %s (at %d s) ==\n' "$*" "$SECONDS"; }

step "setup: packages"
TESSERA_SKIP_BUILD=1 bash scripts/setup.sh

step "format: clang-format --dry-run --Werror"
mapfile -t sources < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find include src tools tests bench -name '*.cpp' -o -name '*.h')
clang-format --dry-run --Werror "${sources[@]}"
echo "${#sources[@]} files formatted"

step "release build (-Werror) and tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTESSERA_WERROR=ON -DTESSERA_PYTHON=ON \
  -DPython_EXECUTABLE="$PWD/.venv/bin/python"
cmake --build build --parallel "$jobs"
ctest --test-dir build --output-on-failure --parallel "$jobs"

step "python package: pip install . into a new virtual environment, and its tests there"
# What a user's `pip install .` gives, built by scikit-build-core from this checkout, with the
# pinned versions (-c) of what it pulls in; tested from outside the repository, so that only
# the installed package can be imported.
rm -rf build/pip-venv
.venv/bin/python -m venv build/pip-venv
build/pip-venv/bin/python -m pip install --quiet --disable-pip-version-check \
  -c python/requirements.txt . "$(grep '^pytest==' python/requirements.txt)"
(cd "$(mktemp -d)" && "$OLDPWD/build/pip-venv/bin/python" -m pytest -q -p no:cacheprovider \
  "$OLDPWD/python/tests_installed")

step "benchmark smoke run (figures are for reading, not asserting)"
build/bench/memory_bench --benchmark_repetitions=3 --benchmark_min_time=0.05 2>&1 | tail -7
build/bench/ops_bench --benchmark_filter='/1920x1080/1t' --benchmark_repetitions=1 \
  --benchmark_min_time=0.01 2>&1 | tail -22

step "thread sanitizer build and tests"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTESSERA_SANITIZE=thread \
  -DTESSERA_WERROR=ON -DTESSERA_BUILD_BENCH=OFF
cmake --build build-tsan --parallel "$jobs"
# Suppressions cover only the uninstrumented codec libraries' own threads (see the file).
TSAN_OPTIONS=halt_on_error=1:allocator_may_return_null=1:suppressions=$PWD/tests/tsan.supp \
  ctest --test-dir build-tsan --output-on-failure --parallel "$jobs"

# 30 s a target here (fuzz.sh's own default is 60): CI must stay under 60 minutes on 2 cores,
# and longer runs are for a codec's own change (FUZZ_SECONDS=600 bash scripts/fuzz.sh).
export FUZZ_SECONDS=${FUZZ_SECONDS:-30}
step "fuzzing: each decoder for ${FUZZ_SECONDS}s (clang-16 libFuzzer, ASan + UBSan)"
bash scripts/fuzz.sh

step "address sanitizer build (address,undefined + LeakSanitizer) and tests"
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTESSERA_SANITIZE=address,undefined -DTESSERA_WERROR=ON -DTESSERA_BUILD_BENCH=OFF
cmake --build build-sanitize --parallel "$jobs"
# allocator_may_return_null: an impossible request must come back as tessera's OutOfMemory
# error, as it does with glibc, rather than abort inside ASan.
# Suppressions cover only known leaks inside codec libraries, each with its upstream report.
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:abort_on_error=1 \
  LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-sanitize --output-on-failure --parallel "$jobs"
step "done: every step passed"
