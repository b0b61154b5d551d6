#!/usr/bin/python3
"""`websock iis --module X` with a module it must refuse, in bounded time.

    bad_module_cli_test.py WEBSOCK_BINARY NO_ENTRY_SO FAILING_REGISTER_SO SILENT_SO

For each of: a file that does not exist, one that is no shared object, a shared object without RegisterModule, one whose
RegisterModule fails, one that subscribes to no notification: the host exits non-zero before
serving, its stderr names the file and the reason, and nothing listens on the port it was given.
"""
import os
import socket
import subprocess
import sys


def fail(msg):
    print(f"bad_module_cli_test.py: FAIL: {msg}", flush=True)
    sys.exit(1)


def free_port():
    # A port the kernel just handed out and took back: free unless another process takes it in
    # the moment before the host binds it, which only makes the "nothing listens" check weaker.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refused(port):
    with socket.socket() as s:
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
        return False


def check(websock, module, reason):
    port = free_port()
    try:
        run = subprocess.run([websock, "iis", "--host", "127.0.0.1", "--port", str(port), "--module", module],
                             capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        fail(f"{module}: the host was still running after 30 s")
    if run.returncode == 0:
        fail(f"{module}: exit status 0")
    if "serving" in run.stdout:
        fail(f"{module}: the host served: {run.stdout!r}")
    if module not in run.stderr or reason not in run.stderr:
        fail(f"{module}: stderr does not name the file and {reason!r}: {run.stderr!r}")
    if not refused(port):
        fail(f"{module}: something listens on port {port}")
    print(f"{os.path.basename(module)}: exit {run.returncode}: {run.stderr.strip()}")


def main():
    websock, no_entry, failing, silent = sys.argv[1:5]
    missing = os.path.join(os.path.dirname(no_entry), "no_such_module.so")
    if os.path.exists(missing):
        fail(f"{missing} exists")
    check(websock, missing, "does not exist")  # the command line refuses it before the host sees it
    check(websock, os.path.abspath(__file__), "cannot load")  # a file, not a shared object
    check(websock, no_entry, "does not export RegisterModule")
    check(websock, failing, "RegisterModule failed with 0x80070005")
    check(websock, silent, "subscribed to no request notification")
    print("bad_module_cli_test.py: ok")


main()
