#!/usr/bin/python3
"""Runs pull_echo against one real client, in bounded time.

    run_interop.py python|node PULL_ECHO_BINARY NODE_MODULES_DIR

Starts the echo on 127.0.0.1 with port 0 for one connection, reads the port it prints, runs the
client (client.py with Debian's /usr/bin/python3, or client.js with node and the `ws` package of
tests/interop/node, see scripts/install-node-deps.sh), then checks both exit with status 0. A
missing peer fails with the command that installs it.
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = "run `make deps` (scripts/install-deps.sh and scripts/install-node-deps.sh)"


def fail(msg):
    print(f"run_interop.py: FAIL: {msg}", flush=True)
    sys.exit(1)


def client_argv(peer, node_modules):
    if peer == "python":
        if subprocess.run(["/usr/bin/python3", "-c", "import websockets"], capture_output=True).returncode:
            fail(f"Python websockets is not importable by /usr/bin/python3 (python3-websockets): {FIX}")
        return ["/usr/bin/python3", os.path.join(HERE, "client.py")], None
    node = shutil.which("node")
    if not node or not os.path.exists(os.path.join(node_modules, "ws", "package.json")):
        fail(f"node or the npm package ws (in {node_modules}) is missing: {FIX}")
    return [node, os.path.join(HERE, "client.js")], dict(os.environ, NODE_PATH=node_modules)


def main():
    peer, binary, node_modules = sys.argv[1], sys.argv[2], sys.argv[3]
    argv, env = client_argv(peer, node_modules)
    server = subprocess.Popen([binary, "0", "1"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # the echo prints it once it listens
        m = re.match(r"^listening on 127\.0\.0\.1:(\d+)$", line.strip())
        if not m:
            fail(f"pull_echo did not print its port (got {line!r})")
        try:
            client = subprocess.run(argv + [m.group(1)], env=env, timeout=90)
        except subprocess.TimeoutExpired:
            fail(f"the {peer} client did not finish within 90 s")
        try:
            status = server.wait(15)  # it exits once its one connection closed
        except subprocess.TimeoutExpired:
            fail("pull_echo did not exit after the connection closed")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    print(f"run_interop.py: {peer} client exit {client.returncode}, pull_echo exit {status}", flush=True)
    if client.returncode != 0 or status != 0:
        fail(f"pull_echo against the {peer} client")
    print(f"run_interop.py: pull_echo against the {peer} client passed", flush=True)


if __name__ == "__main__":
    main()
