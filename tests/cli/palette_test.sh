#!/usr/bin/env bash
# GIF and palette PNG output from the command line, checked by independent tools: on real
# photos (samples/photos and the shared corpora's), the mean absolute error per colour sample
# (0..255) of tessera's GIF and --palette PNG against the input, beside pngquant's (the same
# quantiser, libimagequant, at the same settings: 256 colours, Floyd-Steinberg 1.0, speed 4),
# must be within 5% + 0.1 levels of pngquant's on every photo; giflib's giftext and gifbuild
# read the GIFs (sizes, colour map within --colors, transparency); bad options are usage errors
# (exit 2) that name the option and leave nothing; batch writes GIFs; the listing, the help and
# the completion name the options.
#   tests/cli/palette_test.sh path/to/tessera path/to/corpora path/to/samples/photos
set -uo pipefail
tessera=${1:?usage: palette_test.sh path/to/tessera path/to/corpora path/to/photos}
corpora=${2:?usage: palette_test.sh path/to/tessera path/to/corpora path/to/photos}
photos=${3:?usage: palette_test.sh path/to/tessera path/to/corpora path/to/photos}
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
for tool in pngquant giftext gifbuild; do
  command -v $tool >/dev/null || { echo "$tool is missing (pngquant, giflib-tools)"; exit 1; }
done

# The mean absolute difference per colour sample between two images as Pillow decodes them
# (both as RGB: the photos are opaque).
mae() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
from PIL import Image, ImageChops, ImageStat
a = Image.open(sys.argv[1]).convert("RGB")
b = Image.open(sys.argv[2]).convert("RGB")
assert a.size == b.size, (a.size, b.size)
print("%.3f" % (sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3))
PY
}

# Real photographs: every one of samples/photos, and the corpora's camera JPEGs.
inputs=()
for photo in "$photos"/*.png "$photos"/*.jpg; do [[ -f $photo ]] && inputs+=("$photo"); done
for photo in "$corpora/jpeg/libjpeg-turbo/testimages/testorig.jpg" \
  "$corpora/vips/test/test-suite/images/rotation/1.jpg" \
  "$corpora/vips/test/test-suite/images/cd1.1.jpg"; do
  [[ -f $photo ]] && inputs+=("$photo")
done
((${#inputs[@]} >= 5)) || { echo "too few photos (${#inputs[@]}): run scripts/samples.sh"; exit 1; }

printf '%-28s %9s %9s %9s\n' photo gif png pngquant
sum_gif=0 sum_png=0 sum_pq=0 colour=0
for photo in "${inputs[@]}"; do
  name=$(basename "$photo")
  # One lossless PNG of the photo is everyone's input (pngquant reads only PNG).
  "$tessera" convert "$photo" "$work/in.png" 2>/dev/null || { fail "$name to PNG"; continue; }
  "$tessera" convert "$work/in.png" "$work/out.gif" 2>/dev/null || fail "$name to GIF"
  "$tessera" convert "$work/in.png" "$work/out.png" --palette 2>/dev/null || fail "$name to palette PNG"
  pngquant --force --speed 4 --floyd=1 256 --output "$work/pq.png" -- "$work/in.png" ||
    fail "pngquant $name"
  gif=$(mae "$work/in.png" "$work/out.gif")
  png=$(mae "$work/in.png" "$work/out.png")
  pq=$(mae "$work/in.png" "$work/pq.png")
  printf '%-28s %9s %9s %9s\n' "$name" "$gif" "$png" "$pq"
  for ours in "gif $gif" "png $png"; do
    set -- $ours
    awk -v t="$2" -v p="$pq" 'BEGIN { exit !(t <= p * 1.05 + 0.1) }' ||
      fail "$name: tessera's $1 error $2 is not within 5% + 0.1 of pngquant's $pq"
  done
  # A gray photo has at most 256 levels: exact in every quantiser. The sums are the colour ones.
  [[ $pq == 0.000 ]] && continue
  colour=$((colour + 1))
  sum_gif=$(awk -v s="$sum_gif" -v v="$gif" 'BEGIN { print s + v }')
  sum_png=$(awk -v s="$sum_png" -v v="$png" 'BEGIN { print s + v }')
  sum_pq=$(awk -v s="$sum_pq" -v v="$pq" 'BEGIN { print s + v }')
done
((colour >= 4)) || fail "too few colour photos ($colour)"
awk -v g="$sum_gif" -v p="$sum_png" -v q="$sum_pq" -v n="$colour" -v all="${#inputs[@]}" \
  'BEGIN { printf "mean over the %d colour photos of %d: gif %.3f, palette png %.3f, pngquant %.3f\n", n, all, g / n, p / n, q / n }'

# giflib's own readers: the screen size, a colour map of at most --colors entries (padded to a
# power of two, as GIF stores it), the pixels' colours within --colors (Pillow).
photo=${inputs[0]}
"$tessera" convert "$photo" "$work/c10.gif" --colors 10 --dither 0.5 2>/dev/null || fail "--colors 10 --dither 0.5"
read -r width height < <(/usr/bin/python3 -c "from PIL import Image; print(*Image.open('$photo').size)")
giftext "$work/c10.gif" | grep -qF "Screen Size - Width = $width, Height = $height." ||
  fail "giftext reads the size ${width}x$height: $(giftext "$work/c10.gif" | head -5)"
entries=$(gifbuild -d "$work/c10.gif" | grep -c '^	rgb ')
((entries <= 16)) || fail "--colors 10: $entries colour map entries"
used=$(/usr/bin/python3 -c "from PIL import Image; print(len(Image.open('$work/c10.gif').convert('RGB').getcolors(1 << 24)))")
((used <= 10)) || fail "--colors 10: $used colours used"

# Transparency: a real RGBA image's pixels under alpha 128 are the transparent index.
rgba=$corpora/vips/test/test-suite/images/rgba.png
"$tessera" convert "$rgba" "$work/rgba.gif" 2>/dev/null || fail "RGBA to GIF"
giftext "$work/rgba.gif" | grep -qF "Transparency on: yes" || fail "the RGBA GIF has a transparent index"
/usr/bin/python3 - "$rgba" "$work/rgba.gif" <<'PY' || fail "alpha under 128 is transparent, the rest opaque"
import sys
from PIL import Image
a = Image.open(sys.argv[1]).convert("RGBA").getdata(3)
b = Image.open(sys.argv[2]).convert("RGBA").getdata(3)
assert all((x >= 128) == (y == 255) and y in (0, 255) for x, y in zip(a, b))
PY
"$tessera" convert "$rgba" "$work/rgba.png" --palette --colors 64 2>/dev/null || fail "RGBA to palette PNG"
/usr/bin/python3 -c "
from PIL import Image
i = Image.open('$work/rgba.png')
assert i.mode == 'P' and 'transparency' in i.info, (i.mode, i.info)
assert len(i.getpalette()) // 3 <= 64" || fail "the palette PNG has PLTE (<= 64) and tRNS"

# --palette on a .gif is what a GIF always is: taken without a warning. A gray photo (256
# levels) is exact; --colors on a plain .png is said to need --palette.
"$tessera" convert "$photo" "$work/p.gif" --palette --colors 32 >"$work/p.txt" 2>&1 || fail "--palette on a .gif"
grep -q warning "$work/p.txt" && fail "--palette on a .gif warns: $(cat "$work/p.txt")"
"$tessera" convert "$photos/camera.png" "$work/camera.gif" 2>/dev/null || fail "a gray photo to GIF"
[[ $(mae "$photos/camera.png" "$work/camera.gif") == 0.000 ]] || fail "a gray photo's GIF is exact"
"$tessera" convert "$photo" "$work/plain.png" --colors 16 >"$work/plain.txt" 2>&1 || fail "--colors on a plain PNG"
grep -qF -- "--colors applies to PNG only with --palette" "$work/plain.txt" ||
  fail "--colors without --palette is said: $(cat "$work/plain.txt")"

# Usage errors: exit 2, the option named with what to do, nothing written.
expect_usage() {
  local words=$1 out=$2
  shift 2
  "$tessera" convert "$photo" "$work/$out" "$@" >"$work/err.txt" 2>&1
  local status=$?
  [[ $status -eq 2 ]] || fail "$* exits 2 (got $status)"
  grep -qF -- "$words" "$work/err.txt" || fail "$* says '$words': $(cat "$work/err.txt")"
  [[ ! -e $work/$out ]] || fail "$* leaves no $out"
}
expect_usage "--colors" bad1.gif --colors 1
expect_usage "--colors" bad2.gif --colors 300
expect_usage "--dither" bad3.gif --dither -1
expect_usage "palette applies to PNG and GIF only, not to JPEG" bad4.jpg --palette
ls "$work" | grep -q '^\.' && fail "a temporary is left: $(ls -a "$work")"

# Batch: --format gif writes GIFs; a GIF input stays a GIF; --palette with --format jpg is
# refused before any file.
mkdir -p "$work/in"
cp "$photo" "$work/in/"
cp "$corpora/vips/test/test-suite/images/cogs.gif" "$work/in/"
"$tessera" batch "$work/in" "$work/b1" --format gif --colors 64 >/dev/null 2>&1 || fail "batch --format gif"
for f in "$work/b1"/*; do [[ $(head -c 6 "$f") == GIF8?a ]] || fail "batch output $f is not a GIF"; done
(($(ls "$work/b1" | wc -l) == 2)) || fail "batch --format gif wrote $(ls "$work/b1")"
"$tessera" batch "$work/in" "$work/b2" >/dev/null 2>&1 || fail "batch of a GIF"
[[ -f $work/b2/cogs.gif ]] || fail "a GIF input gives a GIF output: $(ls "$work/b2")"
"$tessera" batch "$work/in" "$work/b3" --format jpg --palette >"$work/b3.txt" 2>&1
[[ $? -eq 2 ]] || fail "batch --format jpg --palette exits 2"
grep -qF "palette applies to PNG and GIF only" "$work/b3.txt" || fail "batch --palette: $(cat "$work/b3.txt")"
[[ ! -e $work/b3 ]] || fail "batch --format jpg --palette writes nothing"

# Memory: the GIF's gathered rows and libimagequant's own are in the estimate, so a budget that a
# streamed PNG fits is refused for the GIF before any work (8.3 megapixels: about 72 MiB).
big=$corpora/vips/test/test-suite/images/ultra-hdr.jpg
"$tessera" convert "$big" "$work/big.png" --memory 32M >/dev/null 2>&1 || fail "a streamed PNG fits 32M"
"$tessera" convert "$big" "$work/big.gif" --memory 32M >"$work/big.txt" 2>&1
[[ $? -eq 1 ]] || fail "a GIF of 8.3 MP is refused under --memory 32M"
grep -qF "OutOfBudget" "$work/big.txt" || fail "the GIF's refusal says OutOfBudget: $(cat "$work/big.txt")"
[[ ! -e $work/big.gif ]] || fail "nothing is left of the refused GIF"
"$tessera" convert "$big" "$work/big.gif" --memory 96M >/dev/null 2>&1 || fail "the GIF fits 96M"

# The listing, the help and the completion, all from the format table.
"$tessera" info --formats | grep -i "gif" | grep -q "read and written" || fail "info --formats: GIF is written"
"$tessera" info --formats | grep -q "colors" || fail "info --formats lists colors"
"$tessera" convert --help | grep -q -- "--palette" || fail "convert --help lists --palette"
"$tessera" completion bash | grep -q -- "--dither" || fail "the completion offers --dither"

echo "palette: $failures failed"
exit $((failures != 0))
