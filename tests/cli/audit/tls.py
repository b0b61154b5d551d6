#!/usr/bin/python3
"""`serve --tls-cert --tls-key`: TLS 1.0 and 1.1 are refused by the server, renegotiation is
refused, and the server ends a wss:// connection with close_notify after the close handshake
(docs/audit.md, "TLS")."""

import os
import select
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auditlib import (SLOW, CheckFailed, Reader, deadline, frame, main_with_server,  # noqa: E402
                      note, parse_head, read_frame, require, upgrade_request)

CERT = KEY = None  # set by main
warnings.filterwarnings("ignore", category=DeprecationWarning)  # TLSVersion.TLSv1 and 1.1


def client_context(version=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    # Debian's OpenSSL offers nothing below TLS 1.2 at its default security level.
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    # Python sets this by default: a TCP end without close_notify would then look like one.
    ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
    if version is not None:
        ctx.minimum_version = version
        ctx.maximum_version = version
    return ctx


def handshake(port, ctx):
    s = socket.create_connection(("127.0.0.1", port), timeout=10 * SLOW)
    try:
        t = ctx.wrap_socket(s, suppress_ragged_eofs=False)
        return t
    except BaseException:
        s.close()
        raise


def this_client_can_speak(version):
    """Control: the same client context completes a handshake of this version with a local
    Python server that allows it, so a refusal by websock is websock's."""
    srv_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    srv_ctx.load_cert_chain(CERT, KEY)
    srv_ctx.set_ciphers("ALL:@SECLEVEL=0")
    srv_ctx.minimum_version = version
    srv_ctx.maximum_version = version
    listener = socket.create_server(("127.0.0.1", 0))
    result = {}

    def serve_one():
        listener.settimeout(10 * SLOW)
        try:
            conn, _ = listener.accept()
            conn.settimeout(10 * SLOW)
            with srv_ctx.wrap_socket(conn, server_side=True):
                pass
        except (OSError, ssl.SSLError) as e:
            result["server"] = e

    th = threading.Thread(target=serve_one)
    th.start()
    try:
        t = handshake(listener.getsockname()[1], client_context(version))
        ok = t.version()
        t.close()
        return ok
    except ssl.SSLError as e:
        return "no (%s)" % e.reason
    finally:
        th.join()
        listener.close()


def old_versions_are_refused(srv):
    for version, name in ((ssl.TLSVersion.TLSv1, "TLS 1.0"), (ssl.TLSVersion.TLSv1_1, "TLS 1.1")):
        note("control: this client against a server allowing %s: %s" % (name, this_client_can_speak(version)))
        try:
            t = handshake(srv.port, client_context(version))
            got = t.version()
            t.close()
            raise CheckFailed("%s handshake completed (%s)" % (name, got))
        except ssl.SSLError as e:
            # An alert from the server, not a client that could not offer the version.
            require(e.reason in ("TLSV1_ALERT_PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL", "WRONG_VERSION_NUMBER",
                                 "TLSV1_ALERT_INSUFFICIENT_SECURITY"),
                    "%s failed on the client's side (%s): the check proves nothing here" % (name, e.reason))
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        t = handshake(srv.port, client_context(version))
        t.close()


def renegotiation_is_refused(srv):
    # Python's ssl cannot renegotiate; openssl s_client does on a line "R" (TLS 1.2 only).
    p = subprocess.Popen(["openssl", "s_client", "-tls1_2", "-msg", "-connect", "127.0.0.1:%d" % srv.port],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = b""
    eof = False

    def read_until(pred, end):
        nonlocal out, eof
        while not pred(out):
            left = end - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([p.stdout], [], [], left)
            if r:
                chunk = os.read(p.stdout.fileno(), 1 << 16)
                if not chunk:
                    eof = True
                    return pred(out)
                out += chunk
        return True

    try:
        require(read_until(lambda o: b"Verify return code" in o, deadline(10)), "no TLS 1.2 handshake: %r" % out[-300:])
        p.stdin.write(b"R\n")
        p.stdin.flush()
        # The answer: an alert, a second ServerHello, or the end of the connection.
        read_until(lambda o: b"no_renegotiation" in o or o.count(b"], ServerHello\n") >= 2, deadline(10))
        require(b"RENEGOTIATING" in out and out.count(b"ClientHello") >= 2, "s_client did not renegotiate: %r" % out[-300:])
        require(out.count(b"], ServerHello\n") == 1, "the server answered the renegotiation with a ServerHello")
        require(b"no_renegotiation" in out or eof, "neither a no_renegotiation alert nor an end: %r" % out[-300:])
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        p.stdin.close()
        p.stdout.close()


def close_notify_follows_the_close_handshake(srv):
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        t = handshake(srv.port, client_context(version))
        try:
            t.sendall(upgrade_request())
            r = Reader(t)
            status, _ = parse_head(r.until(b"\r\n\r\n", deadline(10)))
            require(status == 101, "wss upgrade answered %d" % status)
            t.sendall(frame(1, b"over tls"))
            _, op, payload = read_frame(r, deadline(10))
            require(op == 1 and payload == b"over tls", "echo over TLS: opcode %d" % op)
            t.sendall(frame(8, struct.pack("!H", 1000)))
            _, op, payload = read_frame(r, deadline(10))
            require(op == 8, "opcode %d instead of the close" % op)
            # Without OP_IGNORE_UNEXPECTED_EOF and ragged EOFs suppressed, a TCP end without
            # close_notify raises (UNEXPECTED_EOF_WHILE_READING); close_notify reads as b"".
            try:
                rest = r.rest(deadline(10))
            except ssl.SSLError as e:
                raise CheckFailed("%s: TCP ended without close_notify (%s)" % (t.version(), e.reason))
            require(rest == b"", "%d bytes after the close frame" % len(rest))
        finally:
            t.close()


CHECKS = [
    ("old_versions_are_refused", old_versions_are_refused, "B"),
    ("renegotiation_is_refused", renegotiation_is_refused, "B"),
    ("close_notify_follows_the_close_handshake", close_notify_follows_the_close_handshake, "B"),
]


def main():
    global CERT, KEY
    with tempfile.TemporaryDirectory(prefix="websock-audit-") as tmp:
        CERT, KEY = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                               "-days", "2", "-keyout", KEY, "-out", CERT], capture_output=True)
        if made.returncode != 0:
            print("FAIL could not make a certificate: %s" % made.stderr.decode()[-500:])
            return 1
        return main_with_server("tls", CHECKS, ["--tls-cert", CERT, "--tls-key", KEY])


if __name__ == "__main__":
    sys.exit(main())
