#!/usr/bin/python3
"""The WinHTTP examples (examples/winhttp) against real servers, directly and through a real proxy.

    run_examples.py --websock WEBSOCK [--echo WINHTTP_ECHO] [--async-echo WINHTTP_ASYNC_ECHO]
                    [--harness] [--only SUBSTRING]

Each client given (--echo, --async-echo; --harness: `websock connect`, which checks the servers,
the certificates and the proxy on their own, before the examples can run) goes through the matrix

    server     `websock serve` (route /echo) | Python websockets (echo_server.py)
    transport  ws:// | wss:// (a CA and a certificate for 127.0.0.1 and localhost, made here with the
               openssl CLI; clients trust the CA through SSL_CERT_FILE alone, SSL_CERT_DIR is empty)
    route      direct | through tinyproxy (CONNECT, as WinHTTP tunnels ws:// and wss:// alike)

and, per server, a refused upgrade (its status and body are printed, exit status not 0), a
certificate from an unknown CA (refused) and the same with -k (accepted). One line per case,
PASS or FAIL with the reason; exit status 1 if any failed. Every child has a time limit; servers
and the proxy are waited for by their "listening" line or by connecting, never by sleeping.
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
PYTHON = "/usr/bin/python3"  # the one that sees Debian's python3-websockets
FIX = "install it with `make deps` (scripts/packages.txt)"
CLIENT_TIMEOUT = 60
START_TIMEOUT = 20


class Failure(Exception):
    pass


def shown(text, limit=1500):
    """Child output made safe to print: control characters escaped, long output cut."""
    out = "".join(c if c == "\n" or (" " <= c < "\x7f") else f"\\x{ord(c):02x}" for c in text)
    return out if len(out) <= limit else out[:limit] + f"... ({len(out) - limit} more characters)"


def need(path, what):
    if not path or not shutil.which(path):
        sys.exit(f"run_examples.py: FAIL: {what} not found ({path}); {FIX}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ certificates

def make_ca(d, name):
    key, pem = os.path.join(d, f"{name}.key"), os.path.join(d, f"{name}.pem")
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", key, "-out", pem, "-days", "2", "-subj", f"/CN=websock winhttp test {name}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    return key, pem


def make_certificates(d):
    """The CA the clients trust, a server certificate it signed, and a second CA nobody trusts."""
    ca_key, ca = make_ca(d, "ca")
    _, other_ca = make_ca(d, "other-ca")
    key, csr, cert, ext = (os.path.join(d, n) for n in ("server.key", "server.csr", "server.pem", "server.ext"))
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", key, "-out", csr, "-subj", "/CN=localhost"])
    openssl(["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
             "-out", cert, "-days", "2", "-extfile", ext])
    return {"ca": ca, "other_ca": other_ca, "cert": cert, "key": key}


def openssl(args):
    r = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        sys.exit(f"run_examples.py: FAIL: openssl {' '.join(args[:2])}: {shown(r.stderr.strip())}")


# ------------------------------------------------------------------ child processes

class Child:
    """A long-running child (a server, the proxy): started, waited for, stopped at the end."""

    def __init__(self, name, argv, ready_line=None, ready_port=None, cwd=None):
        self.name = name
        self.lines = []
        self.port = ready_port
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1, cwd=cwd,
                                     start_new_session=True)
        ready = threading.Event()

        def read_output():
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                m = ready_line and self.port is None and re.search(ready_line, line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()  # EOF: the child is gone

        threading.Thread(target=read_output, daemon=True).start()
        if ready_line:
            ready.wait(START_TIMEOUT)
        else:
            self._connect_until(time.monotonic() + START_TIMEOUT)
        if self.port is None or self.proc.poll() is not None:
            self.stop()
            raise SystemExit(f"run_examples.py: FAIL: {name} did not start within {START_TIMEOUT}s:\n"
                             + shown("\n".join(self.lines[-20:])))

    def _connect_until(self, deadline):
        # For a child that prints nothing when it is ready: it is once its port accepts.
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                threading.Event().wait(0.05)  # the next try, not a synchronisation
        self.port = None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def start_servers(websock, certs, servers):
    """Into `servers` as each starts, so that the caller stops those that did if one does not."""
    tls_args = ["--tls-cert", certs["cert"], "--tls-key", certs["key"]]
    for scheme, extra in (("ws", []), ("wss", tls_args)):
        servers[("websock_serve", scheme)] = Child(
            f"websock serve ({scheme})", [websock, "serve", "--port", "0", "--threads", "1", "-q", *extra],
            ready_line=r"serving https?://127\.0\.0\.1:(\d+)/")
        servers[("python_websockets", scheme)] = Child(
            f"Python websockets ({scheme})", [PYTHON, os.path.join(HERE, "echo_server.py"), *extra],
            ready_line=r"^listening (\d+)")


class Proxy:
    """tinyproxy in the foreground, allowed to CONNECT to the servers' ports only, logging here."""

    def __init__(self, d, server_ports):
        self.log = os.path.join(d, "tinyproxy.log")
        port = free_port()
        conf = os.path.join(d, "tinyproxy.conf")
        with open(conf, "w") as f:
            f.write(f"Port {port}\nListen 127.0.0.1\nTimeout 60\nAllow 127.0.0.1\nMaxClients 32\n"
                    f"LogFile \"{self.log}\"\nLogLevel Connect\nDisableViaHeader Yes\n")
            for p in sorted(server_ports):
                f.write(f"ConnectPort {p}\n")
        self.child = Child("tinyproxy", ["/usr/bin/tinyproxy", "-d", "-c", conf], ready_port=port)
        self.address = f"127.0.0.1:{port}"

    def connects_to(self, port, since):
        """How many CONNECTs to 127.0.0.1:port the log has after its first `since` bytes."""
        with open(self.log, errors="replace") as f:
            f.seek(since)
            return len(re.findall(rf"Request \(file descriptor \d+\): CONNECT 127\.0\.0\.1:{port} ", f.read()))

    def log_size(self):
        return os.path.getsize(self.log) if os.path.exists(self.log) else 0


# ------------------------------------------------------------------ clients

class Example:
    """winhttp_echo or winhttp_async_echo: [-s] [-k] [-p proxy] host port path."""

    def __init__(self, name, path):
        self.name, self.path = name, path

    def run(self, scheme, port, path, proxy, insecure, env):
        argv = [self.path]
        argv += ["-s"] if scheme == "wss" else []
        argv += ["-k"] if insecure else []
        argv += ["-p", proxy] if proxy else []
        argv += ["127.0.0.1", str(port), path]
        return run_client(argv, env, stdin_text="")

    def check_echoed(self, rc, out):
        if rc != 0 or "succeeded" not in out:
            raise Failure(f"exit status {rc}:\n{shown(out)}")
        if "closed with status 1000" not in out:
            raise Failure(f"no close status 1000 printed:\n{shown(out)}")

    def check_refused(self, rc, out, status, body):
        if rc == 0:
            raise Failure(f"exit status 0 for a refused upgrade:\n{shown(out)}")
        if f"answered {status} instead of 101" not in out or body not in out:
            raise Failure(f"status {status} and body '{body}' not printed:\n{shown(out)}")

    def check_failed(self, rc, out):
        if rc == 0 or "Upgraded" in out:
            raise Failure(f"connected although the certificate is not trusted:\n{shown(out)}")


class WebsockConnect:
    """`websock connect`, the harness check: one line sent, the same line expected back."""
    LINE = "winhttp examples harness"

    def __init__(self, websock):
        self.name, self.path = "websock_connect", websock

    def run(self, scheme, port, path, proxy, insecure, env):
        argv = [self.path, "connect"]
        argv += ["-k"] if insecure else []
        argv += ["--proxy", proxy] if proxy else []
        argv += [f"{scheme}://127.0.0.1:{port}{path}"]
        return self._line_and_echo(argv, env)

    def _line_and_echo(self, argv, env):
        # stdin stays open until the echo is back: at EOF connect closes the connection, and a
        # server that has read the close frame need not echo what came before it (Python's doesn't).
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace", env=env, start_new_session=True)
        lines, echoed = [], threading.Event()

        def read_output():
            for line in proc.stdout:
                lines.append(line)
                if line.rstrip("\n") == self.LINE:
                    echoed.set()
            echoed.set()

        reader = threading.Thread(target=read_output, daemon=True)
        reader.start()
        try:
            proc.stdin.write(self.LINE + "\n")
            proc.stdin.flush()
        except OSError:
            pass  # it exited already: its output says why
        echoed.wait(CLIENT_TIMEOUT)
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(CLIENT_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise Failure(f"did not finish within {CLIENT_TIMEOUT}s:\n{shown(''.join(lines))}")
        reader.join(10)
        return proc.returncode, "".join(lines)

    def check_echoed(self, rc, out):
        if rc != 0 or self.LINE not in out:
            raise Failure(f"exit status {rc}, no echo:\n{shown(out)}")

    def check_refused(self, rc, out, status, body):
        if rc == 0 or str(status) not in out:
            raise Failure(f"exit status {rc}, status {status} not reported:\n{shown(out)}")

    def check_failed(self, rc, out):
        if rc == 0:
            raise Failure(f"connected although the certificate is not trusted:\n{shown(out)}")


def run_client(argv, env, stdin_text):
    try:
        r = subprocess.run(argv, input=stdin_text, capture_output=True, text=True, errors="replace",
                           env=env, timeout=CLIENT_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        raise Failure(f"did not finish within {CLIENT_TIMEOUT}s:\n{shown(out)}")
    return r.returncode, r.stdout + r.stderr


# ------------------------------------------------------------------ the matrix

ROUTES = {"websock_serve": "/echo", "python_websockets": "/"}
REFUSED = {"websock_serve": ("/no-such-route", 404, "upgrade refused"),
           "python_websockets": ("/reject", 403, "no WebSocket at /reject")}


def client_env(d, ca_file):
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    empty = os.path.join(d, "no-certs")
    os.makedirs(empty, exist_ok=True)
    env.update(SSL_CERT_FILE=ca_file, SSL_CERT_DIR=empty, LC_ALL="C.UTF-8")
    return env


def cases(client, servers, proxy, certs, d):
    """(name, function) for every case of one client."""
    trusted = client_env(d, certs["ca"])
    untrusted = client_env(d, certs["other_ca"])
    out = []
    for server in ("websock_serve", "python_websockets"):
        for scheme in ("ws", "wss"):
            for via_proxy in (False, True):
                port = servers[(server, scheme)].port

                def echo(port=port, scheme=scheme, via_proxy=via_proxy, server=server):
                    mark = proxy.log_size()
                    rc, text = client.run(scheme, port, ROUTES[server], proxy.address if via_proxy else None,
                                          False, trusted)
                    client.check_echoed(rc, text)
                    connects = proxy.connects_to(port, mark)
                    if via_proxy and connects != 1:
                        raise Failure(f"tinyproxy logged {connects} CONNECT to port {port}, not 1")
                    if not via_proxy and connects:
                        raise Failure("the direct connection went through tinyproxy")

                route = "through_tinyproxy" if via_proxy else "direct"
                out.append((f"{client.name}.{server}.{scheme}.{route}.echo_matches", echo))

        path, status, body = REFUSED[server]
        port = servers[(server, "ws")].port

        def refused(port=port, path=path, status=status, body=body):
            rc, text = client.run("ws", port, path, None, False, trusted)
            client.check_refused(rc, text, status, body)

        out.append((f"{client.name}.{server}.ws.direct.refused_upgrade_reports_{status}_and_body", refused))

        port = servers[(server, "wss")].port

        def unknown_ca(port=port, server=server):
            rc, text = client.run("wss", port, ROUTES[server], None, False, untrusted)
            client.check_failed(rc, text)

        def unknown_ca_ignored(port=port, server=server):
            rc, text = client.run("wss", port, ROUTES[server], None, True, untrusted)
            client.check_echoed(rc, text)

        out.append((f"{client.name}.{server}.wss.direct.unknown_ca_is_refused", unknown_ca))
        out.append((f"{client.name}.{server}.wss.direct.unknown_ca_accepted_with_-k", unknown_ca_ignored))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--websock", required=True, help="the websock CLI (serve, and connect for --harness)")
    ap.add_argument("--echo", help="winhttp_echo")
    ap.add_argument("--async-echo", help="winhttp_async_echo")
    ap.add_argument("--harness", action="store_true", help="also run the matrix with `websock connect`")
    ap.add_argument("--only", help="run only the cases whose name contains this")
    a = ap.parse_args()

    need(a.websock, "the websock CLI")
    need("openssl", "the openssl CLI")
    need("/usr/bin/tinyproxy", "tinyproxy")
    clients = []
    if a.harness:
        clients.append(WebsockConnect(a.websock))
    for name, path in (("winhttp_echo", a.echo), ("winhttp_async_echo", a.async_echo)):
        if path:
            need(path, name)
            clients.append(Example(name, path))
    if not clients:
        sys.exit("run_examples.py: nothing to run: give --echo, --async-echo or --harness")
    r = subprocess.run([PYTHON, "-c", "import websockets"], capture_output=True, timeout=30)
    if r.returncode != 0:
        sys.exit(f"run_examples.py: FAIL: {PYTHON} cannot import websockets (python3-websockets); {FIX}")

    failed = passed = 0
    with tempfile.TemporaryDirectory(prefix="winhttp-examples-") as d:
        certs = make_certificates(d)
        servers = {}
        proxy = None
        try:
            start_servers(a.websock, certs, servers)
            proxy = Proxy(d, [s.port for s in servers.values()])
            for client in clients:
                for name, fn in cases(client, servers, proxy, certs, d):
                    if a.only and a.only not in name:
                        continue
                    try:
                        fn()
                        passed += 1
                        print(f"PASS {name}", flush=True)
                    except Failure as e:
                        failed += 1
                        print(f"FAIL {name}: {e}", flush=True)
        finally:
            if proxy:
                proxy.child.stop()
            for s in servers.values():
                s.stop()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
