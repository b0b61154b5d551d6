#!/usr/bin/python3
"""`websock connect` puts nothing on the wire that the user did not mean as one field (issue 9
defect 6): a raw listener on 127.0.0.1 captures what the CLI sends.

    connect_request.py WEBSOCK_BIN

Headers, subprotocols and URLs that would add a line are refused with one line on stderr and exit
status 2, before any connection; spaces, tabs and non-ASCII bytes in the path arrive encoded.
Prints one line per case and "N passed, N failed"; exits 1 if any failed.
"""
import os
import select
import socket
import subprocess
import sys
import threading

from cases import check, run_cases

WEBSOCK = sys.argv[1]


class Listener:
    """Accepts on 127.0.0.1, records each connection's bytes up to the end of its head, closes."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.heads = []
        self.wake_r, self.wake_w = os.pipe()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def readable(self, s):
        ready, _, _ = select.select([s, self.wake_r], [], [])
        return self.wake_r not in ready

    def run(self):
        while self.readable(self.sock):
            conn, _ = self.sock.accept()
            head = b""
            while b"\r\n\r\n" not in head and self.readable(conn):
                data = conn.recv(4096)
                if not data:
                    break
                head += data
            self.heads.append(head)
            conn.close()

    def stop(self):
        os.write(self.wake_w, b"x")
        self.thread.join()
        self.sock.close()


def run_connect(*args, path="/x"):
    """Runs `websock connect ARGS ws://127.0.0.1:PORT+path` with no input; returns (status,
    stderr, heads the listener saw)."""
    listener = Listener()
    url = f"ws://127.0.0.1:{listener.port}" + path
    p = subprocess.run([WEBSOCK, "connect", *args, url], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=20)
    listener.stop()
    return p.returncode, p.stderr.decode("utf-8", "replace"), listener.heads


def refused(*args, path="/x", culprit):
    status, err, heads = run_connect(*args, path=path)
    check(not heads, f"the listener was sent {heads[0]!r}" if heads else "")
    check(status == 2, f"exit status {status} (want 2), stderr: {err.strip()!r}")
    check(err.count("\n") == 1 and err.startswith("websock: refusing to send the upgrade request: "),
          f"want one 'refusing' line on stderr, got {err!r}")
    check(culprit in err, f"stderr does not name {culprit!r}: {err!r}")


def case_issue9_defect6_header_value_with_crlf():
    refused("-H", "X-A: a\r\nInjected: yes", culprit=": X-A")


def case_issue9_defect6_header_name_with_lf():
    refused("-H", "X-A\nInjected: yes", culprit="X-A\\nInjected")


def case_issue9_defect6_subprotocol_with_crlf():
    refused("-s", "chat\r\nInjected: yes", culprit="chat\\r\\nInjected: yes")


def case_issue9_defect6_url_path_with_crlf():
    refused(path="/x\r\nInjected: yes", culprit="/x\\r\\nInjected: yes")


def case_issue9_defect6_host_header_of_our_own():
    refused("-H", "Host: elsewhere.example", culprit=": Host")


def case_issue9_defect6_space_tab_and_utf8_in_the_path_are_encoded():
    _, err, heads = run_connect(path="/a b\tc\u00e9?q=<x>")
    check(len(heads) == 1, f"want one connection, got {len(heads)}; stderr: {err.strip()!r}")
    line = heads[0].split(b"\r\n", 1)[0]
    check(line == b"GET /a%20b%09c%C3%A9?q=%3Cx%3E HTTP/1.1", f"request line {line!r}")


if __name__ == "__main__":
    sys.exit(run_cases(globals()))
