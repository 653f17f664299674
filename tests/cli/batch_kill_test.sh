#!/usr/bin/env bash
# The kill test: `tessera batch` is killed with SIGKILL at random moments, 20 times, and resumed
# with --resume each time. After every kill, each output that exists is complete (the same bytes
# as an uninterrupted run's); at the end every output is there, equal to the uninterrupted
# run's (sha256), and no temporary is left.
#   tests/cli/batch_kill_test.sh path/to/tessera path/to/corpora [KILLS] [INPUTS]
# (The sanitizer builds run it with fewer inputs: each run there is 10-20 times slower, and what
# they look for, a race or a bad access in the run being killed, needs runs, not files.)
set -uo pipefail
tessera=${1:?usage: batch_kill_test.sh path/to/tessera path/to/corpora [KILLS]}
corpora=${2:?usage: batch_kill_test.sh path/to/tessera path/to/corpora [KILLS]}
kills=${3:-20}
inputs=${4:-48}
photo=$corpora/vips/test/test-suite/images/ultra-hdr.jpg
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

# Inputs of a few sizes, cut from a real photograph, in two folders.
mkdir -p "$work/in/a" "$work/in/b"
for i in $(seq 0 $((inputs - 1))); do
  width=$((640 + 80 * (i % 6)))
  "$tessera" convert "$photo" "$work/in/$([[ $((i % 2)) == 0 ]] && echo a || echo b)/p$i.jpg" \
    -p "resize ${width}x$((width * 9 / 16)) fit=cover | crop $((i * 7 % 64)),0,$((width - 64)),$((width * 9 / 16))" ||
    fail "making input $i"
done
job=(-r -p "resize 150% | sharpen" --jobs 2)
run() { "$tessera" batch "$work/in" "$1" "${job[@]}" "${@:2}"; }
hashes() { (cd "$1" && find . -type f ! -name '.*' | sort | xargs sha256sum); }

start=$(date +%s%N)
run "$work/reference" >/dev/null 2>&1 || fail "the uninterrupted run"
took_ms=$((($(date +%s%N) - start) / 1000000))
hashes "$work/reference" >"$work/reference.sha"
[[ $(wc -l <"$work/reference.sha") -eq $inputs ]] || fail "the uninterrupted run made $inputs outputs"

# Each run is killed after a random time of up to twice its share of the whole job, so the
# kills together cover about one uninterrupted run and most land while files are written.
killed_mid_run=0
for k in $(seq "$kills"); do
  # (tessera itself in the background, not a subshell around it, so that the kill reaches it.)
  "$tessera" batch "$work/in" "$work/out" "${job[@]}" --resume >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v seed="$RANDOM" -v ms="$took_ms" -v n="$kills" \
    'BEGIN {srand(seed); printf "%.3f", rand() * 2 * ms / n / 1000}')"
  if kill -KILL "$pid" 2>/dev/null; then killed_mid_run=$((killed_mid_run + 1)); fi
  wait "$pid" 2>/dev/null
  # Whatever exists under an output's name is complete.
  if [[ -d $work/out ]]; then
    (cd "$work/out" && find . -type f ! -name '.*' | sort | while read -r name; do
      grep -qF "$(sha256sum "$name")" "$work/reference.sha" || echo "partial or wrong: $name"
    done) >"$work/partial"
    [[ -s $work/partial ]] && fail "after kill $k: $(head -1 "$work/partial")"
    find "$work/out" -name '.*.tessera-*' >>"$work/temporaries"
  fi
done
echo "killed $killed_mid_run of $kills runs before they finished; they left" \
  "$(sort -u "$work/temporaries" 2>/dev/null | wc -l) temporaries, which the resumed runs removed"
((killed_mid_run >= kills / 4)) || fail "too few kills landed mid-run ($killed_mid_run of $kills)"

run "$work/out" --resume >"$work/final.out" 2>&1 || fail "the final resumed run: $(tail -1 "$work/final.out")"
hashes "$work/out" >"$work/out.sha"
diff -q "$work/reference.sha" "$work/out.sha" >/dev/null ||
  fail "the outputs differ from the uninterrupted run's: $(diff "$work/reference.sha" "$work/out.sha" | head -3)"
leftovers=$(find "$work/out" -name '.*.tessera-*' | wc -l)
[[ $leftovers -eq 0 ]] || fail "$leftovers temporaries left after the final run"

echo "$((failures == 0 ? 1 : 0)) passed, $failures failed"
exit $((failures > 0))
