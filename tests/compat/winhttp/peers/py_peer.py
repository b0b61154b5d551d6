#!/usr/bin/python3
"""A WebSocket server on loopback for the WinHTTP face's tests: a well-behaved echo server built on
Debian's python3-websockets (its Sans-I/O ServerConnection, so the framing, masking checks and
closing handshake are the library's) and a set of faulty servers written by hand on the same port.

    /usr/bin/python3 py_peer.py [--port N] [--tls CERT KEY]

Listens on 127.0.0.1 (port N, default 0: a free one), prints exactly one line to stdout,

    listening on PORT

flushes it, and serves until its stdin reaches end of file or it is killed. --tls serves wss://
(every path below, faults included) with that PEM certificate chain and key. Nothing else goes to
stdout; a handler that fails prints one line naming the path and the error class to stderr (never
bytes the client sent).

Well-behaved paths (the handshake is checked by websockets: a bad upgrade request gets its 4xx):
    /echo      echoes each message whole (text as text, binary as binary; fragments are joined),
               answers pings and close frames (messages that arrive together with the client's close
               frame are still echoed, before the answer), and obeys these text messages instead of
               echoing them:
                 "close CODE REASON..."  sends a close frame with that code and reason (the reason is
                                         everything after "close CODE ", maybe empty); codes RFC 6455
                                         forbids on the wire (1005, 999, ...) are sent anyway
                 "close-empty"           sends a close frame with no payload
                 "send N"                sends one binary message of N bytes, byte i = i % 251
                 "ping"                  sends a ping (payload "peer-ping"), then the text "after-ping"
                 "silent-close"          from now on reads and discards everything: answers nothing,
                                         not even a close frame; the TCP connection stays open until
                                         the client closes it
    /protocol  offers subprotocol "chat" (chosen if the client offered it), sends as its first text
               message the client's Sec-WebSocket-Protocol value(s) joined by ", " ("" if none),
               then behaves like /echo
    /headers   accepts any request with a Sec-WebSocket-Key (handshake written here, so odd requests
               still get through: the accept is computed from the first key), sends as its first text
               message a JSON object of what it received, json.dumps(..., sort_keys=True):
                 {":request-line": ["GET /headers HTTP/1.1"], "host": ["127.0.0.1:5555"], ...}
               keys are lower-case header names, values the list of that header's values in order;
               then behaves like /echo

The query "greeting" (/echo?greeting, and so on) on any path that behaves like /echo and on
/fault/no-close-reply makes the server send the text message GREETING ("Request served by py_peer")
right after the 101, before anything else ("early" of /fault/frame-with-101 aside): Wine's notification.c tests talk to ws.ifelse.io, whose first
message is such a text, and check that it starts with 'R' (docs/compat/winhttp_callbacks.md).

Faulty paths ("valid 101": status 101 with Upgrade, Connection and the correct Sec-WebSocket-Accept
= base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11))):
    /fault/404              "404 Not Found", Content-Type text/html, Content-Length, Connection: close,
                            body NOT_FOUND_BODY; then FIN (end of stream), closed once the client closes
    /fault/chunked-403      "403 Forbidden", Transfer-Encoding: chunked, body FORBIDDEN_BODY in two
                            chunks and the last chunk; the connection stays open until the client closes
    /fault/bad-accept       101 whose Sec-WebSocket-Accept is the correct value with its first character
                            changed; then behaves like /echo
    /fault/extension        valid 101 that adds "Sec-WebSocket-Extensions: permessage-deflate" (never
                            offered by the client); then behaves like /echo
    /fault/frame-with-101   valid 101 and a text frame "early" in the same write; then behaves like /echo
    /fault/drop-mid-message valid 101, then the first 10 bytes (4 of header, 6 of payload) of a
                            1000-byte binary frame, then FIN (EOF); reads until the client closes
    /fault/reset            valid 101, then an RST at once (SO_LINGER 0); the client can still read the
                            101 (Linux delivers queued bytes before reporting the reset)
    /fault/masked-frame     valid 101, then a text frame "masked" with the MASK bit set
    /fault/rsv-bits         valid 101, then a text frame "rsv" with RSV1, RSV2 and RSV3 set
    /fault/reserved-opcode  valid 101, then a final frame with reserved opcode 0x3, payload "op3"
    /fault/close-1-byte     valid 101, then a close frame whose payload is the single byte 0x03
    /fault/no-close-reply   valid 101 (then GREETING if asked for), then reads and discards everything:
                            never echoes, never answers a close frame; open until the client closes it
    /fault/slow-head        reads the request, never answers; open until the client closes it
After the invalid frame of masked-frame, rsv-bits, reserved-opcode and close-1-byte the server reads
the client's frames; a client close frame is answered with the same payload (except after
close-1-byte, which already sent its close), then the server sends FIN and waits for the client's.
Any other path: "400 Bad Request", text/plain body "py_peer: unknown path\n", Connection: close, then FIN.
Over TLS, "FIN" is close_notify and a full close (asyncio's TLS transport cannot half-close).
"""
import argparse
import asyncio
import base64
import hashlib
import json
import socket
import ssl
import struct
import sys
import threading

from websockets.connection import State
from websockets.exceptions import ProtocolError
from websockets.frames import Close, Frame, Opcode
from websockets.server import ServerConnection

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
HEAD_LIMIT = 64 * 1024            # longest request head read
MAX_MESSAGE = 64 * 1024 * 1024    # largest message /echo accepts
NOT_FOUND_BODY = b"<html><body><h1>404 Not Found</h1><p>py_peer fault</p></body></html>\n"
FORBIDDEN_CHUNKS = (b"<html><body><h1>403 Forbidden</h1>", b"<p>py_peer fault</p></body></html>\n")
FORBIDDEN_BODY = b"".join(FORBIDDEN_CHUNKS)
UNKNOWN_BODY = b"py_peer: unknown path\n"
GREETING = "Request served by py_peer"


# --- the request head and the handshake, by hand ---------------------------------------------------

class Head:
    """The parts of a request head the routes need (decoded as Latin-1, as HTTP/1.1 allows)."""

    def __init__(self, raw):
        lines = raw.decode("latin-1").split("\r\n")
        self.raw = raw
        self.request_line = lines[0]
        target = lines[0].split(" ")[1] if lines[0].count(" ") >= 2 else ""
        self.path, _, query = target.partition("?")
        self.query = {item.partition("=")[0] for item in query.split("&") if item}
        self.fields = []  # (lower-case name, value) in order
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                self.fields.append((name.strip().lower(), value.strip()))

    def values(self, name):
        return [v for n, v in self.fields if n == name]


def accept_for(key):
    return base64.b64encode(hashlib.sha1((key + GUID).encode("latin-1")).digest()).decode()


def upgrade_response(head, accept=None, extra=""):
    """A 101 head; `accept` overrides the correct Sec-WebSocket-Accept."""
    keys = head.values("sec-websocket-key")
    if accept is None:
        accept = accept_for(keys[0] if keys else "")
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n{extra}\r\n").encode("latin-1")


def plain_response(status, content_type, body, extra=""):
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"{extra}\r\n").encode("latin-1") + body


def server_frame(first_byte, payload, mask_key=None):
    """One unfragmented frame as a server would send it, unless mask_key asks for the MASK bit."""
    n = len(payload)
    mask_bit = 0x80 if mask_key else 0
    if n < 126:
        head = bytes([first_byte, mask_bit | n])
    elif n < 65536:
        head = bytes([first_byte, mask_bit | 126]) + struct.pack("!H", n)
    else:
        head = bytes([first_byte, mask_bit | 127]) + struct.pack("!Q", n)
    if mask_key:
        return head + mask_key + apply_mask(payload, mask_key)
    return head + payload


def apply_mask(data, key):
    if not data:
        return b""
    stream = (key * (len(data) // 4 + 1))[:len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


async def read_client_frame(reader):
    """(opcode, unmasked payload) of the client's next frame, or None at end of stream."""
    try:
        b0, b1 = await reader.readexactly(2)
        n = b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", await reader.readexactly(2))
        elif n == 127:
            (n,) = struct.unpack("!Q", await reader.readexactly(8))
        if n > MAX_MESSAGE:
            return None
        key = await reader.readexactly(4) if b1 & 0x80 else b""
        payload = await reader.readexactly(n)
    except asyncio.IncompleteReadError:
        return None
    return b0 & 0x0F, apply_mask(payload, key) if key else payload


# --- socket endings ------------------------------------------------------------------------------

async def discard_until_eof(reader):
    while await reader.read(65536):
        pass


def half_close(writer):
    # asyncio's TLS transport cannot half-close: there the end is close_notify and a full close.
    if writer.can_write_eof():
        writer.write_eof()
    else:
        writer.close()


async def finish(reader, writer):
    """FIN first, then wait for the client's, so that unread client bytes never turn it into an RST."""
    await writer.drain()
    half_close(writer)
    await discard_until_eof(reader)


async def answer_close_then_finish(reader, writer, answer):
    """Reads client frames until a close frame (answered with its own payload if `answer`) or EOF."""
    while (frame := await read_client_frame(reader)) is not None:
        opcode, payload = frame
        if opcode == Opcode.CLOSE:
            if answer:
                writer.write(server_frame(0x88, payload[:125]))
            break
    await finish(reader, writer)


# --- the well-behaved side: a Sans-I/O websockets connection driven here -------------------------

def pattern(n):
    return bytes(i % 251 for i in range(n))


def send_close_any(conn, code, reason):
    try:
        conn.send_close(code, reason)
    except ProtocolError:
        # websockets refuses codes that must not appear on the wire; tests of the client's checks
        # need them sent anyway, with the connection moved to CLOSING as send_close() would.
        conn.send_frame(Frame(Opcode.CLOSE, struct.pack("!H", code) + reason.encode()))
        conn.close_sent = Close(code, reason)
        conn.state = State.CLOSING


def obey(conn, opcode, payload):
    """Answers one whole message; returns False when the client asked for silence."""
    text = payload.decode("utf-8", "replace") if opcode == Opcode.TEXT else None
    words = text.split(" ", 2) if text is not None else []
    if text == "close-empty":
        conn.send_close()
    elif len(words) >= 2 and words[0] == "close" and words[1].isdigit() and int(words[1]) < 65536:
        send_close_any(conn, int(words[1]), words[2] if len(words) > 2 else "")
    elif len(words) == 2 and words[0] == "send" and words[1].isdigit() and int(words[1]) <= MAX_MESSAGE:
        conn.send_binary(pattern(int(words[1])))
    elif text == "ping":
        conn.send_ping(b"peer-ping")
        conn.send_text(b"after-ping")
    elif text == "silent-close":
        return False
    elif opcode == Opcode.TEXT:
        conn.send_text(payload)
    else:
        conn.send_binary(payload)
    return True


async def flush(conn, writer):
    for data in conn.data_to_send():
        if data:
            writer.write(data)
        else:
            half_close(writer)
    await writer.drain()


async def run_echo(conn, reader, writer, head, greeting=None):
    """Drives `conn` (CONNECTING with the head already fed, or OPEN) until the TCP connection ends;
    first sends GREETING if the request asked for it, then `greeting`."""
    if conn.state is State.OPEN:
        if "greeting" in head.query:
            conn.send_text(GREETING.encode())
        if greeting is not None:
            conn.send_text(greeting.encode())
    await flush(conn, writer)
    opcode, parts = None, []
    while conn.state is not State.CLOSED:
        data = await reader.read(65536)
        if data:
            conn.receive_data(data)
        else:
            conn.receive_eof()
        # Messages that came in the same read as the client's close frame: the library has already
        # queued its close answer and refuses to send more, yet the client sent them first (Wine's
        # W3-W6: sends, then Shutdown at once). They are echoed as written here, ahead of the answer.
        before_close = []
        for frame in conn.events_received():
            if not isinstance(frame, Frame):
                continue
            if frame.opcode in (Opcode.TEXT, Opcode.BINARY):
                opcode, parts = frame.opcode, [frame.data]
            elif frame.opcode == Opcode.CONT:
                parts.append(frame.data)
            else:
                continue
            if frame.fin and conn.state is State.OPEN:
                if not obey(conn, opcode, b"".join(parts)):
                    await flush(conn, writer)
                    await discard_until_eof(reader)
                    return
            elif frame.fin and conn.close_rcvd_then_sent:
                before_close.append(server_frame(0x80 | opcode.value, b"".join(parts)))
        for echo in before_close:
            writer.write(echo)
        await flush(conn, writer)
        if not data:
            return


async def library_handshake(head, reader, writer, subprotocols=None):
    """Lets websockets check the request and answer it; returns the connection (maybe rejected)."""
    conn = ServerConnection(subprotocols=subprotocols, max_size=MAX_MESSAGE)
    conn.receive_data(head.raw)
    for event in conn.events_received():
        conn.send_response(conn.accept(event))
    return conn


def open_connection():
    return ServerConnection(state=State.OPEN, max_size=MAX_MESSAGE)


# --- routes -------------------------------------------------------------------------------------

async def route_echo(head, reader, writer):
    await run_echo(await library_handshake(head, reader, writer), reader, writer, head)


async def route_protocol(head, reader, writer):
    conn = await library_handshake(head, reader, writer, subprotocols=["chat"])
    await run_echo(conn, reader, writer, head, ", ".join(head.values("sec-websocket-protocol")))


async def route_headers(head, reader, writer):
    if not head.values("sec-websocket-key"):
        writer.write(plain_response("400 Bad Request", "text/plain", b"no Sec-WebSocket-Key\n",
                                    "Connection: close\r\n"))
        await finish(reader, writer)
        return
    received = {":request-line": [head.request_line]}
    for name, value in head.fields:
        received.setdefault(name, []).append(value)
    writer.write(upgrade_response(head))
    await run_echo(open_connection(), reader, writer, head, json.dumps(received, sort_keys=True))


async def fault_404(head, reader, writer):
    writer.write(plain_response("404 Not Found", "text/html", NOT_FOUND_BODY, "Connection: close\r\n"))
    await finish(reader, writer)


async def fault_chunked_403(head, reader, writer):
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in FORBIDDEN_CHUNKS) + b"0\r\n\r\n"
    writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                 + body)
    await writer.drain()
    await discard_until_eof(reader)


async def fault_bad_accept(head, reader, writer):
    right = accept_for((head.values("sec-websocket-key") or [""])[0])
    wrong = ("B" if right[0] == "A" else "A") + right[1:]
    writer.write(upgrade_response(head, accept=wrong))
    await run_echo(open_connection(), reader, writer, head)


async def fault_extension(head, reader, writer):
    writer.write(upgrade_response(head, extra="Sec-WebSocket-Extensions: permessage-deflate\r\n"))
    await run_echo(open_connection(), reader, writer, head)


async def fault_frame_with_101(head, reader, writer):
    writer.write(upgrade_response(head) + server_frame(0x81, b"early"))
    await run_echo(open_connection(), reader, writer, head)


async def fault_drop_mid_message(head, reader, writer):
    writer.write(upgrade_response(head) + server_frame(0x82, pattern(1000))[:10])
    await finish(reader, writer)


async def fault_reset(head, reader, writer):
    writer.write(upgrade_response(head))
    await writer.drain()
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def bad_frame_route(frame, answer=True):
    async def route(head, reader, writer):
        writer.write(upgrade_response(head) + frame)
        await answer_close_then_finish(reader, writer, answer)
    return route


async def fault_no_close_reply(head, reader, writer):
    greeting = server_frame(0x81, GREETING.encode()) if "greeting" in head.query else b""
    writer.write(upgrade_response(head) + greeting)
    await writer.drain()
    await discard_until_eof(reader)


async def fault_slow_head(head, reader, writer):
    await discard_until_eof(reader)


async def unknown_path(head, reader, writer):
    writer.write(plain_response("400 Bad Request", "text/plain", UNKNOWN_BODY, "Connection: close\r\n"))
    await finish(reader, writer)


ROUTES = {
    "/echo": route_echo,
    "/protocol": route_protocol,
    "/headers": route_headers,
    "/fault/404": fault_404,
    "/fault/chunked-403": fault_chunked_403,
    "/fault/bad-accept": fault_bad_accept,
    "/fault/extension": fault_extension,
    "/fault/frame-with-101": fault_frame_with_101,
    "/fault/drop-mid-message": fault_drop_mid_message,
    "/fault/reset": fault_reset,
    "/fault/masked-frame": bad_frame_route(server_frame(0x81, b"masked", mask_key=b"\x11\x22\x33\x44")),
    "/fault/rsv-bits": bad_frame_route(server_frame(0xF1, b"rsv")),
    "/fault/reserved-opcode": bad_frame_route(server_frame(0x83, b"op3")),
    "/fault/close-1-byte": bad_frame_route(server_frame(0x88, b"\x03"), answer=False),
    "/fault/no-close-reply": fault_no_close_reply,
    "/fault/slow-head": fault_slow_head,
}


# --- the server ---------------------------------------------------------------------------------

async def on_client(reader, writer):
    route_name = "(head)"
    try:
        head = Head(await reader.readuntil(b"\r\n\r\n"))
        route = ROUTES.get(head.path, unknown_path)
        route_name = head.path if route is not unknown_path else "(unknown path)"
        await route(head, reader, writer)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ssl.SSLError):
        pass  # the client went away or sent no usable head: nothing to answer
    except Exception as error:  # a bug here: say where, never what the client sent
        print(f"py_peer: {route_name}: {type(error).__name__}", file=sys.stderr, flush=True)
    finally:
        writer.close()


def watch_stdin(loop, stop):
    sys.stdin.buffer.read()
    loop.call_soon_threadsafe(stop.set)


async def main():
    parser = argparse.ArgumentParser(description="WebSocket peer for the WinHTTP face's tests")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    context = None
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
    loop = asyncio.get_running_loop()
    # asyncio reports failed TLS handshakes (a client refusing our certificate is a test case) with
    # a traceback; one line is enough.
    loop.set_exception_handler(lambda _, ctx: print(f"py_peer: {ctx.get('message')}", file=sys.stderr))
    server = await asyncio.start_server(on_client, "127.0.0.1", args.port, ssl=context, limit=HEAD_LIMIT)
    print(f"listening on {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    threading.Thread(target=watch_stdin, args=(loop, stop), daemon=True).start()
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
