#!/usr/bin/env bash
# tessera info names AVIF apart from HEIF and counts an animated GIF's frames (issue 14 item 19).
# Fails on 8484b4f: it printed "heif" for the AVIF and no frame count for the 5-frame cogs.gif.
set -euo pipefail
tessera="$1"
corpora="${TESSERA_CORPORA:-/work/shared/corpora}"
gif="$corpora/vips/test/test-suite/images/cogs.gif"
avif="$corpora/heif/libheif/examples/example.avif"
out="$("$tessera" info "$gif")"
echo "$out" | grep -q "animated: 5 frames" || { echo "no frame count: $out"; exit 1; }
out="$("$tessera" info "$avif")"
echo "$out" | grep -q ": avif 800x533" || { echo "AVIF not named: $out"; exit 1; }
echo ok
