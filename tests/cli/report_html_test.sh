#!/usr/bin/env bash
# End-to-end: the HTML report of a real batch (the sample photos plus hostile files, some of
# which fail), opened in headless Chromium: it loads with no console error and no network
# request, its timeline has one point per sample of the JSON, its failure table lists every
# failed file, and hostile file names and strings show as text. A screenshot of the page is
# left in report_html_test/ under the test's working folder for a person to look at.
#   tests/cli/report_html_test.sh path/to/tessera path/to/corpora path/to/samples/photos
set -uo pipefail
tessera=${1:?usage: report_html_test.sh path/to/tessera path/to/corpora path/to/photos}
corpora=${2:?usage: report_html_test.sh path/to/tessera path/to/corpora path/to/photos}
photos=${3:?usage: report_html_test.sh path/to/tessera path/to/corpora path/to/photos}
here=$(cd "$(dirname "$0")" && pwd)
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
shots=$PWD/report_html_test
mkdir -p "$shots"

if ! command -v chromium >/dev/null; then
  echo "FAIL: chromium is not installed (scripts/setup.sh installs it)"
  exit 1
fi

# The photos, and files that fail: corrupt PNGs (two under hostile names), a chunk claiming
# 1 GiB, a truncated JPEG, a memory bomb; a text file is skipped.
mkdir -p "$work/in"
cp "$photos"/* "$work/in/"
png=$corpora/png/tests
cp "$png/images/xc1n0g08.png" "$png/images/xcrn0g04.png" "$png/crashers/badcrc.png" "$work/in/"
cp "$png/images/xd0n2c08.png" "$work/in/<script>alert(1)<script>.png"
cp "$png/images/xd3n2c08.png" "$work/in/\"><img src=x onerror=alert(1)>.png"
head -c 3000 "$corpora/jpeg/libjpeg-turbo/testimages/testorig.jpg" >"$work/in/cut.jpg"
# A name that is not UTF-8 (Latin-1 "café"): the JSON has U+FFFD for the byte (it aborted the
# run before: nlohmann's dump threw).
cp "$png/images/xd9n2c08.png" "$work/in/$(printf 'caf\xe9.png')"
cp "$corpora"/jpeg/seed-corpora/bugs/decompress/github_197/* "$work/in/bomb.jpg"
echo "not an image" >"$work/in/readme.txt"

# The JSON report, then its page.
"$tessera" batch "$work/in" "$work/out" -p "resize 50% | sharpen" --jobs 2 --memory 256M \
  --report "$work/run.json" >"$work/run.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "a batch with failures exits 1 (got $status): $(tail -3 "$work/run.out")"
"$tessera" report "$work/run.json" -o "$work/run.html" >"$work/report.out" 2>&1 ||
  fail "tessera report renders the JSON: $(cat "$work/report.out")"
[[ ! -e $work/run.html.part ]] || fail "the page's part file is renamed away"

/usr/bin/python3 "$here/report_page.py" "$work/run.html" "$shots/run.png" >"$work/facts.json"
status=$?
[[ $status -eq 0 ]] || fail "the page loads with no console error and no network request (exit $status): $(head -c 2000 "$work/facts.json")"
[[ -s $shots/run.png ]] || fail "a screenshot of the page is saved"
/usr/bin/python3 - "$work/run.json" "$work/facts.json" <<'PY' || fail "the page shows what the JSON holds"
import json, sys
report, facts = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert report["kind"] == "batch", report.get("kind")
timeline = report["memory_timeline"]
assert len(timeline) >= 10, len(timeline)
assert facts["points"] == [s["seconds"] for s in timeline], (facts["points"], timeline)
# Hovering a point names the files in flight then, as its sample lists them.
for point, title, count in zip(timeline, facts["point_titles"], facts["in_flight"]):
    assert count == len(point["in_flight"]), (point, count)
    assert all(name in title for name in point["in_flight"][:8]), (point, title)
assert len(timeline) <= 1024, len(timeline)
failed = [f for f in report["files"] if f["status"] == "FAILED"]
assert len(failed) >= 7, [f["input"] for f in failed]
assert sorted(facts["failed"]) == sorted(f["input"] for f in failed), (facts["failed"], failed)
codes = {}
for f in failed:
    codes[f["error"]["code"]] = codes.get(f["error"]["code"], 0) + 1
assert facts["failure_codes"] == codes, (facts["failure_codes"], codes)
skipped = [f["input"] for f in report["files"] if f["status"] == "SKIPPED"]
assert len(skipped) >= 1 and sorted(facts["skipped"]) == sorted(skipped), (facts["skipped"], skipped)
assert all("files_processed" in s for s in timeline), timeline[0]
assert timeline[-1]["files_processed"] == report["totals"]["done"] + report["totals"]["failed"]
assert timeline[-1]["files_done"] == report["totals"]["done"], timeline[-1]
# images/s of the files done, as the summary line counts them (failures are not throughput).
assert facts["images_per_second"] == f"{report['totals']['done'] / report['totals']['seconds']:.1f}", \
    (facts["images_per_second"], report["totals"])
assert facts["stages"] == ["decode", "pipeline", "encode"], facts["stages"]
assert facts["file_bars"] == sum(f["status"] != "SKIPPED" for f in report["files"]), facts["file_bars"]
assert facts["verdict"] == "0", facts["verdict"]
# File names are text, never markup.
assert facts["scripts"] == 0 and facts["images"] == 0, facts
assert "<script>alert(1)<script>.png" in facts["text"], "the hostile name is shown as text"
assert '"><img src=x onerror=alert(1)>.png' in facts["text"], "the hostile name is shown as text"
assert any(f.endswith("/caf\ufffd.png") for f in facts["failed"]), facts["failed"]
assert facts["command"] == report["command"], (facts["command"], report["command"])
assert facts["width"] <= 1280, f"the page fits a laptop screen: {facts['width']} px wide"
PY

# --report run.html: the same run written as a page directly.
"$tessera" batch "$work/in" "$work/out2" -p "resize 50%" --jobs 2 --report "$work/direct.html" \
  >"$work/direct.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "batch --report run.html: exit 1 (got $status): $(tail -3 "$work/direct.out")"
[[ -f $work/direct.html && ! -e $work/direct.html.part ]] || fail "batch --report run.html writes the page"
head -c 15 "$work/direct.html" | grep -q "<!DOCTYPE html>" || fail "the .html report is a page, not JSON"
/usr/bin/python3 "$here/report_page.py" "$work/direct.html" "$shots/direct.png" >"$work/direct.json" ||
  fail "batch's own page loads cleanly: $(head -c 2000 "$work/direct.json")"
/usr/bin/python3 - "$work/run.json" "$work/direct.json" <<'PY' || fail "batch's own page lists the same failures"
import json, sys
report, facts = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert sorted(facts["failed"]) == sorted(f["input"] for f in report["files"] if f["status"] == "FAILED"), facts["failed"]
assert len(facts["points"]) >= 10 and facts["points"] == sorted(facts["points"]), facts["points"]
PY

# tessera video --report run.html: the same page for a video (its frames in place of files).
clip=$photos/../video/motion.mov
if [[ -f $clip ]]; then
  "$tessera" video "$clip" "$work/clip.mp4" -p "gray | blur 3" --report "$work/video.html" >"$work/video.out" 2>&1 ||
    fail "video --report v.html runs: $(tail -3 "$work/video.out")"
  /usr/bin/python3 "$here/report_page.py" "$work/video.html" "$shots/video.png" >"$work/video.json" ||
    fail "the video's page loads cleanly: $(head -c 2000 "$work/video.json")"
  /usr/bin/python3 - "$work/video.json" <<'PY' || fail "the video's page has its timeline and stages"
import json, sys
facts = json.load(open(sys.argv[1]))
assert len(facts["points"]) >= 100, len(facts["points"])  # a point per frame of an 8 s clip
assert facts["stages"] == ["decode", "pipeline", "encode"], facts["stages"]
assert facts["verdict"] == "0" and facts["scripts"] == 0, facts
assert "frames written" in facts["text"], facts["text"][:500]
# What was written and what the encoder was expected to hold.
assert "h264" in facts["text"] and "output size" in facts["text"], facts["text"][:800]
assert "encoder estimate" in facts["text"], facts["text"][:800]
PY
else
  fail "no sample clip at $clip (scripts/footage.sh fetches it)"
fi

# tessera convert --report one.html: one job's page, its memory sampled against its estimate.
"$tessera" convert "$photos/astronaut.png" "$work/one.jpg" -p "resize 200% | blur 5 | sharpen" \
  --report "$work/one.json" >"$work/one.out" 2>&1 || fail "convert --report one.json runs: $(cat "$work/one.out")"
"$tessera" report "$work/one.json" -o "$work/one.html" >"$work/one-r.out" 2>&1 ||
  fail "a convert report renders: $(cat "$work/one-r.out")"
/usr/bin/python3 "$here/report_page.py" "$work/one.html" "$shots/convert.png" >"$work/one-facts.json" ||
  fail "the convert's page loads cleanly: $(head -c 2000 "$work/one-facts.json")"
/usr/bin/python3 - "$work/one.json" "$work/one-facts.json" <<'PY' || fail "the convert's page has its timeline, stages and estimate"
import json, sys
report, facts = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert report["kind"] == "convert" and report["status"] == "complete", report["status"]
assert len(report["memory_timeline"]) >= 3, report["memory_timeline"]
assert facts["points"] == [s["seconds"] for s in report["memory_timeline"]], facts["points"]
totals = report["totals"]
assert 0 < totals["peak_tracked_bytes"] <= totals["estimate_bytes"], totals
assert max(s["tracked_bytes"] for s in report["memory_timeline"]) <= totals["estimate_bytes"], totals
assert facts["stages"] == ["decode", "pipeline", "encode"] and facts["verdict"] == "0", facts
assert "peak tracked / estimate" in facts["text"] and "blur 5" in facts["text"], facts["text"][:800]
PY
"$tessera" convert "$work/in/cut.jpg" "$work/cut.png" --report "$work/cut.json" >"$work/cut.out" 2>&1
[[ $? -eq 1 ]] || fail "a convert of a damaged file fails"
/usr/bin/python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["status"] == "failed" and r["error"]["code"] == "CorruptData", r' \
  "$work/cut.json" || fail "a failed convert's report says why"
"$tessera" convert "$photos/astronaut.png" "$work/two.jpg" --report "$work/one.txt" >"$work/ctxt.out" 2>&1
[[ $? -eq 2 && ! -e $work/two.jpg ]] || fail "convert --report one.txt is refused before the job"

# tessera memory-demo --report demo.html: live buffers by site after each step, pinned marked.
"$tessera" memory-demo --photos 3 --width 640 --height 480 --report "$work/demo.html" >"$work/demo.out" 2>&1 ||
  fail "memory-demo --report demo.html runs: $(tail -3 "$work/demo.out")"
/usr/bin/python3 "$here/report_page.py" "$work/demo.html" "$shots/memory-demo.png" >"$work/demo-facts.json" ||
  fail "the memory demo's page loads cleanly: $(head -c 2000 "$work/demo-facts.json")"
/usr/bin/python3 - "$work/demo-facts.json" <<'PY' || fail "the memory demo's page has its steps, sites and pinned buffers"
import json, sys
facts = json.load(open(sys.argv[1]))
assert len(facts["points"]) == 4, facts["points"]
assert facts["site_bars"] == 4 and facts["pinned_site_bars"] == 1, facts
assert facts["leak_bars"] == 0 and facts["leak_rows"] == [], facts
assert "tools/tessera/memory_demo.cpp:" in facts["text"] and facts["verdict"] == "0", facts["text"][:800]
PY
TESSERA_LEAK_CHECK=0 "$tessera" memory-demo --photos 1 --width 64 --height 64 --leak-at-exit \
  --report "$work/leak.json" >/dev/null 2>&1
/usr/bin/python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["totals"]["leaked_bytes"] == 640 * 480 * 3, r["totals"]; assert r["steps"][-1]["sites"][0]["label"] == "forgotten", r["steps"][-1]' \
  "$work/leak.json" || fail "the demo's report names what was left alive"
# The leak report at exit as a page: with the leak check on, the run fails it (exit 1, the text
# report on stderr) and its page's verdict lists what was left alive by site, as bars and a table.
TESSERA_LEAK_CHECK=1 "$tessera" memory-demo --photos 1 --width 64 --height 64 --leak-at-exit \
  --report "$work/leak.html" >/dev/null 2>"$work/leak.err"
status=$?
[[ $status -eq 1 ]] || fail "the leak check fails a run that leaks (exit $status)"
grep -qF "tessera leak check: FAILED" "$work/leak.err" || fail "the text leak report is printed: $(tail -3 "$work/leak.err")"
/usr/bin/python3 "$here/report_page.py" "$work/leak.html" "$shots/leak.png" >"$work/leak-facts.json" ||
  fail "the leak's page loads cleanly: $(head -c 2000 "$work/leak-facts.json")"
/usr/bin/python3 - "$work/leak-facts.json" <<'PY' || fail "the leak's page lists the leaked buffers by site"
import json, sys
facts = json.load(open(sys.argv[1]))
assert facts["verdict"] == str(640 * 480 * 3), facts["verdict"]
assert facts["leak_bars"] == 1, facts["leak_bars"]
assert len(facts["leak_rows"]) == 1, facts["leak_rows"]
row = facts["leak_rows"][0]
assert "tools/tessera/memory_demo.cpp:" in row and "forgotten" in row and "900.0 KiB" in row, row
assert "by the line that allocated them below" in facts["text"], facts["text"][:800]
PY

# A batch's page lists what it left alive by site under its verdict, pinned buffers marked (a
# batch that leaks cannot be made on purpose: its report, as a leaking run would write it).
/usr/bin/python3 - "$work/run.json" "$work/leaky.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
report["totals"]["leaked_bytes"] = 3 << 20
report["leaked_sites"] = [
    {"site": "src/ops/blur.cpp:12", "label": "band", "bytes": 1 << 20, "buffers": 1,
     "pinned_buffers": 0, "pinned_bytes": 0, "region_bytes": 0},
    {"site": "src/<script>.cpp:7", "label": "<b>cache</b>", "bytes": 2 << 20, "buffers": 2,
     "pinned_buffers": 1, "pinned_bytes": 1 << 20, "region_bytes": 4096}]
json.dump(report, open(sys.argv[2], "w"))
PY
"$tessera" report "$work/leaky.json" -o "$work/leaky.html" >"$work/leaky.out" 2>&1 ||
  fail "a leaking batch's report renders: $(cat "$work/leaky.out")"
/usr/bin/python3 "$here/report_page.py" "$work/leaky.html" "$shots/leaky-batch.png" >"$work/leaky-facts.json" ||
  fail "a leaking batch's page loads cleanly: $(head -c 2000 "$work/leaky-facts.json")"
/usr/bin/python3 - "$work/leaky-facts.json" <<'PY' || fail "a leaking batch's page lists its leaks by site, pinned marked"
import json, sys
facts = json.load(open(sys.argv[1]))
assert facts["verdict"] == str(3 << 20), facts["verdict"]
assert facts["leak_bars"] == 2 and facts["pinned_leak_bars"] == 1, facts
assert any("src/ops/blur.cpp:12" in row and "band" in row for row in facts["leak_rows"]), facts["leak_rows"]
assert any("src/<script>.cpp:7" in row and "<b>cache</b>" in row for row in facts["leak_rows"]), facts["leak_rows"]
assert facts["scripts"] == 0, facts
PY

# A report's format comes from its extension: anything else is refused before any file runs.
"$tessera" batch "$work/in" "$work/out3" --report "$work/run.txt" >"$work/txt.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "--report run.txt is a usage error (got $status)"
grep -qF "the report's extension picks its format: .json or .html (not .txt" "$work/txt.out" ||
  fail "a bad report extension is said in words: $(cat "$work/txt.out")"
[[ ! -e $work/out3 ]] || fail "a bad report extension is refused before any file runs"
"$tessera" video "$work/none.mp4" null --report "$work/v.pdf" >"$work/vtxt.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "video --report v.pdf is a usage error (got $status): $(cat "$work/vtxt.out")"
grep -qF "the report's extension picks its format" "$work/vtxt.out" ||
  fail "video: a bad report extension is said in words: $(cat "$work/vtxt.out")"

# tessera report replaces an existing file only when asked (--overwrite), naming both.
echo "my own notes" >"$work/mine.html"
"$tessera" report "$work/run.json" -o "$work/mine.html" >"$work/exists.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "tessera report -o an existing file is refused (exit $status)"
grep -qF "$work/mine.html" "$work/exists.out" && grep -qF -- "--overwrite" "$work/exists.out" ||
  fail "the refusal names the file and --overwrite: $(cat "$work/exists.out")"
[[ $(cat "$work/mine.html") == "my own notes" && ! -e $work/mine.html.part ]] ||
  fail "the existing file is left as it was, with no part file"
"$tessera" report "$work/run.json" -o "$work/mine.html" --overwrite >"$work/over.out" 2>&1 ||
  fail "--overwrite replaces it: $(cat "$work/over.out")"
head -c 15 "$work/mine.html" | grep -q "<!DOCTYPE html>" || fail "--overwrite wrote the page"

# tessera report: what is not a report is said.
"$tessera" report "$work/missing.json" -o "$work/m.html" >"$work/missing.out" 2>&1
[[ $? -eq 1 ]] || fail "a missing report: exit 1"
grep -qF "cannot read the report" "$work/missing.out" || fail "a missing report is named: $(cat "$work/missing.out")"
echo '{"a": 1' >"$work/broken.json"
"$tessera" report "$work/broken.json" -o "$work/b.html" >"$work/broken.out" 2>&1
[[ $? -ne 0 ]] || fail "a broken JSON is refused"
grep -qF "not a JSON report" "$work/broken.out" || fail "a broken JSON is said: $(cat "$work/broken.out")"
echo '{"memory_timeline": [1, "x", {"seconds": "y"}], "files": [1, {"status": "FAILED", "error": 2}], "steps": [3], "settings": 4}' \
  >"$work/odd.json"
"$tessera" report "$work/odd.json" -o "$work/odd.html" >"$work/odd.out" 2>&1
status=$?
[[ $status -eq 0 || $status -eq 2 ]] || fail "a report with fields of other types is rendered or refused, not a crash (exit $status): $(cat "$work/odd.out")"
"$tessera" report "$work/run.json" -o "$work/run.json.txt" >"$work/ext.out" 2>&1
[[ $? -eq 2 ]] || fail "tessera report -o without .html is a usage error"

# Every string of a report is text on the page, whatever it holds (a report made by hand,
# hostile in each field the page shows).
/usr/bin/python3 - "$work/run.json" "$work/hostile.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
evil = "</title></pre></td></svg><script>alert(1)</script><img src=x onerror=alert(2)>&amp;"
report["command"] = "tessera batch " + evil
report["tessera"]["version"] = evil
report["warnings"] = [evil]
report["status"] = evil
report["settings"]["pipeline"] = evil
report["settings"][evil] = evil
for f in report["files"]:
    if f["status"] == "FAILED":
        f["error"] = {"code": evil, "message": evil}
json.dump(report, open(sys.argv[2], "w"))
PY
"$tessera" report "$work/hostile.json" -o "$work/hostile.html" >"$work/hostile.out" 2>&1 ||
  fail "a hostile report renders: $(cat "$work/hostile.out")"
/usr/bin/python3 "$here/report_page.py" "$work/hostile.html" "$shots/hostile.png" >"$work/hostile-facts.json" ||
  fail "a hostile report's page loads cleanly: $(head -c 2000 "$work/hostile-facts.json")"
/usr/bin/python3 - "$work/hostile-facts.json" <<'PY' || fail "hostile strings are text on the page"
import json, sys
facts = json.load(open(sys.argv[1]))
assert facts["scripts"] == 0 and facts["images"] == 0, facts
evil = "</title></pre></td></svg><script>alert(1)</script><img src=x onerror=alert(2)>&amp;"
assert facts["command"] == "tessera batch " + evil, facts["command"]
assert facts["text"].count(evil) >= 5, facts["text"]
assert facts["failure_codes"] == {evil: len(facts["failed"])}, facts["failure_codes"]
PY

if ((failures)); then
  echo "$failures check(s) failed; screenshots in $shots"
  exit 1
fi
echo "report_html: all checks passed; screenshots in $shots"
