"""Markdown tables from bench/deflate.sh's JSON lines: medians per server and size, ratios to Node ws."""
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
servers = list(dict.fromkeys(r["server"] for r in rows))


def median(server, case, key):
    values = [r["result"][key] for r in rows if r["server"] == server and r["case"] == case]
    return statistics.median(values) if values else None


print("| server | size | msgs/s | server CPU us/msg | vs node ws | bytes on the wire per payload byte |")
print("|---|---:|---:|---:|---:|---:|")
for size in ("1024", "16384"):
    node = median("node", size, "server_cpu_us_per_msg")
    for s in servers:
        cpu = median(s, size, "server_cpu_us_per_msg")
        if cpu is None:
            continue
        rate = median(s, size, "msgs_per_s")
        wire = [r["result"]["wire_bytes"] / max(1, r["result"]["messages"] * int(size))
                for r in rows if r["server"] == s and r["case"] == size]
        ratio = f"{cpu / node:.2f}x" if node else "-"
        print(f"| {s} | {int(size) // 1024} KiB | {rate:,.0f} | {cpu:.2f} | {ratio} | {statistics.median(wire):.3f} |")

print()
print("| server | connections | idle, negotiated: B/conn | busy (1 KiB echoes): B/conn | idle after traffic: B/conn |")
print("|---|---:|---:|---:|---:|")
for r in rows:
    if r["case"] != "memory":
        continue
    n = r["connections"]
    per = lambda kib, base: (kib - base) * 1024 / n
    print(f"| {r['server']} | {n} | {per(r['rss_idle_kib'], r['rss_before_kib']):,.0f} | "
          f"{per(r['rss_busy_kib'], r['rss_base_kib']):,.0f} | {per(r['rss_after_kib'], r['rss_base_kib']):,.0f} |")
