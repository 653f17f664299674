#!/usr/bin/env bash
# Metadata kept from input to output, read back by exiftool (an independent reader): for every
# format pair that can hold them, Make, Model, DateTimeOriginal, the XMP fields, IPTC keywords
# and the ICC profile's description equal the input's; Orientation is 1 once tessera turned the
# pixels upright (and they are upright), kept with --no-rotate; the EXIF pixel dimensions follow
# a resize; --strip removes all of it, --keep icc keeps only the profile; a hostile EXIF blob is
# dropped with a warning, never a crash or a leak; batch keeps metadata too; info --json says
# which kinds a file carries.
#   tests/cli/metadata_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: metadata_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: metadata_test.sh path/to/tessera path/to/corpora}
rotation=$corpora/vips/test/test-suite/images/rotation
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
command -v exiftool >/dev/null || { echo "exiftool is missing (libimage-exiftool-perl)"; exit 1; }

# One tag as exiftool prints it (-n: numbers as numbers), empty if absent.
tag() { exiftool -s3 -n "-$2" "$1" 2>/dev/null; }
# As exiftool shows it to a person (1/125, 2.8): a TIFF holds EXIF's rationals as libtiff's
# floats, within a float's precision (0.00800000038).
shown() { exiftool -s3 "-$2" "$1" 2>/dev/null; }

# A real photo of the corpora (libvips' rotation set: EXIF orientation 6, an sRGB profile, XMP
# from Photoshop in 1.jpg) given camera tags by exiftool, so every kind is there to carry.
exiftool -q -o "$work/tagged.jpg" -tagsFromFile "$rotation/1.jpg" -all:all \
  -Make="Tessera Camera Co." -Model="TC-1" -DateTimeOriginal="2024:05:06 07:08:09" \
  -XMP-dc:Title="A title" -IPTC:Keywords="alpha" -IPTC:Keywords="beta" -Orientation#=6 \
  -ExposureTime=0.008 -FNumber=2.8 -ISO=200 -GPSLatitude=48.8583 -GPSLatitudeRef=N \
  -GPSLongitude=2.2945 -GPSLongitudeRef=E \
  -XResolution=300 -YResolution=300 -ResolutionUnit=inches "$rotation/6.jpg" ||
  { echo "exiftool could not make the tagged input"; exit 1; }
input=$work/tagged.jpg
[[ $(tag "$input" Orientation) == 6 ]] || { echo "the tagged input is not orientation 6"; exit 1; }
stored_w=$(tag "$input" ImageWidth)
stored_h=$(tag "$input" ImageHeight)

# The upright check: the stored pixels as djpeg decodes them, turned 90 degrees clockwise (what
# orientation 6 asks) here, against the output's pixels (tessera writes PNM). Mean absolute
# difference per sample; 999 when the sizes differ.
djpeg -ppm "$input" >"$work/stored.ppm" || { echo "djpeg failed"; exit 1; }
mean_difference() {
  python3 - "$1" "$work/stored.ppm" <<'PY'
import sys
def ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace(): pos += 1
        start = pos
        while not data[pos:pos + 1].isspace(): pos += 1
        fields.append(data[start:pos])
    return int(fields[1]), int(fields[2]), data[pos + 1:]
w, h, out = ppm(sys.argv[1])
sw, sh, stored = ppm(sys.argv[2])
if (w, h) != (sh, sw):
    print(999); sys.exit()
total = 0
for y in range(h):
    for x in range(w):
        # Turned clockwise: the output's (x, y) is the stored pixel at column y, row sh-1-x.
        s = 3 * ((sh - 1 - x) * sw + y)
        o = 3 * (y * w + x)
        total += sum(abs(out[o + c] - stored[s + c]) for c in range(3))
print(total / (3 * w * h))
PY
}

for ext in jpg png webp tif avif; do
  out=$work/out.$ext
  "$tessera" convert "$input" "$out" >"$work/convert.out" 2>&1 || {
    fail "convert to .$ext: $(cat "$work/convert.out")"
    continue
  }
  for name in Make Model XMP-dc:Title XMPToolkit ICC_Profile:ProfileDescription; do
    [[ $(tag "$out" "$name") == "$(tag "$input" "$name")" ]] ||
      fail ".$ext: $name '$(tag "$out" "$name")', not '$(tag "$input" "$name")'"
  done
  # EXIF's own directory and the GPS one (in a TIFF: directories its image directory points to).
  for name in DateTimeOriginal ExposureTime FNumber ISO GPSLatitude GPSLongitude; do
    [[ $(shown "$out" "$name") == "$(shown "$input" "$name")" ]] ||
      fail ".$ext: $name '$(shown "$out" "$name")', not '$(shown "$input" "$name")'"
  done
  # Upright now: the EXIF says so (a TIFF in its own Orientation tag), and its pixel dimensions
  # are the upright size.
  if [[ $ext != tif ]]; then
    [[ $(tag "$out" EXIF:Orientation) == 1 ]] || fail ".$ext: Orientation '$(tag "$out" EXIF:Orientation)', not 1"
  else
    [[ $(tag "$out" Orientation) == 1 ]] || fail ".tif: Orientation '$(tag "$out" Orientation)', not 1"
  fi
  [[ $(tag "$out" ExifImageWidth)x$(tag "$out" ExifImageHeight) == "${stored_h}x${stored_w}" ]] ||
    fail ".$ext: EXIF dimensions $(tag "$out" ExifImageWidth)x$(tag "$out" ExifImageHeight), not ${stored_h}x${stored_w}"
  [[ $(tag "$out" ImageWidth)x$(tag "$out" ImageHeight) == "${stored_h}x${stored_w}" ]] ||
    fail ".$ext: the image is $(tag "$out" ImageWidth)x$(tag "$out" ImageHeight), not upright ${stored_h}x${stored_w}"
  # IPTC where the format has a place for it.
  if [[ $ext == jpg || $ext == tif ]]; then
    [[ $(tag "$out" IPTC:Keywords) == "alpha, beta" ]] || fail ".$ext: IPTC keywords '$(tag "$out" IPTC:Keywords)'"
  fi
  # Resolution where the format has a place for it (WebP and AVIF: only inside EXIF).
  if [[ $ext == jpg || $ext == png || $ext == tif ]]; then
    "$tessera" info --json "$out" | grep -q '"dpi":\[300' || fail ".$ext: info does not say 300 dpi"
  fi
    # The pixels are upright (lossy formats: close).
  "$tessera" convert "$out" "$work/check.ppm" 2>/dev/null || fail ".$ext reads back"
  difference=$(mean_difference "$work/check.ppm")
  python3 -c "import sys; sys.exit(0 if float('$difference') < 6 else 1)" ||
    fail ".$ext: the pixels differ from the stored ones turned upright by $difference on average"
done

# A TIFF's EXIF read back (its image directory's tags, its EXIF and GPS directories) into the
# formats that carry an EXIF blob, and into a TIFF again.
for ext in jpg png webp avif tif; do
  "$tessera" convert "$work/out.tif" "$work/from-tiff.$ext" 2>/dev/null ||
    { fail "the TIFF converts to .$ext"; continue; }
  for name in Make Model DateTimeOriginal ExposureTime FNumber ISO GPSLatitude GPSLongitude; do
    [[ $(shown "$work/from-tiff.$ext" "$name") == "$(shown "$input" "$name")" ]] ||
      fail "TIFF to .$ext: $name '$(shown "$work/from-tiff.$ext" "$name")', not '$(shown "$input" "$name")'"
  done
done
# A TIFF whose EXIF directory offset points at nothing readable: converted, without EXIF's own tags.
python3 - "$work/out.tif" "$work/bad-exif.tif" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
order = "<" if data[:2] == b"II" else ">"
ifd = struct.unpack_from(order + "I", data, 4)[0]
count = struct.unpack_from(order + "H", data, ifd)[0]
for i in range(count):
    entry = ifd + 2 + 12 * i
    if struct.unpack_from(order + "H", data, entry)[0] == 34665:  # ExifIFD
        struct.pack_into(order + "I", data, entry + 8, len(data) + 4096)
open(sys.argv[2], "wb").write(data)
PY
"$tessera" convert "$work/bad-exif.tif" "$work/bad-exif.jpg" >"$work/bad-exif.out" 2>&1 ||
  fail "a TIFF with a broken EXIF offset: $(cat "$work/bad-exif.out")"
[[ $(tag "$work/bad-exif.jpg" Make) == "Tessera Camera Co." ]] || fail "a broken EXIF offset lost IFD0's Make"

# --no-rotate: pixels and Orientation as stored.
"$tessera" convert --no-rotate "$input" "$work/stored.png" 2>/dev/null || fail "--no-rotate converts"
[[ $(tag "$work/stored.png" EXIF:Orientation) == 6 ]] || fail "--no-rotate: Orientation '$(tag "$work/stored.png" EXIF:Orientation)', not 6"
[[ $(tag "$work/stored.png" ImageWidth) == "$stored_w" ]] || fail "--no-rotate: the pixels were turned"
# ... into a TIFF (its own Orientation tag), and from that TIFF on: stored, still said to be 6;
# turned upright from it, 1.
"$tessera" convert --no-rotate "$input" "$work/stored.tif" 2>/dev/null || fail "--no-rotate to .tif"
[[ $(tag "$work/stored.tif" Orientation) == 6 ]] || fail "--no-rotate .tif: Orientation '$(tag "$work/stored.tif" Orientation)', not 6"
"$tessera" convert --no-rotate "$work/stored.tif" "$work/stored-again.jpg" 2>/dev/null || fail "--no-rotate from .tif"
[[ $(tag "$work/stored-again.jpg" Orientation) == 6 && $(tag "$work/stored-again.jpg" ImageWidth) == "$stored_w" ]] ||
  fail "--no-rotate from .tif: Orientation '$(tag "$work/stored-again.jpg" Orientation)', width $(tag "$work/stored-again.jpg" ImageWidth)"
"$tessera" convert "$work/stored.tif" "$work/upright-again.jpg" 2>/dev/null || fail "from the stored .tif"
[[ $(tag "$work/upright-again.jpg" Orientation) == 1 && $(tag "$work/upright-again.jpg" ImageWidth) == "$stored_h" ]] ||
  fail "from the stored .tif: Orientation '$(tag "$work/upright-again.jpg" Orientation)', width $(tag "$work/upright-again.jpg" ImageWidth)"

# A resize: the EXIF pixel dimensions are the written image's.
"$tessera" convert "$input" "$work/half.jpg" -p "resize 50%" 2>/dev/null || fail "resize converts"
written="$(tag "$work/half.jpg" ImageWidth)x$(tag "$work/half.jpg" ImageHeight)"
[[ "$(tag "$work/half.jpg" ExifImageWidth)x$(tag "$work/half.jpg" ExifImageHeight)" == "$written" ]] ||
  fail "resize: EXIF dimensions $(tag "$work/half.jpg" ExifImageWidth)x$(tag "$work/half.jpg" ExifImageHeight), not $written"
[[ $(tag "$work/half.jpg" Make) == "Tessera Camera Co." ]] || fail "resize: Make lost"

# --strip: nothing; --keep icc: only the profile; --keep exif,xmp: no profile.
for ext in jpg png webp tif; do
  "$tessera" convert --strip "$input" "$work/strip.$ext" 2>/dev/null || fail "--strip to .$ext"
  # (A TIFF's own structure tags are EXIF:all to exiftool: only the carried ones are looked for.)
  left=$(exiftool -s -Make -Model -DateTimeOriginal -ExifImageWidth -XMP:all -IPTC:all \
         -ICC_Profile:all -Photoshop:all "$work/strip.$ext")
  [[ -z $left ]] || fail "--strip .$ext left: $left"
  "$tessera" convert --keep icc "$input" "$work/icc.$ext" 2>/dev/null || fail "--keep icc to .$ext"
  [[ -n $(tag "$work/icc.$ext" ICC_Profile:ProfileDescription) ]] || fail "--keep icc .$ext: no profile"
  [[ -z $(tag "$work/icc.$ext" Make)$(tag "$work/icc.$ext" XMP-dc:Title)$(tag "$work/icc.$ext" IPTC:Keywords) ]] ||
    fail "--keep icc .$ext kept more than the profile"
done
"$tessera" convert --keep exif,xmp "$input" "$work/ex.png" 2>/dev/null || fail "--keep exif,xmp"
[[ -z $(tag "$work/ex.png" ICC_Profile:ProfileDescription) && -n $(tag "$work/ex.png" Make) &&
   -n $(tag "$work/ex.png" XMP-dc:Title) ]] || fail "--keep exif,xmp kept the wrong kinds"
"$tessera" convert --keep exif,gps "$input" "$work/bad.png" >"$work/bad.out" 2>&1
[[ $? == 2 ]] || fail "--keep gps is a usage error"
grep -q "gps" "$work/bad.out" || fail "--keep gps names the unknown kind: $(cat "$work/bad.out")"
"$tessera" convert --strip --keep icc "$input" "$work/bad.png" >/dev/null 2>&1
[[ $? == 2 ]] || fail "--strip with --keep is a usage error"

# A real file with camera EXIF in another container (an iPhone AVIF from libvips' tests) to
# the formats that hold EXIF.
avif=$corpora/vips/test/test-suite/images/avif-orientation-6.avif
for ext in jpg png webp; do
  "$tessera" convert "$avif" "$work/phone.$ext" 2>/dev/null || { fail "the AVIF converts to .$ext"; continue; }
  for name in Make Model DateTimeOriginal; do
    [[ $(tag "$work/phone.$ext" "$name") == "$(tag "$avif" "$name")" ]] ||
      fail "AVIF to .$ext: $name '$(tag "$work/phone.$ext" "$name")', not '$(tag "$avif" "$name")'"
  done
done

# Hostile EXIF: an APP1 whose TIFF structure is cut short or claims 65535 entries of 2^32-1
# values. The image converts, with a warning; the blob is dropped or cut down.
python3 - "$input" "$work" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
def with_app1(payload, name):
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    open(f"{sys.argv[2]}/{name}.jpg", "wb").write(data[:2] + segment + data[2:])
header = b"Exif\0\0MM\0*" + struct.pack(">I", 8)
with_app1(header + struct.pack(">H", 0xFFFF) + struct.pack(">HHII", 0x010F, 2, 0xFFFFFFFF, 8) * 3,
          "huge")
with_app1(header[:9], "cut")
with_app1(b"Exif\0\0" + bytes(range(256)) * 8, "noise")
PY
for name in huge cut noise; do
  "$tessera" convert "$work/$name.jpg" "$work/$name.png" >"$work/$name.out" 2>&1
  status=$?
  [[ $status == 0 ]] || fail "hostile EXIF ($name): exit $status: $(cat "$work/$name.out")"
  [[ -f $work/$name.png ]] || fail "hostile EXIF ($name): no output"
done
grep -q "warning:.*EXIF" "$work/huge.out" "$work/cut.out" "$work/noise.out" ||
  fail "a hostile EXIF blob is dropped with a warning: $(cat "$work"/{huge,cut,noise}.out)"
# The corpora's own: HEIF fuzz cases whose EXIF is damaged.
for heic in "$corpora"/heif/libheif/fuzzing/data/corpus/clusterfuzz-testcase-minimized-file-fuzzer-{4616081830051840,5752063708495872}.heic; do
  [[ -f $heic ]] || continue
  "$tessera" convert "$heic" "$work/fuzz.jpg" >"$work/fuzz.out" 2>&1
  status=$?
  # A decode error is fine (these are fuzz cases); a crash or a leak is not.
  [[ $status == 0 || $status == 1 ]] || fail "$(basename "$heic"): exit $status: $(cat "$work/fuzz.out")"
done

# batch keeps metadata the same way.
mkdir -p "$work/in"
cp "$input" "$work/in/photo.jpg"
"$tessera" batch "$work/in" "$work/batch-out" --format webp >"$work/batch.out" 2>&1 || fail "batch: $(cat "$work/batch.out")"
[[ $(tag "$work/batch-out/photo.webp" Make) == "Tessera Camera Co." &&
   $(tag "$work/batch-out/photo.webp" EXIF:Orientation) == 1 &&
   -n $(tag "$work/batch-out/photo.webp" ICC_Profile:ProfileDescription) ]] ||
  fail "batch: metadata not kept ($(exiftool -s -Make -Orientation "$work/batch-out/photo.webp"))"
"$tessera" batch "$work/in" "$work/batch-strip" --format png --strip >/dev/null 2>&1 || fail "batch --strip"
[[ -z $(tag "$work/batch-strip/photo.png" Make) ]] || fail "batch --strip kept EXIF"

# info --json says which kinds are there.
"$tessera" info --json "$input" | grep -q '"metadata":{"exif":true,"xmp":true,"iptc":true,"icc":true,"dpi":\[300' ||
  fail "info --json: $("$tessera" info --json "$input")"
"$tessera" info --json "$work/strip.png" | grep -q '"metadata":{"exif":false,"xmp":false,"iptc":false,"icc":false,"dpi":null' ||
  fail "info --json of a stripped file: $("$tessera" info --json "$work/strip.png")"

if ((failures)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "metadata: all checks passed"
