#!/usr/bin/env bash
# Redis Streams peer for the Kafka load benchmark: starts redis-server on a free loopback port in a
# temporary directory with AOF (appendfsync everysec, then always), runs redis-benchmark XADD pipelined
# for 100 B and 1 KiB values, prints markdown rows, and stops the server. Bounded by record count.
#
# Fairness: redis-benchmark runs REDIS_CLIENTS connections (default 16) at each pipeline depth in
# REDIS_PIPELINES (default "16 64 256"); the row printed per AOF policy and value size is the depth with
# the best median msg/s, so Redis is compared at its best setting on this machine, not at an arbitrary one.
# Like eddy's, Redis' process and the load generator's share the machine's cores.
# Usage: redis_streams.sh [RECORDS_100B] [RECORDS_1KIB] [RUNS]
set -euo pipefail
n_small=${1:-300000}
n_large=${2:-100000}
runs=${3:-3}
clients=${REDIS_CLIENTS:-16}
pipelines=${REDIS_PIPELINES:-16 64 256}
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "redis-server/redis-benchmark missing: run scripts/install-deps" >&2; exit 1; }

. "$(dirname "$0")/../lib.sh"

bench_dir eddy-bench-redis


for fsync in everysec always; do
  port=$(free_port)
  rm -rf "${dir:?}"/*
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --appendonly yes --appendfsync "$fsync" \
    --save '' --daemonize no --logfile "$dir/redis.log" &
  pid=$!
  for _ in $(seq 1 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  for size in 100 1024; do
    n=$n_small; [ "$size" = 1024 ] && n=$n_large
    value=$(head -c "$size" /dev/zero | tr '\0' 'x')
    best=""; best_rps=0
    for depth in $pipelines; do
      rps=(); p50=(); p99=()
      for _ in $(seq 1 "$runs"); do
        redis-cli -p "$port" del s >/dev/null
        # --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        line=$(redis-benchmark -h 127.0.0.1 -p "$port" -n "$n" -c "$clients" -P "$depth" --csv XADD s '*' f "$value" |
          tail -1 | tr -d '"')
        rps+=("$(echo "$line" | cut -d, -f2)"); p50+=("$(echo "$line" | cut -d, -f5)"); p99+=("$(echo "$line" | cut -d, -f7)")
      done
      r=$(printf '%s\n' "${rps[@]}" | median)
      if awk -v a="$r" -v b="$best_rps" 'BEGIN{exit !(a>b)}'; then
        best_rps=$r
        best=$(printf '| redis streams (AOF %s, -c %s -P %s) | %s B | - | %.0f | %.1f | %s | %s | - |' "$fsync" "$clients" \
          "$depth" "$size" "$r" "$(awk -v r="$r" -v s="$size" 'BEGIN{printf "%.1f", r*s/1e6}')" \
          "$(printf '%s\n' "${p50[@]}" | median)" "$(printf '%s\n' "${p99[@]}" | median)")
      fi
      echo "redis AOF $fsync ${size} B -P $depth: median $r msg/s" >&2
    done
    echo "$best"
  done
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait "$pid" 2>/dev/null || true
  pid=""
done
