#!/usr/bin/env python3
"""Prints a Markdown table of the median of each benchmark from Google Benchmark JSON output."""
import json
import sys


def fmt(value, digits=2):
    return f"{value:.{digits}f}" if value is not None else ""


def main(path):
    with open(path) as f:
        data = json.load(f)
    rows = {}
    order = []
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        kind = b.get("aggregate_name", "")
        if b.get("run_type") == "iteration":
            kind = "median"  # run without repetitions: one row per benchmark
        if name not in rows:
            rows[name] = {}
            order.append(name)
        rows[name][kind] = b
    print("| benchmark | CPU time/iter | GB/s | ns/frame or ns/msg | CV (time) |")
    print("|---|---:|---:|---:|---:|")
    for name in order:
        median = rows[name].get("median")
        if median is None:
            continue
        if "error_message" in median:
            print(f"| {name} | error: {median['error_message']} | | | |")
            continue
        unit = median.get("time_unit", "ns")
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
        cpu_ns = median["cpu_time"] * scale
        per = median.get("ns/frame", median.get("ns/msg"))
        cv = rows[name].get("cv")
        cv_text = f"{100 * cv['cpu_time']:.1f}%" if cv else ""
        time_text = f"{cpu_ns:.1f} ns" if cpu_ns < 1e4 else f"{cpu_ns / 1e3:.1f} us"
        print(f"| {name} | {time_text} | {fmt(median.get('GB/s'))} | {fmt(per, 1)} | {cv_text} |")


if __name__ == "__main__":
    main(sys.argv[1])
