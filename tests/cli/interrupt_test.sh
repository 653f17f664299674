#!/usr/bin/env bash
# Ctrl-C and SIGTERM, sent for real at random moments (issue 14 item 10). A batch stops taking
# files, lets those in flight finish, leaves no temporary, writes its report with status
# "interrupted" and its summary, and exits 130 (SIGINT) or 143 (SIGTERM); every output that
# exists equals an uninterrupted run's. A second signal ends it at once, and --resume then
# cleans up and completes. `convert` finishes its file and exits 130 the same way.
#   tests/cli/interrupt_test.sh path/to/tessera path/to/corpora [SIGNALS]
set -uo pipefail
set -m  # background jobs in their own group, so that SIGINT is not ignored in them
tessera=${1:?usage: interrupt_test.sh path/to/tessera path/to/corpora [SIGNALS]}
corpora=${2:?usage: interrupt_test.sh path/to/tessera path/to/corpora [SIGNALS]}
signals=${3:-8}
photo=$corpora/vips/test/test-suite/images/ultra-hdr.jpg
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
# Waits (up to 20 s) until a file matching the glob exists; returns 1 if none came.
await() { for _ in $(seq 2000); do compgen -G "$1" >/dev/null && return 0; sleep 0.01; done; return 1; }

mkdir -p "$work/in"
for i in $(seq 0 15); do
  "$tessera" convert "$photo" "$work/in/p$i.jpg" -p "resize $((480 + 40 * (i % 4)))x" || fail "input $i"
done
job=(-p "resize 150% | sharpen" --jobs 2)
hashes() { (cd "$1" && find . -type f ! -name '.*' | sort | xargs -r sha256sum); }
start=$(date +%s%N)
"$tessera" batch "$work/in" "$work/reference" "${job[@]}" >/dev/null 2>&1 || fail "the uninterrupted run"
took_ms=$((($(date +%s%N) - start) / 1000000))
hashes "$work/reference" >"$work/reference.sha"

interrupted=0
for k in $(seq "$signals"); do
  out=$work/out$k report=$work/report$k.json
  signal=$([[ $((k % 2)) == 0 ]] && echo TERM || echo INT)
  expected=$([[ $signal == INT ]] && echo 130 || echo 143)
  "$tessera" batch "$work/in" "$out" "${job[@]}" --report "$report" >"$work/run$k.out" 2>&1 &
  pid=$!
  # The report's part file is opened once the signals are watched: signal after that.
  await "$report.part" || fail "run $k never opened its report"
  sleep "$(awk -v seed="$RANDOM" -v ms="$took_ms" 'BEGIN {srand(seed); printf "%.3f", rand() * ms / 1000}')"
  kill -"$signal" "$pid" 2>/dev/null
  wait "$pid"
  status=$?
  if [[ $status -eq 0 ]]; then
    grep -q '"status": "complete"' "$report" || fail "run $k finished before the signal: status complete"
    continue
  fi
  interrupted=$((interrupted + 1))
  [[ $status -eq $expected ]] || fail "SIG$signal: exit $expected (got $status)"
  [[ -z $(find "$out" -name '.*' 2>/dev/null) ]] || fail "SIG$signal left temporaries: $(find "$out" -name '.*')"
  [[ ! -e $report.part ]] || fail "SIG$signal left the report's part file"
  /usr/bin/python3 - "$report" "$(hashes "$out" 2>/dev/null | wc -l)" <<'PY' 2>&1 || fail "run $k: the report says interrupted, with the files done"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["status"] == "interrupted", report["status"]
assert report["totals"]["done"] == int(sys.argv[2]) == len(report["files"]), (report["totals"], sys.argv[2])
# The inputs, counted on the side at once, say how many the run left.
assert report["totals"]["inputs"] in (16, None), report["totals"]
PY
  # Its page says how many files were not reached.
  "$tessera" report "$report" -o "$work/report$k.html" >/dev/null 2>&1 || fail "run $k: the report renders"
  /usr/bin/python3 - "$report" "$work/report$k.html" <<'PY' 2>&1 || fail "run $k: the page says how many files were left"
import json, re, sys
report, page = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
totals = report["totals"]
if totals["inputs"] is not None:
    left = totals["inputs"] - totals["done"] - totals["failed"] - totals["skipped"]
    found = re.search(r'id="files-left" data-left="(\d+)"', page)
    assert found and int(found.group(1)) == left, (found and found.group(0), left)
    assert f"{left} of 16 files were not reached" in page
PY
  grep -qE "^batch: interrupted: [0-9]+ done, 0 failed" "$work/run$k.out" || fail "SIG$signal: the summary says interrupted"
  (cd "$out" 2>/dev/null && find . -type f ! -name '.*' | while read -r name; do
    grep -qF "$(sha256sum "$name")" "$work/reference.sha" || echo "$name"
  done) >"$work/wrong"
  [[ -s $work/wrong ]] && fail "SIG$signal: an output differs from the reference: $(head -1 "$work/wrong")"
done
echo "interrupted $interrupted of $signals runs"
((interrupted >= 1)) || fail "no signal landed mid-run"

# A second signal, a second or more after the first, ends the run at once, even with an input
# that never comes (a FIFO no one writes); the report's part file keeps the files finished
# before it. (The temporaries of files in flight go too: the convert checks below.)
# Holds FIFO $1 open for writing once the batch opens it to read (then touches $1.opened), and
# writes the bytes of $3 into it $2 seconds later; its process group is $holder (set -m), and
# it keeps none of this script's outputs open (ctest waits for those).
hold_fifo() {
  (exec 3>"$1"; touch "$1.opened"; sleep "$2"; cat "$3" >&3) >/dev/null 2>&1 &
  holder=$!
}
mkfifo "$work/never.jpg"
printf '%s\n' "$work/in/p0.jpg" "$work/never.jpg" >"$work/twice.list"
hold_fifo "$work/never.jpg" 60 /dev/null
"$tessera" batch "$work/twice.list" "$work/twice" "${job[@]}" --report "$work/twice.json" >/dev/null 2>&1 &
pid=$!
await "$work/twice/p0.jpg" || fail "the run never finished its first file"
await "$work/never.jpg.opened" || fail "the run never opened the FIFO"
kill -INT "$pid"; sleep 1.5; kill -INT "$pid" 2>/dev/null
wait "$pid"
status=$?
kill -- -"$holder" 2>/dev/null
[[ $status -eq 130 ]] || fail "two SIGINTs: exit 130 (got $status)"
[[ -z $(find "$work/twice" -name '.*') ]] || fail "two SIGINTs leave no temporary"
grep -qF "$work/twice/p0.jpg" "$work/twice.json.part" 2>/dev/null ||
  fail "two SIGINTs leave the report's part file with the finished file"
"$tessera" batch "$work/in" "$work/twice" "${job[@]}" --resume >/dev/null 2>&1 || fail "--resume after two signals"
[[ $(hashes "$work/twice") == "$(cat "$work/reference.sha")" ]] || fail "--resume completes the run"

# `timeout -s INT` signals the process and then its whole group: one request delivered twice
# (here 0.1 s apart, so that the two are not merged into one pending signal), which must stop
# the run as one Ctrl-C does (on e844121 it killed it at once, with no summary and no report).
# The FIFO keeps a file in flight past the signals; its bytes come after them.
mkfifo "$work/late.jpg"
printf '%s\n' "$work/in/p1.jpg" "$work/late.jpg" "$work/in/p2.jpg" >"$work/timed.list"
hold_fifo "$work/late.jpg" 1 "$work/in/p3.jpg"
"$tessera" batch "$work/timed.list" "$work/timed" --jobs 1 --report "$work/timed.json" \
  >"$work/timed.out" 2>&1 &
pid=$!
await "$work/late.jpg.opened" || fail "the timed run never opened the FIFO"
kill -INT "$pid"; sleep 0.1; kill -INT "$pid" 2>/dev/null
wait "$pid"
status=$?
wait "$holder"
[[ $status -eq 130 ]] || fail "a doubled SIGINT: exit 130 (got $status)"
grep -qE "^batch: interrupted: 2 done" "$work/timed.out" ||
  fail "a doubled SIGINT: the file in flight finishes and the summary is printed: $(cat "$work/timed.out")"
grep -qF '"status": "interrupted"' "$work/timed.json" 2>/dev/null || fail "a doubled SIGINT: the report says interrupted"
[[ ! -e $work/timed.json.part && -z $(find "$work/timed" -name '.*' 2>/dev/null) ]] || fail "a doubled SIGINT leaves no temporary"

# convert: the file in flight finishes (or its temporary is removed), then exit 130.
"$tessera" convert "$photo" "$work/big.jpg" -p "resize 150% | sharpen"
big=$(sha256sum <"$work/big.jpg")
"$tessera" convert "$photo" "$work/c.jpg" -p "resize 150% | sharpen" &
pid=$!
await "$work/.c.jpg.tessera-*"
kill -INT "$pid" 2>/dev/null
wait "$pid"
status=$?
[[ $status -eq 130 || $status -eq 0 ]] || fail "convert after SIGINT: exit 130 (got $status)"
[[ -z $(find "$work" -maxdepth 1 -name '.c.jpg.tessera-*') ]] || fail "convert left its temporary"
[[ ! -e $work/c.jpg || $(sha256sum <"$work/c.jpg") == "$big" ]] || fail "convert's output is complete or absent"

# convert, twice: it ends at once and leaves no temporary either (there is no --resume to clean
# up after it; the new-user trial found a 140 MB one left).
"$tessera" convert "$photo" "$work/d.png" -p "resize 300% | sharpen" &
pid=$!
await "$work/.d.png.tessera-*"
kill -INT "$pid" 2>/dev/null; sleep 1.5; kill -INT "$pid" 2>/dev/null
wait "$pid"
status=$?
[[ $status -eq 130 || $status -eq 0 ]] || fail "convert after two SIGINTs: exit 130 (got $status)"
[[ -z $(find "$work" -maxdepth 1 -name '.d.png.tessera-*') ]] || fail "convert after two SIGINTs left its temporary"

[[ $failures -eq 0 ]] && echo "all interrupt checks passed"
exit $((failures > 0))
