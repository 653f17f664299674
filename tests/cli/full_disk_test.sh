#!/usr/bin/env bash
# A batch whose output device fills up stops taking files and says so (issue 14 items 10-11):
# every further file would fail the same way; a read-only output folder is refused before the
# first decode (item 15). Needs root for a tiny tmpfs; skips (77) without.
#   tests/cli/full_disk_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: full_disk_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: full_disk_test.sh path/to/tessera path/to/corpora}
photo=$corpora/vips/test/test-suite/images/ultra-hdr.jpg
failures=0
work=$(mktemp -d)
full=$work/full
mkdir -p "$work/in" "$full"
if [[ $(id -u) -ne 0 ]] || ! mount -t tmpfs -o size=300k none "$full" 2>/dev/null; then
  rm -rf "$work"
  echo "SKIP: needs root to mount a tiny tmpfs"
  exit 77
fi
trap 'umount "$full"; rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

for i in $(seq 1 12); do cp "$photo" "$work/in/p$i.jpg"; done
for format in jpg png tif webp; do
  "$tessera" batch "$work/in" "$full/$format" -j 1 --format "$format" -p "resize 150%" \
    --report "$work/$format.json" >"$work/$format.out" 2>&1
  status=$?
  [[ $status -eq 1 ]] || fail "$format: a full device exits 1 (got $status)"
  grep -qF "output device full" "$work/$format.out" &&
    grep -qF "run again with --resume when there is room" "$work/$format.out" ||
    fail "$format: says the output device is full: $(grep -m1 FAILED "$work/$format.out")"
  attempted=$(grep -cE "^FAILED" "$work/$format.out")
  ((attempted < 12)) || fail "$format: stopped taking files after the device filled ($attempted failed)"
  grep -qF '"status": "output_full"' "$work/$format.json" ||
    fail "$format: the report says the run stopped for a full device, not complete"
  rm -rf "${full:?}/$format"
done
# 15: an output folder that cannot take files is refused before the first decode.
umount "$full"
mount -t tmpfs -o ro,size=100k none "$full"
"$tessera" batch "$work/in" "$full" -j 1 -p "resize 150%" --report "$work/ro.json" >"$work/ro.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "a read-only output folder: exit 1 (got $status)"
grep -qF "cannot write in the output folder: Read-only file system" "$work/ro.out" ||
  fail "a read-only output folder is named with its reason: $(head -1 "$work/ro.out")"
! grep -q "^FAILED" "$work/ro.out" || fail "no file is decoded before the check"

# 15: so is a report on a read-only device.
"$tessera" batch "$work/in" "$work/ro-out" -j 1 -p "resize 150%" --report "$full/r.json" >"$work/ro-report.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "a read-only report path: exit 1 (got $status)"
grep -qF "cannot write the report" "$work/ro-report.out" || fail "a read-only report is named: $(head -1 "$work/ro-report.out")"
[[ ! -e $work/ro-out ]] || fail "no file is decoded before the report check"

# A report whose device fills during the run (it aborted, exit 134, leaving its .part and a
# temporary among the outputs): the run stops taking files, says why, exits 1, leaves neither.
umount "$full"
mount -t tmpfs -o size=12k none "$full"
head -c 9000 /dev/zero >"$full/filler"
for report in r.json r.html; do
  "$tessera" batch "$work/in" "$work/out-$report" -j 1 -p "resize 10%" --report "$full/$report" \
    >"$work/report-full.out" 2>&1
  status=$?
  [[ $status -eq 1 ]] || fail "$report on a full device: exit 1 (got $status)"
  grep -qF "cannot write the report" "$work/report-full.out" &&
    grep -qF -- "--resume" "$work/report-full.out" ||
    fail "$report on a full device is said: $(tail -1 "$work/report-full.out")"
  left=$(find "$full" "$work/out-$report" -name '*.part' -o -name '.*tessera-*' | wc -l)
  [[ $left -eq 0 ]] || fail "$report on a full device left $left partial files"
done

[[ $failures -eq 0 ]] && echo "all full-disk checks passed"
exit $((failures > 0))
