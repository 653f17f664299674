#!/usr/bin/env bash
# `tessera --version [--json]`: the version alone on the first line (scripts read it), the commit
# of the source tree it was built from, and each library's version against pkg-config's
# (Debian's packages: the versions built against and run with are the same here).
#   tests/cli/version_test.sh path/to/tessera path/to/source
set -uo pipefail
tessera=${1:?usage: version_test.sh path/to/tessera path/to/source}
source_dir=${2:?usage: version_test.sh path/to/tessera path/to/source}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$tessera" --version >"$work/version.txt" || { echo "FAIL: --version exited $?"; exit 1; }
"$tessera" --version --json >"$work/version.json" || { echo "FAIL: --version --json"; exit 1; }
"$tessera" --version --yaml >/dev/null 2>&1
[[ $? == 2 ]] || { echo "FAIL: --version --yaml is not a usage error"; exit 1; }
# Built from this tree: its commit (CI builds what it tests), or one before it (a developer who
# committed since the last build), with -dirty when the tree had changes.
built=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["git_commit"])' \
  "$work/version.json")
if git -C "$source_dir" rev-parse HEAD >/dev/null 2>&1; then
  git -C "$source_dir" merge-base --is-ancestor "${built%-dirty}" HEAD ||
    { echo "FAIL: --version names commit $built, not one of this tree's"; exit 1; }
else
  [[ $built == unknown ]] || { echo "FAIL: --version names $built outside a git checkout"; exit 1; }
fi
expected_version=$(sed -n 's/^project(tessera VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")

python3 - "$work/version.txt" "$work/version.json" "$expected_version" <<'PY'
import json, os, subprocess, sys
text = open(sys.argv[1]).read().splitlines()
info = json.load(open(sys.argv[2]))
expected_version = sys.argv[3]
assert expected_version, "no project(tessera VERSION ...) line found"
assert text[0] == f"tessera {expected_version}", text[0]
assert info["version"] == expected_version, info["version"]
assert f"commit {info['git_commit']}" in text[1], text[1]

def pkg_config(module):
    done = subprocess.run(["pkg-config", "--modversion", module], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None

libraries = info["libraries"]
for name, module in [("libspng", "spng"), ("libwebp", "libwebp"), ("libtiff", "libtiff-4"),
                     ("libheif", "libheif"), ("libjpeg-turbo", "libjpeg"),
                     ("Highway", "libhwy")]:
    expected = pkg_config(module)
    assert expected, f"pkg-config knows no {module}"
    assert libraries[name]["version"] == expected, (name, libraries[name], expected)
# oneTBB's runtime says 2021.8 for pkg-config's 2021.8.0; lcms2 2.14 for 2.14.
# giflib has no pkg-config file: Debian's package says its version.
giflib = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libgif-dev"], capture_output=True,
                        text=True).stdout
assert giflib.startswith(libraries["giflib"]["version"] + "-"), (libraries["giflib"], giflib)
assert pkg_config("tbb").startswith(libraries["oneTBB"]["version"]), libraries["oneTBB"]
assert pkg_config("lcms2").startswith(libraries["lcms2"]["version"]), libraries["lcms2"]
assert pkg_config("imagequant") == libraries["libimagequant"]["version"], libraries["libimagequant"]
assert "decoders:" in libraries["libheif"]["detail"], libraries["libheif"]
for module in ["libavformat", "libavcodec", "libswscale", "libavutil"]:
    assert f"{module} {pkg_config(module)}" in info["video"]["ffmpeg_built_against"], module
assert info["simd_target"] == info["simd_targets"][0], info["simd_targets"]
assert 1 <= info["threads"] <= os.cpu_count(), (info["threads"], os.cpu_count())
print("ok:", text[0], info["git_commit"], info["simd_target"])
PY
