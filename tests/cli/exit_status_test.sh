#!/usr/bin/env bash
# One exit rule for every subcommand (issue 15, item 4): 2 when the command line must change
# (an argument out of range, a pipeline the image cannot take, a format tessera does not
# write), 1 when an input or the system failed; a command-line mistake is printed as its
# message alone, anything else with its code, operation and file.
#   tests/cli/exit_status_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: exit_status_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: exit_status_test.sh path/to/tessera path/to/corpora}
image=$corpora/jpeg/libjpeg-turbo/testimages/testorig.jpg
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
echo "hello" >"$work/notes.txt"
mkdir -p "$work/folder"
cp "$image" "$work/folder/a.jpg"

# expect STATUS FIRST-LINE-PREFIX -- tessera ARGS...: the status, and how stderr begins.
expect() {
  local status=$1 prefix=$2
  shift 3
  "$tessera" "$@" >"$work/out" 2>"$work/err"
  local got=$?
  [[ $got -eq $status ]] || fail "tessera $* exits $status (got $got): $(cat "$work/err")"
  [[ "$(head -1 "$work/err")" == "$prefix"* ]] ||
    fail "tessera $* says '$prefix...' (got: $(head -1 "$work/err"))"
}

# The command line must change: exit 2, the message alone.
expect 2 "tessera: --shard 0/3 is not allowed: K/N with 1 <= K <= N, e.g. 2/8" -- \
  batch "$work/folder" "$work/out-a" -p gray --shard 0/3
expect 2 "tessera: --shard 2/8x is not allowed: K/N with 1 <= K <= N, e.g. 2/8" -- \
  batch "$work/folder" "$work/out-b" -p gray --shard 2/8x
expect 2 "tessera: pipeline, column 6: blur: ksize 4 is not allowed" -- convert "$image" "$work/o.png" -p "blur 4"
expect 2 "tessera: pipeline, column 6: blur: ksize 4 is not allowed" -- batch "$work/folder" "$work/out-c" -p "blur 4"
expect 2 "tessera: pipeline, stage 1 'canny 50 150'" -- convert "$image" "$work/o.png" -p "canny 50 150"
expect 2 "tessera: 'lots' is not a memory size" -- convert "$image" "$work/o.png" --memory lots
expect 2 "tessera: unknown op 'nope'" -- ops nope
expect 2 "tessera: InvalidArgument in batch: batch input '$work/folder/a.jpg' is an image" -- batch "$work/folder/a.jpg" "$work/out-d"
# A format tessera does not write: UnsupportedFormat while encoding, still the command's.
expect 2 "tessera: UnsupportedFormat in encode: cannot write '.xyz' files" -- \
  convert "$image" "$work/o.xyz"
expect 2 "tessera: UnsupportedFormat in encode: --format xyz: cannot write" -- \
  convert "$image" - --format xyz
expect 2 "tessera: UnsupportedFormat in encode: --format xyz: cannot write" -- batch "$work/folder" "$work/out-e" --format xyz
# An input or the system failed: exit 1, with the code and the file.
expect 1 "tessera: UnsupportedFormat in open: not an image format tessera knows" -- \
  convert "$work/notes.txt" "$work/o.png"
expect 1 "tessera: Io in open:" -- convert "$work/missing.jpg" "$work/o.png"
expect 1 "tessera: ImageTooLarge in encode: a 70000x" -- \
  convert "$image" "$work/wide.jpg" -p "resize 70000x" --unlimited
expect 1 "$work/notes.txt: UnsupportedFormat" -- info "$work/notes.txt"

((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
echo "exit statuses: all as the rule says"
