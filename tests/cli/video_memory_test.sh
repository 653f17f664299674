#!/usr/bin/env bash
# What `tessera video --estimate` says a job needs against what the job then takes: for each
# encoder, the peak RSS of the run (under /usr/bin/time) stays within the estimate (tracked +
# the encoder's own) plus the process's fixed floor (the program and FFmpeg's libraries loaded,
# measured as the peak RSS of `--estimate` itself) and 16 MiB; and a --memory under the
# estimate refuses the job before decoding, naming the encoder.
#   tests/cli/video_memory_test.sh path/to/tessera path/to/samples/video
set -uo pipefail
tessera=${1:?usage: video_memory_test.sh path/to/tessera path/to/footage}
footage=${2:?usage: video_memory_test.sh path/to/tessera path/to/footage}
pedestrians=$footage/vtest.avi
if [[ ! -f $pedestrians ]]; then
  echo "SKIP: no footage in $footage (run scripts/footage.sh)"
  exit 0
fi
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
pipeline="gray | blur 5 | canny 50 150 | rgb"

# MiB figures from a line: "... 54.5 MiB tracked ... + 391.6 MiB the encoder ... = 446.1 MiB".
total_of() { grep -o '= [0-9.]* MiB' <<<"$1" | grep -o '[0-9.]*'; }
tracked_of() { grep -o '[0-9.]* MiB tracked' <<<"$1" | grep -o '^[0-9.]*'; }

for output in pedestrians.mp4 pedestrians.webm pedestrians-hevc.mkv pedestrians-av1.mkv \
  pedestrians-ffv1.mkv; do
  case $output in
  *-hevc.mkv) codec=(--codec hevc) ;;
  *-av1.mkv) codec=(--codec av1) ;;
  *-ffv1.mkv) codec=(--codec ffv1) ;;
  *.webm) codec=(--preset 8) ;;
  *) codec=() ;;
  esac
  estimate=$(/usr/bin/time -f "%M" -o "$work/floor" "$tessera" video "$pedestrians" \
    "$work/$output" -p "$pipeline" "${codec[@]}" --estimate 2>&1)
  total=$(total_of "$estimate")
  if [[ -z $total ]]; then
    fail "$output: --estimate gave no encoder estimate: $estimate"
    continue
  fi
  floor_kib=$(cat "$work/floor")
  if ! /usr/bin/time -f "%M" -o "$work/peak" "$tessera" video "$pedestrians" "$work/$output" \
    -p "$pipeline" "${codec[@]}" --duration 6 >"$work/log" 2>&1; then
    fail "$output: the run failed: $(tail -2 "$work/log")"
    continue
  fi
  peak_kib=$(cat "$work/peak")
  within=$(awk -v peak="$peak_kib" -v floor="$floor_kib" -v total="$total" \
    'BEGIN { print (peak / 1024 <= floor / 1024 + total + 16) ? "yes" : "no" }')
  echo "$output: peak RSS $((peak_kib / 1024)) MiB; estimate $total MiB + floor" \
    "$((floor_kib / 1024)) MiB"
  [[ $within == yes ]] || fail "$output: peak RSS $((peak_kib / 1024)) MiB over the estimate" \
    "$total MiB + the floor $((floor_kib / 1024)) MiB + 16 MiB"

  # A cap between the tracked estimate and the total: refused before decoding (x264 fits by
  # shortening its lookahead; the others cannot), with nothing written.
  tracked=$(tracked_of "$estimate")
  if [[ $output != pedestrians.mp4 ]]; then
    cap=$(awk -v t="$tracked" 'BEGIN { printf "%dM", t + 2 }')
    rm -f "$work/$output"
    refused=$("$tessera" video "$pedestrians" "$work/$output" -p "$pipeline" "${codec[@]}" \
      --memory "$cap" 2>&1)
    status=$?
    [[ $status == 1 && $refused == *"encoder needs about"* ]] ||
      fail "$output: --memory $cap was not refused for the encoder ($status): $refused"
    [[ ! -e $work/$output ]] || fail "$output: a refused job left its output"
  fi
done

if ((failures > 0)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "video memory: all checks passed"
