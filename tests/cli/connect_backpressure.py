#!/usr/bin/python3
"""Issue 9 defect 5 for `websock connect`: no stdin line is lost when the server reads slower than
stdin arrives. The send buffer (64 MiB) fills while the server pauses; connect must wait for it to
drain (and stop reading stdin meanwhile) instead of refusing the send and dropping the line, which
the old binary did with "send failed: send buffer limit reached".

The server is Python `websockets` (its flow control stops reading TCP while its queue is full);
its handler pauses before reading, which is the slow peer under test, not a synchronisation: with
the fix the count is the same for any pause. Usage: connect_backpressure.py WEBSOCK_BINARY"""
import asyncio
import subprocess
import sys
import tempfile
import threading

import websockets

LINES = 100_000
LINE = b"x" * 1023 + b"\n"  # 100 MiB in all: more than the 64 MiB send buffer


async def main(binary):
    received = 0
    done = asyncio.get_running_loop().create_future()

    async def handler(ws, path=None):
        nonlocal received
        await asyncio.sleep(1.0)  # the slow server: connect fills its buffer meanwhile
        try:
            async for _ in ws:
                received += 1
        finally:
            if not done.done():
                done.set_result(None)

    async with websockets.serve(handler, "127.0.0.1", 0, max_size=1 << 20) as server:
        port = server.sockets[0].getsockname()[1]
        errors = tempfile.TemporaryFile()  # a file, not a pipe: a chatty connect must not block on it
        proc = subprocess.Popen([binary, "connect", f"ws://127.0.0.1:{port}/"], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=errors)

        def feed():
            try:
                for _ in range(LINES):
                    proc.stdin.write(LINE)
                proc.stdin.close()
            except BrokenPipeError:
                pass

        feeder = threading.Thread(target=feed)
        feeder.start()
        await asyncio.wait_for(done, 120)
        feeder.join()
        proc.wait(timeout=60)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if received != LINES:
        print(f"FAIL: the server got {received} of {LINES} lines; connect said: {err.strip()[:300]}")
        return 1
    if "send failed" in err:
        print(f"FAIL: {err.strip()[:300]}")
        return 1
    print(f"ok: {LINES} lines of {len(LINE)} bytes, all delivered through a paused server")
    return 0


sys.exit(asyncio.run(main(sys.argv[1])))
