#!/usr/bin/env bash
# The batch issue's figures: `tessera batch` beside OpenCV C++ (2 worker threads), Python cv2 in
# a multiprocessing.Pool(2) and libvips, on the same 200 JPEGs through the seed pipeline
# `gray | blur 5 | canny 50 150 | rgb` to JPEG q90. Each tool runs RUNS times in its own process
# tree under /usr/bin/time: the median wall time and the largest peak RSS (for the Pool, the sum
# over its processes, sampled), with tessera's images/s and RSS ratios to each rival.
#
# The 200 inputs are 1920x1080 JPEGs (q90) cut by tessera from three real photographs in the
# shared corpora: libvips' ultra-hdr.jpg (3840x2160 street scene), avif-orientation-6.avif
# (3024x4032 photo) and CMU-1-Small-Region.svs (2220x2967 microscope slide). Each is scaled by
# one of 10 factors to cover 1920x1080 or more, then cropped at one of several offsets, and every
# other one flipped, so no two inputs are the same picture.
#
#   bash bench/batch_bench.sh [RUNS]      # default 3; needs the release build in build/
#   KEEP=1 bash bench/batch_bench.sh      # keep the inputs (the folder is printed)
#   MEMORY=1 bash bench/batch_bench.sh    # also the bounded-memory runs: --memory 64M, and 10,000
#                                         # inputs (the 200 linked 50 times, about 2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
corpora=../shared/corpora/vips/test/test-suite/images
sources=("$corpora/ultra-hdr.jpg" "$corpora/avif-orientation-6.avif"
  "$corpora/CMU-1-Small-Region.svs")
tessera=build/tessera
seed="gray | blur 5 | canny 50 150 | rgb"
work=$(mktemp -d)
if [[ -n ${KEEP:-} ]]; then
  echo "inputs kept in $work"
else
  trap 'rm -rf "$work"' EXIT
fi

echo "making 200 1920x1080 JPEGs from ${#sources[@]} photographs ..."
mkdir -p "$work/in"
for i in $(seq 0 199); do
  source=${sources[i % 3]}
  step=$((i / 3))
  # Cover 1920x1080 scaled up by 0 to 63%, then crop at an offset that walks the spare room.
  width=$((1920 * (100 + (step % 10) * 7) / 100))
  height=$((1080 * (100 + (step % 10) * 7) / 100))
  x=$(((width - 1920) * (step % 7) / 6))
  y=$(((height - 1080) * (step % 5) / 4))
  flip=$([[ $((step % 2)) == 1 ]] && echo "| flip h" || true)
  $tessera convert "$source" "$work/in/$(printf 'photo%03d.jpg' "$i")" -q 90 \
    -p "resize ${width}x${height} fit=cover | crop $x,$y,1920,1080 $flip"
done
find "$work/in" -name '*.jpg' | sort >"$work/list"

source bench/support/measure.sh
# Every tool starts from an empty output folder, so that none skips work.
before_each_run() { rm -rf "$work/out" && mkdir -p "$work/out"; }

# measure_tree NAME COMMAND...: as measure, but the peak is of the summed RSS of the command's
# whole process tree (a Pool's workers are separate processes, which /usr/bin/time does not
# add up), sampled every 20 ms from /proc.
measure_tree() {
  local name=$1
  shift
  local times=() rss=0
  for _ in $(seq "$runs"); do
    before_each_run
    local start
    start=$(date +%s.%N)
    "$@" >"$work/log" 2>&1 &
    local root=$! peak=0
    while kill -0 "$root" 2>/dev/null; do
      local total=0
      for pid in $root $(pgrep -P "$root" || true); do
        local kib
        kib=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        total=$((total + ${kib:-0}))
      done
      ((total > peak)) && peak=$total
      sleep 0.02
    done
    if ! wait "$root"; then
      echo "$name FAILED: $(tail -1 "$work/log")" >&2
      echo "$name - -"
      return
    fi
    times+=("$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')")
    ((peak > rss)) && rss=$peak
  done
  echo "$name $(printf '%s\n' "${times[@]}" | median) $(mib "$rss")"
}


echo
echo "200 images, $seed, JPEG q90, 2 jobs; median of $runs runs"
echo
echo "| tool | median time | rate | peak RSS | tessera speed-up | tessera/rival RSS |"
echo "|---|---|---|---|---|---|"
rate_table 200 images \
  "$(measure tessera $tessera batch "$work/in" "$work/out" -p "$seed" -q 90 --jobs 2)" \
  "$(measure opencv-c++-2-threads build/bench/opencv_batch 2 "$work/out" "$work/list")" \
  "$(measure_tree cv2-pool-2 /usr/bin/python3 bench/rivals/cv2_pool.py 2 "$work/out" \
    "$work/list")" \
  "$(measure libvips build/bench/vips_pipeline seed-list "$work/list" "$work/out")"

if [[ -n ${MEMORY:-} ]]; then
  echo
  echo "bounded memory, --memory 64M --jobs 2 (target: peak RSS under 64 + 16 MiB)"
  rm -rf "$work/out"
  /usr/bin/time -f "%M" -o "$work/time" $tessera batch "$work/in" "$work/out" -p "$seed" -q 90 \
    --jobs 2 --memory 64M 2>/dev/null | sed 's/^/  /'
  echo "  peak RSS from /usr/bin/time: $(mib "$(cat "$work/time")") MiB"

  echo
  echo "10,000 inputs (the 200 linked 50 times), --memory 64M --jobs 2 (target: peak RSS after"
  echo "1,000 and after 10,000 within 5%)"
  mkdir -p "$work/many"
  for round in $(seq -w 1 50); do
    for file in "$work"/in/*.jpg; do ln -s "$file" "$work/many/r${round}_$(basename "$file")"; done
  done
  rm -rf "$work/out"
  # In a pipe the progress line comes every 100 files, with the peak RSS so far.
  $tessera batch "$work/many" "$work/out" -p "$seed" -q 90 --jobs 2 --memory 64M \
    2>"$work/progress" | sed 's/^/  /'
  peak_at() { grep -E "^$1/10000 files" "$work/progress" | sed -E 's/.*\(peak ([0-9.]+) MiB\).*/\1/'; }
  after_1000=$(peak_at 1000)
  after_10000=$(peak_at 10000)
  echo "  peak RSS after 1,000: $after_1000 MiB; after 10,000: $after_10000 MiB;" \
    "growth $(awk -v a="$after_1000" -v b="$after_10000" 'BEGIN {printf "%.1f%%", (b - a) / a * 100}')"
fi
