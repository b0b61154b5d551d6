#!/usr/bin/python3
"""`websock connect` (our CLI client) against a peer server nobody here wrote (py_server.py or
node/server.js, started by run.py).

    cli_connect.py WEBSOCK_BIN BASE_URL [CA_FILE]

Prints one line per case and "N passed, N failed"; exits 1 if any failed.
"""
import asyncio
import ssl
import subprocess
import sys
import threading
import time

import websockets

WEBSOCK, BASE = sys.argv[1], sys.argv[2]
CA = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
TLS = BASE.startswith("wss:")
CA_ARGS = ["--ca", CA] if CA else []


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def connect(path, lines, *args, expect=0, timeout=30):
    """Runs `websock connect BASE+path` as a person would: types the lines, waits for `expect` lines
    of output, then ends the input. Returns (status, stdout, stderr)."""
    p = subprocess.Popen([WEBSOCK, "connect", *args, BASE + path], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = []
    reader = threading.Thread(target=lambda: out.extend(p.stdout.readline() for _ in range(expect)), daemon=True)
    reader.start()
    try:
        p.stdin.write("".join(l + "\n" for l in lines).encode())
        p.stdin.flush()
    except BrokenPipeError:
        pass
    reader.join(timeout)
    try:
        rest, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        rest, err = p.communicate()
        raise AssertionError(f"websock connect did not exit within {timeout}s of the end of its input")
    return p.returncode, (b"".join(out) + rest).decode("utf-8", "replace"), err.decode("utf-8", "replace")


def peer_saw_close(target):
    async def ask():
        ctx = ssl.create_default_context(cafile=CA) if TLS else None
        async with websockets.connect(BASE + "/cmd", ssl=ctx) as q:
            deadline = time.monotonic() + 5
            while True:
                await q.send("closed " + target)
                r = await q.recv()
                if r != "none" or time.monotonic() > deadline:
                    return r
                await asyncio.sleep(0.05)
    return asyncio.run(ask())


def case_lines_echo():
    lines = ["hello", "wörld € 😀", "", "x" * 100000, "last"]
    rc, out, err = connect("/echo?cli=lines", lines, *CA_ARGS, expect=len(lines))
    check(rc == 0, f"exit status {rc}, stderr: {err.strip()}")
    check(out.split("\n")[:-1] == lines, f"stdout differs from the lines sent: {out[:200]!r}")
    seen = peer_saw_close("/echo?cli=lines")
    check(seen == "1000 ", f"end of input should close with 1000; the peer saw {seen!r}")


def case_binary():
    rc, out, err = connect("/echo?cli=binary", ["abc", "def"], "--binary", *CA_ARGS, expect=2)
    check(rc == 0, f"exit status {rc}, stderr: {err.strip()}")
    check(out == "abc\ndef\n", f"--binary echo: {out!r}")


def case_fragmented_from_peer():
    rc, out, err = connect("/fragecho?n=5", ["fragmented é€ message from the peer"], *CA_ARGS, expect=1)
    check(rc == 0 and out == "fragmented é€ message from the peer\n", f"status {rc}, stdout {out!r}, stderr {err.strip()}")


def case_subprotocol():
    rc, out, err = connect("/cmd", ["subprotocol"], "-s", "other", "-s", "websock.v1", *CA_ARGS, expect=1)
    check(rc == 0, f"exit status {rc}, stderr: {err.strip()}")
    check(out == "websock.v1\n", f"the peer's subprotocol: {out!r}")
    check("websock.v1" in err, f"the chosen subprotocol is not reported on stderr: {err!r}")


def case_peer_closes_normally():
    rc, out, err = connect("/cmd", ["close 1000 done", "never answered"], *CA_ARGS)
    check(rc == 0, f"a normal close by the peer should exit 0; status {rc}, stderr: {err.strip()}")


def case_refused_upgrade():
    rc, out, err = connect("/reject", ["x"], *CA_ARGS)
    check(rc != 0, "a refused upgrade must exit non-zero")
    lines = err.strip().split("\n")
    check(len(lines) == 1 and "403" in lines[0], f"expected one line naming 403 on stderr, got {err!r}")


def case_unreachable():
    host_port = BASE.split("//")[1]
    dead = BASE.replace(host_port, "127.0.0.1:1")
    r = subprocess.run([WEBSOCK, "connect", dead + "/echo"], input=b"", capture_output=True, timeout=30)
    err = r.stderr.decode()
    check(r.returncode != 0, "connecting to a closed port must exit non-zero")
    check(len(err.strip().split("\n")) == 1, f"expected one line on stderr, got {err!r}")


def case_tls_verification():
    if not TLS:
        return
    rc, out, err = connect("/echo", ["x"])               # no --ca: the test CA is unknown
    check(rc != 0 and len(err.strip().split("\n")) == 1, f"an unknown CA must fail with one line; status {rc}, {err!r}")
    rc, out, err = connect("/echo", ["x"], "--insecure", expect=1)
    check(rc == 0 and out == "x\n", f"--insecure: status {rc}, stdout {out!r}, stderr {err.strip()}")


CASES = [v for k, v in list(globals().items()) if k.startswith("case_")]

passed = failed = 0
for case in CASES:
    t0 = time.monotonic()
    try:
        case()
        passed += 1
        print(f"ok   {case.__name__[5:]} ({time.monotonic() - t0:.2f}s)", flush=True)
    except Exception as e:  # noqa: BLE001
        failed += 1
        print(f"FAIL {case.__name__[5:]}: {type(e).__name__}: {e}", flush=True)
print(f"websock connect vs {BASE.split(':')[0]} peer: {passed} passed, {failed} failed", flush=True)
sys.exit(1 if failed else 0)
