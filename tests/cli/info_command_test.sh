#!/usr/bin/env bash
# tessera info (issue 14 item 19): the upright size of an EXIF-rotated JPEG beside the stored one
# (convert works on the upright image), AVIF named apart from HEIF, an animated GIF's frames.
# Fails on 8484b4f: it showed 308x231 for the orientation-6 JPEG, "heif" for the AVIF and no
# frame count for the 5-frame cogs.gif.
set -euo pipefail
tessera="$1"
corpora="${TESSERA_CORPORA:-/work/shared/corpora}"
images="$corpora/vips/test/test-suite/images"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

expect() {  # expect FILE TEXT: `tessera info FILE` says TEXT
  local out
  out="$("$tessera" info "$1")"
  grep -qF -- "$2" <<<"$out" || { echo "expected '$2' in: $out"; exit 1; }
}

expect "$images/rotation/6.jpg" ": jpeg 231x308 upright (stored 308x231, orientation 6: rotate 90 CW)"
expect "$images/rotation/3.jpg" ": jpeg 308x410 (orientation 3: rotate 180)"
"$tessera" convert "$images/rotation/6.jpg" "$work/upright.png"
expect "$work/upright.png" ": png 231x308 rgb8"

expect "$images/cogs.gif" "animated: 5 frames"
expect "$corpora/heif/libheif/examples/example.avif" ": avif 800x533"
echo ok
