#!/usr/bin/env bash
# Fetches the real footage the video tests and benchmark run on, from Debian packages, with
# `apt-get download` and `dpkg-deb`, without installing them; nothing is committed:
#   - opencv-doc's vtest.avi: pedestrians, 768x576, 10 fps, 795 frames, MS-MPEG4v3, no audio;
#   - node-opencv's motion.mov: an iPhone clip, H.264 568x320, 30 fps, 243 frames, AAC audio.
# Idempotent: does nothing when samples/video holds both.
#
#   bash scripts/footage.sh        # -> samples/video/{vtest.avi,motion.mov}
set -euo pipefail
cd "$(dirname "$0")/.."
destination=samples/video
[[ -f $destination/vtest.avi && -f $destination/motion.mov ]] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
download() {
  if ! (cd "$work" && apt-get download "$@" >/dev/null 2>&1); then
    # A machine whose package lists are stale or missing.
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    (cd "$work" && apt-get download "$@" >/dev/null)
  fi
}
download opencv-doc node-opencv
mkdir -p "$destination"
dpkg-deb --fsys-tarfile "$work"/opencv-doc_*.deb |
  tar -xO ./usr/share/doc/opencv-doc/examples/data/vtest.avi >"$destination/vtest.avi.part"
dpkg-deb --fsys-tarfile "$work"/node-opencv_*.deb |
  tar -xO ./usr/share/doc/node-opencv/examples/files/motion.mov >"$destination/motion.mov.part"
mv "$destination/vtest.avi.part" "$destination/vtest.avi"
mv "$destination/motion.mov.part" "$destination/motion.mov"
echo "footage: vtest.avi and motion.mov in $destination"
