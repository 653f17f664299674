#!/usr/bin/env bash
# The metadata matrix: a photo with camera EXIF (with GPS), XMP, IPTC and an ICC profile is
# written as JPEG, PNG, WebP, TIFF, HEIC and AVIF, and each of those is converted to each of
# them again (36 pairs). exiftool (an independent reader) reads every output: each keeps the
# EXIF tags (Make, Model, DateTimeOriginal, ExposureTime, FNumber, GPSLatitude), the XMP title
# and the ICC profile's description of the original, IPTC keywords where both formats hold
# them (JPEG, TIFF), the EXIF pixel dimensions of the written image, and Orientation 1 (the
# pixels are upright); --strip leaves none of it.
#   tests/cli/metadata_matrix_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: metadata_matrix_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: metadata_matrix_test.sh path/to/tessera path/to/corpora}
rotation=$corpora/vips/test/test-suite/images/rotation
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v exiftool >/dev/null || { echo "exiftool is missing (libimage-exiftool-perl)"; exit 1; }

# (-o writes a new file: the corpora's are never touched.)
exiftool -q -o "$work/original.jpg" -tagsFromFile "$rotation/1.jpg" -all:all \
  -Make="Tessera Camera Co." -Model="TC-1" -DateTimeOriginal="2024:05:06 07:08:09" \
  -ExposureTime=0.008 -FNumber=2.8 -GPSLatitude=48.8583 -GPSLatitudeRef=N \
  -GPSLongitude=2.2945 -GPSLongitudeRef=E -XMP-dc:Title="A title" -IPTC:Keywords="alpha" \
  -Orientation#=6 "$rotation/6.jpg" || { echo "exiftool could not make the input"; exit 1; }

formats=(jpg png webp tif heic avif)
failures=0
for source in "${formats[@]}"; do
  "$tessera" convert "$work/original.jpg" "$work/source.$source" >"$work/out.txt" 2>&1 ||
    { echo "FAIL: to .$source: $(cat "$work/out.txt")"; failures=$((failures + 1)); continue; }
  for target in "${formats[@]}"; do
    "$tessera" convert "$work/source.$source" "$work/$source-to.$target" >"$work/out.txt" 2>&1 ||
      { echo "FAIL: .$source to .$target: $(cat "$work/out.txt")"; failures=$((failures + 1)); }
  done
  "$tessera" convert --strip "$work/source.$source" "$work/$source-stripped.png" >/dev/null 2>&1 ||
    { echo "FAIL: --strip of .$source"; failures=$((failures + 1)); }
done
((failures == 0)) || exit 1

# One exiftool run for every file (it starts slowly), then the checks in Python.
exiftool -j -n -G1 "$work/original.jpg" "$work"/*-to.* "$work"/*-stripped.png >"$work/tags.json" ||
  { echo "exiftool failed"; exit 1; }
python3 - "$work/tags.json" <<'PY'
import json, math, os, sys

files = {os.path.basename(entry["SourceFile"]): entry for entry in json.load(open(sys.argv[1]))}

def find(entry, name):
    """A tag by name in any group (exiftool -G1 keys: "ExifIFD:DateTimeOriginal")."""
    for key, value in entry.items():
        if key.split(":")[-1] == name:
            return value
    return None

original = files.pop("original.jpg")
wanted = ["Make", "Model", "DateTimeOriginal", "ExposureTime", "FNumber", "GPSLatitude",
          "Title", "ProfileDescription"]
expected = {name: find(original, name) for name in wanted}
assert all(value is not None for value in expected.values()), expected
failures = []
pairs = 0
for name, entry in sorted(files.items()):
    if "-stripped" in name:
        left = [tag for tag in wanted + ["Keywords"] if find(entry, tag) is not None]
        if left:
            failures.append(f"{name}: --strip left {left}")
        continue
    pairs += 1
    source, target = name.split("-to.")[0], name.split(".")[-1]
    for tag, value in expected.items():
        got = find(entry, tag)
        same = (got == value if not isinstance(value, float) else
                # A TIFF holds EXIF's rationals as libtiff's floats.
                isinstance(got, (int, float)) and math.isclose(got, value, rel_tol=1e-6))
        if not same:
            failures.append(f"{name}: {tag} {got!r}, not {value!r}")
    if source in ("jpg", "tif") and target in ("jpg", "tif"):
        if find(entry, "Keywords") != "alpha":
            failures.append(f"{name}: IPTC Keywords {find(entry, 'Keywords')!r}")
    width, height = find(entry, "ImageWidth"), find(entry, "ImageHeight")
    if (find(entry, "ExifImageWidth"), find(entry, "ExifImageHeight")) != (width, height):
        failures.append(f"{name}: EXIF dimensions {find(entry, 'ExifImageWidth')}x"
                        f"{find(entry, 'ExifImageHeight')}, the image {width}x{height}")
    orientation = [v for k, v in entry.items() if k.endswith(":Orientation")]
    if any(v != 1 for v in orientation):
        failures.append(f"{name}: Orientation {orientation}")
for failure in failures:
    print("FAIL:", failure)
print(f"metadata matrix: {pairs} pairs checked, {len(failures)} failure(s)")
sys.exit(1 if failures or pairs != 36 else 0)
PY
