#!/usr/bin/env bash
# `tessera completion bash`: the script loads in bash, and its function completes commands,
# each command's options (video's from tessera-video), op names inside -p after the last '|',
# and op names for `tessera ops`; an unknown shell is a usage error.
#   tests/cli/completion_test.sh path/to/tessera
set -uo pipefail
tessera=${1:?usage: completion_test.sh path/to/tessera}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tessera" completion bash >"$work/tessera.bash" || { echo "FAIL: completion bash exited $?"; exit 1; }
"$tessera" completion fish >/dev/null 2>&1
[[ $? == 2 ]] || { echo "FAIL: completion fish is not a usage error"; exit 1; }

# complete WORD... : what the function offers for the last word, one per line, sorted.
bash --norc --noprofile -c '
  source "$1"; shift
  complete() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _tessera;
               printf "%s\n" "${COMPREPLY[@]}" | sort; }
  failures=0
  expect() {  # expect "WORDS" WANTED...: each WANTED is offered
    local words=$1; shift
    local offered; offered=$(eval "complete $words")
    for wanted in "$@"; do
      grep -qxF -- "$wanted" <<<"$offered" || {
        echo "FAIL: [$words] does not offer [$wanted]: $(tr "\n" " " <<<"$offered")";
        failures=$((failures + 1)); }
    done
  }
  expect "tessera co" convert completion
  expect "tessera b" batch
  expect "tessera convert in.jpg out.png --pro" --progressive
  expect "tessera batch in out --re" --report --resume --recursive
  expect "tessera info --j" --json
  expect "tessera video clip.mp4 null --fr" --frames-in-flight
  expect "tessera video clip.mp4 out.mp4 --c" --codec --crf
  expect "tessera convert a.jpg b.png -p bl" blur
  expect "tessera convert a.jpg b.png -p \"gray | bl\"" "gray | blur"
  expect "tessera convert a.jpg b.png -p \"gray | blur 5 | ca\"" "gray | blur 5 | canny"
  # As bash gives the word while a quote is open: with the quote, which the candidates leave out.
  expect "tessera convert a.jpg b.png -p \"'"'"'gray | bl\"" "gray | blur"
  expect "tessera convert a.jpg b.png -p '"'"'\"gray | bl'"'"'" "gray | blur"
  expect "tessera ops ca" canny
  expect "tessera help ba" batch
  exit $failures
' completion_test "$work/tessera.bash" || { echo "FAIL: completion"; exit 1; }
echo ok
