#!/usr/bin/env bash
# `tessera info --json`: one object per file and per line, in the files' order, whatever mix of
# images, videos and unreadable files is asked about (exit 1, the others still described); the
# stored sizes, frame counts and streams against ffprobe's reading of the same files; the
# upright size of an EXIF-rotated JPEG; hostile file names stay valid JSON.
#   tests/cli/info_json_test.sh path/to/tessera path/to/samples/video
set -uo pipefail
tessera=${1:?usage: info_json_test.sh path/to/tessera path/to/footage}
footage=${2:?usage: info_json_test.sh path/to/tessera path/to/footage}
corpora="${TESSERA_CORPORA:-/work/shared/corpora}"
images="$corpora/vips/test/test-suite/images"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A name with a quote, a newline and bytes that are not UTF-8; a cut file; text.
odd=$work/$'odd "name"\nwith\xff.png'
cp "$images/rotation/3.jpg" "$odd"
head -c 2000 "$images/rotation/6.jpg" >"$work/cut.jpg"
files=("$images/rotation/6.jpg" "$odd" "$images/cogs.gif" "$work/cut.jpg"
       "$corpora/heif/libheif/examples/example.avif" /etc/hostname)
[[ -f $footage/motion.mov ]] && files+=("$footage/motion.mov" "$footage/vtest.avi")

"$tessera" info --json "${files[@]}" >"$work/info.jsonl" 2>"$work/info.err"
status=$?
[[ $status == 1 ]] || { echo "FAIL: exit $status, not 1 (two files are unreadable)"; exit 1; }
# Each error is said to a person on stderr as well.
grep -q "cut.jpg" "$work/info.err" && grep -q "hostname" "$work/info.err" ||
  { echo "FAIL: stderr: $(cat "$work/info.err")"; exit 1; }

# A TIFF of half floats is an image tessera cannot decode: said so (UnsupportedFormat, exit 1),
# not described as readable nor taken for a video by FFmpeg's tiff_pipe demuxer.
half="$corpora/tiff/tests/images/random-fp16.tiff"
"$tessera" info --json "$half" >"$work/half.json" 2>"$work/half.err"
status=$?
[[ $status == 1 ]] && grep -q '"code": *"UnsupportedFormat"' "$work/half.json" &&
  ! grep -q video "$work/half.json" ||
  { echo "FAIL: half-float TIFF: exit $status, $(cat "$work/half.json" "$work/half.err")"; exit 1; }

python3 - "$work/info.jsonl" "${files[@]}" <<'PY'
import json, os, subprocess, sys

lines = open(sys.argv[1], "rb").read().decode().splitlines()
files = sys.argv[2:]
assert len(lines) == len(files), f"{len(lines)} lines for {len(files)} files"
records = [json.loads(line) for line in lines]

def ffprobe(path, *entries):
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                          ",".join(entries), "-of", "json", path],
                         capture_output=True, check=True).stdout
    return json.loads(out)

for path, record in zip(files, records):
    name = os.fsencode(path).decode("utf-8", "replace")
    assert record["path"] == name, (record["path"], name)
    unreadable = path.endswith("cut.jpg") or path == "/etc/hostname"
    assert ("error" in record) == unreadable, record
    if unreadable:
        assert record["error"]["code"] in ("CorruptData", "UnsupportedFormat"), record
        assert record["error"]["message"], record
        continue
    if record["type"] == "video":
        probed = ffprobe(path, "stream=index,codec_type,codec_name,width,height,nb_read_frames")
        video = [s for s in probed["streams"] if s["codec_type"] == "video"][0]
        assert (record["stored_width"], record["stored_height"]) == (video["width"], video["height"])
        assert record["codec"] == video["codec_name"], record
        assert [(s["index"], s["type"]) for s in record["streams"]] == \
               [(s["index"], s["codec_type"]) for s in probed["streams"]], record
        # The container's count; the decoder may give one fewer (motion.mov's last packet).
        frames = record["frame_count"]
        assert int(video["nb_read_frames"]) <= frames <= int(video["nb_read_frames"]) + 1, record
        assert record["decode_bytes"] > record["width"] * record["height"]
        continue
    probed = ffprobe(path, "stream=width,height,nb_read_frames")["streams"][0]
    if not path.endswith(".avif"):  # ffprobe 5.1 reads no AVIF
        assert (record["stored_width"], record["stored_height"]) == \
               (probed["width"], probed["height"]), (record, probed)
    sideways = record["orientation"] >= 5
    assert (record["width"], record["height"]) == \
           ((record["stored_height"], record["stored_width"]) if sideways
            else (record["stored_width"], record["stored_height"])), record
    assert record["decode_bytes"] >= record["width"] * record["height"] * record["channels"]

by_name = {os.path.basename(r["path"]): r for r in records}
assert by_name["6.jpg"]["orientation"] == 6 and by_name["6.jpg"]["width"] == 231, by_name["6.jpg"]
assert by_name["cogs.gif"]["animated"] and by_name["cogs.gif"]["frames"] == 5, by_name["cogs.gif"]
assert by_name["example.avif"]["format"] == "avif", by_name["example.avif"]
print("ok:", len(records), "records")
PY
