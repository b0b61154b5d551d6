#!/usr/bin/env python3
"""Server RSS per idle WebSocket connection.

Starts `websock serve --port 0 -q` (one worker thread unless --threads), opens N WebSocket
connections to /echo from this process (plain sockets, one upgrade each, one echo round trip on
every connection so each one has read and written at least once), leaves them idle, and prints
(RSS with N connections - RSS before) / N, read from /proc/PID/status (VmRSS).

  python3 tests/api/idle_rss.py build/release/tools/websock/websock [--connections 2000] [--max-bytes B]

With --max-bytes the exit status is 1 when the per-connection figure is above B.
"""
import argparse
import os
import re
import select
import socket
import subprocess
import sys
import time

UPGRADE = ("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
# A masked text frame "hi" (mask 01 02 03 04).
FRAME = bytes([0x81, 0x82, 1, 2, 3, 4, ord('h') ^ 1, ord('i') ^ 2])


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def recv_until(s, marker, want):
    data = b""
    end = time.time() + 10
    while marker not in data and len(data) < want:
        if time.time() > end:
            raise RuntimeError("timeout waiting for the server")
        poller = select.poll()
        poller.register(s, select.POLLIN)
        poller.poll(1000)
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("server closed")
        data += chunk
    return data


def main():
    p = argparse.ArgumentParser()
    p.add_argument("websock")
    p.add_argument("--connections", type=int, default=2000)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--max-bytes", type=int, default=0)
    a = p.parse_args()

    srv = subprocess.Popen([a.websock, "serve", "--port", "0", "-q", "--threads", str(a.threads)],
                           stdout=subprocess.PIPE, text=True)
    try:
        line = srv.stdout.readline()
        port = int(re.search(r":(\d+)/", line).group(1))
        # Warm up: one connection, so lazily created per-loop state exists before the baseline.
        warm = socket.create_connection(("127.0.0.1", port))
        warm.sendall(UPGRADE)
        recv_until(warm, b"\r\n\r\n", 1 << 30)
        warm.sendall(FRAME)
        time.sleep(0.3)
        before = rss_kib(srv.pid)
        socks = []
        for i in range(a.connections):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(UPGRADE)
            socks.append(s)
            if len(socks) % 100 == 0:
                for t in socks[-100:]:
                    head = recv_until(t, b"\r\n\r\n", 1 << 30)
                    if b" 101 " not in head:
                        raise RuntimeError("upgrade refused: " + head.decode(errors="replace"))
                    t.sendall(FRAME)
                for t in socks[-100:]:
                    recv_until(t, b"hi", 4)  # the echo: 81 02 'h' 'i'
        time.sleep(0.5)
        after = rss_kib(srv.pid)
        per = (after - before) * 1024 / a.connections
        print(f"connections={a.connections} rss_before_kib={before} rss_after_kib={after} "
              f"bytes_per_connection={per:.0f}")
        for s in socks:
            s.close()
        warm.close()
        return 1 if a.max_bytes and per > a.max_bytes else 0
    finally:
        srv.terminate()
        try:
            srv.wait(10)
        except subprocess.TimeoutExpired:
            srv.kill()


if __name__ == "__main__":
    sys.exit(main())
