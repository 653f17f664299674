# Shared by the benchmark scripts (sourced): timing a command the same way in each.
# Expects `runs` (how many times) and `work` (a scratch folder) to be set; a script may define
# `before_each_run` (e.g. to clear outputs), which measure calls before every run.

# median: the median of the numbers on standard input, one per line.
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# mib KIB: kibibytes as mebibytes with one decimal.
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# measure NAME COMMAND...: runs COMMAND `runs` times under /usr/bin/time and prints
# "NAME SECONDS MIB" (median wall time, largest peak RSS), or "NAME - -" when a run fails.
measure() {
  local name=$1
  shift
  local times=() rss=0
  for _ in $(seq "$runs"); do
    if declare -F before_each_run >/dev/null; then before_each_run; fi
    if ! /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/log" 2>&1; then
      echo "$name FAILED: $(tail -1 "$work/log")" >&2
      echo "$name - -"
      return
    fi
    read -r seconds kib <"$work/time"
    times+=("$seconds")
    ((kib > rss)) && rss=$kib
  done
  echo "$name $(printf '%s\n' "${times[@]}" | median) $(mib "$rss")"
}

# rate_table COUNT UNIT LINES...: LINES are measure's "NAME SECONDS MIB"; the first is tessera.
# Prints a markdown row a line: the time, COUNT/SECONDS in UNIT (images, frames), the peak RSS,
# and for each rival tessera's speed-up (its rate over the rival's) and RSS ratio (tessera's
# over the rival's).
rate_table() {
  local count=$1 unit=$2
  shift 2
  local t_time t_rss
  read -r _ t_time t_rss <<<"$1"
  for line in "$@"; do
    local name seconds size rate
    read -r name seconds size <<<"$line"
    rate=$([[ $seconds == - ]] && echo - ||
      awk -v s="$seconds" -v n="$count" 'BEGIN {printf (n / s >= 100 ? "%.0f" : "%.1f"), n / s}')
    if [[ $name == tessera* || $seconds == - ]]; then
      printf '| %s | %s s | %s %s/s | %s MiB | | |\n' "$name" "$seconds" "$rate" "$unit" "$size"
    else
      printf '| %s | %s s | %s %s/s | %s MiB | %s | %s |\n' "$name" "$seconds" "$rate" "$unit" \
        "$size" "$(ratio "$seconds" "$t_time")" "$(ratio "$t_rss" "$size")"
    fi
  done
}
