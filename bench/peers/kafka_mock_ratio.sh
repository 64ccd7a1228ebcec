#!/usr/bin/env bash
# eddy against librdkafka's mock broker (the client's own ceiling), run by run: each round produces one
# scenario into eddy, then the same into the mock, so slow changes in the machine's load hit both alike; the
# ratio reported is the median of the per-round ratios (the log benchmark's method). Produce only; the
# catch-up consume is in kafka_load.sh. Loopback only, bounded by record counts and rounds.
# Each side's number per round is the median of RUNS runs in one process: the mock keeps its records in
# memory, and its first run in a process pays the page faults of fresh memory (slow on this VM), so only
# warm runs show the client's ceiling.
# Env: ROUNDS (3), RUNS (3), SCENARIOS ("1024:1 1024:all 100:1" as size:acks), RECORDS_100 (2000000),
# RECORDS_1K (500000), EDDY_SMP (2), EDDY_FLUSH ("always"), EDDY_BUILD_DIR (build).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-3}
runs=${RUNS:-3}
scenarios=${SCENARIOS:-1024:1 1024:all 100:1}
n_small=${RECORDS_100:-2000000}
n_large=${RECORDS_1K:-500000}
smp=${EDDY_SMP:-2}
flush=${EDDY_FLUSH:-always}
build=${EDDY_BUILD_DIR:-build}
load=$build/bench/eddy_kafka_load

. "bench/lib.sh"
need_built "$load" "$build/eddy"

bench_dir eddy-bench-ratio

report_start
start_eddy "$build/eddy" "$dir" "$smp" --log-flush "$flush"
rate() { tail -1 | awk -F'|' '{gsub(/ /, "", $5); print $5}'; }
echo
echo "| scenario | eddy msg/s (median) | mock msg/s (median) | ratio per round | median ratio |"
echo "|---|---|---|---|---|"
for sc in $scenarios; do
  size=${sc%%:*}; acks=${sc##*:}
  args=(--runs "$runs" --sizes "$size" --acks "$acks" --records-100 "$n_small" --records-1k "$n_large" --skip-consume)
  e=(); m=(); r=()
  for _ in $(seq 1 "$rounds"); do
    x=$("$load" --bootstrap "127.0.0.1:$kport" --label eddy "${args[@]}" | rate)
    y=$("$load" --mock --label mock "${args[@]}" --max-seconds 10 | rate)
    e+=("$x"); m+=("$y"); r+=("$(echo "scale=3; $x / $y" | bc)")
  done
  printf '| %s B acks=%s (flush %s) | %s | %s | %s | **%s** |\n' "$size" "$acks" "$flush" \
    "$(printf '%s\n' "${e[@]}" | median)" "$(printf '%s\n' "${m[@]}" | median)" "${r[*]}" \
    "$(printf '%s\n' "${r[@]}" | median)"
done
echo
echo "- end: $(date -u '+%F %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
