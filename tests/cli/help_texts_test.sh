#!/usr/bin/env bash
# Help texts say what the program does (issue 14 item 19). Fails on 8484b4f: `convert --help`
# listed 4 output formats of the 11 it writes, `-q` said "JPEG and WebP" (it also sets HEIC/AVIF
# and JPEG-in-TIFF quality), and `tessera ops` marked resize and canny "whole image" while the
# pipeline streams both (`convert --estimate` says so).
#   tests/cli/help_texts_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: help_texts_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: help_texts_test.sh path/to/tessera path/to/corpora}
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
photo="$corpora/jpeg/libjpeg-turbo/testimages/testorig.jpg"

# Every extension convert's help names is written, and read back at the same size.
"$tessera" convert --help >"$work/help" || fail "convert --help exits 0"
extensions=$(tr -s ' \n' ' ' <"$work/help" | grep -oE 'Output image[^)]*\)' | grep -oE '\.[a-z]+')
[[ $(wc -w <<<"$extensions") -ge 11 ]] || fail "convert --help names every format it writes: $extensions"
for extension in $extensions; do
  "$tessera" convert "$photo" "$work/out$extension" -p "resize 64x64" >/dev/null 2>&1 ||
    fail "convert writes the $extension that its help names"
  "$tessera" info "$work/out$extension" 2>/dev/null | grep -qF " 64x64 " ||
    fail "the $extension written reads back as 64x64"
done

# -q changes the size of every format its help names (and of none it does not).
grep -qF "Quality of lossy compression (JPEG, lossy WebP, HEIC/AVIF and JPEG-in-TIFF)" "$work/help" ||
  fail "-q's help names the formats it sets"
size_at() {  # size_at QUALITY EXTENSION [OPTIONS...]
  local quality=$1 extension=$2
  shift 2
  "$tessera" convert "$photo" "$work/q$quality$extension" -q "$quality" "$@" >/dev/null 2>&1 &&
    stat -c %s "$work/q$quality$extension"
}
for case in ".jpg" ".webp" ".heic" ".avif" ".tif --tiff-compression jpeg"; do
  read -r extension options <<<"$case"
  # shellcheck disable=SC2086 # options are words
  low=$(size_at 20 "$extension" $options) high=$(size_at 95 "$extension" $options)
  [[ -n $low && -n $high && $low -lt $high ]] ||
    fail "-q 20 writes a smaller $case than -q 95 ($low vs $high)"
done
# Lossless WebP is not lossy: -q leaves it alone and says so (on e844121 it changed the effort).
low=$(size_at 20 .webp --lossless) high=$(size_at 95 .webp --lossless)
[[ -n $low && $low == "$high" ]] || fail "-q leaves a lossless .webp alone ($low vs $high)"
"$tessera" convert "$photo" "$work/lossless.webp" --lossless -q 20 2>&1 | grep -qF "ignored" ||
  fail "-q with --lossless warns that it is ignored"

# `tessera ops` says how the pipeline runs each op, in --estimate's words.
plan=$("$tessera" convert "$photo" "$work/plan.png" --estimate \
  -p "resize 50% | crop 0,0,50,50 | gray | blur 3 | canny 50 150 | flip | rgb")
for op in resize crop blur canny flip; do
  how=$(grep -E "^$op " <<<"$plan" | sed -E 's/.*\(([^)]*)\)$/\1/; s/, [0-9]+ around//; s/strips of [0-9]+ rows/neighbourhood/')
  listed=$("$tessera" ops "$op" | head -1 | sed -E 's/.*\[([^]]*)\]$/\1/')
  [[ -n $how && $how == "$listed"* ]] || fail "tessera ops $op says [$listed]; the plan runs it as ($how)"
done

echo "$((failures == 0 ? 1 : 0)) passed, $failures failed"
exit $((failures > 0))
