#!/usr/bin/env bash
# Peak RSS and time of one whole conversion, tessera against OpenCV, each in its own process
# under /usr/bin/time -v: median of 5 runs of wall time, the largest peak RSS. The photo is
# decoded from JPEG and converted to each format; both sides read the same input files.
#
#   bash bench/convert_rss.sh [build-dir] [PHOTO.jpg]
set -euo pipefail
build=${1:-build}
photo=${2:-../shared/corpora/vips/test/test-suite/images/ultra-hdr.jpg}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure COMMAND...: prints "median_seconds peak_kib" over 5 runs
measure() {
  local times=() peak=0
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1
    read -r seconds kib <"$work/time"
    times+=("$seconds")
    ((kib > peak)) && peak=$kib
  done
  printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)" "$peak"
}

"$build/tessera" convert "$photo" "$work/photo.png"
printf '%-18s %10s %10s %12s %12s %8s\n' "conversion" "tessera s" "OpenCV s" "tessera MiB" "OpenCV MiB" "RSS ratio"
for pair in "jpg:png" "png:jpg" "jpg:webp" "jpg:tif" "png:bmp" "jpg:ppm"; do
  from=${pair%%:*}
  to=${pair##*:}
  input="$photo"
  [[ $from == png ]] && input="$work/photo.png"
  read -r ours_s ours_kib < <(measure "$build/tessera" convert "$input" "$work/ours.$to")
  read -r theirs_s theirs_kib < <(measure "$build/bench/opencv_convert" "$input" "$work/theirs.$to")
  awk -v name="$from -> $to" -v os="$ours_s" -v ts="$theirs_s" -v ok="$ours_kib" -v tk="$theirs_kib" \
    'BEGIN { printf "%-18s %10.3f %10.3f %12.1f %12.1f %8.2f\n", name, os, ts, ok / 1024, tk / 1024, ok / tk }'
done
