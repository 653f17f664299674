#!/usr/bin/env bash
# `tessera video` end to end on real footage: help, usage errors (exit 2, said before any
# decoding), the null and file outputs with their summary, hostile inputs (exit 1, a clear
# message, nothing left behind), --memory refusing a job that cannot fit, Ctrl-C ending with a
# playable file of the frames done (exit 130), and `--estimate`.
#   tests/cli/video_command_test.sh path/to/tessera path/to/samples/video
set -uo pipefail
set -m  # background jobs in their own group, so that SIGINT is not ignored in them
tessera=${1:?usage: video_command_test.sh path/to/tessera path/to/footage}
footage=${2:?usage: video_command_test.sh path/to/tessera path/to/footage}
pedestrians=$footage/vtest.avi
phone=$footage/motion.mov
if [[ ! -f $pedestrians || ! -f $phone ]]; then
  echo "SKIP: no footage in $footage (run scripts/footage.sh)"
  exit 0
fi
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
seed="gray | blur 5 | canny 50 150 | rgb"
# expect STATUS TEXT COMMAND...: the command exits STATUS and its output holds TEXT.
expect() {
  local status=$1 text=$2
  shift 2
  local output
  output=$("$@" 2>&1)
  local got=$?
  [[ $got == "$status" ]] || fail "'$*' exited $got, not $status: $output"
  [[ $output == *"$text"* ]] || fail "'$*' did not say '$text': $output"
}
# nothing_left: the work folder holds no output or temporary besides the given files.
nothing_left() {
  local left
  left=$(cd "$work" && find . -mindepth 1 ! -name 'cut.mov' ! -name 'notes.mp4' | sort)
  [[ -z $left ]] || fail "left behind after a failure: $left"
}

# Help names every option.
help=$("$tessera" video --help)
for option in --pipeline --codec --crf --preset --every --start --duration --memory \
  --frames-in-flight --no-audio --fail-on --estimate --report --max-pixels; do
  [[ $help == *"$option"* ]] || fail "video --help does not name $option"
done

# Usage errors: exit 2, before anything is decoded or written.
expect 2 "unknown op 'blurr'" "$tessera" video "$pedestrians" "$work/o.mp4" -p "gray | blurr 5"
expect 2 "needs a one-channel (gray) image" "$tessera" video "$pedestrians" "$work/o.mp4" -p "canny 50 150"
expect 2 "--codec" "$tessera" video "$pedestrians" "$work/o.mp4" --codec mpeg2
expect 2 ".mkv holds every codec" "$tessera" video "$pedestrians" "$work/o.mp4" --codec ffv1
expect 2 "not a video container" "$tessera" video "$pedestrians" "$work/o.png"
expect 2 "preset" "$tessera" video "$pedestrians" "$work/o.mp4" --preset turbo
expect 2 "--every" "$tessera" video "$pedestrians" null --every 0
expect 2 "not a video container tessera writes" "$tessera" video "$phone" "$work/o.flv"
expect 2 "takes 0 (best) to 51" "$tessera" video "$phone" "$work/o.mp4" --crf 60
expect 2 "cpu-used 0 (slowest, best) to 8" "$tessera" video "$phone" "$work/o.webm" --preset medium
expect 2 ".mkv holds every codec" "$tessera" video "$phone" "$work/v.mov" --codec vp9 --preset 8
nothing_left

# The output is the input (same path, another spelling, a hard link): refused as convert refuses
# it, and the input is left as it was. An existing folder as the output: refused before any work.
cp "$phone" "$work/same.mov"
ln "$work/same.mov" "$work/hard.mov"
for output in "$work/same.mov" "$work/./same.mov" "$work/hard.mov"; do
  expect 2 "is the input itself: writing it would replace the original" \
    "$tessera" video "$work/same.mov" "$output" --preset ultrafast
done
cmp -s "$phone" "$work/same.mov" || fail "the input was changed by a refused run"
rm -f "$work/same.mov" "$work/hard.mov"
mkdir "$work/dir.mp4"
expect 2 "is a folder" "$tessera" video "$phone" "$work/dir.mp4" --preset ultrafast
rmdir "$work/dir.mp4"
nothing_left
[[ $help == *"An existing output is replaced"* ]] || fail "video --help does not say an output is replaced"

# The README's frames example, as pasted: the pattern's folder is made.
tessera_path=$(realpath "$tessera")
pedestrians_path=$(realpath "$pedestrians")
(cd "$work" && "$tessera_path" video "$pedestrians_path" frames/%06d.png -p "resize 25%" \
  --start 10 --duration 5 >/dev/null 2>&1) || fail "the README's frames example failed"
[[ $(find "$work/frames" -name '*.png' | wc -l) == 50 && -f $work/frames/000001.png ]] ||
  fail "frames/: not the 50 frames numbered from 1"
rm -rf "$work/frames"

# --start/--duration cut the audio too: both streams start at 0 and last 2 s.
expect 0 "video: 60 frames" "$tessera" video "$phone" "$work/st4.mp4" --start 4 --duration 2 \
  --preset ultrafast
python3 - "$work/st4.mp4" <<'PY' || fail "st4.mp4: the streams are not cut to 0..2 s"
import json, subprocess, sys
probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_entries",
    "stream=codec_type,start_time,duration:format=duration", "-of", "json", sys.argv[1]],
    capture_output=True, check=True).stdout)
for stream in probe["streams"]:
    assert abs(float(stream["start_time"])) < 0.024, stream
    assert abs(float(stream["duration"]) - 2) < 0.05, stream
assert abs(float(probe["format"]["duration"]) - 2) < 0.05, probe["format"]
PY
rm -f "$work/st4.mp4"

# The null output: every frame through the pipeline, a summary, nothing written.
expect 0 "video: 795 frames" "$tessera" video "$pedestrians" null -p "$seed"
expect 0 "leaked 0 B" "$tessera" video "$pedestrians" null -p "$seed" --every 10

# A file: H.264 with the audio copied, as ffprobe sees it.
expect 0 "audio/subtitle packets copied" "$tessera" video "$phone" "$work/edges.mp4" -p "$seed" \
  --preset ultrafast
streams=$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$work/edges.mp4" | sort | tr '\n' ' ')
[[ $streams == "aac h264 " ]] || fail "edges.mp4 holds '$streams', not aac and h264"
expect 0 "" "$tessera" video "$phone" "$work/quiet.webm" -p "gray | rgb" --no-audio --duration 1 \
  --preset 8
[[ $(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$work/quiet.webm") == vp9 ]] ||
  fail "quiet.webm is not vp9 alone"
rm -f "$work/edges.mp4" "$work/quiet.webm"

# `tessera info` describes a video through tessera-video, and still refuses what is neither.
expect 0 "video (mov,mp4,m4a,3gp,3g2,mj2) h264 568x320 yuv420p 8-bit, 30.00 fps" "$tessera" info "$phone"
expect 0 "streams: audio aac, video h264" "$tessera" info "$phone"
expect 1 "not an image format tessera knows" "$tessera" info "$pedestrians" /etc/hostname

# --estimate: the size and the estimate, nothing else.
expect 0 "768x576 msmpeg4v3, 795 frames" "$tessera" video "$pedestrians" null -p "$seed" --estimate

# --report: the run as JSON, and a failed run's report says why.
"$tessera" video "$phone" null -p "$seed" --report "$work/run.json" >/dev/null ||
  fail "the reported run failed"
python3 - "$work/run.json" <<'PY' || fail "run.json is not what it should be"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["status"] == "complete", report["status"]
assert report["totals"]["frames_written"] == 242, report["totals"]
assert report["input"]["codec"] == "h264" and report["input"]["width"] == 568
assert len(report["memory_timeline"]) == 242, len(report["memory_timeline"])
assert set(report["timings"]) == {"decode_seconds", "pipeline_seconds", "encode_seconds"}
assert report["settings"]["pipeline"] == "gray | blur 5 | canny 50 150 | rgb"
settings = report["settings"]
assert settings["crf"] is None and settings["preset"] is None and settings["codec"] is None, settings
assert settings["duration_seconds"] is None, settings
assert report["output"] is None, report["output"]
PY
"$tessera" video "$pedestrians" "$work/kept.mkv" --codec ffv1 --duration 2 --every 3 -p "gray" \
  --report "$work/kept.json" >/dev/null || fail "the --every run failed"
python3 - "$work/kept.json" <<'PY' || fail "kept.json is not what it should be"
import json, sys
report = json.load(open(sys.argv[1]))
totals, output = report["totals"], report["output"]
assert totals["frames_decoded"] >= 20 and totals["frames_read"] == 7, totals
assert output["codec"] == "ffv1" and output["pixel_format"] == "gray", output
assert output["width"] == 768 and output["height"] == 576 and output["frames"] == 7, output
assert output["bytes"] > 0, output
assert report["settings"]["codec"] == "ffv1" and report["settings"]["duration_seconds"] == 2
PY
rm -f "$work/kept.mkv" "$work/kept.json"
head -c 4000000 "$pedestrians" >"$work/cut.avi"
"$tessera" video "$work/cut.avi" null --report "$work/cut.json" >/dev/null 2>&1
python3 - "$work/cut.json" <<'PY' || fail "cut.json does not have the input and totals"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["status"] == "failed" and report["error"]["code"] == "CorruptData", report
assert report["input"]["codec"] == "msmpeg4v3", report["input"]
assert report["totals"]["frames_written"] > 300, report["totals"]
PY
rm -f "$work/cut.avi" "$work/cut.json"
echo "not a video" >"$work/notes.mp4"
"$tessera" video "$work/notes.mp4" null --report "$work/failed.json" >/dev/null 2>&1
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["status"] == "failed" and r["error"]["code"] == "UnsupportedFormat", r' \
  "$work/failed.json" || fail "failed.json does not say the run failed"
rm -f "$work/run.json" "$work/failed.json"

# Hostile inputs: exit 1, the file named, no output left.
head -c 200000 "$phone" >"$work/cut.mov"
expect 1 "CorruptData" "$tessera" video "$work/cut.mov" "$work/o.mp4" -p "$seed"
expect 1 "UnsupportedFormat" "$tessera" video "$work/notes.mp4" "$work/o.mp4"
expect 1 "Io" "$tessera" video "$work/missing.mp4" "$work/o.mp4"
expect 1 "Io" "$tessera" video "$pedestrians" "$work/no/such/folder/o.mp4"
nothing_left

# --memory: a job that cannot fit is refused before decoding; one that fits runs.
expect 1 "OutOfBudget" "$tessera" video "$pedestrians" "$work/o.mp4" -p "$seed" --memory 4M
nothing_left
expect 0 "video: 100 frames" "$tessera" video "$pedestrians" null -p "$seed" --memory 64M --duration 10

# Ctrl-C: the frames done so far, in a complete file; exit 130.
"$tessera" video "$pedestrians" "$work/stopped.mp4" -p "$seed" --preset ultrafast \
  >"$work/stopped.log" 2>&1 &
job=$!
for _ in $(seq 500); do
  compgen -G "$work/.stopped.mp4.tessera-*" >/dev/null && break
  sleep 0.01
done
sleep 0.5
kill -INT "$job"
wait "$job"
status=$?
if [[ $status == 130 ]]; then
  written=$(sed -nE 's/^video: interrupted: ([0-9]+) frames.*/\1/p' "$work/stopped.log")
  decoded=$(ffprobe -v error -count_frames -select_streams v -show_entries stream=nb_read_frames \
    -of csv=p=0 "$work/stopped.mp4")
  [[ -n $written && $written == "$decoded" ]] ||
    fail "interrupted: said $written frames, the file decodes $decoded: $(cat "$work/stopped.log")"
  grep -q "finishing the frames in flight" "$work/stopped.log" ||
    fail "Ctrl-C did not speak of frames: $(cat "$work/stopped.log")"
elif [[ $status == 0 ]]; then
  echo "note: the run finished before the signal"
else
  fail "Ctrl-C: exit $status: $(cat "$work/stopped.log")"
fi
compgen -G "$work/.*tessera-*" >/dev/null && fail "a temporary was left: $(ls -a "$work")"
rm -f "$work/stopped.mp4"

# A second Ctrl-C, more than a second later: at once, saying what it left (nothing). x264's
# slowest preset takes seconds to flush its lookahead after the first.
"$tessera" video "$pedestrians" "$work/twice.mp4" --preset placebo >"$work/twice.log" 2>&1 &
job=$!
for _ in $(seq 500); do
  compgen -G "$work/.twice.mp4.tessera-*" >/dev/null && break
  sleep 0.01
done
sleep 0.3
kill -INT "$job"
sleep 1.3
kill -INT "$job" 2>/dev/null
wait "$job"
status=$?
if [[ $status != 130 ]]; then
  fail "two Ctrl-C: exit $status: $(cat "$work/twice.log")"
elif ! grep -q "^video: " "$work/twice.log"; then
  grep -q "stopped at once: no .*twice.mp4 written, and no temporary left" "$work/twice.log" ||
    fail "a second Ctrl-C did not say what it left: $(cat "$work/twice.log")"
  [[ -e $work/twice.mp4 ]] && fail "a second Ctrl-C left twice.mp4"
  compgen -G "$work/.twice.mp4.tessera-*" >/dev/null && fail "a second Ctrl-C left a temporary"
fi
rm -f "$work/twice.mp4" "$work/twice.log" "$work/stopped.log"

# Damage the decoder would conceal (vtest.avi cut mid-frame): error and warning end the run
# naming the frame, none goes on and says which frame was damaged.
head -c 4000000 "$pedestrians" >"$work/cut.avi"
expect 1 "CorruptData" "$tessera" video "$work/cut.avi" null
expect 1 "frame 390" "$tessera" video "$work/cut.avi" null --fail-on error
expect 1 "frame 390" "$tessera" video "$work/cut.avi" null --fail-on warning
expect 0 "warning: frame 390" "$tessera" video "$work/cut.avi" null --fail-on none
rm -f "$work/cut.avi"

# --start and --duration refused in words, not CLI11's range of every double; a start past the
# end is a usage error, not a damaged file.
for wrong in "--start -1" "--start abc" "--duration 0"; do
  # shellcheck disable=SC2086
  output=$("$tessera" video "$phone" null $wrong 2>&1)
  status=$?
  [[ $status == 2 && $output != *179769* ]] || fail "'$wrong' exited $status: $output"
  [[ $output == *" s: give "* || $output == *"not a number of seconds"* ]] ||
    fail "'$wrong' said: $output"
done
expect 2 "--start 100 s is past the end (8.0 s)" "$tessera" video "$phone" null --start 100

# An image sequence in: at 25 frames a second, or --fps; --fps with a video is refused.
mkdir "$work/seq"
"$tessera" video "$phone" "$work/seq/%06d.png" --duration 1 -p "resize 25%" >/dev/null ||
  fail "the sequence was not written"
"$tessera" video "$work/seq/%06d.png" "$work/seq.mkv" --codec ffv1 --fps 10 >/dev/null ||
  fail "--fps 10 failed"
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/seq.mkv")
[[ $duration == 3.0* ]] || fail "30 frames at --fps 10 last $duration s, not 3"
expect 2 "--fps is for an image sequence input" "$tessera" video "$phone" null --fps 10
expect 0 "video (image2) png 142x80" "$tessera" info "$work/seq/%06d.png"
rm -rf "$work/seq" "$work/seq.mkv"

# Options the output does not read are said once; stdin is refused in words.
expect 0 "--crf applies to video outputs only; ignored for 'null'" \
  "$tessera" video "$phone" null --crf 10 --duration 0.2
expect 0 "--no-audio applies to video outputs only" \
  "$tessera" video "$phone" null --no-audio --duration 0.2
expect 2 "not standard input" "$tessera" video - "$work/o.mp4" <"$phone"
expect 1 "videos are read from a file" "$tessera" info - <"$phone"
ffmpeg -v error -i "$phone" -vn -c:a copy "$work/audio.m4a"
expect 1 "has no video stream (streams: audio aac)" "$tessera" info "$work/audio.m4a"
ffmpeg -v error -i "$phone" -c copy -metadata:s:v rotate=90 "$work/turned.mp4"
expect 0 "320x568 upright (stored 568x320, display matrix: rotate 270 CW, as ffprobe's rotation=90" "$tessera" info "$work/turned.mp4"
rm -f "$work/audio.m4a" "$work/turned.mp4"

# Ctrl-C on an image sequence: the frames done stay, each a complete file, and it is said.
"$tessera" video "$pedestrians" "$work/seqint/%04d.png" -p "$seed" >"$work/seqint.log" 2>&1 &
job=$!
for _ in $(seq 500); do
  [[ -e $work/seqint/0001.png ]] && break
  sleep 0.01
done
sleep 0.3
kill -INT "$job"
wait "$job"
status=$?
if [[ $status == 130 ]]; then
  said=$(sed -nE 's/.*interrupted: the ([0-9]+) frames done are kept, each a complete file.*/\1/p' \
    "$work/seqint.log")
  kept=$(find "$work/seqint" -name '*.png' | wc -l)
  [[ -n $said && $said == "$kept" ]] ||
    fail "interrupted sequence: said '$said' frames, $kept kept: $(cat "$work/seqint.log")"
  compgen -G "$work/seqint/.*tessera-*" >/dev/null && fail "a frame's temporary was left"
elif [[ $status == 0 ]]; then
  echo "note: the sequence run finished before the signal"
else
  fail "Ctrl-C on a sequence: exit $status: $(cat "$work/seqint.log")"
fi
rm -rf "$work/seqint" "$work/seqint.log"

if ((failures)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "video command: all checks passed"
