"""A WebSocket client on a bare socket, for the CLI tests that need what a library client hides:
a member that really stops reading (a small receive buffer, no background reader), any request
target, any close reason. Also starts and stops `websock serve`.
"""
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile

MASK = b"\x37\xfa\x21\x3d"  # one key for every frame: the server cannot tell, and frames can be built once


def frame(opcode, payload):
    """One masked, final client frame."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0xFE, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0xFF, n)
    key = int.from_bytes((MASK * (n // 4 + 1))[:n], "big")
    masked = (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big") if n else b""
    return head + MASK + masked


def close_frame(code, reason):
    return frame(0x8, struct.pack("!H", code) + reason)


def connect(address, target, rcvbuf=None, bind=None, timeout=30):
    """Opens a WebSocket with this request target to 127.0.0.1:address (a port) or to the Unix
    socket at address (a path), the client's own socket bound to `bind` if given. rcvbuf set before
    connect() pins the receive window (no autotuning), so a member that stops reading stops the
    server soon."""
    unix = isinstance(address, str)
    s = socket.socket(socket.AF_UNIX if unix else socket.AF_INET)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if bind:
        s.bind(bind)
    s.settimeout(timeout)
    s.connect(address if unix else ("127.0.0.1", address))
    host = "localhost" if unix else f"127.0.0.1:{address}"
    s.sendall((f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while not head.endswith(b"\r\n\r\n"):  # byte by byte: no frame byte is taken with the head
        b = s.recv(1)
        if not b:
            raise EOFError(f"connection closed during the handshake: {head!r}")
        head += b
    if not head.startswith(b"HTTP/1.1 101"):
        raise AssertionError(f"upgrade refused: {head[:200]!r}")
    return s


class reader:
    """The server's frames on one socket, in order."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.pos = 0

    def _need(self, n):
        while len(self.buf) - self.pos < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise EOFError("connection closed before a close frame")
            del self.buf[:self.pos]
            self.pos = 0
            self.buf += chunk

    def next(self):
        """(opcode, payload) of the next frame; server frames are unmasked and, here, unfragmented."""
        self._need(2)
        b0, b1 = self.buf[self.pos], self.buf[self.pos + 1]
        n, off = b1 & 0x7F, 2
        if n == 126:
            self._need(4)
            n, off = struct.unpack_from("!H", self.buf, self.pos + 2)[0], 4
        elif n == 127:
            self._need(10)
            n, off = struct.unpack_from("!Q", self.buf, self.pos + 2)[0], 10
        self._need(off + n)
        payload = bytes(self.buf[self.pos + off:self.pos + off + n])
        self.pos += off + n
        return b0 & 0x0F, payload


def close_code(payload):
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005


class server:
    """`websock serve` with stderr in a file, on a free TCP port (self.address is the port) or,
    with unix=True, on a Unix socket in a temporary directory (self.address is its path).
    stop() ends it with SIGTERM."""

    def __init__(self, websock, *args, unix=False):
        self.dir = tempfile.TemporaryDirectory()
        self.err_path = os.path.join(self.dir.name, "serve.err")
        self.err = open(self.err_path, "wb")
        where = ["--unix", os.path.join(self.dir.name, "serve.sock")] if unix else ["--port", "0"]
        self.proc = subprocess.Popen([websock, "serve", *where, "--threads", "2", *args],
                                     stdout=subprocess.PIPE, stderr=self.err)
        line = self.proc.stdout.readline().decode()  # the first line names the address: no polling
        m = re.search(r"unix:(\S+)" if unix else r"127\.0\.0\.1:(\d+)", line)
        if not m:
            self.stop()
            raise AssertionError(f"serve printed no address: {line!r}; stderr: {self.stderr()[:500]!r}")
        self.address = m.group(1) if unix else int(m.group(1))

    def stderr_size(self):
        return os.path.getsize(self.err_path)

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read()

    def stop(self):
        """SIGTERM, then the exit status; every log line is written by then."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
