#!/usr/bin/env bash
# Issue 14's command-line items: no output written twice in one batch (9), convert refuses to
# replace its input (12), unknown subcommands and `help` (17), --max-pixels suffixes and its
# clash with --unlimited, images/s of done files only (18), the decode flags parse (3, 8), an
# image as batch INPUT (13), hidden entries, non-images, dangling links and list files (16).
#   tests/cli/trust_cli_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: trust_cli_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: trust_cli_test.sh path/to/tessera path/to/corpora}
images=$corpora/jpeg/libjpeg-turbo/testimages
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

# 9: two listed inputs with one output name: the first is written, the second fails naming
# both inputs and the output (with -j 1 the order is the list's).
mkdir -p "$work/coll/a" "$work/coll/b"
cp "$images/testorig.jpg" "$work/coll/a/img.jpg"
cp "$images/testimgint.jpg" "$work/coll/b/img.jpg"
printf '%s\n' "$work/coll/a/img.jpg" "$work/coll/b/img.jpg" |
  "$tessera" batch - "$work/out1" -j 1 -p "resize 50%" >"$work/coll.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "a collision fails the run (exit $status)"
grep -qF "FAILED $work/coll/b/img.jpg: InvalidArgument: its output '$work/out1/img.jpg' is already that of '$work/coll/a/img.jpg'" \
  "$work/coll.out" || { cat "$work/coll.out"; fail "the second input fails naming both inputs and the output"; }
grep -qE "^batch: 1 done, 1 failed" "$work/coll.out" || fail "one done, one failed"
# The output is the first input's (testorig is 227x149, testimgint 227x149 too: compare bytes
# against a convert of the first).
"$tessera" convert "$work/coll/a/img.jpg" "$work/first.jpg" -p "resize 50%"
cmp -s "$work/first.jpg" "$work/out1/img.jpg" || fail "the output is the first input's, not replaced"

# 9: x.jpg and x.png with --format webp.
mkdir -p "$work/fm"
"$tessera" convert "$images/testorig.jpg" "$work/fm/x.png"
cp "$images/testorig.jpg" "$work/fm/x.jpg"
"$tessera" batch "$work/fm" "$work/out2" --format webp -j 2 >"$work/fm.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "x.jpg and x.png to webp: exit 1 (got $status)"
grep -qE "FAILED $work/fm/x\.(jpg|png): InvalidArgument: its output '$work/out2/x.webp' is already that of '$work/fm/x\.(jpg|png)'" \
  "$work/fm.out" || { cat "$work/fm.out"; fail "x.jpg/x.png collision named"; }

# 12: convert refuses an output that is its input (same inode, any spelling), unless --overwrite.
cp "$work/fm/x.png" "$work/x.png"
original=$(sha256sum <"$work/x.png")
ln "$work/x.png" "$work/hard.png"
for out in "$work/x.png" "$work/./x.png" "$work/hard.png"; do
  "$tessera" convert "$work/x.png" "$out" -p invert >"$work/same.out" 2>&1
  status=$?
  [[ $status -eq 2 ]] || fail "convert x.png $out is a usage error (got $status)"
  grep -qF "is the input itself" "$work/same.out" || fail "convert says the output is the input"
done
[[ $(sha256sum <"$work/x.png") == "$original" ]] || fail "the original is untouched"
"$tessera" convert "$work/x.png" "$work/x.png" -p invert --overwrite || fail "--overwrite allows it"
[[ $(sha256sum <"$work/x.png") != "$original" ]] || fail "--overwrite replaced the file"

# 17: an unknown subcommand is named, with the list; `help` and `help CMD` work.
"$tessera" foo >"$work/foo.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "tessera foo exits 2 (got $status)"
grep -qF "unknown subcommand 'foo'" "$work/foo.out" || fail "tessera foo names it"
grep -qF "convert, batch" "$work/foo.out" || fail "tessera foo lists the commands"
"$tessera" help >"$work/help.out" 2>&1 || fail "tessera help exits 0"
grep -qF "convert" "$work/help.out" || fail "tessera help lists the commands"
"$tessera" help convert >"$work/help_convert.out" 2>&1 || fail "tessera help convert exits 0"
grep -qF -- "--pipeline" "$work/help_convert.out" || fail "tessera help convert shows its options"
"$tessera" help nope >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "tessera help nope is a usage error"

# 18: --max-pixels takes decimal suffixes; clashes with --unlimited.
"$tessera" info --max-pixels 10M "$images/testorig.jpg" >/dev/null 2>&1 || fail "--max-pixels 10M"
"$tessera" info --max-pixels 30k "$images/testorig.jpg" >"$work/k.out" 2>&1
grep -qF "over the limit of 30000" "$work/k.out" || fail "--max-pixels 30k is 30000 pixels"
"$tessera" info --max-pixels 10Q "$images/testorig.jpg" >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "--max-pixels 10Q is a usage error"
"$tessera" convert --max-pixels 1000 --unlimited "$images/testorig.jpg" "$work/u.png" >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "--max-pixels with --unlimited is a usage error"
# 18: a run where everything failed reports 0 images/s.
mkdir -p "$work/bad"
for i in 1 2 3; do head -c 100 "$images/testorig.jpg" >"$work/bad/$i.jpg"; done
"$tessera" batch "$work/bad" "$work/out3" >"$work/bad.out" 2>&1
grep -qE "^batch: 0 done, 3 failed, 0 skipped in [0-9.]+ s \(0\.0 images/s" "$work/bad.out" ||
  { cat "$work/bad.out"; fail "all failed: 0.0 images/s"; }

# 3, 8: the decode flags parse (their effect is tested with the decoders).
"$tessera" convert --fail-on none --no-shrink-on-load "$images/testorig.jpg" "$work/f.png" -p "resize 50%" ||
  fail "--fail-on none --no-shrink-on-load parse in convert"
"$tessera" batch "$work/coll/a" "$work/out4" --fail-on warning --no-shrink-on-load >/dev/null 2>&1 ||
  fail "--fail-on warning --no-shrink-on-load parse in batch"
"$tessera" convert --fail-on bogus "$images/testorig.jpg" "$work/f.png" >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "--fail-on bogus is a usage error"

# 13: an image given as batch INPUT is a usage error pointing to convert (not 353 lines of
# binary read as paths).
"$tessera" batch "$images/testorig.jpg" "$work/out5" >"$work/image_input.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "batch IMAGE OUT is a usage error (got $status)"
grep -qF "is an image" "$work/image_input.out" && grep -qF "tessera convert" "$work/image_input.out" ||
  fail "batch IMAGE OUT says to use convert: $(head -1 "$work/image_input.out")"
[[ $(wc -l <"$work/image_input.out") -le 2 ]] || fail "batch IMAGE OUT prints no garbage"

# 16: a folder's hidden entries are not walked, its readme.txt is skipped (not an image), a
# dangling link is reported; a list is trimmed, blank and # lines ignored, duplicates once.
mkdir -p "$work/walk/.git" "$work/walk/sub"
cp "$images/testorig.jpg" "$work/walk/a.jpg"
cp "$images/testorig.jpg" "$work/walk/sub/b.jpg"
cp "$images/testorig.jpg" "$work/walk/.git/objects.jpg"
cp "$images/testorig.jpg" "$work/walk/.hidden.jpg"
echo "hello" >"$work/walk/readme.txt"
ln -s "$work/nowhere.jpg" "$work/walk/dead.jpg"
"$tessera" batch "$work/walk" "$work/out6" -r --report "$work/walk.json" >"$work/walk.out" 2>&1
status=$?
[[ $status -eq 1 ]] || fail "the dangling link fails the folder batch (got $status)"
grep -qE "^batch: 2 done, 1 failed, 1 skipped" "$work/walk.out" || { cat "$work/walk.out"; fail "folder: 2 done, 1 failed (the link), 1 skipped (readme.txt)"; }
grep -qF "FAILED $work/walk/dead.jpg" "$work/walk.out" || fail "the dangling link is named"
[[ ! -e $work/out6/.git && ! -e $work/out6/.hidden.jpg ]] || fail "hidden entries are not walked"
/usr/bin/python3 - "$work/walk.json" <<'PY' || fail "readme.txt is reported skipped, not an image"
import json, sys
files = {f["input"].rsplit("/", 1)[-1]: f for f in json.load(open(sys.argv[1]))["files"]}
assert files["readme.txt"]["status"] == "SKIPPED" and files["readme.txt"]["reason"] == "not an image", files["readme.txt"]
PY
printf '  %s  \n\n# a comment\n%s\n\t%s\n' "$work/walk/a.jpg" "$work/walk/a.jpg" "$work/walk/readme.txt" >"$work/list.txt"
"$tessera" batch "$work/list.txt" "$work/out7" >"$work/list.out" 2>&1
grep -qE "^batch: 1 done, 1 failed, 0 skipped" "$work/list.out" ||
  { cat "$work/list.out"; fail "list: trimmed, comments ignored, a.jpg once, a listed readme.txt fails"; }

# 18: options for another format than OUT's are warned about once, not ignored in silence.
"$tessera" convert "$images/testorig.jpg" "$work/w.jpg" --lossless >"$work/lossless.out" 2>&1 ||
  fail "convert --lossless to .jpg still converts"
[[ $(grep -c "warning: --lossless applies to WebP only" "$work/lossless.out") -eq 1 ]] || fail "--lossless on .jpg warns once"
"$tessera" convert "$images/testorig.jpg" "$work/w.png" --tiled >"$work/tiled.out" 2>&1
grep -qF "warning: --tiled applies to TIFF only" "$work/tiled.out" || fail "--tiled on .png warns"
"$tessera" convert "$images/testorig.jpg" "$work/w.webp" --lossless >"$work/webp.out" 2>&1
! grep -q warning "$work/webp.out" || fail "--lossless on .webp does not warn"
"$tessera" convert "$images/testorig.jpg" "$work/q.png" -q 50 --progressive >"$work/q.out" 2>&1
grep -qF "warning: -q applies to JPEG, lossy WebP, HEIC/AVIF and JPEG-in-TIFF; ignored for '$work/q.png'" \
  "$work/q.out" || fail "-q on .png warns: $(cat "$work/q.out")"
grep -qF "warning: --progressive applies to JPEG only" "$work/q.out" || fail "--progressive on .png warns"
"$tessera" convert "$images/testorig.jpg" "$work/q.tif" -q 50 --tiff-compression jpeg >"$work/qt.out" 2>&1
! grep -q warning "$work/qt.out" || fail "-q on a JPEG-compressed .tif does not warn"
"$tessera" convert "$images/testorig.jpg" "$work/q.jpg" --compression 9 >"$work/qj.out" 2>&1
grep -qF "warning: --compression applies to PNG only" "$work/qj.out" || fail "--compression on .jpg warns"

# 17: a pipeline the image cannot take is a usage error in convert, with the caret.
"$tessera" convert "$images/testorig.jpg" "$work/c.png" -p "resize 50% | canny 50 150" >"$work/plan.out" 2>&1
status=$?
[[ $status -eq 2 ]] || fail "canny on RGB is a usage error (got $status)"
grep -qxF "               ^" "$work/plan.out" || { cat "$work/plan.out"; fail "the caret is under canny"; }
"$tessera" convert "$images/testorig.jpg" "$work/c.png" -p "crop 0,0,9999,10" >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "an out-of-bounds crop is a usage error"
[[ ! -e $work/c.png ]] || fail "nothing is written for a pipeline that cannot plan"

# The new-user trial's findings (issue 14, before resolving). Each failed on the code it tried.
vips=$corpora/vips/test/test-suite/images
mkdir -p "$work/kinds"
cp "$vips/Bretagne2_4.j2k" "$vips/logo.svg" "$vips/sample.exr" "$vips/targa.tga" "$vips/cogs.gif" \
  "$images/testorig.jpg" "$work/kinds/"
echo "notes" >"$work/kinds/readme.txt"
"$tessera" batch "$work/kinds" "$work/kinds-out" --report "$work/kinds.json" >"$work/kinds.out" 2>&1
[[ $? -eq 1 ]] || fail "a batch with unreadable image formats exits 1"
/usr/bin/python3 - "$work/kinds.json" <<'PY' || fail "unsupported images fail, a text file is skipped, a GIF stays a GIF"
import json, sys
files = {f["input"].rsplit("/", 1)[1]: f for f in json.load(open(sys.argv[1]))["files"]}
for name in ("Bretagne2_4.j2k", "logo.svg", "sample.exr", "targa.tga"):
    assert files[name]["status"] == "FAILED", files[name]
    assert files[name]["error"]["code"] == "UnsupportedFormat", files[name]
assert files["readme.txt"]["status"] == "SKIPPED", files["readme.txt"]
assert files["cogs.gif"]["status"] == "DONE" and files["cogs.gif"]["output"].endswith("cogs.gif"), files["cogs.gif"]
assert files["testorig.jpg"]["status"] == "DONE", files["testorig.jpg"]
assert "output_width" not in files["logo.svg"], files["logo.svg"]
PY
grep -qF "JPEG 2000 files are not supported" "$work/kinds.out" || fail "the j2k is named: $(cat "$work/kinds.out")"

mkdir -p "$work/a-folder"
"$tessera" batch "$work/kinds" "$work/unreported" --report "$work/a-folder" >"$work/dir.out" 2>&1
[[ $? -eq 2 ]] || fail "a report path that is a folder is a usage error"
grep -qF "the report path is a folder" "$work/dir.out" || fail "a folder as report is named: $(cat "$work/dir.out")"
[[ ! -e $work/unreported ]] || fail "a folder as report is refused before any file runs"

"$tessera" batch "$work/kinds" "$images/testorig.jpg" >"$work/outfile.out" 2>&1
[[ $? -eq 2 ]] || fail "a batch OUTPUT that is a file is a usage error"
grep -qF "OUTPUT is a file, not a folder" "$work/outfile.out" || fail "OUTPUT as a file is named"
"$tessera" batch "$work/kinds" "$work/g" --format jp2 >"$work/jp2.out" 2>&1
[[ $? -eq 2 ]] || fail "--format jp2 is a usage error"
grep -qF "tessera: InvalidArgument" "$work/jp2.out" && fail "--format jp2 names the option, not a file"
grep -qF -- "--format jp2: cannot write '.jp2' files" "$work/jp2.out" || fail "--format jp2: $(cat "$work/jp2.out")"
"$tessera" batch "$work/kinds" "$work/m" --memory 0 >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "--memory 0 is a usage error"

"$tessera" convert "$images/testorig.jpg" "$work/x.xyz" >"$work/xyz.out" 2>&1
[[ $? -eq 2 ]] || fail "an output extension tessera does not write is a usage error"
grep -qF "cannot write '.xyz' files" "$work/xyz.out" || fail "the extension is named: $(cat "$work/xyz.out")"
start=$SECONDS
"$tessera" convert "$images/testorig.jpg" "$work/huge.png" -p "resize 100000x" >"$work/huge.out" 2>&1
[[ $? -eq 2 ]] || fail "a pipeline past the pixel limit is refused when planned: $(cat "$work/huge.out")"
grep -qF "would make a 100000x65639 image" "$work/huge.out" || fail "the size is named: $(cat "$work/huge.out")"
"$tessera" convert "$images/testorig.jpg" "$work/wide.jpg" -p "resize 70000x" --unlimited >"$work/wide.out" 2>&1
[[ $? -eq 1 ]] || fail "a JPEG wider than 65500 fails"
grep -qF "is too large for jpeg, whose sides are at most 65500 pixels" "$work/wide.out" || fail "JPEG's limit is named: $(cat "$work/wide.out")"
((SECONDS - start < 20)) || fail "both were refused before decoding, not after the work"
ls -A "$work" | grep -q tessera- && fail "no temporary is left"

cat "$images/testorig.jpg" | "$tessera" info - >"$work/stdin.out" 2>&1 || fail "info - reads standard input"
grep -qF -- "-: jpeg 227x149" "$work/stdin.out" || fail "info - describes the image: $(cat "$work/stdin.out")"
"$tessera" info "$vips/avif-orientation-6.avif" | grep -qF "inside the codec library)" ||
  fail "info counts the codec library's memory as --memory does"
head -c 3000 "$images/testorig.jpg" >"$work/trial-cut.jpg"
"$tessera" convert "$work/trial-cut.jpg" "$work/trial-cut.png" >"$work/trial-cut.out" 2>&1
grep -qF -- "--fail-on none" "$work/trial-cut.out" ||
  fail "a truncated file's error names the option, not only FailOn::None"

# An output that replaces a file keeps that file's mode (on 8b3fd50 it became 0644); a new one
# takes the umask's.
"$tessera" convert "$images/testorig.jpg" "$work/shared.png" || fail "convert to shared.png"
[[ $(stat -c %a "$work/shared.png") == "$(printf '%o' $((0666 & ~$(umask))))" ]] ||
  fail "a new output takes the umask's mode (got $(stat -c %a "$work/shared.png"))"
chmod 0660 "$work/shared.png"
"$tessera" convert "$images/testorig.jpg" "$work/shared.png" -p invert || fail "convert over shared.png"
[[ $(stat -c %a "$work/shared.png") == 660 ]] ||
  fail "a replaced output keeps its mode (got $(stat -c %a "$work/shared.png"))"

# A file cut inside its headers has no partial image: no --fail-on none hint, which could not
# help (on 091543c: "truncated: 0 of 0 rows ... --fail-on none accepts the partial image").
head -c 100 "$images/testorig.jpg" >"$work/header-cut.jpg"
"$tessera" convert "$work/header-cut.jpg" "$work/header-cut.png" >"$work/header-cut.out" 2>&1
[[ $? -eq 1 ]] || fail "a header-cut JPEG fails with exit 1"
grep -qF "truncated in its headers" "$work/header-cut.out" && ! grep -qF -- "--fail-on" "$work/header-cut.out" ||
  fail "a header-cut JPEG says so, without the --fail-on hint: $(cat "$work/header-cut.out")"

# The same file listed twice, however spelled, is taken once (on 091543c "./in/a.jpg" beside
# "in/a.jpg" failed as an output collision).
mkdir -p "$work/twice-in"
cp "$images/testorig.jpg" "$work/twice-in/a.jpg"
printf '%s\n' "$work/twice-in/a.jpg" "$work/twice-in/./a.jpg" >"$work/twice.list"
"$tessera" batch "$work/twice.list" "$work/twice-out" >"$work/twice.out" 2>&1 || fail "a path listed twice: $(cat "$work/twice.out")"
grep -qE "^batch: 1 done, 0 failed, 0 skipped" "$work/twice.out" || fail "a path listed twice is taken once: $(cat "$work/twice.out")"

# An OUT that is a folder is refused before the work (on 091543c it failed at the rename).
mkdir -p "$work/folder.png"
"$tessera" convert "$images/testorig.jpg" "$work/folder.png" >"$work/folder.out" 2>&1
[[ $? -eq 2 ]] && grep -qF "OUT is a folder" "$work/folder.out" || fail "an OUT folder is a usage error: $(cat "$work/folder.out")"

# An output that is a symbolic link is written through it: the link stays, its target is
# replaced (on 091543c the link itself was replaced by a file and the target left stale).
"$tessera" convert "$images/testorig.jpg" "$work/target.png" || fail "convert to target.png"
ln -s target.png "$work/link.png"
"$tessera" convert "$images/testorig.jpg" "$work/link.png" -p invert || fail "convert to link.png"
[[ -L $work/link.png && $(readlink "$work/link.png") == target.png ]] || fail "the output link stays a link"
cmp -s "$work/link.png" "$work/shared.png" || fail "the link's target holds the new image"
[[ -z $(find "$work" -maxdepth 1 -name '.*tessera-*') ]] || fail "writing through a link leaves no temporary"

[[ $failures -eq 0 ]] && echo "all trust CLI checks passed"
exit $(( failures > 0 ))
