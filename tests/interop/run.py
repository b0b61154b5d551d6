#!/usr/bin/python3
"""Runs one interop pair: starts the server side, runs the client side against it, stops both.

    run.py PAIR --scheme ws|wss [paths...]

PAIR is one of
    python-client   our interop_server  <-  Python websockets client (py_client.py)
    node-client     our interop_server  <-  Node ws client (node/client.js)
    python-server   Python websockets server (py_server.py)  <-  our interop_client
    node-server     Node ws server (node/server.js)          <-  our interop_client
    chromium        our interop_server                        <-  headless Chromium's WebSocket (node/browser.js)
    chromium-demo   `websock serve` (demo page, /echo, /chat) <-  headless Chromium loading the page
    cli-python-server / cli-node-server: their servers <- `websock connect` (cli_connect.py)

Every peer is checked first: a missing one fails the test with the command that installs it, never
a skip. For wss a CA and a server certificate for 127.0.0.1/::1/localhost are made with the openssl
CLI in a fresh temporary directory. Everything listens on loopback only and is stopped here.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, "node")
DEBIAN_PYTHON = "/usr/bin/python3"   # Debian's python3-websockets is importable from this one only
CHROMIUM = "/usr/bin/chromium"
FIX = "run `make deps` (scripts/install-deps.sh and scripts/install-node-deps.sh)"


def fail(msg):
    print(f"run.py: FAIL: {msg}", flush=True)
    sys.exit(1)


def need_python_websockets():
    if not os.access(DEBIAN_PYTHON, os.X_OK):
        fail(f"{DEBIAN_PYTHON} is missing: {FIX}")
    r = subprocess.run([DEBIAN_PYTHON, "-c", "import websockets, sys; print(websockets.__version__)"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"peer missing: Python websockets is not importable by {DEBIAN_PYTHON} "
             f"(Debian package python3-websockets): {FIX}")
    print(f"peer: Python websockets {r.stdout.strip()} ({DEBIAN_PYTHON})", flush=True)


def need_node(*modules):
    node = shutil.which("node")
    if not node:
        fail(f"peer missing: node is not on PATH (Debian package nodejs): {FIX}")
    for m in modules:
        pj = os.path.join(NODE_DIR, "node_modules", m, "package.json")
        if not os.path.exists(pj):
            fail(f"peer missing: npm package {m} is not installed in {NODE_DIR}/node_modules: {FIX}")
    ver = subprocess.run([node, "-e",
                          "const m=process.argv.slice(1).map(n=>n+' '+require(n+'/package.json').version);"
                          "console.log('node '+process.version+(m.length?', ':'')+m.join(', '))", *modules],
                         capture_output=True, text=True, cwd=NODE_DIR)
    print(f"peer: {ver.stdout.strip()}", flush=True)
    return node


def need_chromium():
    if not os.access(CHROMIUM, os.X_OK):
        fail(f"peer missing: {CHROMIUM} (Debian package chromium): {FIX}")


def need_binary(path, what):
    if not path or not os.access(path, os.X_OK):
        fail(f"{what} not found at {path!r}: build it first")


def make_certs(d):
    """A throw-away CA and a server certificate signed by it, valid for localhost, 127.0.0.1, ::1."""
    if not shutil.which("openssl"):
        fail(f"the openssl CLI is missing (Debian package openssl): {FIX}")
    ca_key, ca, key, csr, cert = (os.path.join(d, n) for n in ("ca.key", "ca.pem", "key.pem", "leaf.csr", "cert.pem"))
    ext = os.path.join(d, "leaf.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    steps = [
        ["openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2",
         "-subj", "/CN=websock interop test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
        ["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
         "-out", cert, "-days", "2", "-extfile", ext],
    ]
    for s in steps:
        r = subprocess.run(s, capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"{' '.join(s)}: {r.stderr.strip()}")
    return {"ca": ca, "cert": cert, "key": key}


class Server:
    """A child process that prints "PORT <n>" once it listens; its stdin is a pipe it watches."""

    def __init__(self, name, argv, cwd=None, timeout=20, port_re=r"^PORT (\d+)$", keep_stderr=False):
        self.name = name
        self.lines = []
        self.err_lines = []  # with keep_stderr: its log, echoed as it comes
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE if keep_stderr else None,
                                     cwd=cwd, text=True, bufsize=1)
        if keep_stderr:
            def pump_err():
                for line in self.proc.stderr:
                    self.err_lines.append(line.rstrip("\n"))
                    print(f"{name}: {line}", end="", flush=True)
            threading.Thread(target=pump_err, daemon=True).start()
        port = []
        got = threading.Event()
        echo = name == "websock serve"

        def pump():
            for line in self.proc.stdout:
                line = line.rstrip("\n")
                m = None if port else re.search(port_re, line)
                if m:
                    port.append(int(m.group(1)))
                    got.set()
                else:
                    self.lines.append(line)
                    if echo:
                        print(f"{name}: {line}", flush=True)
            got.set()

        threading.Thread(target=pump, daemon=True).start()
        if not got.wait(timeout) or not port:
            self.stop()
            fail(f"{name} did not print its port within {timeout}s (exit status {self.proc.poll()})")
        self.port = port[0]
        print(f"{name}: listening on port {self.port}", flush=True)

    def stop(self, sig=None):
        if self.proc.poll() is None:
            try:
                if sig:
                    self.proc.send_signal(sig)
                self.proc.stdin.close()          # EOF on stdin: a clean stop
            except OSError:
                pass
            try:
                self.proc.wait(8)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()
                print(f"{self.name}: did not stop within 8s; killed", flush=True)
                return False
        if self.proc.returncode != 0:
            print(f"{self.name}: exited with status {self.proc.returncode}", flush=True)
            return False
        return True


def run_client(argv, timeout, cwd=None, env=None):
    print("client: " + " ".join(argv), flush=True)
    try:
        r = subprocess.run(argv, timeout=timeout, cwd=cwd, env=env)
    except subprocess.TimeoutExpired:
        fail(f"client did not finish within {timeout}s")
    return r.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pair", choices=["python-client", "node-client", "python-server", "node-server", "chromium", "chromium-demo",
                                     "cli-python-server", "cli-node-server"])
    ap.add_argument("--scheme", choices=["ws", "wss"], default="ws")
    ap.add_argument("--server", help="interop_server binary")
    ap.add_argument("--client", help="interop_client binary")
    ap.add_argument("--websock", help="websock CLI binary")
    ap.add_argument("--timeout", type=float, default=150)
    ap.add_argument("--out", help="directory for artefacts (screenshots)")
    ap.add_argument("--strict-ui", action="store_true", help="chromium-demo: also check the page logs what it sent")
    ap.add_argument("--deflate", action="store_true",
                    help="chromium-demo: `websock serve --deflate`, and Chromium's connections must have negotiated it")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="websock-interop-")
    certs = make_certs(tmp) if a.scheme == "wss" else None
    tls_server_args = ["--tls-cert", certs["cert"], "--tls-key", certs["key"]] if certs else []
    ca = certs["ca"] if certs else ""
    server = None
    stop_signal = None
    ok = False
    try:
        if a.pair in ("python-client", "node-client", "chromium"):
            need_binary(a.server, "interop_server")
            if a.pair == "python-client":
                need_python_websockets()
            elif a.pair == "node-client":
                node = need_node("ws")
            else:
                node = need_node("playwright-core")
                need_chromium()
            server = Server("interop_server", [a.server, *tls_server_args])
            url = f"{a.scheme}://127.0.0.1:{server.port}"
            if a.pair == "python-client":
                rc = run_client([DEBIAN_PYTHON, os.path.join(HERE, "py_client.py"), url, ca], a.timeout)
            elif a.pair == "node-client":
                rc = run_client([node, os.path.join(NODE_DIR, "client.js"), url, ca], a.timeout, cwd=NODE_DIR)
            else:
                env = dict(os.environ, WEBSOCK_INTEROP_PROFILE=os.path.join(tmp, "chromium-profile"))
                rc = run_client([node, os.path.join(NODE_DIR, "browser.js"), "interop", url, a.out or tmp],
                                a.timeout, cwd=NODE_DIR, env=env)
        elif a.pair in ("python-server", "node-server", "cli-python-server", "cli-node-server"):
            cli = a.pair.startswith("cli-")
            if cli:
                need_binary(a.websock, "websock CLI")
                need_python_websockets()   # cli_connect.py asks the peer what it saw
            else:
                need_binary(a.client, "interop_client")
            if a.pair.endswith("python-server"):
                need_python_websockets()
                server = Server("py_server", [DEBIAN_PYTHON, os.path.join(HERE, "py_server.py"), *tls_server_args])
            else:
                node = need_node("ws")
                server = Server("node_server", [node, os.path.join(NODE_DIR, "server.js"), *tls_server_args],
                                cwd=NODE_DIR)
            url = f"{a.scheme}://127.0.0.1:{server.port}"
            if cli:
                rc = run_client([DEBIAN_PYTHON, os.path.join(HERE, "cli_connect.py"), a.websock, url, ca], a.timeout)
            else:
                rc = run_client([a.client, url, ca], a.timeout)
        else:  # chromium-demo
            need_binary(a.websock, "websock CLI")
            node = need_node("playwright-core")
            need_chromium()
            # `websock serve --port 0` prints "websock: serving http://127.0.0.1:PORT/ ..."; SIGTERM
            # stops it gracefully with exit status 0.
            stop_signal = signal.SIGTERM
            server = Server("websock serve", [a.websock, "serve", "--host", "127.0.0.1", "--port", "0",
                                              *tls_server_args, *(["--deflate"] if a.deflate else [])],
                            port_re=r"serving https?://[^ ]*:(\d+)/", keep_stderr=a.deflate)
            page = f"{'https' if certs else 'http'}://127.0.0.1:{server.port}/"
            env = dict(os.environ, WEBSOCK_INTEROP_PROFILE=os.path.join(tmp, "chromium-profile"))
            out = a.out or tmp
            os.makedirs(out, exist_ok=True)
            rc = run_client([node, os.path.join(NODE_DIR, "browser.js"), "demo", page, out,
                             *(["--strict-ui"] if a.strict_ui else [])], a.timeout,
                            cwd=NODE_DIR, env=env)
            if a.deflate and rc == 0:
                # The server's open lines name what each connection negotiated (serve.cpp).
                opened = [l for l in server.err_lines if re.search(r"\bopen #", l)]
                if not opened or not all("permessage-deflate" in l for l in opened):
                    print(f"run.py: Chromium's connections did not all negotiate deflate: {opened}", flush=True)
                    rc = 1
        ok = rc == 0
    finally:
        if server is not None and not server.stop(stop_signal):
            ok = False
        shutil.rmtree(tmp, ignore_errors=True)
    if not ok:
        fail(f"{a.pair} over {a.scheme}:// failed (see above)")
    print(f"run.py: {a.pair} over {a.scheme}:// passed", flush=True)


if __name__ == "__main__":
    main()
