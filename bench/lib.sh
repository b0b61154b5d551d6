# Shared by the whole-stack bench scripts (macro.sh, deflate.sh); sourced, not run.

# start_pinned CPU LOG CMD...: starts CMD pinned to core CPU with its output in LOG, and waits until
# it prints "127.0.0.1:PORT". Sets pid and port; returns 1 (the server stopped) if it never does.
start_pinned() {
  local cpu=$1 log=$2
  shift 2
  taskset -c "$cpu" "$@" >"$log" 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(grep -o '127.0.0.1:[0-9]*' "$log" 2>/dev/null | head -1 | cut -d: -f2) && [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "bench: $1 did not start: $(head -c 300 "$log")" >&2; kill $pid 2>/dev/null; return 1; }
}

rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
