#!/usr/bin/env python3
"""Markdown tables from bench/macro.sh's JSON lines: each server beside the plain TCP echo, with
ratios and the issue's targets (msgs/s >= 0.95x and server CPU/msg <= 1.1x the TCP echo's for 16 B
and 1 KiB, <= 1.25x for 64 KiB; < 4 KiB of server memory per idle connection)."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
load = {(r["server"], r["case"]): r["result"] for r in rows if "result" in r}
idle = {r["server"]: r for r in rows if r.get("case") == "idle"}
servers = list(dict.fromkeys(r["server"] for r in rows))
cases = list(dict.fromkeys(r["case"] for r in rows if "result" in r))
cpu_target = {"16 B": 1.1, "1 KiB": 1.1, "64 KiB": 1.25}


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


print("| case | server | msgs/s | vs TCP | p50 us | p99 us | server CPU us/msg | vs TCP | bench CPU us/msg | target |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
for c in cases:
    base = load.get(("tcp", c))
    for s in servers:
        r = load.get((s, c))
        if r is None:
            continue
        lat = r["latency_us"]
        cpu = r["server_cpu_us_per_msg"] if r["server_cpu_us_per_msg"] >= 0 else None
        base_cpu = base["server_cpu_us_per_msg"] if base and base["server_cpu_us_per_msg"] > 0 else None
        target = ""
        if s != "tcp" and c in cpu_target:
            target = f">= 0.95x, <= {cpu_target[c]}x"
        bad = " (mismatch!)" if r["mismatches"] else ""
        print(f"| {c} | {s}{bad} | {r['msgs_per_s']:,.0f} | {ratio(r['msgs_per_s'], base and base['msgs_per_s'])} | "
              f"{lat['p50']:.0f} | {lat['p99']:.0f} | {cpu:.3f} | {ratio(cpu, base_cpu)} | "
              f"{r['bench_cpu_us_per_msg']:.3f} | {target} |" if cpu is not None else
              f"| {c} | {s}{bad} | {r['msgs_per_s']:,.0f} | - | {lat['p50']:.0f} | {lat['p99']:.0f} | - | - | - | {target} |")

print()
print("| server | idle connections | RSS before KiB | RSS with them KiB | KiB per idle connection | target |")
print("|---|---:|---:|---:|---:|---|")
for s in servers:
    r = idle.get(s)
    if r:
        per = (r["rss_idle_kib"] - r["rss_before_kib"]) / r["connections"]
        print(f"| {s} | {r['connections']} | {r['rss_before_kib']} | {r['rss_idle_kib']} | {per:.2f} | "
              f"{'< 4' if s == 'websock' else ''} |")
