#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of an HTML report: a real batch over the
# sample photos (samples/photos, from scripts/samples.sh) and a few hostile files from
# ../shared/corpora, its page (--report run.html), opened in headless Chromium at 1280x2000
# by the report test's driver. Nothing in the picture is made by hand.
#
#   bash scripts/report_screenshot.sh [path/to/tessera]    # default: build/tessera
set -euo pipefail
cd "$(dirname "$0")/.."
repository=$PWD
tessera=$(realpath "${1:-build/tessera}")
corpora=$(realpath ../shared/corpora)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Short relative names on the page: the run is made from inside its own folder.
mkdir -p "$work/photos"
cp samples/photos/* "$work/photos/"
cp "$corpora/png/tests/images/xc1n0g08.png" "$work/photos/damaged.png"
cp "$corpora/png/tests/crashers/badcrc.png" "$work/photos/bad-checksum.png"
head -c 3000 "$corpora/jpeg/libjpeg-turbo/testimages/testorig.jpg" >"$work/photos/cut-short.jpg"
cp "$corpora"/jpeg/seed-corpora/bugs/decompress/github_197/* "$work/photos/35584x18696-bomb.jpg"
cd "$work"
status=0
"$tessera" batch photos out -p "resize 50% | sharpen" --jobs 2 --memory 64M \
  --report run.html >/dev/null 2>&1 || status=$?
[[ $status -le 1 ]] || { echo "report_screenshot: the batch failed (exit $status)" >&2; exit 1; }
/usr/bin/python3 "$repository/tests/cli/report_page.py" run.html "$repository/docs/report.png" >/dev/null
echo "wrote docs/report.png"
