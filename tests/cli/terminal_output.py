#!/usr/bin/python3
"""What a server says cannot drive the terminal of `websock connect` (issue 9): a Python
`websockets` server on 127.0.0.1 sends escape sequences, C1 controls and line breaks, then closes
with a reason holding one too.

    terminal_output.py WEBSOCK_BIN

Under a pty (python3 `pty`) the messages and the close reason arrive escaped, with UTF-8 and tabs
as sent; through a pipe stdout carries the exact bytes. Prints one line per case and
"N passed, N failed"; exits 1 if any failed.
"""
import asyncio
import os
import pty
import subprocess
import sys
import threading

import websockets

from cases import check, run_cases

WEBSOCK = sys.argv[1]
MESSAGES = ["\x1b[31mred", "a\nb\rc", "tab\there w\u00f6rld", "\u009b2J", "last"]
REASON = "\x1b[2Jbye"


class Server:
    """Sends MESSAGES to each client, then closes with 4000 REASON."""

    def __init__(self):
        ready = threading.Event()
        self.loop = asyncio.new_event_loop()

        async def handler(ws, _path=None):
            for m in MESSAGES:
                await ws.send(m)
            await ws.close(4000, REASON)

        async def start():
            self.server = await websockets.serve(handler, "127.0.0.1", 0)
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()

        def run():
            self.loop.run_until_complete(start())
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait()

    def stop(self):
        async def close():
            self.server.close()
            await self.server.wait_closed()
        asyncio.run_coroutine_threadsafe(close(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()


def under_pty(url):
    """Runs `websock connect url` with stdin, stdout and stderr on one pty; returns (status, all
    it wrote)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([WEBSOCK, "connect", url], stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: every holder of the pty's other end is gone
            break
        if not data:
            break
        out += data
    os.close(master)
    return p.wait(timeout=20), out


def case_issue9_messages_and_close_reason_arrive_escaped_on_a_terminal():
    server = Server()
    try:
        status, out = under_pty(f"ws://127.0.0.1:{server.port}/")
    finally:
        server.stop()
    check(status == 1, f"exit status {status} after a 4000 close; output {out!r}")
    check(b"\x1b" not in out and b"\xc2\x9b" not in out and b"\r\x1b" not in out,
          f"a control sequence reached the terminal: {out!r}")
    text = out.replace(b"\r\n", b"\n")  # the pty's own line ends (onlcr)
    for shown in [b"\\x1b[31mred\n", b"a\\nb\\rc\n", "tab\there w\u00f6rld\n".encode(), b"\\xc2\\x9b2J\n",
                  b"last\n", b"4000 \\x1b[2Jbye"]:
        check(shown in text, f"{shown!r} not in {text!r}")


def case_issue9_messages_stay_raw_through_a_pipe():
    server = Server()
    try:
        p = subprocess.Popen([WEBSOCK, "connect", f"ws://127.0.0.1:{server.port}/"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # stdin stays open (no end of input, so no close of ours) until the server has closed.
        out = p.stdout.read()
        err = p.stderr.read()
        p.wait(timeout=20)
        p.stdin.close()
    finally:
        server.stop()
    check(p.returncode == 1, f"exit status {p.returncode}; stderr {err!r}")
    check(out == "".join(m + "\n" for m in MESSAGES).encode(), f"stdout is not the exact bytes: {out!r}")
    check(err.endswith(b"4000 \\x1b[2Jbye\n") and err.count(b"\n") == 2,
          f"the close reason is escaped on its one stderr line: {err!r}")


if __name__ == "__main__":
    sys.exit(run_cases(globals()))
