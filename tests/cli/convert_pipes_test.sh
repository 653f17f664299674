#!/usr/bin/env bash
# Issue 14 item 14: convert reads inputs that can be read only once (stdin as -, /dev/stdin on a
# pipe, bash's <(...)), also when the pipeline makes it open the input twice (a leading gray or
# a shrink-on-load resize), and writes to standard output with --format; the results equal
# those of the same convert between files. A reader that goes away is an Io error, not a
# silent death; - without --format, and --format with a named OUT, are usage errors.
#   tests/cli/convert_pipes_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: convert_pipes_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: convert_pipes_test.sh path/to/tessera path/to/corpora}
photo=$corpora/vips/test/test-suite/images/ultra-hdr.jpg
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

for pipeline in "" "resize 20%" "gray | blur 3"; do
  args=()
  [[ -n $pipeline ]] && args=(-p "$pipeline")
  "$tessera" convert "$photo" "$work/file.png" "${args[@]}" || fail "file to file ($pipeline)"
  cat "$photo" | "$tessera" convert - "$work/dash.png" "${args[@]}" ||
    fail "stdin as - ($pipeline)"
  cmp -s "$work/file.png" "$work/dash.png" || fail "stdin as - gives the file's result ($pipeline)"
  cat "$photo" | "$tessera" convert /dev/stdin "$work/devstdin.png" "${args[@]}" ||
    fail "/dev/stdin on a pipe ($pipeline)"
  cmp -s "$work/file.png" "$work/devstdin.png" || fail "/dev/stdin gives the file's result ($pipeline)"
  "$tessera" convert <(cat "$photo") "$work/subst.png" "${args[@]}" ||
    fail "<(...) ($pipeline)"
  cmp -s "$work/file.png" "$work/subst.png" || fail "<(...) gives the file's result ($pipeline)"
  "$tessera" convert "$photo" - --format png "${args[@]}" >"$work/stdout.png" ||
    fail "- as output ($pipeline)"
  cmp -s "$work/file.png" "$work/stdout.png" || fail "stdout gives the file's bytes ($pipeline)"
done

# Both ends piped.
cat "$photo" | "$tessera" convert - - --format webp -p "resize 10%" >"$work/both.webp" ||
  fail "stdin to stdout"
"$tessera" info "$work/both.webp" | grep -q "webp 384x216" || fail "stdin to stdout is a 384x216 WebP"

# An empty pipe is a clear error, exit 1.
"$tessera" convert - "$work/empty.png" </dev/null 2>"$work/empty.err"
status=$?
[[ $status -eq 1 ]] || fail "an empty stdin exits 1 (got $status)"
grep -q "the input is empty" "$work/empty.err" || fail "an empty stdin says so"
[[ ! -e $work/empty.png ]] || fail "an empty stdin leaves no output"

# A reader that goes away: Io (Broken pipe), exit 1, not killed by SIGPIPE.
"$tessera" convert "$photo" - --format png 2>"$work/pipe.err" | head -c 10 >/dev/null
status=${PIPESTATUS[0]}
[[ $status -eq 1 ]] || fail "a closed reader exits 1 (got $status)"
grep -q "Io in write" "$work/pipe.err" || fail "a closed reader is an Io error"

# Usage errors, before anything is read.
"$tessera" convert "$photo" - >/dev/null 2>"$work/noformat.err"
status=$?
[[ $status -eq 2 ]] || fail "- without --format exits 2 (got $status)"
grep -q "with --format" "$work/noformat.err" || fail "- without --format says to give it"
"$tessera" convert "$photo" "$work/named.png" --format webp 2>"$work/named.err"
status=$?
[[ $status -eq 2 ]] || fail "--format with a named OUT exits 2 (got $status)"
[[ ! -e $work/named.png ]] || fail "--format with a named OUT writes nothing"
"$tessera" convert "$photo" - --format jp2 >/dev/null 2>&1
status=$?
[[ $status -eq 2 ]] || fail "--format of a format tessera does not write exits 2 (got $status)"
"$tessera" convert "$photo" - --format gif --colors 16 2>/dev/null >"$work/piped.gif"
[[ $(head -c 6 "$work/piped.gif") == GIF8?a ]] || fail "--format gif writes a GIF to standard output"

echo "convert pipes: $failures failed"
exit $((failures != 0))
