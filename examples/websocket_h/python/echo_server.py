#!/usr/bin/python3
"""Echo server for the websocket.h client example, on python-websockets' asyncio API (10.x).

Listens on 127.0.0.1 at a free port, prints the port on stdout, echoes every message with its
type, and closes first (1000, "server closing") when it receives the text "close-me". Exits after
`--connections` connections (default 2) or `--timeout` seconds.
"""
import argparse
import asyncio
import sys

import websockets


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    finished = 0
    all_done = asyncio.get_running_loop().create_future()
    failures = []

    async def echo(websocket, path=None):
        nonlocal finished
        try:
            async for message in websocket:
                if message == "close-me":
                    await websocket.close(1000, "server closing")
                    break
                await websocket.send(message)
        except websockets.ConnectionClosedError as error:  # not a clean close: report it
            failures.append(repr(error))
        finally:
            finished += 1
            if finished == args.connections and not all_done.done():
                all_done.set_result(None)

    # No size limit (the client sends 1 MiB messages); keep-alive pings off for a fixed exchange.
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=None, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(port, flush=True)
        try:
            await asyncio.wait_for(all_done, timeout=args.timeout)
        except asyncio.TimeoutError:
            print("echo_server: timed out", file=sys.stderr)
            return 1
    if failures:
        print("echo_server: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
