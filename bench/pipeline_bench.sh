#!/usr/bin/env bash
# The pipeline issue's figures: tessera beside libvips, OpenCV (C++) and Pillow on the same
# tasks, each run in its own process under /usr/bin/time: the median wall time of RUNS runs and
# the largest peak RSS, with tessera's ratio to each rival. Inputs are made from a real
# photograph (libvips' ultra-hdr.jpg, 3840x2160, from the shared corpora) by tessera itself.
#
#   bash bench/pipeline_bench.sh [RUNS]        # default 5; needs the release build in build/
#   BIG=1 bash bench/pipeline_bench.sh         # also the 40000x30000 constant-memory runs
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
photo=../shared/corpora/vips/test/test-suite/images/ultra-hdr.jpg
tessera=build/tessera
opencv=build/bench/opencv_pipeline
vips=build/bench/vips_pipeline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "making inputs from $photo ..."
$tessera convert "$photo" "$work/5000.tif" -p "resize 5000x5000 fit=fill" --tiled \
  --tiff-compression none
$tessera convert "$photo" "$work/5000.jpg" -p "resize 5000x5000 fit=fill" -q 90
$tessera convert "$photo" "$work/4000x3000.jpg" -p "resize 4000x3000 fit=fill" -q 90

source bench/support/measure.sh

# table TASK LINES...: the first line is tessera; each rival gets tessera's time and RSS ratios.
table() {
  local task=$1
  shift
  read -r _ t_time t_rss <<<"$1"
  for line in "$@"; do
    read -r name seconds size <<<"$line"
    if [[ $name == tessera* || $seconds == - ]]; then
      printf '| %s | %s | %s s | %s MiB | | |\n' "$task" "$name" "$seconds" "$size"
    else
      printf '| %s | %s | %s s | %s MiB | %s | %s |\n' "$task" "$name" "$seconds" "$size" \
        "$(ratio "$t_time" "$seconds")" "$(ratio "$t_rss" "$size")"
    fi
  done
}

echo
echo "| task | tool | median time | peak RSS | tessera/rival time | tessera/rival RSS |"
echo "|---|---|---|---|---|---|"
sharpen="-1 -1 -1; -1 16 -1; -1 -1 -1"
table "vips-bench 5000x5000 TIFF" \
  "$(measure tessera $tessera convert "$work/5000.tif" "$work/t.tif" --tiff-compression none \
    -p "crop 100,100,4800,4800 | resize 0.9 linear | convolve '$sharpen' 8")" \
  "$(measure libvips $vips vips-bench "$work/5000.tif" "$work/v.tif")" \
  "$(measure opencv $opencv vips-bench "$work/5000.tif" "$work/o.tif")"
table "thumbnail 5000x5000 JPEG to 500 px" \
  "$(measure tessera $tessera convert "$work/5000.jpg" "$work/t.jpg" -p "resize 500x" -q 90)" \
  "$(measure vipsthumbnail vipsthumbnail "$work/5000.jpg" -s 500 -o "$work/v.jpg[Q=90]")" \
  "$(measure pillow-draft /usr/bin/python3 bench/rivals/pillow_thumbnail.py "$work/5000.jpg" \
    "$work/p.jpg")" \
  "$(measure opencv-reduced8 $opencv thumbnail "$work/5000.jpg" "$work/o.jpg")"
table "seed pipeline 4000x3000 JPEG" \
  "$(measure tessera $tessera convert "$work/4000x3000.jpg" "$work/t.jpg" -q 90 \
    -p "gray | blur 5 | canny 50 150 | rgb")" \
  "$(measure opencv-gray-decode $opencv seed-gray "$work/4000x3000.jpg" "$work/o.jpg")" \
  "$(measure opencv $opencv seed "$work/4000x3000.jpg" "$work/o.jpg")" \
  "$(measure libvips-approx-canny $vips seed "$work/4000x3000.jpg" "$work/v.jpg")"

if [[ -n ${BIG:-} ]]; then
  echo
  echo "making 40000x30000 and 40000x15000 JPEGs (1.2 and 0.6 gigapixels), streamed ..."
  $tessera convert "$photo" "$work/big.jpg" -p "resize 40000x30000 fit=fill kernel=linear" -q 90
  $tessera convert "$photo" "$work/half.jpg" -p "resize 40000x15000 fit=fill kernel=linear" -q 90
  # Past the default pixel limit (2^30), which guards whole decodes against decompression bombs.
  big=(--max-pixels 1300000000)
  runs=1
  echo "| task | tool | time | peak RSS | | |"
  echo "|---|---|---|---|---|---|"
  for size in big half; do
    table "resize 10% then sharpen, $size (shrink-on-load)" \
      "$(measure tessera $tessera convert "$work/$size.jpg" "$work/o.jpg" "${big[@]}" \
        -p "resize 10% | sharpen")"
    table "resize 10% linear then sharpen, $size (every row decoded)" \
      "$(measure tessera $tessera convert "$work/$size.jpg" "$work/o.jpg" "${big[@]}" \
        -p "resize 10% linear | sharpen")"
  done
  seed="gray | blur 5 | canny 50 150 | rgb"
  $tessera convert "$work/big.jpg" "$work/s.jpg" "${big[@]}" -p "$seed" --memory 512M 2>&1 |
    sed 's/^/seed, --memory 512M: /' || true
  table "seed pipeline, big, --memory 1.5G" \
    "$(measure tessera $tessera convert "$work/big.jpg" "$work/s.jpg" "${big[@]}" -p "$seed" \
      --memory 1.5G)"
fi
