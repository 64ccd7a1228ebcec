#!/usr/bin/env bash
# /metrics scrape time of the real `eddy serve` with many partitions (docs/benchmarks.md). Starts eddy on
# loopback, creates TOPICS topics of PARTITIONS partitions each (`eddy topic create`), writes one record
# to partition 0 of each, then times RUNS scrapes with curl (time_total: request to last byte, the
# rendering on the blocking pool included) and prints the median, min and max, the size of the text and
# the series count. Next to it, in the same run, curl fetches the same bytes as a static file from
# python3's http.server: the cost of moving that much text over loopback, without rendering it.
# Env: TOPICS (10), PARTITIONS (1000), RUNS (7), EDDY_SMP (2), EDDY_BUILD_DIR (build).
# Each partition keeps 3 files open (segment, offset index, time index): ulimit -n must allow that.
set -euo pipefail
cd "$(dirname "$0")/.."
topics=${TOPICS:-10}
partitions=${PARTITIONS:-1000}
runs=${RUNS:-7}
smp=${EDDY_SMP:-2}
build=${EDDY_BUILD_DIR:-build}
. "bench/lib.sh"
need_built "$build/eddy"
total=$((topics * partitions))
need=$((3 * total + 256))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || {
    echo "$total partitions need about $need open files; ulimit -n is $(ulimit -n) (hard $(ulimit -Hn))" >&2
    exit 1
  }
fi

dir=$(mktemp -d /tmp/eddy-bench-metrics-XXXXXX)
pid=""
static_pid=""
cleanup() {
  if [ -n "$static_pid" ]; then kill "$static_pid" 2>/dev/null || true; wait "$static_pid" 2>/dev/null || true; fi
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

start_eddy "$build/eddy" "$dir" "$smp"

t0=$(date +%s.%N)
for t in $(seq 1 "$topics"); do
  "$build/eddy" topic create "scrape-$t" --partitions "$partitions" --bootstrap "127.0.0.1:$kport" \
    --timeout-ms 300000 >/dev/null
  echo "record" | "$build/eddy" produce "scrape-$t" --bootstrap "127.0.0.1:$kport" --partition 0 >/dev/null
done
t1=$(date +%s.%N)

url="http://127.0.0.1:$hport/metrics"
curl -sf -o "$dir/metrics.txt" "$url"
bytes=$(stat -c %s "$dir/metrics.txt")
series=$(grep -vc '^#' "$dir/metrics.txt")
partition_series=$(grep -c '^eddy_partition_.*{topic="scrape-' "$dir/metrics.txt")
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
now() { date +%s.%N; }
# eddy's own background CPU (timers, housekeeping) over 3 idle seconds, subtracted from the scrapes' CPU.
i0=$(cpu_ticks); w0=$(now); sleep 3; i1=$(cpu_ticks); w1=$(now)
idle_per_s=$(echo "($i1 - $i0) / ($w1 - $w0)" | bc -l)
times=()
c0=$(cpu_ticks); w0=$(now)
for _ in $(seq 1 "$runs"); do times+=("$(curl -sf -o /dev/null -w '%{time_total}' "$url")"); done
c1=$(cpu_ticks); w1=$(now)
cpu_ms=$(echo "(($c1 - $c0) - $idle_per_s * ($w1 - $w0)) * 1000 / $(getconf CLK_TCK) / $runs" | bc -l)

sport=$(free_port)
(cd "$dir" && exec python3 -m http.server "$sport" --bind 127.0.0.1 >/dev/null 2>&1) &
static_pid=$!
for _ in $(seq 1 200); do curl -sf -o /dev/null "http://127.0.0.1:$sport/metrics.txt" && break; sleep 0.05; done
static=()
for _ in $(seq 1 "$runs"); do
  static+=("$(curl -sf -o /dev/null -w '%{time_total}' "http://127.0.0.1:$sport/metrics.txt")")
done

ms() { awk '{printf "%.1f", $1 * 1000}'; }
echo "partitions: $total ($topics topics x $partitions), smp $smp, created in $(echo "$t1 - $t0" | bc) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "text: $bytes bytes, $series samples ($partition_series per-partition samples, $((partition_series / total)) per partition)"
echo
echo "| what | median ms | min ms | max ms | runs |"
echo "|---|---|---|---|---|"
echo "| eddy GET /metrics (render + transfer) | $(printf '%s\n' "${times[@]}" | median | ms) |" \
  "$(printf '%s\n' "${times[@]}" | sort -g | head -1 | ms) | $(printf '%s\n' "${times[@]}" | sort -g | tail -1 | ms) | $runs |"
echo "| same bytes, static file (python3 http.server) | $(printf '%s\n' "${static[@]}" | median | ms) |" \
  "$(printf '%s\n' "${static[@]}" | sort -g | head -1 | ms) | $(printf '%s\n' "${static[@]}" | sort -g | tail -1 | ms) | $runs |"
echo
echo "eddy process CPU per scrape (user + system, all threads, idle CPU subtracted): $(printf '%.1f' "$cpu_ms") ms"
