#!/usr/bin/env bash
# The TLS echo case (docs/benchmarks.md, "TLS"): `websock serve --threads 1` over wss:// next to a
# TLS-terminating TCP echo (bench/peers/tls_echo.cpp, the ceiling), 1 KiB messages, 100 connections
# x 16 in flight. Both servers run on core 0 with a self-signed test certificate made here (in a
# temporary directory under /tmp, removed at the end); `websock bench` runs on core 1 and trusts
# that certificate with --ca (it verifies it: chain and IP address). The runs alternate between the
# two servers, REPS of each; medians. wsload, the independent generator, speaks no TLS, so
# `websock bench` is the generator here (raw over TLS for the echo: tls:// --raw).
#
# Then (RECORDS=1, the default) how many TLS records carry the echoes: each server started again
# under `strace -f` (its socket reads, sends and epoll_ctl calls: counts and sizes, not times, as
# strace slows it), one run, and the records in each send worked out from its size (TLS 1.3
# AES-GCM adds 22 bytes per record).
#
#   bench/tls.sh [BUILD_DIR]     (cmake --preset bench && cmake --build --preset bench)
#   env: DURATION (s, default 5), REPS (default 3), CONNS (100), SIZE (1024), INFLIGHT (16),
#        RECORDS (1: the strace check; 0: skip it), OUT (JSON lines, default /tmp/websock-tls.jsonl)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/bench}
duration=${DURATION:-5}
reps=${REPS:-3}
conns=${CONNS:-100}
size=${SIZE:-1024}
inflight=${INFLIGHT:-16}
records=${RECORDS:-1}
out=${OUT:-/tmp/websock-tls.jsonl}
ws=$build/tools/websock/websock
echo_bin=$build/bench/peers/bench_tls_echo
for b in "$ws" "$echo_bin"; do [ -x "$b" ] || { echo "tls: $b not built" >&2; exit 1; }; done
source "$root/bench/lib.sh"

dir=$(mktemp -d /tmp/websock-tls.XXXXXX)
servers=()
cleanup() {
  for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
# A throwaway P-256 certificate for 127.0.0.1 (subjectAltName IP, which the bench checks).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
: >"$out"

server_cmd() {  # $1 = name: sets cmd (the server) and url (with PORT for its port)
  case $1 in
    tls-echo) cmd=("$echo_bin" "$dir/cert.pem" "$dir/key.pem" 0) url=(tls://127.0.0.1:PORT --raw) ;;
    websock) cmd=("$ws" serve --port 0 --threads 1 -q --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem")
             url=(wss://127.0.0.1:PORT/echo) ;;
  esac
}

load() {  # $1 = server pid; runs the case against $url, prints the JSON result
  local u=("${url[@]}")
  u[0]=${u[0]/PORT/$port}
  taskset -c 1 "$ws" bench "${u[@]}" --ca "$dir/cert.pem" -c "$conns" -s "$size" -k "$inflight" \
    -d "$duration" --pid "$1" --json 2>/dev/null
}

# ---- CPU and throughput: both servers up at once (the idle one costs nothing), runs alternating.
declare -A pids ports urls
for s in tls-echo websock; do
  server_cmd $s
  start_pinned 0 "$dir/$s.out" "${cmd[@]}"
  servers+=("$pid")
  pids[$s]=$pid ports[$s]=$port urls[$s]="${url[*]}"
done
for rep in $(seq "$reps"); do
  for s in tls-echo websock; do
    echo "tls: $s #$rep" >&2
    read -ra url <<<"${urls[$s]}"
    port=${ports[$s]}
    line=$(load "${pids[$s]}") || echo "tls: $s #$rep FAILED" >&2
    [ -n "${line:-}" ] && echo "{\"server\":\"$s\",\"rep\":$rep,\"result\":$line}" >>"$out"
    line=
  done
done
for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
servers=()

# ---- TLS records per message: each server under strace (reads, sends, epoll_ctl).
if [ "$records" = 1 ]; then
  for s in tls-echo websock; do
    server_cmd $s
    echo "tls: $s under strace" >&2
    start_pinned 0 "$dir/$s-strace.out" strace -f -qq -s 0 -e trace=read,recvfrom,recvmsg,write,writev,sendto,sendmsg,epoll_ctl -e signal=none \
      -o "$dir/$s.strace" "${cmd[@]}"
    tracer=$pid
    servers+=("$tracer")
    server=$(ps -o pid= --ppid "$tracer" | tr -d ' ')
    line=$(load "$server") || echo "tls: $s under strace FAILED" >&2
    kill "$server"
    wait "$tracer" 2>/dev/null || true
    servers=()
    frame=$size  # what one message is on the wire, in the server's plaintext
    [ $s = websock ] && frame=$((size + (size < 126 ? 2 : size < 65536 ? 4 : 10)))
    [ -n "${line:-}" ] && echo "{\"server\":\"$s\",\"case\":\"records\",\"frame\":$frame,\"sends\":\"$dir/$s.strace\",\"result\":$line}" >>"$out"
    line=
  done
fi

python3 - "$out" <<'PY'
import json, re, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
runs = [r for r in rows if "case" not in r]
med = lambda s, f: statistics.median(f(r["result"]) for r in runs if r["server"] == s)
print("| server | msgs/s | vs TLS echo | server CPU us/msg | vs TLS echo | p50 us | p99 us | bench CPU us/msg | runs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
base = {k: med("tls-echo", f) for k, f in (("rate", lambda r: r["msgs_per_s"]), ("cpu", lambda r: r["server_cpu_us_per_msg"]))}
for s in ("tls-echo", "websock"):
    n = sum(r["server"] == s for r in runs)
    if not n:
        continue
    rate, cpu = med(s, lambda r: r["msgs_per_s"]), med(s, lambda r: r["server_cpu_us_per_msg"])
    print("| %s | %s | %.2fx | %.3f | %.2fx | %.0f | %.0f | %.3f | %d |" % (
        s, format(round(rate), ","), rate / base["rate"], cpu, cpu / base["cpu"],
        med(s, lambda r: r["latency_us"]["p50"]), med(s, lambda r: r["latency_us"]["p99"]),
        med(s, lambda r: r["bench_cpu_us_per_msg"]), n))

recs = [r for r in rows if r.get("case") == "records"]
if recs:
    print()
    print("TLS records sent by each server under strace -f (one run; records inferred from each send's size:")
    print("TLS 1.3 AES-GCM adds 22 bytes per record to whole messages of FRAME bytes):")
    print()
    print("| server | messages echoed | socket reads/msg | epoll_ctl/msg | sends/msg | bytes/send | records/msg | messages/record | commonest sends (bytes x count) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in recs:
        frame, sizes, reads, ctls = r["frame"], {}, 0, 0
        for line in open(r["sends"]):
            m = re.search(r"^\d+\s+(\w+)\((\d+),.*\)\s+=\s+(\d+)$", line.strip())
            if not m:
                continue
            call, n = m.group(1), int(m.group(3))
            if call == "epoll_ctl":
                ctls += 1
            elif n < 22 + 1:  # not TLS: eventfd wake-ups (8 bytes), end of file
                continue
            elif call in ("read", "recvfrom", "recvmsg"):
                reads += 1
            else:
                sizes[n] = sizes.get(n, 0) + 1
        def records_in(n):  # smallest k with n - 22k a whole number of messages; else a 16 KiB record each
            for k in range(1, 47):
                if (n - 22 * k) > 0 and (n - 22 * k) % frame == 0:
                    return k
            return -(-n // (16384 + 22))
        sends = sum(sizes.values())
        total = sum(n * c for n, c in sizes.items())
        recs_n = sum(records_in(n) * c for n, c in sizes.items())
        msgs = r["result"]["messages"]
        top = ", ".join("%d x %d" % (n, c) for n, c in sorted(sizes.items(), key=lambda x: -x[1])[:3])
        print("| %s | %s | %.3f | %.3f | %.3f | %.0f | %.3f | %.1f | %s |" % (
            r["server"], format(msgs, ","), reads / msgs, ctls / msgs, sends / msgs, total / max(sends, 1),
            recs_n / msgs, msgs / max(recs_n, 1), top))
PY
