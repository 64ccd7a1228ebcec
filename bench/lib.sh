# Shared by the benchmark scripts (sourced, not run): a free loopback port, a median, and starting
# `eddy serve` on a data directory until /readyz answers. Loopback only; every wait is bounded.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# start_eddy BINARY DIR SMP [extra serve flags...]: starts eddy serve on DIR/data with free Kafka and HTTP
# ports, logging to DIR/eddy.log, and waits (at most 20 s) until it is ready. Sets pid, kport and hport.
# On failure prints the log and exits.
start_eddy() {
  local binary=$1 dir=$2 smp=$3
  shift 3
  kport=$(free_port); hport=$(free_port)
  "$binary" serve --data-dir "$dir/data" --kafka-addr "127.0.0.1:$kport" --http-addr "127.0.0.1:$hport" \
    --smp "$smp" --log-level warn "$@" 2>"$dir/eddy.log" &
  pid=$!
  for _ in $(seq 1 400); do
    curl -sf -o /dev/null "http://127.0.0.1:$hport/readyz" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$dir/eddy.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "eddy serve did not become ready within 20 s" >&2; cat "$dir/eddy.log" >&2; exit 1
}

# bench_dir PREFIX: a fresh temporary directory in $dir, removed on exit together with the eddy serve whose
# pid start_eddy leaves in $pid.
bench_dir() {
  dir=$(mktemp -d "/tmp/$1-XXXXXX")
  pid=""
  trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; fi; rm -rf "$dir"' EXIT
}
