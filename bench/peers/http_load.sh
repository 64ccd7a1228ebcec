#!/usr/bin/env bash
# HTTP produce next to Kafka-protocol produce, in the same run, against one `eddy serve` (durable default
# flush policy): wrk POSTs REST Proxy v2 JSON batches of 100 B records to /topics/<t>, and
# build/bench/eddy_kafka_load produces the same record size over the Kafka protocol with acks=all.
# Also times GET /metrics. Loopback only; every step is bounded in time.
# Env: BENCH_RUNS (3), HTTP_LOAD_SECONDS (10), HTTP_LOAD_CONNECTIONS (16), HTTP_LOAD_BATCH (100 records per
# request), EDDY_SMP (2), EDDY_BUILD_DIR (build).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${BENCH_RUNS:-3}
seconds=${HTTP_LOAD_SECONDS:-10}
conns=${HTTP_LOAD_CONNECTIONS:-16}
batch=${HTTP_LOAD_BATCH:-100}
smp=${EDDY_SMP:-2}
build=${EDDY_BUILD_DIR:-build}
load=$build/bench/eddy_kafka_load
command -v wrk >/dev/null || { echo "wrk missing (scripts/install-deps)" >&2; exit 1; }

. "bench/lib.sh"
need_built "$build/eddy"

bench_dir eddy-bench-http

start_eddy "$build/eddy" "$dir" "$smp"
curl -sf -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$hport/v1/topics" \
  -d '{"name":"http-bench","partitions":16}' >/dev/null || true

# One request = `batch` JSON records of 100 B values, spread over partitions by the proxy.
python3 - "$batch" >"$dir/post.lua" <<'PY'
import json, sys
n = int(sys.argv[1])
body = json.dumps({"records": [{"value": "x" * 100} for _ in range(n)]})
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "application/vnd.kafka.json.v2+json"')
print('wrk.body = ' + json.dumps(body))
PY

echo "| run | HTTP requests/s | HTTP records/s | HTTP p50 | HTTP p99 | /metrics scrape |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$runs"); do
  out=$(timeout $((seconds + 30)) wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$dir/post.lua" \
        "http://127.0.0.1:$hport/topics/http-bench")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [ -n "$non2xx" ] && echo "warning: $non2xx non-2xx responses" >&2
  scrape=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$hport/metrics")
  recs=$(python3 -c "print(int(float('$rps') * $batch))")
  echo "| $r | $rps | $recs | $p50 | $p99 | ${scrape}s |"
done
if [ -x "$load" ]; then
  echo
  echo "Kafka protocol, same server:"
  timeout 600 "$load" --bootstrap "127.0.0.1:$kport" --label "eddy (smp $smp, flush always)" --runs "$runs" \
    --records-100 300000 --sizes 100 --acks all
fi
