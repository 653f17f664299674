#!/usr/bin/env bash
# End-to-end: `tessera memory-demo` and the exit-time leak check, as a user runs them.
#   tests/cli/memory_demo_test.sh path/to/tessera
set -uo pipefail
tessera=${1:?usage: memory_demo_test.sh path/to/tessera}
failures=0
passes=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

check() {  # check NAME CONDITION...: one assertion, reported by name
  local name=$1
  shift
  if "$@"; then
    passes=$((passes + 1))
  else
    echo "FAIL: $name"
    failures=$((failures + 1))
  fi
}
contains() { grep -qF -- "$2" "$1"; }

# The line the demo's photos are allocated on, read from its source rather than written here.
demo_source="$(dirname "$0")/../../tools/tessera/memory_demo.cpp"
photo_line=$(grep -n 'Image photo = Image::create' "$demo_source" | cut -d: -f1)

# 1. The demo runs clean under the leak check and shows each part of the scenario.
TESSERA_LEAK_CHECK=1 "$tessera" memory-demo >"$out/demo.out" 2>"$out/demo.err"
status=$?
check "demo exits 0 under TESSERA_LEAK_CHECK=1 (got $status)" test "$status" -eq 0
check "compare() shows the cache growing at the photo's site" \
  contains "$out/demo.out" "tools/tessera/memory_demo.cpp:$photo_line: size=+29.7 MiB (+5 buffers)"
check "the report names the pinned parent in bytes" \
  contains "$out/demo.out" "pinned: only 1 region keeps all 5.9 MiB alive"
check "the report names the region and its site" \
  contains "$out/demo.out" "region 192x108 at (0, 0) rgb8 (60.8 KiB, 1 handle) cut at tools/tessera/memory_demo.cpp"
check "compact frees the photos" contains "$out/demo.out" "size=-29.7 MiB (-5 buffers)"
check "the budget refuses 12 MiB under a 10 MiB cap" \
  contains "$out/demo.out" "0 B live + 12.0 MiB requested > cap 10.0 MiB"
check "the next 8 MiB image fits" contains "$out/demo.out" "the next image (8.0 MiB) fits"
check "the final report is clean" contains "$out/demo.out" "tessera leak report: no buffers alive"
check "the exit-time check says no leaks" contains "$out/demo.err" "tessera leak check: no leaks"

# 2. A leak at exit fails the process and names the allocating line.
TESSERA_LEAK_CHECK=1 "$tessera" memory-demo --photos 1 --leak-at-exit >"$out/leak.out" 2>"$out/leak.err"
status=$?
check "a leak at exit gives exit status 1 (got $status)" test "$status" -eq 1
check "the exit report names the leaked image's label and line" \
  grep -qE "'forgotten' allocated at tools/tessera/memory_demo.cpp:[0-9]+" "$out/leak.err"
check "the exit report says FAILED" contains "$out/leak.err" "tessera leak check: FAILED"

# 3. Usage errors exit 2 with a hint; --help exits 0.
"$tessera" memory-demo --photos 0 >"$out/usage.out" 2>&1
status=$?
check "an out-of-range option exits 2 (got $status)" test "$status" -eq 2
check "the usage error names the option" contains "$out/usage.out" "--photos"
"$tessera" >/dev/null 2>&1
status=$?
check "no subcommand exits 2 (got $status)" test "$status" -eq 2
"$tessera" --help >"$out/help.out" 2>&1
status=$?
check "--help exits 0 (got $status)" test "$status" -eq 0
check "--help lists memory-demo" contains "$out/help.out" "memory-demo"

if ((failures)); then
  echo "--- demo output ---"
  cat "$out/demo.out" "$out/demo.err"
fi
echo "$passes passed, $failures failed"
((failures == 0))
