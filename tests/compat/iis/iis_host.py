"""What the tests of tests/compat/iis share: `websock iis` with some modules, started, its port
read from its first line, stopped with SIGTERM and required to exit 0; the peers they drive it
with, each checked first (a missing one fails with the command that installs it, never a skip);
failing with a clear message. Every wait is bounded; everything listens on 127.0.0.1 only.

    def main():
        with iis_host.Host(websock, [module_so]) as host:
            ... ws://127.0.0.1:{host.port}/ ...   # iis_host.fail(why) when a check fails
    iis_host.run_test(main)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
# The Node packages of the interop tests (one package.json and lockfile for the whole tree).
NODE_DIR = os.path.join(SOURCE_DIR, "tests", "interop", "node")
DEBIAN_PYTHON = "/usr/bin/python3"  # the python that sees Debian's python3-websockets
CHROMIUM = "/usr/bin/chromium"
FIX = "run `make deps` (scripts/install-deps.sh and scripts/install-node-deps.sh)"
START_TIMEOUT = 20
STOP_TIMEOUT = 20

NAME = os.path.basename(sys.argv[0])


class Failure(Exception):
    """A check failed; run_test says so. An ordinary exception, so that it leaves asyncio code and
    `with Host(...)` (which then kills the host) the usual way."""


def fail(msg):
    raise Failure(msg)


def run_test(main):
    """Runs a test's main(): "NAME: ok" and exit status 0, or "NAME: FAIL: why" and 1."""
    try:
        main()
    except Failure as e:
        print(f"{NAME}: FAIL: {e}", flush=True)
        sys.exit(1)
    print(f"{NAME}: ok", flush=True)


# ------------------------------------------------------------------ the host

class Host:
    """`websock iis --host 127.0.0.1 --port 0 --module M... [extra...]` (extra: --tls-cert C
    --tls-key K for https:// and wss://). Its log (stderr) goes to ours."""

    def __init__(self, websock, modules, extra=()):
        need_file(websock, "the websock CLI", executable=True)
        for m in modules:
            need_file(m, "IIS module")
        argv = [websock, "iis", "--host", "127.0.0.1", "--port", "0"]
        for m in modules:
            argv += ["--module", m]
        argv += list(extra)
        print("host: " + " ".join(argv), flush=True)
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, bufsize=1)
        first = []
        got = threading.Event()

        def read_stdout():
            for line in self.proc.stdout:
                if not first:
                    first.append(line)
                    got.set()
            got.set()  # EOF: the host is gone

        threading.Thread(target=read_stdout, daemon=True).start()
        got.wait(START_TIMEOUT)
        # "websock iis: serving http://127.0.0.1:PORT/ (N modules)"
        m = re.search(r"serving http(s?)://127\.0\.0\.1:(\d+)/", first[0]) if first else None
        if not m:
            self.kill()
            fail(f"websock iis did not say where it serves within {START_TIMEOUT}s "
                 f"(first line {first[0] if first else None!r}, exit status {self.proc.poll()})")
        self.port = int(m.group(2))
        self.stopped = False
        self.url = f"ws{m.group(1)}://127.0.0.1:{self.port}"

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        """SIGTERM: the host ends its requests and must exit with status 0. Once is enough (a
        test may stop it while clients are still connected; leaving `with` then does nothing)."""
        if self.stopped:
            return
        if self.proc.poll() is not None:
            fail(f"websock iis exited on its own with status {self.proc.returncode}")
        self.stopped = True
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            fail(f"websock iis did not stop within {STOP_TIMEOUT}s of SIGTERM")
        if rc != 0:
            fail(f"websock iis exited with status {rc} after SIGTERM")

    def __enter__(self):
        return self

    def __exit__(self, kind, value, trace):
        if kind is None:
            self.stop()
        else:
            self.kill()  # a failure is on its way out already
        return False


def run_async(coroutine, timeout, what):
    """Runs a client coroutine to its end, within `timeout` seconds."""
    import asyncio
    try:
        return asyncio.run(asyncio.wait_for(coroutine, timeout))
    except asyncio.TimeoutError:
        fail(f"{what} did not finish within {timeout}s")


# ------------------------------------------------------------------ peers

def need_file(path, what, executable=False):
    if not path or not os.path.isfile(path) or (executable and not os.access(path, os.X_OK)):
        fail(f"{what} not found at {path!r}: build it first")


def need_python_websockets():
    """The websockets module, for a test running under Debian's python (as ctest runs them)."""
    try:
        import websockets
    except ImportError:
        fail(f"peer missing: Python websockets is not importable by {sys.executable} "
             f"(Debian package python3-websockets, for {DEBIAN_PYTHON}): {FIX}")
    print(f"peer: Python websockets {websockets.__version__} ({sys.executable})", flush=True)
    return websockets


def need_node(*packages):
    """node, and these npm packages in the interop tests' node_modules; returns node's path."""
    node = shutil.which("node")
    if not node:
        fail(f"peer missing: node is not on PATH (Debian package nodejs): {FIX}")
    for p in packages:
        if not os.path.isfile(os.path.join(NODE_DIR, "node_modules", p, "package.json")):
            fail(f"peer missing: npm package {p} is not installed in {NODE_DIR}/node_modules: {FIX}")
    return node


def need_chromium():
    if not os.access(CHROMIUM, os.X_OK):
        fail(f"peer missing: {CHROMIUM} (Debian package chromium): {FIX}")


def node_env():
    """The environment for a Node peer: require() finds the interop tests' packages."""
    return dict(os.environ, NODE_PATH=os.path.join(NODE_DIR, "node_modules"))


def run_peer(argv, timeout, env=None):
    """Runs a client to its end within `timeout` seconds; its output goes to ours. Returns
    (exit status, output)."""
    print("peer: " + " ".join(argv), flush=True)
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                           timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        print(out, flush=True)
        fail(f"{os.path.basename(argv[0])} did not finish within {timeout}s")
    print(r.stdout + r.stderr, end="", flush=True)
    return r.returncode, r.stdout + r.stderr
