#!/usr/bin/env bash
# End-to-end: `tessera info` and `tessera convert` as a user runs them.
#   tests/cli/codec_commands_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: codec_commands_test.sh path/to/tessera path/to/corpora}
corpora=${2:?}
failures=0
passes=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
contains() { grep -qF -- "$2" "$1"; }

if [[ ! -d $corpora ]]; then
  echo "corpora not found at $corpora: skipping"
  echo "0 passed, 0 failed"
  exit 0
fi
jpeg="$corpora/jpeg/libjpeg-turbo/testimages/testorig.jpg"
png="$corpora/png/tests/images/basn6a16.png"

# info: one line per file, a failure does not stop the rest, exit 1 if any failed.
"$tessera" info "$jpeg" "$png" "$corpora/png/tests/images/xs1n0g01.png" "$out/missing.jpg" >"$out/info.out" 2>"$out/info.err"
status=$?
check "info exits 1 when some files fail (got $status)" test "$status" -eq 1
check "info describes the JPEG" contains "$out/info.out" "testorig.jpg: jpeg 227x149 rgb8 (3 channels, 8-bit), full decode needs 102.4 KiB"
check "info describes the 16-bit RGBA PNG" contains "$out/info.out" "basn6a16.png: png 32x32 rgba16 (4 channels, 16-bit)"
check "info names the corrupt file's reason" contains "$out/info.err" "xs1n0g01.png: CorruptData"
check "info names the missing file's reason" contains "$out/info.err" "missing.jpg: Io in open: cannot open for reading: No such file"
"$tessera" info --max-pixels 1000 "$jpeg" >/dev/null 2>"$out/limit.err"
check "info honours --max-pixels" contains "$out/limit.err" "over the limit of 1000"

# convert: format from the output's extension, options applied, exit codes.
"$tessera" convert "$jpeg" "$out/a.png"
check "convert JPEG to PNG exits 0" test $? -eq 0
check "the PNG is a real PNG" contains <("$tessera" info "$out/a.png") "png 227x149 rgb8"
"$tessera" convert "$out/a.png" "$out/b.jpg" -q 50 --progressive --subsampling 444
check "convert PNG to progressive JPEG exits 0" test $? -eq 0
check "the JPEG is progressive" contains <("$tessera" info "$out/b.jpg") "progressive"
"$tessera" convert "$jpeg" "$out/c.jp2" 2>"$out/ext.err"
status=$?
check "an unknown output extension is a usage error: exit 2 (got $status)" test "$status" -eq 2
check "it names the extension" contains "$out/ext.err" "cannot write '.jp2' files"
check "no file is created for it" test ! -e "$out/c.jp2"
"$tessera" convert "$corpora/png/tests/crashers/huge_IDAT.png" "$out/d.png" 2>"$out/corrupt.err"
status=$?
check "a corrupt input exits 1 (got $status)" test "$status" -eq 1
check "no output or temporary is left for it" test -z "$(ls -A "$out" | grep -E '^(d\.png|\.d\.png)')"
"$tessera" convert "$jpeg" "$out/e.jpg" -q 101 >/dev/null 2>&1
status=$?
check "a bad quality is a usage error, exit 2 (got $status)" test "$status" -eq 2

echo "$passes passed, $failures failed"
((failures == 0))
