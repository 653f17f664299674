#!/usr/bin/env bash
# The format table reaches the command line (issue 15, item 1): every format `tessera info
# --formats` lists is named in convert's and batch's help, written under each of its
# extensions and read back as itself, and every encode option it lists is offered by convert
# and batch and changes the file each writes. The listing is the table itself, so a format or
# an option added to a codec's entry is tested here without a line changed.
#   tests/cli/format_table_test.sh path/to/tessera path/to/corpora
set -uo pipefail
tessera=${1:?usage: format_table_test.sh path/to/tessera path/to/corpora}
corpora=${2:?usage: format_table_test.sh path/to/tessera path/to/corpora}
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
photo="$corpora/jpeg/libjpeg-turbo/testimages/testorig.jpg"

"$tessera" info --formats >"$work/formats" || fail "info --formats exits 0"
"$tessera" convert --help | tr -s ' \n' ' ' >"$work/convert.help"
"$tessera" batch --help | tr -s ' \n' ' ' >"$work/batch.help"
[[ $(grep -c '^[a-z]*: ' "$work/formats") -ge 8 ]] || fail "info --formats lists 8 formats: $(cat "$work/formats")"
mkdir -p "$work/in" && cp "$photo" "$work/in/photo.jpg"

# A value the option allows other than its default, from the listing's words.
other_value() {  # other_value "integer in 1..100, default 90" | "one of a|b|c, default b"
  local allowed=$1 low high default
  default=$(grep -oE 'default [^,.]+' <<<"$allowed" | cut -d' ' -f2)
  if [[ $allowed =~ (integer|number)\ in\ ([0-9.]+)\.\.([0-9.]+) ]]; then
    low=${BASH_REMATCH[2]} high=${BASH_REMATCH[3]}
    [[ $low != "$default" ]] && echo "$low" || echo "$high"
  elif [[ $allowed =~ integer\ in\ ([0-9]+)\.\.([0-9]+) ]]; then
    low=${BASH_REMATCH[1]} high=${BASH_REMATCH[2]}
    [[ $low != "$default" ]] && echo "$low" || echo "$high"
  elif [[ $allowed =~ one\ of\ ([a-z0-9|]+) ]]; then
    tr '|' '\n' <<<"${BASH_REMATCH[1]}" | grep -vxF "$default" | head -1
  fi
}

format=""
while IFS= read -r line; do
  if [[ $line =~ ^([a-z]+):\ ([^,]+),\ (read\ and\ written|read\ only.*),\ (.*)$ ]]; then
    format=${BASH_REMATCH[1]} written=${BASH_REMATCH[3]} extensions=${BASH_REMATCH[4]}
    extension=${extensions%% *}
    [[ $written == "read and written" ]] || continue
    for each in $extensions; do
      grep -qF -- "$each" "$work/convert.help" || fail "convert --help names $each"
      grep -qE -- "Output format: [^(]*${each#.}" "$work/batch.help" || fail "batch --help's --format names ${each#.}"
      "$tessera" convert "$photo" "$work/out$each" >/dev/null 2>&1 || fail "convert writes $each"
      name=$("$tessera" info "$work/out$each" 2>/dev/null | sed -E 's/^[^:]*: ([a-z]+) .*/\1/')
      [[ $name == "$format" || ($format == heif && ($name == heic || $name == avif)) ]] ||
        fail "$each reads back as $format, not '$name'"
    done
    continue
  fi
  [[ -n $format && $written == "read and written" ]] || continue
  # An option line: "  -q, --quality: integer in 1..100, default 90, read with --tiff-compression jpeg. ..."
  [[ $line =~ ^\ +(-q,\ )?(--[a-z-]+):\ (.*)\.\ [^.]*$ ]] || { fail "unread line: $line"; continue; }
  option=${BASH_REMATCH[2]} allowed=${BASH_REMATCH[3]}
  grep -qE -- "[ ,]$option " "$work/convert.help" || fail "convert --help offers $option"
  grep -qE -- "[ ,]$option " "$work/batch.help" || fail "batch --help offers $option"
  given=("$option")
  [[ $allowed == flag* ]] || given+=("$(other_value "$allowed")")
  needs=()
  if [[ $allowed =~ read\ with\ (--[a-z-]+)\ ([a-z0-9]+) ]]; then
    needs=("${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")
  elif [[ $allowed =~ read\ with\ (--[a-z-]+)$ ]]; then  # a flag: "read with --palette"
    needs=("${BASH_REMATCH[1]}")
  fi
  case_name="$format${option}"
  "$tessera" convert "$photo" "$work/plain-$case_name$extension" "${needs[@]}" >/dev/null 2>&1 &&
    "$tessera" convert "$photo" "$work/given-$case_name$extension" "${needs[@]}" "${given[@]}" \
      >"$work/convert.out" 2>&1 || fail "convert $extension ${given[*]}: $(cat "$work/convert.out")"
  cmp -s "$work/plain-$case_name$extension" "$work/given-$case_name$extension" &&
    fail "convert $extension ${given[*]} wrote the same file as without it"
  grep -q "warning" "$work/convert.out" && fail "convert $extension ${given[*]} warns: $(cat "$work/convert.out")"
  "$tessera" batch "$work/in" "$work/batch-plain-$case_name" --format "${extension#.}" "${needs[@]}" \
    >/dev/null 2>&1 &&
    "$tessera" batch "$work/in" "$work/batch-given-$case_name" --format "${extension#.}" "${needs[@]}" \
      "${given[@]}" >"$work/batch.out" 2>&1 || fail "batch --format ${extension#.} ${given[*]}: $(cat "$work/batch.out")"
  cmp -s "$work/batch-plain-$case_name/photo$extension" "$work/batch-given-$case_name/photo$extension" &&
    fail "batch --format ${extension#.} ${given[*]} wrote the same file as without it"
  grep -q "warning" "$work/batch.out" && fail "batch ${extension#.} ${given[*]} warns: $(cat "$work/batch.out")"
  [[ -s "$work/batch-given-$case_name/photo$extension" ]] || fail "batch ${given[*]} wrote photo$extension"
  checked=$((${checked:-0} + 1))
done <"$work/formats"
[[ ${checked:-0} -ge 9 ]] || fail "every listed option was tried (${checked:-0})"

echo "$((failures == 0 ? 1 : 0)) passed, $failures failed"
exit $((failures > 0))
