#!/usr/bin/env bash
# End-to-end: `tessera batch` exits 0 when every file is done, 1 when some failed (each named
# with its reason), 2 for a usage error; prints a summary; writes a JSON report.
#   tests/cli/batch_command_test.sh path/to/tessera path/to/corpora [path/to/repository]
set -uo pipefail
tessera=${1:?usage: batch_command_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: batch_command_test.sh path/to/tessera path/to/corpora}
images=$corpora/jpeg/libjpeg-turbo/testimages
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

mkdir -p "$work/good" "$work/mixed"
cp "$images/testorig.jpg" "$images/testimgint.jpg" "$work/good/"
cp "$images/testorig.jpg" "$work/mixed/"
head -c 100 "$images/testorig.jpg" >"$work/mixed/cut.jpg"

"$tessera" batch "$work/good" "$work/out1" -p "gray | blur 3" --format png >"$work/good.out" 2>&1
status=$?
[[ $status -eq 0 ]] || fail "a clean batch exits 0 (got $status)"
grep -qE "^batch: 2 done, 0 failed, 0 skipped" "$work/good.out" || fail "the summary counts 2 done"
grep -qE "leaked 0 B" "$work/good.out" || fail "the summary says nothing leaked"
[[ -f $work/out1/testorig.png && -f $work/out1/testimgint.png ]] || fail "outputs are named as inputs, --format's extension"

"$tessera" batch "$work/mixed" "$work/out2" -p "resize 50%" --report "$work/report.json" \
  >"$work/mixed.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "a batch with a bad file exits 1 (got $status)"
grep -qF "FAILED $work/mixed/cut.jpg: CorruptData:" "$work/mixed.out" || fail "the bad file is named with its reason"
[[ -f $work/out2/testorig.jpg && ! -e $work/out2/cut.jpg ]] || fail "the good file is done, the bad one leaves nothing"
/usr/bin/python3 - "$work/report.json" <<'PY' || fail "the report lists each file and the totals"
import json, sys
report = json.load(open(sys.argv[1]))
statuses = sorted(f["status"] for f in report["files"])
assert statuses == ["DONE", "FAILED"], statuses
failed = [f for f in report["files"] if f["status"] == "FAILED"][0]
assert failed["error"]["code"] == "CorruptData", failed
assert report["totals"]["done"] == 1 and report["totals"]["failed"] == 1, report["totals"]
assert report["totals"]["leaked_bytes"] == 0
# Sampled every millisecond and as each file finishes: the last sample has both files.
assert report["memory_timeline"][-1]["files_processed"] == 2, report["memory_timeline"]
PY

# The report says what ran (issue 14 item 20; fails on 8484b4f, whose report had none of this):
# tessera's version, the command, the settings and pipeline; each file's size before and after;
# the decoder's and the run's warnings; a timeline of labelled samples.
mkdir -p "$work/labelled"
cp "$images/testorig.jpg" "$work/labelled/"
head -c 3000 "$images/testorig.jpg" >"$work/labelled/cut.jpg"  # its first rows are there
"$tessera" batch "$work/labelled" "$work/labelled-out" -p "resize 50%" -q 70 --format png --fail-on none \
  --jobs 1 --report "$work/labelled.json" >"$work/labelled.out" 2>&1 || fail "a --fail-on none batch runs"
[[ $(grep -c "warning: -q applies to JPEG, lossy WebP, HEIC/AVIF and JPEG-in-TIFF; ignored for the png outputs" \
  "$work/labelled.out") -eq 1 ]] || fail "-q on png outputs is warned once: $(cat "$work/labelled.out")"
/usr/bin/python3 - "$work/labelled.json" "$("$tessera" --version | head -1)" "$images" <<'PY' || fail "the report is labelled"
import json, sys
from PIL import Image
report, version, images = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
assert "tessera " + report["tessera"]["version"] == version, (report["tessera"], version)
assert report["command"].endswith("--jobs 1 --report " + sys.argv[1]), report["command"]
assert "-p 'resize 50%' -q 70" in report["command"], report["command"]
settings = report["settings"]
assert settings["pipeline"] == "resize 50%" and settings["quality"] == 70, settings
assert settings["format"] == "png" and settings["jobs"] == 1 and settings["fail_on"] == "none", settings
assert settings["memory_bytes"] == 0 and settings["max_pixels"] == 2**30, settings
# Every encode option of the format table, given or not (the trial found only quality).
assert settings["compression"] == 6 and settings["lossless"] is False, settings
assert settings["tiff_compression"] == "deflate" and settings["subsampling"] == "420", settings
files = {f["input"].rsplit("/", 1)[1]: f for f in report["files"]}
whole = files["testorig.jpg"]
width, height = Image.open(images + "/testorig.jpg").size
assert (whole["width"], whole["height"]) == (width, height), whole
assert (whole["output_width"], whole["output_height"]) == ((width + 1) // 2, (height + 1) // 2), whole
assert Image.open(whole["output"]).size == (whole["output_width"], whole["output_height"])
assert "warnings" not in whole, whole
cut = files["cut.jpg"]
assert cut["status"] == "DONE" and len(cut["warnings"]) == 1, cut
assert "damaged or truncated JPEG" in cut["warnings"][0], cut
assert report["warnings"] == [
    "-q applies to JPEG, lossy WebP, HEIC/AVIF and JPEG-in-TIFF; ignored for the png outputs"], report["warnings"]
timeline = report["memory_timeline"]
counts = [s["files_finished"] for s in timeline]
assert counts == sorted(counts) and counts[-1] == 2, timeline
assert timeline[-1]["in_flight"] == [] and all(len(s["in_flight"]) <= 1 for s in timeline), timeline
assert all(s["rss_bytes"] > s["tracked_bytes"] >= 0 and s["seconds"] >= 0 for s in timeline), timeline
PY
# A report that cannot be written ends the run before the first decode (item 15; on 8484b4f
# every file ran first).
"$tessera" batch "$work/good" "$work/unreported" --report "$work/no-such/r.json" >"$work/unrep.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "an unwritable report: exit 1 (got $status)"
grep -qF "cannot write the report (check the folder exists and is writable) [file: $work/no-such/r.json]" \
  "$work/unrep.out" || fail "an unwritable report is named: $(cat "$work/unrep.out")"
[[ ! -e $work/unreported ]] || fail "nothing is written when the report cannot be"
"$tessera" batch "$work/good" "$work/quiet-out" -q 70 --format jpg >"$work/quiet.out" 2>&1 || fail "a jpg batch runs"
! grep -q warning "$work/quiet.out" || fail "-q on jpg outputs does not warn: $(cat "$work/quiet.out")"

# --format is the extension in lower case, whatever case it is typed in; an empty one is refused
# (on 2d53425 "PNG" wrote testorig.PNG, and '' meant the input's format).
"$tessera" batch "$work/good" "$work/upper" --format PNG >/dev/null 2>&1 || fail "--format PNG runs"
[[ -f $work/upper/testorig.png && ! -e $work/upper/testorig.PNG ]] || fail "--format PNG writes .png: $(ls "$work/upper")"
"$tessera" batch "$work/good" "$work/empty" --format '' >"$work/empty.out" 2>&1
status=$?
[[ $status -eq 2 && ! -e $work/empty ]] || fail "--format '' is a usage error (got $status)"
grep -qF "needs a format" "$work/empty.out" || fail "--format '' says why: $(cat "$work/empty.out")"

# Files beside a photo that are not images (an XMP sidecar, notes) are skipped and take no
# output name (on 091543c photo.xmp claimed photo.png first and the photo failed).
mkdir -p "$work/sidecars"
cp "$images/testorig.jpg" "$work/sidecars/photo.jpg"
echo '<x:xmpmeta/>' >"$work/sidecars/photo.xmp"
echo 'notes' >"$work/sidecars/photo.txt"
"$tessera" batch "$work/sidecars" "$work/sidecars-out" --format png --jobs 1 >"$work/sidecars.out" 2>&1
status=$?
[[ $status -eq 0 ]] || fail "sidecar files do not fail the photo (got $status): $(cat "$work/sidecars.out")"
grep -qE "^batch: 1 done, 0 failed, 2 skipped" "$work/sidecars.out" || fail "the photo is done, the sidecars skipped: $(cat "$work/sidecars.out")"

# --no-rotate keeps the pixels as stored, as convert's does (the trial found batch without it).
mkdir -p "$work/turned"
cp "$corpora/vips/test/test-suite/images/rotation/6.jpg" "$work/turned/"
"$tessera" batch "$work/turned" "$work/upright" --format png >/dev/null 2>&1 || fail "batch on an orientation-6 JPEG"
"$tessera" batch "$work/turned" "$work/stored" --format png --no-rotate >/dev/null 2>&1 || fail "batch --no-rotate"
"$tessera" info "$work/upright/6.png" | grep -qF ": png 231x308" || fail "batch turns the image upright"
# Kept as stored, and so is its EXIF Orientation (6): a viewer still shows it upright.
"$tessera" info "$work/stored/6.png" | grep -qF "(stored 308x231, orientation 6" || fail "batch --no-rotate keeps it as stored"

# A report written inside the input folder is not taken as an input: neither its temporary
# while the run writes it (on d8fc0d6, "FAILED in/r.json.part: the file is empty") nor, on a
# second run, the finished report.
mkdir -p "$work/self"
cp "$images/testorig.jpg" "$work/self/"
for run in 1 2; do
  "$tessera" batch "$work/self" "$work/self-out$run" --report "$work/self/r.json" >"$work/self.out" 2>&1
  status=$?
  [[ $status -eq 0 ]] || fail "a report in the input folder, run $run: exit 0 (got $status): $(cat "$work/self.out")"
  grep -qE "^batch: 1 done, 0 failed, 0 skipped" "$work/self.out" ||
    fail "a report in the input folder is not an input, run $run: $(cat "$work/self.out")"
done

# The report is written as files finish, so its memory stays flat: 1,100 files give 1,100
# entries, and the timeline is thinned to at most 1,024 samples spanning the whole run.
mkdir -p "$work/many"
"$tessera" convert "$images/testorig.jpg" "$work/tiny.png" -p "resize 8x8"
for i in $(seq 1100); do ln -s "$work/tiny.png" "$work/many/$i.png"; done
"$tessera" batch "$work/many" "$work/out5" -p "invert" --report "$work/many.json" >/dev/null 2>&1 ||
  fail "1,100 tiny files run"
/usr/bin/python3 - "$work/many.json" <<'PY' || fail "a long run's report has every file and a thinned timeline"
import json, sys
report = json.load(open(sys.argv[1]))
assert len(report["files"]) == 1100, len(report["files"])
timeline = report["memory_timeline"]
assert 512 <= len(timeline) <= 1024, len(timeline)
# The samples reach the end of the run (a sample is taken as a file finishes and every
# millisecond; thinned, the last one is kept), in time order. Not against the run's total
# time, whose tail after the last file a loaded machine can stretch.
finished = sorted(f["finished_seconds"] for f in report["files"] if "finished_seconds" in f)
assert timeline[-1]["seconds"] >= finished[-3], (timeline[-1], finished[-3:])
assert all(a["seconds"] <= b["seconds"] for a, b in zip(timeline, timeline[1:]))
assert timeline[-1]["files_finished"] == 1100, timeline[-1]  # the last sample is kept
PY
[[ ! -e $work/many.json.part ]] || fail "the report's part file is renamed away"

# The progress line counts the inputs for its ETA (in a pipe: a line every 100 files).
"$tessera" batch "$work/many" "$work/out6" -p "invert" 2>"$work/progress.err" >/dev/null
grep -qE "^[0-9]+/1100 files: [0-9]+ done, 0 failed, 0 skipped .*images/s" "$work/progress.err" ||
  fail "the progress line shows the count out of the total: $(head -1 "$work/progress.err")"

"$tessera" batch "$work/mixed" "$work/out2" -p "resize 50%" --resume >"$work/resume.out" 2>&1
grep -qE "^batch: 0 done, 1 failed, 1 skipped" "$work/resume.out" ||
  { cat "$work/resume.out"; fail "--resume skips the done file"; }

for bad in '-p "blur 4"' '--shard 3/2' '--memory lots' '--format xyz'; do
  eval "\"$tessera\" batch \"$work/good\" \"$work/out3\" $bad" >/dev/null 2>&1
  status=$?
  [[ $status -eq 2 ]] || fail "batch $bad is a usage error, exit 2 (got $status)"
done
"$tessera" batch "$work/no-such-folder" "$work/out4" -p "gray" >"$work/missing.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "a missing input folder exits 2 (got $status)"
grep -qF "is not a folder, a file of paths or '-'" "$work/missing.out" || fail "a missing input is explained"

# The README's first command, on the sample photographs scripts/setup.sh fetches.
samples=${3:-}/samples/photos
if [[ -n ${3:-} && -d $samples ]]; then
  "$tessera" batch "$samples" "$work/edges" -p "gray | blur 5 | canny 50 150 | rgb" >"$work/readme.out" 2>&1
  status=$?
  [[ $status -eq 0 ]] || fail "the README's first command exits 0 (got $status)"
  grep -qE "^batch: 13 done, 0 failed, 0 skipped" "$work/readme.out" || fail "the README's batch does all 13 samples"
else
  echo "note: no samples/photos (run scripts/samples.sh); the README's command was not run"
fi

echo "$((failures == 0 ? 1 : 0)) passed, $failures failed"
exit $((failures > 0))
