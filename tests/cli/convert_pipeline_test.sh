#!/usr/bin/env bash
# End-to-end: `tessera convert IN OUT -p PIPELINE` runs the ops, and a bad pipeline is a usage
# error (exit 2) reported before the input is opened, leaving no output.
#   tests/cli/convert_pipeline_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: convert_pipeline_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: convert_pipeline_test.sh path/to/tessera path/to/corpora}
photo=$corpora/jpeg/libjpeg-turbo/testimages/testorig.jpg
failures=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

"$tessera" convert "$photo" "$out/edges.png" -p "gray | blur 5 | canny 50 150 | rgb" ||
  fail "the seed pipeline runs"
"$tessera" info "$out/edges.png" | grep -qF "png 227x149 rgb8" || fail "edges are 227x149 RGB"

# Mirroring twice changes nothing: the output equals a plain conversion, byte for byte.
"$tessera" convert "$photo" "$out/plain.png" || fail "a plain conversion runs"
"$tessera" convert "$photo" "$out/twice.png" -p "flip h|flip h" || fail "flip h twice runs"
cmp -s "$out/plain.png" "$out/twice.png" || fail "flip h | flip h equals no pipeline"

"$tessera" convert "$photo" "$out/half.png" -p "resize 50%" || fail "resize 50% runs"
"$tessera" info "$out/half.png" | grep -qF "114x75" || fail "resize 50% of 227x149 is 114x75"

"$tessera" convert "$photo" "$out/bad.png" -p "gray | blur 4" >"$out/bad.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "a bad value exits 2 (got $status)"
grep -qF "column 13: blur: ksize 4 is not allowed" "$out/bad.out" || fail "the column and range are named"
[[ ! -e "$out/bad.png" ]] || fail "a refused pipeline writes nothing"

"$tessera" convert /no/such/file.jpg "$out/never.png" -p "gray | sharpe" >"$out/early.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "the pipeline is checked before the input is opened (got $status)"
grep -qF "unknown op 'sharpe'" "$out/early.out" || fail "the unknown op is named"

"$tessera" convert "$photo" "$out/colour.png" -p "canny 50 150" >"$out/colour.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "an op that cannot take the image is a usage error, exit 2 (got $status)"
grep -qF "canny" "$out/colour.out" || fail "the failing op is named"
[[ ! -e "$out/colour.png" ]] || fail "a failed run leaves no output"

# --estimate prints the plan from the headers and converts nothing.
"$tessera" convert "$photo" "$out/est.png" -p "gray | blur 5 | canny 50 150 | rgb" --estimate \
  >"$out/est.out" 2>&1 || fail "--estimate exits 0"
grep -qF "canny 50 150" "$out/est.out" || fail "--estimate lists the stages"
grep -qF "(whole image, taken in bands" "$out/est.out" || fail "--estimate says canny takes the whole image, in bands"
grep -qE "peak memory about [0-9.]+ (KiB|MiB)" "$out/est.out" || fail "--estimate prints the peak"
[[ ! -e "$out/est.png" ]] || fail "--estimate writes nothing"

# --memory: refused up front below the estimate, run within it.
"$tessera" convert "$photo" "$out/tight.png" -p "gray | blur 5 | canny 50 150 | rgb" --memory 10K \
  >"$out/tight.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "a job over --memory exits 1 (got $status)"
grep -qF "OutOfBudget" "$out/tight.out" || fail "a job over --memory is OutOfBudget"
grep -qF "more than --memory 10.0 KiB" "$out/tight.out" || fail "the refusal names the estimate and limit"
[[ ! -e "$out/tight.png" ]] || fail "a refused job writes nothing"
"$tessera" convert "$photo" "$out/roomy.png" -p "gray | blur 5 | canny 50 150 | rgb" --memory 8M ||
  fail "the job runs within --memory 8M"
cmp -s "$out/roomy.png" "$out/edges.png" || fail "a budgeted run gives the same pixels"
"$tessera" convert "$photo" "$out/x.png" --memory lots >/dev/null 2>&1
status=$?
[[ $status -eq 2 ]] || fail "a bad --memory value exits 2 (got $status)"

# A 16-bit image into an op that takes u8 only: refused from the header, before decoding, with
# the caret under the op and the way out; with that way taken, it runs.
wide=$corpora/png/tests/images/basn2c16.png
"$tessera" convert "$wide" "$out/wide.png" -p "gray | canny 50 150" >"$out/wide.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "a 16-bit image into canny exits 2 (got $status)"
grep -qF "stage 2 'canny 50 150' (column 8): canny takes u8 only, got u16: put \`depth u8\` before it" \
  "$out/wide.out" || fail "the refusal names the op, the types and the hint"
grep -qxF "         ^" "$out/wide.out" || fail "the caret stands under canny"
[[ ! -e $out/wide.png ]] || fail "a refused 16-bit pipeline leaves no output"
"$tessera" convert "$wide" "$out/wide.png" -p "gray | depth u8 | canny 50 150" ||
  fail "with depth u8 before it, canny runs"

echo "$((failures == 0 ? 1 : 0)) passed, $failures failed"
exit $((failures > 0))
