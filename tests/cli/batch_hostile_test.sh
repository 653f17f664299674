#!/usr/bin/env bash
# The hostile folder: every file of the shared corpora (thousands of corrupt, truncated,
# unsupported and oversized images) through `tessera batch --memory 256M --jobs 2`. It must end
# with exit 1 and a report naming every failure with a reason, without a crash, a hang (10
# minutes at most for the lot) or a leak, and with the process's peak RSS within the budget
# plus 16 MiB of fixed overhead (code, libraries, the allocator's slack).
#   tests/cli/batch_hostile_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: batch_hostile_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: batch_hostile_test.sh path/to/tessera path/to/corpora}
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

timeout 600 /usr/bin/time -f "%M" -o "$work/rss" "$tessera" batch "$corpora" "$work/out" -r \
  --memory 256M --jobs 2 --report "$work/report.json" >"$work/out.txt" 2>"$work/err.txt"
status=$?
[[ $status -eq 1 ]] || fail "the hostile folder ends with exit 1 (got $status: $(tail -1 "$work/err.txt"))"
tail -1 "$work/out.txt"
rss_kib=$(tail -1 "$work/rss")
echo "peak RSS $((rss_kib / 1024)) MiB under --memory 256M"
((rss_kib <= (256 + 16) * 1024)) || fail "peak RSS $((rss_kib / 1024)) MiB is over 256 + 16 MiB"

find "$corpora" -type f | wc -l >"$work/count"
/usr/bin/python3 - "$work/report.json" "$(cat "$work/count")" "$work/out" <<'PY' || fail "the report"
import collections, json, os, sys
report, files, out = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
entries = report["files"]
assert len(entries) == files, f"{len(entries)} entries for {files} files"
failed = [f for f in entries if f["status"] == "FAILED"]
assert failed and all(f["error"]["code"] and f["error"]["message"] for f in failed)
for f in entries:
    if f["status"] == "DONE":
        assert os.path.isfile(f["output"]), f["output"]
totals = report["totals"]
assert totals["leaked_bytes"] == 0, totals
assert totals["failed"] == len(failed), totals
print("reasons:", dict(collections.Counter(f["error"]["code"] for f in failed)))
PY
leftovers=$(find "$work/out" -name '.*.tessera-*' | wc -l)
[[ $leftovers -eq 0 ]] || fail "$leftovers temporary files left in the output folder"

echo "$((failures == 0 ? 1 : 0)) passed, $failures failed"
exit $((failures > 0))
