# Shared by the benchmark scripts (sourced, not run): a free loopback port, a median, a check for the built
# binaries, the report's first line, a temporary directory, and starting `eddy serve` on a data directory
# until /readyz answers. Loopback only; every wait is bounded.

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

# need_built FILE...: exits unless every FILE is executable (the binaries a script runs).
need_built() {
  local f
  for f in "$@"; do [ -x "$f" ] || { echo "build first (make build): $f is missing" >&2; exit 1; }; done
}

# report_start: the first line of a report: when, how loaded the machine was, and which commit.
report_start() {
  echo "- start: $(date -u '+%F %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD)"
}

# bench_dir PREFIX: a fresh temporary directory in $dir, removed on exit together with the eddy serve whose
# pid start_eddy leaves in $pid.
bench_dir() {
  dir=$(mktemp -d "/tmp/$1-XXXXXX")
  pid=""
  trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; fi; rm -rf "$dir"' EXIT
}
