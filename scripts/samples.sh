#!/usr/bin/env bash
# Fetches the sample photographs the README's first command runs on: CC0 and public-domain
# photographs from scikit-image's data folder, taken from Debian's python3-skimage package with
# `apt-get download` and unpacked with `dpkg -x`, without installing it. No photo is committed
# to the repository. Idempotent: does nothing when samples/photos exists.
#
#   bash scripts/samples.sh        # -> samples/photos/
set -euo pipefail
cd "$(dirname "$0")/.."
destination=samples/photos
[[ -d $destination ]] && exit 0

# Each of these says in scikit-image's own docs that it is CC0 or in the public domain.
photos=(astronaut.png camera.png chelsea.png clock_motion.png coffee.png coins.png brick.png
  grass.png gravel.png hubble_deep_field.jpg retina.jpg rocket.jpg text.png)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download python3-skimage >/dev/null 2>&1); then
  # A machine whose package lists are stale or missing.
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  (cd "$work" && apt-get download python3-skimage >/dev/null)
fi
dpkg -x "$work"/python3-skimage_*.deb "$work/unpacked"
data=$(find "$work/unpacked" -type d -path "*/skimage/data" | head -1)
mkdir -p "$destination.part"
for photo in "${photos[@]}"; do
  cp "$data/$photo" "$destination.part/"
done
mv "$destination.part" "$destination"
echo "samples: ${#photos[@]} photographs in $destination"
