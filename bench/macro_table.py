#!/usr/bin/env python3
"""Markdown tables from bench/macro.sh's JSON lines: for each generator (wsload, the meter of
record, and `websock bench`), each server beside the plain TCP echo driven by the same generator in
the same run, as medians over the repetitions; then memory per idle connection.

Server CPU per message is the server's CPU time over the window divided by the messages echoed
(wsload reports it as a percentage of one core over its window)."""
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
idle = {r["server"]: r for r in rows if r.get("case") == "idle"}
servers = list(dict.fromkeys(r["server"] for r in rows))
cases = list(dict.fromkeys(r["case"] for r in rows if "result" in r))
generators = list(dict.fromkeys(r.get("generator", "websock") for r in rows if "result" in r))


def normalise(gen, r):
    """(msgs/s, server CPU us/msg, client CPU us/msg, p50 us, p99 us, failed) of one run."""
    if gen == "wsload":
        rate = r["msgs_per_s"]
        cpu = r["server_cpu_pct"] / 100 / rate * 1e6 if rate else None
        own = r["loadgen_cpu_pct"] / 100 / rate * 1e6 if rate else None
        return rate, cpu, own, r["p50_us"], r["p99_us"], r["errors"] != 0
    lat = r["latency_us"]
    cpu = r["server_cpu_us_per_msg"] if r["server_cpu_us_per_msg"] >= 0 else None
    return r["msgs_per_s"], cpu, r["bench_cpu_us_per_msg"], lat["p50"], lat["p99"], r["mismatches"] != 0


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


runs = {}
for r in rows:
    if "result" in r:
        gen = r.get("generator", "websock")
        runs.setdefault((gen, r["server"], r["case"]), []).append(normalise(gen, r["result"]))


def summary(key):
    rs = runs.get(key)
    if not rs:
        return None
    cols = list(zip(*rs))
    return [median(c) for c in cols[:5]] + [any(cols[5]), len(rs)]


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def num(v, fmt):
    return format(v, fmt) if v is not None else "-"


for gen in generators:
    name = "wsload" if gen == "wsload" else "websock bench"
    print(f"#### Generator: {name} (medians)\n")
    print("| case | server | runs | msgs/s | vs TCP | p50 us | p99 us | server CPU us/msg | vs TCP | client CPU us/msg |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in cases:
        base = summary((gen, "tcp", c))
        for s in servers:
            m = summary((gen, s, c))
            if m is None:
                continue
            rate, cpu, own, p50, p99, bad, n = m
            flag = " (errors!)" if bad else ""
            print(f"| {c} | {s}{flag} | {n} | {num(rate, ',.0f')} | {ratio(rate, base and base[0])} | "
                  f"{num(p50, '.0f')} | {num(p99, '.0f')} | {num(cpu, '.3f')} | {ratio(cpu, base and base[1])} | "
                  f"{num(own, '.3f')} |")
    print()

if idle:
    print("| server | idle connections | RSS before KiB | RSS with them KiB | bytes per idle connection |")
    print("|---|---:|---:|---:|---:|")
    for s in servers:
        r = idle.get(s)
        if r:
            per = (r["rss_idle_kib"] - r["rss_before_kib"]) * 1024 / r["connections"]
            print(f"| {s} | {r['connections']} | {r['rss_before_kib']} | {r['rss_idle_kib']} | {per:.0f} |")
