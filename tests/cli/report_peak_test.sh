#!/usr/bin/env bash
# End-to-end: a batch's memory timeline is sampled on time, so the peak of one long, large file
# among small ones is drawn and named. One file of 4096x4096 RGB (48 MiB decoded) goes through
# a whole-image op (equalize holds the decoded image) and a wide blur beside the sample photos;
# the JSON's timeline must hold a sample taken while it was in flight, naming it, with at least
# its decoded size tracked, and its highest point must be such a sample (the peak survives
# thinning to 1,024 points). The page, opened in headless Chromium, has that point, its title
# naming the file. Nothing here depends on how the threads are timed: the file holds its
# decoded image for the whole of its whole-image op and blur, which the sampler (every
# millisecond) cannot miss.
#   tests/cli/report_peak_test.sh path/to/tessera path/to/samples/photos
set -uo pipefail
tessera=${1:?usage: report_peak_test.sh path/to/tessera path/to/photos}
photos=${2:?usage: report_peak_test.sh path/to/tessera path/to/photos}
here=$(cd "$(dirname "$0")" && pwd)
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
shots=$PWD/report_peak_test
mkdir -p "$shots"

if ! command -v chromium >/dev/null; then
  echo "FAIL: chromium is not installed (scripts/setup.sh installs it)"
  exit 1
fi

mkdir -p "$work/in"
cp "$photos"/*.png "$work/in/"
# The large file, made by tessera from a sample photo: a PPM, so that its decode is quick and
# its time is the pipeline's.
"$tessera" convert "$photos/astronaut.png" "$work/in/huge astronaut.ppm" -p "resize 4096x4096" \
  >"$work/make.out" 2>&1 || fail "the large input is made: $(cat "$work/make.out")"

"$tessera" batch "$work/in" "$work/out" -p "equalize | blur 31" --format jpg --jobs 2 \
  --report "$work/run.json" >"$work/run.out" 2>&1
status=$?
[[ $status -eq 0 ]] || fail "the batch runs (exit $status): $(tail -3 "$work/run.out")"
"$tessera" report "$work/run.json" -o "$work/run.html" >"$work/report.out" 2>&1 ||
  fail "tessera report renders the JSON: $(cat "$work/report.out")"
/usr/bin/python3 "$here/report_page.py" "$work/run.html" "$shots/peak.png" >"$work/facts.json" ||
  fail "the page loads with no console error and no network request: $(head -c 2000 "$work/facts.json")"

/usr/bin/python3 - "$work/run.json" "$work/facts.json" "$work/in/huge astronaut.ppm" <<'PY' ||
import json, sys
report, facts, huge = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
decoded = 4096 * 4096 * 3
timeline = report["memory_timeline"]
assert 0 < len(timeline) <= 1024, len(timeline)
seconds = [s["seconds"] for s in timeline]
assert seconds == sorted(seconds), "the samples are in time order"
for s in timeline:  # the fields of before, and the files in flight
    assert {"files_finished", "files_processed", "tracked_bytes", "rss_bytes"} <= s.keys(), s
    assert isinstance(s["in_flight"], list) and len(s["in_flight"]) <= 2, s
# A sample taken inside the long file: it names the file and holds its decoded image.
inside = [s for s in timeline if huge in s["in_flight"] and s["tracked_bytes"] >= decoded]
assert inside, max(timeline, key=lambda s: s["tracked_bytes"])
# The timeline's highest point is inside it too: the peak was kept, and it names its file.
peak = max(range(len(timeline)), key=lambda i: timeline[i]["tracked_bytes"])
assert huge in timeline[peak]["in_flight"], timeline[peak]
assert report["totals"]["peak_tracked_bytes"] >= timeline[peak]["tracked_bytes"], report["totals"]
# The page: one point per sample, and the peak's point names the file on hover.
assert facts["points"] == seconds, (len(facts["points"]), len(seconds))
assert facts["in_flight"][peak] == len(timeline[peak]["in_flight"]), facts["in_flight"][peak]
assert huge in facts["point_titles"][peak], facts["point_titles"][peak]
assert facts["point_tracked"][peak] == timeline[peak]["tracked_bytes"], facts["point_tracked"][peak]
PY
  fail "the timeline draws and names the long file's peak"

if ((failures)); then
  echo "$failures check(s) failed; screenshot in $shots"
  exit 1
fi
echo "report_peak: all checks passed; screenshot in $shots"
