#!/usr/bin/env bash
# The video issue's figures: `tessera video` beside OpenCV C++ (VideoCapture -> the seed ops ->
# VideoWriter, bench/rivals/opencv_video.cpp), ffmpeg, and in Python PyAV around cv2's ops
# (bench/rivals/pyav_video.py) and seed 001's cv2 loop (bench/rivals/cv2_video.py), on a 1080p
# clip through the seed pipeline `gray | blur 5 | canny 50 150 | rgb`, in the same run. Each tool runs RUNS times in its
# own process under /usr/bin/time (ffmpeg's single-threaded edgedetect filter once: it takes a
# minute): the median wall time and the largest peak RSS, with
# tessera's frames/s and RSS ratios to each rival.
#
# The clip is v1080.mp4, made once from opencv-doc's vtest.avi (real pedestrians, 795 frames):
#   ffmpeg -i vtest.avi -vf scale=1920:1080:flags=lanczos -c:v libx264 -preset veryfast -crf 20
#          -pix_fmt yuv420p v1080.mp4
# With H.264 output, each side's file is compared by size and by PSNR against that side's exact
# frames (its pipeline written losslessly with FFV1).
#
#   bash bench/video_bench.sh [RUNS]      # default 3; needs the release build in build/
#   MEMORY=1 bash bench/video_bench.sh    # also 10,000+ frames under --memory 128M: RSS flat?
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
tessera=build/tessera
seed="gray | blur 5 | canny 50 150 | rgb"
bash scripts/footage.sh >/dev/null
clip=samples/video/v1080.mp4
if [[ ! -f $clip ]]; then
  echo "making $clip from vtest.avi (once) ..."
  ffmpeg -v error -y -i samples/video/vtest.avi -vf scale=1920:1080:flags=lanczos \
    -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p "$clip.part.mp4"
  mv "$clip.part.mp4" "$clip"
fi
frames=$(ffprobe -v error -select_streams v -count_packets -show_entries stream=nb_read_packets \
  -of csv=p=0 "$clip")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source bench/support/measure.sh
python=.venv/bin/python


echo
echo "$clip ($frames frames, 1920x1080 H.264), $seed, $(nproc) cores; median of $runs runs"
echo
echo "decode + pipeline, no output (OUT = null)"
echo
echo "| tool | median time | rate | peak RSS | tessera speed-up | tessera/rival RSS |"
echo "|---|---|---|---|---|---|"
rate_table "$frames" frames \
  "$(measure tessera $tessera video "$clip" null -p "$seed")" \
  "$(measure opencv-c++ build/bench/opencv_video "$clip" null)" \
  "$(measure pyav+cv2 $python bench/rivals/pyav_video.py "$clip" null)" \
  "$(measure cv2-seed-001 $python bench/rivals/cv2_video.py "$clip" null)" \
  "$(runs=1 measure ffmpeg-edgedetect-1-run ffmpeg -v error -i "$clip" -vf format=gray,edgedetect -f null -)" \
  "$(measure ffmpeg-decode-only ffmpeg -v error -i "$clip" -f null -)"

# Each side's exact frames (its pipeline written with FFV1, lossless): the reference its H.264
# file is compared with, since the pipelines' edges differ a little (OpenCV's gray comes from
# BGR); tessera's also feed x264 alone, the ceiling of any tool's rate at this preset.
$tessera video "$clip" "$work/tessera-exact.mkv" -p "$seed" --codec ffv1 >/dev/null 2>&1
build/bench/opencv_video "$clip" "$work/opencv-exact.avi" FFV1 >/dev/null
$python bench/rivals/pyav_video.py "$clip" "$work/pyav-exact.mkv" ffv1

preset=${PRESET:-medium}
# A cap at a quarter of OpenCV's RSS (566 MiB, measured here): tessera shortens x264's lookahead
# to fit it (a warning says so); its file and PSNR are in the quality table.
capped=${CAPPED:-144M}
echo
echo "with H.264 output: libx264 preset $preset, crf 23 on tessera's and PyAV's side; OpenCV's"
echo "VideoWriter (avc1) sets libx264 itself (preset medium, crf 23, 3 threads); seed 001's cv2"
echo "writes XVID (MPEG-4 Part 2: the PyPI wheel has no libx264), a rate to compare, not a file"
echo
echo "| tool | median time | rate | peak RSS | tessera speed-up | tessera/rival RSS |"
echo "|---|---|---|---|---|---|"
rate_table "$frames" frames \
  "$(measure tessera $tessera video "$clip" "$work/tessera.mp4" -p "$seed" --preset "$preset" \
    --crf 23)" \
  "$(measure tessera--memory-$capped $tessera video "$clip" "$work/tessera-capped.mp4" -p "$seed" \
    --preset "$preset" --crf 23 --memory "$capped")" \
  "$(measure opencv-c++ build/bench/opencv_video "$clip" "$work/opencv.mp4" avc1)" \
  "$(measure pyav+cv2 $python bench/rivals/pyav_video.py "$clip" "$work/pyav.mp4" "$preset")" \
  "$(measure cv2-seed-001-xvid $python bench/rivals/cv2_video.py "$clip" "$work/cv2.avi")" \
  "$(runs=1 measure ffmpeg-edgedetect-x264-1-run ffmpeg -v error -y -i "$clip" -vf format=gray,edgedetect \
    -c:v libx264 -preset "$preset" -crf 23 "$work/ffmpeg.mp4")" \
  "$(measure x264-alone-on-the-edges ffmpeg -v error -i "$work/tessera-exact.mkv" -pix_fmt yuv420p \
    -c:v libx264 -preset "$preset" -crf 23 -f null -)"
psnr() {
  ffmpeg -hide_banner -i "$1" -i "$2" \
    -lavfi "[0:v]format=gray[a];[1:v]format=gray[b];[a][b]psnr" -f null - 2>&1 |
    grep -o 'average:[0-9.inf]*' | head -1
}
size() { awk -v b="$(stat -c %s "$1")" 'BEGIN {printf "%.2f MB", b / 1e6}'; }
echo
echo "| output | size | luma PSNR against its own exact frames (dB) |"
echo "|---|---|---|"
echo "| tessera | $(size "$work/tessera.mp4") | $(psnr "$work/tessera.mp4" "$work/tessera-exact.mkv") |"
echo "| tessera --memory $capped | $(size "$work/tessera-capped.mp4") | $(psnr "$work/tessera-capped.mp4" "$work/tessera-exact.mkv") |"
echo "| opencv-c++ | $(size "$work/opencv.mp4") | $(psnr "$work/opencv.mp4" "$work/opencv-exact.avi") |"
echo "| pyav+cv2 | $(size "$work/pyav.mp4") | $(psnr "$work/pyav.mp4" "$work/pyav-exact.mkv") |"

if [[ -n ${MEMORY:-} ]]; then
  # Constant memory: 10,000+ frames (the clip 13 times, stream-copied into one file), RSS after
  # 1,000 frames and at the end, from the report's memory timeline.
  long=$work/long.mp4
  for _ in $(seq 13); do echo "file '$PWD/$clip'"; done >"$work/list.txt"
  ffmpeg -v error -f concat -safe 0 -i "$work/list.txt" -c copy "$long"
  echo
  echo "constant memory: $long ($((frames * 13)) frames) to null, --memory 128M"
  /usr/bin/time -f "%M" -o "$work/time" $tessera video "$long" null -p "$seed" --memory 128M \
    --report "$work/long.json" 2>/dev/null | sed 's/^/  /'
  python3 - "$work/long.json" "$(cat "$work/time")" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
timeline = report["memory_timeline"]
def rss_at(frames):
    return next(s["rss_bytes"] for s in timeline if s["frames"] >= frames) / 2**20
early, late = rss_at(1000), timeline[-1]["rss_bytes"] / 2**20
print(f"  RSS after 1,000 frames {early:.1f} MiB, after {timeline[-1]['frames']:,} {late:.1f} MiB: "
      f"{(late - early) / early * 100:+.1f}% (target within 5%)")
print(f"  peak RSS {int(sys.argv[2]) / 1024:.1f} MiB (target under 128 + 16 MiB); peak tracked "
      f"{report['totals']['peak_tracked_bytes'] / 2**20:.1f} MiB; leaked {report['totals']['leaked_bytes']} B")
PY
fi
