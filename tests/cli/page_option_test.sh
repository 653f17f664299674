#!/usr/bin/env bash
# --page N on convert, batch and info (issue 20): page 2 of a 3-page TIFF and frame 3 of a GIF
# converted equal what the library decodes (Pillow is its reference: tests/codecs/page_test.cpp);
# info lists the pages with their sizes (text and --json); a page past the last is exit 2 from
# convert with the count in the message, that file's failure in batch; a negative page is a
# usage error; shell completion offers --page.
set -euo pipefail
tessera="$1"
source_dir="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$source_dir/tests/codecs/make_pages.py" "$work"

fail() { echo "FAIL: $*"; exit 1; }

# convert: the page's own size, and the same pixels as Pillow's seek(2).
"$tessera" convert --page 2 "$work/pages.tif" "$work/page2.png"
/usr/bin/python3 - "$work" <<'PY'
import sys
from PIL import Image
work = sys.argv[1]
tif = Image.open(f"{work}/pages.tif"); tif.seek(2)
png = Image.open(f"{work}/page2.png")
assert png.size == (50, 70) and png.mode == "RGBA", (png.size, png.mode)
assert png.tobytes() == tif.convert("RGBA").tobytes(), "page 2 differs from Pillow's"
gif = Image.open(f"{work}/dispose.gif"); gif.seek(3)
PY
"$tessera" convert --page 3 "$work/dispose.gif" "$work/frame3.png"
/usr/bin/python3 - "$work" <<'PY'
import sys
from PIL import Image
work = sys.argv[1]
gif = Image.open(f"{work}/dispose.gif"); gif.seek(3)
ours = Image.open(f"{work}/frame3.png").convert("RGBA")
theirs = gif.convert("RGBA")
same = sum(1 for a, b in zip(ours.getdata(), theirs.getdata()) if a == b or (a[3] == 0 and b[3] == 0))
assert same == 60 * 40, f"{60 * 40 - same} pixels differ from Pillow's frame 3"
PY

# A page past the last: exit 2, the count in the message, no output.
set +e
message="$("$tessera" convert --page 5 "$work/pages.tif" "$work/none.png" 2>&1)"
status=$?
set -e
[[ $status == 2 ]] || fail "page 5 of 3: exit $status, expected 2: $message"
grep -qF "file has 3 pages (0..2); asked for page 5" <<<"$message" || fail "message: $message"
[[ ! -e "$work/none.png" ]] || fail "an output was left"
set +e
message="$("$tessera" convert --page 1 "$work/a.png" "$work/none.png" 2>&1)"
status=$?
"$tessera" convert --page -1 "$work/pages.tif" "$work/none.png" >/dev/null 2>&1
negative=$?
set -e
[[ $status == 2 ]] && grep -qF "file has 1 page (0); asked for page 1" <<<"$message" ||
  fail "page 1 of a PNG: exit $status: $message"
[[ $negative == 2 ]] || fail "a negative page: exit $negative, expected 2"

# info: the pages and their sizes; --page describes another.
line="$("$tessera" info "$work/pages.tif")"
grep -qF "3 pages: 64x48, 40x30, 50x70 (page 0 described" <<<"$line" || fail "info: $line"
grep -qF "animated: 5 frames" <<<"$("$tessera" info "$work/dispose.gif")" || fail "info gif"
grep -qF "animated: 4 frames" <<<"$("$tessera" info "$work/anim.webp")" || fail "info webp"
grep -qF ": tiff 40x30 gray16" <<<"$("$tessera" info --page 1 "$work/pages.tif")" ||
  fail "info --page 1: $("$tessera" info --page 1 "$work/pages.tif")"
"$tessera" info --json "$work/pages.tif" "$work/dispose.gif" "$work/a.png" | /usr/bin/python3 -c '
import json, sys
tif, gif, png = (json.loads(line) for line in sys.stdin)
assert tif["pages"] == 3 and tif["page"] == 0, tif
assert tif["page_sizes"] == [[64, 48], [40, 30], [50, 70]], tif
assert gif["pages"] == 5 and gif["frames"] == 5 and gif["page_sizes"] is None, gif
assert png["pages"] == 1 and png["page"] == 0, png
'

# batch: every input's page 1; a file without one fails alone.
mkdir "$work/in" "$work/out"
cp "$work/pages.tif" "$work/dispose.gif" "$work/a.png" "$work/in/"
set +e
"$tessera" batch "$work/in" "$work/out" --format png --page 1 >"$work/batch.log" 2>&1
status=$?
set -e
[[ $status == 1 ]] || fail "batch with a one-page input: exit $status: $(cat "$work/batch.log")"
/usr/bin/python3 - "$work" <<'PY'
import sys
from PIL import Image
work = sys.argv[1]
assert Image.open(f"{work}/out/pages.png").size == (40, 30)
assert Image.open(f"{work}/out/dispose.png").size == (60, 40)
PY
[[ ! -e "$work/out/a.png" ]] || fail "a.png has no page 1 but was written"
grep -qF "asked for page 1" "$work/batch.log" || fail "batch log: $(cat "$work/batch.log")"

# completion knows the option.
"$tessera" completion bash | grep -q -- "--page" || fail "completion lacks --page"
echo ok
