#!/usr/bin/env bash
# The Kafka load comparison printed into docs/benchmarks.md: eddy serve (durable default flush policy)
# driven by build/bench/eddy_kafka_load, librdkafka's in-process mock broker (the client's ceiling on
# this machine) and Redis Streams (XADD pipelined, AOF everysec and always). Loopback only, bounded.
# Env: BENCH_RUNS (3), KAFKA_LOAD_RECORDS_100 (2000000), KAFKA_LOAD_RECORDS_1K (500000), EDDY_SMP (2),
# EDDY_BUILD_DIR (build), EDDY_FLUSH_POLICIES ("always interval:100"), KAFKA_LOAD_CONSUMERS (2: catch-up consume by two consumer instances, as a group scales reads), REDIS_PIPELINES / REDIS_CLIENTS (see redis_streams.sh).
# Prints the load average before and after: quote runs from a quiet machine only.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${BENCH_RUNS:-3}
n_small=${KAFKA_LOAD_RECORDS_100:-2000000}
n_large=${KAFKA_LOAD_RECORDS_1K:-500000}
consumers=${KAFKA_LOAD_CONSUMERS:-2}
smp=${EDDY_SMP:-2}
flushes=${EDDY_FLUSH_POLICIES:-always interval:100}
build=${EDDY_BUILD_DIR:-build}
load=$build/bench/eddy_kafka_load

. "bench/lib.sh"
need_built "$load" "$build/eddy"

bench_dir eddy-bench-kafka

report_start
args=(--runs "$runs" --records-100 "$n_small" --records-1k "$n_large" --consumers "$consumers")
# One eddy per flush policy: `always` is the durable default; a non-fsync policy shows what the broker does
# when the disk is not the limit (what the mock broker, which does no I/O, is compared with).
first=1
for flush in $flushes; do
  rm -rf "$dir/data"
  start_eddy "$build/eddy" "$dir" "$smp" --log-flush "$flush"
  if [ "$first" = 1 ]; then
    "$load" --bootstrap "127.0.0.1:$kport" --label "eddy (smp $smp, flush $flush)" "${args[@]}"
  else
    "$load" --bootstrap "127.0.0.1:$kport" --label "eddy (smp $smp, flush $flush)" "${args[@]}" | tail -n +3
  fi
  first=0
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
# The mock's consumer is slow to drain large topics: its consume is bounded at 20 s per run (it may not
# finish; the load tool then says how far it got), its produce at 10 s, which it never needs.
"$load" --mock --label "librdkafka mock broker" "${args[@]}" --max-seconds 10 | tail -n +3
bench/peers/redis_streams.sh "$n_small" "$n_large" "$runs"
echo "- end: $(date -u '+%F %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
