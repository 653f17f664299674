#!/usr/bin/env bash
# End-to-end: `tessera ops` lists every op from the registry, with parameters and ranges.
#   tests/cli/ops_command_test.sh path/to/tessera
set -uo pipefail
tessera=${1:?usage: ops_command_test.sh path/to/tessera}
failures=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

"$tessera" ops >"$out/ops.out" 2>&1 || fail "tessera ops exits 0"
for op in gray rgb rgba strip_alpha swap_rb depth contrast gamma invert equalize threshold blur \
  box_blur sharpen convolve median erode dilate sobel canny crop flip rotate resize pad; do
  grep -qE "^$op +" "$out/ops.out" || fail "tessera ops lists $op"
done
grep -qF "ksize=5                  odd kernel size, or 0 to derive it from sigma (integer in 0..255)" \
  "$out/ops.out" || fail "blur's ksize is listed with its default and range"
grep -qF "low (required)" "$out/ops.out" || fail "canny's required low is marked"
[[ $(grep -c "^    samples: " "$out/ops.out") -eq $(grep -cE "^[a-z_]+ +.*\]$" "$out/ops.out") ]] ||
  fail "every op lists the sample types it takes"
grep -A1 -E "^canny " "$out/ops.out" | grep -qE "^    samples: +u8 only$" ||
  fail "canny takes u8 only"
grep -A1 -E "^blur " "$out/ops.out" | grep -qE "^    samples: +u8, u16, f32$" ||
  fail "blur takes u8, u16 and f32"

"$tessera" ops canny >"$out/canny.out" || fail "tessera ops canny exits 0"
[[ $(grep -c "^[a-z]" "$out/canny.out") -eq 1 ]] || fail "tessera ops canny shows only canny"

"$tessera" ops blurr >"$out/bad.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "an unknown op exits 2 (got $status)"
grep -qF "unknown op 'blurr'; the ops are: gray, rgb" "$out/bad.out" || fail "an unknown op lists the ops"

echo "$((failures == 0 ? 1 : 0)) passed, $failures failed"
exit $((failures > 0))
